package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/clausewatch/clausewatch/data"
)

// TestOverlappingChecks runs two checks of one document that overlap, as a
// check from cron does while serve fetches: the first is slow to get its
// answer, and the page changes before the second starts. The second one's
// text is the newer, so it alone becomes a version; the first is recorded
// as superseded, and both checks succeed.
func TestOverlappingChecks(t *testing.T) {
	var (
		mu       sync.Mutex
		body     = policyHTML
		requests int
	)
	slowArrived, release := make(chan struct{}), make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests++
		n, page := requests, body
		mu.Unlock()
		if n == 2 { // the slow check: it read the page, its answer is late
			close(slowArrived)
			<-release
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(page))
	}))
	defer srv.Close()
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}()
	dir := t.TempDir()
	cfg := testConfig(t, dir, srv.URL, "alpha")
	dbPath := filepath.Join(dir, "cw.db")
	env := map[string]string{"CLAUSEWATCH_DB": dbPath}
	ctx := context.Background()

	if code, stdout, stderr := cli(t, ctx, env, "check", "--config", cfg); code != exitOK {
		t.Fatalf("first check: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	type outcome struct {
		code           int
		stdout, stderr string
	}
	slow := make(chan outcome, 1)
	go func() {
		code, stdout, stderr := cli(t, ctx, env, "check", "--config", cfg)
		slow <- outcome{code, stdout, stderr}
	}()
	<-slowArrived
	mu.Lock()
	body = strings.Replace(policyHTML, "the Meta Companies", "the Meta Companies and our partners", 1)
	mu.Unlock()
	code, stdout, stderr := cli(t, ctx, env, "check", "--config", cfg)
	if code != exitOK || !strings.Contains(stdout, "alpha\tnew-version\tversion 2, change 1 (material") {
		t.Fatalf("later check: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	close(release)
	s := <-slow
	if s.code != exitOK || !strings.HasPrefix(s.stdout, "alpha\tsuperseded\t") {
		t.Errorf("earlier check: exit %d, stdout %q, stderr %q; want exit 0 and superseded", s.code, s.stdout, s.stderr)
	}
	for _, out := range []string{stdout, stderr, s.stdout, s.stderr} {
		if strings.Contains(out, "import") {
			t.Errorf("a check's output mentions import: %q", out)
		}
	}

	db := openDB(t, dbPath)
	versions, err := db.Versions(ctx, "alpha")
	if err != nil || len(versions) != 2 {
		t.Fatalf("%d versions (%v), want 2: the first and the later check's", len(versions), err)
	}
	changes, _, err := db.Changes(ctx, data.ChangeFilter{DocumentID: "alpha"})
	if err != nil || len(changes) != 1 || changes[0].FromVersion != versions[0].ID || changes[0].ToVersion != versions[1].ID {
		t.Fatalf("changes %+v (%v), want one, from the first version to the later check's, and no revert", changes, err)
	}
	fetches, err := db.Fetches(ctx, "alpha", 0)
	if err != nil || len(fetches) != 3 {
		t.Fatalf("%d fetches (%v), want a row for each of the 3 attempts", len(fetches), err)
	}
	var superseded []data.Fetch
	for _, f := range fetches {
		if f.Outcome == data.Superseded {
			superseded = append(superseded, f)
		}
	}
	if len(superseded) != 1 || superseded[0].SnapshotID == 0 || superseded[0].VersionID != 0 {
		t.Errorf("superseded fetches %+v, want one with its snapshot kept and no version", superseded)
	}
}
