package diff

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/policy"
)

// TestComparer holds Comparer.Compare to Compare over sequences of versions:
// each one compared with the one before (the clauses kept are reused), with
// an unrelated old version (they are not), with an equal copy of the
// previous version, with long paragraphs cut into sentences, and after the
// caller edited in place the document it passed as new.
func TestComparer(t *testing.T) {
	long := strings.Repeat("We keep the data you give us for as long as the law requires it. ", 12)
	editInPlace := func(d policy.Document) {
		for i := range d.Blocks {
			if d.Blocks[i].Kind != policy.Heading {
				d.Blocks[i].Text = "Edited in place " + d.Blocks[i].Text
				d.Blocks[i].Path[0] = "Edited heading"
				return
			}
		}
	}
	tests := []struct {
		name string
		// seq returns the (old, new) pairs to compare in order; after is
		// called with each pair once it is compared.
		seq   func(rng *rand.Rand) [][2]policy.Document
		after func(k int, p [2]policy.Document)
	}{
		{"chain of edits", func(rng *rand.Rand) [][2]policy.Document {
			d := genDoc(rng, 60, 5)
			var out [][2]policy.Document
			for range 12 {
				n := editDoc(rng, d)
				out = append(out, [2]policy.Document{d, n})
				d = n
			}
			return out
		}, nil},
		{"old is not the last new", func(rng *rand.Rand) [][2]policy.Document {
			a, b := genDoc(rng, 30, 4), genDoc(rng, 30, 4)
			return [][2]policy.Document{{a, editDoc(rng, a)}, {b, editDoc(rng, b)}, {editDoc(rng, a), a}}
		}, nil},
		{"old is an equal copy", func(rng *rand.Rand) [][2]policy.Document {
			a := genDoc(rng, 30, 4)
			b := editDoc(rng, a)
			return [][2]policy.Document{{a, b}, {{Blocks: copyBlocks(b.Blocks)}, editDoc(rng, b)}}
		}, nil},
		{"long paragraphs", func(rng *rand.Rand) [][2]policy.Document {
			a := genDoc(rng, 20, 4)
			a.Blocks = append(a.Blocks, policy.Block{Kind: policy.Paragraph, Path: a.Blocks[len(a.Blocks)-1].Path, Text: long + "First."})
			b := editDoc(rng, a)
			b.Blocks = append(b.Blocks[:len(b.Blocks):len(b.Blocks)], policy.Block{Kind: policy.Paragraph, Text: long + "Second."})
			c := editDoc(rng, b)
			return [][2]policy.Document{{a, b}, {b, c}, {c, a}}
		}, nil},
		{"effective dates", func(rng *rand.Rand) [][2]policy.Document {
			// The old version's date is the one the previous call found
			// in its new version; it changes, disappears and comes back.
			d := genDoc(rng, 20, 3)
			var out [][2]policy.Document
			for k, date := range []string{"Last modified: January 5, 2024", "Last modified: March 20, 2025", "", "Effective date: 4 May 2025", "Effective date: 4 May 2025"} {
				n := editDoc(rng, d)
				if date != "" {
					n.Blocks = append([]policy.Block{{Kind: policy.Paragraph, Text: date}}, n.Blocks...)
				}
				if k%2 == 1 {
					out = append(out, [2]policy.Document{d, n}, [2]policy.Document{n, editDoc(rng, n)})
					d = out[len(out)-1][1]
					continue
				}
				out = append(out, [2]policy.Document{d, n})
				d = n
			}
			return out
		}, nil},
		{"new edited in place after the call", func(rng *rand.Rand) [][2]policy.Document {
			a := genDoc(rng, 30, 4)
			b := editDoc(rng, a)
			b.Blocks = copyBlocks(b.Blocks) // its own paths, to edit
			return [][2]policy.Document{{a, b}, {b, a}}
		}, func(k int, p [2]policy.Document) {
			if k == 0 {
				editInPlace(p[1])
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(3, 1))
			var c Comparer
			changes := 0
			for k, p := range tt.seq(rng) {
				want, _ := json.Marshal(Compare(p[0], p[1]))
				cs := c.Compare(p[0], p[1])
				changes += cs.Summary.Total()
				got, _ := json.Marshal(cs)
				if string(got) != string(want) {
					t.Fatalf("pair %d: Comparer.Compare differs from Compare:\n got %s\nwant %s", k, got, want)
				}
				if tt.after != nil {
					tt.after(k, p)
				}
			}
			if changes == 0 {
				t.Fatal("no changes in the whole sequence: the case tests nothing")
			}
		})
	}
}

// TestCutClausesReuse holds cutClauses with an earlier version to reuse to
// clauses without one, over random edit sequences that also insert and drop
// runs of blocks (beyond reuseWindow), change a block's kind but not its
// text, empty blocks, and cut long paragraphs into sentences.
func TestCutClausesReuse(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	long := func() string {
		var b strings.Builder
		for b.Len() < 2*longClause {
			b.WriteString(sentence(rng, []string{"data", "share", "partners", "we", "keep", "law"}) + " ")
		}
		return strings.TrimSpace(b.String())
	}
	d := genDoc(rng, 80, 6)
	for k := range d.Blocks {
		if k%7 == 3 {
			d.Blocks[k].Text = long()
		}
	}
	reused := 0
	base := d // evolves by editDoc; d is base with the edits below
	for step := range 60 {
		base = smallEdits(rng, base)
		bs := base.Blocks
		switch step % 6 {
		case 0: // a run of new blocks
			at := rng.IntN(len(bs))
			run := make([]policy.Block, 2*reuseWindow+3)
			for k := range run {
				run[k] = policy.Block{Kind: policy.Paragraph, Path: bs[at].Path, Text: sentence(rng, []string{"new", "run"})}
			}
			bs = append(bs[:at:at], append(run, bs[at:]...)...)
		case 1: // a run dropped
			at := rng.IntN(len(bs))
			bs = append(bs[:at:at], bs[min(len(bs), at+reuseWindow+2):]...)
		case 2: // same text, other kind
			k := rng.IntN(len(bs))
			bs = slicesCloneBlocks(bs)
			if bs[k].Kind == policy.Paragraph {
				bs[k].Kind = policy.TableRow
			} else {
				bs[k].Kind = policy.Paragraph
			}
		case 3: // blank and not yet normalized texts
			bs = slicesCloneBlocks(bs)
			bs[rng.IntN(len(bs))].Text = " \u200b "
			k := rng.IntN(len(bs))
			bs[k].Text = "  " + bs[k].Text + "\u00a0"
		case 4: // a long paragraph
			bs = slicesCloneBlocks(bs)
			bs[rng.IntN(len(bs))].Text = long()
		}
		n := policy.Document{Blocks: bs}
		cl, start, asIs := cutClauses(d, nil)
		prior := &priorCut{blocks: copyBlocks(d.Blocks), clauses: cl, start: start, asIs: asIs}
		got, gotStart, gotAsIs := cutClauses(n, prior)
		want, wantStart, wantAsIs := cutClauses(n, nil)
		gj, _ := json.Marshal(got)
		wj, _ := json.Marshal(want)
		if string(gj) != string(wj) || !slicesEqualInts(gotStart, wantStart) || fmt.Sprint(gotAsIs) != fmt.Sprint(wantAsIs) {
			t.Fatalf("step %d: clauses with reuse differ:\n got %s\nwant %s", step, gj, wj)
		}
		for i, b := range n.Blocks {
			if k, _ := prior.find(i, 0, b); k >= 0 {
				reused++
			}
		}
		d = n
	}
	if reused == 0 {
		t.Fatal("no block was reused: the test exercises nothing")
	}
}

func slicesCloneBlocks(bs []policy.Block) []policy.Block { return append([]policy.Block(nil), bs...) }

func slicesEqualInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if a[k] != b[k] {
			return false
		}
	}
	return true
}

// smallEdits edits, inserts, drops or moves a few blocks of a copy of d.
func smallEdits(rng *rand.Rand, d policy.Document) policy.Document {
	bs := slicesCloneBlocks(d.Blocks)
	for range 1 + rng.IntN(4) {
		k := rng.IntN(len(bs))
		b := bs[k]
		switch rng.IntN(4) {
		case 0:
			bs[k].Text += " plix"
		case 1:
			b.Text = "Zorb " + b.Text
			bs = append(bs[:k:k], append([]policy.Block{b}, bs[k:]...)...)
		case 2:
			if len(bs) > 10 {
				bs = append(bs[:k:k], bs[k+1:]...)
			}
		default:
			bs = append(bs[:k:k], bs[k+1:]...)
			to := rng.IntN(len(bs) + 1)
			bs = append(bs[:to:to], append([]policy.Block{b}, bs[to:]...)...)
		}
	}
	return policy.Document{Blocks: bs}
}
