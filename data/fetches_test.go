package data

import (
	"context"
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
