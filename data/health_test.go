package data

import (
	"context"
	"errors"
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
