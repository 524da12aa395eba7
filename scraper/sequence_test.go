package scraper

import (
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/corpustest"
	"github.com/clausewatch/clausewatch/policy"
)

// checkSequence extracts texts in order through one Sequence and fails where
// a document differs from ExtractFile's for the same file.
func checkSequence(t *testing.T, name string, texts []string) {
	t.Helper()
	var seq Sequence
	for i, text := range texts {
		got, err := seq.ExtractFile(name, []byte(text), Rules{})
		if err != nil {
			t.Fatal(err)
		}
		want, err := ExtractFile(name, []byte(text), Rules{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("step %d: Sequence gives %d blocks, ExtractFile %d; first difference at block %d\ntext:\n%s",
				i, len(got.Blocks), len(want.Blocks), firstDiff(got.Blocks, want.Blocks), text)
		}
	}
}

func firstDiff(a, b []policy.Block) int {
	for i := range min(len(a), len(b)) {
		if !reflect.DeepEqual(a[i], b[i]) {
			return i
		}
	}
	return min(len(a), len(b))
}

// mdSample holds every construct the parser treats apart, blank lines
// between most of them (where a Sequence resumes its parses).
const mdSample = `# Privacy Policy

Intro paragraph with a [link](https://example.com) and **bold** text.
A second line of the same paragraph.

## What we collect

- first item
- second item
  continued lazily

  indented after a blank line
- third item

1. numbered
2. again

Setext heading
--------------

> quoted paragraph
> with two lines

| Column | Other |
|---|---|
| cell one | cell two |
| # heading cell | - list cell |

` + "```" + `
code block

still code
` + "```" + `

[
Block link text
](https://example.com/x)[

Learn more
](https://example.com/y)

### Deeper

Text under deeper.

***

## Back up

Final paragraph.
[ref]: https://example.com/ref
`

// mutations are the edits the random test applies to one line: the ones a
// policy history makes (a word changed, a line added or dropped) and ones
// that change how the lines around are read (a blank line, a fence, a list
// or table marker, a heading).
var mutations = []func(r *rand.Rand, lines []string, i int) []string{
	func(r *rand.Rand, lines []string, i int) []string { // reword
		w := strings.Fields(lines[i])
		if len(w) == 0 {
			return lines
		}
		w[r.Intn(len(w))] = []string{"data", "partners", "Meta", "you", "**may**"}[r.Intn(5)]
		lines[i] = strings.Join(w, " ")
		return lines
	},
	func(r *rand.Rand, lines []string, i int) []string { // drop
		return slices.Delete(lines, i, i+1)
	},
	func(r *rand.Rand, lines []string, i int) []string { // insert a line
		ins := []string{"", "", "New paragraph text.", "# New top", "## New section", "### New sub",
			"- new item", "1. new numbered", "```", "> new quote", "| a | b |", "|---|---|", "----", "====",
			"[", "](https://example.com/z)[", "    indented", "***"}
		return slices.Insert(lines, i, ins[r.Intn(len(ins))])
	},
	func(r *rand.Rand, lines []string, i int) []string { // duplicate
		return slices.Insert(lines, i, lines[i])
	},
}

func mutateChain(t *testing.T, base string, steps int, seed int64) []string {
	t.Helper()
	r := rand.New(rand.NewSource(seed))
	lines := strings.Split(base, "\n")
	texts := []string{base}
	for range steps {
		for range 1 + r.Intn(3) {
			if len(lines) == 0 {
				lines = []string{"text"}
			}
			i := r.Intn(len(lines))
			lines = mutations[r.Intn(len(mutations))](r, lines, i)
		}
		texts = append(texts, strings.Join(lines, "\n"))
	}
	return texts
}

func TestSequenceSample(t *testing.T) {
	tests := []struct {
		name  string
		texts []string
	}{
		{"same file twice", []string{mdSample, mdSample}},
		{"empty then text then empty", []string{"", mdSample, "", "\n\n", mdSample}},
		{"heading renamed", []string{mdSample, strings.Replace(mdSample, "## What we collect", "## What we gather", 1)}},
		{"fence opened early", []string{mdSample, strings.Replace(mdSample, "## What we collect", "```", 1)}},
		{"list runs on", []string{mdSample, strings.Replace(mdSample, "- third item\n\n", "- third item\n", 1)}},
		{"prefix and suffix overlap", []string{"a\n\nb\n\nb\n\nc", "a\n\nb\n\nc", "a\n\nb\n\nb\n\nb\n\nc"}},
		{"CRLF", []string{mdSample, strings.ReplaceAll(mdSample, "\n", "\r\n"), mdSample}},
		{"random edits", mutateChain(t, mdSample, 400, 1)},
		{"random edits, other seed", mutateChain(t, mdSample, 400, 2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkSequence(t, "v.md", tt.texts) })
	}
}

// TestSequenceCorpus replays the corpus histories and random edits of a
// long real policy.
func TestSequenceCorpus(t *testing.T) {
	dir := corpustest.Dir(t)
	for _, d := range []string{"whatsapp-privacy-policy-eea", "whatsapp-privacy-policy-global", "facebook-privacy-policy",
		"whatsapp-terms-of-service-eea", "whatsapp-legal-page-global-2013-2020"} {
		t.Run(d, func(t *testing.T) {
			paths, err := filepath.Glob(filepath.Join(dir, d, "*.md"))
			if err != nil || len(paths) == 0 {
				t.Skipf("no Markdown files in %s", d)
			}
			slices.Sort(paths)
			var texts []string
			for _, p := range paths {
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				texts = append(texts, string(b))
			}
			checkSequence(t, "v.md", texts)
			checkSequence(t, "v.md", mutateChain(t, texts[len(texts)-1], 60, 3))
		})
	}
}
