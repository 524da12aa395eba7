// Package web serves clausewatch over HTTP. Handlers return errors and one
// adapter turns them into status pages, so every failure is answered the same
// way and logged once.
package web

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"
)

// Store is what the web layer needs from storage.
type Store interface {
	Ping(ctx context.Context) error
}

// Server holds the dependencies of the handlers.
type Server struct {
	store Store
	now   func() time.Time
	log   *slog.Logger
}

// New returns a Server.
func New(store Store, now func() time.Time, log *slog.Logger) *Server {
	return &Server{store: store, now: now, log: log}
}

// Handler returns every route of the service.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /healthz", s.handle(s.healthz))
	return mux
}

// statusError is an error that carries the HTTP status to answer with.
type statusError struct {
	status int
	err    error
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle adapts a handler that returns an error: a statusError is answered
// with its status and message, anything else is logged and answered 500
// without details.
func (s *Server) handle(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		var se *statusError
		if errors.As(err, &se) {
			http.Error(w, se.Error(), se.status)
			return
		}
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
	})
}

// healthz answers 200 when the database answers, 503 otherwise, so a load
// balancer or Docker health check sees a broken disk.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		return &statusError{status: http.StatusServiceUnavailable, err: errors.New("database unavailable")}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(map[string]string{"status": "ok", "time": s.now().UTC().Format(time.RFC3339)})
}
