package tracker

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/scraper"
)

// TestRedirectRefused checks that a public page redirecting to the
// loopback address is recorded as a failed fetch of class
// redirect-refused, with no snapshot and no version. The public host is a
// name the injected resolver gives a public address and the injected
// dialer sends to the loopback server.
func TestRedirectRefused(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/policy" {
			http.Redirect(w, r, "http://"+r.Context().Value(http.LocalAddrContextKey).(net.Addr).String()+"/internal", http.StatusFound)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<main><p>Internal admin page.</p></main>"))
	}))
	defer srv.Close()
	client := scraper.NewHTTPClientWith(scraper.ClientOptions{
		Timeout: 10 * time.Second,
		Resolve: func(ctx context.Context, host string) ([]netip.Addr, error) {
			return []netip.Addr{netip.MustParseAddr("203.0.113.10")}, nil
		},
		Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, srv.Listener.Addr().String())
		},
	})
	client.Transport.(*http.Transport).Proxy = nil
	tr, db, _ := newTracker(t, client)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	doc := config.Document{ID: "doc", URL: "http://policy.example:" + port + "/policy", Select: []string{"main"}, Language: "en"}
	syncDoc(t, db, doc)
	res, err := tr.Check(context.Background(), doc)
	if err != nil {
		t.Fatal(err)
	}
	if res.Fetch.Outcome != data.Failed || res.Fetch.ErrorClass != scraper.ClassRedirectRefused || res.Snapshot != nil || res.Version != nil {
		t.Errorf("result = %+v, want a failed fetch of class %s and nothing else", res.Fetch, scraper.ClassRedirectRefused)
	}
}
