package data

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/clausewatch/clausewatch/diff"
)

// TestChangeColumns checks that a listing without change sets says what
// decoding each whole change set says: its summary and effective dates are
// stored as columns when a change is recorded, and filled from the change
// sets for a database migrated in place (0005_change_columns).
func TestChangeColumns(t *testing.T) {
	ctx := context.Background()
	db := pagedHistory(t)
	// A change set stored with its clauses first and an effective date, as
	// a hand-written or foreign row may be.
	if _, err := db.sql.Exec(`UPDATE changes SET change_set = '{"changes":[],"material":true,"summary":{"added":7,"unchanged":3},"effective_date":{"old":"2021-01-04","new":"2022-02-02"}}' WHERE id = 4`); err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T, db *DB) {
		t.Helper()
		full, _, err := db.Changes(ctx, ChangeFilter{ChangeSets: true})
		if err != nil {
			t.Fatal(err)
		}
		list, _, err := db.Changes(ctx, ChangeFilter{})
		if err != nil || len(list) != len(full) {
			t.Fatalf("%d changes listed (%v), %d with change sets", len(list), err, len(full))
		}
		for i, c := range full {
			var cs diff.ChangeSet
			if err := json.Unmarshal(c.ChangeSet, &cs); err != nil {
				t.Fatal(err)
			}
			if l := list[i]; l.ChangeSet != nil || l.Summary != cs.Summary || l.EffectiveDate != cs.EffectiveDate {
				t.Errorf("change %d listed with summary %+v, dates %+v, change set %q; its change set says %+v, %+v",
					l.ID, l.Summary, l.EffectiveDate, l.ChangeSet, cs.Summary, cs.EffectiveDate)
			}
		}
	}
	// Recorded changes carry their columns; the hand-written row does not
	// yet (it was written behind storage's back).
	if _, err := db.sql.Exec(`UPDATE changes SET added = 7, removed = 0, modified = 0, moved = 0, split = 0, merged = 0, unchanged = 3, effective_old = '2021-01-04', effective_new = '2022-02-02' WHERE id = 4`); err != nil {
		t.Fatal(err)
	}
	check(t, db)

	// A database from before the columns: drop them and migrate again.
	path := db.Path()
	for _, col := range []string{"added", "removed", "modified", "moved", "split", "merged", "unchanged", "effective_old", "effective_new"} {
		if _, err := db.sql.Exec(`ALTER TABLE changes DROP COLUMN ` + col); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.sql.Exec(`DELETE FROM schema_migrations WHERE version = 5`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	check(t, openAt(t, path))
}
