package scraper

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// TestRetryAfter answers one fetch with a status and a Retry-After header
// and checks, on a fake clock, when the fetcher asks the host again: not
// before the time the header names, at most a day away, and at once when
// the header is absent, malformed or comes with another status.
func TestRetryAfter(t *testing.T) {
	// Every fake clock starts at the same time, which the dates count from.
	date := func(d time.Duration) string { return newFakeClock().Now().Add(d).UTC().Format(http.TimeFormat) }
	tests := []struct {
		name       string
		status     int
		retryAfter string
		wait       time.Duration // how long the host is left alone; 0 means not at all
	}{
		{"429 with seconds", 429, "120", 120 * time.Second},
		{"503 with seconds", 503, "3600", time.Hour},
		{"429 with a date", 429, date(2 * time.Hour), 2 * time.Hour},
		{"a week is cut to a day", 429, strconv.Itoa(7 * 24 * 3600), maxRetryAfter},
		{"a date a week away is cut to a day", 503, date(7 * 24 * time.Hour), maxRetryAfter},
		{"429 without Retry-After", 429, "", 0},
		{"malformed Retry-After", 429, "soon", 0},
		{"a date in the past", 429, date(-time.Hour), 0},
		{"200 with Retry-After", 200, "120", 0},
		{"500 with Retry-After", 500, "120", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if hits.Add(1) == 1 {
					if tt.retryAfter != "" {
						w.Header().Set("Retry-After", tt.retryAfter)
					}
					w.WriteHeader(tt.status)
					return
				}
				w.Write([]byte("<p>policy</p>"))
			}))
			defer srv.Close()
			clock := newFakeClock()
			f := newTestFetcher(clock, HTTPOptions{})
			req := Request{DocumentID: "doc", URL: srv.URL + "/policy"}
			resp, err := f.Fetch(context.Background(), req)
			if err != nil || resp.Status != tt.status {
				t.Fatalf("first fetch: %v, %v", resp, err)
			}
			if tt.wait > 0 {
				clock.Advance(tt.wait - time.Second)
				_, err := f.Fetch(context.Background(), req)
				fetchError(t, err, ClassRetryAfter)
				if n := hits.Load(); n != 1 {
					t.Errorf("the host was asked %d times before its Retry-After", n)
				}
				clock.Advance(time.Second)
			}
			if resp, err := f.Fetch(context.Background(), req); err != nil || resp.Status != 200 {
				t.Fatalf("fetch after the wait: %v, %v", resp, err)
			}
		})
	}
}
