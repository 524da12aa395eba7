package main

import (
	"archive/zip"
	"context"
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/internal/corpustest"
	"github.com/clausewatch/clausewatch/web"
)

const (
	eeaPolicy    = "whatsapp-privacy-policy-eea"
	eeaPolicyURL = "https://www.whatsapp.com/legal/privacy-policy-eea?lang=en"
)

// otaNames renames a few dated corpus files to the timestamps Open Terms
// Archive gives its versions, in both of the forms it writes.
var otaNames = map[string]string{
	"2020-07-29.md": "2020-07-29T08-15-00Z.md",
	"2021-01-01.md": "2021-01-01T10:20:30Z.md",
	"2021-04-29.md": "2021-04-29T09-00-00Z.md",
	"2022-01-17.md": "2022-01-17T12:00:00Z.md",
}

// otaDataset lays a few of the corpus's versions of WhatsApp's EEA privacy
// policy out as an Open Terms Archive dataset, <service>/<terms type>/<time>.md
// under the dataset's top folder with its README, in a folder and in a
// .zip file, and returns both.
func otaDataset(t *testing.T) (dir, zipPath string) {
	t.Helper()
	corpus := filepath.Join(corpustest.Dir(t), eeaPolicy)
	root := t.TempDir()
	dir = filepath.Join(root, "contrib-dataset")
	zipPath = filepath.Join(root, "contrib-dataset.zip")
	zf, err := os.Create(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(zf)
	put := func(rel string, body []byte) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create("contrib-dataset/" + rel)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	put("README.md", []byte("# Open Terms Archive dataset\n"))
	for from, to := range otaNames {
		body, err := os.ReadFile(filepath.Join(corpus, from))
		if err != nil {
			t.Fatal(err)
		}
		put("WhatsApp/Privacy Policy/"+to, body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zf.Close(); err != nil {
		t.Fatal(err)
	}
	return dir, zipPath
}

// TestImportArchive imports Open Terms Archive's layout from a folder and
// from a .zip file, and plain dated files with their archive named, then
// expects every version to cite the original page and the archive, and
// crawls the whole site built on the database: no page may show the local
// folder, a file:// address or an HTTP status of 0.
func TestImportArchive(t *testing.T) {
	dir, zipPath := otaDataset(t)
	plain := t.TempDir()
	var plainFiles []string
	for _, name := range []string{"2021-01-01.md", "2021-04-29.md"} {
		body, err := os.ReadFile(filepath.Join(corpustest.Dir(t), eeaPolicy, name))
		if err != nil {
			t.Fatal(err)
		}
		plainFiles = append(plainFiles, writeFile(t, plain, name, string(body)))
	}
	const blob = "https://github.com/OpenTermsArchive/contrib-versions/blob/main/"
	tests := []importCase{
		{"folder", []string{"import", "--map", "WhatsApp/Privacy Policy=" + eeaPolicy, dir, "--archive-url", blob + "{path}"},
			dir, "Open Terms Archive", "ODC-By 1.0", blob + "WhatsApp/Privacy%20Policy/2021-04-29T09-00-00Z.md", len(otaNames)},
		{"zip", []string{"import", "--map", "WhatsApp/Privacy Policy=" + eeaPolicy, zipPath},
			filepath.Dir(zipPath), "Open Terms Archive", "ODC-By 1.0", "", len(otaNames)},
		{"dated files", append([]string{"import", eeaPolicy, "--archive", "TOSBack", "--archive-license", "CC BY 4.0",
			"--archive-url", "https://example.org/tosback/{file}", "--source-url", "https://www.whatsapp.com/legal/privacy-policy-eea"}, plainFiles...),
			plain, "TOSBack", "CC BY 4.0", "https://example.org/tosback/2021-04-29.md", len(plainFiles)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dbPath := filepath.Join(t.TempDir(), "cw.db")
			ctx := context.Background()
			code, stdout, stderr := cli(t, ctx, nil, append(tt.args, "--db", dbPath, "--history=false")...)
			if code != exitOK {
				t.Fatalf("import: exit %d, stdout %q, stderr %q", code, stdout, stderr)
			}
			db := openDB(t, dbPath)
			versions, err := db.Versions(ctx, eeaPolicy)
			if err != nil || len(versions) < 2 || len(versions) > tt.versions {
				t.Fatalf("%d versions (%v), want 2 to %d\n%s", len(versions), err, tt.versions, stdout)
			}
			wantURL := eeaPolicyURL
			if tt.name == "dated files" {
				wantURL = "https://www.whatsapp.com/legal/privacy-policy-eea"
			}
			foundLink := false
			for _, v := range versions {
				src := v.Source
				if src.URL != wantURL || !src.Imported || src.Archive != tt.archive || src.ArchiveLicense != tt.license {
					t.Errorf("version %d cites %+v, want %s archived by %s (%s)", v.ID, src, wantURL, tt.archive, tt.license)
				}
				if v.FetchedAt.Format(time.DateOnly) == "2021-04-29" {
					foundLink = src.ArchiveURL == tt.link
					if !foundLink {
						t.Errorf("version of 2021-04-29 links %q, want %q", src.ArchiveURL, tt.link)
					}
				}
			}
			if !foundLink {
				t.Error("no version fetched on 2021-04-29")
			}
			code, stdout, stderr = cli(t, ctx, nil, "history", eeaPolicy, "--format", "json", "--db", dbPath)
			var hist []versionJSON
			if err := json.Unmarshal([]byte(stdout), &hist); code != exitOK || err != nil || len(hist) != len(versions) {
				t.Fatalf("history: exit %d, %v, stderr %q", code, err, stderr)
			}
			if h := hist[0]; h.SourceURL != wantURL || !h.Imported || h.Archive != tt.archive || h.ArchiveLicense != tt.license {
				t.Errorf("history cites %+v, want %s archived by %s (%s)", h, wantURL, tt.archive, tt.license)
			}
			// The zip goes through the same import as the folder once
			// read; the crawl of every page, the slowest part under
			// -race, is done for the folder and the dated files.
			if tt.name != "zip" {
				checkPages(t, crawl(t, db), tt, wantURL)
			}
		})
	}
}

// importCase is one way of importing archived copies.
type importCase struct {
	name    string
	args    []string
	local   string // the folder the files came from, which no page may show
	archive string
	license string
	// link is the archive link of the version fetched on 2021-04-29.
	link     string
	versions int
}

// checkPages asserts what no crawled page may show (the local folder, a
// file:// address, an HTTP status of 0), and that version, snapshot and
// change pages cite the original page and the archive as an archived copy.
func checkPages(t *testing.T, pages map[string]string, tt importCase, source string) {
	t.Helper()
	kinds := map[string]int{}
	for p, page := range pages {
		text := pageText(page)
		for _, bad := range []string{tt.local, filepath.ToSlash(tt.local), "file://", "file:%2F%2F"} {
			if strings.Contains(page, bad) {
				t.Errorf("%s shows %q", p, bad)
			}
		}
		for _, bad := range []string{"HTTP status 0", "Estado HTTP 0"} {
			if strings.Contains(text, bad) {
				t.Errorf("%s shows %q", p, bad)
			}
		}
		kind, id, _ := strings.Cut(strings.TrimPrefix(p, "/"), "/")
		if id == "" || strings.Contains(p, "?") || strings.HasSuffix(p, "/raw") || (kind != "versions" && kind != "snapshots" && kind != "changes") {
			continue
		}
		kinds[kind]++
		want := []string{"archived copy, fetched by " + tt.archive + " at", source, "licence " + tt.license}
		for _, w := range want {
			if !strings.Contains(text, html.UnescapeString(w)) {
				t.Errorf("%s does not say %q", p, w)
			}
		}
		if kind == "snapshots" && !strings.Contains(text, "credit the archive") && !strings.Contains(text, "Credit the archive") {
			t.Errorf("%s does not ask to credit the archive", p)
		}
	}
	for _, k := range []string{"versions", "snapshots", "changes"} {
		if kinds[k] == 0 {
			t.Errorf("the crawl reached no %s page (pages: %d)", k, len(pages))
		}
	}
	if tt.link != "" {
		found := false
		for _, page := range pages {
			found = found || strings.Contains(page, `href="`+tt.link+`"`)
		}
		if !found {
			t.Errorf("no page links the archived copy %s", tt.link)
		}
	}
}

// crawl serves db with package web and fetches every page reachable from
// "/" through same-site links, returning each page's body by path.
func crawl(t *testing.T, db *data.DB) map[string]string {
	t.Helper()
	clock := func() time.Time { return time.Date(2026, 8, 1, 12, 0, 0, 0, time.UTC) }
	s, err := web.New(db, clock, slog.New(slog.DiscardHandler), web.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	base, _ := url.Parse(srv.URL + "/")
	// Every link, script, stylesheet and form. Links marked nofollow are
	// left out as a search engine leaves them: they are the topic and
	// severity filters of a page already crawled (the same page, fewer
	// clauses), and their combinations would multiply the crawl.
	tagRe := regexp.MustCompile(`<(?:a|link|script|img|form)\b[^>]*>`)
	href := regexp.MustCompile(`\b(?:href|src|action)="([^"]*)"`)
	pages := map[string]string{}
	queue := []string{"/"}
	seen := map[string]bool{"/": true}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		resp, err := srv.Client().Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		// Subscriptions are not configured here: that page says so with 503.
		if resp.StatusCode != http.StatusOK && !(strings.HasPrefix(p, "/subscribe") && resp.StatusCode == http.StatusServiceUnavailable) {
			t.Errorf("GET %s: %d", p, resp.StatusCode)
			continue
		}
		pages[p] = string(b)
		if len(pages) > 3000 {
			t.Fatalf("more than 3000 pages reachable from /: the crawl does not end")
		}
		for _, tag := range tagRe.FindAllString(string(b), -1) {
			m := href.FindStringSubmatch(tag)
			if m == nil || strings.Contains(tag, "nofollow") {
				continue
			}
			u, err := base.Parse(html.UnescapeString(m[1]))
			if err != nil || u.Host != base.Host {
				continue
			}
			u.Fragment = ""
			next := u.RequestURI()
			if !seen[next] {
				seen[next] = true
				queue = append(queue, next)
			}
		}
	}
	return pages
}

// pageText is a page's text without markup, for phrases split by tags.
func pageText(page string) string {
	tag := regexp.MustCompile(`<[^>]*>`)
	return strings.Join(strings.Fields(html.UnescapeString(tag.ReplaceAllString(page, " "))), " ")
}

// TestImportArchiveUsage checks that a mistaken import names the flag or
// file at fault and says what to do, before anything is stored.
func TestImportArchiveUsage(t *testing.T) {
	dir := t.TempDir()
	ds := filepath.Join(dir, "dataset")
	if err := os.MkdirAll(filepath.Join(ds, "WhatsApp", "Privacy Policy"), 0o755); err != nil {
		t.Fatal(err)
	}
	md := writeFile(t, filepath.Join(ds, "WhatsApp", "Privacy Policy"), "2021-01-04T10-20-30Z.md", "# Privacy Policy\n\nWe share.\n")
	const m = "WhatsApp/Privacy Policy=" + eeaPolicy
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"map without a terms type", []string{"--map", "WhatsApp=" + eeaPolicy, ds}, []string{"--map", "SERVICE/TERMS TYPE=ID"}},
		{"map to an unknown document", []string{"--map", "WhatsApp/Privacy Policy=nope", ds}, []string{"unknown document", "nope"}},
		{"terms type not in the dataset", []string{"--map", "WhatsApp/Terms of Service=" + eeaPolicy, ds}, []string{"WhatsApp/Terms of Service", "holds only WhatsApp/Privacy Policy"}},
		{"map with a file", []string{"--map", m, md}, []string{md, "dataset folders or .zip files"}},
		{"map without a dataset", []string{"--map", m}, []string{"--map wants at least one dataset"}},
		{"folder without map", []string{eeaPolicy, ds}, []string{ds, "--map 'SERVICE/TERMS TYPE=" + eeaPolicy + "'"}},
		{"source URL of a local file", []string{eeaPolicy, md, "--source-url", "file://" + md}, []string{"--source-url", "http or https"}},
		{"archive link not a web address", []string{"--map", m, ds, "--archive-url", "/srv/archive/{path}"}, []string{"--archive-url", "http or https"}},
		{"one source URL for two documents", []string{"--map", m, "--map", "WhatsApp/Terms=whatsapp-terms-of-service-eea", ds, "--source-url", "https://example.org/"}, []string{"--source-url", "one --map at a time"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dbPath := filepath.Join(t.TempDir(), "cw.db")
			code, stdout, stderr := cli(t, context.Background(), nil, append(append([]string{"import"}, tt.args...), "--db", dbPath)...)
			if code != exitUsage {
				t.Fatalf("exit %d, stdout %q, stderr %q; want %d", code, stdout, stderr, exitUsage)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q does not say %q", stderr, w)
				}
			}
			if _, err := os.Stat(dbPath); err == nil {
				db := openDB(t, dbPath)
				if fs, err := db.Fetches(context.Background(), eeaPolicy, 0); err != nil || len(fs) != 0 {
					t.Errorf("stored %d fetches (%v) after a usage error", len(fs), err)
				}
			}
		})
	}
}
