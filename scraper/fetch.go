// Package scraper fetches policy pages, over plain HTTP or through headless
// Chromium, and extracts their text into a policy.Document. It only fetches
// and extracts: deciding whether a fetch is suspect (error page, shrunken
// text, wrong language) is the pipeline's job, so non-2xx statuses come back
// as responses and only transport failures are errors.
package scraper

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"
	"time"
)

// Request says what to fetch and how to ask for it.
type Request struct {
	DocumentID   string   // for error messages
	URL          string   // absolute http or https URL
	Language     string   // e.g. "en", "es": sets Accept-Language ("es, en;q=0.5" style, fall back "en")
	ETag         string   // conditional GET: If-None-Match
	LastModified string   // conditional GET: If-Modified-Since
	WaitFor      []string // browser only: CSS selectors; wait until one of them matches an element holding non-blank text
}

// Response is what the server sent, kept as received so that the raw
// snapshot can be stored byte for byte and cited.
type Response struct {
	URL         string        // final URL after redirects
	Redirects   []string      // each URL redirected to, in order
	Status      int           // HTTP status; non-2xx is not an error
	Header      http.Header   // response headers of the final URL
	Body        []byte        // raw bytes exactly as received (not charset-decoded); empty on 304
	Conditional bool          // the request carried If-None-Match / If-Modified-Since
	StartedAt   time.Time     // UTC, from the injected clock
	Duration    time.Duration // from sending the request to reading the whole body

	// Rendered is true when Body is the DOM that Chromium serialized after
	// running the page's scripts. Such a body is always UTF-8, whatever
	// charset the recorded Content-Type header names.
	Rendered bool
}

// ContentType returns the content type to give ExtractHTML for this
// response: the Content-Type header, or UTF-8 HTML for a rendered body,
// whose bytes the browser re-encoded.
func (r *Response) ContentType() string {
	if r.Rendered {
		return "text/html; charset=utf-8"
	}
	return r.Header.Get("Content-Type")
}

// Fetcher fetches one page. The HTTP and the browser fetchers implement it,
// so the pipeline picks one per document and tests can substitute their own.
type Fetcher interface {
	Fetch(ctx context.Context, req Request) (*Response, error)
}

// The classes of fetch failure. They are stable strings: the pipeline
// records them with each failed fetch and operators filter on them.
const (
	ClassDNS       = "dns"
	ClassConnect   = "connect"
	ClassTimeout   = "timeout"
	ClassTLS       = "tls"
	ClassRedirects = "redirects"
	ClassTooLarge  = "too-large"
	ClassNetwork   = "network"
	ClassBrowser   = "browser"
	ClassCanceled  = "canceled"
	// ClassRedirectRefused: a redirect led to a scheme other than http and
	// https, or to an address the redirect policy forbids (guard.go); no
	// body is kept.
	ClassRedirectRefused = "redirect-refused"
	// ClassAddressRefused: the document's own URL is on a link-local or
	// cloud metadata address, which is never fetched.
	ClassAddressRefused = "address-refused"
	// ClassRetryAfter: the host answered 429 or 503 with Retry-After, and
	// the time it named has not come; no request was sent.
	ClassRetryAfter = "retry-after"
)

// Error classifies a fetch failure so the pipeline can record it; Class is
// one of "dns", "connect", "timeout", "tls", "redirects", "too-large",
// "network", "browser", "canceled", "redirect-refused", "address-refused",
// "retry-after".
type Error struct {
	Class string
	URL   string
	Err   error
}

// Error names the package, the operation and the URL once, then the
// reason; the class is in Class, so it is not repeated in the text.
func (e *Error) Error() string {
	return fmt.Sprintf("scraper: fetch %s: %s", e.URL, e.Reason())
}

// Reason says what went wrong in plain words, each thing once: "cannot
// connect to 127.0.0.1:9: connection refused", not net/http's
// `Get "URL": dial tcp 127.0.0.1:9: connect: connection refused`. It leaves
// the URL out because whoever records a fetch keeps its URL beside the
// reason, and the class out because it is in Class; the pipeline stores
// this as the failed fetch's reason and `check` prints it.
func (e *Error) Reason() string {
	err := e.Err
	if err == nil {
		return e.Class
	}
	// net/http wraps every transport error in a *url.Error that repeats
	// the method and the URL; only that outer wrapper is dropped, so that
	// context added around it ("read body: ...") stays.
	if ue, ok := err.(*url.Error); ok && ue.Err != nil {
		err = ue.Err
	}
	var (
		dnsErr *net.DNSError
		opErr  *net.OpError
	)
	switch {
	case e.Class == ClassDNS && errors.As(err, &dnsErr) && dnsErr.Name != "":
		return fmt.Sprintf("cannot resolve %s: %s", dnsErr.Name, dnsErr.Err)
	case e.Class == ClassConnect && errors.As(err, &opErr) && opErr.Op == "dial" && opErr.Addr != nil:
		return fmt.Sprintf("cannot connect to %s: %s", opErr.Addr, innermost(opErr.Err))
	case e.Class == ClassTimeout && errors.As(err, &opErr) && opErr.Op == "dial" && opErr.Addr != nil:
		return fmt.Sprintf("cannot connect to %s: timed out", opErr.Addr)
	case e.Class == ClassTimeout:
		return "timed out: " + err.Error()
	}
	return err.Error()
}

// innermost returns the words of the system error at the bottom of a
// network error ("connection refused"), without the system call and
// address the layers above it add, or err's own text when there is none.
func innermost(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno.Error()
	}
	var sc *os.SyscallError
	if errors.As(err, &sc) && sc.Err != nil {
		return sc.Err.Error()
	}
	return err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

var (
	errTooManyRedirects = errors.New("too many redirects")
	errTooLarge         = errors.New("body too large")
	errRetryAfter       = errors.New("host asked to retry later")
)

// classify maps a transport error to its class. The order matters: a
// canceled context shows up wrapped in url.Error and net.OpError, and a DNS
// failure is also a net.Error.
func classify(err error) string {
	var (
		dnsErr   *net.DNSError
		netErr   net.Error
		opErr    *net.OpError
		certErr  *tls.CertificateVerificationError
		recErr   tls.RecordHeaderError
		alertErr tls.AlertError
		unknown  x509.UnknownAuthorityError
		hostErr  x509.HostnameError
		invalid  x509.CertificateInvalidError
	)
	switch {
	case errors.Is(err, errRedirectRefused):
		return ClassRedirectRefused
	case errors.Is(err, errAddressRefused):
		return ClassAddressRefused
	case errors.Is(err, errRetryAfter):
		return ClassRetryAfter
	case errors.Is(err, errTooManyRedirects):
		return ClassRedirects
	case errors.Is(err, errTooLarge):
		return ClassTooLarge
	case errors.Is(err, context.Canceled):
		return ClassCanceled
	case errors.Is(err, context.DeadlineExceeded):
		return ClassTimeout
	case errors.As(err, &dnsErr):
		return ClassDNS
	case errors.As(err, &certErr), errors.As(err, &recErr), errors.As(err, &alertErr),
		errors.As(err, &unknown), errors.As(err, &hostErr), errors.As(err, &invalid):
		return ClassTLS
	case errors.As(err, &netErr) && netErr.Timeout():
		return ClassTimeout
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EHOSTUNREACH),
		errors.Is(err, syscall.ENETUNREACH), errors.As(err, &opErr) && opErr.Op == "dial":
		return ClassConnect
	case strings.Contains(err.Error(), "tls: "):
		return ClassTLS
	}
	return ClassNetwork
}

// acceptLanguage builds the Accept-Language header for a document language:
// the language, its primary subtag, then English as the fallback most sites
// have.
func acceptLanguage(lang string) string {
	lang = strings.TrimSpace(lang)
	if lang == "" {
		return "en"
	}
	parts := []string{lang}
	primary, _, found := strings.Cut(lang, "-")
	if found && primary != "" {
		parts = append(parts, primary+";q=0.8")
	}
	if !strings.EqualFold(primary, "en") {
		parts = append(parts, "en;q=0.5")
	}
	return strings.Join(parts, ", ")
}
