package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
)

// Reclassify recomputes the stored diff, topics and severity of every change
// that the current rules (topics.Version) have not tagged yet, from the
// stored blocks of its two versions, and updates the rows in place. Change
// ids and their from/to versions stay the same, and deliveries are only ever
// enqueued when a change is first recorded, so nobody is alerted again
// (invariant 5). It returns how many changes it updated.
func (db *DB) Reclassify(ctx context.Context) (int, error) {
	n, err := db.reclassify(ctx)
	if err != nil {
		return n, fmt.Errorf("data: reclassify changes with %s: %w", classifierVersion, err)
	}
	return n, nil
}

func (db *DB) reclassify(ctx context.Context) (int, error) {
	const q = `SELECT c.id, c.from_version, c.to_version, d.language
FROM changes c JOIN documents d ON d.id = c.document_id
WHERE c.classifier_version <> ? ORDER BY c.id`
	rows, err := db.sql.QueryContext(ctx, q, classifierVersion)
	if err != nil {
		return 0, err
	}
	type todo struct {
		id, from, to int64
		lang         string
	}
	var list []todo
	for rows.Next() {
		var t todo
		if err := rows.Scan(&t.id, &t.from, &t.to, &t.lang); err != nil {
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
		cs := classifiedChanges(blocksDoc(old), blocksDoc(cur), t.lang)
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
			_, err := tx.ExecContext(ctx, upd, cs.Material, string(tj), string(cs.Severity), string(csj), classifierVersion, t.id)
			return err
		})
		if err != nil {
			return done, fmt.Errorf("update change %d: %w", t.id, err)
		}
		done++
	}
	return done, nil
}
