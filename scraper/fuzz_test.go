package scraper

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/clausewatch/clausewatch/internal/corpustest"
	"github.com/clausewatch/clausewatch/policy"
)

// checkExtracted holds an extracted document to what the pipeline relies
// on once it is normalized (policy.Document.Normalized): every block is one
// normalized line of valid UTF-8, so that the canonical text is one block
// per line, and normalizing again changes nothing.
func checkExtracted(t *testing.T, d policy.Document) {
	t.Helper()
	nd, text := d.Normalized()
	lines := 0
	for i, b := range nd.Blocks {
		if policy.Normalize(b.Text) != b.Text || strings.Contains(b.Text, "\n") || !utf8.ValidString(b.Text) {
			t.Fatalf("block %d text %q is not one normalized line of UTF-8", i, b.Text)
		}
		if b.Text != "" {
			lines++
		}
	}
	if n := strings.Count(text, "\n"); n != lines {
		t.Fatalf("canonical text has %d lines for %d blocks with text", n, lines)
	}
	if _, again := nd.Normalized(); again != text {
		t.Fatalf("normalizing twice changed the canonical text")
	}
}

// seedFiles adds the files of testdata matching pattern, and up to n of
// the shared corpus's (when it is there) of at most max bytes.
func seedFiles(f *testing.F, pattern, corpus string, n, max int) {
	paths, err := filepath.Glob(filepath.Join("testdata", pattern))
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, b := range corpustest.Seeds(f, corpus, n, max) {
		f.Add(b)
	}
}

// FuzzExtractHTML extracts arbitrary pages with the default rules: no
// page may crash extraction or yield a block that is not one normalized
// line.
//
//	go test -run '^$' -fuzz '^FuzzExtractHTML$' -fuzztime 1m ./scraper
func FuzzExtractHTML(f *testing.F) {
	for _, s := range []string{
		`<html><body><main><h1>Privacy</h1><p>We share data with <a href="x">Meta</a>.</p></main></body></html>`,
		`<table><tr><td>a<br>b</td><td>c</td></tr></table>`,
		`<ul><li>one<li>two</ul><button>Learn more</button><div hidden>x</div>`,
		`<meta charset="windows-1252"><p>caf\xe9</p>`,
		"<p>\x00\xff</p>",
		``,
	} {
		f.Add([]byte(s))
	}
	seedFiles(f, "*.html", "snapshots/*.html", 2, 512<<10)
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := ExtractHTML(body, "text/html", Rules{})
		if err != nil {
			return // a page whose selector matches nothing, said so
		}
		checkExtracted(t, d)
	})
}

// FuzzExtractMarkdown reads arbitrary Markdown files as import does.
//
//	go test -run '^$' -fuzz '^FuzzExtractMarkdown$' -fuzztime 1m ./scraper
func FuzzExtractMarkdown(f *testing.F) {
	for _, s := range []string{
		"# Privacy Policy\n\nWe share data with the [Meta Companies](https://meta.com).\n\n- one\n- two<br>- three\n",
		"| a | b |\n|---|---|\n| c<br>d | e |\n",
		"Heading\n=======\n\n> quote\n\n```\ncode\n```\n",
		"\xff\x00 <https://example.com> **bold** _it_\r\n",
	} {
		f.Add([]byte(s))
	}
	seedFiles(f, "*.md", "whatsapp-privacy-policy-eea/*.md", 3, 256<<10)
	f.Fuzz(func(t *testing.T, body []byte) {
		checkExtracted(t, ExtractMarkdown(body))
	})
}
