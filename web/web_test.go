package web

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

type fakeStore struct{ err error }

func (f fakeStore) Ping(context.Context) error { return f.err }

func TestHealthz(t *testing.T) {
	tests := []struct {
		name     string
		store    Store
		status   int
		contains string
	}{
		{"database up", fakeStore{}, http.StatusOK, `"status":"ok"`},
		{"database down", fakeStore{err: errors.New("disk I/O error")}, http.StatusServiceUnavailable, "database unavailable"},
	}
	now := func() time.Time { return time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC) }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(New(tt.store, now, slog.New(slog.DiscardHandler)).Handler())
			defer srv.Close()
			resp, err := http.Get(srv.URL + "/healthz")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status || !strings.Contains(string(body), tt.contains) {
				t.Errorf("GET /healthz = %d %q, want %d containing %q", resp.StatusCode, body, tt.status, tt.contains)
			}
			if strings.Contains(string(body), "disk I/O") {
				t.Errorf("internal error leaked: %q", body)
			}
		})
	}
	srv := httptest.NewServer(New(fakeStore{}, now, slog.New(slog.DiscardHandler)).Handler())
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/healthz", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /healthz = %d, want 405", resp.StatusCode)
	}
}
