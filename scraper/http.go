package scraper

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultUserAgent says who is fetching and where to complain, so that site
// operators can tell clausewatch from an attack and reach its maintainers.
const DefaultUserAgent = "clausewatch/0.1 (+https://github.com/clausewatch/clausewatch; policy change tracker)"

// acceptHTML asks for HTML first; plain text and anything else are still
// taken, since some policies are published as text.
const acceptHTML = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8,*/*;q=0.5"

// HTTPOptions configure an HTTPFetcher. Zero values take the defaults.
type HTTPOptions struct {
	UserAgent    string        // default DefaultUserAgent
	MaxBody      int64         // default 10 MiB; a longer body is an Error of class "too-large"
	MinGap       time.Duration // minimum gap between two requests to the same host (zero or negative: none; the config's default is 2s); requests to one host are also never concurrent
	MaxRedirects int           // default 5; one more is an Error of class "redirects"
	Now          func() time.Time

	// Sleep waits for d or until ctx is done, whichever comes first, and
	// returns ctx.Err() in the latter case. Tests inject one that advances
	// a fake clock, so the per-host gap is checked without waiting.
	Sleep func(ctx context.Context, d time.Duration) error
}

// NewHTTPClient returns the client main builds and injects: connectTimeout
// bounds the TCP connect and the TLS handshake, totalTimeout the wait for
// the response headers and the whole exchange including the body. Zero
// values take 10 s and 60 s. Its dialer enforces the redirect policy
// (guard.go).
func NewHTTPClient(connectTimeout, totalTimeout time.Duration) *http.Client {
	return NewHTTPClientWith(ClientOptions{ConnectTimeout: connectTimeout, Timeout: totalTimeout})
}

// ClientOptions configure NewHTTPClientWith. Zero values take the defaults.
type ClientOptions struct {
	ConnectTimeout time.Duration // default 10 s
	Timeout        time.Duration // default 60 s
	// Resolve looks up a host's addresses; default the system resolver.
	// The redirect policy checks what it returns.
	Resolve func(ctx context.Context, host string) ([]netip.Addr, error)
	// Dial connects to an address the policy allowed; default a
	// net.Dialer. Tests inject one that sends a fake public address to
	// a loopback server, so that a public page redirecting to an internal
	// address can be played on loopback.
	Dial func(ctx context.Context, network, address string) (net.Conn, error)
}

// NewHTTPClientWith is NewHTTPClient with every option. Connections are
// kept alive, a few per host for a short while, since a host often serves
// several documents (a service's policy, terms and their translations). A
// pooled connection skips the dialer, and with it the redirect policy, so
// HTTPFetcher uses the pool for a document's own URL only, telling the
// policy what address the reused connection goes to, and follows redirects
// on fresh connections.
func NewHTTPClientWith(o ClientOptions) *http.Client {
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = 10 * time.Second
	}
	if o.Timeout <= 0 {
		o.Timeout = 60 * time.Second
	}
	if o.Resolve == nil {
		o.Resolve = func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		}
	}
	if o.Dial == nil {
		o.Dial = (&net.Dialer{Timeout: o.ConnectTimeout, KeepAlive: 30 * time.Second}).DialContext
	}
	return &http.Client{
		Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           guardedDialer{resolve: o.Resolve, dial: o.Dial}.DialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          64,
			MaxIdleConnsPerHost:   2,
			IdleConnTimeout:       30 * time.Second,
			TLSHandshakeTimeout:   o.ConnectTimeout,
			ResponseHeaderTimeout: o.Timeout,
			ExpectContinueTimeout: time.Second,
		},
		Timeout: o.Timeout,
	}
}

// HTTPFetcher fetches pages with plain HTTP GET requests, politely: one
// request at a time per host, with a minimum gap between them.
type HTTPFetcher struct {
	client *http.Client
	// fresh follows redirects on connections dialled for them, so that
	// every hop after the first is checked by the redirect policy.
	fresh *http.Client
	opts  HTTPOptions
	hosts *hostLimiter
}

// NewHTTPFetcher returns a fetcher that sends its requests through client.
// The client is copied for each request to set the redirect policy, so the
// caller's client is never modified and may be shared.
func NewHTTPFetcher(client *http.Client, opts HTTPOptions) *HTTPFetcher {
	if client == nil {
		client = NewHTTPClient(0, 0)
	}
	if opts.UserAgent == "" {
		opts.UserAgent = DefaultUserAgent
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = 10 << 20
	}
	if opts.MaxRedirects <= 0 {
		opts.MaxRedirects = 5
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Sleep == nil {
		opts.Sleep = sleepContext
	}
	fresh := *client
	if t, ok := client.Transport.(*http.Transport); ok {
		t = t.Clone()
		t.DisableKeepAlives = true
		fresh.Transport = t
	}
	return &HTTPFetcher{
		client: client,
		fresh:  &fresh,
		opts:   opts,
		hosts:  &hostLimiter{gap: opts.MinGap, now: opts.Now, sleep: opts.Sleep, hosts: map[string]*hostSlot{}},
	}
}

// Fetch sends a GET for req.URL. A response of any status is returned as a
// Response; errors are *Error values classifying a transport failure.
func (f *HTTPFetcher) Fetch(ctx context.Context, req Request) (*Response, error) {
	u, err := url.Parse(req.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		if err == nil {
			err = fmt.Errorf("document %s: URL must be absolute http or https, check its url field", req.DocumentID)
		}
		return nil, &Error{Class: ClassNetwork, URL: req.URL, Err: err}
	}
	host := strings.ToLower(u.Host)
	if err := f.hosts.acquire(ctx, host); err != nil {
		return nil, &Error{Class: classify(err), URL: req.URL, Err: fmt.Errorf("waiting for host %s: %w", host, err)}
	}
	defer f.hosts.release(host)

	// The redirect chain's policy travels in the context to the dialer. A
	// pooled connection was dialled under some document's policy, so it
	// never goes to a forbidden address, but the chain must still learn
	// where it starts: the trace tells the policy.
	hopCtx := withHopPolicy(ctx)
	hopCtx = httptrace.WithClientTrace(hopCtx, &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		if info.Reused {
			reusedConn(hopCtx, info.Conn)
		}
	}})
	hreq, err := http.NewRequestWithContext(hopCtx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, &Error{Class: ClassNetwork, URL: req.URL, Err: err}
	}
	hreq.Header.Set("User-Agent", f.opts.UserAgent)
	hreq.Header.Set("Accept", acceptHTML)
	hreq.Header.Set("Accept-Language", acceptLanguage(req.Language))
	if req.ETag != "" {
		hreq.Header.Set("If-None-Match", req.ETag)
	}
	if req.LastModified != "" {
		hreq.Header.Set("If-Modified-Since", req.LastModified)
	}

	// The document's own URL may go over a pooled connection. Its first
	// redirect ends that exchange, and the chain goes on from there on
	// fresh connections, each dialled, and checked, under the chain's
	// policy.
	var redirects []string
	client := *f.client
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	start := f.opts.Now()
	resp, err := client.Do(hreq)
	if err == nil && isRedirect(resp) {
		resp, err = f.followRedirect(hopCtx, hreq, resp, &redirects)
	}
	if err != nil {
		return nil, &Error{Class: classify(err), URL: req.URL, Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		if d, ok := retryAfter(resp.Header.Get("Retry-After"), f.opts.Now()); ok {
			f.hosts.holdOff(host, f.opts.Now().Add(d))
		}
	}
	final := resp.Request.URL.String()
	if resp.ContentLength > f.opts.MaxBody {
		return nil, &Error{Class: ClassTooLarge, URL: final,
			Err: fmt.Errorf("Content-Length %d over the limit of %d bytes: %w", resp.ContentLength, f.opts.MaxBody, errTooLarge)}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.opts.MaxBody+1))
	if err != nil {
		return nil, &Error{Class: classify(err), URL: final, Err: fmt.Errorf("read body: %w", err)}
	}
	if int64(len(body)) > f.opts.MaxBody {
		return nil, &Error{Class: ClassTooLarge, URL: final,
			Err: fmt.Errorf("body over the limit of %d bytes: %w", f.opts.MaxBody, errTooLarge)}
	}
	return &Response{
		URL:         final,
		Redirects:   redirects,
		Status:      resp.StatusCode,
		Header:      resp.Header,
		Body:        body,
		Conditional: req.ETag != "" || req.LastModified != "",
		StartedAt:   start.UTC(),
		Duration:    f.opts.Now().Sub(start),
	}, nil
}

// followRedirect follows the redirect first answered to req on fresh
// connections, as net/http would have, appending each hop to redirects.
func (f *HTTPFetcher) followRedirect(ctx context.Context, req *http.Request, first *http.Response, redirects *[]string) (*http.Response, error) {
	first.Body.Close()
	loc, err := first.Location()
	if err != nil {
		return nil, fmt.Errorf("redirect from %s: %w", req.URL, err)
	}
	if loc.Scheme != "http" && loc.Scheme != "https" {
		return nil, &url.Error{Op: "Get", URL: loc.String(), Err: fmt.Errorf("redirect to %s, which is not http or https: %w", loc, errRedirectRefused)}
	}
	*redirects = append(*redirects, loc.String())
	next, err := http.NewRequestWithContext(ctx, http.MethodGet, loc.String(), nil)
	if err != nil {
		return nil, err
	}
	next.Header = req.Header.Clone()
	client := *f.fresh
	client.CheckRedirect = func(r *http.Request, via []*http.Request) error {
		// via holds the hops on fresh connections; the first redirect
		// came before them.
		if len(via)+1 > f.opts.MaxRedirects {
			return fmt.Errorf("more than %d redirects, last to %s: %w", f.opts.MaxRedirects, r.URL, errTooManyRedirects)
		}
		if r.URL.Scheme != "http" && r.URL.Scheme != "https" {
			return fmt.Errorf("redirect to %s, which is not http or https: %w", r.URL, errRedirectRefused)
		}
		*redirects = append(*redirects, r.URL.String())
		return nil
	}
	return client.Do(next)
}

// isRedirect says whether resp is a redirect the client would follow.
func isRedirect(resp *http.Response) bool {
	switch resp.StatusCode {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return resp.Header.Get("Location") != ""
	}
	return false
}

// sleepContext waits for d unless ctx is done first.
func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// hostLimiter serializes the requests to each host and spaces them by gap,
// measured from the end of one request to the start of the next, so that a
// slow server is never hit harder because it is slow.
type hostLimiter struct {
	gap   time.Duration
	now   func() time.Time
	sleep func(context.Context, time.Duration) error

	mu    sync.Mutex
	hosts map[string]*hostSlot
}

type hostSlot struct {
	busy chan struct{} // holds one token while a request to the host runs
	last time.Time     // when the last request to the host finished
	// notBefore is when the host, answering 429 or 503 with Retry-After,
	// asked to be left alone until; zero when it did not.
	notBefore time.Time
}

// maxRetryAfter bounds how long a Retry-After keeps clausewatch away from
// a host: a server asking for a week must not stop tracking for a week.
const maxRetryAfter = 24 * time.Hour

// retryAfter reads a Retry-After header (RFC 9110: seconds, or an HTTP
// date) as a wait from now, at most maxRetryAfter; ok is false when the
// header is absent, malformed or asks for no wait.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	var d time.Duration
	if n, err := strconv.ParseUint(v, 10, 63); err == nil {
		d = time.Duration(min(n, uint64(maxRetryAfter/time.Second))) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	} else {
		return 0, false
	}
	if d <= 0 {
		return 0, false
	}
	return min(d, maxRetryAfter), true
}

// holdOff keeps requests away from host until t, unless an earlier answer
// already asked for longer.
func (l *hostLimiter) holdOff(host string, t time.Time) {
	s := l.slot(host)
	l.mu.Lock()
	defer l.mu.Unlock()
	if t.After(s.notBefore) {
		s.notBefore = t
	}
}

func (l *hostLimiter) slot(host string) *hostSlot {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.hosts[host]
	if !ok {
		s = &hostSlot{busy: make(chan struct{}, 1)}
		l.hosts[host] = s
	}
	return s
}

// acquire waits until no other request to host runs and the gap since the
// last one has passed, or until ctx is done.
//
// A host that asked to be left alone (Retry-After, see holdOff) is not
// waited for: the fetch fails at once with errRetryAfter, and the next
// scheduled fetch after the time it named goes ahead. Waiting up to a day
// would hold a scheduler run, and shutdown, for as long.
func (l *hostLimiter) acquire(ctx context.Context, host string) error {
	s := l.slot(host)
	select {
	case s.busy <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	l.mu.Lock()
	notBefore := s.notBefore
	l.mu.Unlock()
	if now := l.now(); now.Before(notBefore) {
		<-s.busy
		return fmt.Errorf("the server asked (Retry-After) not to be asked again before %s: %w", notBefore.UTC().Format(time.RFC3339), errRetryAfter)
	}
	if !s.last.IsZero() {
		if wait := s.last.Add(l.gap).Sub(l.now()); wait > 0 {
			if err := l.sleep(ctx, wait); err != nil {
				<-s.busy
				return err
			}
		}
	}
	return nil
}

// release records the end of the request to host and lets the next one in.
func (l *hostLimiter) release(host string) {
	s := l.slot(host)
	s.last = l.now()
	<-s.busy
}
