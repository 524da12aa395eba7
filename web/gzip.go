package web

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// Pages, feeds and API answers are text that gzip shrinks five- to
// tenfold: a change page of 200 KB crosses a slow mobile link in a tenth
// of the time. compress answers every text response gzipped to a client
// that accepts it. A gzipped body is another representation of the same
// resource, so it carries its own ETag (the plain one with "-gzip" inside
// the quotes, as Apache does) and every response says Vary:
// Accept-Encoding, so that a shared cache keeps the two apart.

// gzipSuffix marks the ETag of a gzipped representation.
const gzipSuffix = "-gzip"

// compress wraps next: responses with a text Content-Type are gzipped for
// clients that accept gzip. A request's If-None-Match naming a gzip ETag
// is handed to next as the plain ETag, which is what handlers compute, and
// a 304 answered to it names the gzip ETag again. Range requests are
// passed through plain, since a range counts bytes of the plain body.
func compress(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gw := &gzipWriter{ResponseWriter: w, ok: acceptsGzip(r) && r.Header.Get("Range") == ""}
		defer gw.close()
		if inm := r.Header.Get("If-None-Match"); gw.ok && inm != "" {
			gw.inm = inm
			r = r.Clone(r.Context())
			r.Header.Set("If-None-Match", plainETags(inm))
		}
		next.ServeHTTP(gw, r)
	})
}

// acceptsGzip reports whether the request's Accept-Encoding allows gzip:
// listed (or "*") without q=0.
func acceptsGzip(r *http.Request) bool {
	for part := range strings.SplitSeq(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "x-gzip" && coding != "*" {
			continue
		}
		if q, ok := strings.CutPrefix(strings.ReplaceAll(strings.ToLower(params), " ", ""), "q="); ok {
			if v, err := strconv.ParseFloat(q, 64); err == nil && v == 0 {
				return false
			}
		}
		return true
	}
	return false
}

// compressible reports whether a Content-Type is text that gzip shrinks:
// HTML, CSS, plain text, JSON, XML and feeds. Images and archives are
// compressed already.
func compressible(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch {
	case strings.HasPrefix(mt, "text/"),
		mt == "application/json", mt == "application/xml", mt == "application/javascript",
		mt == "image/svg+xml",
		strings.HasSuffix(mt, "+json"), strings.HasSuffix(mt, "+xml"):
		return true
	}
	return false
}

// gzipETag returns the ETag of the gzipped representation of the one whose
// ETag is etag: `"abc"` gives `"abc-gzip"`, `W/"abc"` gives `W/"abc-gzip"`.
func gzipETag(etag string) string {
	if !strings.HasSuffix(etag, `"`) || strings.HasSuffix(etag, gzipSuffix+`"`) {
		return etag
	}
	return strings.TrimSuffix(etag, `"`) + gzipSuffix + `"`
}

// plainETags rewrites an If-None-Match list so that each gzip ETag names
// its plain representation, which the handlers compare against.
func plainETags(inm string) string {
	tags := strings.Split(inm, ",")
	for i, t := range tags {
		t = strings.TrimSpace(t)
		tags[i] = strings.Replace(t, gzipSuffix+`"`, `"`, 1)
	}
	return strings.Join(tags, ", ")
}

// listsETag reports whether the If-None-Match list inm names etag exactly
// as the client holds it (weak comparison).
func listsETag(inm, etag string) bool {
	want := strings.TrimPrefix(etag, "W/")
	for t := range strings.SplitSeq(inm, ",") {
		if strings.TrimPrefix(strings.TrimSpace(t), "W/") == want {
			return true
		}
	}
	return false
}

// gzipWriter compresses the body once the status and headers say it may:
// decided at the first WriteHeader or Write, never after.
type gzipWriter struct {
	http.ResponseWriter
	ok      bool   // the client accepts gzip and asked for no range
	inm     string // the If-None-Match the client sent, before plainETags
	decided bool
	gz      *gzip.Writer
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (g *gzipWriter) Unwrap() http.ResponseWriter { return g.ResponseWriter }

func (g *gzipWriter) WriteHeader(status int) {
	if !g.decided {
		g.decide(status)
	}
	g.ResponseWriter.WriteHeader(status)
}

func (g *gzipWriter) Write(b []byte) (int, error) {
	if !g.decided {
		g.WriteHeader(http.StatusOK)
	}
	if g.gz != nil {
		return g.gz.Write(b)
	}
	return g.ResponseWriter.Write(b)
}

// decide chooses, from the status and headers, whether the body is
// gzipped, and sets the headers that go with the choice.
func (g *gzipWriter) decide(status int) {
	g.decided = true
	h := g.Header()
	// Added here rather than before the handler runs, since pages set
	// their own Vary (Accept-Language, Cookie).
	if vary := strings.Join(h.Values("Vary"), ","); !strings.Contains(strings.ToLower(vary), "accept-encoding") {
		h.Add("Vary", "Accept-Encoding")
	}
	if !g.ok {
		return
	}
	etag := h.Get("ETag")
	if status == http.StatusNotModified {
		// A 304 names the representation a 200 would have sent: the
		// gzipped one (every resource with an ETag is text), unless the
		// client holds the plain one and named it.
		if etag != "" && !listsETag(g.inm, etag) {
			h.Set("ETag", gzipETag(etag))
		}
		return
	}
	if status < 200 || status == http.StatusNoContent || status == http.StatusPartialContent ||
		h.Get("Content-Encoding") != "" || !compressible(h.Get("Content-Type")) {
		return
	}
	h.Set("Content-Encoding", "gzip")
	h.Del("Content-Length")
	h.Del("Accept-Ranges")
	if etag != "" {
		h.Set("ETag", gzipETag(etag))
	}
	g.gz = gzip.NewWriter(g.ResponseWriter)
}

// close finishes the gzip stream, writing its trailer.
func (g *gzipWriter) close() {
	if g.gz != nil {
		g.gz.Close()
	}
}

// gzipBytes compresses b in memory, for the page cache.
func gzipBytes(b []byte) ([]byte, error) {
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	if _, err := zw.Write(b); err != nil {
		return nil, fmt.Errorf("web: gzip: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("web: gzip: %w", err)
	}
	return out.Bytes(), nil
}

// gunzipBytes expands what gzipBytes compressed, for a client that does
// not accept gzip.
func gunzipBytes(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("web: gunzip: %w", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("web: gunzip: %w", err)
	}
	return out, nil
}
