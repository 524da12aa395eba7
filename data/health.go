package data

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrDamaged marks an error that says the database file is damaged (SQLite
// found a malformed page or index), so that the health check can say so
// instead of answering as if the service merely had a bad moment.
var ErrDamaged = errors.New("database damaged")

// maxQuickCheckProblems bounds the problems QuickCheck reports: a damaged
// file can list thousands, and the first few tell an operator enough.
const maxQuickCheckProblems = 5

// QuickCheck runs PRAGMA quick_check, which reads every page and checks the
// b-trees (not the indexes' contents, which full integrity_check does at
// many times the cost), so that a damaged file is noticed at start-up
// instead of by the first request or fetch that touches the bad page. It
// returns nil when SQLite answers "ok", else an error wrapping ErrDamaged
// with the first problems it listed.
func (db *DB) QuickCheck(ctx context.Context) error {
	rows, err := db.sql.QueryContext(ctx, fmt.Sprintf(`PRAGMA quick_check(%d)`, maxQuickCheckProblems))
	if err != nil {
		return fmt.Errorf("data: quick check: %w", damaged(err))
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("data: quick check: %w", damaged(err))
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("data: quick check: %w", damaged(err))
	}
	if len(problems) > 0 {
		return fmt.Errorf("data: quick check: %w: %s", ErrDamaged, strings.Join(problems, "; "))
	}
	return nil
}

// damaged wraps err with ErrDamaged when SQLite says the file is corrupt or
// not a database, and returns it unchanged otherwise.
func damaged(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		if c := se.Code() & 0xff; c == sqlite3.SQLITE_CORRUPT || c == sqlite3.SQLITE_NOTADB {
			return fmt.Errorf("%w: %w", ErrDamaged, err)
		}
	}
	return err
}

// FetchHealth counts the documents and those whose newest fetch failed, for
// the health check: a service whose every document fails to fetch (network
// down, blocked, proxy gone) is not doing its job although it answers.
type FetchHealth struct {
	Documents int // documents stored
	Failed    int // documents whose newest fetch attempt failed
}

// AllFailed says whether there are documents and the newest fetch of every
// one of them failed. A document never fetched has not failed.
func (h FetchHealth) AllFailed() bool {
	return h.Documents > 0 && h.Failed == h.Documents
}

// FetchHealth reads the newest fetch outcome of every document.
func (db *DB) FetchHealth(ctx context.Context) (FetchHealth, error) {
	const q = `SELECT count(*), coalesce(sum((SELECT outcome FROM fetches f WHERE f.document_id = d.id
    ORDER BY started_at DESC, id DESC LIMIT 1) = 'failed'), 0)
FROM documents d`
	var h FetchHealth
	if err := db.sql.QueryRowContext(ctx, q).Scan(&h.Documents, &h.Failed); err != nil {
		return FetchHealth{}, fmt.Errorf("data: fetch health: %w", damaged(err))
	}
	return h, nil
}
