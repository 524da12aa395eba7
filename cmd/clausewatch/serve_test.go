package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/policy"
)

// TestServeDamagedFile serves a database file whose fetch log was
// overwritten with garbage: the service starts without waiting for
// quick_check, which then runs beside it, logs what it found and turns
// /healthz to 503.
func TestServeDamagedFile(t *testing.T) {
	ctx := context.Background()
	cfg, dbPath, db := alphaDatabase(t)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 600 { // enough rows for the second half of the file to be theirs
		f := data.Fetch{DocumentID: "alpha", URL: "http://127.0.0.1:1/alpha", StartedAt: start.Add(time.Duration(i) * time.Hour),
			Outcome: data.Failed, ErrorClass: "timeout", Reason: strings.Repeat("r", 300)}
		if _, err := db.Record(ctx, data.Observation{Fetch: f}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	for off := len(b) / 2; off+64 < len(b); off += 4096 {
		copy(b[off:off+64], strings.Repeat("\xff", 64))
	}
	if err := os.WriteFile(dbPath, b, 0o600); err != nil {
		t.Fatal(err)
	}

	sv := serveInProcess(t, deps{}, "--config", cfg, "--db", dbPath)
	waitFor(t, func() bool { return strings.Contains(sv.log.String(), "database quick_check found problems") })
	resp, err := http.Get("http://" + sv.addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "damaged") {
		t.Errorf("/healthz after quick_check: %d %q, want 503 saying the database is damaged", resp.StatusCode, body)
	}
	sv.stop()
}

// TestServeIndexesSearch starts serve on a database whose clauses a check
// recorded: serve adds them to the full-text index, and the document to
// the documents of each text, by itself, before anyone searches.
func TestServeIndexesSearch(t *testing.T) {
	ctx := context.Background()
	cfg, dbPath, db := alphaDatabase(t)
	doc := &policy.Document{Blocks: []policy.Block{{Kind: policy.Paragraph, Text: "We share your phone number with Meta."}}}
	obs := data.Observation{Fetch: data.Fetch{DocumentID: "alpha", URL: "http://127.0.0.1:1/alpha", StartedAt: time.Now().Add(-time.Hour)},
		Snapshot: &data.Snapshot{Body: []byte("<main><p>We share your phone number with Meta.</p></main>")}, Document: doc}
	if _, err := db.Record(ctx, obs); err != nil {
		t.Fatal(err)
	}
	db.Close()

	sv := serveInProcess(t, deps{}, "--config", cfg, "--db", dbPath)
	waitFor(t, func() bool {
		return strings.Contains(sv.log.String(), `msg="indexed clause texts for search" texts=1`) &&
			strings.Contains(sv.log.String(), `msg="indexed the documents of clause texts for search" versions=1`)
	})
	if code := sv.stop(); code != exitOK {
		t.Errorf("serve exited %d", code)
	}
}

// alphaDatabase writes a config with the one document "alpha" (on a port
// nothing answers) and opens its database, which the test fills and
// closes before serve opens it.
func alphaDatabase(t *testing.T) (cfg, dbPath string, db *data.DB) {
	t.Helper()
	dir := t.TempDir()
	dbPath = filepath.Join(dir, "cw.db")
	cfg = testConfig(t, dir, "http://127.0.0.1:1", "alpha")
	db, err := data.Open(context.Background(), dbPath, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SyncDocuments(context.Background(), []data.Document{{ID: "alpha", URL: "http://127.0.0.1:1/alpha"}}); err != nil {
		t.Fatal(err)
	}
	return cfg, dbPath, db
}
