package web

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/clausewatch/clausewatch/data"
)

func TestHealthz(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC) }
	tests := []struct {
		name     string
		closeDB  bool
		status   int
		contains string
	}{
		{"database up", false, http.StatusOK, `"status":"ok"`},
		{"database closed", true, http.StatusServiceUnavailable, "database unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := data.Open(context.Background(), filepath.Join(t.TempDir(), "cw.db"), now)
			if err != nil {
				t.Fatal(err)
			}
			s, err := New(db, now, slog.New(slog.DiscardHandler), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if tt.closeDB {
				db.Close()
			} else {
				defer db.Close()
			}
			srv := httptest.NewServer(s.Handler())
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
			if strings.Contains(string(body), "closed") {
				t.Errorf("internal error leaked: %q", body)
			}
			if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
			}
			post, err := http.Post(srv.URL+"/healthz", "text/plain", nil)
			if err != nil {
				t.Fatal(err)
			}
			post.Body.Close()
			if post.StatusCode != http.StatusMethodNotAllowed {
				t.Errorf("POST /healthz = %d, want 405", post.StatusCode)
			}
		})
	}
}

func TestNewRequiresDependencies(t *testing.T) {
	if _, err := New(nil, time.Now, slog.New(slog.DiscardHandler), Options{}); err == nil {
		t.Error("New without a database: want an error")
	}
}

// TestNewBrokenTemplate checks that each embedded template, broken or
// missing, makes New fail with an error naming its file, so that the
// service does not start with a page or feed that cannot render.
func TestNewBrokenTemplate(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC) }
	db, err := data.Open(context.Background(), filepath.Join(t.TempDir(), "cw.db"), now)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	log := slog.New(slog.DiscardHandler)
	files, err := fs.Glob(templateFiles, "templates/*")
	if err != nil {
		t.Fatal(err)
	}
	embedded := fstest.MapFS{}
	for _, name := range files {
		b, err := fs.ReadFile(templateFiles, name)
		if err != nil {
			t.Fatal(err)
		}
		embedded[name] = &fstest.MapFile{Data: b}
	}
	if _, err := newServer(db, now, log, Options{}, embedded); err != nil {
		t.Fatalf("the embedded templates do not parse: %v", err)
	}
	for _, name := range files {
		for _, tt := range []struct {
			how   string
			spoil func(fstest.MapFS)
		}{
			{"stray end", func(m fstest.MapFS) { m[name] = &fstest.MapFile{Data: append(bytes.Clone(m[name].Data), "{{end}}"...)} }},
			{"missing", func(m fstest.MapFS) { delete(m, name) }},
		} {
			t.Run(path.Base(name)+"/"+tt.how, func(t *testing.T) {
				broken := maps.Clone(embedded)
				tt.spoil(broken)
				_, err := newServer(db, now, log, Options{}, broken)
				if err == nil {
					t.Fatal("New succeeded")
				}
				if !strings.Contains(err.Error(), path.Base(name)) {
					t.Errorf("error %q does not name %s", err, name)
				}
			})
		}
	}
}
