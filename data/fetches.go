package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// Outcome is what a fetch attempt amounted to. The strings are stored and
// shown to operators, so they are stable.
type Outcome string

// The outcomes of a fetch.
const (
	// NewVersion: the fetch passed every gate and its canonical text differs
	// from the latest version (or there was none).
	NewVersion Outcome = "new-version"
	// Unchanged: the fetch passed every gate and its canonical text is the
	// latest version's.
	Unchanged Outcome = "unchanged"
	// NotModified: the server answered a conditional GET with 304.
	NotModified Outcome = "not-modified"
	// Suspect: a body arrived but failed a gate (error page, selector gone,
	// text shrank, wrong language); it never becomes a version.
	Suspect Outcome = "suspect"
	// Failed: no usable response (network error, HTTP error status).
	Failed Outcome = "failed"
	// Superseded: the fetch passed every gate, but a version fetched after
	// it started is already stored, so its text is older than what is
	// stored and becomes no version (two checks overlapped).
	Superseded Outcome = "superseded"
)

// Fetch is one fetch attempt of a document, kept whatever its outcome so that
// an operator can see why a document stopped updating.
type Fetch struct {
	ID         int64
	DocumentID string
	StartedAt  time.Time // UTC
	Duration   time.Duration
	URL        string   // requested
	FinalURL   string   // after redirects
	Redirects  []string // each URL redirected through, in order
	Status     int      // HTTP status; 0 when no response arrived
	Bytes      int64    // body length
	// Conditional says the request carried If-None-Match/If-Modified-Since.
	Conditional bool
	Outcome     Outcome
	ErrorClass  string // short machine-readable class for failed/suspect, e.g. "timeout", "selector"
	Reason      string // human-readable explanation for failed/suspect
	SnapshotID  int64  // 0 when there was no body
	// VersionID is the version this fetch observed: the new one for
	// new-version, the latest one for unchanged, 0 otherwise.
	VersionID int64
	// ETag and LastModified are this response's validators, filled by Record
	// from the snapshot headers.
	ETag, LastModified string
	// TextSHA256 is the sha256 of the canonical text the fetch read (see
	// policy.HashText), "" when it read none. The pipeline sets it on a
	// suspect or superseded fetch that read a text; Record fills it for a
	// fetch that made or confirmed a version (and for a 304, which
	// confirms the latest version). Confirmation of a held-back text
	// counts consecutive fetches by it (TextRun).
	TextSHA256 string
}

// insertFetches stores fetch rows, and adds them to the counts /metrics
// reports (migration 0012) once per outcome. It returns the last row's id.
func (db *DB) insertFetches(ctx context.Context, tx *sql.Tx, fs ...Fetch) (int64, error) {
	const ins = `INSERT INTO fetches (document_id, started_at, duration_ns, url, final_url, redirects, status, bytes,
    conditional, outcome, error_class, reason, snapshot_id, version_id, etag, last_modified, text_sha256, recorded_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	q := db.stmtsOn(tx)
	var id int64
	counts := map[Outcome]int{}
	for _, f := range fs {
		redirects := f.Redirects
		if redirects == nil {
			redirects = []string{}
		}
		rj, err := json.Marshal(redirects)
		if err != nil {
			return 0, fmt.Errorf("encode redirects: %w", err)
		}
		r, err := q.ExecContext(ctx, ins, f.DocumentID, formatTime(f.StartedAt), int64(f.Duration), f.URL, f.FinalURL, string(rj),
			f.Status, f.Bytes, f.Conditional, string(f.Outcome), f.ErrorClass, f.Reason,
			nullID(f.SnapshotID), nullID(f.VersionID), f.ETag, f.LastModified, f.TextSHA256, formatTime(db.now()))
		if err != nil {
			return 0, fmt.Errorf("insert fetch: %w", err)
		}
		if id, err = r.LastInsertId(); err != nil {
			return 0, fmt.Errorf("insert fetch: %w", err)
		}
		counts[f.Outcome]++
	}
	const count = `INSERT INTO fetch_counts (outcome, n) VALUES (?, ?) ON CONFLICT (outcome) DO UPDATE SET n = n + excluded.n`
	for o, n := range counts {
		if _, err := q.ExecContext(ctx, count, string(o), n); err != nil {
			return 0, fmt.Errorf("count fetches: %w", err)
		}
	}
	return id, nil
}

// validatorsQuery reads the validators of a document's last full fetch,
// through the fetches_validators index, and whether one of its changes is
// settling, through changes_settling; it answers one row even when the
// document was never fetched whole. The last full fetch is joined by its
// id, found by a scalar subquery: joining the subquery's row itself made
// SQLite copy it into a temporary table on every look-up, which cost as
// much as the searches.
const validatorsQuery = `SELECT coalesce(f.etag, ''), coalesce(f.last_modified, ''), coalesce(f.version_id, 0),
    EXISTS (SELECT 1 FROM changes WHERE document_id = ?1 AND state = 'settling')
FROM (SELECT 1) LEFT JOIN fetches f ON f.id = (SELECT id FROM fetches
    WHERE document_id = ?1 AND outcome IN ('new-version', 'unchanged')
    ORDER BY started_at DESC, id DESC LIMIT 1)`

// Validators is what a check needs to know before it fetches a page whose
// server may answer 304.
type Validators struct {
	// ETag and LastModified are those of the latest fetch that produced a
	// new version or confirmed the latest one. Failed, suspect and 304
	// fetches are skipped, so a 304 keeps the validators it was answered
	// to, and a suspect body is fetched in full again. Both are "" when
	// there is no such fetch.
	ETag, LastModified string
	// VersionID is the version that fetch made or confirmed: the one a
	// 304 to these validators confirms again; 0 when there is none.
	VersionID int64
	// Settling says one of the document's changes waits to settle, which
	// the next fetch that reads the latest text again may do.
	Settling bool
}

// Validators returns the document's validators, in one look-up whatever
// its history.
func (db *DB) Validators(ctx context.Context, docID string) (Validators, error) {
	var v Validators
	err := db.stmtsOn(nil).QueryRowContext(ctx, validatorsQuery, docID).Scan(&v.ETag, &v.LastModified, &v.VersionID, &v.Settling)
	if err != nil {
		return Validators{}, fmt.Errorf("data: validators of %s: %w", docID, err)
	}
	return v, nil
}

// RecordNotModified stores fetches answered 304 that settle no change, in
// one transaction. Such a row only logs that the page was asked for and had
// not changed, and nothing waits on it, so a check of many documents writes
// them together instead of committing once for each (most of the cost of
// such a fetch, see Record). Each fetch has Outcome NotModified and the
// VersionID its validators came from (Validators); the sha256 of that
// version's text is stored with it, as Record does.
func (db *DB) RecordNotModified(ctx context.Context, fs []Fetch) error {
	if len(fs) == 0 {
		return nil
	}
	for _, f := range fs {
		if err := checkObservation(Observation{Fetch: f}); err != nil || f.Outcome != NotModified || f.VersionID == 0 {
			return fmt.Errorf("data: record not-modified fetches: fetch of %q is not a 304 confirming a version (outcome %q, version %d, %v)", f.DocumentID, f.Outcome, f.VersionID, err)
		}
	}
	ids := make([]int64, len(fs))
	for i, f := range fs {
		ids[i] = f.VersionID
	}
	arg, err := json.Marshal(ids)
	if err != nil {
		return fmt.Errorf("data: record not-modified fetches: %w", err)
	}
	err = db.write(ctx, func(tx *sql.Tx) error {
		type version struct{ doc, sha256 string }
		versions := map[int64]version{}
		rows, err := tx.QueryContext(ctx, `SELECT id, document_id, sha256 FROM versions WHERE id IN (SELECT value FROM json_each(?))`, string(arg))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var v version
			if err := rows.Scan(&id, &v.doc, &v.sha256); err != nil {
				return err
			}
			versions[id] = v
		}
		if err := rows.Err(); err != nil {
			return err
		}
		stored := make([]Fetch, len(fs))
		for i, f := range fs {
			v, ok := versions[f.VersionID]
			if !ok || v.doc != f.DocumentID {
				return fmt.Errorf("version %d of %s: %w", f.VersionID, f.DocumentID, ErrNotFound)
			}
			f.StartedAt, f.TextSHA256 = f.StartedAt.UTC(), v.sha256
			stored[i] = f
		}
		_, err = db.insertFetches(ctx, tx, stored...)
		return err
	})
	if err != nil {
		return fmt.Errorf("data: record %d not-modified fetches: %w", len(fs), err)
	}
	return nil
}

// liveFetch is the SQL condition under which fetch f was a live fetch of
// the page, not the reading of an imported copy: it read no body (a
// network error, a 304) or a body that was not imported.
const liveFetch = `NOT coalesce((SELECT imported FROM snapshots s WHERE s.id = f.snapshot_id), 0)`

// NeedFirstCheck returns the ids of the documents that have no version,
// or whose versions were all imported (files, archives, the bundled
// history) and whose page was never fetched live, successfully or not. The
// scheduler checks them at start-up instead of waiting for their schedule,
// so a new installation has live versions, or says why it has none, within
// minutes. One query answers for every document, whatever their number.
func (db *DB) NeedFirstCheck(ctx context.Context) ([]string, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT d.id FROM documents d
WHERE NOT EXISTS (SELECT 1 FROM versions v WHERE v.document_id = d.id)
   OR NOT EXISTS (SELECT 1 FROM fetches f WHERE f.document_id = d.id AND `+liveFetch+`)
ORDER BY d.id`)
	if err != nil {
		return nil, fmt.Errorf("data: documents never fetched live: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("data: documents never fetched live: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("data: documents never fetched live: %w", err)
	}
	return ids, nil
}

// SucceededLive says whether a live fetch of a document ever succeeded:
// until one did, pages say that its versions come from an archive and the
// page was not yet checked live.
func (db *DB) SucceededLive(ctx context.Context, docID string) (bool, error) {
	var ok bool
	err := db.sql.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM fetches f WHERE f.document_id = ?
    AND f.outcome IN ('new-version', 'unchanged', 'not-modified') AND `+liveFetch+`)`, docID).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("data: successful live fetches of %s: %w", docID, err)
	}
	return ok, nil
}

// fetchesQuery lists a document's fetch attempts from fetches_by_document,
// newest first.
const fetchesQuery = `SELECT id, document_id, started_at, duration_ns, url, final_url, redirects, status, bytes, conditional,
    outcome, error_class, reason, coalesce(snapshot_id, 0), coalesce(version_id, 0), etag, last_modified, text_sha256
FROM fetches WHERE document_id = ? ORDER BY started_at DESC, id DESC`

// Fetches returns a document's fetch attempts, newest first; limit 0 or less
// means all of them.
func (db *DB) Fetches(ctx context.Context, docID string, limit int) ([]Fetch, error) {
	q := fetchesQuery
	args := []any{docID}
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("data: fetches of %s: %w", docID, err)
	}
	defer rows.Close()
	var out []Fetch
	for rows.Next() {
		var f Fetch
		var at, redirects, outcome string
		var dur int64
		if err := rows.Scan(&f.ID, &f.DocumentID, &at, &dur, &f.URL, &f.FinalURL, &redirects, &f.Status, &f.Bytes, &f.Conditional,
			&outcome, &f.ErrorClass, &f.Reason, &f.SnapshotID, &f.VersionID, &f.ETag, &f.LastModified, &f.TextSHA256); err != nil {
			return nil, fmt.Errorf("data: fetches of %s: %w", docID, err)
		}
		f.Duration = time.Duration(dur)
		f.Outcome = Outcome(outcome)
		if f.StartedAt, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("data: fetches of %s: %w", docID, err)
		}
		if err := json.Unmarshal([]byte(redirects), &f.Redirects); err != nil {
			return nil, fmt.Errorf("data: fetches of %s: decode redirects of fetch %d: %w", docID, f.ID, err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("data: fetches of %s: %w", docID, err)
	}
	return out, nil
}

// TextRun is the latest run of fetches of a document that read the same
// text: how many fetches read it with no fetch reading another text in
// between, and when the earliest of them started.
type TextRun struct {
	N     int
	First time.Time // zero when N is 0
}

// TextRun reads the fetch log backwards from the fetches started at or
// before until one that read a text other than the one hashed sha256, and
// counts those that read it. Fetches that read no text (a network error, an
// HTTP error, an empty body) neither count nor break the run: they say
// nothing about what the page says. The scan stops early once the run holds
// at least n fetches started no later than first+span before, which is all
// a caller deciding on confirmation needs. Deriving the run from the stored
// log rather than from memory makes confirmation survive restarts and work
// across separate `check` processes.
func (db *DB) TextRun(ctx context.Context, docID, sha256 string, before time.Time, n int, span time.Duration) (TextRun, error) {
	const q = `SELECT text_sha256, started_at FROM fetches
WHERE document_id = ? AND text_sha256 <> '' AND started_at <= ?
ORDER BY started_at DESC, id DESC`
	rows, err := db.sql.QueryContext(ctx, q, docID, formatTime(before))
	if err != nil {
		return TextRun{}, fmt.Errorf("data: text run of %s: %w", docID, err)
	}
	defer rows.Close()
	var run TextRun
	for rows.Next() {
		var sum, at string
		if err := rows.Scan(&sum, &at); err != nil {
			return TextRun{}, fmt.Errorf("data: text run of %s: %w", docID, err)
		}
		if sum != sha256 {
			break
		}
		t, err := parseTime(at)
		if err != nil {
			return TextRun{}, fmt.Errorf("data: text run of %s: %w", docID, err)
		}
		run.N, run.First = run.N+1, t
		if run.N >= n && !t.Add(span).After(before) {
			break
		}
	}
	if err := rows.Err(); err != nil {
		return TextRun{}, fmt.Errorf("data: text run of %s: %w", docID, err)
	}
	return run, nil
}
