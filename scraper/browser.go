package scraper

// This is the only file that imports chromedp: the browser is a volatile
// dependency, and keeping it behind the Fetcher interface in one file lets
// the rest of the package, and its tests, ignore it.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// The defaults of BrowserOptions' timeouts. Starting Chromium gets its own
// bound because a busy machine can take longer to start the browser than a
// page is allowed to take to render; a start cut short by the fetch timeout
// would fail every fetch instead of only the slow first one.
const (
	defaultBrowserTimeout      = 60 * time.Second
	defaultBrowserStartTimeout = 60 * time.Second
)

// BrowserOptions configure a BrowserFetcher.
type BrowserOptions struct {
	ExecPath string        // Chromium binary; FindBrowser finds one
	Timeout  time.Duration // bounds one whole fetch: opening its tab, navigation, waiting for WaitFor, reading the DOM (default defaultBrowserTimeout)
	// StartTimeout bounds starting Chromium, up to its first tab answering;
	// Timeout does not apply to it (default defaultBrowserStartTimeout).
	StartTimeout time.Duration
	UserAgent    string // empty keeps Chromium's own, which sites that need JavaScript expect
	Now          func() time.Time
	// Resolve looks up a host's addresses for the redirect policy
	// (guard.go); default the system resolver.
	Resolve func(ctx context.Context, host string) ([]netip.Addr, error)
	// HostResolverRules is passed to Chromium as --host-resolver-rules;
	// tests map fake public hosts to a loopback server with it.
	HostResolverRules string
	// Tabs bounds the fetches rendering at once, each in its own tab of
	// the one browser (default 1).
	Tabs int
}

// FindBrowser returns the Chromium to run: $CLAUSEWATCH_CHROMIUM if set,
// else the first of chromium, chromium-browser and google-chrome in PATH.
func FindBrowser() (string, error) {
	if p := os.Getenv("CLAUSEWATCH_CHROMIUM"); p != "" {
		found, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("scraper: find browser: CLAUSEWATCH_CHROMIUM=%s is not an executable: %w", p, err)
		}
		return found, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("scraper: find browser: no chromium, chromium-browser or google-chrome in PATH; " +
		"install one (apt-get install chromium) or set CLAUSEWATCH_CHROMIUM to its path")
}

// BrowserFetcher renders pages in headless Chromium, for documents whose
// text only appears after the page's scripts run. The browser starts on the
// first Fetch and keeps running until Close; each fetch uses its own tab,
// and at most Tabs fetches run at once to bound the memory the browser
// takes.
type BrowserFetcher struct {
	opts BrowserOptions
	tabs chan struct{} // a token per open tab

	mu            sync.Mutex
	allocCancel   context.CancelFunc
	browserCtx    context.Context
	browserCancel context.CancelFunc
}

// NewBrowserFetcher returns a fetcher that starts Chromium lazily.
func NewBrowserFetcher(opts BrowserOptions) *BrowserFetcher {
	if opts.Timeout <= 0 {
		opts.Timeout = defaultBrowserTimeout
	}
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = defaultBrowserStartTimeout
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Resolve == nil {
		opts.Resolve = func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		}
	}
	return &BrowserFetcher{opts: opts, tabs: make(chan struct{}, max(opts.Tabs, 1))}
}

// start launches Chromium if it is not running (or has died). The wait is
// bounded by StartTimeout and by ctx, so that a canceled fetch does not wait
// for a slow start, but never by the fetch timeout.
func (b *BrowserFetcher) start(ctx context.Context) (context.Context, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.browserCtx != nil && b.browserCtx.Err() == nil {
		return b.browserCtx, nil
	}
	b.stopLocked()
	path := b.opts.ExecPath
	if path == "" {
		p, err := FindBrowser()
		if err != nil {
			return nil, err
		}
		path = p
	}
	opts := HeadlessOptions(path)
	if b.opts.UserAgent != "" {
		opts = append(opts, chromedp.UserAgent(b.opts.UserAgent))
	}
	if b.opts.HostResolverRules != "" {
		opts = append(opts, chromedp.Flag("host-resolver-rules", b.opts.HostResolverRules))
	}
	// The browser outlives every single fetch, so it hangs off Background;
	// Close stops it.
	allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(), opts...)
	browserCtx, browserCancel := chromedp.NewContext(allocCtx)
	startCtx, cancel := context.WithTimeout(ctx, b.opts.StartTimeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- chromedp.Do(browserCtx) }()
	select {
	case err := <-done:
		if err != nil {
			browserCancel()
			allocCancel()
			return nil, fmt.Errorf("start %s: %w", path, err)
		}
	case <-startCtx.Done():
		browserCancel()
		allocCancel()
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("start %s: %w", path, err)
		}
		return nil, fmt.Errorf("start %s: no answer within %s", path, b.opts.StartTimeout)
	}
	b.allocCancel, b.browserCtx, b.browserCancel = allocCancel, browserCtx, browserCancel
	return browserCtx, nil
}

func (b *BrowserFetcher) stopLocked() error {
	var err error
	if b.browserCtx != nil {
		ctx, cancel := context.WithTimeout(b.browserCtx, 5*time.Second)
		err = chromedp.Cancel(ctx)
		cancel()
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			err = nil
		}
		b.browserCancel()
	}
	if b.allocCancel != nil {
		b.allocCancel()
	}
	b.allocCancel, b.browserCtx, b.browserCancel = nil, nil, nil
	return err
}

// Close stops Chromium, if it was started, and removes its profile.
func (b *BrowserFetcher) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.stopLocked(); err != nil {
		return fmt.Errorf("scraper: close browser: %w", err)
	}
	return nil
}

// waitForText is polled until one of the selectors (its argument)
// matches an element whose rendered text is not blank.
const waitForText = `(sels) => sels.some(s => Array.from(document.querySelectorAll(s)).some(e => (e.innerText || e.textContent || '').trim() !== ''))`

// Fetch renders req.URL in a new tab. The status and headers are those of
// the main document's navigation response; Body is the DOM serialized after
// one of req.WaitFor matched (see Response.Rendered). The browser cannot
// make conditional requests on our behalf, so ETag and LastModified are
// ignored and Conditional is false. Timeout bounds the work in the tab
// only: starting the browser is bounded by StartTimeout and ctx, and
// waiting for another fetch to finish with it by ctx alone.
func (b *BrowserFetcher) Fetch(ctx context.Context, req Request) (*Response, error) {
	var tabCtx context.Context // set once the tab has its deadline
	fail := func(class string, err error) (*Response, error) {
		switch {
		case ctx.Err() != nil:
			class = classify(ctx.Err())
		case tabCtx != nil && errors.Is(tabCtx.Err(), context.DeadlineExceeded):
			class = ClassTimeout
		}
		return nil, &Error{Class: class, URL: req.URL, Err: err}
	}
	select {
	case b.tabs <- struct{}{}:
		defer func() { <-b.tabs }()
	case <-ctx.Done():
		return fail(ClassCanceled, fmt.Errorf("waiting for the browser: %w", ctx.Err()))
	}
	browserCtx, err := b.start(ctx)
	if err != nil {
		return fail(ClassBrowser, err)
	}

	newTab, cancelTab := chromedp.NewContext(browserCtx)
	defer cancelTab()
	tabCtx, cancelTimeout := context.WithTimeout(newTab, b.opts.Timeout)
	defer cancelTimeout()
	stop := context.AfterFunc(ctx, cancelTab)
	defer stop()

	if err := chromedp.Do(tabCtx); err != nil {
		return fail(ClassBrowser, fmt.Errorf("open tab: %w", err))
	}
	mainFrame := cdp.FrameID(chromedp.FromContext(tabCtx).Target.TargetID)
	var (
		mu        sync.Mutex
		redirects []string
		refusal   error // why the main document was refused, if it was
	)
	guard := &browserGuard{resolve: b.opts.Resolve, policy: &hopPolicy{}, hosts: map[string][]netip.Addr{}}
	target := chromedp.FromContext(tabCtx).Target
	err = chromedp.Listen(tabCtx, func(ev any) {
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			if e.Type == network.ResourceTypeDocument && e.FrameID == mainFrame && e.RedirectResponse != nil && e.Request != nil {
				mu.Lock()
				redirects = append(redirects, e.Request.URL)
				mu.Unlock()
			}
		case *fetch.EventRequestPaused:
			// The listener must not block the event loop: answer the
			// paused request from a goroutine.
			go func() {
				err := guard.check(tabCtx, e.Request.URL)
				if err == nil {
					cdp.Call(tabCtx, target, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: e.RequestID})
					return
				}
				if e.ResourceType == network.ResourceTypeDocument && e.FrameID == mainFrame {
					mu.Lock()
					if refusal == nil {
						refusal = err
					}
					mu.Unlock()
				}
				cdp.Call(tabCtx, target, fetch.FailRequest, fetch.FailRequestParams{RequestID: e.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
			}()
		}
	})
	if err != nil {
		return fail(ClassBrowser, fmt.Errorf("listen: %w", err))
	}
	// Every request of the tab, the document's redirects and the page's
	// own requests alike, pauses until guard has checked where it goes.
	intercept := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*", RequestStage: fetch.RequestStageRequest}}})
		return err
	})
	if err := chromedp.Do(tabCtx, intercept); err != nil {
		return fail(ClassBrowser, fmt.Errorf("intercept requests: %w", err))
	}
	setLang := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
			Headers: network.Headers{"Accept-Language": acceptLanguage(req.Language)},
		})
		return err
	})
	if err := chromedp.Do(tabCtx, setLang); err != nil {
		return fail(ClassBrowser, fmt.Errorf("set Accept-Language: %w", err))
	}

	start := b.opts.Now()
	nav, err := chromedp.Run(tabCtx, chromedp.NavigateResponse(req.URL))
	if err != nil {
		mu.Lock()
		why := refusal
		mu.Unlock()
		if why != nil {
			return fail(classify(why), fmt.Errorf("navigate: %w", why))
		}
		return fail(loadErrorClass(err), fmt.Errorf("navigate: %w", err))
	}
	if nav == nil {
		return fail(ClassBrowser, errors.New("navigate: the browser reported no response for the document"))
	}
	if len(req.WaitFor) > 0 && nav.Status >= 200 && nav.Status < 300 {
		_, err := chromedp.Run(tabCtx, chromedp.PollFunction[bool](waitForText,
			chromedp.WithPollingArgs(req.WaitFor),
			chromedp.WithPollingInterval(100*time.Millisecond),
			chromedp.WithPollingTimeout(0)))
		if err != nil {
			return fail(ClassBrowser, fmt.Errorf("wait for text in %s: %w", strings.Join(req.WaitFor, ", "), err))
		}
	}
	html, err := chromedp.Run(tabCtx, chromedp.Evaluate[string](`document.documentElement.outerHTML`))
	if err != nil {
		return fail(loadErrorClass(err), fmt.Errorf("read DOM: %w", err))
	}
	mu.Lock()
	defer mu.Unlock()
	return &Response{
		URL:       nav.URL,
		Redirects: redirects,
		Status:    int(nav.Status),
		Header:    httpHeader(nav.Headers),
		Body:      []byte(html),
		StartedAt: start.UTC(),
		Duration:  b.opts.Now().Sub(start),
		Rendered:  true,
	}, nil
}

// browserGuard applies the redirect policy (guard.go) to the requests of
// one tab. Chromium resolves names itself, so the guard checks the
// addresses its own resolver gives for the host; a name that answers
// differently to Chromium a moment later (DNS rebinding) is not caught
// here, which the HTTP fetcher, dialling what it checked, does catch.
type browserGuard struct {
	resolve func(ctx context.Context, host string) ([]netip.Addr, error)
	policy  *hopPolicy

	mu    sync.Mutex
	hosts map[string][]netip.Addr // resolved once per fetch
}

// check says whether the tab may request rawURL: only http and https
// (data:, blob: and the like never reach the network and are not
// intercepted), and every address of its host allowed by the policy. A
// host that does not resolve is let through, for Chromium to fail on.
func (g *browserGuard) check(ctx context.Context, rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("request for %.200s: %w: %w", rawURL, err, errRedirectRefused)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("request for %s, which is not http or https: %w", u.Redacted(), errRedirectRefused)
	}
	host := u.Hostname()
	g.mu.Lock()
	addrs, ok := g.hosts[host]
	g.mu.Unlock()
	if !ok {
		if a, err := netip.ParseAddr(host); err == nil {
			addrs = []netip.Addr{a}
		} else if addrs, err = g.resolve(ctx, host); err != nil {
			return nil
		}
		g.mu.Lock()
		g.hosts[host] = addrs
		g.mu.Unlock()
	}
	for _, a := range addrs {
		if err := g.policy.check(a); err != nil {
			return fmt.Errorf("request for %s: %w", u.Redacted(), err)
		}
	}
	return nil
}

// httpHeader converts the protocol's header map; Chromium joins repeated
// headers with newlines.
func httpHeader(h network.Headers) http.Header {
	out := http.Header{}
	for k, v := range h {
		s, ok := v.(string)
		if !ok {
			s = fmt.Sprint(v)
		}
		for _, part := range strings.Split(s, "\n") {
			out.Add(k, part)
		}
	}
	return out
}

// loadErrorClass maps Chromium's network error names to the fetch classes.
// A fetch whose context ended is classed by Fetch's fail instead, as a
// timeout or a cancellation.
func loadErrorClass(err error) string {
	var le *chromedp.LoadError
	if !errors.As(err, &le) {
		return ClassBrowser
	}
	t := le.ErrorText
	switch {
	case strings.Contains(t, "NAME_NOT_RESOLVED"), strings.Contains(t, "NAME_RESOLUTION"):
		return ClassDNS
	case strings.Contains(t, "CONNECTION_REFUSED"), strings.Contains(t, "ADDRESS_UNREACHABLE"),
		strings.Contains(t, "CONNECTION_FAILED"):
		return ClassConnect
	case strings.Contains(t, "TIMED_OUT"):
		return ClassTimeout
	case strings.Contains(t, "CERT"), strings.Contains(t, "SSL"):
		return ClassTLS
	case strings.Contains(t, "TOO_MANY_REDIRECTS"):
		return ClassRedirects
	}
	return ClassNetwork
}

// HeadlessOptions returns the options clausewatch starts Chromium with:
// headless, no sandbox (it runs as root in containers), and none of the
// background connections that a closed network refuses. Without
// UserDataDir, chromedp passes a fresh temporary --user-data-dir and
// removes it when the browser stops, so no profile, cookie or cache leaks
// from one run into the next.
func HeadlessOptions(path string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
	}
}
