package data

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/clausewatch/clausewatch/diff"
)

// Read queries for the web pages. Each answers one page's question in one
// or two queries, so that pages stay fast while a check writes.

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
    coalesce(c.id, 0), coalesce(c.detected_at, '')
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
		var fetchedAt, outcome, lastOK, changedAt string
		if err := rows.Scan(&s.ID, &s.URL, &s.Service, &s.Title, &s.Region, &s.Language, &s.Browser,
			&s.Versions, &s.LastFetch.ID, &fetchedAt, &outcome, &s.LastFetch.Status, &s.LastFetch.ErrorClass, &s.LastFetch.Reason,
			&lastOK, &s.LastMaterial.ID, &changedAt); err != nil {
			return nil, fmt.Errorf("data: document summaries: %w", err)
		}
		s.LastFetch.DocumentID = s.ID
		s.LastFetch.Outcome = Outcome(outcome)
		for _, t := range []struct {
			dst *time.Time
			src string
		}{{&s.LastFetch.StartedAt, fetchedAt}, {&s.LastOK, lastOK}, {&s.LastMaterial.DetectedAt, changedAt}} {
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
	return out, nil
}

// TimelineEntry is one version of a document as its timeline shows it: the
// version (without text), the change that produced it (nil for the first
// version) and the effective date the version states.
type TimelineEntry struct {
	Version Version
	Change  *ChangeHead
	// EffectiveDate is the date the version states (YYYY-MM-DD), "" when it
	// states none or when it is unknown (a single version with no change).
	EffectiveDate string
}

// ChangeHead is a change without its clause list: what a timeline or a list
// needs.
type ChangeHead struct {
	ID         int64
	DetectedAt time.Time
	Material   bool
	Topics     []string
	Severity   string
	Summary    diff.Summary
}

// Timeline returns a document's versions, oldest first, each with the change
// that produced it. The change summaries and effective dates are read from
// the stored change sets inside SQLite, so the clause lists are not decoded.
func (db *DB) Timeline(ctx context.Context, docID string) ([]TimelineEntry, error) {
	const q = `SELECT v.id, v.snapshot_id, v.fetched_at, v.sha256, s.sha256,
    coalesce(c.id, 0), coalesce(c.detected_at, ''), coalesce(c.material, 0), coalesce(c.topics, '[]'), coalesce(c.severity, ''),
    coalesce(json_extract(c.change_set, '$.summary'), '{}'),
    coalesce(json_extract(c.change_set, '$.effective_date.old'), ''),
    coalesce(json_extract(c.change_set, '$.effective_date.new'), '')
FROM versions v JOIN snapshots s ON s.id = v.snapshot_id
LEFT JOIN changes c ON c.to_version = v.id
WHERE v.document_id = ? ORDER BY v.fetched_at, v.id`
	rows, err := db.sql.QueryContext(ctx, q, docID)
	if err != nil {
		return nil, fmt.Errorf("data: timeline of %s: %w", docID, err)
	}
	defer rows.Close()
	var out []TimelineEntry
	// oldDates[i] is the effective date the change into entry i+1 read in
	// entry i, which is how the first version learns its own date.
	var oldDates []string
	for rows.Next() {
		var e TimelineEntry
		var at, detected, topics, summary, effOld, effNew string
		var ch ChangeHead
		if err := rows.Scan(&e.Version.ID, &e.Version.SnapshotID, &at, &e.Version.SHA256, &e.Version.SnapshotSHA256,
			&ch.ID, &detected, &ch.Material, &topics, &ch.Severity, &summary, &effOld, &effNew); err != nil {
			return nil, fmt.Errorf("data: timeline of %s: %w", docID, err)
		}
		e.Version.DocumentID = docID
		if e.Version.FetchedAt, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("data: timeline of %s: %w", docID, err)
		}
		if ch.ID != 0 {
			if ch.DetectedAt, err = parseTime(detected); err != nil {
				return nil, fmt.Errorf("data: timeline of %s: %w", docID, err)
			}
			if err := json.Unmarshal([]byte(topics), &ch.Topics); err != nil {
				return nil, fmt.Errorf("data: timeline of %s: topics of change %d: %w", docID, ch.ID, err)
			}
			if err := json.Unmarshal([]byte(summary), &ch.Summary); err != nil {
				return nil, fmt.Errorf("data: timeline of %s: summary of change %d: %w", docID, ch.ID, err)
			}
			e.Change = &ch
			e.EffectiveDate = effNew
		}
		out = append(out, e)
		oldDates = append(oldDates, effOld)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("data: timeline of %s: %w", docID, err)
	}
	for i := range out {
		if out[i].Change == nil && i+1 < len(out) && out[i+1].Change != nil {
			out[i].EffectiveDate = oldDates[i+1]
		}
	}
	return out, nil
}

// VersionInfo returns a version without its text and blocks, or
// ErrNotFound: enough to link to it and cite its snapshot.
func (db *DB) VersionInfo(ctx context.Context, id int64) (*Version, error) {
	v, err := loadVersion(ctx, db.sql, id, false)
	if err != nil {
		return nil, fmt.Errorf("data: version %d: %w", id, err)
	}
	return v, nil
}

// SnapshotInfo returns a snapshot without its body, or ErrNotFound.
func (db *DB) SnapshotInfo(ctx context.Context, id int64) (*Snapshot, error) {
	s, err := loadSnapshot(ctx, db.sql, id, false)
	if err != nil {
		return nil, fmt.Errorf("data: snapshot %d: %w", id, err)
	}
	return s, nil
}

// ChangeNeighbours returns the ids of the changes of the same document just
// before and just after c (by detection time, then id); 0 where there is
// none.
func (db *DB) ChangeNeighbours(ctx context.Context, c *Change) (prev, next int64, err error) {
	const q = `SELECT
    coalesce((SELECT id FROM changes WHERE document_id = ?1 AND (detected_at, id) < (?2, ?3) ORDER BY detected_at DESC, id DESC LIMIT 1), 0),
    coalesce((SELECT id FROM changes WHERE document_id = ?1 AND (detected_at, id) > (?2, ?3) ORDER BY detected_at, id LIMIT 1), 0)`
	if err := db.sql.QueryRowContext(ctx, q, c.DocumentID, formatTime(c.DetectedAt), c.ID).Scan(&prev, &next); err != nil {
		return 0, 0, fmt.Errorf("data: neighbours of change %d: %w", c.ID, err)
	}
	return prev, next, nil
}

// VersionLinks are the versions and changes around a version in its
// document's history; ids are 0 where there is none.
type VersionLinks struct {
	Prev, Next int64 // versions
	// ChangeIn produced the version; ChangeOut replaced it.
	ChangeIn, ChangeOut int64
}

// versionNeighboursQuery finds the versions and changes around a version
// (?1 document, ?2 fetch time, ?3 id). Each subquery is an index search:
// from_version has no index of its own, so the change out of the version is
// looked up among its document's changes.
const versionNeighboursQuery = `SELECT
    coalesce((SELECT id FROM versions WHERE document_id = ?1 AND (fetched_at, id) < (?2, ?3) ORDER BY fetched_at DESC, id DESC LIMIT 1), 0),
    coalesce((SELECT id FROM versions WHERE document_id = ?1 AND (fetched_at, id) > (?2, ?3) ORDER BY fetched_at, id LIMIT 1), 0),
    coalesce((SELECT id FROM changes WHERE to_version = ?3), 0),
    coalesce((SELECT id FROM changes WHERE document_id = ?1 AND from_version = ?3 ORDER BY detected_at, id LIMIT 1), 0)`

// VersionNeighbours returns the versions and changes around v.
func (db *DB) VersionNeighbours(ctx context.Context, v *Version) (VersionLinks, error) {
	var l VersionLinks
	err := db.sql.QueryRowContext(ctx, versionNeighboursQuery, v.DocumentID, formatTime(v.FetchedAt), v.ID).Scan(&l.Prev, &l.Next, &l.ChangeIn, &l.ChangeOut)
	if err != nil {
		return l, fmt.Errorf("data: neighbours of version %d: %w", v.ID, err)
	}
	return l, nil
}

// ChangeSets returns every change of a document with its stored change set,
// oldest first: what following a clause through the document's history
// needs. Unlike Changes it takes no filter, so it stays a single indexed
// scan.
func (db *DB) ChangeSets(ctx context.Context, docID string) ([]Change, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+changeColumns+` FROM changes WHERE document_id = ? ORDER BY detected_at, id`, docID)
	if err != nil {
		return nil, fmt.Errorf("data: change sets of %s: %w", docID, err)
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		c, err := scanChange(rows)
		if err != nil {
			return nil, fmt.Errorf("data: change sets of %s: %w", docID, err)
		}
		out = append(out, *c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("data: change sets of %s: %w", docID, err)
	}
	return out, nil
}
