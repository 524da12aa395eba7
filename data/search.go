package data

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/clausewatch/clausewatch/data/internal/blocklist"
	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/policy"
)

// Full-text search answers the question researchers ask of an archive: which
// versions contain a phrase, and when it first and last appeared. Texts are
// content-addressed (each distinct clause string is one row of texts), so
// the FTS5 index covers every string once however many versions repeat it,
// and version_texts maps each string to the spans of versions that contain
// it. See migrations/0002_search.sql.

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
	// TooManyDocuments says that the texts read occur in more than
	// MaxSearchDocuments documents: only the first by id are listed.
	TooManyDocuments bool
}

// MaxSearchDocuments bounds how many documents a search lists: a clause
// every policy shares may occur in all of 20,000 documents, and each
// listed document reads its versions.
const MaxSearchDocuments = 100

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
// the user typed are words to find, not query syntax. Control characters,
// which normalized policy text never contains, become spaces: FTS5 reads a
// NUL as the end of the query ("unterminated string").
func ftsPhrase(q string) string {
	q = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.TrimSpace(q))
	return `"` + strings.ReplaceAll(q, `"`, `""`) + `"`
}

// Search finds the versions whose clauses contain the phrase q (case- and
// accent-insensitive, whole words in order). Texts recorded since the last
// search, and versions recorded before the search index existed, are
// indexed first.
func (db *DB) Search(ctx context.Context, q string) (*SearchResult, error) {
	if err := CheckQuery(q); err != nil {
		return nil, err
	}
	if _, err := db.IndexTexts(ctx); err != nil {
		return nil, err
	}
	if _, err := db.IndexSearch(ctx); err != nil {
		return nil, err
	}
	if _, err := db.IndexTextDocuments(ctx); err != nil {
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
	docs, more, err := versionsWithTexts(ctx, db.sql, textIDs)
	res.TooManyDocuments = more
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		cur := &SearchDocument{DocumentID: d.id}
		matches := map[int64]*SearchMatch{}
		var order []int64
		for i, ref := range d.versions {
			cur.Versions = append(cur.Versions, SearchVersion{VersionRef: ref})
			if len(d.texts[i]) == 0 {
				continue
			}
			cur.Versions[i].Contains = true
			for _, tid := range d.texts[i] {
				m := matches[tid]
				if m == nil {
					m = &SearchMatch{TextID: tid, Snippet: snippets[tid], First: ref}
					matches[tid] = m
					order = append(order, tid)
				}
				m.Last = ref
				m.VersionsCount++
			}
		}
		finishDocument(cur, matches, order)
		res.Documents = append(res.Documents, *cur)
	}
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

// docTexts is one document's versions, oldest first, with the searched
// texts each of them contains (sorted ids).
type docTexts struct {
	id       string
	versions []VersionRef
	texts    [][]int64
}

// searchDocumentsQuery lists the documents (?2 at most) where the matched
// texts (?1, a JSON array) occur, from text_documents; only their ids are
// sorted.
const searchDocumentsQuery = `SELECT DISTINCT document_id FROM text_documents
WHERE text_id IN (SELECT value FROM json_each(?1)) ORDER BY document_id LIMIT ?2`

// searchSpansQuery reads the spans of the matched texts (?2, a JSON array)
// in the listed documents (?1, a JSON array), in the order of the primary
// key.
const searchSpansQuery = `SELECT document_id, text_id, from_version, until_version FROM version_texts
WHERE document_id IN (SELECT value FROM json_each(?1)) AND text_id IN (SELECT value FROM json_each(?2))
ORDER BY document_id, text_id, from_version`

// searchVersionsQuery lists the versions of the documents with a match (a
// JSON array), each document from versions_by_document in order.
const searchVersionsQuery = `SELECT document_id, id, fetched_at FROM versions
WHERE document_id IN (SELECT value FROM json_each(?)) ORDER BY document_id, fetched_at, id`

// versionsWithTexts expands the spans of textIDs into, for every document
// with one (the first MaxSearchDocuments by id; the bool says whether more
// had one), its versions in (fetched_at, id) order, each with the texts of
// textIDs it contains; documents come in id order. Positions in that order
// decide containment, so the answer holds however version ids and fetch
// times interleave.
func versionsWithTexts(ctx context.Context, q queryer, textIDs []int64) ([]docTexts, bool, error) {
	texts, err := json.Marshal(textIDs)
	if err != nil {
		return nil, false, err
	}
	listed, err := q.QueryContext(ctx, searchDocumentsQuery, string(texts), MaxSearchDocuments+1)
	if err != nil {
		return nil, false, err
	}
	var found []string
	for listed.Next() {
		var id string
		if err := listed.Scan(&id); err != nil {
			listed.Close()
			return nil, false, err
		}
		found = append(found, id)
	}
	listed.Close()
	if err := listed.Err(); err != nil {
		return nil, false, err
	}
	more := len(found) > MaxSearchDocuments
	if more {
		found = found[:MaxSearchDocuments]
	}
	if len(found) == 0 {
		return nil, more, nil
	}
	arg, err := json.Marshal(found)
	if err != nil {
		return nil, false, err
	}
	type span struct {
		text, from int64
		until      sql.NullInt64
	}
	rows, err := q.QueryContext(ctx, searchSpansQuery, string(arg), string(texts))
	if err != nil {
		return nil, false, err
	}
	spans := map[string][]span{}
	var docIDs []string
	for rows.Next() {
		var doc string
		var s span
		if err := rows.Scan(&doc, &s.text, &s.from, &s.until); err != nil {
			rows.Close()
			return nil, false, err
		}
		if _, ok := spans[doc]; !ok {
			docIDs = append(docIDs, doc)
		}
		spans[doc] = append(spans[doc], s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	if len(docIDs) == 0 {
		return nil, more, nil
	}
	if arg, err = json.Marshal(docIDs); err != nil {
		return nil, false, err
	}
	rows, err = q.QueryContext(ctx, searchVersionsQuery, string(arg))
	if err != nil {
		return nil, false, err
	}
	var out []docTexts
	for rows.Next() {
		var doc, at string
		var id int64
		if err := rows.Scan(&doc, &id, &at); err != nil {
			rows.Close()
			return nil, false, err
		}
		t, err := parseTime(at)
		if err != nil {
			rows.Close()
			return nil, false, err
		}
		if n := len(out); n == 0 || out[n-1].id != doc {
			out = append(out, docTexts{id: doc})
		}
		d := &out[len(out)-1]
		d.versions = append(d.versions, VersionRef{ID: id, FetchedAt: t})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	for i := range out {
		d := &out[i]
		pos := make(map[int64]int, len(d.versions))
		for j, v := range d.versions {
			pos[v.ID] = j
		}
		d.texts = make([][]int64, len(d.versions))
		for _, s := range spans[d.id] {
			from, ok := pos[s.from]
			end := len(d.versions)
			if s.until.Valid {
				var ok2 bool
				end, ok2 = pos[s.until.Int64]
				ok = ok && ok2
			}
			if !ok {
				return nil, false, fmt.Errorf("search index of %s names a version that is not one of its versions (text %d, versions %d to %v): %w", d.id, s.text, s.from, s.until.Int64, errCorrupt)
			}
			// Spans come by text id, so each version's list stays sorted.
			for j := from; j < end; j++ {
				d.texts[j] = append(d.texts[j], s.text)
			}
		}
		for j := range d.texts {
			d.texts[j] = slices.Compact(d.texts[j])
		}
	}
	return out, more, nil
}

// distinctTextIDs returns the sorted, distinct texts.ids of the non-empty
// block texts (blockIDs[i] is the id of blocks[i].Text): what the search
// index says a version contains.
func distinctTextIDs(blocks []policy.Block, blockIDs []int64) []int64 {
	out := make([]int64, 0, len(blocks))
	for i, b := range blocks {
		if b.Text != "" {
			out = append(out, blockIDs[i])
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// diffSorted returns the ids of cur not in prev and those of prev not in
// cur; both must be sorted and distinct.
func diffSorted(prev, cur []int64) (added, removed []int64) {
	i, j := 0, 0
	for i < len(prev) || j < len(cur) {
		switch {
		case j == len(cur) || (i < len(prev) && prev[i] < cur[j]):
			removed = append(removed, prev[i])
			i++
		case i == len(prev) || cur[j] < prev[i]:
			added = append(added, cur[j])
			j++
		default:
			i++
			j++
		}
	}
	return added, removed
}

// searchIndexed reports whether the document's spans are complete, so that
// Record extends them with a new version: the document has spans, or none
// of its versions has any text (no spans to have). A document with texts
// but no spans waits for IndexSearch.
func searchIndexed(ctx context.Context, q queryer, docID string) (bool, error) {
	const query = `SELECT EXISTS (SELECT 1 FROM version_texts WHERE document_id = ?1)
    OR NOT EXISTS (SELECT 1 FROM versions WHERE document_id = ?1 AND text_length > 0)`
	var ok bool
	if err := q.QueryRowContext(ctx, query, docID).Scan(&ok); err != nil {
		return false, fmt.Errorf("search index state of %s: %w", docID, err)
	}
	return ok, nil
}

// indexVersion extends the document's spans to its new latest version
// versionID, whose texts are cur, after the version whose texts are prev
// (nil for the document's first version): it closes the spans of the texts
// the version dropped and opens spans for the texts it added. Record calls
// it in the version's transaction.
//
// If the spans turn out not to match prev (a dropped text without an open
// span: rows deleted or written by hand), the document's spans are dropped
// instead, so that the next search rebuilds them from the versions rather
// than answer from a wrong index.
func indexVersion(ctx context.Context, tx stmtQueryer, docID string, versionID int64, prev, cur []int64) error {
	added, removed := diffSorted(prev, cur)
	if len(removed) > 0 {
		arg, err := json.Marshal(removed)
		if err != nil {
			return err
		}
		const closeQ = `UPDATE version_texts SET until_version = ?1
WHERE document_id = ?2 AND text_id IN (SELECT value FROM json_each(?3)) AND until_version IS NULL`
		r, err := tx.ExecContext(ctx, closeQ, versionID, docID, string(arg))
		if err != nil {
			return fmt.Errorf("index version %d: %w", versionID, err)
		}
		n, err := r.RowsAffected()
		if err != nil {
			return fmt.Errorf("index version %d: %w", versionID, err)
		}
		if n != int64(len(removed)) {
			if _, err := tx.ExecContext(ctx, `DELETE FROM version_texts WHERE document_id = ?`, docID); err != nil {
				return fmt.Errorf("index version %d: reset index of %s: %w", versionID, docID, err)
			}
			return nil
		}
	}
	if len(added) > 0 {
		arg, err := json.Marshal(added)
		if err != nil {
			return err
		}
		const openQ = `INSERT INTO version_texts (document_id, text_id, from_version) SELECT ?1, value, ?2 FROM json_each(?3)`
		if _, err := tx.ExecContext(ctx, openQ, docID, versionID, string(arg)); err != nil {
			return fmt.Errorf("index version %d: %w", versionID, err)
		}
	}
	return nil
}

// IndexTexts adds the texts stored since the last call to the full-text
// index (migration 0004 says why Record does not) and returns how many it
// added. Texts are only inserted, with increasing ids, so those above the
// watermark are exactly the missing ones; the check costs two index probes
// when none is. They are added textsPerIndexing at a time, each batch in
// its own transaction, so that the millions of clauses of a first check of
// thousands of documents do not hold the writer, and fetches waiting to be
// recorded, for the whole of it. Search calls it first; serve calls it
// now and then so that the first search after a large check is quick.
func (db *DB) IndexTexts(ctx context.Context) (int64, error) {
	n, err := inBatches(func() (int64, bool, error) { return db.indexSomeTexts(ctx, textsPerIndexing) })
	if err != nil {
		return n, fmt.Errorf("data: index texts: %w", err)
	}
	return n, nil
}

// inBatches runs batch, one transaction each, until it reports nothing
// more waiting or fails, and returns the sum of what the batches did.
func inBatches(batch func() (n int64, more bool, err error)) (int64, error) {
	var total int64
	for {
		n, more, err := batch()
		total += n
		if err != nil || !more {
			return total, err
		}
	}
}

// textsPerIndexing bounds the texts one transaction adds to the full-text
// index.
const textsPerIndexing = 20000

// indexSomeTexts adds up to limit texts to the full-text index and reports
// whether more are waiting.
func (db *DB) indexSomeTexts(ctx context.Context, limit int64) (n int64, more bool, err error) {
	const state = `SELECT (SELECT indexed_through FROM texts_fts_state), (SELECT ifnull(max(id), 0) FROM texts)`
	var through, last int64
	if err := db.sql.QueryRowContext(ctx, state).Scan(&through, &last); err != nil {
		return 0, false, fmt.Errorf("state: %w", err)
	}
	if last <= through {
		return 0, false, nil
	}
	err = db.write(ctx, func(tx *sql.Tx) error {
		// Another search may have indexed them meanwhile, and a Record
		// added more: both are read again under the write lock.
		if err := tx.QueryRowContext(ctx, state).Scan(&through, &last); err != nil {
			return err
		}
		upTo := min(last, through+limit)
		more = upTo < last
		const add = `INSERT INTO texts_fts (rowid, text) SELECT id, text FROM texts WHERE id > ? AND id <= ? ORDER BY id`
		r, err := tx.ExecContext(ctx, add, through, upTo)
		if err != nil {
			return err
		}
		if n, err = r.RowsAffected(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE texts_fts_state SET indexed_through = ?`, upTo)
		return err
	})
	return n, more, err
}

// IndexTextDocuments adds to text_documents the texts of the documents that
// have versions recorded since the last call (migration 0014 says why
// Record does not) and returns how many versions that covered. Version ids
// only grow, so those above the watermark are exactly the new ones. They
// are taken versionsPerIndexing at a time, each batch in its own
// transaction, as IndexTexts does. Search calls it first; serve calls it
// now and then.
func (db *DB) IndexTextDocuments(ctx context.Context) (int64, error) {
	n, err := inBatches(func() (int64, bool, error) { return db.indexSomeTextDocuments(ctx, versionsPerIndexing) })
	if err != nil {
		return n, fmt.Errorf("data: index documents of texts: %w", err)
	}
	return n, nil
}

// versionsPerIndexing bounds the versions one transaction of
// IndexTextDocuments covers: the spans of at most that many documents.
const versionsPerIndexing = 1000

// versionsTextsQuery lists the texts of the documents that have a version
// with an id above ?1 and up to ?2, each document's spans read once, in the
// order of text_documents. A document's older texts are in the table
// already; reading them again costs less than telling them apart.
const versionsTextsQuery = `SELECT DISTINCT s.text_id, s.document_id FROM version_texts s
WHERE s.document_id IN (SELECT document_id FROM versions WHERE id > ?1 AND id <= ?2)
ORDER BY s.text_id, s.document_id`

// indexSomeTextDocuments adds the texts of the documents of up to limit
// versions to text_documents and reports whether more are waiting.
func (db *DB) indexSomeTextDocuments(ctx context.Context, limit int64) (n int64, more bool, err error) {
	const state = `SELECT (SELECT indexed_through FROM text_documents_state), (SELECT ifnull(max(id), 0) FROM versions)`
	var through, last int64
	if err := db.sql.QueryRowContext(ctx, state).Scan(&through, &last); err != nil {
		return 0, false, fmt.Errorf("state: %w", err)
	}
	if last == through {
		return 0, false, nil
	}
	var covered int64
	err = db.write(ctx, func(tx *sql.Tx) error {
		// Read again under the write lock, as indexSomeTexts does.
		if err := tx.QueryRowContext(ctx, state).Scan(&through, &last); err != nil {
			return err
		}
		// Newest versions deleted by hand leave the watermark above the
		// last id, and the next versions take their ids again: which ids
		// are new is unknown, so every document is read again (the
		// pairs already there are kept).
		if last < through {
			through = 0
		}
		upTo := min(last, through+limit)
		more, covered = upTo < last, upTo-through
		add := `INSERT OR IGNORE INTO text_documents (text_id, document_id) ` + versionsTextsQuery
		if _, err := tx.ExecContext(ctx, add, through, upTo); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE text_documents_state SET indexed_through = ?`, upTo)
		return err
	})
	if err != nil {
		return 0, false, err
	}
	return covered, more, nil
}

// IndexSearch builds the spans of the documents that have texts but no
// spans (versions recorded before migration 0002, or spans dropped to be
// rebuilt) and returns how many versions it indexed. It is cheap when
// nothing is missing: two index probes per document.
func (db *DB) IndexSearch(ctx context.Context) (int, error) {
	const missing = `SELECT d.id FROM documents d
WHERE NOT EXISTS (SELECT 1 FROM version_texts s WHERE s.document_id = d.id)
  AND EXISTS (SELECT 1 FROM versions v WHERE v.document_id = d.id AND v.text_length > 0)
ORDER BY d.id`
	rows, err := db.sql.QueryContext(ctx, missing)
	if err != nil {
		return 0, fmt.Errorf("data: index search: %w", err)
	}
	var docs []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, fmt.Errorf("data: index search: %w", err)
		}
		docs = append(docs, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("data: index search: %w", err)
	}
	total := 0
	for _, doc := range docs {
		n, err := db.indexDocument(ctx, doc)
		total += n
		if err != nil {
			return total, fmt.Errorf("data: index search of %s: %w", doc, err)
		}
	}
	return total, nil
}

// indexDocument builds a document's spans from its versions' blocks. The
// versions are read and decoded before taking the write lock, so that a
// check running at the same time is held up only by the inserts; versions
// recorded meanwhile are read again inside the transaction.
func (db *DB) indexDocument(ctx context.Context, docID string) (int, error) {
	b := &spanBuilder{open: map[int64]int64{}}
	if err := b.feed(ctx, db.sql, docID); err != nil {
		return 0, err
	}
	n := 0
	err := db.write(ctx, func(tx *sql.Tx) error {
		var done bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM version_texts WHERE document_id = ?)`, docID).Scan(&done); err != nil {
			return err
		}
		if done {
			return nil // another writer indexed it meanwhile
		}
		if err := b.feed(ctx, tx, docID); err != nil {
			return err
		}
		if err := b.insert(ctx, tx, docID); err != nil {
			return err
		}
		// These spans start at versions IndexTextDocuments may have
		// read already, without them.
		const pairs = `INSERT OR IGNORE INTO text_documents (text_id, document_id)
SELECT DISTINCT text_id, document_id FROM version_texts WHERE document_id = ?`
		if _, err := tx.ExecContext(ctx, pairs, docID); err != nil {
			return fmt.Errorf("documents of texts: %w", err)
		}
		n = b.versions
		return nil
	})
	return n, err
}

// spanBuilder turns a document's versions, fed oldest first, into spans.
type spanBuilder struct {
	open     map[int64]int64 // text id -> first version of its open span
	prev     []int64         // texts of the last version fed
	closed   []closedSpan
	versions int
	// lastAt and lastID are the (fetched_at, id) of the last version fed.
	lastAt string
	lastID int64
}

type closedSpan struct{ text, from, until int64 }

func (b *spanBuilder) add(versionID int64, cur []int64) {
	added, removed := diffSorted(b.prev, cur)
	for _, t := range removed {
		b.closed = append(b.closed, closedSpan{text: t, from: b.open[t], until: versionID})
		delete(b.open, t)
	}
	for _, t := range added {
		b.open[t] = versionID
	}
	b.prev = cur
	b.versions++
}

// feed adds the document's versions after the last one fed, in
// (fetched_at, id) order.
func (b *spanBuilder) feed(ctx context.Context, q queryer, docID string) error {
	// The empty string is a stored text when some block has no text; the
	// index leaves it out, as distinctTextIDs does.
	var emptyID int64
	empty := sha256.Sum256(nil)
	err := q.QueryRowContext(ctx, `SELECT id FROM texts WHERE sha256 = ?`, empty[:]).Scan(&emptyID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("look up the empty text: %w", err)
	}
	const query = `SELECT id, fetched_at, blocks FROM versions
WHERE document_id = ? AND (fetched_at, id) > (?, ?) ORDER BY fetched_at, id`
	rows, err := q.QueryContext(ctx, query, docID, b.lastAt, b.lastID)
	if err != nil {
		return fmt.Errorf("read versions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var at string
		var stored []byte
		if err := rows.Scan(&id, &at, &stored); err != nil {
			return fmt.Errorf("read versions: %w", err)
		}
		list, err := blocklist.Decode(stored)
		if err != nil {
			return fmt.Errorf("blocks of version %d: %w: %w", id, errCorrupt, err)
		}
		cur := make([]int64, 0, len(list.Blocks))
		for _, r := range list.Blocks {
			if r.Text != emptyID {
				cur = append(cur, r.Text)
			}
		}
		slices.Sort(cur)
		b.add(id, slices.Compact(cur))
		b.lastAt, b.lastID = at, id
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read versions: %w", err)
	}
	return nil
}

// insert writes the spans built so far.
func (b *spanBuilder) insert(ctx context.Context, tx *sql.Tx, docID string) error {
	ins, err := tx.PrepareContext(ctx, `INSERT INTO version_texts (document_id, text_id, from_version, until_version) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("insert spans: %w", err)
	}
	defer ins.Close()
	for _, s := range b.closed {
		if _, err := ins.ExecContext(ctx, docID, s.text, s.from, s.until); err != nil {
			return fmt.Errorf("insert spans: %w", err)
		}
	}
	open := slices.Sorted(maps.Keys(b.open))
	for _, t := range open {
		if _, err := ins.ExecContext(ctx, docID, t, b.open[t], nil); err != nil {
			return fmt.Errorf("insert spans: %w", err)
		}
	}
	return nil
}

// TextHistory looks texts up in what the document held up to version head,
// so that the pipeline can tell a page state from an edit: seen maps each of
// arrived that head or an earlier version contained to the latest such
// version (for a text that had gone, the last version before it went), and
// only counts versions readers were shown: the first, or one whose change
// settled (a text seen only in a state the page flipped out of at once is
// still news when it comes back to stay). toggled holds the texts that came
// or went before as part of the page's states: each of arrived or gone that
// came in with a change that only showed part of the page (a presentation
// change or a capture variation), and each of gone that had gone and come
// back before. Texts are whole clause strings as versions store
// them; a sentence cut from a long paragraph is not found.
func (db *DB) TextHistory(ctx context.Context, docID string, head int64, arrived, gone []string) (seen map[string]diff.Seen, toggled map[string]bool, err error) {
	seen, toggled = map[string]diff.Seen{}, map[string]bool{}
	if len(arrived)+len(gone) == 0 {
		return seen, toggled, nil
	}
	wrap := func(err error) error { return fmt.Errorf("data: history of texts of %s: %w", docID, err) }
	indexed, err := searchIndexed(ctx, db.sql, docID)
	if err != nil {
		return nil, nil, wrap(err)
	}
	if !indexed {
		if _, err := db.indexDocument(ctx, docID); err != nil {
			return nil, nil, wrap(err)
		}
	}
	// A span contains head, or closed at or before it: its last version
	// up to head is head itself, or the version just before it closed.
	const seenQ = `WITH h AS (SELECT fetched_at, id FROM versions WHERE id = ?2),
spans AS (
    SELECT j.key AS k, CASE
        WHEN u.id IS NULL OR (u.fetched_at, u.id) > (SELECT fetched_at, id FROM h) THEN ?2
        ELSE (SELECT p.id FROM versions p WHERE p.document_id = ?1 AND (p.fetched_at, p.id) < (u.fetched_at, u.id)
              ORDER BY p.fetched_at DESC, p.id DESC LIMIT 1) END AS last
    FROM json_each(?3) j
    JOIN texts t ON t.sha256 = unhex(j.value)
    JOIN version_texts s ON s.document_id = ?1 AND s.text_id = t.id
    JOIN versions f ON f.id = s.from_version
    LEFT JOIN versions u ON u.id = s.until_version
    WHERE (f.fetched_at, f.id) <= (SELECT fetched_at, id FROM h)
      AND EXISTS (SELECT 1 FROM versions v LEFT JOIN changes c ON c.to_version = v.id
                  WHERE v.document_id = ?1 AND (v.fetched_at, v.id) >= (f.fetched_at, f.id)
                    AND (u.id IS NULL OR (v.fetched_at, v.id) < (u.fetched_at, u.id))
                    AND (v.fetched_at, v.id) <= (SELECT fetched_at, id FROM h)
                    AND (c.id IS NULL OR c.state = 'settled')))
SELECT spans.k, v.id, v.fetched_at FROM spans JOIN versions v ON v.id = spans.last`
	const toggledQ = `WITH h AS (SELECT fetched_at, id FROM versions WHERE id = ?2)
SELECT j.key FROM json_each(?3) j JOIN texts t ON t.sha256 = unhex(j.value)
WHERE ?4 AND EXISTS (SELECT 1 FROM version_texts s JOIN versions u ON u.id = s.until_version
              WHERE s.document_id = ?1 AND s.text_id = t.id AND (u.fetched_at, u.id) <= (SELECT fetched_at, id FROM h))
   OR EXISTS (SELECT 1 FROM version_texts s JOIN changes c ON c.to_version = s.from_version
              WHERE s.document_id = ?1 AND s.text_id = t.id AND c.capture <> '')`
	rows, err := db.sql.QueryContext(ctx, seenQ, docID, head, hashArg(arrived))
	if err != nil {
		return nil, nil, wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k int
		var at string
		var s diff.Seen
		if err := rows.Scan(&k, &s.Version, &at); err != nil {
			return nil, nil, wrap(err)
		}
		if s.At, err = parseTime(at); err != nil {
			return nil, nil, wrap(err)
		}
		text := arrived[k]
		if old, ok := seen[text]; !ok || s.At.After(old.At) {
			seen[text] = s
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, wrap(err)
	}
	rows.Close()
	// A text that arrives again after going is restored, not toggled: only
	// the way it first came counts.
	for _, look := range []struct {
		texts  []string
		closed bool
	}{{arrived, false}, {gone, true}} {
		if len(look.texts) == 0 {
			continue
		}
		rows, err := db.sql.QueryContext(ctx, toggledQ, docID, head, hashArg(look.texts), look.closed)
		if err != nil {
			return nil, nil, wrap(err)
		}
		for rows.Next() {
			var k int
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, nil, wrap(err)
			}
			toggled[look.texts[k]] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, wrap(err)
		}
	}
	return seen, toggled, nil
}

// hashArg is the JSON array of the hex sha256 of each text, as queries
// look texts up by (texts.sha256 = unhex(value)).
func hashArg(texts []string) string {
	hexes := make([]string, len(texts))
	for i, s := range texts {
		sum := sha256.Sum256([]byte(s))
		hexes[i] = hex.EncodeToString(sum[:])
	}
	b, _ := json.Marshal(hexes) // a []string always encodes
	return string(b)
}
