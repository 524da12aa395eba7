package data

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/clausewatch/clausewatch/diff"
)

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

// ChangesPage returns up to limit changes selected by f (whose Limit is
// ignored), newest first, and whether more follow: the JSON API and the feeds
// page through changes from the latest backwards, passing the last change's
// id as the next page's f.Before. limit must be positive.
func (db *DB) ChangesPage(ctx context.Context, f ChangeFilter, limit int) ([]Change, bool, error) {
	if limit <= 0 {
		return nil, false, fmt.Errorf("data: page of changes: limit %d must be positive", limit)
	}
	where, args := f.where()
	q := `SELECT ` + changeColumns + ` FROM changes` + where + ` ORDER BY detected_at DESC, id DESC LIMIT ?`
	args = append(args, limit+1)
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, false, fmt.Errorf("data: page of changes: %w", err)
	}
	defer rows.Close()
	out := make([]Change, 0, min(limit, 64))
	for rows.Next() {
		c, err := scanChange(rows)
		if err != nil {
			return nil, false, fmt.Errorf("data: page of changes: %w", err)
		}
		out = append(out, *c)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("data: page of changes: %w", err)
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

// ChangeSummary is a change as a listing shows it: its row without the
// clause list (ChangeSet is nil), with the summary and effective dates of
// its change set.
type ChangeSummary struct {
	Change
	Summary       diff.Summary
	EffectiveDate diff.Dates
}

// ChangeSummariesPage is ChangesPage without the change sets, for the JSON
// API's listing: a page of large changes (a rewrite's change set is hundreds
// of kilobytes) is neither copied into Go nor decoded. Change sets are
// stored with their summary and effective dates first (diff.ChangeSet's
// field order), so only the head of each is read; a change set stored in
// another order (written by hand or by another tool) has its head read by
// SQLite instead.
func (db *DB) ChangeSummariesPage(ctx context.Context, f ChangeFilter, limit int) ([]ChangeSummary, bool, error) {
	if limit <= 0 {
		return nil, false, fmt.Errorf("data: page of change summaries: limit %d must be positive", limit)
	}
	where, args := f.where()
	q := `SELECT id, document_id, from_version, to_version, detected_at, material, topics, severity, classifier_version,
    substr(change_set, 1, ?) FROM changes` + where + ` ORDER BY detected_at DESC, id DESC LIMIT ?`
	args = append([]any{changeSetHeadLen}, args...)
	args = append(args, limit+1)
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, false, fmt.Errorf("data: page of change summaries: %w", err)
	}
	defer rows.Close()
	out := make([]ChangeSummary, 0, min(limit+1, 64))
	var slow []int // indexes in out of change sets whose head is not first
	for rows.Next() {
		var c ChangeSummary
		var at, topics, head string
		if err := rows.Scan(&c.ID, &c.DocumentID, &c.FromVersion, &c.ToVersion, &at, &c.Material, &topics, &c.Severity,
			&c.ClassifierVersion, &head); err != nil {
			return nil, false, fmt.Errorf("data: page of change summaries: %w", err)
		}
		if c.DetectedAt, err = parseTime(at); err != nil {
			return nil, false, fmt.Errorf("data: page of change summaries: %w", err)
		}
		if err := json.Unmarshal([]byte(topics), &c.Topics); err != nil {
			return nil, false, fmt.Errorf("data: page of change summaries: topics of change %d: %w", c.ID, err)
		}
		if c.Summary, c.EffectiveDate, err = ChangeSetHead([]byte(head)); err != nil {
			slow = append(slow, len(out))
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("data: page of change summaries: %w", err)
	}
	rows.Close()
	const full = `SELECT coalesce(json_extract(change_set, '$.summary'), '{}'), coalesce(json_extract(change_set, '$.effective_date'), '{}')
FROM changes WHERE id = ?`
	for _, i := range slow {
		c := &out[i]
		var summary, dates string
		if err := db.sql.QueryRowContext(ctx, full, c.ID).Scan(&summary, &dates); err != nil {
			return nil, false, fmt.Errorf("data: page of change summaries: change set of change %d: %w", c.ID, err)
		}
		if err := json.Unmarshal([]byte(summary), &c.Summary); err != nil {
			return nil, false, fmt.Errorf("data: page of change summaries: summary of change %d: %w", c.ID, err)
		}
		if err := json.Unmarshal([]byte(dates), &c.EffectiveDate); err != nil {
			return nil, false, fmt.Errorf("data: page of change summaries: effective date of change %d: %w", c.ID, err)
		}
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

// changeSetHeadLen is how many characters of a stored change set hold its
// summary and effective dates when they come first, with room to spare.
const changeSetHeadLen = 1024

// ChangeSetHead reads the summary and effective dates of a stored change
// set (or of its first characters), stopping once both are read: listings
// show only these, and the clauses after them make up nearly all of a large
// change set. A complete change set without one of them leaves it zero; it
// fails when the JSON is cut or broken before both are read, as a head cut
// from a change set written in another order is.
func ChangeSetHead(raw []byte) (diff.Summary, diff.Dates, error) {
	var sum diff.Summary
	var dates diff.Dates
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return sum, dates, errors.New("change set head: not a JSON object")
	}
	for found := 0; found < 2; {
		if !dec.More() {
			// The object must end here, not the input: a cut head
			// has no closing brace.
			if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
				return sum, dates, errors.New("change set head: cut before its summary and effective date")
			}
			return sum, dates, nil
		}
		tok, err := dec.Token()
		if err != nil {
			return sum, dates, fmt.Errorf("change set head: %w", err)
		}
		switch tok {
		case "summary":
			err = dec.Decode(&sum)
			found++
		case "effective_date":
			err = dec.Decode(&dates)
			found++
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			return sum, dates, fmt.Errorf("change set head: %w", err)
		}
	}
	return sum, dates, nil
}

// ChangeExists reports whether a change with id is stored, without reading
// its change set: enough to check a cursor.
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

// VersionEntry is a version as a listing shows it: its metadata (no text)
// and the change that led to it, if any, so that a reader sees at a glance
// which versions matter.
type VersionEntry struct {
	Version
	// ChangeID is the change from the previous version; 0 for the first
	// version of a document.
	ChangeID int64
	Material bool
	Topics   []string
	Severity string
}

// DocumentVersions lists a document's versions, oldest first, each with the
// change that produced it, in one query. It returns an empty list for a
// document without versions; callers check that the document exists.
func (db *DB) DocumentVersions(ctx context.Context, docID string) ([]VersionEntry, error) {
	const q = `SELECT v.id, v.document_id, v.snapshot_id, v.fetched_at, v.sha256, s.sha256,
    coalesce(c.id, 0), coalesce(c.material, 0), coalesce(c.topics, '[]'), coalesce(c.severity, '')
FROM versions v
JOIN snapshots s ON s.id = v.snapshot_id
LEFT JOIN changes c ON c.to_version = v.id
WHERE v.document_id = ? ORDER BY v.fetched_at, v.id`
	rows, err := db.sql.QueryContext(ctx, q, docID)
	if err != nil {
		return nil, fmt.Errorf("data: versions of %s: %w", docID, err)
	}
	defer rows.Close()
	out := []VersionEntry{}
	for rows.Next() {
		var e VersionEntry
		var at, topics string
		if err := rows.Scan(&e.ID, &e.DocumentID, &e.SnapshotID, &at, &e.SHA256, &e.SnapshotSHA256,
			&e.ChangeID, &e.Material, &topics, &e.Severity); err != nil {
			return nil, fmt.Errorf("data: versions of %s: %w", docID, err)
		}
		if e.FetchedAt, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("data: versions of %s: %w", docID, err)
		}
		if err := json.Unmarshal([]byte(topics), &e.Topics); err != nil {
			return nil, fmt.Errorf("data: versions of %s: decode topics of change %d: %w", docID, e.ChangeID, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("data: versions of %s: %w", docID, err)
	}
	return out, nil
}

// VersionHead returns one version's metadata without rebuilding its text,
// or ErrNotFound: enough to check which document a version belongs to, or
// to answer a conditional request, before paying for the text.
func (db *DB) VersionHead(ctx context.Context, id int64) (*Version, error) {
	v, err := loadVersion(ctx, db.sql, id, false)
	if err != nil {
		return nil, fmt.Errorf("data: version %d: %w", id, err)
	}
	return v, nil
}
