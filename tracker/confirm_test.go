package tracker

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/scraper"
)

// advance moves the fake clock forward by d, as the time between two
// scheduled checks.
func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// confirmPage returns a policy page of n distinct paragraphs, with extra
// HTML appended inside main; tag tells two texts of the same length apart.
func confirmPage(n int, tag, extra string) string {
	var b strings.Builder
	b.WriteString("<html lang=en><body><main><h1>Privacy Policy</h1>\n")
	for i := range n {
		fmt.Fprintf(&b, "<p>Paragraph %d%s: we share the information you give us with the Meta Companies to operate and improve our Services.</p>\n", i, tag)
	}
	b.WriteString(extra)
	b.WriteString("</main></body></html>")
	return b.String()
}

// confirmStep is one scheduled check: the time since the previous one and
// what the server answers.
type confirmStep struct {
	gap     time.Duration
	status  int // 0: 200
	body    string
	outcome data.Outcome
	class   string
}

// TestConfirmHeld serves a document through a sequence of checks, each by
// a freshly opened database handle and Tracker as a separate `check`
// process from cron would be, and checks that the size gates hold back a
// shrunk, grown or bloated text until the same text has been read on
// consecutive fetches over the confirmation time, and never longer.
func TestConfirmHeld(t *testing.T) {
	full := confirmPage(40, "", "")
	short := confirmPage(16, "", "") // a real shortening to 40%
	otherShort := confirmPage(16, "b", "")
	bloated := confirmPage(40, "", strings.Repeat(strings.TrimSuffix(strings.TrimPrefix(full, "<html lang=en><body><main>"), "</main></body></html>"), 5))
	var glossary strings.Builder
	for range 30 {
		glossary.WriteString("<p>Meta Companies: Facebook, Instagram, WhatsApp and the other companies of Meta.</p>\n<p>Partners: the businesses that use our analytics and advertising services.</p>\n")
	}
	withGlossary := confirmPage(40, "", glossary.String())

	day := 24 * time.Hour
	tests := []struct {
		name     string
		confirm  config.Confirm // zero: the default, 3 fetches over 24h
		steps    []confirmStep
		versions int
	}{
		{"bloated capture: the page's text repeated, a version once read 3 times over 24h", config.Confirm{}, []confirmStep{
			{0, 0, full, data.NewVersion, ""},
			{12 * time.Hour, 0, bloated, data.Suspect, reasonGrown},
			{12 * time.Hour, 0, bloated, data.Suspect, reasonGrown},
			{12 * time.Hour, 0, bloated, data.NewVersion, ""},
			{12 * time.Hour, 0, bloated, data.Unchanged, ""},
		}, 2},
		{"glossary repeated 30 times: repeated, a version once read 3 times over 24h", config.Confirm{}, []confirmStep{
			{0, 0, full, data.NewVersion, ""},
			{12 * time.Hour, 0, withGlossary, data.Suspect, reasonRepeated},
			{12 * time.Hour, 0, withGlossary, data.Suspect, reasonRepeated},
			{12 * time.Hour, 0, withGlossary, data.NewVersion, ""},
		}, 2},
		{"three fetches within an hour are not enough time", config.Confirm{}, []confirmStep{
			{0, 0, full, data.NewVersion, ""},
			{20 * time.Minute, 0, bloated, data.Suspect, reasonGrown},
			{20 * time.Minute, 0, bloated, data.Suspect, reasonGrown},
			{20 * time.Minute, 0, bloated, data.Suspect, reasonGrown},
			{day, 0, bloated, data.NewVersion, ""},
		}, 2},
		{"real shortening to 40%: suspect twice, a version on the third fetch", config.Confirm{}, []confirmStep{
			{0, 0, full, data.NewVersion, ""},
			{12 * time.Hour, 0, short, data.Suspect, reasonShrunk},
			{12 * time.Hour, 0, short, data.Suspect, reasonShrunk},
			{12 * time.Hour, 0, short, data.NewVersion, ""},
			{12 * time.Hour, 0, short, data.Unchanged, ""},
		}, 2},
		{"shrink that flips back after one fetch: no version for the short text", config.Confirm{}, []confirmStep{
			{0, 0, full, data.NewVersion, ""},
			{12 * time.Hour, 0, short, data.Suspect, reasonShrunk},
			{12 * time.Hour, 0, full, data.Unchanged, ""},
			{12 * time.Hour, 0, short, data.Suspect, reasonShrunk},
			{12 * time.Hour, 0, short, data.Suspect, reasonShrunk},
		}, 1},
		{"another text in between starts the count again", config.Confirm{}, []confirmStep{
			{0, 0, full, data.NewVersion, ""},
			{12 * time.Hour, 0, short, data.Suspect, reasonShrunk},
			{12 * time.Hour, 0, otherShort, data.Suspect, reasonShrunk},
			{12 * time.Hour, 0, short, data.Suspect, reasonShrunk},
			{12 * time.Hour, 0, short, data.Suspect, reasonShrunk},
			{12 * time.Hour, 0, short, data.NewVersion, ""},
		}, 2},
		{"a failed fetch neither counts nor breaks the run", config.Confirm{}, []confirmStep{
			{0, 0, full, data.NewVersion, ""},
			{12 * time.Hour, 0, short, data.Suspect, reasonShrunk},
			{6 * time.Hour, http.StatusBadGateway, "bad gateway", data.Failed, reasonHTTPStatus},
			{6 * time.Hour, 0, short, data.Suspect, reasonShrunk},
			{12 * time.Hour, 0, short, data.NewVersion, ""},
		}, 2},
		{"a bad first version does not leave the document stuck", config.Confirm{}, []confirmStep{
			{0, 0, bloated, data.NewVersion, ""},
			{12 * time.Hour, 0, full, data.Suspect, reasonShrunk},
			{12 * time.Hour, 0, full, data.Suspect, reasonShrunk},
			{12 * time.Hour, 0, full, data.NewVersion, ""},
		}, 2},
		{"configured: 2 fetches, no waiting", config.Confirm{Fetches: 2}, []confirmStep{
			{0, 0, full, data.NewVersion, ""},
			{time.Minute, 0, short, data.Suspect, reasonShrunk},
			{time.Minute, 0, short, data.NewVersion, ""},
		}, 2},
		{"configured: 4 fetches over 2 days", config.Confirm{Fetches: 4, After: 2 * day}, []confirmStep{
			{0, 0, full, data.NewVersion, ""},
			{day, 0, short, data.Suspect, reasonShrunk},
			{day, 0, short, data.Suspect, reasonShrunk},
			{day, 0, short, data.Suspect, reasonShrunk},
			{day, 0, short, data.NewVersion, ""},
		}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var (
				mu      sync.Mutex
				current confirmStep
			)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				st := current
				mu.Unlock()
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				if st.status != 0 {
					w.WriteHeader(st.status)
				}
				w.Write([]byte(st.body))
			}))
			defer srv.Close()
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "cw.db")
			clk := &clock{t: time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)}
			doc := config.Document{ID: "doc", URL: srv.URL, Select: []string{"main"}, Language: "en", Confirm: tt.confirm}
			// check opens the database and a Tracker for one fetch, as
			// one run of `clausewatch check` does: nothing but the
			// database carries over from one fetch to the next.
			check := func(st confirmStep) data.Result {
				t.Helper()
				db, err := data.Open(ctx, path, clk.now)
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				syncDoc(t, db, doc)
				fetcher := scraper.NewHTTPFetcher(srv.Client(), scraper.HTTPOptions{
					Now:   clk.now,
					Sleep: func(ctx context.Context, d time.Duration) error { return ctx.Err() },
				})
				tr := New(db, fetcher, nil, clk.now, slog.New(slog.DiscardHandler))
				mu.Lock()
				current = st
				mu.Unlock()
				res, err := tr.Check(ctx, doc)
				if err != nil {
					t.Fatal(err)
				}
				return res
			}
			for i, st := range tt.steps {
				clk.advance(st.gap)
				f := check(st).Fetch
				t.Logf("fetch %d: %s %s: %s", i, f.Outcome, f.ErrorClass, f.Reason)
				if f.Outcome != st.outcome || f.ErrorClass != st.class {
					t.Errorf("fetch %d: %s (%s: %s), want %s (%s)", i, f.Outcome, f.ErrorClass, f.Reason, st.outcome, st.class)
				}
				if f.Outcome == data.Suspect && !strings.Contains(f.Reason, "held until confirmed") {
					t.Errorf("fetch %d: reason %q does not say what confirms it", i, f.Reason)
				}
				if wantText := f.Outcome != data.Failed; (f.TextSHA256 != "") != wantText {
					t.Errorf("fetch %d (%s): text sha256 %q logged, want one: %v", i, f.Outcome, f.TextSHA256, wantText)
				}
			}
			db, err := data.Open(ctx, path, clk.now)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			versions, err := db.Versions(ctx, doc.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(versions) != tt.versions {
				t.Errorf("%d versions, want %d", len(versions), tt.versions)
			}
		})
	}
}

// TestImportConfirmsHeld imports short histories and checks that a held
// file is confirmed by the next file when that file has about its size,
// and stays suspect when the next file is back to the old size.
func TestImportConfirmsHeld(t *testing.T) {
	md := func(n int, extra string) string {
		var b strings.Builder
		b.WriteString("# Privacy Policy\n\n")
		for i := range n {
			fmt.Fprintf(&b, "Paragraph %d: we share the information you give us with the Meta Companies to operate and improve our Services.\n\n", i)
		}
		b.WriteString(extra)
		return b.String()
	}
	full, short := md(40, ""), md(16, "")
	bloated := md(40, strings.Repeat(md(40, ""), 5))
	tests := []struct {
		name     string
		files    []string
		outcomes []data.Outcome
	}{
		{"grown file, next file back to normal", []string{full, bloated, full},
			[]data.Outcome{data.NewVersion, data.Suspect, data.Unchanged}},
		{"grown file confirmed by the next file", []string{full, bloated, bloated + "Paragraph 99: an edit.\n"},
			[]data.Outcome{data.NewVersion, data.NewVersion, data.NewVersion}},
		{"shrunk file, next file back to normal", []string{full, short, full},
			[]data.Outcome{data.NewVersion, data.Suspect, data.Unchanged}},
		{"shrunk file confirmed by the next file", []string{full, short, short},
			[]data.Outcome{data.NewVersion, data.NewVersion, data.Unchanged}},
		{"shrunk last file, nothing to confirm it yet", []string{full, short},
			[]data.Outcome{data.NewVersion, data.Suspect}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := datedFiles(t, ".md", tt.files)
			tr, db, _ := newTracker(t, nil)
			doc := config.Document{ID: "policy", URL: "https://example.org/policy", Language: "en"}
			syncDoc(t, db, doc)
			i := 0
			err := tr.Import(context.Background(), doc, files, scraper.Rules{}, func(_ ImportFile, r data.Result) {
				if f := r.Fetch; f.Outcome != tt.outcomes[i] {
					t.Errorf("file %d: %s (%s: %s), want %s", i, f.Outcome, f.ErrorClass, f.Reason, tt.outcomes[i])
				}
				i++
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// datedFiles writes bodies as files with extension ext (".md", ".html")
// named for consecutive days of January 2021, oldest first, and returns
// them as Import takes them.
func datedFiles(t *testing.T, ext string, bodies []string) []ImportFile {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for i, body := range bodies {
		p := filepath.Join(dir, fmt.Sprintf("2021-01-%02d%s", i+1, ext))
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	files, err := ParseImportFiles(paths)
	if err != nil {
		t.Fatal(err)
	}
	return files
}
