package diff

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/clausewatch/clausewatch/policy"
	"github.com/clausewatch/clausewatch/scraper"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// smallChangeSet diffs testdata/small/old.md against new.md.
func smallChangeSet(t *testing.T) ChangeSet {
	t.Helper()
	var docs [2]policy.Document
	for k, name := range []string{"old.md", "new.md"} {
		b, err := os.ReadFile(filepath.Join("testdata", "small", name))
		if err != nil {
			t.Fatal(err)
		}
		docs[k] = scraper.ExtractMarkdown(b)
	}
	return Compare(docs[0], docs[1])
}

func TestGolden(t *testing.T) {
	cs := smallChangeSet(t)
	if s := cs.Summary; s != (Summary{Added: 1, Removed: 1, Modified: 4, Moved: 1, Unchanged: 6}) {
		t.Errorf("summary = %+v; the fixture has one added, one removed, one moved and four modified clauses (two cosmetic)", s)
	}
	renderers := []struct {
		file   string
		render func(*bytes.Buffer) error
	}{
		{"small.txt", func(b *bytes.Buffer) error { return WriteText(b, cs, false) }},
		{"small.color.txt", func(b *bytes.Buffer) error { return WriteText(b, cs, true) }},
		{"small.json", func(b *bytes.Buffer) error { return WriteJSON(b, cs) }},
		{"small.html", func(b *bytes.Buffer) error { return htmlRenderer(t).WriteHTML(b, cs) }},
	}
	for _, r := range renderers {
		t.Run(r.file, func(t *testing.T) {
			var got bytes.Buffer
			if err := r.render(&got); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "golden", r.file)
			if *update {
				if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./diff -run TestGolden -update to create it)", err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("%s differs from the golden file (if the change is intended, rerun with -update and review):\n%s", r.file, got.String())
			}
		})
	}
}

// htmlRenderer returns a renderer of the embedded template.
func htmlRenderer(t testing.TB) *HTMLRenderer {
	t.Helper()
	r, err := NewHTMLRenderer()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestNewHTMLRendererBrokenTemplate checks that a template that does not
// parse, or is missing, makes the constructor fail with an error naming the
// file, so that the command stops before it renders anything.
func TestNewHTMLRendererBrokenTemplate(t *testing.T) {
	tests := []struct {
		name string
		fsys fstest.MapFS
	}{
		{"unclosed action", fstest.MapFS{changesetTemplate: {Data: []byte(`<div>{{range .Changes}}</div>`)}}},
		{"unknown function", fstest.MapFS{changesetTemplate: {Data: []byte(`<div>{{nosuchfunc .}}</div>`)}}},
		{"missing", fstest.MapFS{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := newHTMLRenderer(tt.fsys)
			if err == nil {
				t.Fatalf("newHTMLRenderer = %v, nil; want an error", r)
			}
			if !strings.Contains(err.Error(), changesetTemplate) {
				t.Errorf("error %q does not name %s", err, changesetTemplate)
			}
		})
	}
}

// TestRenderUntrusted checks that policy text cannot inject markup into the
// HTML fragment or escape sequences into a terminal.
func TestRenderUntrusted(t *testing.T) {
	evil := `<script>alert(1)</script> "quoted" & <img src=x onerror=alert(2)> ` + "\x1b]0;pwned\x07\x1b[2J"
	cs := Compare(sections(sec("Share <b>now</b>", sharing)), sections(sec("Share <b>now</b>", sharing, evil)))
	var h bytes.Buffer
	if err := htmlRenderer(t).WriteHTML(&h, cs); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script", "<img", "<b>"} {
		if strings.Contains(h.String(), bad) {
			t.Errorf("HTML output contains %q:\n%s", bad, h.String())
		}
	}
	if !strings.Contains(h.String(), "&lt;script&gt;") || !strings.Contains(h.String(), "Share &lt;b&gt;now&lt;/b&gt;") {
		t.Errorf("HTML output does not show the escaped text:\n%s", h.String())
	}
	var txt bytes.Buffer
	if err := WriteText(&txt, cs, false); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(txt.String(), "\x1b\x07") {
		t.Errorf("text output carries control characters: %q", txt.String())
	}
}

func TestGroups(t *testing.T) {
	cs := smallChangeSet(t)
	groups := Groups(cs)
	n := 0
	for k, g := range groups {
		if k > 0 && strings.Join(groups[k-1].Section, "\n") == strings.Join(g.Section, "\n") {
			t.Errorf("groups %d and %d share section %q", k-1, k, g.Section)
		}
		for _, c := range g.Changes {
			if strings.Join(c.Section(), "\n") != strings.Join(g.Section, "\n") {
				t.Errorf("change in section %q grouped under %q", c.Section(), g.Section)
			}
		}
		n += len(g.Changes)
	}
	if n != len(cs.Changes) {
		t.Errorf("groups hold %d changes, want %d", n, len(cs.Changes))
	}
}

func TestRenderEffectiveDate(t *testing.T) {
	tests := []struct {
		name      string
		dates     Dates
		want, not []string
	}{
		{"changed", Dates{Old: "2021-01-04", New: "2021-04-29"}, []string{"<del", "2021-01-04", "<ins", "2021-04-29"}, []string{"(unchanged)"}},
		{"unchanged", Dates{Old: "2021-01-06", New: "2021-01-06"}, []string{"2021-01-06 (unchanged)"}, []string{"<del", "<ins"}},
		{"first stated", Dates{New: "2021-04-29"}, []string{"none stated", "<ins"}, []string{"<del"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := htmlRenderer(t).WriteHTML(&b, ChangeSet{EffectiveDate: tt.dates}); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("missing %q in %s", w, out)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(out, n) {
					t.Errorf("unexpected %q in %s", n, out)
				}
			}
		})
	}
}
