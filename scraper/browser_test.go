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
	f := NewBrowserFetcher(BrowserOptions{ExecPath: path, Now: func() time.Time { return clockStart }})
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

	// An error status comes back as a response, without waiting for WaitFor:
	// the 404 page never holds #policy, so a fetch that waited for it could
	// only end in a timeout error.
	resp, err = f.Fetch(context.Background(), Request{URL: srv.URL + "/gone", WaitFor: []string{"#policy"}})
	if err != nil {
		t.Fatalf("404 page: %v (did the fetch wait for WaitFor?)", err)
	}
	if resp.Status != http.StatusNotFound || Title(resp.Body, resp.ContentType()) != "Page not found" {
		t.Errorf("404 page: status %d, title %q", resp.Status, Title(resp.Body, resp.ContentType()))
	}

	// Nothing listens on a closed port.
	srvURL := srv.URL
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	_, err = f.Fetch(context.Background(), Request{URL: closedURL})
	fetchError(t, err, ClassConnect)

	// A selector that never matches times out within the fetcher's Timeout,
	// which is shorter than a busy machine can take to start Chromium: the
	// start is not bounded by it.
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

// TestBrowserStartTimeout checks that starting Chromium is bounded by
// StartTimeout and the caller's context, and not by the fetch timeout. The
// timeouts are either far longer or far shorter than any start can take, so
// the outcome does not depend on how busy the machine is.
func TestBrowserStartTimeout(t *testing.T) {
	path := browserPath(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "<html><body><p>Policy</p></body></html>")
	}))
	defer srv.Close()
	closeFetcher := func(f *BrowserFetcher) {
		if err := f.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	}

	// A fetch timeout too short for anything still lets the browser start,
	// and the fetch then fails as a timeout, not as a failed start.
	short := NewBrowserFetcher(BrowserOptions{ExecPath: path, Timeout: time.Nanosecond})
	defer closeFetcher(short)
	_, err := short.Fetch(context.Background(), Request{URL: srv.URL})
	if fe := fetchError(t, err, ClassTimeout); strings.Contains(fe.Error(), "start ") {
		t.Errorf("the fetch timeout cut the browser's start short: %v", err)
	}
	short.mu.Lock()
	running := short.browserCtx != nil && short.browserCtx.Err() == nil
	short.mu.Unlock()
	if !running {
		t.Error("after a timed out fetch the browser is not running")
	}

	// A start that outlasts StartTimeout fails as a browser failure and
	// leaves no browser behind.
	noStart := NewBrowserFetcher(BrowserOptions{ExecPath: path, StartTimeout: time.Nanosecond})
	defer closeFetcher(noStart)
	_, err = noStart.Fetch(context.Background(), Request{URL: srv.URL})
	if fe := fetchError(t, err, ClassBrowser); !strings.Contains(fe.Error(), "start ") {
		t.Errorf("err = %v, want a failed start", err)
	}
	noStart.mu.Lock()
	if noStart.browserCtx != nil {
		t.Error("a browser that did not start in time was kept")
	}
	noStart.mu.Unlock()

	// A canceled caller does not wait for the browser to start.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	canceled := NewBrowserFetcher(BrowserOptions{ExecPath: path})
	defer closeFetcher(canceled)
	_, err = canceled.Fetch(ctx, Request{URL: srv.URL})
	fetchError(t, err, ClassCanceled)
	canceled.mu.Lock()
	if canceled.browserCtx != nil {
		t.Error("a start the caller canceled left a browser running")
	}
	canceled.mu.Unlock()
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

// TestBrowserTabsRunTogether renders pages in Tabs tabs at once and never
// more: the server holds every page until two requests for pages are in
// flight, so the test only passes when two tabs really load at the same
// time, whatever the speed of the machine.
func TestBrowserTabsRunTogether(t *testing.T) {
	path := browserPath(t)
	const tabs = 2
	var (
		mu       sync.Mutex
		inFlight int
		most     int
		pair     = make(chan struct{})
		paired   bool
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/policy/") {
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		inFlight++
		most = max(most, inFlight)
		if inFlight == tabs && !paired {
			paired = true
			close(pair)
		}
		mu.Unlock()
		defer func() {
			mu.Lock()
			inFlight--
			mu.Unlock()
		}()
		select {
		case <-pair:
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<html><body><main><p>Policy %s: we share your data with nobody.</p></main></body></html>`, r.URL.Path)
	}))
	defer srv.Close()

	b := NewBrowserFetcher(BrowserOptions{ExecPath: path, Timeout: 2 * time.Minute, Tabs: tabs})
	defer b.Close()
	const pages = 5
	errs := make(chan error, pages)
	for i := range pages {
		go func() {
			resp, err := b.Fetch(context.Background(), Request{URL: fmt.Sprintf("%s/policy/%d", srv.URL, i), WaitFor: []string{"main"}})
			if err == nil && !strings.Contains(string(resp.Body), fmt.Sprintf("Policy /policy/%d:", i)) {
				err = fmt.Errorf("page %d: body without its text: %.200s", i, resp.Body)
			}
			errs <- err
		}()
	}
	for range pages {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if most != tabs {
		t.Errorf("at most %d pages loaded at once, want %d (Tabs)", most, tabs)
	}
}
