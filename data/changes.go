package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/clausewatch/clausewatch/diff"
)

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

// UpdateClassification replaces a stored change's diff, topics and severity
// with cs, classified by classifier. Its id and versions stay, and no
// delivery is queued: deliveries are enqueued only when a change is first
// recorded, so nobody is alerted again (invariant 5).
func (db *DB) UpdateClassification(ctx context.Context, id int64, cs diff.ChangeSet, classifier string) error {
	topics := cs.Topics
	if topics == nil {
		topics = []string{}
	}
	tj, err := json.Marshal(topics)
	if err != nil {
		return fmt.Errorf("data: update change %d: %w", id, err)
	}
	csj, err := json.Marshal(cs)
	if err != nil {
		return fmt.Errorf("data: update change %d: %w", id, err)
	}
	const upd = `UPDATE changes SET material = ?, topics = ?, severity = ?, change_set = ?, classifier_version = ? WHERE id = ?`
	err = db.write(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, upd, cs.Material, string(tj), cs.Severity, string(csj), classifier, id)
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
