package tracker

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/internal/corpustest"
	"github.com/clausewatch/clausewatch/scraper"
)

// BenchmarkImport imports a history of small edits to a ~300 KB policy, one
// op per version: the cost of backfilling an archive.
func BenchmarkImport(b *testing.B) {
	src, err := os.ReadFile(filepath.Join(corpustest.Dir(b), "facebook-privacy-policy", "2026-07-24.md"))
	if err != nil {
		b.Fatal(err)
	}
	text := string(src) + "\n\n" + string(src)[:80<<10]
	dir := b.TempDir()
	paras := strings.Split(text, "\n\n")
	at := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	var files []ImportFile
	for i := range b.N + 1 {
		p := paras[(i*37)%len(paras)]
		paras[(i*37)%len(paras)] = p + fmt.Sprintf(" edit%d", i)
		name := filepath.Join(dir, at.Add(time.Duration(i)*time.Hour).Format("2006-01-02T15-04-05Z")+".md")
		if err := os.WriteFile(name, []byte(strings.Join(paras, "\n\n")), 0o644); err != nil {
			b.Fatal(err)
		}
		files = append(files, ImportFile{Path: name, At: at.Add(time.Duration(i) * time.Hour)})
	}
	tr, db, _ := newTracker(b, nil)
	doc := config.Document{ID: "policy", URL: "https://example.org/", Select: []string{"main"}, Language: "en"}
	syncDoc(b, db, doc)
	b.ResetTimer()
	n := 0
	err = tr.Import(context.Background(), doc, files, scraper.Rules{}, func(f ImportFile, r data.Result) {
		if r.Fetch.Outcome == data.NewVersion {
			n++
		}
	})
	if err != nil || n != len(files) {
		b.Fatalf("imported %d of %d: %v", n, len(files), err)
	}
}
