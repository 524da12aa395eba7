package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/internal/corpustest"
	"github.com/clausewatch/clausewatch/scraper"
)

// cli runs the command in-process with a clean environment plus env.
func cli(t *testing.T, ctx context.Context, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return cliStdin(t, ctx, env, "", args...)
}

// cliStdin runs a command with stdin holding input.
func cliStdin(t *testing.T, ctx context.Context, env map[string]string, input string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string { return env[k] }
	code = run(ctx, args, strings.NewReader(input), &out, &errb, getenv)
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// testConfig writes a config whose documents all point at base.
func testConfig(t *testing.T, dir, base string, ids ...string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("fetch:\n  min_gap: 0s\n  jitter: 0s\n  timeout: 5s\ndocuments:\n")
	for _, id := range ids {
		fmt.Fprintf(&b, "  - id: %s\n    url: %s/%s\n    select: main\n    language: en\n", id, base, id)
	}
	return writeFile(t, dir, "clausewatch.yaml", b.String())
}

const policyHTML = `<!DOCTYPE html><html lang="en"><head><title>Privacy Policy</title></head><body>
<nav><a href="/">Home</a></nav><main><h1>Privacy Policy</h1>
<h2>Information We Share</h2>
<p>We share information with the Meta Companies so that we can operate, provide and improve our Services.</p>
<p>We work with service providers that help us run our Services, and we require them to protect your information.</p>
<h2>Retention</h2><p>We keep your information for as long as we need it to provide our Services to you.</p>
</main><footer>© 2026</footer></body></html>`

func TestBadConfig(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown key", "documents:\n  - id: a\n    url: https://example.org/\n    select: main\n    selector: main\n", "clausewatch.yaml:5: documents[0].selector"},
		{"duplicate id", "documents:\n  - id: a\n    url: https://example.org/\n    select: main\n  - id: a\n    url: https://example.org/b\n    select: main\n", "clausewatch.yaml:5: documents[1].id"},
		{"bad url", "documents:\n  - id: a\n    url: example.org\n    select: main\n", "clausewatch.yaml:3: documents[0].url"},
		{"bad cron", "schedule: every day\ndocuments:\n  - id: a\n    url: https://example.org/\n    select: main\n", "clausewatch.yaml:1: schedule"},
		{"bad selector", "documents:\n  - id: a\n    url: https://example.org/\n    select: 'div['\n", "clausewatch.yaml:4: documents[0].select"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := writeFile(t, dir, "clausewatch.yaml", tt.yaml)
			db := filepath.Join(dir, tt.name+".db")
			code, _, stderr := cli(t, context.Background(), nil, "check", "--config", cfg, "--db", db)
			if code != exitUsage || !strings.Contains(stderr, filepath.Join(dir, tt.want)) {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", code, stderr, tt.want)
			}
			if _, err := os.Stat(db); err == nil {
				t.Error("a database was created for an invalid config")
			}
		})
	}
}

// TestCheckUnreachable holds a failed fetch's check line to saying each
// thing once: the host once, the error once, no URL and no error class
// (the class stays in the fetch log's error_class).
func TestCheckUnreachable(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	tests := []struct {
		name      string
		base      string // the document's URL is base + "/gone"
		wantClass string
		wantError string // once in the line
	}{
		{name: "closed httptest server", base: closedURL, wantClass: "connect", wantError: "connection refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := testConfig(t, dir, tt.base, "gone")
			dbPath := filepath.Join(dir, "cw.db")
			code, stdout, _ := cli(t, context.Background(), nil, "check", "--config", cfg, "--db", dbPath)
			host := strings.TrimPrefix(tt.base, "http://")
			want := "gone\tfailed\tcannot connect to " + host + ": " + tt.wantError + "\n"
			if code != exitFailed || stdout != want {
				t.Errorf("exit %d, stdout %q; want exit 1 and %q", code, stdout, want)
			}
			if strings.Count(stdout, host) != 1 || strings.Count(stdout, tt.wantError) != 1 || strings.Contains(stdout, "http://") {
				t.Errorf("line %q names the host, the error or the URL more than once", stdout)
			}
			db := openDB(t, dbPath)
			fetches, err := db.Fetches(context.Background(), "gone", 0)
			if err != nil || len(fetches) != 1 || fetches[0].Outcome != data.Failed || fetches[0].SnapshotID != 0 {
				t.Fatalf("fetches = %+v, %v; want one failed fetch without snapshot", fetches, err)
			}
			if f := fetches[0]; f.ErrorClass != tt.wantClass || !strings.Contains(f.Reason, host) || !strings.Contains(f.Reason, tt.wantError) || f.URL != tt.base+"/gone" {
				t.Errorf("fetch recorded class %q, reason %q, URL %q; want class %q and a reason naming %s and %q", f.ErrorClass, f.Reason, f.URL, tt.wantClass, host, tt.wantError)
			}
			if _, err := db.LatestVersion(context.Background(), "gone"); err == nil {
				t.Error("a version was stored")
			}
		})
	}
}

func openDB(t *testing.T, path string) *data.DB {
	t.Helper()
	db, err := data.Open(context.Background(), path, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestCheckAndHistory(t *testing.T) {
	var mu sync.Mutex
	body := policyHTML
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(body))
	}))
	defer srv.Close()
	dir := t.TempDir()
	cfg := testConfig(t, dir, srv.URL, "alpha", "beta")
	env := map[string]string{"CLAUSEWATCH_DB": filepath.Join(dir, "env.db")}
	ctx := context.Background()

	code, stdout, stderr := cli(t, ctx, env, "check", "--config", cfg)
	if code != exitOK || !strings.Contains(stdout, "alpha\tnew-version\tversion ") || !strings.Contains(stdout, "beta\tnew-version\tversion ") {
		t.Fatalf("first check: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	mu.Lock()
	body = strings.Replace(policyHTML, "the Meta Companies", "the Meta Companies and our partners", 1)
	mu.Unlock()
	code, stdout, _ = cli(t, ctx, env, "check", "alpha", "--config", cfg)
	if code != exitOK || !strings.HasPrefix(stdout, "alpha\tnew-version\tversion 3, change 1 (material") || !strings.Contains(stdout, "awaiting confirmation") {
		t.Fatalf("second check: exit %d, stdout %q", code, stdout)
	}
	code, stdout, _ = cli(t, ctx, env, "check", "alpha", "--config", cfg)
	if code != exitOK || !strings.HasPrefix(stdout, "alpha\tunchanged\tversion 3, change 1 settled") {
		t.Fatalf("third check: exit %d, stdout %q", code, stdout)
	}
	code, _, stderr = cli(t, ctx, env, "check", "nope", "--config", cfg)
	if code != exitUsage || !strings.Contains(stderr, `unknown document "nope"`) {
		t.Errorf("unknown id: exit %d, stderr %q", code, stderr)
	}

	code, stdout, _ = cli(t, ctx, env, "history", "alpha", "--config", cfg, "--format", "json")
	var versions []map[string]any
	if err := json.Unmarshal([]byte(stdout), &versions); code != exitOK || err != nil || len(versions) != 2 {
		t.Fatalf("history: exit %d, %v, %q", code, err, stdout)
	}
	for _, v := range versions {
		at, _ := v["fetched_at"].(string)
		if _, err := time.Parse(time.RFC3339, at); err != nil || v["id"] == nil || len(v["sha256"].(string)) != 64 {
			t.Errorf("history entry %v lacks id, RFC 3339 fetched_at or sha256", v)
		}
	}
	code, stdout, _ = cli(t, ctx, env, "changes", "--doc", "alpha", "--format", "json", "--config", cfg)
	var changes []map[string]any
	if err := json.Unmarshal([]byte(stdout), &changes); code != exitOK || err != nil || len(changes) != 1 {
		t.Fatalf("changes: exit %d, %v, %q", code, err, stdout)
	}
	for _, k := range []string{"id", "document", "from_version", "to_version", "detected_at", "material", "topics", "severity"} {
		if _, ok := changes[0][k]; !ok {
			t.Errorf("change lacks %q: %v", k, changes[0])
		}
	}
	// The sharing clause gained a recipient ("and our partners").
	if topics, _ := changes[0]["topics"].([]any); changes[0]["material"] != true || changes[0]["severity"] != "critical" ||
		len(topics) == 0 || topics[0] != "data-sharing" {
		t.Errorf("change = %v, want material, data-sharing, severity critical", changes[0])
	}
}

func TestImportUnreadable(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(t, dir, "https://example.org", "doc")
	good := writeFile(t, dir, "2021-01-04.html", policyHTML)
	missing := filepath.Join(dir, "2021-02-01.md")
	dbPath := filepath.Join(dir, "cw.db")
	code, stdout, stderr := cli(t, context.Background(), nil, "import", "doc", good, missing, "--config", cfg, "--db", dbPath)
	if code != exitFailed || !strings.Contains(stderr, missing) || !strings.Contains(stderr, "no such file") {
		t.Fatalf("exit %d, stdout %q, stderr %q; want exit 1 naming %s", code, stdout, stderr, missing)
	}
	db := openDB(t, dbPath)
	fetches, err := db.Fetches(context.Background(), "doc", 0)
	if err != nil || len(fetches) != 2 || fetches[0].Outcome != data.Failed || fetches[1].Outcome != data.NewVersion {
		t.Errorf("fetches = %+v, %v; want the good file's version and the failed fetch", fetches, err)
	}

	code, _, stderr = cli(t, context.Background(), nil, "import", "doc", filepath.Join(dir, "policy.md"), "--config", cfg, "--db", dbPath)
	if code != exitUsage || !strings.Contains(stderr, "policy.md") || !strings.Contains(stderr, "must start with the fetch time") {
		t.Errorf("undated file: exit %d, stderr %q", code, stderr)
	}
}

// TestImportCorpus imports Open Terms Archive's versions of WhatsApp's EEA
// privacy policy and expects one version per run of equal canonical texts and
// one change per real edit.
func TestImportCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(corpustest.Dir(t), "whatsapp-privacy-policy-eea", "*.md"))
	if err != nil || len(files) < 5 {
		t.Fatalf("corpus files: %v %v", files, err)
	}
	wantVersions := 0
	prev := ""
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if h := scraper.ExtractMarkdown(b).Hash(); h != prev {
			wantVersions++
			prev = h
		}
	}
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "cw.db")
	args := append([]string{"import", "whatsapp-privacy-policy-eea", "--db", dbPath, "--history=false"}, files...)
	code, stdout, stderr := cli(t, context.Background(), nil, args...)
	if code != exitOK {
		t.Fatalf("import: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	db := openDB(t, dbPath)
	ctx := context.Background()
	versions, _ := db.Versions(ctx, "whatsapp-privacy-policy-eea")
	changes, _, _ := db.Changes(ctx, data.ChangeFilter{DocumentID: "whatsapp-privacy-policy-eea"})
	if len(versions) != wantVersions || len(changes) != wantVersions-1 {
		t.Errorf("got %d versions and %d changes, want %d and %d\n%s", len(versions), len(changes), wantVersions, wantVersions-1, stdout)
	}
	// The January 2021 update is among the changes, and is material.
	found := false
	for _, c := range changes {
		to, err := db.Version(ctx, c.ToVersion)
		if err != nil {
			t.Fatal(err)
		}
		if to.FetchedAt.Format(time.DateOnly) == "2021-04-29" {
			found = c.Material
		}
	}
	if !found {
		t.Error("no material change recorded for the 2021-04-29 version")
	}
	// Re-importing the same files skips every one, storing nothing, so that
	// an import stopped by a crash finishes when run again.
	code, stdout, stderr = cli(t, ctx, nil, args...)
	if want := fmt.Sprintf("skipped %d of %d files already imported", len(files), len(files)); code != exitOK || !strings.Contains(stdout, want) {
		t.Errorf("re-import: exit %d, stdout %q, stderr %q; want %q", code, stdout, stderr, want)
	}
	if again, _ := db.Versions(ctx, "whatsapp-privacy-policy-eea"); len(again) != len(versions) {
		t.Errorf("re-import stored %d versions, want none", len(again)-len(versions))
	}
	// A file dated inside the stored history that no import read is
	// refused in one line naming it.
	older := writeFile(t, dir, "2019-01-01.md", "# Privacy Policy\n\nWe share nothing with anyone.\n")
	code, _, stderr = cli(t, ctx, nil, "import", "whatsapp-privacy-policy-eea", "--db", dbPath, "--history=false", older)
	if code != exitFailed || !strings.Contains(stderr, older) || !strings.Contains(stderr, "oldest first") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("older file: exit %d, stderr %q; want one line naming %s", code, stderr, older)
	}
}

// TestServe starts the service on a free port with a document never fetched
// before, waits for its first version, checks /healthz, runs a check command
// against the same database at the same time, and shuts down cleanly.
func TestServe(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(policyHTML))
	}))
	defer srv.Close()
	dir := t.TempDir()
	cfg := testConfig(t, dir, srv.URL, "alpha", "beta", "gamma")
	dbPath := filepath.Join(dir, "cw.db")
	sv := serveInProcess(t, deps{}, "--config", cfg, "--db", dbPath)
	addr := sv.addr
	waitFor(t, func() bool {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	// A check from cron while serve writes: no SQLITE_BUSY.
	for range 3 {
		if code, stdout, stderr := cli(t, context.Background(), nil, "check", "--config", cfg, "--db", dbPath); code != exitOK {
			t.Fatalf("check during serve: exit %d, %q %q", code, stdout, stderr)
		}
	}
	db := openDB(t, dbPath)
	waitFor(t, func() bool {
		n := 0
		for _, id := range []string{"alpha", "beta", "gamma"} {
			f, err := db.Fetches(context.Background(), id, 0)
			if err == nil {
				n += len(f)
			}
		}
		return n >= 12
	})
	if code := sv.stop(); code != exitOK {
		t.Errorf("serve exit %d", code)
	}
	for _, id := range []string{"alpha", "beta", "gamma"} {
		v, err := db.Versions(context.Background(), id)
		if err != nil || len(v) != 1 {
			t.Errorf("%s: %d versions, %v; want 1", id, len(v), err)
		}
	}
}

// waitFor polls cond until it holds. The deadline is generous because the
// race detector on a loaded 2-core machine slows serve's start a lot; it
// only bounds a test that would otherwise hang.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	const limit = 60 * time.Second
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %v", limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// serving is `serve` running in the test's process.
type serving struct {
	addr string      // where it listens
	log  *syncBuffer // what it logs, printed if the test fails
	stop func() int  // cancels it and returns its exit code
}

// serveInProcess runs `serve` with args (and deps d) on a port it picks itself
// and waits until it says where it listens. serve picks the port: picking
// one here and handing it over would leave a moment in which another
// test's server could take it (and answer /healthz in serve's place).
func serveInProcess(t *testing.T, d deps, args ...string) *serving {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	s := &serving{log: &syncBuffer{}}
	t.Cleanup(func() {
		cancel()
		if t.Failed() {
			t.Logf("serve's log:\n%s", s.log.String())
		}
	})
	go func() {
		getenv := func(k string) string { return map[string]string{"CLAUSEWATCH_LISTEN": "127.0.0.1:0"}[k] }
		done <- runWith(ctx, append([]string{"serve"}, args...), strings.NewReader(""), io.Discard, s.log, getenv, d)
	}()
	waitFor(t, func() bool {
		_, rest, ok := strings.Cut(s.log.String(), "msg=serving addr=")
		if ok {
			s.addr, _, _ = strings.Cut(rest, " ")
		}
		return ok
	})
	s.stop = func() int {
		cancel()
		select {
		case code := <-done:
			return code
		case <-time.After(20 * time.Second):
			t.Fatal("serve did not stop after cancel")
			return -1
		}
	}
	return s
}

// syncBuffer is a bytes.Buffer that a test can read while a command writes
// its log to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
