package diff

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/clausewatch/clausewatch/policy"
)

// FuzzWords checks that word spans always spell both texts, with no empty
// span and no two neighbours of the same kind. `go test` runs the seeds;
// `go test -fuzz FuzzWords ./diff` explores.
func FuzzWords(f *testing.F) {
	for _, s := range [][2]string{
		{"We share with Facebook.", "We share with Meta and partners."},
		{"", "Added."},
		{"Removed.", ""},
		{"same", "same"},
		{"don't  stop", "don’t stop"},
		{"a b c d e f", "f e d c b a"},
		{"Compartimos datos, p. ej. con Meta.", "Compartimos tus datos con Meta."},
		{"\xff\xfe broken", "broken \xff"},
		{"日本語のテキスト", "日本語テキスト"},
		{"e\u0301t\u00e9", "ete\u0301"},
	} {
		f.Add(s[0], s[1])
	}
	// The lines of the small test documents, paired in order.
	oldDoc, err1 := os.ReadFile("testdata/small/old.md")
	newDoc, err2 := os.ReadFile("testdata/small/new.md")
	if err := errors.Join(err1, err2); err != nil {
		f.Fatal(err)
	}
	oldLines, newLines := strings.Split(string(oldDoc), "\n"), strings.Split(string(newDoc), "\n")
	for k := range min(len(oldLines), len(newLines)) {
		f.Add(oldLines[k], newLines[k])
	}
	f.Fuzz(func(t *testing.T, old, new string) {
		spans := Words(old, new)
		if o, n := rebuild(spans); o != old || n != new {
			t.Fatalf("spans %q spell %q -> %q, want %q -> %q", spans, o, n, old, new)
		}
		for k, s := range spans {
			if s.Text == "" {
				t.Fatalf("empty span at %d: %q", k, spans)
			}
			if k > 0 && spans[k-1].Op == s.Op {
				t.Fatalf("two %s spans in a row at %d: %q", s.Op, k, spans)
			}
		}
	})
}

// docFromText reads a fuzzed text as a document: one block per line, lines
// starting with "#" as headings that open a section.
func docFromText(s string) policy.Document {
	var d policy.Document
	var path []string
	for _, line := range strings.Split(s, "\n") {
		if h, ok := strings.CutPrefix(line, "#"); ok {
			d.Blocks = append(d.Blocks, policy.Block{Kind: policy.Heading, Level: 1, Text: h})
			path = []string{policy.Normalize(h)}
			continue
		}
		d.Blocks = append(d.Blocks, policy.Block{Kind: policy.Paragraph, Path: path, Text: line})
	}
	return d
}

// FuzzCompare checks the invariants of checkChangeSet (every clause in at
// most one change, words spell both texts, diff(b, a) mirrors diff(a, b))
// on arbitrary pairs of documents.
func FuzzCompare(f *testing.F) {
	for _, s := range [][2]string{
		{"#Collect\n" + collect + "\n" + device + "\n" + keep + "\n#Share\n" + sharing + "\n" + vendors,
			"#Collect\n" + collect + "\n" + device + "\n#Share\n" + sharing + "\n" + keep + "\n" + vendors},
		{collect + " " + contacts + "\n" + device, collect + "\n" + contacts + "\n" + device},
		{"a\nb\na\nb", "b\na\nb\na"},
		{"x\nx\nx", "x"},
		{"Last modified: April 24, 2018\n" + sharing, "Effective January 4, 2021\n" + strings.ToUpper(sharing)},
		{strings.Repeat(sharing+" ", 6), strings.Repeat(vendors+" ", 3) + sharing},
		{"#A\n#B\n#A", "#B\n#A\n#A"},
		{"", noSale},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if len(a)+len(b) > 20000 || !utf8.ValidString(a) || !utf8.ValidString(b) {
			t.Skip("inputs too long or not UTF-8 (extraction gives valid UTF-8)")
		}
		checkChangeSet(t, Clauses(docFromText(a)), Clauses(docFromText(b)))
	})
}

// TestRandomEdits is a property test over generated documents and every
// kind of edit at once: reworded, moved, split, merged, duplicated, added
// and removed clauses.
func TestRandomEdits(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 1))
	for n := range 150 {
		old := genDoc(rng, 5+rng.IntN(40), 4)
		new := editDoc(rng, old)
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			checkChangeSet(t, Clauses(old), Clauses(new))
		})
		if t.Failed() {
			break
		}
	}
}

// vocabulary returns n distinct pronounceable words.
func vocabulary(rng *rand.Rand, n int) []string {
	syll := []string{"ka", "lo", "mi", "ter", "sha", "ro", "ven", "dis", "po", "qua", "ne", "tal", "bri", "so", "fu"}
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		var b strings.Builder
		for range 2 + rng.IntN(3) {
			b.WriteString(syll[rng.IntN(len(syll))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

func sentence(rng *rand.Rand, vocab []string) string {
	n := 8 + rng.IntN(14)
	words := make([]string, n)
	for k := range words {
		words[k] = vocab[rng.IntN(len(vocab))]
	}
	words[0] = strings.ToUpper(words[0][:1]) + words[0][1:]
	return strings.Join(words, " ") + "."
}

// genDoc returns a document of about n clauses in sections of perSection.
func genDoc(rng *rand.Rand, n, perSection int) policy.Document {
	vocab := vocabulary(rng, 3000)
	var d policy.Document
	var path []string
	for k := range n {
		if k%perSection == 0 {
			h := fmt.Sprintf("Section %d %s", k/perSection, vocab[rng.IntN(len(vocab))])
			d.Blocks = append(d.Blocks, policy.Block{Kind: policy.Heading, Level: 2, Text: h})
			path = []string{h}
		}
		d.Blocks = append(d.Blocks, policy.Block{Kind: policy.Paragraph, Path: path, Text: sentence(rng, vocab)})
	}
	return d
}

// reword replaces, inserts or deletes one or two words of a sentence.
func reword(rng *rand.Rand, s string) string {
	words := strings.Fields(s)
	for range 1 + rng.IntN(2) {
		k := 1 + rng.IntN(len(words)-1)
		switch rng.IntN(3) {
		case 0:
			words[k] = "zorb" + words[k]
		case 1:
			words = append(words[:k], append([]string{"plix"}, words[k:]...)...)
		default:
			if len(words) > 4 {
				words = append(words[:k], words[k+1:]...)
			}
		}
	}
	return strings.Join(words, " ")
}

// editDoc applies random edits of every kind to a copy of d.
func editDoc(rng *rand.Rand, d policy.Document) policy.Document {
	bs := append([]policy.Block{}, d.Blocks...)
	for range 1 + rng.IntN(6) {
		k := rng.IntN(len(bs))
		b := bs[k]
		if b.Kind == policy.Heading {
			continue
		}
		switch rng.IntN(7) {
		case 0: // reword
			bs[k].Text = reword(rng, b.Text)
		case 1: // move elsewhere
			bs = append(bs[:k], bs[k+1:]...)
			to := rng.IntN(len(bs) + 1)
			bs = append(bs[:to], append([]policy.Block{b}, bs[to:]...)...)
		case 2: // split in two at a word
			words := strings.Fields(b.Text)
			cut := 1 + rng.IntN(len(words)-1)
			first, second := b, b
			first.Text, second.Text = strings.Join(words[:cut], " "), strings.Join(words[cut:], " ")
			bs = append(bs[:k], append([]policy.Block{first, second}, bs[k+1:]...)...)
		case 3: // merge with the next paragraph
			if k+1 < len(bs) && bs[k+1].Kind != policy.Heading {
				bs[k].Text += " " + bs[k+1].Text
				bs = append(bs[:k+1], bs[k+2:]...)
			}
		case 4: // remove
			bs = append(bs[:k], bs[k+1:]...)
		case 5: // duplicate
			bs = append(bs[:k], append([]policy.Block{b}, bs[k:]...)...)
		default: // add
			added := b
			added.Text = reword(rng, reword(rng, b.Text)) + " Plix zorb."
			bs = append(bs[:k], append([]policy.Block{added}, bs[k:]...)...)
		}
	}
	return policy.Document{Blocks: bs}
}
