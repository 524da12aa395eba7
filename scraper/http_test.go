package scraper

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock is the injected clock and sleep: sleeping advances the clock at
// once and records how long the fetcher wanted to wait.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	slept []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.FixedZone("CET", 3600))}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.slept = append(c.slept, d)
	return nil
}

func (c *fakeClock) Slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.slept)
}

func newTestFetcher(clock *fakeClock, opts HTTPOptions) *HTTPFetcher {
	opts.Now, opts.Sleep = clock.Now, clock.Sleep
	return NewHTTPFetcher(&http.Client{Timeout: 10 * time.Second}, opts)
}

func fetchError(t *testing.T, err error, class string) *Error {
	t.Helper()
	var fe *Error
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v (%T), want *scraper.Error of class %q", err, err, class)
	}
	if fe.Class != class {
		t.Fatalf("class = %q, want %q (err: %v)", fe.Class, class, err)
	}
	if !strings.HasPrefix(fe.Error(), "scraper: fetch "+fe.URL+": ") || fe.Reason() == "" {
		t.Errorf("Error() = %q, want \"scraper: fetch <url>: <reason>\"", fe.Error())
	}
	return fe
}

func TestHTTPFetchHeadersAndConditionalGET(t *testing.T) {
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.Header().Set("ETag", `"v1"`)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<p>Política</p>")
	}))
	defer srv.Close()
	clock := newFakeClock()
	f := newTestFetcher(clock, HTTPOptions{})

	resp, err := f.Fetch(context.Background(), Request{DocumentID: "wa-pp", URL: srv.URL + "/legal", Language: "es"})
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string]string{
		"User-Agent":      DefaultUserAgent,
		"Accept-Language": "es, en;q=0.5",
	}
	for h, want := range checks {
		if got.Get(h) != want {
			t.Errorf("%s = %q, want %q", h, got.Get(h), want)
		}
	}
	if !strings.HasPrefix(got.Get("Accept"), "text/html") {
		t.Errorf("Accept = %q, want HTML first", got.Get("Accept"))
	}
	if got.Get("If-None-Match") != "" || resp.Conditional {
		t.Errorf("unconditional request sent If-None-Match %q / Conditional %v", got.Get("If-None-Match"), resp.Conditional)
	}
	if resp.Status != 200 || string(resp.Body) != "<p>Política</p>" || resp.Header.Get("ETag") != `"v1"` {
		t.Errorf("response = %d %q %v", resp.Status, resp.Body, resp.Header)
	}
	if resp.URL != srv.URL+"/legal" || len(resp.Redirects) != 0 {
		t.Errorf("URL %q redirects %v", resp.URL, resp.Redirects)
	}
	if !resp.StartedAt.Equal(clock.Now()) || resp.StartedAt.Location() != time.UTC {
		t.Errorf("StartedAt = %v, want the injected clock's time in UTC", resp.StartedAt)
	}

	resp, err = f.Fetch(context.Background(), Request{URL: srv.URL + "/legal", ETag: `"v1"`, LastModified: "Wed, 04 Jan 2021 10:00:00 GMT"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Get("If-None-Match") != `"v1"` || got.Get("If-Modified-Since") != "Wed, 04 Jan 2021 10:00:00 GMT" {
		t.Errorf("conditional headers = %q, %q", got.Get("If-None-Match"), got.Get("If-Modified-Since"))
	}
	if got.Get("Accept-Language") != "en" {
		t.Errorf("Accept-Language without a language = %q, want en", got.Get("Accept-Language"))
	}
	if resp.Status != http.StatusNotModified || len(resp.Body) != 0 || !resp.Conditional {
		t.Errorf("304: status %d, body %q, Conditional %v", resp.Status, resp.Body, resp.Conditional)
	}

	custom := newTestFetcher(clock, HTTPOptions{UserAgent: "test-agent/1"})
	if _, err := custom.Fetch(context.Background(), Request{URL: srv.URL}); err != nil {
		t.Fatal(err)
	}
	if got.Get("User-Agent") != "test-agent/1" {
		t.Errorf("User-Agent = %q, want the configured one", got.Get("User-Agent"))
	}
}

func TestAcceptLanguage(t *testing.T) {
	tests := []struct{ lang, want string }{
		{"", "en"},
		{"en", "en"},
		{"es", "es, en;q=0.5"},
		{"fr", "fr, en;q=0.5"},
		{"pt-BR", "pt-BR, pt;q=0.8, en;q=0.5"},
		{"en-GB", "en-GB, en;q=0.8"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			if got := acceptLanguage(tt.lang); got != tt.want {
				t.Errorf("acceptLanguage(%q) = %q, want %q", tt.lang, got, tt.want)
			}
		})
	}
}

// redirectServer redirects /r/N to /r/N-1 until /r/0, which answers 200.
func redirectServer() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/r/"))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		if n > 0 {
			http.Redirect(w, r, fmt.Sprintf("/r/%d", n-1), http.StatusFound)
			return
		}
		fmt.Fprint(w, "arrived")
	}))
}

func TestHTTPRedirects(t *testing.T) {
	srv := redirectServer()
	defer srv.Close()
	client := &http.Client{Timeout: 10 * time.Second}
	clock := newFakeClock()
	f := NewHTTPFetcher(client, HTTPOptions{Now: clock.Now, Sleep: clock.Sleep})

	resp, err := f.Fetch(context.Background(), Request{URL: srv.URL + "/r/3"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{srv.URL + "/r/2", srv.URL + "/r/1", srv.URL + "/r/0"}
	if !slices.Equal(resp.Redirects, want) || resp.URL != srv.URL+"/r/0" || string(resp.Body) != "arrived" {
		t.Errorf("redirects %v, URL %q, body %q; want %v", resp.Redirects, resp.URL, resp.Body, want)
	}

	resp, err = f.Fetch(context.Background(), Request{URL: srv.URL + "/r/5"})
	if err != nil || len(resp.Redirects) != 5 {
		t.Errorf("5 redirects must be followed: %v, %v", resp, err)
	}

	_, err = f.Fetch(context.Background(), Request{URL: srv.URL + "/r/6"})
	fe := fetchError(t, err, ClassRedirects)
	if fe.URL != srv.URL+"/r/6" {
		t.Errorf("Error.URL = %q", fe.URL)
	}
	if client.CheckRedirect != nil {
		t.Error("the caller's client was modified")
	}
}

func TestHTTPBodyLimit(t *testing.T) {
	big := strings.Repeat("x", 2048)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/chunked":
			// No Content-Length: the limit must hold while reading.
			for range 4 {
				fmt.Fprint(w, big[:512])
				w.(http.Flusher).Flush()
			}
		case "/exact":
			fmt.Fprint(w, big[:1024])
		default:
			fmt.Fprint(w, big)
		}
	}))
	defer srv.Close()
	f := newTestFetcher(newFakeClock(), HTTPOptions{MaxBody: 1024})
	for _, path := range []string{"/length", "/chunked"} {
		_, err := f.Fetch(context.Background(), Request{URL: srv.URL + path})
		fetchError(t, err, ClassTooLarge)
	}
	resp, err := f.Fetch(context.Background(), Request{URL: srv.URL + "/exact"})
	if err != nil || len(resp.Body) != 1024 {
		t.Errorf("a body of exactly MaxBody must pass: %v", err)
	}
}

func TestHTTPErrorStatusIsAResponse(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		code, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/"))
		w.WriteHeader(code)
		fmt.Fprintf(w, "status %d", code)
	}))
	defer srv.Close()
	f := newTestFetcher(newFakeClock(), HTTPOptions{})
	for _, code := range []int{404, 500, 503} {
		resp, err := f.Fetch(context.Background(), Request{URL: fmt.Sprintf("%s/%d", srv.URL, code)})
		if err != nil {
			t.Fatalf("%d: err = %v, want a Response", code, err)
		}
		if resp.Status != code || string(resp.Body) != fmt.Sprintf("status %d", code) {
			t.Errorf("%d: got %d %q", code, resp.Status, resp.Body)
		}
	}
}

func TestHTTPPerHostSerialisationAndGap(t *testing.T) {
	var inFlight, maxInFlight, served atomic.Int32
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := maxInFlight.Load()
			if n <= m || maxInFlight.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(5 * time.Millisecond) // long enough for overlapping requests to show
		served.Add(1)
		fmt.Fprint(w, "ok")
	})
	hostA := httptest.NewServer(handler)
	defer hostA.Close()
	hostB := httptest.NewServer(handler)
	defer hostB.Close()

	clock := newFakeClock()
	gap := 2 * time.Second
	f := newTestFetcher(clock, HTTPOptions{MinGap: gap})

	const n = 6
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			_, err := f.Fetch(context.Background(), Request{URL: fmt.Sprintf("%s/doc/%d", hostA.URL, i)})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if maxInFlight.Load() != 1 || served.Load() != n {
		t.Fatalf("max concurrent requests to one host = %d (served %d), want 1", maxInFlight.Load(), served.Load())
	}
	slept := clock.Slept()
	if len(slept) != n-1 {
		t.Fatalf("slept %v, want %d waits of %v", slept, n-1, gap)
	}
	for _, d := range slept {
		if d != gap {
			t.Errorf("waited %v, want the full gap %v (the fake clock does not move during a request)", d, gap)
		}
	}

	// Another host does not wait for host A.
	if _, err := f.Fetch(context.Background(), Request{URL: hostB.URL}); err != nil {
		t.Fatal(err)
	}
	if len(clock.Slept()) != n-1 {
		t.Errorf("the first request to another host waited: %v", clock.Slept())
	}

	// Time already passed counts towards the gap.
	clock.Advance(1500 * time.Millisecond)
	if _, err := f.Fetch(context.Background(), Request{URL: hostB.URL}); err != nil {
		t.Fatal(err)
	}
	if s := clock.Slept(); s[len(s)-1] != 500*time.Millisecond {
		t.Errorf("waited %v after 1.5s, want 500ms", s[len(s)-1])
	}
	clock.Advance(3 * time.Second)
	before := len(clock.Slept())
	if _, err := f.Fetch(context.Background(), Request{URL: hostB.URL}); err != nil {
		t.Fatal(err)
	}
	if len(clock.Slept()) != before {
		t.Errorf("waited although the gap had passed: %v", clock.Slept())
	}
}

func TestHTTPCancel(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			select {
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		fmt.Fprint(w, "ok")
	}))
	defer srv.Close()
	defer close(release)

	// Canceled during the request.
	f := NewHTTPFetcher(&http.Client{}, HTTPOptions{MinGap: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := f.Fetch(ctx, Request{URL: srv.URL + "/slow"})
	fetchError(t, err, ClassCanceled)

	// Canceled while waiting for the per-host gap (real sleep, one hour).
	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err = f.Fetch(ctx, Request{URL: srv.URL + "/fast"})
	fetchError(t, err, ClassCanceled)
	if time.Since(start) > 5*time.Second {
		t.Errorf("cancel took %v", time.Since(start))
	}

	// A deadline is a timeout.
	g := NewHTTPFetcher(&http.Client{}, HTTPOptions{})
	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = g.Fetch(ctx, Request{URL: srv.URL + "/slow"})
	fetchError(t, err, ClassTimeout)
}

func TestHTTPTransportFailures(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String() + "/policy"
	ln.Close()

	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	}))
	defer slow.Close()
	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "secret")
	}))
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the failed handshake is the point
	tlsSrv.StartTLS()
	defer tlsSrv.Close()

	tests := []struct {
		name   string
		client *http.Client
		url    string
		class  string
	}{
		{"closed port", NewHTTPClient(time.Second, 5*time.Second), closed, ClassConnect},
		{"total timeout", NewHTTPClient(time.Second, 100*time.Millisecond), slow.URL, ClassTimeout},
		{"untrusted certificate", NewHTTPClient(time.Second, 5*time.Second), tlsSrv.URL, ClassTLS},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			f := NewHTTPFetcher(tt.client, HTTPOptions{Now: clock.Now, Sleep: clock.Sleep})
			_, err := f.Fetch(context.Background(), Request{DocumentID: "doc", URL: tt.url})
			fe := fetchError(t, err, tt.class)
			if fe.URL != tt.url || fe.Unwrap() == nil {
				t.Errorf("Error = %+v", fe)
			}
		})
	}

	f := NewHTTPFetcher(nil, HTTPOptions{})
	for _, bad := range []string{"ftp://example.com/x", "/relative", "http://"} {
		if _, err := f.Fetch(context.Background(), Request{DocumentID: "doc", URL: bad}); err == nil {
			t.Errorf("URL %q: no error", bad)
		}
	}
}

func TestClassify(t *testing.T) {
	wrap := func(err error) error {
		return &url.Error{Op: "Get", URL: "https://example.com", Err: err}
	}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"dns", wrap(&net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "nope.invalid", IsNotFound: true}}), ClassDNS},
		{"dns timeout is dns", wrap(&net.DNSError{Err: "timeout", IsTimeout: true}), ClassDNS},
		{"connect", wrap(&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}), ClassConnect},
		{"timeout", wrap(timeoutErr{}), ClassTimeout},
		{"deadline", wrap(context.DeadlineExceeded), ClassTimeout},
		{"canceled", wrap(context.Canceled), ClassCanceled},
		{"unknown authority", wrap(&tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}), ClassTLS},
		{"hostname", wrap(x509.HostnameError{Host: "example.com", Certificate: &x509.Certificate{}}), ClassTLS},
		{"record header", wrap(tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}), ClassTLS},
		{"alert", wrap(tls.AlertError(40)), ClassTLS},
		{"redirects", wrap(fmt.Errorf("stop: %w", errTooManyRedirects)), ClassRedirects},
		{"too large", fmt.Errorf("read: %w", errTooLarge), ClassTooLarge},
		{"other", wrap(errors.New("unexpected EOF")), ClassNetwork},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := classify(tt.err); got != tt.want {
				t.Errorf("classify(%v) = %q, want %q", tt.err, got, tt.want)
			}
		})
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestNewHTTPClient(t *testing.T) {
	c := NewHTTPClient(3*time.Second, 30*time.Second)
	tr, ok := c.Transport.(*http.Transport)
	if !ok {
		t.Fatalf("Transport is %T", c.Transport)
	}
	if c.Timeout != 30*time.Second || tr.TLSHandshakeTimeout != 3*time.Second || tr.ResponseHeaderTimeout != 30*time.Second {
		t.Errorf("timeouts: client %v, TLS %v, headers %v", c.Timeout, tr.TLSHandshakeTimeout, tr.ResponseHeaderTimeout)
	}
	if tr.DialContext == nil || tr.Proxy == nil {
		t.Error("dialer or proxy not set")
	}
}
