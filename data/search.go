package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/clausewatch/clausewatch/policy"
)

// Full-text search answers the question researchers ask of an archive: which
// versions contain a phrase, and when it first and last appeared. Texts are
// content-addressed (each distinct clause string is one row of texts), so
// the FTS5 index covers every string once however many versions repeat it,
// and version_texts maps each string to the versions that contain it. See
// migrations/0002_search.sql.

// ErrBadQuery is returned by Search for a query it cannot run (empty, too
// long, or without a letter or digit), so that callers answer 400.
var ErrBadQuery = errors.New("bad search query")

// Markers around the matched words in SearchMatch.Snippet. They are control
// characters that normalized policy text never contains, so a caller can cut
// the snippet at them and escape every part.
const (
	SnippetOpen  = "\x02"
	SnippetClose = "\x03"
)

// MaxQueryLen bounds a search phrase in characters.
const MaxQueryLen = 200

// maxSearchTexts bounds how many matching clause texts a search reads, so a
// query for a word every clause contains stays cheap; SearchResult.Truncated
// says when the bound was hit.
const maxSearchTexts = 300

// SearchResult is the answer to a phrase search, grouped by document.
type SearchResult struct {
	Query     string
	Documents []SearchDocument
	// Truncated says that more clause texts matched than were read.
	Truncated bool
}

// SearchDocument is where a phrase occurs in one document's history.
type SearchDocument struct {
	DocumentID string
	// Versions is every version of the document, oldest first, each saying
	// whether it contains the phrase.
	Versions []SearchVersion
	// Count is how many versions contain the phrase.
	Count int
	// First and Last are the oldest and newest versions containing it.
	First, Last VersionRef
	// InLatest says the document's latest version still contains it.
	InLatest bool
	// Runs are the stretches of consecutive versions containing it: a phrase
	// that was removed and came back has two.
	Runs []SearchRun
	// Matches are the distinct clause texts that contain it, oldest first.
	Matches []SearchMatch
}

// VersionRef names a version and when it was fetched.
type VersionRef struct {
	ID        int64
	FetchedAt time.Time
}

// SearchVersion is one version of a document in a search result.
type SearchVersion struct {
	VersionRef
	Contains bool
}

// SearchRun is a stretch of consecutive versions containing the phrase.
// Until is the version that no longer contains it (zero while the run
// reaches the latest version).
type SearchRun struct {
	From, To VersionRef
	Until    VersionRef
}

// SearchMatch is one clause text containing the phrase, with a short
// excerpt (the matched words between SnippetOpen and SnippetClose) and the
// versions it appears in.
type SearchMatch struct {
	TextID        int64
	Snippet       string
	First, Last   VersionRef
	VersionsCount int
}

// CheckQuery reports whether q can be searched, with a message for the user.
func CheckQuery(q string) error {
	q = strings.TrimSpace(q)
	switch {
	case q == "":
		return fmt.Errorf("%w: empty", ErrBadQuery)
	case utf8.RuneCountInString(q) > MaxQueryLen:
		return fmt.Errorf("%w: longer than %d characters", ErrBadQuery, MaxQueryLen)
	case strings.IndexFunc(q, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0:
		return fmt.Errorf("%w: no letter or digit to search for", ErrBadQuery)
	}
	return nil
}

// ftsPhrase quotes q as one FTS5 phrase, so that operators and punctuation
// the user typed are words to find, not query syntax.
func ftsPhrase(q string) string {
	return `"` + strings.ReplaceAll(strings.TrimSpace(q), `"`, `""`) + `"`
}

// Search finds the versions whose clauses contain the phrase q (case- and
// accent-insensitive, whole words in order). Versions recorded before the
// search index existed are indexed first.
func (db *DB) Search(ctx context.Context, q string) (*SearchResult, error) {
	if err := CheckQuery(q); err != nil {
		return nil, err
	}
	if _, err := db.IndexSearch(ctx); err != nil {
		return nil, err
	}
	res, err := db.search(ctx, strings.TrimSpace(q))
	if err != nil {
		return nil, fmt.Errorf("data: search %q: %w", q, err)
	}
	return res, nil
}

func (db *DB) search(ctx context.Context, q string) (*SearchResult, error) {
	res := &SearchResult{Query: q}
	const match = `SELECT rowid, snippet(texts_fts, 0, char(2), char(3), '…', 24) FROM texts_fts
WHERE texts_fts MATCH ? ORDER BY rowid LIMIT ?`
	rows, err := db.sql.QueryContext(ctx, match, ftsPhrase(q), maxSearchTexts+1)
	if err != nil {
		return nil, err
	}
	snippets := map[int64]string{}
	var textIDs []int64
	for rows.Next() {
		var id int64
		var snip string
		if err := rows.Scan(&id, &snip); err != nil {
			rows.Close()
			return nil, err
		}
		snippets[id] = snip
		textIDs = append(textIDs, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(textIDs) > maxSearchTexts {
		textIDs = textIDs[:maxSearchTexts]
		res.Truncated = true
	}
	if len(textIDs) == 0 {
		return res, nil
	}
	arg, err := json.Marshal(textIDs)
	if err != nil {
		return nil, err
	}
	// Every version of every document with a hit, oldest first, with the
	// matching texts it contains (NULL for a version without any).
	const versions = `WITH hit AS (SELECT value AS text_id FROM json_each(?)),
docs AS (SELECT DISTINCT v.document_id FROM hit JOIN version_texts vt ON vt.text_id = hit.text_id JOIN versions v ON v.id = vt.version_id)
SELECT v.document_id, v.id, v.fetched_at, vt.text_id
FROM versions v JOIN docs ON docs.document_id = v.document_id
LEFT JOIN version_texts vt ON vt.version_id = v.id AND vt.text_id IN (SELECT text_id FROM hit)
ORDER BY v.document_id, v.fetched_at, v.id, vt.text_id`
	rows, err = db.sql.QueryContext(ctx, versions, string(arg))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cur *SearchDocument
	matches := map[int64]*SearchMatch{}
	var order []int64
	flush := func() {
		if cur == nil {
			return
		}
		finishDocument(cur, matches, order)
		res.Documents = append(res.Documents, *cur)
		matches, order = map[int64]*SearchMatch{}, nil
	}
	for rows.Next() {
		var doc, at string
		var vid int64
		var tid sql.NullInt64
		if err := rows.Scan(&doc, &vid, &at, &tid); err != nil {
			return nil, err
		}
		if cur == nil || cur.DocumentID != doc {
			flush()
			cur = &SearchDocument{DocumentID: doc}
		}
		t, err := parseTime(at)
		if err != nil {
			return nil, err
		}
		ref := VersionRef{ID: vid, FetchedAt: t}
		if n := len(cur.Versions); n == 0 || cur.Versions[n-1].ID != vid {
			cur.Versions = append(cur.Versions, SearchVersion{VersionRef: ref})
		}
		if !tid.Valid {
			continue
		}
		cur.Versions[len(cur.Versions)-1].Contains = true
		m := matches[tid.Int64]
		if m == nil {
			m = &SearchMatch{TextID: tid.Int64, Snippet: snippets[tid.Int64], First: ref}
			matches[tid.Int64] = m
			order = append(order, tid.Int64)
		}
		m.Last = ref
		m.VersionsCount++
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	flush()
	// Documents where the phrase is still present come first, then by when
	// it first appeared.
	slices.SortStableFunc(res.Documents, func(a, b SearchDocument) int {
		if a.InLatest != b.InLatest {
			if a.InLatest {
				return -1
			}
			return 1
		}
		return a.First.FetchedAt.Compare(b.First.FetchedAt)
	})
	return res, nil
}

// finishDocument derives the counts, first and last sightings and runs of a
// document from its versions, and attaches its matches in order of first
// appearance.
func finishDocument(d *SearchDocument, matches map[int64]*SearchMatch, order []int64) {
	var run *SearchRun
	for i, v := range d.Versions {
		if v.Contains {
			d.Count++
			if d.Count == 1 {
				d.First = v.VersionRef
			}
			d.Last = v.VersionRef
			if run == nil {
				d.Runs = append(d.Runs, SearchRun{From: v.VersionRef})
				run = &d.Runs[len(d.Runs)-1]
			}
			run.To = v.VersionRef
			continue
		}
		if run != nil {
			run.Until = d.Versions[i].VersionRef
			run = nil
		}
	}
	if n := len(d.Versions); n > 0 {
		d.InLatest = d.Versions[n-1].Contains
	}
	for _, id := range order {
		d.Matches = append(d.Matches, *matches[id])
	}
	slices.SortStableFunc(d.Matches, func(a, b SearchMatch) int { return a.First.FetchedAt.Compare(b.First.FetchedAt) })
}

// indexVersionTexts records in version_texts which texts version id's blocks
// contain; Record calls it for every new version, in its transaction.
func indexVersionTexts(ctx context.Context, tx *sql.Tx, versionID int64, blocks []policy.Block, ids map[string]int64) error {
	textIDs := make([]int64, 0, len(blocks))
	for _, b := range blocks {
		if b.Text == "" {
			continue
		}
		id, ok := ids[b.Text]
		if !ok {
			return fmt.Errorf("index version %d: block text has no stored id", versionID)
		}
		textIDs = append(textIDs, id)
	}
	return insertVersionTexts(ctx, tx, versionID, textIDs)
}

func insertVersionTexts(ctx context.Context, tx *sql.Tx, versionID int64, textIDs []int64) error {
	slices.Sort(textIDs)
	textIDs = slices.Compact(textIDs)
	arg, err := json.Marshal(textIDs)
	if err != nil {
		return err
	}
	const ins = `INSERT OR IGNORE INTO version_texts (version_id, text_id) SELECT ?, value FROM json_each(?)`
	if _, err := tx.ExecContext(ctx, ins, versionID, string(arg)); err != nil {
		return fmt.Errorf("index version %d: %w", versionID, err)
	}
	return nil
}

// IndexSearch adds to the search index the versions it lacks (those recorded
// before migration 0002) and returns how many it added. It is cheap when
// nothing is missing: one indexed scan of the versions.
func (db *DB) IndexSearch(ctx context.Context) (int, error) {
	const missing = `SELECT v.id FROM versions v WHERE NOT EXISTS (SELECT 1 FROM version_texts vt WHERE vt.version_id = v.id) ORDER BY v.id`
	rows, err := db.sql.QueryContext(ctx, missing)
	if err != nil {
		return 0, fmt.Errorf("data: index search: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, fmt.Errorf("data: index search: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("data: index search: %w", err)
	}
	// Small batches keep each write transaction short, so that a check
	// running at the same time is not held up.
	const batch = 32
	for start := 0; start < len(ids); start += batch {
		part := ids[start:min(start+batch, len(ids))]
		err := db.write(ctx, func(tx *sql.Tx) error {
			for _, id := range part {
				var stored []byte
				err := tx.QueryRowContext(ctx, `SELECT blocks FROM versions WHERE id = ?`, id).Scan(&stored)
				if err != nil {
					return fmt.Errorf("read version %d: %w", id, err)
				}
				refs, err := decodeBlocks(stored)
				if err != nil {
					return fmt.Errorf("blocks of version %d: %w: %w", id, errCorrupt, err)
				}
				textIDs := make([]int64, len(refs.blocks))
				for i, b := range refs.blocks {
					textIDs[i] = b.text
				}
				if err := insertVersionTexts(ctx, tx, id, textIDs); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return start, fmt.Errorf("data: index search: %w", err)
		}
	}
	return len(ids), nil
}
