package data

import (
	"context"
	"database/sql"
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

// DocumentSummaries lists every stored document with its version count,
// latest fetch and latest material change, ordered by service, title and id.
func (db *DB) DocumentSummaries(ctx context.Context) ([]DocumentSummary, error) {
	const q = `SELECT d.id, d.url, d.service, d.title, d.region, d.language, d.browser,
    (SELECT count(*) FROM versions v WHERE v.document_id = d.id),
    coalesce(f.id, 0), coalesce(f.started_at, ''), coalesce(f.outcome, ''), coalesce(f.status, 0),
    coalesce(f.error_class, ''), coalesce(f.reason, ''),
    coalesce((SELECT max(started_at) FROM fetches o WHERE o.document_id = d.id
        AND o.outcome IN ('new-version', 'unchanged', 'not-modified')), ''),
    coalesce(c.id, 0), coalesce(c.detected_at, ''),
    EXISTS (SELECT 1 FROM fetches l LEFT JOIN snapshots ls ON ls.id = l.snapshot_id
        WHERE l.document_id = d.id AND NOT coalesce(ls.imported, 0)),
    coalesce((SELECT max(l.started_at) FROM fetches l LEFT JOIN snapshots ls ON ls.id = l.snapshot_id
        WHERE l.document_id = d.id AND NOT coalesce(ls.imported, 0)
        AND l.outcome IN ('new-version', 'unchanged', 'not-modified')), '')
FROM documents d
LEFT JOIN fetches f ON f.id = (SELECT id FROM fetches WHERE document_id = d.id ORDER BY started_at DESC, id DESC LIMIT 1)
LEFT JOIN changes c ON c.id = (SELECT id FROM changes WHERE document_id = d.id AND material ORDER BY detected_at DESC, id DESC LIMIT 1)
ORDER BY d.service, d.title, d.id`
	rows, err := db.sql.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("data: document summaries: %w", err)
	}
	defer rows.Close()
	var out []DocumentSummary
	for rows.Next() {
		var s DocumentSummary
		var fetchedAt, outcome, lastOK, changedAt, liveOK string
		if err := rows.Scan(&s.ID, &s.URL, &s.Service, &s.Title, &s.Region, &s.Language, &s.Browser,
			&s.Versions, &s.LastFetch.ID, &fetchedAt, &outcome, &s.LastFetch.Status, &s.LastFetch.ErrorClass, &s.LastFetch.Reason,
			&lastOK, &s.LastMaterial.ID, &changedAt, &s.Live, &liveOK); err != nil {
			return nil, fmt.Errorf("data: document summaries: %w", err)
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
				return nil, fmt.Errorf("data: document summaries: %w", err)
			}
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("data: document summaries: %w", err)
	}
	rows.Close()
	for i := range out {
		if out[i].Archives, err = db.DocumentArchives(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// DocumentArchives returns the archives (see Archive) some of a document's
// snapshots were imported from, in the order they first appear, so that
// every page showing its versions can credit them.
func (db *DB) DocumentArchives(ctx context.Context, docID string) ([]Archive, error) {
	const q = `SELECT archive, max(archive_license) FROM snapshots
WHERE document_id = ? AND imported AND archive <> ''
GROUP BY archive ORDER BY min(id)`
	rows, err := db.sql.QueryContext(ctx, q, docID)
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
