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

	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/policy"
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
}

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
}

// Version is one distinct canonical text of a document.
type Version struct {
	ID         int64
	DocumentID string
	SnapshotID int64
	FetchedAt  time.Time
	SHA256     string // of Text
	Text       string // canonical text
	TextLength int    // len(Text), also where Text is left out
	Blocks     []policy.Block
	// SnapshotSHA256 identifies the raw snapshot the version was extracted
	// from, so that a page can cite it.
	SnapshotSHA256 string
}

// Change is the difference between two consecutive versions of a document.
// ChangeSet holds the JSON of the diff.ChangeSet, stored once so that pages
// and alerts never recompute it.
type Change struct {
	ID          int64
	DocumentID  string
	FromVersion int64
	ToVersion   int64
	DetectedAt  time.Time // when the fetch that saw the new version started
	Material    bool
	Topics      []string
	Severity    string
	ChangeSet   json.RawMessage
	// ClassifierVersion names the rules that produced the classification;
	// "" for changes recorded by Record.
	ClassifierVersion string
}

// Observation is one fetch as the pipeline hands it to Record: the
// attempt, its body and, when every gate passed, the candidate version with
// its classified change from the version it was compared with. Storage does
// no comparing or classifying of its own; it only checks, inside its
// transaction, that the version the change was computed against is still
// the latest (Head), so that two writers never record changes from the same
// version.
type Observation struct {
	// Fetch describes the attempt. The caller sets Outcome to failed,
	// suspect, not-modified or superseded, and leaves it empty when Document
	// is set: Record then decides between new-version and unchanged.
	Fetch Fetch
	// Snapshot is the response body; nil when there was none (network error,
	// 304). ID, SHA256, Size and FetchedAt are filled by Record.
	Snapshot *Snapshot
	// Document is non-nil only when the fetch passed every gate: it is a
	// candidate version.
	Document *policy.Document
	// Head is the id of the latest version when the pipeline compared
	// Document with it, 0 when the document had none. Record refuses the
	// observation with ErrHeadMoved when another version has become the
	// latest since.
	Head int64
	// Change is the classified change from Head to Document; it is needed
	// when Head is set and Document's canonical text differs from Head's.
	Change *diff.ChangeSet
	// Classifier names the rules that classified Change (topics.Version),
	// stored so that reclassification knows which changes are up to date.
	Classifier string
	// NoAlerts records a change without queueing alerts or webhooks for
	// it: `clausewatch import` backfills history that nobody should be
	// alerted about years later.
	NoAlerts bool
}

// Result is what Record stored.
type Result struct {
	Fetch Fetch
	// Snapshot is the stored (or reused) snapshot, without its body.
	Snapshot *Snapshot
	// Version is set for new-version (with its Text) and unchanged (the
	// latest version without its Text). Blocks are left out: the caller has
	// the document it recorded, and Version(ID) reads them back (copying
	// the blocks of a long policy was a tenth of the time of an import).
	Version *Version
	// Change is set only for a new version that has a predecessor.
	Change *Change
}

// versionHead is what deciding new-version vs unchanged needs of the latest
// version, without loading its text.
type versionHead struct {
	id        int64
	fetchedAt string
	sha256    string
}

// Record stores one fetch attempt in a single transaction: the snapshot
// (reusing an identical earlier body), a new version when the candidate
// document's canonical text differs from the latest version's, the change
// from that version as the pipeline computed it (with its deliveries, the
// outbox), and the fetch row. It fails with ErrHeadMoved when the latest
// version is no longer obs.Head; the pipeline then compares again.
func (db *DB) Record(ctx context.Context, obs Observation) (Result, error) {
	res, err := db.record(ctx, obs)
	if err != nil {
		return Result{}, fmt.Errorf("data: record fetch of %s: %w", obs.Fetch.DocumentID, err)
	}
	return res, nil
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

// preparedVersion is a candidate document as it will be stored: its block
// texts normalized, its canonical text and that text's hash.
type preparedVersion struct {
	doc    policy.Document
	text   string
	sha256 string
}

func (db *DB) record(ctx context.Context, obs Observation) (Result, error) {
	f := obs.Fetch
	if err := checkObservation(obs); err != nil {
		return Result{}, err
	}
	f.StartedAt = f.StartedAt.UTC()
	snap, err := prepareSnapshot(f, obs.Snapshot)
	if err != nil {
		return Result{}, err
	}
	if snap != nil {
		if err := db.encodeSnapshot(ctx, snap); err != nil {
			return Result{}, err
		}
	}
	var ver *preparedVersion
	if obs.Document != nil {
		ver = prepareVersion(*obs.Document)
	}

	var res Result
	var newVersion *cachedVersion
	var newSnapshot *cachedSnapshot
	err = db.write(ctx, func(tx *sql.Tx) error {
		res = Result{}
		newVersion, newSnapshot = nil, nil
		if err := documentExists(ctx, db.stmtsOn(tx), f.DocumentID); err != nil {
			return err
		}
		fr := f
		var head *versionHead
		if ver != nil {
			var err error
			if head, err = latestHead(ctx, db.stmtsOn(tx), f.DocumentID); err != nil {
				return err
			}
			if id := headID(head); id != obs.Head {
				return fmt.Errorf("compared with version %d, but the latest is now %d: %w", obs.Head, id, ErrHeadMoved)
			}
		}
		if snap != nil {
			stored, inserted, err := db.insertSnapshot(ctx, tx, snap)
			if err != nil {
				return err
			}
			res.Snapshot = stored
			fr.SnapshotID = stored.ID
			fr.ETag = snap.s.Header.Get("ETag")
			fr.LastModified = snap.s.Header.Get("Last-Modified")
			if inserted {
				newSnapshot = &cachedSnapshot{id: stored.ID, depth: snap.enc.depth, body: bytes.Clone(snap.body)}
			}
		}
		if fr.Outcome == NotModified {
			// A 304 confirms the version the validators came from.
			latest, err := latestHead(ctx, db.stmtsOn(tx), f.DocumentID)
			if err != nil {
				return err
			}
			fr.VersionID = headID(latest)
		}
		switch {
		case ver == nil:
		case head != nil && head.sha256 == ver.sha256:
			fr.Outcome = Unchanged
			fr.VersionID = head.id
			v, err := loadVersion(ctx, tx, head.id, false)
			if err != nil {
				return err
			}
			res.Version = v
		default:
			if head != nil && obs.Change == nil {
				return fmt.Errorf("new version of %s without its change from version %d (Observation.Change)", f.DocumentID, head.id)
			}
			fr.Outcome = NewVersion
			var prev *cachedVersion
			if head != nil {
				var err error
				if prev, err = db.versionAt(ctx, tx, f.DocumentID, head); err != nil {
					return err
				}
			}
			cv, err := db.insertVersion(ctx, tx, f, fr.SnapshotID, res.Snapshot.SHA256, ver, prev)
			if err != nil {
				return err
			}
			newVersion = cv
			fr.VersionID = cv.v.ID
			v := cv.v
			v.Blocks = nil
			res.Version = &v
			if head != nil {
				c, err := db.insertChange(ctx, tx, f, head.id, cv.v.ID, *obs.Change, obs.Classifier, !obs.NoAlerts)
				if err != nil {
					return err
				}
				res.Change = c
			}
		}
		id, err := db.insertFetch(ctx, tx, fr)
		if err != nil {
			return err
		}
		fr.ID = id
		res.Fetch = fr
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	if newVersion != nil {
		db.cache.setVersion(f.DocumentID, newVersion)
	}
	if newSnapshot != nil {
		db.cache.setSnapshot(f.DocumentID, newSnapshot)
	}
	return res, nil
}

// headID is the id of h, 0 for no version.
func headID(h *versionHead) int64 {
	if h == nil {
		return 0
	}
	return h.id
}

// checkObservation refuses observations whose parts contradict each other;
// storing them would break invariant 1 (a failed or suspect fetch never
// creates a version) or leave a version without a citable snapshot.
func checkObservation(obs Observation) error {
	f := obs.Fetch
	if f.DocumentID == "" {
		return errors.New("fetch has no document id")
	}
	if f.StartedAt.IsZero() {
		return errors.New("fetch has no start time (Fetch.StartedAt)")
	}
	if obs.Document != nil {
		if f.Outcome != "" {
			return fmt.Errorf("fetch outcome %q given with a candidate document: leave Outcome empty and Record decides new-version or unchanged; drop the Document for a %s fetch", f.Outcome, f.Outcome)
		}
		if obs.Snapshot == nil {
			return errors.New("candidate document without a snapshot: a version must cite the raw body it was extracted from")
		}
		return nil
	}
	switch f.Outcome {
	case Failed, Suspect, NotModified, Superseded:
		return nil
	case NewVersion, Unchanged:
		return fmt.Errorf("fetch outcome %q needs a candidate document (Observation.Document)", f.Outcome)
	case "":
		return errors.New("fetch has no outcome: set failed, suspect, not-modified or superseded, or pass the candidate Document")
	default:
		return fmt.Errorf("unknown fetch outcome %q (want failed, suspect, not-modified or superseded)", f.Outcome)
	}
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
		if c := db.cache.snapshot(p.s.DocumentID); c != nil && c.id == baseID {
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
		if ops, ok := makeDelta(base, body); ok {
			var data bytes.Buffer
			data.Grow(len(ops)/2 + 64)
			if err := db.deflater.deflate(&data, ops); err != nil {
				return nil, fmt.Errorf("compress snapshot delta: %w", err)
			}
			return &encodedBody{encoding: encDelta, data: data.Bytes(), depth: baseDepth + 1}, nil
		}
	}
	gz, err := gzipBody(body)
	if err != nil {
		return nil, fmt.Errorf("compress snapshot: %w", err)
	}
	return &encodedBody{encoding: encGzip, data: gz}, nil
}

// prepareVersion normalizes the candidate's block texts, as the canonical
// text does, and computes that text and its hash. The stored blocks are the
// normalized ones, so that the canonical text can be rebuilt from them alone
// even if Normalize changes later.
func prepareVersion(doc policy.Document) *preparedVersion {
	// The cache keeps the blocks: their paths are copied, so that the
	// caller's document stays the caller's.
	doc, text := doc.Normalized()
	doc.Blocks = cloneBlocks(doc.Blocks)
	return &preparedVersion{doc: doc, text: text, sha256: policy.HashText(text)}
}

// findText returns the index of a block of known within four places of at
// whose text is s: the next version of a document mostly holds the same
// texts at about the same positions.
func findText(known []policy.Block, at int, s string) (int, bool) {
	const window = 4
	for d := 0; d <= window; d++ {
		if k := at + d; k >= 0 && k < len(known) && known[k].Text == s {
			return k, true
		}
		if k := at - d; d > 0 && k >= 0 && k < len(known) && known[k].Text == s {
			return k, true
		}
	}
	return 0, false
}

// queryer is what both *sql.DB and *sql.Tx offer, so that lookups run inside
// or outside a transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
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

// latestHead returns the document's latest version by fetched_at then id, or
// nil when it has none.
func latestHead(ctx context.Context, q queryer, docID string) (*versionHead, error) {
	const query = `SELECT id, fetched_at, sha256 FROM versions WHERE document_id = ? ORDER BY fetched_at DESC, id DESC LIMIT 1`
	var h versionHead
	err := q.QueryRowContext(ctx, query, docID).Scan(&h.id, &h.fetchedAt, &h.sha256)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("latest version: %w", err)
	}
	return &h, nil
}

// versionAt returns the version head names in full, with the text ids of its
// blocks: from the cache when the cached entry is that version (same id and
// sha256), else read through q and cached, since it is committed data.
func (db *DB) versionAt(ctx context.Context, q queryer, docID string, head *versionHead) (*cachedVersion, error) {
	if c := db.cache.version(docID); c != nil && c.v.ID == head.id && c.v.SHA256 == head.sha256 {
		return c, nil
	}
	v, refs, err := loadFullVersion(ctx, q, head.id)
	if err != nil {
		return nil, err
	}
	c := &cachedVersion{v: *v, refs: refs, textIDs: distinctTextIDs(v.Blocks, refs.blocks)}
	db.cache.setVersion(docID, c)
	return c, nil
}

// insertSnapshot stores the prepared body unless an identical one is stored,
// and returns the stored row (without body) and whether this call inserted it.
func (db *DB) insertSnapshot(ctx context.Context, tx *sql.Tx, p *preparedSnapshot) (*Snapshot, bool, error) {
	const ins = `INSERT INTO snapshots (document_id, sha256, url, status, headers, content_type, fetched_at, size,
    encoding, base_id, depth, body)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (document_id, sha256) DO NOTHING`
	s := p.s
	q := db.stmtsOn(tx)
	inserted := false
	if p.enc != nil {
		r, err := q.ExecContext(ctx, ins, s.DocumentID, s.SHA256, s.URL, s.Status, p.headers, s.ContentType,
			formatTime(s.FetchedAt), s.Size, p.enc.encoding, nullID(p.enc.baseID), p.enc.depth, p.enc.data)
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

// insertVersion stores a new version by reference to its texts, adding the
// texts not stored yet, and extends the search index. prev is the
// document's latest version before this one (nil for its first): the search
// index entries are relative to it, and its text ids are already learned,
// so that only new clauses cost a query.
func (db *DB) insertVersion(ctx context.Context, tx *sql.Tx, f Fetch, snapshotID int64, snapshotSHA string, p *preparedVersion, prev *cachedVersion) (*cachedVersion, error) {
	q := db.stmtsOn(tx)
	refs, err := internTexts(ctx, q, p.doc.Blocks, prev)
	if err != nil {
		return nil, err
	}
	textIDs := distinctTextIDs(p.doc.Blocks, refs.blocks)
	indexed, err := searchIndexed(ctx, q, f.DocumentID)
	if err != nil {
		return nil, err
	}
	blocks, err := encodeBlocks(p.doc.Blocks, refs)
	if err != nil {
		return nil, err
	}
	const ins = `INSERT INTO versions (document_id, snapshot_id, fetched_at, sha256, text_length, blocks, recorded_at)
VALUES (?, ?, ?, ?, ?, ?, ?)`
	r, err := q.ExecContext(ctx, ins, f.DocumentID, snapshotID, formatTime(f.StartedAt), p.sha256, len(p.text), blocks, formatTime(db.now()))
	if err != nil {
		return nil, fmt.Errorf("insert version: %w", err)
	}
	id, err := r.LastInsertId()
	if err != nil {
		return nil, fmt.Errorf("insert version: %w", err)
	}
	if indexed {
		var prevIDs []int64
		if prev != nil {
			prevIDs = prev.textIDs
		}
		if err := indexVersion(ctx, q, f.DocumentID, id, prevIDs, textIDs); err != nil {
			return nil, err
		}
	}
	return &cachedVersion{
		v: Version{
			ID: id, DocumentID: f.DocumentID, SnapshotID: snapshotID, FetchedAt: f.StartedAt,
			SHA256: p.sha256, Text: p.text, TextLength: len(p.text), Blocks: p.doc.Blocks, SnapshotSHA256: snapshotSHA,
		},
		refs:    refs,
		textIDs: textIDs,
	}, nil
}

// insertChange stores the change and, when alerts is set and the change is
// material, queues its deliveries in the same transaction (the outbox), so
// that a recorded change is never left without its alerts nor alerted twice.
func (db *DB) insertChange(ctx context.Context, tx *sql.Tx, f Fetch, from, to int64, cs diff.ChangeSet, classifier string, alerts bool) (*Change, error) {
	topics := cs.Topics
	if topics == nil {
		topics = []string{}
	}
	tj, err := json.Marshal(topics)
	if err != nil {
		return nil, fmt.Errorf("encode topics: %w", err)
	}
	csj, err := json.Marshal(cs)
	if err != nil {
		return nil, fmt.Errorf("encode change set: %w", err)
	}
	const ins = `INSERT INTO changes (document_id, from_version, to_version, detected_at, material, topics, severity, change_set, classifier_version, recorded_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	r, err := db.stmtsOn(tx).ExecContext(ctx, ins, f.DocumentID, from, to, formatTime(f.StartedAt), cs.Material, string(tj), cs.Severity, string(csj), classifier, formatTime(db.now()))
	if err != nil {
		return nil, fmt.Errorf("insert change %d -> %d: %w", from, to, err)
	}
	id, err := r.LastInsertId()
	if err != nil {
		return nil, fmt.Errorf("insert change %d -> %d: %w", from, to, err)
	}
	if alerts && cs.Material {
		if err := enqueueAlerts(ctx, tx, id, f.DocumentID, string(tj), db.now()); err != nil {
			return nil, err
		}
	}
	return &Change{
		ID: id, DocumentID: f.DocumentID, FromVersion: from, ToVersion: to, DetectedAt: f.StartedAt,
		Material: cs.Material, Topics: topics, Severity: cs.Severity, ChangeSet: csj, ClassifierVersion: classifier,
	}, nil
}

func (db *DB) insertFetch(ctx context.Context, tx *sql.Tx, f Fetch) (int64, error) {
	redirects := f.Redirects
	if redirects == nil {
		redirects = []string{}
	}
	rj, err := json.Marshal(redirects)
	if err != nil {
		return 0, fmt.Errorf("encode redirects: %w", err)
	}
	const ins = `INSERT INTO fetches (document_id, started_at, duration_ns, url, final_url, redirects, status, bytes,
    conditional, outcome, error_class, reason, snapshot_id, version_id, etag, last_modified, recorded_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	r, err := db.stmtsOn(tx).ExecContext(ctx, ins, f.DocumentID, formatTime(f.StartedAt), int64(f.Duration), f.URL, f.FinalURL, string(rj),
		f.Status, f.Bytes, f.Conditional, string(f.Outcome), f.ErrorClass, f.Reason,
		nullID(f.SnapshotID), nullID(f.VersionID), f.ETag, f.LastModified, formatTime(db.now()))
	if err != nil {
		return 0, fmt.Errorf("insert fetch: %w", err)
	}
	return r.LastInsertId()
}

// nullID stores 0 as NULL so that the foreign key is not checked for "none".
func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }
