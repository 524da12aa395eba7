package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/scraper"
)

// jsPolicy puts its text in place from JavaScript, as Meta's printable policy
// does, so that only the browser fetcher sees it.
const jsPolicy = `<!DOCTYPE html><html lang="en"><head><title>Meta Privacy Policy</title></head>
<body><div id="root"></div><script>
setTimeout(function () {
  document.getElementById("root").innerHTML =
    "<h1>Meta Privacy Policy</h1><h2>How is information shared with third parties?</h2>" +
    "<p>We share information with advertisers, measurement partners and vendors who support our business.</p>" +
    "<p>We also share information with law enforcement in response to legal requests.</p>";
}, 150);
</script></body></html>`

// TestCheckBrowserDocument checks a browser: true document end to end: the
// command finds Chromium, renders the page, waits for the selected element to
// hold text and stores a version.
func TestCheckBrowserDocument(t *testing.T) {
	if _, err := scraper.FindBrowser(); err != nil {
		if os.Getenv("CLAUSEWATCH_REQUIRE_BROWSER") == "1" {
			t.Fatalf("CLAUSEWATCH_REQUIRE_BROWSER=1 but no browser: %v", err)
		}
		t.Skipf("no Chromium found (%v); install Debian's chromium to run this test", err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, jsPolicy)
	}))
	defer srv.Close()
	dir := t.TempDir()
	cfg := writeFile(t, dir, "c.yaml", fmt.Sprintf(`fetch:
  min_gap: 0s
  timeout: 30s
documents:
  - id: meta-privacy-policy
    url: %s/privacy/policy/printable/
    select: "#root"
    language: en
    browser: true
`, srv.URL))
	dbPath := filepath.Join(dir, "cw.db")
	code, stdout, stderr := cli(t, context.Background(), nil, "check", "--config", cfg, "--db", dbPath)
	if code != exitOK || !strings.HasPrefix(stdout, "meta-privacy-policy\tnew-version\t") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	db := openDB(t, dbPath)
	v, err := db.LatestVersion(context.Background(), "meta-privacy-policy")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(v.Text, "We share information with advertisers") {
		t.Errorf("version text %q lacks the rendered policy", v.Text)
	}
}
