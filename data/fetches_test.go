package data

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestTextRun records a fetch log with held texts, a failure and a 304
// between them, and checks which fetches each run counts.
func TestTextRun(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	const held = "5eed" // the hash the pipeline logged for a held text
	steps := []step{
		{at: 0, body: "<p>a</p>", texts: []string{"a1", "a2"}},
		{at: time.Hour, body: "<p>short</p>", outcome: Suspect, class: "shrunk"},
		{at: 2 * time.Hour, outcome: Failed, class: "timeout"},
		{at: 3 * time.Hour, body: "<p>short</p>", outcome: Suspect, class: "shrunk"},
		{at: 4 * time.Hour, outcome: NotModified},
		{at: 5 * time.Hour, body: "<p>short</p>", outcome: Suspect, class: "shrunk"},
		{at: 6 * time.Hour, body: "<p>short</p>", outcome: Suspect, class: "shrunk"},
	}
	var version string
	for i, s := range steps {
		obs := s.observation()
		if s.outcome == Suspect {
			obs.Fetch.TextSHA256 = held
		}
		res, err := db.Record(ctx, obs)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if i == 0 {
			version = res.Version.SHA256
		}
	}
	fetches, err := db.Fetches(ctx, "wa", 0)
	if err != nil {
		t.Fatal(err)
	}
	// Newest first: the 304 confirms the version's text; the failure read none.
	wantLogged := []string{held, held, version, held, "", held, version}
	for i, f := range fetches {
		if f.TextSHA256 != wantLogged[i] {
			t.Errorf("fetch at %s (%s): text sha256 %q, want %q", f.StartedAt.Sub(t0), f.Outcome, f.TextSHA256, wantLogged[i])
		}
	}

	tests := []struct {
		name   string
		sha    string
		before time.Duration
		n      int
		span   time.Duration
		want   int
		first  time.Duration
	}{
		{"a 304 of the version breaks the run", held, 6 * time.Hour, 10, 0, 2, 5 * time.Hour},
		{"a failure neither counts nor breaks", held, 3 * time.Hour, 10, 0, 2, time.Hour},
		{"the 304 counts for the version's text", version, 4 * time.Hour, 10, 0, 1, 4 * time.Hour},
		{"stops once n fetches span enough", held, 6 * time.Hour, 1, 0, 1, 6 * time.Hour},
		{"keeps reading until the span is reached", held, 6 * time.Hour, 1, time.Hour, 2, 5 * time.Hour},
		{"the version before breaks the run", held, 90 * time.Minute, 10, 0, 1, time.Hour},
		{"a text never read", "0000", 6 * time.Hour, 10, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run, err := db.TextRun(ctx, "wa", tt.sha, t0.Add(tt.before), tt.n, tt.span)
			if err != nil {
				t.Fatal(err)
			}
			var first time.Time
			if tt.want > 0 {
				first = t0.Add(tt.first).UTC()
			}
			if run.N != tt.want || !run.First.Equal(first) {
				t.Errorf("TextRun = %d from %s, want %d from %s", run.N, run.First, tt.want, first)
			}
		})
	}
}

// TestNeedFirstCheck records, per document, what a new installation may
// hold: nothing, a failed live fetch, an imported copy only, an imported
// copy then a live 304, and a live version. The documents without a version
// or never fetched live need a first check.
func TestNeedFirstCheck(t *testing.T) {
	ctx := context.Background()
	db := openAt(t, filepath.Join(t.TempDir(), "cw.db"))
	var docs []Document
	for _, id := range []string{"a-nothing", "b-failed", "c-imported", "d-imported-then-304", "e-live"} {
		docs = append(docs, Document{ID: id, URL: "https://example.org/" + id})
	}
	if err := db.SyncDocuments(ctx, docs); err != nil {
		t.Fatal(err)
	}
	imported := Provenance{Imported: true, Archive: "Open Terms Archive"}
	record := func(id string, at time.Duration, outcome Outcome, snap *Snapshot, text string) {
		t.Helper()
		obs := Observation{Fetch: Fetch{DocumentID: id, URL: "https://example.org/" + id, StartedAt: t0.Add(at), Outcome: outcome}, Snapshot: snap}
		if text != "" {
			obs.Document = doc(text)
		}
		if _, err := db.Record(ctx, obs); err != nil {
			t.Fatal(err)
		}
	}
	record("b-failed", 0, Failed, nil, "")
	record("c-imported", 0, "", &Snapshot{Body: []byte("c"), Provenance: imported}, "We share c.")
	record("d-imported-then-304", 0, "", &Snapshot{Body: []byte("d"), Provenance: imported}, "We share d.")
	record("d-imported-then-304", time.Hour, NotModified, nil, "")
	record("e-live", 0, "", &Snapshot{Body: []byte("e")}, "We share e.")

	got, err := db.NeedFirstCheck(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a-nothing", "b-failed", "c-imported"}
	if !slices.Equal(got, want) {
		t.Errorf("NeedFirstCheck = %q, want %q", got, want)
	}
}

// TestValidatorsUseTheirIndex checks the plan of the look-up every check
// makes first: a search of fetches_validators in order, so that a year of
// 304s in front of the last full fetch is not read row by row, and of the
// settling changes' own index, with no temporary table for the fetch's row
// (a check makes the look-up once per document).
func TestValidatorsUseTheirIndex(t *testing.T) {
	db := openTest(t)
	plan := queryPlan(t, db, validatorsQuery, "wa")
	has := func(part string) bool {
		return slices.ContainsFunc(plan, func(s string) bool { return strings.Contains(s, part) })
	}
	if !has("INDEX fetches_validators") || !has("INDEX changes_settling") || has("TEMP B-TREE") || has("MATERIALIZE") {
		t.Errorf("plan %q: want a search of fetches_validators and of changes_settling, without a temporary sort or table", plan)
	}
}
