// Package web serves clausewatch over HTTP: the HTML history pages, the JSON
// API and the feeds. Handlers return errors and one adapter turns them into
// status pages (HTML, or JSON under /api/), so every failure is answered the
// same way and logged once.
package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/clausewatch/clausewatch/data"
)

// Options are the settings of the web layer that come from configuration.
// New fields may be added; the zero value of each must be a sensible default.
type Options struct {
	// BaseURL is the public address of the service without a trailing
	// slash, e.g. "https://clausewatch.example.org". Absolute links (feeds,
	// OpenGraph, alerts) are built from it; "" makes them relative.
	BaseURL string
	// Subscriptions enables the email subscription pages (/subscribe,
	// /confirm, /unsubscribe, /preferences); nil answers them 503 with a
	// page that says alerts are not configured and links the feeds.
	Subscriptions *Subscriptions
	// Integrity reports what PRAGMA quick_check found since serve started
	// (see data.DB.QuickCheck), nil while it runs or when the file is
	// sound; non-nil makes /healthz answer 503, since a damaged file loses
	// versions however well the service answers. nil means no check.
	Integrity func() error
}

// Server holds the dependencies of the handlers. It is safe for concurrent
// use once New returns.
type Server struct {
	db   *data.DB
	now  func() time.Time
	log  *slog.Logger
	opts Options
	// pages are the parsed HTML templates, one set per page, and
	// feedTemplates those of feed entries, parsed once in New so that a
	// broken template stops start-up instead of a request.
	pages         *pageSet
	feedTemplates *feedTemplates
	// cache keeps rendered pages for a short time (pages_cache.go).
	cache *pageCache
	// started is when New ran: an empty feed is dated by it.
	started time.Time
}

// New returns a Server reading from db. It parses the embedded templates and
// fails if one of them is broken.
func New(db *data.DB, now func() time.Time, log *slog.Logger, opts Options) (*Server, error) {
	return newServer(db, now, log, opts, templateFiles)
}

// newServer is New with the templates read from templates, which tests
// replace to check that a broken one stops start-up.
func newServer(db *data.DB, now func() time.Time, log *slog.Logger, opts Options, templates fs.FS) (*Server, error) {
	if db == nil || now == nil || log == nil {
		return nil, errors.New("web: new server: database, clock and logger are required")
	}
	opts.BaseURL = strings.TrimRight(opts.BaseURL, "/")
	pages, err := parsePages(templates)
	if err != nil {
		return nil, fmt.Errorf("web: parse templates: %w", err)
	}
	feeds, err := parseFeedTemplates(templates)
	if err != nil {
		return nil, fmt.Errorf("web: parse templates: %w", err)
	}
	return &Server{db: db, now: now, log: log, opts: opts, pages: pages, feedTemplates: feeds, cache: newPageCache(now), started: now()}, nil
}

// Handler returns every route of the service wrapped in the security headers
// and gzip compression (gzip.go).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.routes(mux)
	return securityHeaders(compress(mux))
}

// routes registers every route. Each line is one Go 1.22 pattern; handlers
// return errors and are wrapped by s.handle.
func (s *Server) routes(mux *http.ServeMux) {
	mux.Handle("GET /healthz", s.handle(s.healthz))
	mux.Handle("GET /metrics", s.handle(s.metrics))

	// HTML pages (pages*.go), kept rendered for a
	// short time (pages_cache.go).
	mux.Handle("GET /{$}", s.cached(listTTL, s.handle(s.documentsPage)))
	mux.Handle("GET /documents/{id}", s.cached(listTTL, s.handle(s.timelinePage)))
	mux.Handle("GET /documents/{id}/compare", s.cached(stableTTL, s.handle(s.comparePage)))
	mux.Handle("GET /changes/{id}", s.cached(stableTTL, s.handle(s.changePage)))
	mux.Handle("GET /versions/{id}", s.cached(stableTTL, s.handle(s.versionPage)))
	mux.Handle("GET /snapshots/{id}", s.cached(fixedTTL, s.handle(s.snapshotPage)))
	mux.Handle("GET /snapshots/{id}/raw", s.cached(fixedTTL, s.handle(s.snapshotRaw)))
	mux.Handle("GET /search", s.cached(listTTL, s.handle(s.searchPage)))
	mux.Handle("GET /compare", s.cached(listTTL, s.handle(s.variantsPage)))
	mux.Handle("GET /changes", s.cached(listTTL, s.handle(s.changesPage)))
	mux.Handle("GET /topics/{topic}", s.cached(listTTL, s.handle(s.changesPage)))
	mux.Handle("GET /static/", s.staticHandler())

	// JSON API (api.go) and feeds (feed.go).
	mux.Handle("GET /api/v1/{$}", s.handle(s.apiIndex))
	mux.Handle("GET /api/v1/openapi.json", s.handle(s.apiOpenAPI))
	mux.Handle("GET /api/v1/documents", s.handle(s.apiDocuments))
	mux.Handle("GET /api/v1/documents/{id}", s.handle(s.apiDocument))
	mux.Handle("GET /api/v1/documents/{id}/versions", s.handle(s.apiVersions))
	mux.Handle("GET /api/v1/documents/{id}/compare", s.handle(s.apiCompare))
	mux.Handle("GET /api/v1/compare", s.handle(s.apiVariants))
	mux.Handle("GET /api/v1/versions/{id}", s.handle(s.apiVersion))
	mux.Handle("GET /api/v1/changes", s.handle(s.apiChanges))
	mux.Handle("GET /api/v1/changes/{id}", s.handle(s.apiChange))
	mux.Handle("GET /api/", s.apiFallback(mux)) // JSON 404 for unknown API paths
	for _, m := range []string{"POST", "PUT", "PATCH", "DELETE", "OPTIONS"} {
		mux.Handle(m+" /api/", s.apiFallback(mux)) // JSON 405: the API is read-only
	}
	feeds := newFeedCache(feedCacheBytes) // rendered feeds, shared by the feed routes
	mux.Handle("GET /feed.atom", s.handle(s.feed(feeds, formatAtom, scopeAll)))
	mux.Handle("GET /feed.rss", s.handle(s.feed(feeds, formatRSS, scopeAll)))
	mux.Handle("GET /feed.json", s.handle(s.feed(feeds, formatJSONFeed, scopeAll)))
	mux.Handle("GET /documents/{id}/feed.atom", s.handle(s.feed(feeds, formatAtom, scopeDocument)))
	mux.Handle("GET /documents/{id}/feed.rss", s.handle(s.feed(feeds, formatRSS, scopeDocument)))
	mux.Handle("GET /documents/{id}/feed.json", s.handle(s.feed(feeds, formatJSONFeed, scopeDocument)))
	mux.Handle("GET /topics/{topic}/feed.atom", s.handle(s.feed(feeds, formatAtom, scopeTopic)))
	mux.Handle("GET /topics/{topic}/feed.rss", s.handle(s.feed(feeds, formatRSS, scopeTopic)))
	mux.Handle("GET /topics/{topic}/feed.json", s.handle(s.feed(feeds, formatJSONFeed, scopeTopic)))

	// Email subscriptions (subscribe.go).
	mux.Handle("GET /subscribe", s.handle(s.subscribeForm))
	mux.Handle("POST /subscribe", s.handle(s.subscribe))
	mux.Handle("GET /confirm", s.handle(s.confirmPage))
	mux.Handle("POST /confirm", s.handle(s.confirm))
	mux.Handle("GET /unsubscribe", s.handle(s.unsubscribePage))
	mux.Handle("POST /unsubscribe", s.handle(s.unsubscribe))
	mux.Handle("GET /preferences", s.handle(s.preferencesPage))
	mux.Handle("POST /preferences", s.handle(s.preferences))

	// Anything else is a 404 page in the reader's language (JSON under
	// /api/). Only GET: other methods on known paths get the mux's 405.
	mux.Handle("GET /", s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return notFound("no page at %s", r.URL.Path)
	}))
}

// securityHeaders sets on every response the headers that make injected
// markup inert (no inline script or style is ever needed), stop MIME
// sniffing, forbid framing and keep URLs private when following links.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for _, kv := range securityHeaderList() {
			h.Set(kv[0], kv[1])
		}
		next.ServeHTTP(w, r)
	})
}

// securityHeaderList returns every security header with its value, in the
// order they are written: securityHeaders sets them on the handlers'
// answers and Listener on the answers net/http writes itself. It is a
// function, not a variable, so that nothing can change them.
func securityHeaderList() [5][2]string {
	return [...][2]string{
		{"Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"},
		{"X-Content-Type-Options", "nosniff"},
		{"X-Frame-Options", "DENY"},
		{"Referrer-Policy", "strict-origin-when-cross-origin"},
		{"Cross-Origin-Opener-Policy", "same-origin"},
	}
}

// statusError is an error that carries the HTTP status to answer with and a
// message safe to show the user.
type statusError struct {
	status int
	err    error
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

// maxEcho bounds, in characters, what an error answer repeats of the
// request: a message names the parameter or path that was wrong, and a
// 900 KB query echoed in full made a 400 page of megabytes.
const maxEcho = 200

// httpError returns an error answered with status and the formatted message,
// which is shown to the user: it must not contain internal details. String
// and error arguments, which carry what the request asked for, are cut to
// maxEcho characters each (the messages' own lists, such as the topics, are
// shorter).
func httpError(status int, format string, args ...any) error {
	for i, a := range args {
		switch a := a.(type) {
		case string:
			args[i] = truncateRunes(a, maxEcho)
		case error:
			args[i] = truncateRunes(a.Error(), maxEcho)
		}
	}
	return &statusError{status: status, err: fmt.Errorf(format, args...)}
}

// notFound is httpError with 404.
func notFound(format string, args ...any) error {
	return httpError(http.StatusNotFound, format, args...)
}

// badRequest is httpError with 400.
func badRequest(format string, args ...any) error {
	return httpError(http.StatusBadRequest, format, args...)
}

type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle adapts a handler that returns an error. A statusError is answered
// with its status and message; data.ErrNotFound with 404; anything else is
// logged and answered 500 without details. Under /api/ the answer is JSON
// ({"error": {"status": N, "message": "..."}}), elsewhere an HTML page in the
// reader's language.
func (s *Server) handle(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		status, msg := http.StatusInternalServerError, ""
		var se *statusError
		switch {
		case errors.As(err, &se):
			status, msg = se.status, se.Error()
		case errors.Is(err, data.ErrNotFound):
			status, msg = http.StatusNotFound, "not found"
		case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
			return // the client went away; nobody reads the answer
		default:
			s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		}
		s.writeError(w, r, status, msg)
	})
}

// writeError answers with status: JSON under /api/, an HTML page elsewhere.
// msg is shown as text; "" shows the status text only.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	h := w.Header()
	h.Del("ETag")
	h.Del("Content-Disposition")
	h.Set("Cache-Control", "no-store")
	if msg == "" {
		msg = http.StatusText(status)
	}
	if isAPIPath(r.URL.Path) || r.URL.Path == "/healthz" {
		writeJSONError(w, status, msg)
		return
	}
	s.renderError(w, r, status, msg)
}

// isAPIPath says whether errors on path are answered in JSON.
func isAPIPath(path string) bool {
	return path == "/api" || strings.HasPrefix(path, "/api/")
}

// writeJSONError writes {"error": {"status": N, "message": "..."}}.
func writeJSONError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	var body struct {
		Error struct {
			Status  int    `json:"status"`
			Message string `json:"message"`
		} `json:"error"`
	}
	body.Error.Status, body.Error.Message = status, msg
	json.NewEncoder(w).Encode(body)
}

// healthz answers 200 when the service does its job, 503 with the reason
// otherwise, so that a load balancer, Docker health check or monitor sees a
// broken disk, a damaged database file, or a service that answers but
// fetches nothing (the newest fetch of every document failed).
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		return httpError(http.StatusServiceUnavailable, "database unavailable")
	}
	if s.opts.Integrity != nil && s.opts.Integrity() != nil {
		return httpError(http.StatusServiceUnavailable, "database damaged: PRAGMA quick_check at start-up found problems; see the log")
	}
	h, err := s.db.FetchHealth(ctx)
	switch {
	case errors.Is(err, data.ErrDamaged):
		s.log.Error("health check: database damaged", "err", err)
		return httpError(http.StatusServiceUnavailable, "database damaged: SQLite reports a malformed file; see the log")
	case err != nil:
		return httpError(http.StatusServiceUnavailable, "database unavailable")
	case h.AllFailed():
		return httpError(http.StatusServiceUnavailable, "fetches failing: the newest fetch of each of the %d documents failed", h.Documents)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(map[string]string{"status": "ok", "time": s.now().UTC().Format(time.RFC3339)})
}
