package data

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestFetchHealth records fetch logs and checks when every document's
// newest fetch counts as failed.
func TestFetchHealth(t *testing.T) {
	tests := []struct {
		name    string
		steps   []step
		failed  int
		allFail bool
	}{
		{"never fetched", nil, 0, false},
		{"one document failing", []step{{doc: "wa", outcome: Failed, class: "timeout"}}, 1, false},
		{"both failing", []step{{doc: "wa", outcome: Failed, class: "timeout"}, {doc: "fb", outcome: Failed, class: "dns"}}, 2, true},
		{"one failed, then succeeded", []step{
			{doc: "wa", outcome: Failed, class: "timeout"}, {doc: "fb", outcome: Failed, class: "dns"},
			{at: time.Hour, doc: "fb", outcome: NotModified},
		}, 1, false},
		{"a suspect fetch is no failure", []step{{doc: "wa", outcome: Failed, class: "timeout"}, {doc: "fb", outcome: Suspect, class: "shrunk", body: "<p>x</p>"}}, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			db := openTest(t)
			for i, s := range tt.steps {
				if _, err := db.Record(ctx, s.observation()); err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
			}
			h, err := db.FetchHealth(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if h.Documents != 2 || h.Failed != tt.failed || h.AllFailed() != tt.allFail {
				t.Errorf("health %+v (all failed %v), want 2 documents, %d failed, all failed %v", h, h.AllFailed(), tt.failed, tt.allFail)
			}
		})
	}
}

// TestQuickCheck checks a sound database, then overwrites pages of a
// closed one with garbage and checks that QuickCheck reports it damaged.
func TestQuickCheck(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cw.db")
	db := openAt(t, path)
	if err := db.SyncDocuments(ctx, []Document{{ID: "wa", URL: "https://example.com/"}}); err != nil {
		t.Fatal(err)
	}
	for i := range 600 { // enough rows for the second half of the file to be theirs
		s := step{at: time.Duration(i) * time.Hour, outcome: Failed, class: "timeout", reason: strings.Repeat("r", 300)}
		if _, err := db.Record(ctx, s.observation()); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.QuickCheck(ctx); err != nil {
		t.Fatalf("sound database: %v", err)
	}
	if _, err := db.sql.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Keep the header page and the schema; spoil the b-tree pages after.
	const pageSize = 4096
	for off := len(b) / 2; off+64 < len(b); off += pageSize {
		copy(b[off:off+64], strings.Repeat("\xff", 64))
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err = Open(ctx, path, func() time.Time { return t0 })
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	err = db.QuickCheck(ctx)
	if !errors.Is(err, ErrDamaged) {
		t.Fatalf("damaged database: QuickCheck = %v, want ErrDamaged", err)
	}
}

// TestFetchCounts records fetches of several outcomes and checks that the
// counts /metrics reads match the log, both as recorded and as migration
// 0012 computes them for a database that had a log before it.
func TestFetchCounts(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cw.db")
	db := openAt(t, path)
	if err := db.SyncDocuments(ctx, []Document{{ID: "wa", URL: "https://example.com/"}}); err != nil {
		t.Fatal(err)
	}
	steps := []step{
		{at: 0, body: "<p>a</p>", texts: []string{"a"}},
		{at: time.Hour, outcome: Failed, class: "timeout"},
		{at: 2 * time.Hour, outcome: NotModified},
		{at: 3 * time.Hour, outcome: NotModified},
		{at: 4 * time.Hour, body: "<p>a</p>", texts: []string{"a"}}, // unchanged
	}
	var head int64
	for _, s := range steps {
		obs := s.observation()
		obs.Head = head
		res, err := db.Record(ctx, obs)
		if err != nil {
			t.Fatal(err)
		}
		if res.Version != nil {
			head = res.Version.ID
		}
	}
	counted := func() map[Outcome]int64 {
		t.Helper()
		rows, err := db.sql.Query(`SELECT outcome, count(*) FROM fetches GROUP BY outcome`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		m := map[Outcome]int64{}
		for rows.Next() {
			var o Outcome
			var n int64
			if err := rows.Scan(&o, &n); err != nil {
				t.Fatal(err)
			}
			m[o] = n
		}
		return m
	}
	want := map[Outcome]int64{NewVersion: 1, Failed: 1, NotModified: 2, Unchanged: 1}
	if got := counted(); !maps.Equal(got, want) {
		t.Fatalf("the log holds %v, want %v", got, want)
	}
	totals, err := db.Totals(ctx)
	if err != nil || !maps.Equal(totals.Fetches, want) {
		t.Errorf("Totals.Fetches = %v, %v; want %v", totals.Fetches, err, want)
	}

	// Back to before 0012, with the log as it is: the migration counts it.
	for _, q := range []string{`DROP TABLE fetch_counts`, `CREATE INDEX fetches_by_outcome ON fetches (outcome)`, `DELETE FROM schema_migrations WHERE version = 12`} {
		if _, err := db.sql.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	db = openAt(t, path)
	totals, err = db.Totals(ctx)
	if err != nil || !maps.Equal(totals.Fetches, want) {
		t.Errorf("after migration 0012: Totals.Fetches = %v, %v; want %v", totals.Fetches, err, want)
	}
}
