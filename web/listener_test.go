package web

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/data"
)

// TestListenerSecurityHeaders sends requests net/http refuses before any
// handler runs and checks that its own answers carry the security headers,
// and that a handler's answer is passed through unchanged.
func TestListenerSecurityHeaders(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC) }
	db, err := data.Open(context.Background(), filepath.Join(t.TempDir(), "cw.db"), now)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, err := New(db, now, slog.New(slog.DiscardHandler), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: s.Handler(), MaxHeaderBytes: 4 << 10}
	go srv.Serve(Listener(ln))
	defer srv.Close()

	tests := []struct {
		name, request string
		status        int
	}{
		{"malformed request line", "GET\r\n\r\n", 400},
		{"malformed Host", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400},
		{"missing Host", "GET / HTTP/1.1\r\n\r\n", 400},
		{"headers too large", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 16<<10) + "\r\n\r\n", 431},
		{"unknown transfer coding", "POST /subscribe HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: zip\r\n\r\n", 501},
		{"a handler's answer", "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := io.WriteString(c, tt.request); err != nil {
				t.Fatal(err)
			}
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Errorf("status %d %q, want %d", resp.StatusCode, body, tt.status)
			}
			for _, kv := range securityHeaderList() {
				if got := resp.Header.Values(kv[0]); len(got) != 1 || got[0] != kv[1] {
					t.Errorf("%s = %q, want %q once", kv[0], got, kv[1])
				}
			}
		})
	}
}
