package main

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net"
	"net/http"
	"net/netip"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/scraper"
)

// offlineBrowser stands in for Chromium on a machine without a network:
// every page fails as a name lookup does.
type offlineBrowser struct{}

func (offlineBrowser) Fetch(_ context.Context, req scraper.Request) (*scraper.Response, error) {
	return nil, &scraper.Error{Class: scraper.ClassDNS, URL: req.URL, Err: &net.DNSError{Err: "no such host", Name: "mbasic.facebook.com", IsNotFound: true}}
}

// TestServeOffline is a first start of `serve` with the default config, a
// new database and no network (every name lookup fails, injected so the
// test never depends on the machine's network): the bundled history is
// there at once, the January 2021 update of WhatsApp's EEA policy is a
// change page with its headline, and the home page says in plain words, in
// English and Spanish, why the checks fail, with the raw error behind
// <details>. Bundled history alerts nobody.
func TestServeOffline(t *testing.T) {
	const eea = "whatsapp-privacy-policy-eea"
	resolve := func(_ context.Context, host string) ([]netip.Addr, error) {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	d := deps{
		client:  scraper.NewHTTPClientWith(scraper.ClientOptions{Resolve: resolve, Timeout: 5 * time.Second}),
		browser: offlineBrowser{},
		// The default config spreads first checks over 30 s and waits 2 s
		// between requests to one host; neither is what this test is about.
		// Only the two documents the test reads are kept: the EEA policy,
		// with its history, and the Spanish one, which has none. Loading
		// the other histories (Meta's 24 versions of 200 KB above all)
		// takes minutes under the race detector on a loaded machine;
		// TestLoad covers the loader and TestEmbeddedBundle every
		// document's bundle.
		adjust: func(c *config.Config) {
			c.Fetch.Jitter, c.Fetch.MinGap = 0, 0
			c.Documents = slices.DeleteFunc(c.Documents, func(d config.Document) bool {
				return d.ID != "whatsapp-privacy-policy-eea" && d.ID != "whatsapp-privacy-policy-es"
			})
		},
	}
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "cw.db")
	sv := serveInProcess(t, d, "--db", dbPath)
	addr := sv.addr
	get := func(path string) string {
		t.Helper()
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d, %v", path, resp.StatusCode, err)
		}
		return string(b)
	}
	// row returns the home page's row of a document.
	row := func(page, id string) string {
		_, rest, ok := strings.Cut(page, `id="doc-`+id+`"`)
		if !ok {
			t.Fatalf("no row for %s in the home page", id)
		}
		r, _, _ := strings.Cut(rest, "</tr>")
		return r
	}

	// The history is loaded before the first fetch, so it is on the
	// document's page as soon as serve answers.
	timeline := get("/documents/" + eea)
	for _, want := range []string{"opentermsarchive.org", "ODC-By 1.0", "this page has not yet been checked live"} {
		if !strings.Contains(timeline, want) {
			t.Errorf("timeline of %s lacks %q", eea, want)
		}
	}

	// The first check of every document fails; the home page explains it.
	var home string
	waitFor(t, func() bool {
		home = get("/?lang=en")
		return strings.Contains(row(home, eea), "status failing")
	})
	r := row(home, eea)
	for _, want := range []string{
		"cannot reach www.whatsapp.com: no network or DNS",
		"Check that this machine is online",
		"history from Open Terms Archive; not yet checked live",
		"<details class=\"raw\">",
	} {
		if !strings.Contains(r, want) {
			t.Errorf("home page row of %s lacks %q:\n%s", eea, want, r)
		}
	}
	_, raw, _ := strings.Cut(r, "<details")
	if raw, _, _ = strings.Cut(raw, "</details>"); !strings.Contains(html.UnescapeString(raw), "www.whatsapp.com") || !strings.Contains(raw, "no such host") {
		t.Errorf("raw error not behind <details>: %s", raw)
	}
	es := row(get("/?lang=es"), eea)
	for _, want := range []string{
		"no se puede llegar a www.whatsapp.com: no hay red o no funciona el DNS",
		"Comprueba que este equipo tiene conexión",
		"historial de Open Terms Archive; aún sin comprobar en directo",
		"Error tal como se registró",
	} {
		if !strings.Contains(es, want) {
			t.Errorf("Spanish home page row of %s lacks %q:\n%s", eea, want, es)
		}
	}

	// The Spanish policy has no bundled history: it fails without the note.
	if r := row(home, "whatsapp-privacy-policy-es"); !strings.Contains(r, "cannot reach www.whatsapp.com") || strings.Contains(r, "not yet checked live") {
		t.Errorf("home page row of the Spanish policy:\n%s", r)
	}

	// The January 2021 update: the change from the 2021-01-01 file to the
	// 2021-04-29 one, with the headline `changes` gives it.
	// --history=false: this serve left the other default documents out,
	// whose history `changes` would otherwise load.
	code, stdout, stderr := cli(t, context.Background(), nil, "changes", "--db", dbPath, "--doc", eea, "--format", "json", "--history=false")
	if code != exitOK {
		t.Fatalf("changes: exit %d, %s", code, stderr)
	}
	var changes []struct {
		ID       int64  `json:"id"`
		Detected string `json:"detected_at"`
		Headline string `json:"headline"`
		Alert    bool   `json:"alert"`
	}
	if err := json.Unmarshal([]byte(stdout), &changes); err != nil {
		t.Fatalf("changes --format json: %v\n%s", err, stdout)
	}
	var jan2021 int64
	var headline string
	for _, c := range changes {
		if strings.HasPrefix(c.Detected, "2021-04-29") {
			jan2021, headline = c.ID, c.Headline
		}
	}
	if jan2021 == 0 || headline == "" {
		t.Fatalf("no change to the 2021-04-29 version with a headline among %+v", changes)
	}
	page := get("/changes/" + itoa(jan2021))
	if !strings.Contains(html.UnescapeString(page), headline) {
		t.Errorf("change page %d lacks its headline %q", jan2021, headline)
	}
	if !strings.Contains(page, "opentermsarchive.org") {
		t.Errorf("change page %d does not credit Open Terms Archive", jan2021)
	}
	if !strings.Contains(timeline, "/changes/"+itoa(jan2021)) {
		t.Errorf("the timeline of %s does not link the January 2021 update", eea)
	}

	if code := sv.stop(); code != exitOK {
		t.Errorf("serve exit %d", code)
	}
	db := openDB(t, dbPath)
	counts, err := db.DeliveryCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for status, n := range counts {
		if n > 0 {
			t.Errorf("%d %s deliveries: bundled history must alert nobody", n, status)
		}
	}
	if f, err := db.Fetches(context.Background(), eea, 1); err != nil || len(f) != 1 || f[0].Outcome != data.Failed || f[0].ErrorClass != scraper.ClassDNS {
		t.Errorf("latest fetch of %s = %+v, %v; want a failed dns fetch", eea, f, err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestHistoryOff checks the off switches: with --history=false, or a
// config of its own that leaves the history key out, a command that
// creates the database (migrate) puts no bundled history in it.
func TestHistoryOff(t *testing.T) {
	dir := t.TempDir()
	const eea = "whatsapp-privacy-policy-eea"
	own := writeFile(t, dir, "own.yaml", "documents:\n  - id: "+eea+"\n    url: https://www.whatsapp.com/legal/privacy-policy-eea?lang=en\n    select: main\n")
	for name, args := range map[string][]string{
		"flag":       {"migrate", "--history=false"},
		"own config": {"migrate", "--config", own},
	} {
		t.Run(name, func(t *testing.T) {
			dbPath := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".db")
			if code, stdout, stderr := cli(t, context.Background(), nil, append(args, "--db", dbPath)...); code != exitOK {
				t.Fatalf("exit %d, %q %q", code, stdout, stderr)
			}
			if v, err := openDB(t, dbPath).Versions(context.Background(), eea); err != nil || len(v) != 0 {
				t.Errorf("%d versions, %v; want none", len(v), err)
			}
		})
	}
}
