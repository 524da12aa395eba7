package topics

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/internal/corpustest"
	"github.com/clausewatch/clausewatch/policy"
)

// repeatTo repeats s until the text is n bytes long at most.
func repeatTo(s string, n int) string {
	return strings.Repeat(s, n/len(s))
}

// TestLongRepetitiveClause classifies and compares clauses of a megabyte
// made of one phrase repeated, as a broken capture or a hostile page may
// hold. Work that grows with the square of a clause's length (a statement
// scanning every hit of its clause, an evidence phrase tested against
// every changed word, go-diff's half match on a repetitive text) makes
// these take hours; done in time linear in the text, the test finishes in
// seconds, well inside go test's default timeout. It asserts no time,
// only that the results stay well formed.
func TestLongRepetitiveClause(t *testing.T) {
	tests := []struct {
		name   string
		phrase string
		topic  string // a topic Classify must find, "" for none
	}{
		{name: "one word", phrase: "share "},
		{name: "one sharing statement without a stop", phrase: "we share your data with Meta ", topic: DataSharing},
		{name: "receiving from a company", phrase: "we receive information from Meta ", topic: ThirdPartyCollection},
		{name: "abbreviations", phrase: "e.g. "},
		{name: "sentences of one word", phrase: "Share. "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := repeatTo(tt.phrase, 1<<20)
			ms := Classify(text, "en")
			if tt.topic != "" {
				if _, ok := Has(ms, tt.topic); !ok {
					t.Errorf("Classify found %v, want %s among them", Topics(ms), tt.topic)
				}
			}
			for _, m := range ms {
				for _, ev := range m.Evidence {
					if ev.Start < 0 || ev.End > len(text) || ev.Start > ev.End || text[ev.Start:ev.End] != ev.Text {
						t.Fatalf("%s evidence [%d, %d) %q does not quote the text", m.Topic, ev.Start, ev.End, ev.Text)
					}
				}
			}
			old := policy.Document{Blocks: []policy.Block{{Kind: policy.Paragraph, Text: "Hello " + text}}}
			new := policy.Document{Blocks: []policy.Block{{Kind: policy.Paragraph, Text: text + " We sell your data to advertisers."}}}
			cs := Compare(old, new, "en")
			if len(cs.Changes) == 0 {
				t.Fatal("Compare found no change")
			}
			for _, c := range cs.Changes {
				if c.Old == nil || c.New == nil {
					continue
				}
				var o, n strings.Builder
				for _, s := range c.Words {
					if s.Op != diff.OpInsert {
						o.WriteString(s.Text)
					}
					if s.Op != diff.OpDelete {
						n.WriteString(s.Text)
					}
				}
				if o.String() != c.Old.Text || n.String() != c.New.Text {
					t.Errorf("the word spans of a %s clause do not spell its two texts again", c.Kind)
				}
			}
		})
	}
}

// BenchmarkClassifyLong classifies a megabyte of one word repeated, and
// each line of a real policy as `clausewatch classify` reads it: the
// first measures work that grows faster than the text, the second that
// the bounds added against it cost real text nothing.
//
//	go test -run '^$' -bench ClassifyLong -benchmem ./topics
func BenchmarkClassifyLong(b *testing.B) {
	b.Run("one-word-1MB", func(b *testing.B) {
		text := repeatTo("share ", 1<<20)
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			Classify(text, "en")
		}
	})
	b.Run("whatsapp-eea-policy", func(b *testing.B) {
		raw, err := os.ReadFile(filepath.Join(corpustest.Dir(b), "whatsapp-privacy-policy-eea", "2026-07-03.md"))
		if err != nil {
			b.Fatal(err)
		}
		lines := strings.Split(string(raw), "\n")
		b.SetBytes(int64(len(raw)))
		for b.Loop() {
			for _, l := range lines {
				Classify(l, "en")
			}
		}
	})
}
