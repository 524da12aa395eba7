package data

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/diff"
)

// pagedHistory records six versions of "wa" and two of "fb" (changes 1..6
// in detection order, two of "wa" detected at the same instant) and
// classifies them by hand, as the topics classifier would.
func pagedHistory(t *testing.T) *DB {
	t.Helper()
	ctx := context.Background()
	db := openTest(t)
	steps := []struct {
		doc string
		at  time.Duration
	}{{"wa", 0}, {"fb", 0}, {"wa", 1 * time.Hour}, {"fb", 2 * time.Hour}, {"wa", 3 * time.Hour}, {"wa", 4 * time.Hour}, {"wa", 5 * time.Hour}, {"wa", 6 * time.Hour}}
	for i, s := range steps {
		_, err := record(ctx, db, Observation{
			Fetch:    Fetch{DocumentID: s.doc, StartedAt: t0.Add(s.at)},
			Snapshot: &Snapshot{Body: []byte{byte(i)}},
			Document: doc("Clause number " + string(rune('A'+i)) + "."),
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// Changes: 1 wa@1h, 2 fb@2h, 3 wa@3h, 4 wa@4h, 5 wa@5h, 6 wa@6h.
	class := []struct {
		id       int64
		topics   string
		severity string
		material bool
		at       time.Duration
	}{
		{1, `["data-sharing"]`, "high", true, 1 * time.Hour},
		{2, `["data-sharing","retention"]`, "critical", true, 2 * time.Hour},
		{3, `[]`, "none", false, 3 * time.Hour},
		{4, `["retention"]`, "medium", true, 4 * time.Hour},
		{5, `["data-sharing"]`, "low", true, 4 * time.Hour}, // same instant as 4
		{6, `[]`, "low", true, 6 * time.Hour},
	}
	for _, c := range class {
		_, err := db.sql.Exec(`UPDATE changes SET topics = ?, severity = ?, material = ?, detected_at = ? WHERE id = ?`,
			c.topics, c.severity, c.material, formatTime(t0.Add(c.at)), c.id)
		if err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func TestChangesFilters(t *testing.T) {
	ctx := context.Background()
	db := pagedHistory(t)
	tests := []struct {
		name   string
		filter ChangeFilter
		want   []int64 // change ids, newest first
	}{
		{"all, newest first, ties by id", ChangeFilter{}, []int64{6, 5, 4, 3, 2, 1}},
		{"document", ChangeFilter{DocumentID: "fb"}, []int64{2}},
		{"topic", ChangeFilter{Topic: "data-sharing"}, []int64{5, 2, 1}},
		{"topic is matched whole", ChangeFilter{Topic: "data"}, nil},
		{"topic, older page", ChangeFilter{Topic: "data-sharing", Before: 5}, []int64{2, 1}},
		{"topic, after a change of the same instant", ChangeFilter{Topic: "retention", Before: 5}, []int64{4, 2}},
		{"topic since", ChangeFilter{Topic: "data-sharing", Since: t0.Add(2 * time.Hour)}, []int64{5, 2}},
		{"topic and document", ChangeFilter{Topic: "data-sharing", DocumentID: "wa"}, []int64{5, 1}},
		{"severity at least high", ChangeFilter{Severity: "high"}, []int64{2, 1}},
		{"severity at least low", ChangeFilter{Severity: "low"}, []int64{6, 5, 4, 2, 1}},
		{"severity none is everything", ChangeFilter{Severity: "none"}, []int64{6, 5, 4, 3, 2, 1}},
		{"unknown severity selects nothing", ChangeFilter{Severity: "severe"}, nil},
		{"material", ChangeFilter{Material: true}, []int64{6, 5, 4, 2, 1}},
		{"since is inclusive", ChangeFilter{Since: t0.Add(4 * time.Hour)}, []int64{6, 5, 4}},
		{"before a change", ChangeFilter{Before: 5}, []int64{4, 3, 2, 1}},
		{"before a tie keeps the other of the tie", ChangeFilter{Before: 4}, []int64{3, 2, 1}},
		{"before an unknown change", ChangeFilter{Before: 99}, nil},
		{"everything at once", ChangeFilter{DocumentID: "wa", Topic: "data-sharing", Severity: "low", Material: true, Since: t0, Before: 6}, []int64{5, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.filter
			f.Limit, f.NewestFirst = 100, true
			cs, more, err := db.Changes(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, c := range cs {
				got = append(got, c.ID)
			}
			if !reflect.DeepEqual(got, tt.want) || more {
				t.Errorf("Changes(%+v) = %v (more %v), want %v", f, got, more, tt.want)
			}
			// Without a limit or NewestFirst, the same changes come oldest first.
			old, _, err := db.Changes(ctx, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			var oldIDs []int64
			for _, c := range old {
				oldIDs = append([]int64{c.ID}, oldIDs...)
			}
			if !reflect.DeepEqual(oldIDs, got) {
				t.Errorf("Changes(%+v) oldest first = %v reversed, want %v", tt.filter, oldIDs, got)
			}
		})
	}
}

func TestChangesPaging(t *testing.T) {
	ctx := context.Background()
	db := pagedHistory(t)
	var pages [][]int64
	f := ChangeFilter{Limit: 4, NewestFirst: true}
	for range 10 {
		cs, more, err := db.Changes(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, c := range cs {
			ids = append(ids, c.ID)
		}
		pages = append(pages, ids)
		if !more {
			break
		}
		f.Before = cs[len(cs)-1].ID
	}
	if want := [][]int64{{6, 5, 4, 3}, {2, 1}}; !reflect.DeepEqual(pages, want) {
		t.Errorf("pages = %v, want %v", pages, want)
	}
	cs, more, err := db.Changes(ctx, ChangeFilter{Limit: 6, NewestFirst: true})
	if err != nil || len(cs) != 6 || more {
		t.Errorf("a page exactly as long as the list: %d changes, more %v, err %v; want 6, false", len(cs), more, err)
	}
	cs, more, err = db.Changes(ctx, ChangeFilter{Limit: 2})
	if err != nil || len(cs) != 2 || cs[0].ID != 5 || cs[1].ID != 6 || !more {
		t.Errorf("the latest 2, oldest first: %v, more %v, err %v; want changes 5, 6 and more", cs, more, err)
	}
}

func TestVersions(t *testing.T) {
	ctx := context.Background()
	db := pagedHistory(t)
	vs, err := db.Versions(ctx, "wa")
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		changeID int64
		material bool
		topics   []string
		severity diff.Severity
	}
	var got []row
	for _, v := range vs {
		if v.DocumentID != "wa" || v.SHA256 == "" || v.SnapshotSHA256 == "" || v.FetchedAt.IsZero() || v.Text != "" {
			t.Errorf("version %d: %+v", v.ID, v.Version)
		}
		r := row{topics: []string{}}
		if c := v.Change; c != nil {
			if c.ToVersion != v.ID || c.ChangeSet != nil {
				t.Errorf("version %d: change %+v, want the change to it, without its change set", v.ID, c)
			}
			r = row{c.ID, c.Material, c.Topics, c.Severity}
		}
		got = append(got, r)
	}
	want := []row{
		{0, false, []string{}, ""},
		{1, true, []string{"data-sharing"}, "high"},
		{3, false, []string{}, "none"},
		{4, true, []string{"retention"}, "medium"},
		{5, true, []string{"data-sharing"}, "low"},
		{6, true, []string{}, "low"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Versions(wa) =\n%v\nwant\n%v", got, want)
	}
	none, err := db.Versions(ctx, "nope")
	if err != nil || none == nil || len(none) != 0 {
		t.Errorf("Versions(nope) = %v, %v; want an empty list", none, err)
	}
}

func TestVersionInfo(t *testing.T) {
	ctx := context.Background()
	db := pagedHistory(t)
	v, err := db.VersionInfo(ctx, 2)
	if err != nil || v.DocumentID != "fb" || v.Text != "" || v.SHA256 == "" {
		t.Errorf("VersionInfo(2) = %+v, %v", v, err)
	}
	if _, err := db.VersionInfo(ctx, 99); !errors.Is(err, ErrNotFound) {
		t.Errorf("VersionInfo(99) error = %v, want ErrNotFound", err)
	}
}

// TestChangeTopicsFollowChanges checks that change_topics holds each
// change's topics and detection time, one row per topic, however the
// change was written: recorded, edited by hand (pagedHistory), reclassified,
// or stored before migration 0013 filled the table.
func TestChangeTopicsFollowChanges(t *testing.T) {
	ctx := context.Background()
	db := pagedHistory(t)
	if err := db.UpdateClassification(ctx, 4, diff.ChangeSet{Material: true, Topics: []string{"children", "retention"}, Severity: diff.SeverityMedium}, "topics/next"); err != nil {
		t.Fatal(err)
	}
	inStep := func(t *testing.T, db *DB) {
		t.Helper()
		const rows = `SELECT c.id, j.value, c.detected_at FROM changes AS c, json_each(c.topics) AS j`
		const index = `SELECT change_id, topic, at FROM change_topics`
		var n, missing, stray int
		if err := db.sql.QueryRow(`SELECT count(*) FROM (` + rows + `)`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if err := db.sql.QueryRow(`SELECT count(*) FROM (` + rows + ` EXCEPT ` + index + `)`).Scan(&missing); err != nil {
			t.Fatal(err)
		}
		if err := db.sql.QueryRow(`SELECT count(*) FROM (` + index + ` EXCEPT ` + rows + `)`).Scan(&stray); err != nil {
			t.Fatal(err)
		}
		if n == 0 || missing != 0 || stray != 0 {
			t.Errorf("change_topics against the changes' topics: %d topics, %d missing, %d stray", n, missing, stray)
		}
		cs, _, err := db.Changes(ctx, ChangeFilter{Topic: "children"})
		if err != nil || len(cs) != 1 || cs[0].ID != 4 {
			t.Errorf("changes on children = %+v, %v; want change 4", cs, err)
		}
	}
	inStep(t, db)

	// Back to the schema before 0013, undoing 0014 too; both run again on
	// the next open.
	path := db.Path()
	undo := append([]string{"DROP TRIGGER change_topics_insert", "DROP TRIGGER change_topics_update", "DROP TABLE change_topics"}, undo0014...)
	for _, stmt := range undo {
		if _, err := db.sql.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.sql.Exec(`DELETE FROM schema_migrations WHERE version >= 13`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	inStep(t, openAt(t, path))
}
