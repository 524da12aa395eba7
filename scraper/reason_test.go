package scraper

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestErrorReason holds a fetch failure's reason, which the pipeline
// stores and `check` prints, to saying each thing once: no URL (the fetch
// records it), no error class (Class holds it), and the host and the
// cause once each.
func TestErrorReason(t *testing.T) {
	const u = "https://nx.example.invalid/privacy"
	wrap := func(err error) error { return &url.Error{Op: "Get", URL: u, Err: err} }
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{name: "dns", err: &Error{Class: ClassDNS, URL: u, Err: wrap(&net.OpError{Op: "dial", Net: "tcp",
			Err: &net.DNSError{Name: "nx.example.invalid", Err: "no such host", IsNotFound: true}})},
			want: "cannot resolve nx.example.invalid: no such host"},
		{name: "connection refused", err: &Error{Class: ClassConnect, URL: u, Err: wrap(&net.OpError{Op: "dial", Net: "tcp",
			Addr: &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 443}, Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)})},
			want: "cannot connect to 192.0.2.1:443: connection refused"},
		{name: "dial timeout", err: &Error{Class: ClassTimeout, URL: u, Err: wrap(&net.OpError{Op: "dial", Net: "tcp",
			Addr: &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 443}, Err: os.ErrDeadlineExceeded})},
			want: "cannot connect to 192.0.2.1:443: timed out"},
		{name: "context added around the transport error stays", err: &Error{Class: ClassNetwork, URL: u, Err: fmt.Errorf("read body: %w", errors.New("unexpected EOF"))},
			want: "read body: unexpected EOF"},
		{name: "too large", err: &Error{Class: ClassTooLarge, URL: u, Err: fmt.Errorf("body over the limit of 10 bytes: %w", errTooLarge)},
			want: "body over the limit of 10 bytes: body too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Reason(); got != tt.want {
				t.Errorf("Reason() = %q, want %q", got, tt.want)
			}
			if got := tt.err.Error(); got != "scraper: fetch "+u+": "+tt.want {
				t.Errorf("Error() = %q, want the package, the URL once and the reason", got)
			}
		})
	}
}

// TestErrorReasonClosedPort fetches from a server that has just closed,
// so the real error chain of net/http is what the reason is made from.
func TestErrorReasonClosedPort(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	host := strings.TrimPrefix(srv.URL, "http://")
	srv.Close()
	f := NewHTTPFetcher(&http.Client{Timeout: 10 * time.Second}, HTTPOptions{})
	_, err := f.Fetch(context.Background(), Request{DocumentID: "gone", URL: srv.URL + "/privacy"})
	fe := fetchError(t, err, ClassConnect)
	if want := "cannot connect to " + host + ": connection refused"; fe.Reason() != want {
		t.Errorf("Reason() = %q, want %q", fe.Reason(), want)
	}
	if n := strings.Count(fe.Error(), srv.URL); n != 1 {
		t.Errorf("Error() = %q names the URL %d times, want once", fe.Error(), n)
	}
}
