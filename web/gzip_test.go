package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestGzip fetches the main pages of the corpus site plain and gzipped:
// the gzipped body must be gzip, smaller, decode to the plain bytes, carry
// its own ETag and Vary: Accept-Encoding, and If-None-Match with that ETag
// must give 304. Each path is fetched plain, gzipped, then plain again, so
// that cached pages are served from the (gzipped) page cache both ways.
func TestGzip(t *testing.T) {
	f := corpusSiteDB(t)
	srv := newPageServer(t, f)
	db := openFixtureDB(t, f)
	c, err := db.Change(context.Background(), f.january.change)
	if err != nil {
		t.Fatal(err)
	}
	v, err := db.VersionInfo(context.Background(), c.ToVersion)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
		etag       bool // the answer carries an ETag
	}{
		{"documents", "/", false},
		{"document timeline", "/documents/" + docPolicy, false},
		{"change page", changePath(f.january.change), true},
		{"feed", "/feed.atom", true},
		{"Spanish feed", "/feed.json?lang=es", true},
		{"API changes", "/api/v1/changes", true},
		{"style sheet", "/static/style.css", false},
		{"raw snapshot", fmt.Sprintf("/snapshots/%d/raw", v.SnapshotID), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// An explicit Accept-Encoding keeps the client from
			// decompressing on its own.
			plain, plainBody := pageGet(t, srv, tt.path, "Accept-Encoding", "identity")
			zipped, zippedBody := pageGet(t, srv, tt.path, "Accept-Encoding", "gzip, deflate")
			again, againBody := pageGet(t, srv, tt.path, "Accept-Encoding", "identity")
			if plain.StatusCode != 200 || zipped.StatusCode != 200 || again.StatusCode != 200 {
				t.Fatalf("status %d, %d, %d", plain.StatusCode, zipped.StatusCode, again.StatusCode)
			}
			if plain.Header.Get("Content-Encoding") != "" || again.Header.Get("Content-Encoding") != "" || againBody != plainBody {
				t.Errorf("plain answers differ or are encoded (%q)", plain.Header.Get("Content-Encoding"))
			}
			if zipped.Header.Get("Content-Encoding") != "gzip" || !strings.HasPrefix(zippedBody, "\x1f\x8b") {
				t.Fatalf("Content-Encoding %q, body starts %q", zipped.Header.Get("Content-Encoding"), zippedBody[:min(4, len(zippedBody))])
			}
			for _, r := range []*http.Response{plain, zipped} {
				if !strings.Contains(strings.Join(r.Header.Values("Vary"), ","), "Accept-Encoding") {
					t.Errorf("Vary %q lacks Accept-Encoding", r.Header.Values("Vary"))
				}
			}
			if len(zippedBody) >= len(plainBody) {
				t.Errorf("gzipped %d bytes, plain %d", len(zippedBody), len(plainBody))
			}
			zr, err := gzip.NewReader(strings.NewReader(zippedBody))
			if err != nil {
				t.Fatal(err)
			}
			decoded, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(decoded, []byte(plainBody)) {
				t.Errorf("gzipped body decodes to %d bytes that differ from the plain %d", len(decoded), len(plainBody))
			}
			if !tt.etag {
				return
			}
			pe, ze := plain.Header.Get("ETag"), zipped.Header.Get("ETag")
			if pe == "" || ze != gzipETag(pe) || ze == pe {
				t.Fatalf("ETags plain %q, gzip %q", pe, ze)
			}
			conditional := []struct {
				name, inm, encoding string
				status              int
				etag                string
			}{
				{"gzip ETag, gzip accepted", ze, "gzip", 304, ze},
				{"plain ETag, identity", pe, "identity", 304, pe},
				{"gzip ETag, identity", ze, "identity", 200, pe},
				{"another ETag, gzip accepted", `"stale"`, "gzip", 200, ze},
			}
			for _, ct := range conditional {
				resp, body := pageGet(t, srv, tt.path, "If-None-Match", ct.inm, "Accept-Encoding", ct.encoding)
				if resp.StatusCode != ct.status || resp.Header.Get("ETag") != ct.etag || (ct.status == 304 && body != "") {
					t.Errorf("%s: %d ETag %q (%d bytes), want %d %q", ct.name, resp.StatusCode, resp.Header.Get("ETag"), len(body), ct.status, ct.etag)
				}
			}
		})
	}
}

// TestAcceptsGzip checks the reading of Accept-Encoding.
func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		name, header string
		want         bool
	}{
		{"absent", "", false},
		{"gzip", "gzip", true},
		{"in a list", "br, gzip;q=0.8, deflate", true},
		{"refused", "gzip;q=0", false},
		{"refused with spaces", "gzip; q=0.0", false},
		{"any", "*", true},
		{"identity only", "identity", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := http.NewRequest("GET", "/", nil)
			if tt.header != "" {
				r.Header.Set("Accept-Encoding", tt.header)
			}
			if got := acceptsGzip(r); got != tt.want {
				t.Errorf("acceptsGzip(%q) = %v, want %v", tt.header, got, tt.want)
			}
		})
	}
}
