package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/clausewatch/clausewatch/diff"
)

// Change is the difference between two consecutive versions of a document.
// ChangeSet holds the JSON of the diff.ChangeSet, stored once so that pages
// and alerts never recompute it; its classification, summary and effective
// dates are stored beside it as columns, so that listings read them without
// the change set.
type Change struct {
	ID          int64
	DocumentID  string
	FromVersion int64
	ToVersion   int64
	DetectedAt  time.Time // when the fetch that saw the new version started
	Material    bool
	Topics      []string
	Severity    diff.Severity
	// Alert says whether subscribers of the change's topics are told (for
	// imported history: would have been). It is false until the change has
	// settled, and for capture variations.
	Alert bool
	// State says whether the change has settled: its text seen again, so
	// that a page flipping back and forth alerts nobody.
	State ChangeState
	// Capture is diff.Presentation or diff.Variation for a change that only
	// showed or hid part of the page, "" for an edit.
	Capture string
	// Sharing lists the differences in who gets which data.
	Sharing []diff.SharingDelta
	// Summary counts the clause changes; EffectiveDate is the date each
	// version states.
	Summary       diff.Summary
	EffectiveDate diff.Dates
	// ChangeSet is left nil by listings that do not ask for it
	// (ChangeFilter.ChangeSets).
	ChangeSet json.RawMessage
	// ClassifierVersion names the rules that produced the classification.
	ClassifierVersion string
}

// Outline is the change set as the change's columns give it, without
// reading it: what a headline or a listing needs (labels.Headline).
func (c *Change) Outline() diff.ChangeSet {
	return diff.ChangeSet{Material: c.Material, Topics: c.Topics, Severity: c.Severity, Alert: c.Alert,
		Summary: c.Summary, EffectiveDate: c.EffectiveDate, Sharing: c.Sharing, Capture: c.Capture}
}

// ChangeState is where a change stands between being seen once and being
// told to subscribers.
type ChangeState string

// States of a change.
const (
	// Settling: seen once; it alerts when the pipeline sees its text again
	// (Observation.Settle).
	Settling ChangeState = "settling"
	// Settled: confirmed; its alerts, if any, are queued.
	Settled ChangeState = "settled"
	// Transient: replaced by another version before it settled; it never
	// alerts.
	Transient ChangeState = "transient"
)

// classification is a change set as stored: the columns a listing reads and
// the change set's JSON.
type classification struct {
	topics    string // JSON array, never null
	sharing   string // JSON array, never null
	changeSet string
}

func encodeClassification(cs diff.ChangeSet) (classification, error) {
	topics := cs.Topics
	if topics == nil {
		topics = []string{}
	}
	tj, err := json.Marshal(topics)
	if err != nil {
		return classification{}, fmt.Errorf("encode topics: %w", err)
	}
	sharing := cs.Sharing
	if sharing == nil {
		sharing = []diff.SharingDelta{}
	}
	sj, err := json.Marshal(sharing)
	if err != nil {
		return classification{}, fmt.Errorf("encode sharing: %w", err)
	}
	csj, err := json.Marshal(cs)
	if err != nil {
		return classification{}, fmt.Errorf("encode change set: %w", err)
	}
	return classification{topics: string(tj), sharing: string(sj), changeSet: string(csj)}, nil
}

// insertChange stores the change in state and, when alerts is set and the
// change alerts (cs.Alert) and is settled, queues its deliveries in the same
// transaction (the outbox), so that a recorded change is never left without
// its alerts nor alerted twice. A settling change queues them when it
// settles (settleChange).
func (db *DB) insertChange(ctx context.Context, tx *sql.Tx, f Fetch, from, to int64, cs diff.ChangeSet, classifier string, state ChangeState, alerts bool) (*Change, error) {
	enc, err := encodeClassification(cs)
	if err != nil {
		return nil, err
	}
	var settledAt any
	if state == Settled {
		settledAt = formatTime(db.now())
	}
	alert := cs.Alert && state == Settled
	const ins = `INSERT INTO changes (document_id, from_version, to_version, detected_at, material, topics, severity, change_set, classifier_version, recorded_at,
    added, removed, modified, moved, split, merged, unchanged, effective_old, effective_new, alert, sharing, state, capture, settled_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	s := cs.Summary
	r, err := db.stmtsOn(tx).ExecContext(ctx, ins, f.DocumentID, from, to, formatTime(f.StartedAt), cs.Material, enc.topics, cs.Severity, enc.changeSet, classifier, formatTime(db.now()),
		s.Added, s.Removed, s.Modified, s.Moved, s.Split, s.Merged, s.Unchanged, cs.EffectiveDate.Old, cs.EffectiveDate.New, alert, enc.sharing, state, cs.Capture, settledAt)
	if err != nil {
		return nil, fmt.Errorf("insert change %d -> %d: %w", from, to, err)
	}
	id, err := r.LastInsertId()
	if err != nil {
		return nil, fmt.Errorf("insert change %d -> %d: %w", from, to, err)
	}
	if alerts && alert {
		if err := enqueueAlerts(ctx, tx, id, f.DocumentID, enc.topics, db.now()); err != nil {
			return nil, err
		}
	}
	topics := cs.Topics
	if topics == nil {
		topics = []string{}
	}
	sharing := cs.Sharing
	if sharing == nil {
		sharing = []diff.SharingDelta{}
	}
	return &Change{
		ID: id, DocumentID: f.DocumentID, FromVersion: from, ToVersion: to, DetectedAt: f.StartedAt,
		Material: cs.Material, Topics: topics, Severity: cs.Severity, Alert: alert, Sharing: sharing,
		State: state, Capture: cs.Capture, Summary: cs.Summary, EffectiveDate: cs.EffectiveDate,
		ChangeSet: json.RawMessage(enc.changeSet), ClassifierVersion: classifier,
	}, nil
}

// settleChange settles change id of document docID if it is still settling
// and its version is still the latest (head): it then alerts as its change
// set says (diff.ChangeSet.Alert), and, when alerts is set, its deliveries
// are queued in this transaction. It reports whether it settled the change.
func (db *DB) settleChange(ctx context.Context, tx *sql.Tx, docID string, id, head int64, alerts bool) (bool, error) {
	const upd = `UPDATE changes SET state = 'settled', settled_at = ?, alert = coalesce(json_extract(change_set, '$.alert'), 0)
WHERE id = ? AND document_id = ? AND to_version = ? AND state = 'settling'
RETURNING alert, topics`
	var alert bool
	var topics string
	err := tx.QueryRowContext(ctx, upd, formatTime(db.now()), id, docID, head).Scan(&alert, &topics)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("settle change %d: %w", id, err)
	}
	if alerts && alert {
		if err := enqueueAlerts(ctx, tx, id, docID, topics, db.now()); err != nil {
			return false, err
		}
	}
	return true, nil
}

// SettlingChange returns the document's change that is still settling, or
// ErrNotFound when none is. There is at most one: a new version makes the
// one before it transient.
func (db *DB) SettlingChange(ctx context.Context, docID string) (*Change, error) {
	c, err := scanChange(db.stmtsOn(nil).QueryRowContext(ctx, `SELECT `+changeColumns+`, '' FROM changes
WHERE document_id = ? AND state = 'settling' ORDER BY detected_at DESC, id DESC LIMIT 1`, docID))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("data: settling change of %s: %w", docID, err)
	}
	return c, nil
}

// severityRankSQL ranks the severity column as diff.Severity.Rank does, so
// that an "at least high" filter runs in the query; unknown values rank -1.
// It is written from diff.Severities so that the order has one home.
func severityRankSQL() string {
	var b strings.Builder
	b.WriteString("(CASE severity")
	for _, s := range diff.Severities() {
		fmt.Fprintf(&b, " WHEN '%s' THEN %d", s, s.Rank())
	}
	b.WriteString(" ELSE -1 END)")
	return b.String()
}

// ChangeFilter selects and orders changes. The zero value selects every
// change, oldest first, without change sets; each field narrows the
// selection and its zero value leaves it alone.
type ChangeFilter struct {
	DocumentID string // "" for every document
	// Topic keeps the changes whose topics include it; "" for any.
	Topic string
	// Severity keeps the changes at least this severe (diff.Severity.Rank);
	// "" for any. An unknown severity selects nothing.
	Severity diff.Severity
	// Material keeps only material changes (cosmetic ones are noise to a
	// reader); false keeps both.
	Material bool
	// Published keeps only the changes readers are told about in feeds:
	// settled, and not capture variations.
	Published bool
	// Since keeps the changes detected at or after it; zero for any.
	Since time.Time
	// Before keeps the changes listed after change Before in newest-first
	// order (detected earlier, or at the same time with a smaller id): the
	// cursor of the next page. 0 for none; an unknown id selects nothing.
	Before int64
	// Limit keeps only the most recent Limit changes; 0 or less means no
	// limit.
	Limit int
	// NewestFirst lists the changes from the latest backwards, as feeds
	// and the API page through them; otherwise they come oldest first.
	NewestFirst bool
	// ChangeSets reads each change's stored change set too: pages that
	// show the clauses need it, listings do not (a rewrite's change set is
	// hundreds of kilobytes).
	ChangeSets bool
	// after keeps the changes listed after change after in oldest-first
	// order, and page reads at most that many in the filter's own order:
	// EachChange's cursor and page.
	after int64
	page  int
}

// byTopic says whether the listing reads the topic's rows of
// change_topics, in their order, and each of their changes: a topic
// across all documents. A document's changes are few, and are read from
// its own index, each checked against change_topics.
func (f ChangeFilter) byTopic() bool { return f.Topic != "" && f.DocumentID == "" }

// where returns the SQL condition (with a leading " WHERE", or "") and its
// arguments for the filter, without Limit. By topic, the time and the
// cursor are those of the change_topics row t, so that its index bounds
// them.
func (f ChangeFilter) where() (string, []any) {
	var conds []string
	var args []any
	at, key := `detected_at`, `(detected_at, id)`
	if f.byTopic() {
		at, key = `t.at`, `(t.at, t.change_id)`
		conds = append(conds, `t.topic = ?`)
		args = append(args, f.Topic)
	}
	if f.DocumentID != "" {
		conds = append(conds, `document_id = ?`)
		args = append(args, f.DocumentID)
		if f.Topic != "" {
			conds = append(conds, `EXISTS (SELECT 1 FROM change_topics AS t WHERE t.topic = ? AND t.at = changes.detected_at AND t.change_id = changes.id)`)
			args = append(args, f.Topic)
		}
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
	if f.Published {
		conds = append(conds, `state = 'settled' AND capture <> '`+diff.Variation+`'`)
	}
	if !f.Since.IsZero() {
		conds = append(conds, at+` >= ?`)
		args = append(args, formatTime(f.Since))
	}
	if f.Before != 0 {
		conds = append(conds, key+` < (SELECT c.detected_at, c.id FROM changes AS c WHERE c.id = ?)`)
		args = append(args, f.Before)
	}
	if f.after != 0 {
		conds = append(conds, key+` > (SELECT c.detected_at, c.id FROM changes AS c WHERE c.id = ?)`)
		args = append(args, f.after)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return ` WHERE ` + strings.Join(conds, ` AND `), args
}

// query returns the SQL of Changes for the filter and its arguments; a
// page (Limit) reads one more row than asked, to tell whether more follow.
func (f ChangeFilter) query() (string, []any) {
	where, args := f.where()
	cols := changeColumns + `, ''`
	if f.ChangeSets {
		cols = changeColumns + `, change_set`
	}
	from, at, id := ` FROM changes`, `detected_at`, `id`
	if f.byTopic() {
		from, at, id = ` FROM change_topics AS t JOIN changes ON changes.id = t.change_id`, `t.at`, `t.change_id`
	}
	q := `SELECT ` + cols + from + where
	if f.Limit > 0 || f.NewestFirst {
		q += ` ORDER BY ` + at + ` DESC, ` + id + ` DESC`
	} else {
		q += ` ORDER BY ` + at + `, ` + id
	}
	switch {
	case f.Limit > 0:
		q += ` LIMIT ?`
		args = append(args, f.Limit+1)
	case f.page > 0:
		q += ` LIMIT ?`
		args = append(args, f.page)
	}
	return q, args
}

// changeColumns are the columns scanChange reads before a change set.
const changeColumns = `id, document_id, from_version, to_version, detected_at, material, topics, severity, classifier_version,
    added, removed, modified, moved, split, merged, unchanged, effective_old, effective_new, alert, sharing, state, capture`

// Changes returns the changes f selects, in f's order, and whether more
// changes than f.Limit matched: the next page starts after the last one
// returned (ChangeFilter.Before).
func (db *DB) Changes(ctx context.Context, f ChangeFilter) ([]Change, bool, error) {
	out, err := db.readChanges(ctx, f)
	if err != nil {
		return nil, false, fmt.Errorf("data: list changes: %w", err)
	}
	more := f.Limit > 0 && len(out) > f.Limit
	if more {
		out = out[:f.Limit]
	}
	if f.Limit > 0 && !f.NewestFirst {
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
	}
	return out, more, nil
}

// EachChange calls fn with each change f selects, oldest first (newest
// first with f.NewestFirst), and stops at fn's first error, which it
// returns as it is. It reads them a page at a time, and calls fn once a
// page is read, so that a caller going through a whole history (the
// change sets of a document, every change of the database) holds one page
// in memory and no read open while it writes its output. f.Limit must be
// 0: a page is what Changes is for.
func (db *DB) EachChange(ctx context.Context, f ChangeFilter, fn func(*Change) error) error {
	if f.Limit > 0 {
		return errors.New("data: each change: a limit is not supported; use Changes")
	}
	switch {
	case f.page > 0: // set by a test
	case f.ChangeSets:
		f.page = changeSetsPerPage
	default:
		f.page = changesPerPage
	}
	for {
		page, err := db.readChanges(ctx, f)
		if err != nil {
			return fmt.Errorf("data: each change: %w", err)
		}
		for i := range page {
			if err := fn(&page[i]); err != nil {
				return err
			}
		}
		if len(page) < f.page {
			return nil
		}
		if last := page[len(page)-1].ID; f.NewestFirst {
			f.Before = last
		} else {
			f.after = last
		}
	}
}

// changesPerPage and changeSetsPerPage are EachChange's pages, without and
// with change sets (one can be hundreds of kilobytes).
const (
	changesPerPage    = 500
	changeSetsPerPage = 16
)

// readChanges runs f's query and returns its rows, in the query's order
// (newest first when f has a Limit; Changes puts those back).
func (db *DB) readChanges(ctx context.Context, f ChangeFilter) ([]Change, error) {
	q, args := f.query()
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		c, err := scanChange(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}

// Change returns one change with its change set, or ErrNotFound.
func (db *DB) Change(ctx context.Context, id int64) (*Change, error) {
	c, err := scanChange(db.sql.QueryRowContext(ctx, `SELECT `+changeColumns+`, change_set FROM changes WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("data: change %d: %w", id, err)
	}
	return c, nil
}

type scanner interface{ Scan(dest ...any) error }

// scanChange reads changeColumns and a change set ("" for none).
func scanChange(s scanner) (*Change, error) {
	var r changeRow
	if err := s.Scan(r.dest()...); err != nil {
		return nil, err
	}
	return r.change()
}

// changeRow is a change as scanned, before its text columns are decoded.
type changeRow struct {
	c                              Change
	at, topics, sharing, changeSet string
}

// dest returns the scan destinations of changeColumns and a change set.
func (r *changeRow) dest() []any {
	c, m := &r.c, &r.c.Summary
	return []any{&c.ID, &c.DocumentID, &c.FromVersion, &c.ToVersion, &r.at, &c.Material, &r.topics, &c.Severity, &c.ClassifierVersion,
		&m.Added, &m.Removed, &m.Modified, &m.Moved, &m.Split, &m.Merged, &m.Unchanged, &c.EffectiveDate.Old, &c.EffectiveDate.New,
		&c.Alert, &r.sharing, &c.State, &c.Capture, &r.changeSet}
}

func (r *changeRow) change() (*Change, error) {
	c := r.c
	var err error
	if c.DetectedAt, err = parseTime(r.at); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(r.topics), &c.Topics); err != nil {
		return nil, fmt.Errorf("decode topics of change %d: %w", c.ID, err)
	}
	if err := json.Unmarshal([]byte(r.sharing), &c.Sharing); err != nil {
		return nil, fmt.Errorf("decode sharing of change %d: %w", c.ID, err)
	}
	if r.changeSet != "" {
		c.ChangeSet = json.RawMessage(r.changeSet)
	}
	return &c, nil
}

// ChangeExists reports whether a change with id is stored, without reading
// it: enough to check a cursor.
func (db *DB) ChangeExists(ctx context.Context, id int64) (bool, error) {
	var one int
	err := db.sql.QueryRowContext(ctx, `SELECT 1 FROM changes WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("data: change %d exists: %w", id, err)
	}
	return true, nil
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

// ChangesNotClassifiedBy returns the changes whose stored classification was
// made by other rules than classifier, oldest first, without their change
// sets: the work list of a reclassification.
func (db *DB) ChangesNotClassifiedBy(ctx context.Context, classifier string) ([]Change, error) {
	const q = `SELECT id, document_id, from_version, to_version, classifier_version
FROM changes WHERE classifier_version <> ? ORDER BY id`
	rows, err := db.sql.QueryContext(ctx, q, classifier)
	if err != nil {
		return nil, fmt.Errorf("data: changes to classify with %s: %w", classifier, err)
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		if err := rows.Scan(&c.ID, &c.DocumentID, &c.FromVersion, &c.ToVersion, &c.ClassifierVersion); err != nil {
			return nil, fmt.Errorf("data: changes to classify with %s: %w", classifier, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("data: changes to classify with %s: %w", classifier, err)
	}
	return out, nil
}

// UpdateClassification replaces a stored change's diff, topics, severity
// and capture kind with cs, classified by classifier. Its id, versions and
// state stay (it alerts only if settled), and no delivery is queued:
// deliveries are enqueued only when a change is first recorded or settles,
// so nobody is alerted again (invariant 5).
func (db *DB) UpdateClassification(ctx context.Context, id int64, cs diff.ChangeSet, classifier string) error {
	enc, err := encodeClassification(cs)
	if err != nil {
		return fmt.Errorf("data: update change %d: %w", id, err)
	}
	const upd = `UPDATE changes SET material = ?, topics = ?, severity = ?, change_set = ?, classifier_version = ?,
    added = ?, removed = ?, modified = ?, moved = ?, split = ?, merged = ?, unchanged = ?, effective_old = ?, effective_new = ?,
    alert = ? AND state = 'settled', sharing = ?, capture = ?
WHERE id = ?`
	s := cs.Summary
	err = db.write(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, upd, cs.Material, enc.topics, cs.Severity, enc.changeSet, classifier,
			s.Added, s.Removed, s.Modified, s.Moved, s.Split, s.Merged, s.Unchanged, cs.EffectiveDate.Old, cs.EffectiveDate.New,
			cs.Alert, enc.sharing, cs.Capture, id)
		if err != nil {
			return err
		}
		if n, err := r.RowsAffected(); err == nil && n == 0 {
			return ErrNotFound
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("data: update change %d: %w", id, err)
	}
	return nil
}
