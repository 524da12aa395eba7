package data

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

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
	// Failing counts the documents whose newest fetch attempt failed or
	// was suspect (DocumentSummary.Failing), which the home page counts
	// across every page of its list.
	Failing int
}

// AllFailed says whether there are documents and the newest fetch of every
// one of them failed. A document never fetched has not failed.
func (h FetchHealth) AllFailed() bool {
	return h.Documents > 0 && h.Failed == h.Documents
}

// fetchHealthQuery counts in SQL, one search of fetches_by_document per
// document, so that 20,000 documents are never loaded into memory.
const fetchHealthQuery = `SELECT count(*), coalesce(sum(o = 'failed'), 0), coalesce(sum(o IN ('failed', 'suspect')), 0)
FROM (SELECT (SELECT outcome FROM fetches f WHERE f.document_id = d.id
    ORDER BY started_at DESC, id DESC LIMIT 1) AS o FROM documents d)`

// FetchHealth reads the newest fetch outcome of every document.
func (db *DB) FetchHealth(ctx context.Context) (FetchHealth, error) {
	var h FetchHealth
	if err := db.sql.QueryRowContext(ctx, fetchHealthQuery).Scan(&h.Documents, &h.Failed, &h.Failing); err != nil {
		return FetchHealth{}, fmt.Errorf("data: fetch health: %w", damaged(err))
	}
	return h, nil
}

// Totals are the figures /metrics exports, summed over every document: with
// 20,000 documents, per-document series would load a row per document into
// memory on every scrape and make a time series database hold 100,000 of
// them.
type Totals struct {
	FetchHealth
	Versions int // versions stored
	// NeverSucceeded counts the documents no fetch ever succeeded for (new
	// version, unchanged or not modified), those never fetched included.
	NeverSucceeded int
	// OldestSuccess is the oldest of the documents' latest successful
	// fetches: the document checked longest ago; zero when none succeeded.
	OldestSuccess time.Time
	// LastMaterial is when the latest material change was detected; zero
	// when there is none.
	LastMaterial time.Time
	// Fetches counts the fetch attempts by outcome.
	Fetches map[Outcome]int64
}

// totalsQuery sums the per-document figures in SQL. The latest success of
// each document is a backwards search of fetches_by_document that stops at
// the first success.
const totalsQuery = `SELECT (SELECT count(*) FROM versions),
    coalesce(sum(ok IS NULL), 0), coalesce(min(ok), ''),
    coalesce((SELECT detected_at FROM changes WHERE material ORDER BY detected_at DESC, id DESC LIMIT 1), '')
FROM (SELECT (SELECT o.started_at FROM fetches o WHERE o.document_id = d.id
        AND o.outcome IN ('new-version', 'unchanged', 'not-modified') ORDER BY o.started_at DESC, o.id DESC LIMIT 1) AS ok
    FROM documents d)`

// fetchOutcomesQuery reads the size of the fetch log by outcome, kept by
// insertFetches (migration 0012) rather than counted.
const fetchOutcomesQuery = `SELECT outcome, n FROM fetch_counts ORDER BY outcome`

// Totals reads the figures of /metrics.
func (db *DB) Totals(ctx context.Context) (Totals, error) {
	var t Totals
	var err error
	if t.FetchHealth, err = db.FetchHealth(ctx); err != nil {
		return Totals{}, err
	}
	var oldest, last string
	if err := db.sql.QueryRowContext(ctx, totalsQuery).Scan(&t.Versions, &t.NeverSucceeded, &oldest, &last); err != nil {
		return Totals{}, fmt.Errorf("data: totals: %w", damaged(err))
	}
	for _, p := range []struct {
		dst *time.Time
		src string
	}{{&t.OldestSuccess, oldest}, {&t.LastMaterial, last}} {
		if p.src == "" {
			continue
		}
		if *p.dst, err = parseTime(p.src); err != nil {
			return Totals{}, fmt.Errorf("data: totals: %w", err)
		}
	}
	rows, err := db.sql.QueryContext(ctx, fetchOutcomesQuery)
	if err != nil {
		return Totals{}, fmt.Errorf("data: totals: %w", damaged(err))
	}
	defer rows.Close()
	t.Fetches = map[Outcome]int64{}
	for rows.Next() {
		var o Outcome
		var n int64
		if err := rows.Scan(&o, &n); err != nil {
			return Totals{}, fmt.Errorf("data: totals: %w", err)
		}
		t.Fetches[o] = n
	}
	if err := rows.Err(); err != nil {
		return Totals{}, fmt.Errorf("data: totals: %w", err)
	}
	return t, nil
}
