package diff

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/corpustest"
	"github.com/clausewatch/clausewatch/policy"
	"github.com/clausewatch/clausewatch/scraper"
)

// BenchmarkReworded compares documents whose every clause was reworded (one
// or two words replaced, inserted or deleted), the worst case for the
// alignment: nothing is unchanged and every pair must be found through the
// word-pair index. Time per clause should stay flat as the size doubles.
//
//	go test -run '^$' -bench Reworded -benchmem ./diff
func BenchmarkReworded(b *testing.B) {
	for _, n := range []int{1000, 2000, 4000, 8000, 16000} {
		rng := rand.New(rand.NewPCG(uint64(n), 7))
		old := genDoc(rng, n, 12)
		new := policy.Document{Blocks: append([]policy.Block{}, old.Blocks...)}
		for k := range new.Blocks {
			if new.Blocks[k].Kind != policy.Heading {
				new.Blocks[k].Text = reword(rng, new.Blocks[k].Text)
			}
		}
		b.Run(fmt.Sprintf("clauses=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var cs ChangeSet
			for b.Loop() {
				cs = Compare(old, new)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/clause")
			if cs.Summary.Modified < n*9/10 {
				b.Fatalf("only %d of %d reworded clauses paired: %+v", cs.Summary.Modified, n, cs.Summary)
			}
		})
	}
}

// BenchmarkSmallEdit compares a ~210 KB policy with a copy where one word
// changed, the common case of a daily check.
func BenchmarkSmallEdit(b *testing.B) {
	name := filepath.Join(corpustest.Dir(b), "facebook-privacy-policy", "2023-09-07.md")
	body, err := os.ReadFile(name)
	if err != nil {
		b.Fatal(err)
	}
	old, _ := scraper.ExtractFile(name, body, scraper.Rules{})
	new, _ := scraper.ExtractFile(name, bytes.Replace(body, []byte("Meta Companies"), []byte("Meta Affiliates"), 1), scraper.Rules{})
	b.ReportAllocs()
	for b.Loop() {
		if cs := Compare(old, new); len(cs.Changes) != 1 {
			b.Fatalf("%d changes, want 1", len(cs.Changes))
		}
	}
}

// BenchmarkRewrite2022 compares Facebook's Data Policy with the Privacy
// Policy that replaced it in 2022.
func BenchmarkRewrite2022(b *testing.B) {
	a := corpusClauses(b, "facebook-privacy-policy/2022-07-11.md")
	c := corpusClauses(b, "facebook-privacy-policy/2022-09-07.md")
	b.ReportAllocs()
	for b.Loop() {
		CompareClauses(a, c)
	}
}

// BenchmarkCommonWords compares unrelated documents written with twelve
// words, where every word pair is in thousands of clauses: the case the
// posting window and the candidate selection keep linear.
func BenchmarkCommonWords(b *testing.B) {
	vocab := strings.Fields("we share data with the meta companies and partners to help us")
	for _, n := range []int{2000, 8000} {
		rng := rand.New(rand.NewPCG(1, 2))
		var docs [2]policy.Document
		for k := range docs {
			for range n {
				w := make([]string, 12)
				for i := range w {
					w[i] = vocab[rng.IntN(len(vocab))]
				}
				docs[k].Blocks = append(docs[k].Blocks, policy.Block{Kind: policy.Paragraph, Text: strings.Join(w, " ")})
			}
		}
		b.Run(fmt.Sprintf("clauses=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Compare(docs[0], docs[1])
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/clause")
		})
	}
}
