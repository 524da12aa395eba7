package data

import (
	"context"
	"encoding/json"
	"fmt"
)

// severityRankSQL ranks the severity column as SeverityRank does, so that a
// "at least high" filter runs in the query; unknown values rank -1.
const severityRankSQL = `(CASE severity WHEN 'none' THEN 0 WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3 WHEN 'critical' THEN 4 ELSE -1 END)`

// SeverityRank orders the severities a change can have, from "none" (0)
// through "low", "medium" and "high" to "critical" (4), so that a reader can
// ask for changes at least as serious as one of them. It returns -1 for a
// string that is not a severity, which callers use to reject a parameter.
func SeverityRank(severity string) int {
	switch severity {
	case "none":
		return 0
	case "low":
		return 1
	case "medium":
		return 2
	case "high":
		return 3
	case "critical":
		return 4
	}
	return -1
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
