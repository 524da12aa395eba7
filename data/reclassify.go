package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/clausewatch/clausewatch/diff"
)

// Reclassify recomputes the stored diff of every change not yet classified by
// classifierVersion, from the stored blocks of its two versions, and updates
// the rows in place. Change ids and their from/to versions stay the same, so
// a later outbox keyed by change id does not alert anyone again (invariant 5).
// It returns how many changes it updated.
func (db *DB) Reclassify(ctx context.Context, classifierVersion string) (int, error) {
	n, err := db.reclassify(ctx, classifierVersion)
	if err != nil {
		return n, fmt.Errorf("data: reclassify changes as %q: %w", classifierVersion, err)
	}
	return n, nil
}

func (db *DB) reclassify(ctx context.Context, classifierVersion string) (int, error) {
	if classifierVersion == "" {
		return 0, fmt.Errorf("empty classifier version: name the rules (e.g. the release) so reruns can skip done changes")
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT id, from_version, to_version FROM changes WHERE classifier_version <> ? ORDER BY id`, classifierVersion)
	if err != nil {
		return 0, err
	}
	type todo struct{ id, from, to int64 }
	var list []todo
	for rows.Next() {
		var t todo
		if err := rows.Scan(&t.id, &t.from, &t.to); err != nil {
			rows.Close()
			return 0, err
		}
		list = append(list, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	const upd = `UPDATE changes SET material = ?, topics = ?, severity = ?, change_set = ?, classifier_version = ? WHERE id = ?`
	done := 0
	var cur *Version
	for _, t := range list {
		// One change per transaction: a long rerun never holds the write
		// lock for long, and an interrupted one resumes where it stopped.
		// Consecutive changes share a version: the previous change's new
		// version is this one's old version, already rebuilt.
		old := cur
		var err error
		if old == nil || old.ID != t.from {
			if old, err = loadVersion(ctx, db.sql, t.from, true); err != nil {
				return done, fmt.Errorf("change %d: %w", t.id, err)
			}
		}
		cur, err = loadVersion(ctx, db.sql, t.to, true)
		if err != nil {
			return done, fmt.Errorf("change %d: %w", t.id, err)
		}
		cs := diff.Compare(blocksDoc(old), blocksDoc(cur))
		topics := cs.Topics
		if topics == nil {
			topics = []string{}
		}
		tj, err := json.Marshal(topics)
		if err != nil {
			return done, err
		}
		csj, err := json.Marshal(cs)
		if err != nil {
			return done, err
		}
		err = db.write(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, upd, cs.Material, string(tj), cs.Severity, string(csj), classifierVersion, t.id)
			return err
		})
		if err != nil {
			return done, fmt.Errorf("update change %d: %w", t.id, err)
		}
		done++
	}
	return done, nil
}
