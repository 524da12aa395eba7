package web

import (
	"bytes"
	"context"
	"errors"
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
	"github.com/clausewatch/clausewatch/internal/recordtest"
	"github.com/clausewatch/clausewatch/policy"
)

func TestHealthz(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC) }
	tests := []struct {
		name      string
		closeDB   bool
		integrity error
		// outcomes are the fetches recorded, document id then outcome,
		// oldest first.
		outcomes [][2]string
		status   int
		contains string
	}{
		{"database up", false, nil, nil, http.StatusOK, `"status":"ok"`},
		{"database closed", true, nil, nil, http.StatusServiceUnavailable, "database unavailable"},
		{"damaged at start-up", false, errors.New("data: quick check: database damaged: page 7"), nil, http.StatusServiceUnavailable, "database damaged"},
		{"every document's newest fetch failed", false, nil, [][2]string{{"a", "new-version"}, {"a", "failed"}, {"b", "failed"}}, http.StatusServiceUnavailable, "newest fetch of each of the 2 documents failed"},
		{"one document still fetches", false, nil, [][2]string{{"a", "failed"}, {"b", "failed"}, {"b", "not-modified"}}, http.StatusOK, `"status":"ok"`},
		{"a suspect fetch is no failure", false, nil, [][2]string{{"a", "failed"}, {"b", "suspect"}}, http.StatusOK, `"status":"ok"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			db, err := data.Open(ctx, filepath.Join(t.TempDir(), "cw.db"), now)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.SyncDocuments(ctx, []data.Document{{ID: "a", URL: "https://example.com/a"}, {ID: "b", URL: "https://example.com/b"}}); err != nil {
				t.Fatal(err)
			}
			for i, o := range tt.outcomes {
				f := data.Fetch{DocumentID: o[0], StartedAt: now().Add(time.Duration(i-len(tt.outcomes)) * time.Hour), URL: "https://example.com/" + o[0], Outcome: data.Outcome(o[1])}
				obs := data.Observation{Fetch: f}
				if o[1] == "new-version" {
					body := []byte("<p>Policy.</p>")
					f.Status, f.Bytes, f.Outcome = 200, int64(len(body)), ""
					obs = data.Observation{Fetch: f, Snapshot: &data.Snapshot{Header: http.Header{"Content-Type": {"text/html"}}, Body: body},
						Document: &policy.Document{Blocks: []policy.Block{{Kind: policy.Paragraph, Text: "Policy."}}}}
				}
				if _, err := recordtest.Record(ctx, db, obs); err != nil {
					t.Fatalf("fetch %d: %v", i, err)
				}
			}
			s, err := New(db, now, slog.New(slog.DiscardHandler), Options{Integrity: func() error { return tt.integrity }})
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
