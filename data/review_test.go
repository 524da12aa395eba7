package data

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/diff"
)

// TestChangeSummariesPage checks that the listing without change sets says
// what decoding each whole change set says, in the same order and pages as
// ChangesPage, also for a change set stored with its clauses first (as a
// hand-written or foreign row may be) and one too large for its head to be
// read whole.
func TestChangeSummariesPage(t *testing.T) {
	ctx := context.Background()
	db := pagedHistory(t)
	// Change 4: clauses first, then the summary, and long enough that the
	// summary is far past the head that is read.
	long := diff.ChangeSet{Material: true, Summary: diff.Summary{Added: 7, Unchanged: 3},
		EffectiveDate: diff.Dates{Old: "2021-01-04", New: "2022-02-02"}}
	for range 40 {
		long.Changes = append(long.Changes, diff.Change{Kind: diff.Added, Material: true,
			New: &diff.Clause{ID: "c1", Text: strings.Repeat("We share data with partners. ", 4)}})
	}
	var asMap map[string]any
	raw, _ := json.Marshal(long)
	if err := json.Unmarshal(raw, &asMap); err != nil {
		t.Fatal(err)
	}
	foreign, _ := json.Marshal(asMap) // map keys sort: "changes" comes first
	if strings.Index(string(foreign), `"summary"`) < changeSetHeadLen {
		t.Fatalf("test change set is too short: summary at %d", strings.Index(string(foreign), `"summary"`))
	}
	if _, err := db.sql.Exec(`UPDATE changes SET change_set = ? WHERE id = 4`, string(foreign)); err != nil {
		t.Fatal(err)
	}
	// Change 5: a change set without an effective date at all.
	if _, err := db.sql.Exec(`UPDATE changes SET change_set = '{"material":true,"summary":{"added":1},"changes":[]}' WHERE id = 5`); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		f     ChangeFilter
		limit int
	}{
		{"all", ChangeFilter{}, 100},
		{"pages of two", ChangeFilter{}, 2},
		{"document", ChangeFilter{DocumentID: "wa"}, 3},
		{"topic", ChangeFilter{Topic: "retention"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.f
			for page := 0; ; page++ {
				want, wantMore, err := db.ChangesPage(ctx, f, tc.limit)
				if err != nil {
					t.Fatal(err)
				}
				got, more, err := db.ChangeSummariesPage(ctx, f, tc.limit)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(want) || more != wantMore {
					t.Fatalf("page %d: %d changes (more %v), want %d (more %v)", page, len(got), more, len(want), wantMore)
				}
				for i := range want {
					var cs diff.ChangeSet
					if err := json.Unmarshal(want[i].ChangeSet, &cs); err != nil {
						t.Fatal(err)
					}
					w := want[i]
					w.ChangeSet = nil
					if !reflect.DeepEqual(got[i].Change, w) {
						t.Errorf("page %d row %d: %+v, want %+v", page, i, got[i].Change, w)
					}
					if got[i].Summary != cs.Summary || got[i].EffectiveDate != cs.EffectiveDate {
						t.Errorf("change %d: summary %+v dates %+v, want %+v %+v", w.ID, got[i].Summary, got[i].EffectiveDate, cs.Summary, cs.EffectiveDate)
					}
				}
				if !more {
					break
				}
				f.Before = got[len(got)-1].ID
			}
		})
	}
	// The foreign row really is the one with the long summary.
	got, _, err := db.ChangeSummariesPage(ctx, ChangeFilter{Topic: "retention", DocumentID: "wa"}, 5)
	if err != nil || len(got) != 1 || got[0].Summary != long.Summary || got[0].EffectiveDate != long.EffectiveDate {
		t.Fatalf("change 4: %+v, %v; want summary %+v", got, err, long.Summary)
	}
}

func TestChangeSetHead(t *testing.T) {
	full := `{"material":true,"summary":{"added":2,"modified":1},"effective_date":{"old":"a","new":"b"},"changes":[{"kind":"added"}]}`
	tests := []struct {
		name    string
		raw     string
		want    diff.Summary
		dates   diff.Dates
		wantErr bool
	}{
		{"whole", full, diff.Summary{Added: 2, Modified: 1}, diff.Dates{Old: "a", New: "b"}, false},
		{"head cut after both", full[:strings.Index(full, `"changes"`)+5], diff.Summary{Added: 2, Modified: 1}, diff.Dates{Old: "a", New: "b"}, false},
		{"cut before the dates", full[:strings.Index(full, `"effective_date"`)], diff.Summary{}, diff.Dates{}, true},
		{"cut at a value's end", `{"summary":{"added":2}`, diff.Summary{}, diff.Dates{}, true},
		{"no dates in a whole set", `{"summary":{"added":2},"changes":[]}`, diff.Summary{Added: 2}, diff.Dates{}, false},
		{"clauses first, cut", `{"changes":[{"kind":"added","new":{"text":"x`, diff.Summary{}, diff.Dates{}, true},
		{"not an object", `[1]`, diff.Summary{}, diff.Dates{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sum, dates, err := ChangeSetHead([]byte(tc.raw))
			if (err != nil) != tc.wantErr {
				t.Fatalf("error %v, want error %v", err, tc.wantErr)
			}
			if !tc.wantErr && (sum != tc.want || dates != tc.dates) {
				t.Errorf("got %+v %+v, want %+v %+v", sum, dates, tc.want, tc.dates)
			}
		})
	}
}

// TestSearchControlCharacters checks that control characters a user types
// (a NUL ends an FTS5 query string) are searched as spaces, not answered
// with an SQL error.
func TestSearchControlCharacters(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	if _, err := record(ctx, db, Observation{
		Fetch: Fetch{DocumentID: "wa", StartedAt: t0}, Snapshot: &Snapshot{Body: []byte("x")},
		Document: doc("We share data with partners."),
	}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"share\x00data", "share\x1f\x7fdata", "share\u0085data"} {
		res, err := db.Search(ctx, q)
		if err != nil {
			t.Errorf("Search(%q): %v", q, err)
			continue
		}
		if len(res.Documents) != 1 {
			t.Errorf("Search(%q): %d documents, want the one saying %q", q, len(res.Documents), "share data")
		}
	}
}

// TestPageQueryPlans checks that the queries a page or the API runs per
// request search indexes instead of scanning a table that grows with the
// history (changes, versions, fetches, snapshots).
func TestPageQueryPlans(t *testing.T) {
	db := pagedHistory(t)
	where, args := ChangeFilter{DocumentID: "wa", Before: 3, Material: true}.where()
	tests := []struct {
		name  string
		query string
		args  []any
	}{
		{"version neighbours", versionNeighboursQuery, []any{"wa", formatTime(t0), 1}},
		{"change page by document with cursor", `SELECT id FROM changes` + where + ` ORDER BY detected_at DESC, id DESC LIMIT 21`, args},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			plan := queryPlan(t, db, tc.query, tc.args...)
			for _, step := range plan {
				for _, table := range []string{"changes", "versions", "fetches", "snapshots"} {
					if strings.HasPrefix(step, "SCAN "+table) {
						t.Errorf("plan scans %s:\n%s", table, strings.Join(plan, "\n"))
					}
				}
			}
		})
	}
}
