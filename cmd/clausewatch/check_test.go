package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/clausewatch/clausewatch/data"
)

// TestCheckInterrupted interrupts a check of 20 documents on one host
// while the third is being fetched: the first two are printed in order,
// the third is recorded as stopped, the others are never asked for, and the
// command says how far it got.
func TestCheckInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var (
		mu    sync.Mutex
		asked []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked = append(asked, r.URL.Path)
		mu.Unlock()
		if r.URL.Path == "/d02" {
			cancel() // the operator presses Ctrl-C while this page loads
			<-r.Context().Done()
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, strings.Replace(policyHTML, "Privacy Policy</h1>", "Privacy Policy "+r.URL.Path[1:]+"</h1>", 1))
	}))
	defer srv.Close()
	ids := make([]string, 20)
	for i := range ids {
		ids[i] = fmt.Sprintf("d%02d", i)
	}
	dir := t.TempDir()
	cfg := testConfig(t, dir, srv.URL, ids...)
	code, stdout, stderr := cli(t, ctx, nil, "check", "--config", cfg, "--db", filepath.Join(dir, "cw.db"))
	if code == exitOK {
		t.Errorf("exit %d after an interrupt, want a failure", code)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "d00\tnew-version") || !strings.HasPrefix(lines[1], "d01\tnew-version") || !strings.HasPrefix(lines[2], "d02\t") {
		t.Errorf("stdout %q: want d00 and d01 new versions, then d02 stopped", stdout)
	}
	if !strings.Contains(stderr, "check stopped") || !strings.Contains(stderr, "after 3 of 20 documents") {
		t.Errorf("stderr %q: want it to say the check stopped after 3 of 20 documents", stderr)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(asked) != 3 {
		t.Errorf("the server was asked for %q, want only the first three documents", asked)
	}
}

func TestSomeIDs(t *testing.T) {
	many := make([]string, 25)
	for i := range many {
		many[i] = fmt.Sprintf("d%d", i)
	}
	tests := []struct {
		name string
		ids  []string
		want string
	}{
		{"none", nil, ""},
		{"a few, all named", []string{"wa", "fb"}, "wa, fb"},
		{"many, the first twenty and a count", many, strings.Join(many[:20], ", ") + " and 5 more"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := someIDs(tt.ids); got != tt.want {
				t.Errorf("someIDs = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestCheckRecordsNotModified checks unchanged documents whose server
// answers 304: each line names the version the 304 confirms, and every 304
// is in the fetch log when the command returns, also those written together
// at the end of the run.
func TestCheckRecordsNotModified(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		etag := `"` + r.URL.Path[1:] + `"`
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, strings.Replace(policyHTML, "Privacy Policy</h1>", "Privacy Policy "+r.URL.Path[1:]+"</h1>", 1))
	}))
	defer srv.Close()
	ids := []string{"d0", "d1", "d2"}
	dir := t.TempDir()
	cfg, dbPath := testConfig(t, dir, srv.URL, ids...), filepath.Join(dir, "cw.db")
	ctx := context.Background()
	if code, stdout, stderr := cli(t, ctx, nil, "check", "--config", cfg, "--db", dbPath); code != exitOK {
		t.Fatalf("first check: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, stderr := cli(t, ctx, nil, "check", "--config", cfg, "--db", dbPath)
	db := openDB(t, dbPath)
	var want strings.Builder
	for _, id := range ids {
		v, err := db.LatestVersion(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&want, "%s\tnot-modified\tversion %d\n", id, v.ID)
		fs, err := db.Fetches(ctx, id, 0)
		if err != nil || len(fs) != 2 || fs[0].Outcome != data.NotModified || fs[0].VersionID != v.ID || fs[0].TextSHA256 != v.SHA256 {
			t.Errorf("fetches of %s = %+v, %v; want its 304 on top, confirming version %d", id, fs, err, v.ID)
		}
	}
	if code != exitOK || stdout != want.String() {
		t.Errorf("second check: exit %d, stdout %q, stderr %q; want %q", code, stdout, stderr, want.String())
	}
}
