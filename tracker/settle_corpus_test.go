package tracker

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/internal/corpustest"
	"github.com/clausewatch/clausewatch/scraper"
)

// collapseNotes returns Facebook's policy as captured with its "Learn
// more" notes closed: each note (a line holding only its number, as the
// archive stores an expanded note, and the paragraph under it) is left out.
func collapseNotes(md string) (string, int) {
	number := regexp.MustCompile(`^\d+$`)
	paras := strings.Split(md, "\n\n")
	out := make([]string, 0, len(paras))
	notes := 0
	for i := 0; i < len(paras); i++ {
		if number.MatchString(strings.TrimSpace(paras[i])) {
			notes++
			i++ // and the note's first paragraph
			continue
		}
		out = append(out, paras[i])
	}
	return strings.Join(out, "\n\n"), notes
}

// TestFacebookNoteStatesDoNotAlert imports a history of Facebook's privacy
// policy whose captures alternate, days apart, between its notes
// expanded (the archive's 2025-05-28 capture) and collapsed (the same
// capture with the notes left out), followed by the next real policy
// (2025-06-16) read twice. Every state is a version, but no toggle alerts:
// the first is a presentation change that did not hold 30 days, the later
// ones capture variations. The real edit after them still settles as an
// edit.
func TestFacebookNoteStatesDoNotAlert(t *testing.T) {
	dir := filepath.Join(corpustest.Dir(t), "facebook-privacy-policy")
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	expanded := read("2025-05-28.md")
	collapsed, notes := collapseNotes(expanded)
	if notes < 50 {
		t.Fatalf("found %d notes in the 2025-05-28 capture, want its 86", notes)
	}
	next := read("2025-06-16.md")
	tmp := t.TempDir()
	var paths []string
	for _, f := range []struct{ name, body string }{
		{"2025-05-28", expanded}, {"2025-05-31", collapsed}, {"2025-06-03", expanded},
		{"2025-06-06", collapsed}, {"2025-06-09", expanded}, {"2025-06-16", next}, {"2025-06-23", next},
	} {
		p := filepath.Join(tmp, f.name+".md")
		if err := os.WriteFile(p, []byte(f.body), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	files, err := ParseImportFiles(paths)
	if err != nil {
		t.Fatal(err)
	}
	tr, db, _ := newTracker(t, nil)
	doc := config.Document{ID: "facebook-privacy-policy", URL: "https://www.facebook.com/privacy/policy/", Language: "en"}
	syncDoc(t, db, doc)
	ctx := context.Background()
	if err := tr.Import(ctx, doc, files, scraper.Rules{}, func(f ImportFile, r data.Result) {
		if r.Fetch.Outcome == data.Suspect {
			t.Errorf("%s: suspect (%s)", filepath.Base(f.Path), r.Fetch.Reason)
		}
	}); err != nil {
		t.Fatal(err)
	}
	changes, _, err := db.Changes(ctx, data.ChangeFilter{DocumentID: doc.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 5 {
		t.Fatalf("%d changes, want 5 (4 toggles and the real edit)", len(changes))
	}
	for i, c := range changes[:4] {
		t.Logf("toggle %d: %s, %s, +%d -%d ~%d", i+1, c.Capture, c.State, c.Summary.Added, c.Summary.Removed, c.Summary.Modified)
		want := diff.Variation
		if i == 0 {
			want = diff.Presentation
		}
		if c.Capture != want || c.Alert {
			t.Errorf("toggle %d: capture %q alert %v, want %q and no alert", i+1, c.Capture, c.Alert, want)
		}
	}
	if c := changes[4]; c.Capture != "" || c.State != data.Settled || !c.Material {
		t.Errorf("the real edit of 2025-06-16: capture %q, %s, material %v; want a settled material edit", c.Capture, c.State, c.Material)
	}
}
