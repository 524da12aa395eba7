package topics

import (
	"slices"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/corpustest"
	"github.com/clausewatch/clausewatch/policy"
)

// FuzzClassify classifies arbitrary clauses, alone and as an edit of one
// another, in every language and with the language guessed: each topic is
// one of All, once, and every piece of evidence quotes its clause at the
// offsets it gives (the pages highlight those bytes).
//
//	go test -run '^$' -fuzz '^FuzzClassify$' -fuzztime 1m ./topics
func FuzzClassify(f *testing.F) {
	for _, s := range [][2]string{
		{"We share your phone number with the Meta Companies.", "We share your phone number and contacts with the Meta Companies and advertisers."},
		{"We do not sell your personal information.", "We may sell your personal information to data brokers."},
		{"We keep your messages for 30 days.", "We keep your messages for 90 days."},
		{"Compartimos tu información con las empresas de Meta.", "No compartimos tu información con terceros."},
		{"WhatsApp receives information from the Meta Companies (e.g. your device ID).", "They use it for ads. It is theirs."},
		{"", "\xff\x00 share share share"},
	} {
		f.Add(s[0], s[1], uint8(0))
	}
	for _, doc := range corpustest.Seeds(f, "whatsapp-privacy-policy-eea/*.md", 2, 256<<10) {
		lines := strings.Split(string(doc), "\n")
		for k := 0; k+1 < len(lines); k += 40 {
			f.Add(lines[k], lines[k+1], uint8(k))
		}
	}
	langs := append(Languages(), "")
	f.Fuzz(func(t *testing.T, old, new string, pick uint8) {
		lang := langs[int(pick)%len(langs)]
		for _, text := range []string{old, new} {
			ms := Classify(text, lang)
			var seen []string
			for _, m := range ms {
				if !slices.Contains(All(), m.Topic) || slices.Contains(seen, m.Topic) {
					t.Fatalf("topic %q unknown or repeated in %v", m.Topic, Topics(ms))
				}
				seen = append(seen, m.Topic)
				for _, ev := range m.Evidence {
					checkQuote(t, text, ev.Start, ev.End, ev.Text)
				}
			}
		}
		cs := Compare(linesDoc(old), linesDoc(new), lang)
		for _, c := range cs.Changes {
			for _, ev := range c.Evidence {
				clause := c.New
				if ev.Side == "old" {
					clause = c.Old
				}
				if clause == nil {
					t.Fatalf("%s evidence %q on the %s side of a %s change, which has no such clause", ev.Topic, ev.Text, ev.Side, c.Kind)
				}
				checkQuote(t, clause.Text, ev.Start, ev.End, ev.Text)
			}
		}
	})
}

// checkQuote fails unless text[start:end] is quote.
func checkQuote(t *testing.T, text string, start, end int, quote string) {
	t.Helper()
	if start < 0 || end > len(text) || start > end || text[start:end] != quote {
		t.Fatalf("evidence [%d, %d) %q does not quote %q", start, end, quote, text)
	}
}

// linesDoc reads a text as a document of one paragraph per line.
func linesDoc(s string) policy.Document {
	var d policy.Document
	for line := range strings.SplitSeq(s, "\n") {
		d.Blocks = append(d.Blocks, policy.Block{Kind: policy.Paragraph, Text: line})
	}
	d, _ = d.Normalized()
	return d
}
