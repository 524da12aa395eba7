package scraper

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestClassOf(t *testing.T) {
	tests := []struct {
		name, addr string
		want       addrClass
	}{
		{"public IPv4", "93.184.216.34", classPublic},
		{"public IPv6", "2a03:2880:f10c:83:face:b00c:0:25de", classPublic},
		{"loopback", "127.0.0.1", classLoopback},
		{"loopback elsewhere in 127/8", "127.5.6.7", classLoopback},
		{"IPv6 loopback", "::1", classLoopback},
		{"unspecified dials the host itself", "0.0.0.0", classLoopback},
		{"IPv4-mapped loopback", "::ffff:127.0.0.1", classLoopback},
		{"private 10/8", "10.1.2.3", classPrivate},
		{"private 192.168/16", "192.168.1.1", classPrivate},
		{"private 172.16/12", "172.20.0.1", classPrivate},
		{"unique local IPv6", "fd12:3456::1", classPrivate},
		{"carrier-grade NAT", "100.64.1.1", classPrivate},
		{"link-local IPv4", "169.254.10.20", classForbidden},
		{"cloud metadata", "169.254.169.254", classForbidden},
		{"IPv4-mapped metadata", "::ffff:169.254.169.254", classForbidden},
		{"link-local IPv6", "fe80::1", classForbidden},
		{"AWS IPv6 metadata", "fd00:ec2::254", classForbidden},
		{"Alibaba metadata", "100.100.100.200", classForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := classOf(netip.MustParseAddr(tt.addr)); got != tt.want {
				t.Errorf("classOf(%s) = %s, want %s", tt.addr, got, tt.want)
			}
		})
	}
}

// TestRedirectPolicy plays redirect chains on a loopback server. The
// injected resolver gives fake public hosts public addresses and the
// injected dialer sends those to the loopback server, so that a public page
// redirecting to 127.0.0.1, or to a name that resolves to it (DNS
// rebinding), is played without leaving the machine.
func TestRedirectPolicy(t *testing.T) {
	var secretHits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/to":
			http.Redirect(w, r, r.URL.Query().Get("u"), http.StatusFound)
		case "/secret":
			secretHits.Add(1)
			w.Write([]byte("<p>internal</p>"))
		default:
			w.Write([]byte("<p>Privacy policy.</p>"))
		}
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	loop := "http://127.0.0.1:" + port

	hosts := map[string][]netip.Addr{
		"policy.example":   {netip.MustParseAddr("203.0.113.10")},
		"mirror.example":   {netip.MustParseAddr("198.51.100.7")},
		"rebind.example":   {netip.MustParseAddr("127.0.0.1")},
		"intranet.example": {netip.MustParseAddr("10.0.0.5")},
	}
	var dialled []string
	client := NewHTTPClientWith(ClientOptions{
		ConnectTimeout: 5 * time.Second, Timeout: 10 * time.Second,
		Resolve: func(ctx context.Context, host string) ([]netip.Addr, error) {
			if a, ok := hosts[host]; ok {
				return a, nil
			}
			return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
		},
		Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
			dialled = append(dialled, address)
			host, _, _ := net.SplitHostPort(address)
			if a := netip.MustParseAddr(host); classOf(a) != classLoopback {
				address = srv.Listener.Addr().String() // the fake public and private hosts live on loopback
			}
			return (&net.Dialer{}).DialContext(ctx, network, address)
		},
	})
	client.Transport.(*http.Transport).Proxy = nil // loopback only, whatever the environment says

	pub := "http://policy.example:" + port
	to := func(from, target string) string { return from + "/to?u=" + target }
	tests := []struct {
		name  string
		url   string
		class string // "" means fetched
	}{
		{"public page", pub + "/policy", ""},
		{"public to public", to(pub, "http://mirror.example:"+port+"/policy"), ""},
		{"public to its own path", to(pub, "/policy"), ""},
		{"public to 127.0.0.1", to(pub, loop+"/secret"), ClassRedirectRefused},
		{"public to localhost by IPv6", to(pub, "http://[::1]:"+port+"/secret"), ClassRedirectRefused},
		{"public to a name resolving to loopback", to(pub, "http://rebind.example:"+port+"/secret"), ClassRedirectRefused},
		{"public to a private address", to(pub, "http://10.0.0.5:"+port+"/secret"), ClassRedirectRefused},
		{"public to a name resolving to a private address", to(pub, "http://intranet.example:"+port+"/secret"), ClassRedirectRefused},
		{"public to cloud metadata", to(pub, "http://169.254.169.254/latest/meta-data/"), ClassRedirectRefused},
		{"public to link-local IPv6", to(pub, "http://[fe80::1]:"+port+"/secret"), ClassRedirectRefused},
		{"public to a file", to(pub, "file:///etc/passwd"), ClassRedirectRefused},
		{"public to public to loopback", to(pub, to("http://mirror.example:"+port, loop+"/secret")), ClassRedirectRefused},
		{"loopback within loopback", to(loop, loop+"/policy"), ""},
		{"loopback to a public host", to(loop, pub+"/policy"), ""},
		{"loopback to a private address", to(loop, "http://10.0.0.5:"+port+"/secret"), ClassRedirectRefused},
		{"loopback to cloud metadata", to(loop, "http://169.254.169.254/"), ClassRedirectRefused},
		{"a document on the metadata address", "http://169.254.169.254/latest/", ClassAddressRefused},
	}
	// Twice: in the second round every case starts with connections to
	// loopback and to the fake public hosts pooled, which a chain must not
	// reuse to reach what it may not, nor start from without its policy
	// knowing where it starts.
	for round := range 2 {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/round %d", tt.name, round+1), func(t *testing.T) {
				clock := newFakeClock()
				f := NewHTTPFetcher(client, HTTPOptions{Now: clock.Now, Sleep: clock.Sleep})
				if round == 1 {
					for _, warm := range []string{loop + "/policy", pub + "/policy", "http://mirror.example:" + port + "/policy"} {
						if _, err := f.Fetch(context.Background(), Request{DocumentID: "warm", URL: warm}); err != nil {
							t.Fatal(err)
						}
					}
				}
				dialled = nil
				resp, err := f.Fetch(context.Background(), Request{DocumentID: "doc", URL: tt.url})
				if !fetchedOrRefused(t, resp, err, tt.class) {
					return
				}
				for _, a := range dialled {
					if h, _, _ := net.SplitHostPort(a); classOf(netip.MustParseAddr(h)) == classForbidden {
						t.Errorf("dialled %s", a)
					}
				}
			})
		}
	}
	if n := secretHits.Load(); n != 0 {
		t.Errorf("the internal page was asked for %d times", n)
	}
}

// TestBrowserRedirectPolicy plays redirect chains in Chromium: its
// --host-resolver-rules send the fake public host to the loopback server,
// and the guard's injected resolver gives that host a public address, so a
// public page redirecting to 127.0.0.1 is played on loopback.
func TestBrowserRedirectPolicy(t *testing.T) {
	path := browserPath(t)
	var secretHits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/to":
			http.Redirect(w, r, r.URL.Query().Get("u"), http.StatusFound)
		case "/secret":
			secretHits.Add(1)
			w.Write([]byte("<p>internal</p>"))
		case "/favicon.ico":
			http.NotFound(w, r)
		default:
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html><body><p id=policy>Privacy policy.</p></body></html>"))
		}
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	loop := "http://127.0.0.1:" + port
	pub := "http://policy.example:" + port
	f := NewBrowserFetcher(BrowserOptions{
		ExecPath: path, Timeout: 30 * time.Second,
		HostResolverRules: "MAP policy.example 127.0.0.1, MAP rebind.example 127.0.0.1",
		Resolve: func(ctx context.Context, host string) ([]netip.Addr, error) {
			switch host {
			case "policy.example":
				return []netip.Addr{netip.MustParseAddr("203.0.113.10")}, nil
			case "rebind.example":
				return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
			}
			return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
		},
	})
	defer f.Close()
	to := func(from, target string) string { return from + "/to?u=" + target }
	tests := []struct {
		name  string
		url   string
		class string // "" means fetched
	}{
		{"public page", pub + "/policy", ""},
		{"public to 127.0.0.1", to(pub, loop+"/secret"), ClassRedirectRefused},
		{"public to a name resolving to loopback", to(pub, "http://rebind.example:"+port+"/secret"), ClassRedirectRefused},
		{"public to cloud metadata", to(pub, "http://169.254.169.254/latest/meta-data/"), ClassRedirectRefused},
		{"loopback within loopback", to(loop, loop+"/policy"), ""},
		{"a document on the metadata address", "http://169.254.169.254/latest/", ClassAddressRefused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := f.Fetch(context.Background(), Request{DocumentID: "doc", URL: tt.url})
			fetchedOrRefused(t, resp, err, tt.class)
		})
	}
	if n := secretHits.Load(); n != 0 {
		t.Errorf("the internal page was asked for %d times", n)
	}
}

// fetchedOrRefused checks a fetch of the redirect tables: the policy page
// when class is "", else no response and an error of that class. It
// reports whether the fetch was refused.
func fetchedOrRefused(t *testing.T, resp *Response, err error, class string) bool {
	t.Helper()
	if class == "" {
		if err != nil || resp.Status != 200 || !strings.Contains(string(resp.Body), "Privacy policy") {
			t.Fatalf("fetch = %v, %v; want the policy", resp, err)
		}
		return false
	}
	if resp != nil {
		t.Errorf("a refused fetch returned a response with %d bytes", len(resp.Body))
	}
	fetchError(t, err, class)
	return true
}
