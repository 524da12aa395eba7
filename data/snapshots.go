package data

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/clausewatch/clausewatch/data/internal/delta"
)

// Raw snapshots of one document differ little from one fetch to the next, so
// most are stored as a delta against the document's previous snapshot
// (package delta encodes it). Every maxChain-th snapshot, and any whose delta
// would be mostly literal, is a keyframe: the whole body, gzip-compressed.
// Reading a snapshot therefore decompresses at most maxChain rows, and every
// body is checked against its sha256 once rebuilt.

// Snapshot encodings stored in snapshots.encoding.
const (
	encGzip  = "gzip"  // the whole body, gzip-compressed (a keyframe)
	encDelta = "delta" // ops against snapshots.base_id, raw DEFLATE
)

// maxChain bounds the rows read to rebuild one snapshot: a keyframe and at
// most maxChain-1 deltas. snapshots.depth counts the deltas.
const maxChain = 32

// Snapshot is a raw response body with what is needed to cite it. The body is
// kept byte for byte, stored compressed: as a gzip keyframe or as a delta
// against an earlier snapshot of the same document.
type Snapshot struct {
	ID          int64
	DocumentID  string
	SHA256      string // hex sha256 of Body
	URL         string
	Status      int
	Header      http.Header
	ContentType string
	FetchedAt   time.Time // first time this body was seen
	Size        int64     // len(Body)
	Body        []byte
	// Provenance says whether the body was fetched live or imported from
	// an archive, and which; an imported copy has no HTTP status.
	Provenance
}

// Provenance is where an imported copy of a page came from. A snapshot
// keeps it so that pages and the API cite an archived copy by the page it
// was fetched from and the archive that fetched it, never by the local
// file it was imported from, which tells a reader nothing.
type Provenance struct {
	// Imported is true when the body was read from an archive's file
	// rather than fetched live; then Snapshot.URL is the page the archive
	// fetched, and Status is 0.
	Imported bool
	// Archive names who fetched the copy (e.g. "Open Terms Archive"); ""
	// when unknown.
	Archive string
	// ArchiveURL links to the copy in the archive; "" when unknown.
	ArchiveURL string
	// ArchiveLicense is the licence the archive publishes the copy under
	// (e.g. "ODC-By 1.0"); "" when unknown.
	ArchiveLicense string
}

// preparedSnapshot holds the work on a body done before taking the lock.
type preparedSnapshot struct {
	s       Snapshot
	headers string
	body    []byte
	// enc is the stored form of the body, left nil when the body is already
	// stored: most fetches return the same page, and encoding it is most of
	// the cost of recording one.
	enc *encodedBody
}

// encodedBody is a body as stored: a gzip keyframe, or a delta against the
// snapshot baseID at depth deltas from its keyframe.
type encodedBody struct {
	encoding string
	data     []byte
	baseID   int64
	depth    int
}

// prepareSnapshot fills in what Record derives from a body.
func prepareSnapshot(f Fetch, in *Snapshot) (*preparedSnapshot, error) {
	if in == nil {
		return nil, nil
	}
	s := *in
	s.Body = nil
	if s.DocumentID == "" {
		s.DocumentID = f.DocumentID
	} else if s.DocumentID != f.DocumentID {
		return nil, fmt.Errorf("snapshot belongs to document %q, not %q", s.DocumentID, f.DocumentID)
	}
	sum := sha256.Sum256(in.Body)
	sha := hex.EncodeToString(sum[:])
	if s.SHA256 != "" && s.SHA256 != sha {
		return nil, fmt.Errorf("snapshot sha256 %s does not match its body (%s)", s.SHA256, sha)
	}
	s.SHA256 = sha
	s.Size = int64(len(in.Body))
	if s.URL == "" {
		s.URL = f.FinalURL
	}
	if s.URL == "" {
		s.URL = f.URL
	}
	if s.Status == 0 {
		s.Status = f.Status
	}
	if s.FetchedAt.IsZero() {
		s.FetchedAt = f.StartedAt
	}
	s.FetchedAt = s.FetchedAt.UTC()
	if s.Header == nil {
		s.Header = http.Header{}
	}
	if s.ContentType == "" {
		s.ContentType = s.Header.Get("Content-Type")
	}
	headers, err := json.Marshal(s.Header)
	if err != nil {
		return nil, fmt.Errorf("encode snapshot headers: %w", err)
	}
	return &preparedSnapshot{s: s, headers: string(headers), body: in.Body}, nil
}

// encodeSnapshot fills p.enc unless the body is already stored (snapshots are
// never deleted, so a body found here is still there inside the transaction).
// The body becomes a delta against the document's latest snapshot when that
// one is fewer than maxChain steps from its keyframe and the delta is mostly
// copies; otherwise a gzip keyframe. Any stored snapshot of the document is a
// valid base, so another writer adding one before the transaction changes
// nothing here.
func (db *DB) encodeSnapshot(ctx context.Context, p *preparedSnapshot) error {
	q := db.stmtsOn(nil)
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM snapshots WHERE document_id = ? AND sha256 = ?`, p.s.DocumentID, p.s.SHA256).Scan(&n)
	if err != nil {
		return fmt.Errorf("look up snapshot %s: %w", p.s.SHA256, err)
	}
	if n > 0 {
		return nil
	}
	var baseID int64
	var depth int
	err = q.QueryRowContext(ctx, `SELECT id, depth FROM snapshots WHERE document_id = ? ORDER BY id DESC LIMIT 1`, p.s.DocumentID).Scan(&baseID, &depth)
	found := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("look up latest snapshot: %w", err)
	}
	var base []byte
	if found && depth+1 < maxChain {
		if c, ok := db.cache.snapshots.Get(p.s.DocumentID); ok && c.id == baseID {
			base = c.body
		} else if base, err = readSnapshotBody(ctx, db.sql, baseID); err != nil && !errors.Is(err, errCorrupt) {
			return fmt.Errorf("read base snapshot: %w", err)
		}
		// A damaged base (err set) only costs a keyframe here; reading that
		// snapshot reports the damage.
		found = err == nil
	}
	if p.enc, err = db.encodeBody(p.body, base, found, depth); err != nil {
		return err
	}
	if p.enc.encoding == encDelta {
		p.enc.baseID = baseID
	}
	return nil
}

// encodeBody encodes body as a delta against base, a stored body at depth
// baseDepth of its chain, when there is one (haveBase), the chain may grow
// and the delta is mostly copies; otherwise as a keyframe. The caller sets
// the delta's baseID.
func (db *DB) encodeBody(body, base []byte, haveBase bool, baseDepth int) (*encodedBody, error) {
	if haveBase && baseDepth+1 < maxChain {
		if ops, ok := delta.Make(base, body); ok {
			var data bytes.Buffer
			data.Grow(len(ops)/2 + 64)
			if err := db.deflater.Deflate(&data, ops); err != nil {
				return nil, err
			}
			return &encodedBody{encoding: encDelta, data: data.Bytes(), depth: baseDepth + 1}, nil
		}
	}
	gz, err := db.deflater.Gzip(body)
	if err != nil {
		return nil, err
	}
	return &encodedBody{encoding: encGzip, data: gz}, nil
}

// insertSnapshot stores the prepared body unless an identical one is stored,
// and returns the stored row (without body) and whether this call inserted it.
func (db *DB) insertSnapshot(ctx context.Context, tx *sql.Tx, p *preparedSnapshot) (*Snapshot, bool, error) {
	const ins = `INSERT INTO snapshots (document_id, sha256, url, status, headers, content_type, fetched_at, size,
    encoding, base_id, depth, body, imported, archive, archive_url, archive_license)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (document_id, sha256) DO NOTHING`
	s := p.s
	q := db.stmtsOn(tx)
	inserted := false
	if p.enc != nil {
		r, err := q.ExecContext(ctx, ins, s.DocumentID, s.SHA256, s.URL, s.Status, p.headers, s.ContentType,
			formatTime(s.FetchedAt), s.Size, p.enc.encoding, nullID(p.enc.baseID), p.enc.depth, p.enc.data,
			s.Imported, s.Archive, s.ArchiveURL, s.ArchiveLicense)
		if err != nil {
			return nil, false, fmt.Errorf("insert snapshot %s: %w", s.SHA256, err)
		}
		n, err := r.RowsAffected()
		if err != nil {
			return nil, false, fmt.Errorf("insert snapshot %s: %w", s.SHA256, err)
		}
		inserted = n == 1
	}
	// Read the row back: when the body was seen before, the stored row (its
	// id, first sighting and headers) is the one to cite.
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM snapshots WHERE document_id = ? AND sha256 = ?`, s.DocumentID, s.SHA256).Scan(&id)
	if err != nil {
		return nil, false, fmt.Errorf("insert snapshot %s: %w", s.SHA256, err)
	}
	stored, err := loadSnapshot(ctx, q, id, false)
	return stored, inserted, err
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
	const query = `SELECT id, document_id, sha256, url, status, headers, content_type, fetched_at, size,
    imported, archive, archive_url, archive_license FROM snapshots WHERE id = ?`
	var s Snapshot
	var headers, at string
	err := q.QueryRowContext(ctx, query, id).Scan(&s.ID, &s.DocumentID, &s.SHA256, &s.URL, &s.Status, &headers, &s.ContentType, &at, &s.Size,
		&s.Imported, &s.Archive, &s.ArchiveURL, &s.ArchiveLicense)
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
			body, err = delta.Gunzip(data)
		case n > 0 && encoding == encDelta:
			body, err = delta.Apply(body, data)
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

// SnapshotInfo returns a snapshot without its body, or ErrNotFound.
func (db *DB) SnapshotInfo(ctx context.Context, id int64) (*Snapshot, error) {
	s, err := loadSnapshot(ctx, db.sql, id, false)
	if err != nil {
		return nil, fmt.Errorf("data: snapshot %d: %w", id, err)
	}
	return s, nil
}
