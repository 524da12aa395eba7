package history

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/internal/corpustest"
	"github.com/clausewatch/clausewatch/tracker"
)

// openDB opens a new database in t.TempDir() holding the documents of cfg.
func openDB(t *testing.T, cfg *config.Config) *data.DB {
	t.Helper()
	ctx := context.Background()
	db, err := data.Open(ctx, filepath.Join(t.TempDir(), "cw.db"), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var docs []data.Document
	for _, d := range cfg.Documents {
		docs = append(docs, data.Document{ID: d.ID, URL: d.URL, Language: d.Language})
	}
	if err := db.SyncDocuments(ctx, docs); err != nil {
		t.Fatal(err)
	}
	return db
}

// eeaOnly is the default config cut down to the WhatsApp EEA policy, the
// document the January 2021 update belongs to, so the test loads ten files
// rather than the whole bundle.
func eeaOnly(t *testing.T) *config.Config {
	t.Helper()
	cfg := config.Default()
	d, ok := cfg.Document("whatsapp-privacy-policy-eea")
	if !ok {
		t.Fatal("whatsapp-privacy-policy-eea is not in the default config")
	}
	cfg.Documents = []config.Document{d}
	return cfg
}

func TestEmbeddedBundle(t *testing.T) {
	b, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("embedded bundle: %d bytes", Size())
	for _, d := range config.Default().Documents {
		files, err := b.Files(d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.ID == "whatsapp-privacy-policy-es" {
			if len(files) != 0 {
				t.Errorf("%s: %d files; the corpus has no Spanish policy", d.ID, len(files))
			}
			continue
		}
		if len(files) < 2 {
			t.Errorf("%s: %d files, want its history", d.ID, len(files))
		}
		for i, f := range files {
			if f.URL == "" || len(f.Body) == 0 || (i > 0 && !files[i-1].At.Before(f.At)) {
				t.Errorf("%s: file %d (%s) has no source, no text or is out of date order", d.ID, i, f.Name)
			}
			if src := f.source(); src.Archive == "" || src.License == "" || !strings.HasPrefix(f.URL, "https://github.com/") {
				t.Errorf("%s: %s cites %+v, want a credited archive and its licence", d.ID, f.URL, src)
			}
		}
	}
}

func TestLoad(t *testing.T) {
	b, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := eeaOnly(t)
	db := openDB(t, cfg)
	tr := tracker.New(db, nil, nil, time.Now, log)
	const id = "whatsapp-privacy-policy-eea"

	t.Run("off", func(t *testing.T) {
		off := *cfg
		off.History = false
		got, err := Load(ctx, b, tr, db, &off, log)
		if err != nil || len(got) != 0 {
			t.Fatalf("Load with history off = %v, %v; want nothing", got, err)
		}
		if _, err := db.LatestVersionInfo(ctx, id); err == nil {
			t.Fatal("history off, but a version was stored")
		}
	})
	t.Run("skip", func(t *testing.T) {
		got, err := Load(ctx, b, tr, db, cfg, log, id)
		if err != nil || len(got) != 0 {
			t.Fatalf("Load skipping %s = %v, %v; want nothing", id, got, err)
		}
	})
	var versions int
	t.Run("first", func(t *testing.T) {
		got, err := Load(ctx, b, tr, db, cfg, log)
		files, _ := b.Files(id)
		if err != nil || len(got) != 1 || got[0].Files != len(files) {
			t.Fatalf("Load = %+v, %v; want all %d files of %s", got, err, len(files), id)
		}
		versions = got[0].Versions
		if versions < 5 {
			t.Errorf("%d versions, want one per distinct text", versions)
		}
		changes, _, err := db.Changes(ctx, data.ChangeFilter{DocumentID: id})
		if err != nil || len(changes) != versions-1 {
			t.Errorf("%d changes, %v; want %d", len(changes), err, versions-1)
		}
		counts, err := db.DeliveryCounts(ctx)
		for status, n := range counts {
			if n != 0 {
				t.Errorf("outbox holds %d %s deliveries; bundled history alerts nobody", n, status)
			}
		}
		if err != nil {
			t.Error(err)
		}
	})
	t.Run("again", func(t *testing.T) {
		got, err := Load(ctx, b, tr, db, cfg, log)
		if err != nil || len(got) != 0 {
			t.Fatalf("second Load = %+v, %v; want nothing loaded", got, err)
		}
		vs, _ := db.Versions(ctx, id)
		if len(vs) != versions {
			t.Errorf("%d versions after loading again, want %d", len(vs), versions)
		}
	})
}

// TestBundleMatchesCorpus reads every bundled text back, deltas applied,
// and compares it byte for byte with the corpus file it was made from, so
// that a snapshot recorded from the bundle has the archive's sha256.
func TestBundleMatchesCorpus(t *testing.T) {
	dir := corpustest.Dir(t)
	b, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	dirs := map[string]string{
		"whatsapp-privacy-policy-eea":   "whatsapp-privacy-policy-eea",
		"whatsapp-privacy-policy":       "whatsapp-privacy-policy-global",
		"whatsapp-terms-of-service-eea": "whatsapp-terms-of-service-eea",
		"whatsapp-terms-of-service":     "whatsapp-terms-of-service-global",
		"meta-privacy-policy":           "facebook-privacy-policy",
	}
	for doc, sub := range dirs {
		files, err := b.Files(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			want, err := os.ReadFile(filepath.Join(dir, sub, f.Name))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(f.Body, want) {
				t.Errorf("%s %s differs from %s/%s", doc, f.Name, sub, f.Name)
			}
		}
	}
}

func TestApplyDelta(t *testing.T) {
	tests := []struct {
		name, base, delta, want string
	}{
		{"copy and insert", "We share data.\nWith Meta.\n", "=2\n-3\n+3\nthe Meta Companies.\n", "We share the Meta Companies.\n"},
		{"last word without newline", "a b\nc", "=3\n+1\nd", "a b\ncd"},
		{"delete all", "a b ", "-2\n", ""},
	}
	for _, tt := range tests {
		got, err := applyDelta([]byte(tt.base), []byte(tt.delta))
		if err != nil || string(got) != tt.want {
			t.Errorf("%s: applyDelta = %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
	for _, bad := range []string{"=9\n", "+2\nx ", "?1\n", "=x\n"} {
		if _, err := applyDelta([]byte("a b"), []byte(bad)); err == nil {
			t.Errorf("applyDelta(%q) succeeded; want an error", bad)
		}
	}
}
