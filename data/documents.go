package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Document is one watched policy page as configured. It is stored so that
// history pages can name documents that have since left the configuration.
type Document struct {
	ID, URL, Service, Title, Region, Language string
	// Browser says the page is rendered with headless Chromium.
	Browser bool
}

// SyncDocuments inserts or updates the configured documents. It never deletes
// one: a document dropped from the configuration keeps its history.
func (db *DB) SyncDocuments(ctx context.Context, docs []Document) error {
	for i, d := range docs {
		if d.ID == "" {
			return fmt.Errorf("data: sync documents: document %d has no id", i+1)
		}
		if d.URL == "" {
			return fmt.Errorf("data: sync documents: document %q has no url", d.ID)
		}
	}
	const q = `INSERT INTO documents (id, url, service, title, region, language, browser, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
    url = excluded.url, service = excluded.service, title = excluded.title,
    region = excluded.region, language = excluded.language, browser = excluded.browser,
    updated_at = excluded.updated_at
WHERE (url, service, title, region, language, browser) IS NOT
      (excluded.url, excluded.service, excluded.title, excluded.region, excluded.language, excluded.browser)`
	now := formatTime(db.now())
	err := db.write(ctx, func(tx *sql.Tx) error {
		// Prepared once: parsing the statement for each of thousands of
		// documents cost more than running it.
		stmt, err := tx.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, d := range docs {
			if _, err := stmt.ExecContext(ctx, d.ID, d.URL, d.Service, d.Title, d.Region, d.Language, d.Browser, now, now); err != nil {
				return fmt.Errorf("document %q: %w", d.ID, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("data: sync documents: %w", err)
	}
	return nil
}

// Documents returns every stored document, configured or not, by id.
func (db *DB) Documents(ctx context.Context) ([]Document, error) {
	const q = `SELECT id, url, service, title, region, language, browser FROM documents ORDER BY id`
	rows, err := db.sql.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("data: list documents: %w", err)
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		var d Document
		if err := rows.Scan(&d.ID, &d.URL, &d.Service, &d.Title, &d.Region, &d.Language, &d.Browser); err != nil {
			return nil, fmt.Errorf("data: list documents: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("data: list documents: %w", err)
	}
	return out, nil
}

// Document returns one stored document, or ErrNotFound.
func (db *DB) Document(ctx context.Context, id string) (*Document, error) {
	const q = `SELECT id, url, service, title, region, language, browser FROM documents WHERE id = ?`
	var d Document
	err := db.sql.QueryRowContext(ctx, q, id).Scan(&d.ID, &d.URL, &d.Service, &d.Title, &d.Region, &d.Language, &d.Browser)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("data: document %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("data: document %q: %w", id, err)
	}
	return &d, nil
}

func documentExists(ctx context.Context, q queryer, id string) error {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM documents WHERE id = ?`, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("document %q is not stored; add it to the configuration (SyncDocuments) before recording fetches: %w", id, ErrUnknownDocument)
	}
	return nil
}

// DocumentSummary is a row of the documents list: the document, how many
// versions it has, its latest fetch attempt and its latest material change.
type DocumentSummary struct {
	Document
	Versions int
	// LastFetch is the latest fetch attempt; its ID is 0 when the document
	// was never fetched.
	LastFetch Fetch
	// LastOK is when a fetch last succeeded (new version, unchanged or not
	// modified); zero when none ever did.
	LastOK time.Time
	// LastMaterial is the latest material change; its ID is 0 when there is
	// none.
	LastMaterial ChangeRef
	// Live says whether the document was ever fetched from its URL, and
	// LiveOK when such a fetch last succeeded (zero when none did): a
	// document whose versions were all imported (the bundled history) has
	// fetches and versions but was never checked live.
	Live   bool
	LiveOK time.Time
	// Archives are the archives some of its versions were taken from, to
	// be credited (see Archive).
	Archives []Archive
}

// Failing says whether the latest fetch attempt failed or was suspect, which
// is what an operator must see first.
func (d DocumentSummary) Failing() bool {
	return d.LastFetch.Outcome == Failed || d.LastFetch.Outcome == Suspect
}

// ChangeRef names a change and when it was detected.
type ChangeRef struct {
	ID         int64
	DetectedAt time.Time
}

// documentSummaryColumns are the columns of a home page row (table alias
// d). Each subquery is a search of its table's by-document index that stops
// at the first row it wants, newest first, so that a row costs the same
// however long the document's fetch log is.
const documentSummaryColumns = `d.id, d.url, d.service, d.title, d.region, d.language, d.browser,
    (SELECT count(*) FROM versions v WHERE v.document_id = d.id),
    coalesce(f.id, 0), coalesce(f.started_at, ''), coalesce(f.outcome, ''), coalesce(f.status, 0),
    coalesce(f.error_class, ''), coalesce(f.reason, ''),
    coalesce((SELECT o.started_at FROM fetches o WHERE o.document_id = d.id
        AND o.outcome IN ('new-version', 'unchanged', 'not-modified') ORDER BY o.started_at DESC, o.id DESC LIMIT 1), ''),
    coalesce(c.id, 0), coalesce(c.detected_at, ''),
    EXISTS (SELECT 1 FROM fetches l LEFT JOIN snapshots ls ON ls.id = l.snapshot_id
        WHERE l.document_id = d.id AND NOT coalesce(ls.imported, 0)),
    coalesce((SELECT l.started_at FROM fetches l LEFT JOIN snapshots ls ON ls.id = l.snapshot_id
        WHERE l.document_id = d.id AND NOT coalesce(ls.imported, 0)
        AND l.outcome IN ('new-version', 'unchanged', 'not-modified') ORDER BY l.started_at DESC, l.id DESC LIMIT 1), '')`

// documentSummariesQuery lists the summaries in the home page's order
// (service, title, id), read from documents_by_name; with after, it starts
// after document ?1 in that order (an unknown id selects nothing). The
// last argument is the limit.
func documentSummariesQuery(after bool) string {
	q := `SELECT ` + documentSummaryColumns + `
FROM documents d
LEFT JOIN fetches f ON f.id = (SELECT id FROM fetches WHERE document_id = d.id ORDER BY started_at DESC, id DESC LIMIT 1)
LEFT JOIN changes c ON c.id = (SELECT id FROM changes WHERE document_id = d.id AND material ORDER BY detected_at DESC, id DESC LIMIT 1)`
	if after {
		q += `
WHERE (d.service, d.title, d.id) > (SELECT a.service, a.title, a.id FROM documents a WHERE a.id = ?)`
	}
	return q + `
ORDER BY d.service, d.title, d.id LIMIT ?`
}

// DocumentSummaries lists up to limit stored documents with their version
// count, latest fetch and latest material change, ordered by service, title
// and id, starting after document after ("" for the first page; an unknown
// id selects nothing). It reports whether more documents follow: the next
// page starts after the last one returned. There may be 20,000 documents,
// so that a listing is read a page at a time.
func (db *DB) DocumentSummaries(ctx context.Context, after string, limit int) ([]DocumentSummary, bool, error) {
	if limit <= 0 {
		return nil, false, fmt.Errorf("data: document summaries: limit %d: want a positive page size", limit)
	}
	args := []any{limit + 1}
	if after != "" {
		args = []any{after, limit + 1}
	}
	rows, err := db.sql.QueryContext(ctx, documentSummariesQuery(after != ""), args...)
	if err != nil {
		return nil, false, fmt.Errorf("data: document summaries: %w", err)
	}
	defer rows.Close()
	var out []DocumentSummary
	for rows.Next() {
		var s DocumentSummary
		var fetchedAt, outcome, lastOK, changedAt, liveOK string
		if err := rows.Scan(&s.ID, &s.URL, &s.Service, &s.Title, &s.Region, &s.Language, &s.Browser,
			&s.Versions, &s.LastFetch.ID, &fetchedAt, &outcome, &s.LastFetch.Status, &s.LastFetch.ErrorClass, &s.LastFetch.Reason,
			&lastOK, &s.LastMaterial.ID, &changedAt, &s.Live, &liveOK); err != nil {
			return nil, false, fmt.Errorf("data: document summaries: %w", err)
		}
		s.LastFetch.DocumentID = s.ID
		s.LastFetch.Outcome = Outcome(outcome)
		for _, t := range []struct {
			dst *time.Time
			src string
		}{{&s.LastFetch.StartedAt, fetchedAt}, {&s.LastOK, lastOK}, {&s.LastMaterial.DetectedAt, changedAt}, {&s.LiveOK, liveOK}} {
			if t.src == "" {
				continue
			}
			if *t.dst, err = parseTime(t.src); err != nil {
				return nil, false, fmt.Errorf("data: document summaries: %w", err)
			}
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("data: document summaries: %w", err)
	}
	rows.Close()
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	for i := range out {
		if out[i].Archives, err = db.DocumentArchives(ctx, out[i].ID); err != nil {
			return nil, false, err
		}
	}
	return out, more, nil
}

// documentsPageQuery lists documents by id (the primary key), after
// document ?1 when after is set; the last argument is the limit.
func documentsPageQuery(after bool) string {
	q := `SELECT id, url, service, title, region, language, browser FROM documents`
	if after {
		q += ` WHERE id > ?`
	}
	return q + ` ORDER BY id LIMIT ?`
}

// DocumentsPage lists up to limit stored documents by id, starting after
// id after ("" for the first page), and reports whether more follow: the
// API pages through 20,000 documents with it.
func (db *DB) DocumentsPage(ctx context.Context, after string, limit int) ([]Document, bool, error) {
	if limit <= 0 {
		return nil, false, fmt.Errorf("data: list documents: limit %d: want a positive page size", limit)
	}
	args := []any{limit + 1}
	if after != "" {
		args = []any{after, limit + 1}
	}
	out, err := db.queryDocuments(ctx, documentsPageQuery(after != ""), args...)
	if err != nil {
		return nil, false, fmt.Errorf("data: list documents: %w", err)
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, nil
}

// documentsByIDQuery reads the documents whose ids are in the JSON array
// ?1, each by its primary key.
const documentsByIDQuery = `SELECT id, url, service, title, region, language, browser FROM documents
WHERE id IN (SELECT value FROM json_each(?))`

// DocumentsByID returns the stored documents among ids, keyed by id; an
// unknown id is left out. A listing names the documents of its rows with
// it instead of loading every document.
func (db *DB) DocumentsByID(ctx context.Context, ids []string) (map[string]*Document, error) {
	out := make(map[string]*Document, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, fmt.Errorf("data: documents by id: %w", err)
	}
	docs, err := db.queryDocuments(ctx, documentsByIDQuery, string(list))
	if err != nil {
		return nil, fmt.Errorf("data: documents by id: %w", err)
	}
	for i := range docs {
		out[docs[i].ID] = &docs[i]
	}
	return out, nil
}

// serviceDocumentsQuery reads the documents of service ?1, compared as
// documents_by_service orders them (ASCII case folded).
const serviceDocumentsQuery = `SELECT id, url, service, title, region, language, browser FROM documents
WHERE service = ? COLLATE NOCASE ORDER BY id`

// ServiceDocuments returns the documents whose service is service, ignoring
// ASCII case, by id: the candidates for a document's variants.
func (db *DB) ServiceDocuments(ctx context.Context, service string) ([]Document, error) {
	out, err := db.queryDocuments(ctx, serviceDocumentsQuery, service)
	if err != nil {
		return nil, fmt.Errorf("data: documents of service %q: %w", service, err)
	}
	return out, nil
}

// queryDocuments runs q, which selects the columns of a Document, and
// scans its rows.
func (db *DB) queryDocuments(ctx context.Context, q string, args ...any) ([]Document, error) {
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		var d Document
		if err := rows.Scan(&d.ID, &d.URL, &d.Service, &d.Title, &d.Region, &d.Language, &d.Browser); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// documentArchivesQuery groups a document's archived snapshots by archive
// from the partial index snapshots_archived.
const documentArchivesQuery = `SELECT archive, max(archive_license) FROM snapshots
WHERE document_id = ? AND imported AND archive <> ''
GROUP BY archive ORDER BY min(id)`

// DocumentArchives returns the archives (see Archive) some of a document's
// snapshots were imported from, in the order they first appear, so that
// every page showing its versions can credit them.
func (db *DB) DocumentArchives(ctx context.Context, docID string) ([]Archive, error) {
	rows, err := db.sql.QueryContext(ctx, documentArchivesQuery, docID)
	if err != nil {
		return nil, fmt.Errorf("data: archives of %s: %w", docID, err)
	}
	defer rows.Close()
	var out []Archive
	for rows.Next() {
		var a Archive
		if err := rows.Scan(&a.Name, &a.License); err != nil {
			return nil, fmt.Errorf("data: archives of %s: %w", docID, err)
		}
		a.Home = archiveHome(a.Name)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("data: archives of %s: %w", docID, err)
	}
	return out, nil
}
