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
	"slices"
	"strings"
	"sync"
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

// Observation is the result of one fetch as handed to Record.
type Observation struct {
	// Fetch describes the attempt. The caller sets Outcome to failed, suspect
	// or not-modified, and leaves it empty when Document is set: Record then
	// decides between new-version and unchanged.
	Fetch Fetch
	// Snapshot is the response body; nil when there was none (network error,
	// 304). ID, SHA256, Size and FetchedAt are filled by Record.
	Snapshot *Snapshot
	// Document is non-nil only when the fetch passed every gate: it is a
	// candidate version.
	Document *policy.Document
	// NoAlerts records a change without queueing alerts or webhooks for
	// it: `clausewatch import` backfills history that nobody should be
	// alerted about years later.
	NoAlerts bool
	// Candidate optionally carries work on Document done ahead of time by
	// PrepareCandidate, so that a caller recording a sequence of fetches
	// (import) can diff the next one while this one is recorded. Record
	// uses it only where it is exactly what Record would compute itself
	// (see Candidate) and ignores it otherwise; it is ignored without a
	// Document.
	Candidate *Candidate
	// SnapshotCandidate optionally carries Snapshot.Body hashed and
	// encoded ahead of time (NewSnapshotCandidate); Record uses it only
	// when it was made from that very body slice.
	SnapshotCandidate *SnapshotCandidate
}

// SnapshotCandidate is a response body hashed, and encoded as it would be
// stored, ahead of Record: hashing and compressing a 300 KB page are most
// of the cost of storing its snapshot, and an import can do both for the
// next file on another goroutine.
//
// The encoding is a guess: Record encodes a body against the document's
// latest stored snapshot, and takes the candidate's encoding only when it
// is exactly what Record would compute: a delta when that snapshot has the
// body the candidate guessed and room in its chain, a keyframe when it is
// also at the depth guessed. A wrong guess costs only the encoding Record
// then does itself.
type SnapshotCandidate struct {
	body  []byte
	sha   string
	marks []sumMark // let the next body resume hashing (sumAfter)
	// enc.depth counts the deltas from the candidates' last keyframe.
	enc *encodedBody
	// baseSHA is the guessed latest snapshot ("" for none), at baseDepth.
	baseSHA   string
	baseDepth int
}

// NewSnapshotCandidate hashes body and encodes it as Record would if the
// document's latest stored snapshot were the body of prev (the candidate
// made for the previous fetch, nil for none), as a delta or a keyframe. The
// body must not be changed afterwards: Record keeps it to encode the next
// snapshot against.
func (db *DB) NewSnapshotCandidate(body []byte, prev *SnapshotCandidate) (*SnapshotCandidate, error) {
	c := &SnapshotCandidate{body: body}
	var base []byte
	shared := 0
	var marks []sumMark
	if prev != nil {
		c.baseSHA, c.baseDepth, base = prev.sha, prev.enc.depth, prev.body
		shared, marks = commonPrefix(prev.body, body), prev.marks
	}
	c.sha, c.marks = sumAfter(body, shared, marks)
	if prev != nil && c.sha == prev.sha {
		// The same body again is not stored again: the next body's guess
		// is the one this body's was.
		c.enc, c.baseSHA, c.baseDepth = prev.enc, prev.baseSHA, prev.baseDepth
		return c, nil
	}
	var err error
	if c.enc, err = db.encodeBody(body, base, prev != nil, c.baseDepth); err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	return c, nil
}

// madeFrom reports whether c was made from body, the same slice.
func (c *SnapshotCandidate) madeFrom(body []byte) bool {
	return c != nil && len(c.body) == len(body) && (len(body) == 0 || &c.body[0] == &body[0])
}

// Candidate is a candidate document prepared ahead of Record, with its
// classified change from the candidate expected to be the latest version
// when it is recorded. Diffing a 300 KB policy is the largest cost of
// recording it; an import knows the order of its files and can do it for
// the next file on another goroutine.
//
// The change set is a function of the two documents' normalized blocks and
// the document's language only, so Record takes it when the candidate's
// blocks are those of Observation.Document, the expected predecessor's
// blocks are those of the latest stored version, and the language is the
// one stored; any other case (a file found suspect, an unchanged fetch whose
// stored version has other blocks, another writer) costs only the diff
// Record then does itself.
type Candidate struct {
	ver *preparedVersion
	// src is the block list ver was prepared from.
	src []policy.Block
	// base is the expected predecessor, lang the language the change set
	// was classified in; cs is nil when there is no change to prepare.
	base *preparedVersion
	lang string
	cs   *diff.ChangeSet
	// cmp is shared by the candidates of one sequence (each prepared
	// against the one before), so that each version is cut into clauses
	// once rather than twice; nil until a diff is prepared.
	cmp *sequenceComparer
}

// sequenceComparer is a diff.Comparer for candidates prepared one after the
// other. The lock only makes concurrent PrepareChange calls safe; the
// Comparer itself checks that the old version is the one it kept.
type sequenceComparer struct {
	mu  sync.Mutex
	cmp diff.Comparer
}

// classify is classifiedChanges with the diff done by the sequence's
// Comparer, which gives the same change set.
func (s *sequenceComparer) classify(old, new policy.Document, lang string) diff.ChangeSet {
	s.mu.Lock()
	cs := s.cmp.Compare(old, new)
	s.mu.Unlock()
	return classified(cs, lang)
}

// NewCandidate prepares doc for recording as Record does (normalized block
// texts, canonical text and its hash), without a change. Its Text is the
// canonical text the gates need, so a caller that prepares its candidates
// does not compute that text twice. doc's blocks must not be changed
// afterwards: Record takes the candidate for a document with the same block
// list without comparing the blocks again.
func NewCandidate(doc policy.Document) *Candidate {
	return &Candidate{ver: prepareVersion(doc, nil), src: doc.Blocks}
}

// NewCandidateAfter is NewCandidate for the next version of a sequence
// (prev, possibly nil, prepared just before): a block text that prev holds
// near the same position is normalized already and is not scanned again.
// The candidate is the one NewCandidate gives.
func NewCandidateAfter(doc policy.Document, prev *Candidate) *Candidate {
	var pv *preparedVersion
	if prev != nil {
		pv = prev.ver
	}
	return &Candidate{ver: prepareVersion(doc, pv), src: doc.Blocks}
}

// Text returns the candidate's canonical text, doc.Canonical() of the
// document it was prepared from.
func (c *Candidate) Text() string { return c.ver.text }

// PrepareCandidate normalizes doc as Record does and, when prev (the
// candidate expected to be the document's latest version when doc is
// recorded) is set and differs, diffs and classifies the change from prev to
// doc in the document's configured language. It writes nothing and takes no
// lock, so it can run while another fetch is recorded.
func (db *DB) PrepareCandidate(ctx context.Context, docID string, doc policy.Document, prev *Candidate) (*Candidate, error) {
	return db.PrepareChange(ctx, docID, NewCandidate(doc), prev)
}

// PrepareChange is PrepareCandidate for a document already prepared with
// NewCandidate: it returns c's version with the classified change from prev
// (c itself is left as it is). Candidates prepared in sequence, each with
// the one before as prev, share the clauses of their versions.
func (db *DB) PrepareChange(ctx context.Context, docID string, c, prev *Candidate) (*Candidate, error) {
	out := &Candidate{ver: c.ver, src: c.src}
	if prev != nil {
		out.cmp = prev.cmp
	}
	if prev == nil || prev.ver.sha256 == out.ver.sha256 {
		return out, nil
	}
	lang, err := documentLanguage(ctx, db.stmtsOn(nil), docID)
	if err != nil {
		return nil, fmt.Errorf("data: prepare candidate of %s: %w", docID, err)
	}
	if out.cmp == nil {
		out.cmp = &sequenceComparer{}
	}
	cs := out.cmp.classify(prev.ver.doc, out.ver.doc, lang)
	out.base, out.lang, out.cs = prev.ver, lang, &cs
	return out, nil
}

// versionFor returns doc prepared as prepareVersion does: c's prepared
// version when c was prepared from doc's blocks (for the very same block
// list, without comparing them) or when doc's blocks are the normalized
// ones c holds (Normalize is idempotent, so preparing them again gives the
// same), else prepared here.
func versionFor(c *Candidate, doc policy.Document) *preparedVersion {
	if c != nil && len(doc.Blocks) > 0 && (sameBlocks(doc.Blocks, c.src) || sameBlocks(doc.Blocks, c.ver.doc.Blocks)) {
		return c.ver
	}
	return prepareVersion(doc, nil)
}

// changeFrom returns the classified change from prev to ver: the prepared
// one when c was prepared from the same blocks against prev's blocks in the
// same language, else computed here.
func changeFrom(prev *cachedVersion, ver *preparedVersion, lang string, c *Candidate) diff.ChangeSet {
	if c != nil && c.cs != nil && c.lang == lang &&
		(c.ver == ver || c.ver.sha256 == ver.sha256 && sameBlocks(c.ver.doc.Blocks, ver.doc.Blocks)) &&
		c.base.sha256 == prev.v.SHA256 && sameBlocks(c.base.doc.Blocks, prev.v.Blocks) {
		return *c.cs
	}
	return classifiedChanges(blocksDoc(&prev.v), ver.doc, lang)
}

// sameBlocks reports whether a and b hold the same blocks (kind, level, path
// and text). Blocks prepared from the same document share their strings, so
// this is cheap where it matters, and free for the same slice (the latest
// version as cached is the candidate's base as prepared).
func sameBlocks(a, b []policy.Block) bool {
	if len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0]) {
		return true
	}
	return slices.EqualFunc(a, b, func(x, y policy.Block) bool {
		return x.Kind == y.Kind && x.Level == y.Level && x.Text == y.Text && slices.Equal(x.Path, y.Path)
	})
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
// document's canonical text differs from the latest version, the change from
// the previous version with its diff, and the fetch row. A candidate observed
// before the latest version is refused with ErrOutOfOrder.
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

// preparedVersion holds the work on a candidate document done before taking
// the lock.
type preparedVersion struct {
	// doc is the candidate with normalized block texts, as it will be
	// stored and read back.
	doc    policy.Document
	text   string
	sha256 string
	// marks let the next version's text resume hashing (sumAfter).
	marks []sumMark
}

func (db *DB) record(ctx context.Context, obs Observation) (Result, error) {
	f := obs.Fetch
	if err := checkObservation(obs); err != nil {
		return Result{}, err
	}
	f.StartedAt = f.StartedAt.UTC()
	sc := obs.SnapshotCandidate
	if obs.Snapshot == nil || !sc.madeFrom(obs.Snapshot.Body) {
		sc = nil
	}
	snap, err := prepareSnapshot(f, obs.Snapshot, sc)
	if err != nil {
		return Result{}, err
	}
	if snap != nil {
		if err := db.encodeSnapshot(ctx, snap, sc); err != nil {
			return Result{}, err
		}
	}
	var ver *preparedVersion
	if obs.Document != nil {
		ver = versionFor(obs.Candidate, *obs.Document)
	}

	// Diffing a large document takes a while; do it before taking the write
	// lock, against the latest version as it is now, and redo it inside the
	// transaction only if another writer added a version meanwhile.
	var pre struct {
		head *versionHead
		prev *cachedVersion
		cs   *diff.ChangeSet
	}
	var lang string
	if ver != nil {
		if lang, err = documentLanguage(ctx, db.stmtsOn(nil), f.DocumentID); err != nil {
			return Result{}, err
		}
		head, err := latestHead(ctx, db.stmtsOn(nil), f.DocumentID)
		if err != nil {
			return Result{}, err
		}
		if head != nil && head.sha256 != ver.sha256 && formatTime(f.StartedAt) >= head.fetchedAt {
			prev, err := db.versionAt(ctx, db.sql, f.DocumentID, head)
			if err != nil {
				return Result{}, err
			}
			cs := changeFrom(prev, ver, lang, obs.Candidate)
			pre.head, pre.prev, pre.cs = head, prev, &cs
		}
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
			if head != nil && formatTime(f.StartedAt) < head.fetchedAt {
				return fmt.Errorf("fetch started %s, before the latest stored version %d (fetched %s); "+
					"import files oldest first (backfilling before existing history is not supported yet): %w",
					formatTime(f.StartedAt), head.id, head.fetchedAt, ErrOutOfOrder)
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
				newSnapshot = &cachedSnapshot{id: stored.ID, depth: snap.enc.depth, body: snap.body}
			}
		}
		if fr.Outcome == NotModified {
			// A 304 confirms the version the validators came from.
			latest, err := latestHead(ctx, db.stmtsOn(tx), f.DocumentID)
			if err != nil {
				return err
			}
			if latest != nil {
				fr.VersionID = latest.id
			}
		}
		if ver != nil {
			if head != nil && head.sha256 == ver.sha256 {
				fr.Outcome = Unchanged
				fr.VersionID = head.id
				v, err := loadVersion(ctx, tx, head.id, false)
				if err != nil {
					return err
				}
				res.Version = v
			} else {
				fr.Outcome = NewVersion
				var prev *cachedVersion
				var cs diff.ChangeSet
				if head != nil {
					if pre.head != nil && *pre.head == *head {
						prev, cs = pre.prev, *pre.cs
					} else {
						var err error
						if prev, err = db.versionAt(ctx, tx, f.DocumentID, head); err != nil {
							return err
						}
						cs = changeFrom(prev, ver, lang, obs.Candidate)
					}
				}
				// Clause ids learned from committed data stay valid (texts
				// are never deleted), even when the cached version is no
				// longer the latest.
				known := db.cache.version(f.DocumentID)
				if prev != nil {
					known = prev
				}
				cv, err := db.insertVersion(ctx, tx, f, fr.SnapshotID, res.Snapshot.SHA256, ver, known, prev)
				if err != nil {
					return err
				}
				newVersion = cv
				fr.VersionID = cv.v.ID
				v := cv.v
				v.Blocks = nil
				res.Version = &v
				if head != nil {
					c, err := db.insertChange(ctx, tx, f, head.id, cv.v.ID, cs, !obs.NoAlerts)
					if err != nil {
						return err
					}
					res.Change = c
				}
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
		// The caller keeps its body; the cache keeps a copy, unless the
		// body was handed over with a SnapshotCandidate.
		if sc == nil {
			newSnapshot.body = bytes.Clone(newSnapshot.body)
		}
		db.cache.setSnapshot(f.DocumentID, newSnapshot)
	}
	return res, nil
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
	case Failed, Suspect, NotModified:
		return nil
	case NewVersion, Unchanged:
		return fmt.Errorf("fetch outcome %q needs a candidate document (Observation.Document)", f.Outcome)
	case "":
		return errors.New("fetch has no outcome: set failed, suspect or not-modified, or pass the candidate Document")
	default:
		return fmt.Errorf("unknown fetch outcome %q (want failed, suspect or not-modified)", f.Outcome)
	}
}

// prepareSnapshot fills in what Record derives from a body; sc, when set,
// was made from in.Body and holds its hash.
func prepareSnapshot(f Fetch, in *Snapshot, sc *SnapshotCandidate) (*preparedSnapshot, error) {
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
	var sha string
	if sc != nil {
		sha = sc.sha
	} else {
		sum := sha256.Sum256(in.Body)
		sha = hex.EncodeToString(sum[:])
	}
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
// nothing here. sc, when set, was made from p's body: its encoding is taken
// where it is the one computed here (see SnapshotCandidate).
func (db *DB) encodeSnapshot(ctx context.Context, p *preparedSnapshot, sc *SnapshotCandidate) error {
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
	var sha string
	err = q.QueryRowContext(ctx, `SELECT id, depth, sha256 FROM snapshots WHERE document_id = ? ORDER BY id DESC LIMIT 1`, p.s.DocumentID).Scan(&baseID, &depth, &sha)
	found := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("look up latest snapshot: %w", err)
	}
	if sc != nil && sc.baseSHA == sha {
		// A delta depends on the two bodies only; whether to write a
		// keyframe instead depends on the chain's depth too.
		switch e := *sc.enc; {
		case e.encoding == encDelta && found && depth+1 < maxChain:
			e.baseID, e.depth = baseID, depth+1
			p.enc = &e
			return nil
		case e.encoding == encGzip && (!found || sc.baseDepth == depth):
			p.enc = &e
			return nil
		}
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
// text does, and computes that text and its hash in the same pass. The
// stored blocks are the normalized ones, so that the canonical text can be
// rebuilt from them alone even if Normalize changes later.
//
// prior, when set, is an earlier prepared version: a text equal to one of
// its normalized texts is normalized (Normalize is idempotent), and the
// comparison is cheap where it matters, since the next version of a
// document mostly holds the same strings at about the same positions.
func prepareVersion(doc policy.Document, prior *preparedVersion) *preparedVersion {
	var known []policy.Block
	if prior != nil {
		known = prior.doc.Blocks
	}
	// off is where known is expected to hold block i: i+off.
	off := 0
	size := 0
	for _, b := range doc.Blocks {
		size += len(b.Text) + 1
	}
	var canon strings.Builder
	canon.Grow(size)
	var blocks []policy.Block
	if doc.Blocks != nil {
		blocks = make([]policy.Block, len(doc.Blocks))
	}
	for i, b := range doc.Blocks {
		var t string
		if k, ok := findText(known, i+off, b.Text); ok {
			t, off = b.Text, k-i
		} else if t = policy.Normalize(b.Text); t == b.Text {
			t = b.Text // keep the caller's string rather than a copy
		}
		var path []string
		if i > 0 && len(b.Path) > 0 && slices.Equal(b.Path, doc.Blocks[i-1].Path) {
			path = blocks[i-1].Path
		} else if len(b.Path) > 0 {
			path = slices.Clip(slices.Clone(b.Path))
		}
		blocks[i] = policy.Block{Kind: b.Kind, Level: b.Level, Path: path, Text: t}
		if t != "" {
			canon.WriteString(t)
			canon.WriteByte('\n')
		}
	}
	text := canon.String()
	shared := 0
	var marks []sumMark
	if prior != nil {
		shared, marks = commonTextPrefix(text, prior.text), prior.marks
	}
	sum, marks := sumAfter(text, shared, marks)
	return &preparedVersion{doc: policy.Document{Blocks: blocks}, text: text, sha256: sum, marks: marks}
}

// priorWindow is how far from its expected position findText looks.
const priorWindow = 4

// findText returns the index of a block of known within priorWindow of
// at whose text is s.
func findText(known []policy.Block, at int, s string) (int, bool) {
	if len(known) == 0 {
		return 0, false
	}
	for d := 0; d <= priorWindow; d++ {
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
// texts not stored yet, and extends the search index; known is a version
// whose text ids are already learned (usually the previous one), so that
// only new clauses cost a query. prev is the document's latest version
// before this one (nil for its first), which the search index entries are
// relative to.
func (db *DB) insertVersion(ctx context.Context, tx *sql.Tx, f Fetch, snapshotID int64, snapshotSHA string, p *preparedVersion, known, prev *cachedVersion) (*cachedVersion, error) {
	q := db.stmtsOn(tx)
	refs, err := internTexts(ctx, q, p.doc.Blocks, known)
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
			SHA256: p.sha256, Text: p.text, Blocks: p.doc.Blocks, SnapshotSHA256: snapshotSHA,
		},
		refs:    refs,
		textIDs: textIDs,
	}, nil
}

// insertChange stores the change and, when alerts is set and the change is
// material, queues its deliveries in the same transaction (the outbox), so
// that a recorded change is never left without its alerts nor alerted twice.
func (db *DB) insertChange(ctx context.Context, tx *sql.Tx, f Fetch, from, to int64, cs diff.ChangeSet, alerts bool) (*Change, error) {
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
	r, err := db.stmtsOn(tx).ExecContext(ctx, ins, f.DocumentID, from, to, formatTime(f.StartedAt), cs.Material, string(tj), string(cs.Severity), string(csj), classifierVersion, formatTime(db.now()))
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
		Material: cs.Material, Topics: topics, Severity: string(cs.Severity), ChangeSet: csj,
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
