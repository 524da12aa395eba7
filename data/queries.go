package data

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/policy"
)

// LatestVersion returns the document's latest version (by fetch time, then
// id) with its text and blocks, or ErrNotFound when it has none yet.
func (db *DB) LatestVersion(ctx context.Context, docID string) (*Version, error) {
	h, err := latestHead(ctx, db.sql, docID)
	if err == nil && h == nil {
		err = ErrNotFound
	}
	var c *cachedVersion
	if err == nil {
		c, err = db.versionAt(ctx, db.sql, docID, h)
	}
	if err != nil {
		return nil, fmt.Errorf("data: latest version of %s: %w", docID, err)
	}
	return cloneVersion(&c.v), nil
}

// LatestLength returns the id of the document's latest version and the
// length in bytes of its canonical text, or ErrNotFound when it has none yet.
// The shrink gate needs only the length, which is stored with the version,
// so nothing is rebuilt.
func (db *DB) LatestLength(ctx context.Context, docID string) (versionID int64, textLen int, err error) {
	const q = `SELECT id, text_length FROM versions WHERE document_id = ? ORDER BY fetched_at DESC, id DESC LIMIT 1`
	err = db.stmtsOn(nil).QueryRowContext(ctx, q, docID).Scan(&versionID, &textLen)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return 0, 0, fmt.Errorf("data: latest length of %s: %w", docID, err)
	}
	return versionID, textLen, nil
}

// Validators returns the ETag and Last-Modified to send with a conditional
// GET: those of the latest fetch that produced a new version or confirmed the
// latest one. Failed, suspect and 304 fetches are skipped, so a 304 keeps the
// validators it was answered to, and a suspect body is fetched in full again.
// Both are "" when there is no such fetch.
func (db *DB) Validators(ctx context.Context, docID string) (etag, lastModified string, err error) {
	const q = `SELECT etag, last_modified FROM fetches
WHERE document_id = ? AND outcome IN ('new-version', 'unchanged')
ORDER BY started_at DESC, id DESC LIMIT 1`
	err = db.sql.QueryRowContext(ctx, q, docID).Scan(&etag, &lastModified)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("data: validators of %s: %w", docID, err)
	}
	return etag, lastModified, nil
}

// Versions lists a document's versions, oldest first. To keep the listing
// cheap, Text and Blocks are left empty; SnapshotSHA256 is filled. Use
// Version for the full text.
func (db *DB) Versions(ctx context.Context, docID string) ([]Version, error) {
	const q = `SELECT v.id, v.document_id, v.snapshot_id, v.fetched_at, v.sha256, s.sha256
FROM versions v JOIN snapshots s ON s.id = v.snapshot_id
WHERE v.document_id = ? ORDER BY v.fetched_at, v.id`
	rows, err := db.sql.QueryContext(ctx, q, docID)
	if err != nil {
		return nil, fmt.Errorf("data: versions of %s: %w", docID, err)
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		var v Version
		var at string
		if err := rows.Scan(&v.ID, &v.DocumentID, &v.SnapshotID, &at, &v.SHA256, &v.SnapshotSHA256); err != nil {
			return nil, fmt.Errorf("data: versions of %s: %w", docID, err)
		}
		if v.FetchedAt, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("data: versions of %s: %w", docID, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("data: versions of %s: %w", docID, err)
	}
	return out, nil
}

// Version returns one version in full, with its text and blocks, or
// ErrNotFound.
func (db *DB) Version(ctx context.Context, id int64) (*Version, error) {
	v, err := loadVersion(ctx, db.sql, id, true)
	if err != nil {
		return nil, fmt.Errorf("data: version %d: %w", id, err)
	}
	return v, nil
}

// errCorrupt marks stored data that does not decode or does not match its
// recorded sha256.
var errCorrupt = errors.New("stored data is damaged; restore the database from a backup")

// loadVersion reads a version; with full it also rebuilds the blocks and the
// canonical text from the texts they refer to.
func loadVersion(ctx context.Context, q queryer, id int64, full bool) (*Version, error) {
	if full {
		v, _, err := loadFullVersion(ctx, q, id)
		return v, err
	}
	const head = `SELECT v.id, v.document_id, v.snapshot_id, v.fetched_at, v.sha256, s.sha256
FROM versions v JOIN snapshots s ON s.id = v.snapshot_id WHERE v.id = ?`
	var v Version
	var at string
	err := q.QueryRowContext(ctx, head, id).Scan(&v.ID, &v.DocumentID, &v.SnapshotID, &at, &v.SHA256, &v.SnapshotSHA256)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load version %d: %w", id, err)
	}
	if v.FetchedAt, err = parseTime(at); err != nil {
		return nil, err
	}
	return &v, nil
}

// loadFullVersion reads a version with its blocks and canonical text, and
// returns the text ids of its blocks too. The rebuilt text is checked
// against the stored sha256 and length, so damage is reported rather than
// diffed or shown.
func loadFullVersion(ctx context.Context, q queryer, id int64) (*Version, textRefs, error) {
	const query = `SELECT v.id, v.document_id, v.snapshot_id, v.fetched_at, v.sha256, s.sha256, v.text_length, v.blocks
FROM versions v JOIN snapshots s ON s.id = v.snapshot_id WHERE v.id = ?`
	var v Version
	var at string
	var textLen int
	var stored []byte
	err := q.QueryRowContext(ctx, query, id).Scan(&v.ID, &v.DocumentID, &v.SnapshotID, &at, &v.SHA256, &v.SnapshotSHA256, &textLen, &stored)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, textRefs{}, ErrNotFound
	}
	if err != nil {
		return nil, textRefs{}, fmt.Errorf("load version %d: %w", id, err)
	}
	if v.FetchedAt, err = parseTime(at); err != nil {
		return nil, textRefs{}, err
	}
	refs, err := decodeBlocks(stored)
	if err != nil {
		return nil, textRefs{}, fmt.Errorf("blocks of version %d: %w: %w", id, errCorrupt, err)
	}
	var ids textRefs
	v.Blocks, v.Text, ids, err = refs.resolve(ctx, q)
	if err != nil {
		return nil, textRefs{}, fmt.Errorf("blocks of version %d: %w", id, err)
	}
	if len(v.Text) != textLen || policy.HashText(v.Text) != v.SHA256 {
		return nil, textRefs{}, fmt.Errorf("version %d: rebuilt text does not match its sha256 %s: %w", id, v.SHA256, errCorrupt)
	}
	return &v, ids, nil
}

// ChangeFilter selects changes. The zero value selects every change; each
// field narrows the selection and its zero value leaves it alone, so callers
// that set only DocumentID and Limit keep working as new fields are added.
type ChangeFilter struct {
	DocumentID string // "" for every document
	// Topic keeps the changes whose topics include it; "" for any.
	Topic string
	// Severity keeps the changes at least this severe, in the order of
	// diff.Severity.Rank; "" for any. An unknown severity selects nothing.
	Severity diff.Severity
	// Material keeps only material changes (cosmetic ones are noise to a
	// reader); false keeps both.
	Material bool
	// Since keeps the changes detected at or after it; zero for any.
	Since time.Time
	// Before keeps the changes listed after change Before in newest-first
	// order (detected earlier, or at the same time with a smaller id): the
	// cursor of the next page. 0 for none; an unknown id selects nothing.
	Before int64
	// Limit keeps only the most recent Limit changes (still returned oldest
	// first); 0 or less means no limit.
	Limit int
}

// where returns the SQL condition (with a leading " WHERE", or "") and its
// arguments for the filter, without Limit.
func (f ChangeFilter) where() (string, []any) {
	var conds []string
	var args []any
	if f.DocumentID != "" {
		conds = append(conds, `document_id = ?`)
		args = append(args, f.DocumentID)
	}
	if f.Topic != "" {
		conds = append(conds, `EXISTS (SELECT 1 FROM json_each(changes.topics) WHERE json_each.value = ?)`)
		args = append(args, f.Topic)
	}
	if f.Severity != "" {
		if r := f.Severity.Rank(); r >= 0 {
			conds = append(conds, severityRankSQL()+` >= ?`)
			args = append(args, r)
		} else {
			conds = append(conds, `0`)
		}
	}
	if f.Material {
		conds = append(conds, `material = 1`)
	}
	if !f.Since.IsZero() {
		conds = append(conds, `detected_at >= ?`)
		args = append(args, formatTime(f.Since))
	}
	if f.Before != 0 {
		conds = append(conds, `(detected_at, id) < (SELECT c.detected_at, c.id FROM changes AS c WHERE c.id = ?)`)
		args = append(args, f.Before)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return ` WHERE ` + strings.Join(conds, ` AND `), args
}

const changeColumns = `id, document_id, from_version, to_version, detected_at, material, topics, severity, change_set, classifier_version`

// Changes returns recorded changes, oldest first (by detection time, then
// id). With a Limit the most recent changes are kept, as a feed wants.
func (db *DB) Changes(ctx context.Context, f ChangeFilter) ([]Change, error) {
	where, args := f.where()
	q := `SELECT ` + changeColumns + ` FROM changes` + where
	q += ` ORDER BY detected_at DESC, id DESC`
	if f.Limit > 0 {
		q += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("data: list changes: %w", err)
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		c, err := scanChange(rows)
		if err != nil {
			return nil, fmt.Errorf("data: list changes: %w", err)
		}
		out = append(out, *c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("data: list changes: %w", err)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// Change returns one change, or ErrNotFound.
func (db *DB) Change(ctx context.Context, id int64) (*Change, error) {
	c, err := scanChange(db.sql.QueryRowContext(ctx, `SELECT `+changeColumns+` FROM changes WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("data: change %d: %w", id, err)
	}
	return c, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanChange(s scanner) (*Change, error) {
	var c Change
	var at, topics, cs string
	if err := s.Scan(&c.ID, &c.DocumentID, &c.FromVersion, &c.ToVersion, &at, &c.Material, &topics, &c.Severity, &cs, &c.ClassifierVersion); err != nil {
		return nil, err
	}
	var err error
	if c.DetectedAt, err = parseTime(at); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(topics), &c.Topics); err != nil {
		return nil, fmt.Errorf("decode topics of change %d: %w", c.ID, err)
	}
	c.ChangeSet = json.RawMessage(cs)
	return &c, nil
}

// Fetches returns a document's fetch attempts, newest first; limit 0 or less
// means all of them.
func (db *DB) Fetches(ctx context.Context, docID string, limit int) ([]Fetch, error) {
	q := `SELECT id, document_id, started_at, duration_ns, url, final_url, redirects, status, bytes, conditional,
    outcome, error_class, reason, coalesce(snapshot_id, 0), coalesce(version_id, 0), etag, last_modified
FROM fetches WHERE document_id = ? ORDER BY started_at DESC, id DESC`
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
			&outcome, &f.ErrorClass, &f.Reason, &f.SnapshotID, &f.VersionID, &f.ETag, &f.LastModified); err != nil {
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

// Snapshot returns one raw snapshot with its decompressed body, or
// ErrNotFound.
func (db *DB) Snapshot(ctx context.Context, id int64) (*Snapshot, error) {
	s, err := loadSnapshot(ctx, db.sql, id, true)
	if err != nil {
		return nil, fmt.Errorf("data: snapshot %d: %w", id, err)
	}
	return s, nil
}

func loadSnapshot(ctx context.Context, q queryer, id int64, withBody bool) (*Snapshot, error) {
	const query = `SELECT id, document_id, sha256, url, status, headers, content_type, fetched_at, size FROM snapshots WHERE id = ?`
	var s Snapshot
	var headers, at string
	err := q.QueryRowContext(ctx, query, id).Scan(&s.ID, &s.DocumentID, &s.SHA256, &s.URL, &s.Status, &headers, &s.ContentType, &at, &s.Size)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load snapshot %d: %w", id, err)
	}
	if s.FetchedAt, err = parseTime(at); err != nil {
		return nil, err
	}
	s.Header = http.Header{}
	if err := json.Unmarshal([]byte(headers), &s.Header); err != nil {
		return nil, fmt.Errorf("decode headers of snapshot %d: %w", id, err)
	}
	if withBody {
		if s.Body, err = readSnapshotBody(ctx, q, id); err != nil {
			return nil, err
		}
	}
	return &s, nil
}

// readSnapshotBody rebuilds a snapshot's body from its keyframe and the
// deltas after it, read in one query, and checks it against its sha256.
func readSnapshotBody(ctx context.Context, q queryer, id int64) ([]byte, error) {
	// The chain is walked through ids only; bodies are read once at the end.
	// The bound stops a damaged (cyclic) chain.
	const query = `WITH RECURSIVE chain(n, id, base_id) AS (
    SELECT 0, id, base_id FROM snapshots WHERE id = ?
    UNION ALL
    SELECT chain.n + 1, s.id, s.base_id FROM chain JOIN snapshots AS s ON s.id = chain.base_id WHERE chain.n < ?
)
SELECT s.id, s.encoding, s.size, s.sha256, s.body FROM chain JOIN snapshots AS s ON s.id = chain.id ORDER BY chain.n DESC`
	rows, err := q.QueryContext(ctx, query, id, 2*maxChain)
	if err != nil {
		return nil, fmt.Errorf("read snapshot %d: %w", id, err)
	}
	defer rows.Close()
	var body []byte
	var sha string
	n := 0
	for rows.Next() {
		var rid, size int64
		var encoding string
		var data []byte
		if err := rows.Scan(&rid, &encoding, &size, &sha, &data); err != nil {
			return nil, fmt.Errorf("read snapshot %d: %w", id, err)
		}
		switch {
		case n == 0 && encoding == encGzip:
			body, err = gunzip(data)
		case n > 0 && encoding == encDelta:
			body, err = applyDelta(body, data)
		case n == 0 && encoding == encDelta:
			err = fmt.Errorf("delta chain longer than %d steps or its keyframe is missing", 2*maxChain)
		default:
			err = fmt.Errorf("unexpected encoding %q", encoding)
		}
		if err == nil && int64(len(body)) != size {
			err = fmt.Errorf("%d bytes, want %d", len(body), size)
		}
		if err != nil {
			return nil, fmt.Errorf("snapshot %d (step %d of snapshot %d): %w: %w", rid, n+1, id, errCorrupt, err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read snapshot %d: %w", id, err)
	}
	if n == 0 {
		return nil, ErrNotFound
	}
	sum := sha256.Sum256(body)
	if hex.EncodeToString(sum[:]) != sha {
		return nil, fmt.Errorf("snapshot %d: rebuilt body does not match its sha256 %s: %w", id, sha, errCorrupt)
	}
	return body, nil
}

// blocksDoc is a shorthand for diffing stored versions.
func blocksDoc(v *Version) policy.Document { return policy.Document{Blocks: v.Blocks} }
