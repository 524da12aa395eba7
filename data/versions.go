package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/clausewatch/clausewatch/data/internal/blocklist"
	"github.com/clausewatch/clausewatch/policy"
)

// Version is one distinct canonical text of a document.
type Version struct {
	ID int64
	// Number counts the document's versions from 1, oldest first: ids are
	// global, so a document's first version may be #12, while people say
	// "the third version" (v3).
	Number     int
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
	// Source is where that snapshot came from, so that a listing cites an
	// imported copy by its original page and archive without loading each
	// snapshot.
	Source Source
}

// Source is the address a snapshot was fetched from and whether, and by
// which archive, it was archived before being imported.
type Source struct {
	URL string
	Provenance
}

// sourceColumns are the snapshot columns scanned into a Source (table
// alias s), in the order of Source.dest.
const sourceColumns = `s.url, s.imported, s.archive, s.archive_url, s.archive_license`

func (src *Source) dest() []any {
	return []any{&src.URL, &src.Imported, &src.Archive, &src.ArchiveURL, &src.ArchiveLicense}
}

// versionHead is what deciding new-version vs unchanged needs of the latest
// version, without loading its text.
type versionHead struct {
	id        int64
	fetchedAt string
	sha256    string
}

// preparedVersion is a candidate document as it will be stored: its block
// texts normalized, its canonical text and that text's hash.
type preparedVersion struct {
	doc    policy.Document
	text   string
	sha256 string
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

// latestHead returns the document's latest version by fetched_at then id, or
// nil when it has none.
func latestHead(ctx context.Context, q queryer, docID string) (*versionHead, error) {
	var h versionHead
	err := q.QueryRowContext(ctx, latestHeadQuery, docID).Scan(&h.id, &h.fetchedAt, &h.sha256)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("latest version: %w", err)
	}
	return &h, nil
}

// latestHeadQuery reads the head of a document's latest version from the
// end of versions_by_document.
const latestHeadQuery = `SELECT id, fetched_at, sha256 FROM versions WHERE document_id = ? ORDER BY fetched_at DESC, id DESC LIMIT 1`

// versionAt returns the version head names in full, with the text ids of its
// blocks: from the cache when the cached entry is that version (same id and
// sha256), else read through q and cached, since it is committed data.
func (db *DB) versionAt(ctx context.Context, q queryer, docID string, head *versionHead) (*cachedVersion, error) {
	if c, ok := db.cache.versions.Get(docID); ok && c.v.ID == head.id && c.v.SHA256 == head.sha256 {
		return c, nil
	}
	v, refs, err := loadFullVersion(ctx, q, head.id)
	if err != nil {
		return nil, err
	}
	c := &cachedVersion{v: *v, refs: refs, textIDs: distinctTextIDs(v.Blocks, refs.blocks)}
	db.cache.versions.Set(docID, c.v.ID, c)
	return c, nil
}

// insertVersion stores a new version by reference to its texts, adding the
// texts not stored yet, and extends the search index. prev is the
// document's latest version before this one (nil for its first): the search
// index entries are relative to it, and its text ids are already learned,
// so that only new clauses cost a query.
func (db *DB) insertVersion(ctx context.Context, tx *sql.Tx, f Fetch, snap *Snapshot, p *preparedVersion, prev *cachedVersion) (*cachedVersion, error) {
	snapshotID := snap.ID
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
	blocks, err := blocklist.Encode(p.doc.Blocks, refs.blocks, refs.paths)
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
			SHA256: p.sha256, Text: p.text, TextLength: len(p.text), Blocks: p.doc.Blocks, SnapshotSHA256: snap.SHA256,
			Source: Source{URL: snap.URL, Provenance: snap.Provenance},
		},
		refs:    refs,
		textIDs: textIDs,
	}, nil
}

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

// LatestVersionInfo returns the document's latest version (by fetch time,
// then id) without its text and blocks, or ErrNotFound when it has none
// yet: enough for the gates (its length) and to tell whether a candidate is
// new (its sha256) before paying for the text.
func (db *DB) LatestVersionInfo(ctx context.Context, docID string) (*Version, error) {
	h, err := latestHead(ctx, db.stmtsOn(nil), docID)
	if err == nil && h == nil {
		err = ErrNotFound
	}
	var v *Version
	if err == nil {
		v, err = loadVersion(ctx, db.stmtsOn(nil), h.id, false)
	}
	if err != nil {
		return nil, fmt.Errorf("data: latest version of %s: %w", docID, err)
	}
	return v, nil
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

// loadVersion reads a version; with full it also rebuilds the blocks and the
// canonical text from the texts they refer to.
// versionNumber is the SQL expression of Version.Number for the version
// row v: its place among its document's versions, in the order they are
// recorded (fetched_at, id), which the versions_by_document index answers.
const versionNumber = `(SELECT count(*) FROM versions p WHERE p.document_id = v.document_id AND (p.fetched_at, p.id) <= (v.fetched_at, v.id))`

// versionHeadQuery reads a version without its blocks, numbered.
const versionHeadQuery = `SELECT v.id, ` + versionNumber + `, v.document_id, v.snapshot_id, v.fetched_at, v.sha256, v.text_length, s.sha256, ` + sourceColumns + `
FROM versions v JOIN snapshots s ON s.id = v.snapshot_id WHERE v.id = ?`

func loadVersion(ctx context.Context, q queryer, id int64, full bool) (*Version, error) {
	if full {
		v, _, err := loadFullVersion(ctx, q, id)
		return v, err
	}
	var v Version
	var at string
	err := q.QueryRowContext(ctx, versionHeadQuery, id).Scan(append([]any{&v.ID, &v.Number, &v.DocumentID, &v.SnapshotID, &at, &v.SHA256, &v.TextLength, &v.SnapshotSHA256}, v.Source.dest()...)...)
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
	const query = `SELECT v.id, ` + versionNumber + `, v.document_id, v.snapshot_id, v.fetched_at, v.sha256, s.sha256, v.text_length, v.blocks, ` + sourceColumns + `
FROM versions v JOIN snapshots s ON s.id = v.snapshot_id WHERE v.id = ?`
	var v Version
	var at string
	var stored []byte
	err := q.QueryRowContext(ctx, query, id).Scan(append([]any{&v.ID, &v.Number, &v.DocumentID, &v.SnapshotID, &at, &v.SHA256, &v.SnapshotSHA256, &v.TextLength, &stored}, v.Source.dest()...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, textRefs{}, ErrNotFound
	}
	if err != nil {
		return nil, textRefs{}, fmt.Errorf("load version %d: %w", id, err)
	}
	if v.FetchedAt, err = parseTime(at); err != nil {
		return nil, textRefs{}, err
	}
	list, err := blocklist.Decode(stored)
	if err != nil {
		return nil, textRefs{}, fmt.Errorf("blocks of version %d: %w: %w", id, errCorrupt, err)
	}
	var ids textRefs
	v.Blocks, v.Text, ids, err = resolveBlocks(ctx, q, list)
	if err != nil {
		return nil, textRefs{}, fmt.Errorf("blocks of version %d: %w", id, err)
	}
	if len(v.Text) != v.TextLength || policy.HashText(v.Text) != v.SHA256 {
		return nil, textRefs{}, fmt.Errorf("version %d: rebuilt text does not match its sha256 %s: %w", id, v.SHA256, errCorrupt)
	}
	return &v, ids, nil
}

// Document returns the version's blocks as a document, to compare it with
// another version.
func (v *Version) Document() policy.Document { return policy.Document{Blocks: v.Blocks} }

// VersionInfo returns a version without its text and blocks, or
// ErrNotFound: enough to link to it and cite its snapshot.
func (db *DB) VersionInfo(ctx context.Context, id int64) (*Version, error) {
	v, err := loadVersion(ctx, db.sql, id, false)
	if err != nil {
		return nil, fmt.Errorf("data: version %d: %w", id, err)
	}
	return v, nil
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

// VersionEntry is a version as listings show it: its metadata (no text)
// with the change that produced it, so that a reader sees at a glance which
// versions matter, and the effective date the version states.
type VersionEntry struct {
	Version
	// Change produced the version, without its change set; nil for a
	// document's first version.
	Change *Change
	// EffectiveDate is the date the version states (YYYY-MM-DD), "" when it
	// states none or when it is unknown (a single version with no change).
	EffectiveDate string
}

// versionEntryQuery selects the listing columns of a document's versions
// (?1) with the change that produced each; the callers add the order.
// Every change column is coalesced: a first version has no change.
const versionEntryQuery = `SELECT v.id, v.document_id, v.snapshot_id, v.fetched_at, v.sha256, v.text_length, s.sha256, ` + sourceColumns + `,
    coalesce(c.id, 0), coalesce(c.document_id, ''), coalesce(c.from_version, 0), coalesce(c.to_version, 0),
    coalesce(c.detected_at, ''), coalesce(c.material, 0), coalesce(c.topics, '[]'), coalesce(c.severity, ''),
    coalesce(c.classifier_version, ''), coalesce(c.added, 0), coalesce(c.removed, 0), coalesce(c.modified, 0),
    coalesce(c.moved, 0), coalesce(c.split, 0), coalesce(c.merged, 0), coalesce(c.unchanged, 0),
    coalesce(c.effective_old, ''), coalesce(c.effective_new, ''), coalesce(c.alert, 0), coalesce(c.sharing, '[]'), coalesce(c.state, ''), coalesce(c.capture, ''), ''
FROM versions v
JOIN snapshots s ON s.id = v.snapshot_id
LEFT JOIN changes c ON c.to_version = v.id
WHERE v.document_id = ?1`

// scanVersionEntries reads the rows of versionEntryQuery, leaving Number
// and the stated date of a first version to the caller.
func scanVersionEntries(rows *sql.Rows) ([]VersionEntry, error) {
	defer rows.Close()
	out := []VersionEntry{}
	for rows.Next() {
		var e VersionEntry
		var at string
		var r changeRow
		dest := append(append([]any{&e.ID, &e.DocumentID, &e.SnapshotID, &at, &e.SHA256, &e.TextLength, &e.SnapshotSHA256}, e.Source.dest()...), r.dest()...)
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		var err error
		if e.FetchedAt, err = parseTime(at); err != nil {
			return nil, err
		}
		if r.c.ID != 0 {
			if e.Change, err = r.change(); err != nil {
				return nil, err
			}
			e.EffectiveDate = e.Change.EffectiveDate.New
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Versions lists a document's versions, oldest first, each with the change
// that produced it, in one query. It returns an empty list for a document
// without versions; callers check that the document exists. A document may
// have thousands of versions: listings page through them (VersionsPage).
func (db *DB) Versions(ctx context.Context, docID string) ([]VersionEntry, error) {
	rows, err := db.sql.QueryContext(ctx, versionEntryQuery+` ORDER BY v.fetched_at, v.id`, docID)
	if err != nil {
		return nil, fmt.Errorf("data: versions of %s: %w", docID, err)
	}
	out, err := scanVersionEntries(rows)
	if err != nil {
		return nil, fmt.Errorf("data: versions of %s: %w", docID, err)
	}
	for i := range out {
		out[i].Number = i + 1 // the listing is oldest first
	}
	// A first version learns the date it states from the change after it.
	for i := range out {
		if out[i].Change == nil && i+1 < len(out) && out[i+1].Change != nil {
			out[i].EffectiveDate = out[i+1].Change.EffectiveDate.Old
		}
	}
	return out, nil
}

// VersionPage selects one page of a document's versions. The zero value
// (with a Limit) is the first page, oldest first.
type VersionPage struct {
	// NewestFirst lists from the latest version backwards, as the
	// timeline does; otherwise the versions come oldest first.
	NewestFirst bool
	// After is the cursor of the next page: the page starts after version
	// After in the page's order. 0 starts at the beginning; an id that is
	// not one of the document's versions selects nothing.
	After int64
	// Until keeps the versions fetched at or before it, zero for any: the
	// page newest first from Until is the document as it stood then.
	Until time.Time
	// Limit is the page size; it must be positive.
	Limit int
}

// versionsPageQuery lists a page of versionEntryQuery from
// versions_by_document in order: ?2 is the cursor version when after is
// set, ?3 the latest fetch time when until is set, and ?4 the limit; the
// four are always given.
func versionsPageQuery(newestFirst, after, until bool) string {
	q := versionEntryQuery
	if until {
		q += ` AND v.fetched_at <= ?3`
	}
	cmp, order := `>`, ` ORDER BY v.fetched_at, v.id`
	if newestFirst {
		cmp, order = `<`, ` ORDER BY v.fetched_at DESC, v.id DESC`
	}
	if after {
		q += ` AND (v.fetched_at, v.id) ` + cmp + ` (SELECT a.fetched_at, a.id FROM versions a WHERE a.id = ?2 AND a.document_id = ?1)`
	}
	return q + order + ` LIMIT ?4`
}

// versionNumberQuery numbers one version (?1): see versionNumber.
const versionNumberQuery = `SELECT ` + versionNumber + ` FROM versions v WHERE v.id = ?`

// changeOutQuery finds the change out of version ?2 of document ?1, which
// tells the date a first version states.
const changeOutQuery = `SELECT effective_old FROM changes WHERE document_id = ?1 AND from_version = ?2 ORDER BY detected_at, id LIMIT 1`

// VersionsPage lists one page of a document's versions, each with the
// change that produced it, and reports whether more follow: the next page
// starts after the last one returned (VersionPage.After). The version
// numbers are counted once, for the first row of the page.
func (db *DB) VersionsPage(ctx context.Context, docID string, p VersionPage) ([]VersionEntry, bool, error) {
	if p.Limit <= 0 {
		return nil, false, fmt.Errorf("data: versions of %s: limit %d: want a positive page size", docID, p.Limit)
	}
	var until any
	if !p.Until.IsZero() {
		until = formatTime(p.Until)
	}
	args := []any{docID, p.After, until, p.Limit + 1}
	rows, err := db.sql.QueryContext(ctx, versionsPageQuery(p.NewestFirst, p.After != 0, until != nil), args...)
	if err != nil {
		return nil, false, fmt.Errorf("data: versions of %s: %w", docID, err)
	}
	out, err := scanVersionEntries(rows)
	if err != nil {
		return nil, false, fmt.Errorf("data: versions of %s: %w", docID, err)
	}
	more := len(out) > p.Limit
	if more {
		out = out[:p.Limit]
	}
	if len(out) == 0 {
		return out, more, nil
	}
	var n int
	if err := db.sql.QueryRowContext(ctx, versionNumberQuery, out[0].ID).Scan(&n); err != nil {
		return nil, false, fmt.Errorf("data: versions of %s: number: %w", docID, err)
	}
	step := 1
	if p.NewestFirst {
		step = -1
	}
	for i := range out {
		out[i].Number = n + i*step
		// Only a first version has no change; it learns the date it
		// states from the change after it.
		if out[i].Change == nil {
			err := db.sql.QueryRowContext(ctx, changeOutQuery, docID, out[i].ID).Scan(&out[i].EffectiveDate)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return nil, false, fmt.Errorf("data: versions of %s: stated date: %w", docID, err)
			}
		}
	}
	return out, more, nil
}

// VersionSpan counts a document's versions and says when the first was
// fetched (zero without versions), from versions_by_document alone: a
// paged listing states the whole history's size.
func (db *DB) VersionSpan(ctx context.Context, docID string) (int, time.Time, error) {
	var n int
	var first string
	err := db.sql.QueryRowContext(ctx, versionSpanQuery, docID).Scan(&n, &first)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("data: versions of %s: count: %w", docID, err)
	}
	if first == "" {
		return n, time.Time{}, nil
	}
	t, err := parseTime(first)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("data: versions of %s: count: %w", docID, err)
	}
	return n, t, nil
}

const versionSpanQuery = `SELECT count(*), coalesce(min(fetched_at), '') FROM versions WHERE document_id = ?`

// inEffectQuery finds the latest version of document ?1 whose stated
// effective date (?2 is today, YYYY-MM-DD) has come, from the change that
// produced it; failing that, the first version, whose date is stated by
// the change after it. It searches changes_by_document backwards.
const inEffectQuery = `SELECT id, date FROM (
    SELECT to_version AS id, effective_new AS date, 1 AS k FROM (SELECT to_version, effective_new FROM changes
        WHERE document_id = ?1 AND effective_new <> '' AND effective_new <= ?2 ORDER BY detected_at DESC, id DESC LIMIT 1)
    UNION ALL
    SELECT from_version, effective_old, 2 FROM (SELECT from_version, effective_old FROM changes
        WHERE document_id = ?1 AND from_version = (SELECT v.id FROM versions v WHERE v.document_id = ?1 ORDER BY v.fetched_at, v.id LIMIT 1)
        ORDER BY detected_at, id LIMIT 1)
    WHERE effective_old <> '' AND effective_old <= ?2
) ORDER BY k LIMIT 1`

// VersionInEffect returns the latest version of a document whose stated
// effective date has come by today (YYYY-MM-DD), without its text, with
// that date; ErrNotFound when no version states one that has come.
func (db *DB) VersionInEffect(ctx context.Context, docID, today string) (*VersionEntry, error) {
	var id int64
	var date string
	err := db.sql.QueryRowContext(ctx, inEffectQuery, docID, today).Scan(&id, &date)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("data: version of %s in effect: %w", docID, err)
	}
	v, err := loadVersion(ctx, db.sql, id, false)
	if err != nil {
		return nil, fmt.Errorf("data: version of %s in effect: %w", docID, err)
	}
	return &VersionEntry{Version: *v, EffectiveDate: date}, nil
}
