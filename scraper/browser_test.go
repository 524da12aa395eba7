package scraper

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/policy"
)

// browserPath returns the Chromium to test with. Without one the test is
// skipped, except with CLAUSEWATCH_REQUIRE_BROWSER=1, where it fails.
func browserPath(t *testing.T) string {
	t.Helper()
	path, err := FindBrowser()
	if err != nil {
		if os.Getenv("CLAUSEWATCH_REQUIRE_BROWSER") == "1" {
			t.Fatalf("no browser, and CLAUSEWATCH_REQUIRE_BROWSER=1: %v", err)
		}
		t.Skipf("no browser to test with (install chromium or set CLAUSEWATCH_CHROMIUM): %v", err)
	}
	return path
}

// jsPage only holds its policy text after a script inserts it, so a plain
// HTTP fetch never sees it.
const jsPage = `<!DOCTYPE html><html><head><title>Policy</title></head><body>
<nav>Menu</nav><div id="app">Loading…</div>
<script>
setTimeout(function () {
  document.getElementById("app").innerHTML =
    '<div id="policy"><h2>How We Share Information</h2><p>We share your phone number with Meta.</p></div>';
}, 300);
</script></body></html>`

func TestBrowserFetchRendersJavaScript(t *testing.T) {
	path := browserPath(t)
	var (
		mu       sync.Mutex
		langSeen []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/policy":
			mu.Lock()
			langSeen = append(langSeen, r.Header.Get("Accept-Language"))
			mu.Unlock()
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("X-Policy-Version", "2021-01-04")
			fmt.Fprint(w, jsPage)
		case "/old":
			http.Redirect(w, r, "/moved", http.StatusMovedPermanently)
		case "/moved":
			http.Redirect(w, r, "/policy", http.StatusFound)
		case "/favicon.ico":
			http.NotFound(w, r)
		default:
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, "<html><head><title>Page not found</title></head><body><p>Sorry</p></body></html>")
		}
	}))
	defer srv.Close()

	// A plain HTTP fetch does not see the text.
	plain, err := NewHTTPFetcher(&http.Client{Timeout: 5 * time.Second}, HTTPOptions{}).Fetch(context.Background(), Request{URL: srv.URL + "/policy"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(plain.Body), "We share your phone number") && !strings.Contains(string(plain.Body), "innerHTML") {
		t.Fatal("test page is wrong: the text is in the static HTML")
	}
	if _, err := ExtractHTML(plain.Body, plain.ContentType(), Rules{Select: []string{"#policy"}}); !errors.Is(err, ErrNoMatch) {
		t.Fatalf("plain fetch: err = %v, want ErrNoMatch", err)
	}

	clockStart := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	f := NewBrowserFetcher(BrowserOptions{ExecPath: path, Timeout: 20 * time.Second, Now: func() time.Time { return clockStart }})
	defer func() {
		if err := f.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	}()

	resp, err := f.Fetch(context.Background(), Request{
		DocumentID: "test", URL: srv.URL + "/old", Language: "es", WaitFor: []string{"#missing", "#policy p"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 200 || resp.URL != srv.URL+"/policy" || !resp.Rendered {
		t.Errorf("status %d, URL %q, Rendered %v", resp.Status, resp.URL, resp.Rendered)
	}
	if want := []string{srv.URL + "/moved", srv.URL + "/policy"}; !slices.Equal(resp.Redirects, want) {
		t.Errorf("Redirects = %v, want %v", resp.Redirects, want)
	}
	if resp.Header.Get("X-Policy-Version") != "2021-01-04" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("headers of the document not captured: %v", resp.Header)
	}
	if !resp.StartedAt.Equal(clockStart) {
		t.Errorf("StartedAt = %v, want the injected clock's %v", resp.StartedAt, clockStart)
	}
	mu.Lock()
	if len(langSeen) == 0 || langSeen[len(langSeen)-1] != "es, en;q=0.5" {
		t.Errorf("Accept-Language seen by the server: %q", langSeen)
	}
	mu.Unlock()
	doc, err := ExtractHTML(resp.Body, resp.ContentType(), Rules{Select: []string{"#policy"}})
	if err != nil {
		t.Fatalf("rendered page: %v\n%s", err, resp.Body)
	}
	want := []policy.Block{
		{Kind: policy.Heading, Level: 2, Text: "How We Share Information"},
		{Kind: policy.Paragraph, Path: []string{"How We Share Information"}, Text: "We share your phone number with Meta."},
	}
	if !slices.EqualFunc(doc.Blocks, want, func(a, b policy.Block) bool {
		return a.Kind == b.Kind && a.Level == b.Level && a.Text == b.Text && slices.Equal(a.Path, b.Path)
	}) {
		t.Errorf("blocks = %+v, want %+v", doc.Blocks, want)
	}

	// An error status comes back as a response, without waiting for WaitFor.
	start := time.Now()
	resp, err = f.Fetch(context.Background(), Request{URL: srv.URL + "/gone", WaitFor: []string{"#policy"}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != http.StatusNotFound || Title(resp.Body, resp.ContentType()) != "Page not found" {
		t.Errorf("404 page: status %d, title %q", resp.Status, Title(resp.Body, resp.ContentType()))
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("the 404 fetch took %v: it waited for WaitFor", time.Since(start))
	}

	// Nothing listens on a closed port.
	srvURL := srv.URL
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	_, err = f.Fetch(context.Background(), Request{URL: closedURL})
	fetchError(t, err, ClassConnect)

	// A selector that never matches times out within the fetcher's Timeout.
	quick := NewBrowserFetcher(BrowserOptions{ExecPath: path, Timeout: 3 * time.Second})
	defer quick.Close()
	_, err = quick.Fetch(context.Background(), Request{URL: srvURL + "/policy", WaitFor: []string{"#never"}})
	fetchError(t, err, ClassTimeout)

	// A canceled context is reported as such.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = f.Fetch(ctx, Request{URL: srvURL + "/policy"})
	fetchError(t, err, ClassCanceled)
}

func TestFindBrowserEnvOverride(t *testing.T) {
	t.Setenv("CLAUSEWATCH_CHROMIUM", "/nonexistent/chromium-for-test")
	if _, err := FindBrowser(); err == nil || !strings.Contains(err.Error(), "CLAUSEWATCH_CHROMIUM") {
		t.Errorf("FindBrowser with a bad override: err = %v, want one naming CLAUSEWATCH_CHROMIUM", err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("CLAUSEWATCH_CHROMIUM", self)
	if got, err := FindBrowser(); err != nil || got != self {
		t.Errorf("FindBrowser = %q, %v; want the override %q", got, err, self)
	}
}
