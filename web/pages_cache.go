package web

import (
	"bytes"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Rendering a change page means decoding its stored change set and
// executing a large template: milliseconds, against microseconds for
// /healthz. Pages are read far more often than the data changes (a check
// records a change a few times a year), so rendered pages are kept for a
// short time, per URL and interface language. A page may thus lag the
// database by at most its TTL: the "next change" link of a change page, a
// reclassified topic, a timeline's last check.

// pageCacheBytes bounds the memory the cache holds: bodies, keys (the
// request URI, which a client can make long) and headers.
const pageCacheBytes = 64 << 20

// Cache lifetimes by kind of page.
const (
	listTTL   = 2 * time.Second  // lists, timelines, search: change with every check
	stableTTL = time.Minute      // a change, a version: change only by reclassification or a new neighbour
	fixedTTL  = 10 * time.Minute // an archived snapshot: never changes
)

type cachedPage struct {
	status int
	header http.Header
	// body is gzipped when gzipped is set (text pages are kept that way:
	// a fifth of the memory, and most clients take them so).
	body    []byte
	gzipped bool
	expires time.Time
	cost    int // bytes held, counted by put
}

// pageCache is a bounded map of rendered pages; the clock is the server's.
type pageCache struct {
	mu    sync.Mutex
	now   func() time.Time
	pages map[string]*cachedPage
	size  int
}

func newPageCache(now func() time.Time) *pageCache {
	return &pageCache{now: now, pages: map[string]*cachedPage{}}
}

func (c *pageCache) get(key string) *cachedPage {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.pages[key]
	if p == nil {
		return nil
	}
	if !c.now().Before(p.expires) {
		c.drop(key, p)
		return nil
	}
	return p
}

func (c *pageCache) put(key string, p *cachedPage) {
	p.cost = len(key) + len(p.body)
	for k, vs := range p.header {
		p.cost += len(k)
		for _, v := range vs {
			p.cost += len(v)
		}
	}
	if p.cost > pageCacheBytes/16 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.pages[key]; old != nil {
		c.drop(key, old)
	}
	if c.size+p.cost > pageCacheBytes {
		now := c.now()
		for k, q := range c.pages {
			if !now.Before(q.expires) {
				c.drop(k, q)
			}
		}
		for k, q := range c.pages { // map order: an arbitrary victim
			if c.size+p.cost <= pageCacheBytes {
				break
			}
			c.drop(k, q)
		}
	}
	c.pages[key] = p
	c.size += p.cost
}

func (c *pageCache) drop(key string, p *cachedPage) {
	delete(c.pages, key)
	c.size -= p.cost
}

// capture records a response instead of sending it.
type capture struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (c *capture) Header() http.Header { return c.header }
func (c *capture) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
}
func (c *capture) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.body.Write(b)
}

// cached serves GETs of h from the page cache for ttl. The key is the
// request URI and the interface language; responses other than 200, and
// those setting a cookie (the language switch), are not kept. A hit honours
// If-None-Match against the stored ETag.
func (s *Server) cached(ttl time.Duration, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang, fromQuery := s.pages.i18n.pick(r)
		key := lang + " " + r.URL.RequestURI()
		if !fromQuery {
			if p := s.cache.get(key); p != nil {
				writeCachedPage(w, r, p)
				return
			}
		}
		inner := r.Clone(r.Context())
		inner.Header.Del("If-None-Match")
		c := &capture{header: w.Header().Clone()}
		h.ServeHTTP(c, inner)
		p := &cachedPage{status: c.status, header: c.header, body: c.body.Bytes(), expires: s.now().Add(ttl)}
		if compressible(c.header.Get("Content-Type")) && c.header.Get("Content-Encoding") == "" {
			if gz, err := gzipBytes(p.body); err == nil {
				p.body, p.gzipped = gz, true
			}
		}
		if p.status == http.StatusOK && c.header.Get("Set-Cookie") == "" {
			s.cache.put(key, p)
		}
		writeCachedPage(w, r, p)
	})
}

// writeCachedPage answers with p: gzipped as stored, with the gzip ETag,
// to a client that accepts gzip (compress then leaves the body alone),
// expanded otherwise. If-None-Match is compared with the plain ETag, as
// compress hands it over.
func writeCachedPage(w http.ResponseWriter, r *http.Request, p *cachedPage) {
	h := w.Header()
	for k, v := range p.header {
		h[k] = v
	}
	if etag := p.header.Get("ETag"); p.status == http.StatusOK && etag != "" && etagMatch(r.Header.Get("If-None-Match"), etag) {
		h.Del("Content-Length")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := p.body
	if p.gzipped {
		if acceptsGzip(r) && r.Header.Get("Range") == "" {
			h.Set("Content-Encoding", "gzip")
			if etag := h.Get("ETag"); etag != "" {
				h.Set("ETag", gzipETag(etag))
			}
		} else {
			plain, err := gunzipBytes(p.body)
			if err != nil { // cannot happen: gzipBytes wrote it
				http.Error(w, "internal error", http.StatusInternalServerError)
				return
			}
			body = plain
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(p.status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}
