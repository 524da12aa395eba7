package diff

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/clausewatch/clausewatch/policy"
)

// TestComparerChains holds Comparer.Compare to Compare along long random
// histories, the case the Comparer's shortcuts are for: sections found
// equal without go-diff, section texts numbered once and their numbers
// carried from version to version (and recycled when texts go), the
// effective date carried over or looked for after the first difference,
// and the arrays of the version before last reused. Each version edits the
// one before (rewording, moves, splits, merges, duplicated boilerplate,
// renamed, added and dropped headings, runs of blocks dropped and brought
// back, sections swapped, date lines changed, dropped and added, long
// paragraphs cut into sentences), and now and then the old version is not
// the last one compared or is an equal copy of it.
func TestComparerChains(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 11))
			g := newChainGen(rng)
			versions := []policy.Document{g.doc(120)}
			var c Comparer
			seen := map[string]int{}
			for step := range 60 {
				versions = append(versions, g.edit(versions[len(versions)-1]))
				old, new := versions[len(versions)-2], versions[len(versions)-1]
				switch {
				case step%17 == 16 && len(versions) > 3:
					old = versions[len(versions)-4] // not the last new version
					seen["old not last"]++
				case step%13 == 12:
					old = policy.Document{Blocks: copyBlocks(old.Blocks)} // an equal copy
					seen["equal copy"]++
				case step%11 == 10:
					new = old // no change
				}
				want := Compare(old, new)
				got := c.Compare(old, new)
				wj, _ := json.Marshal(want)
				gj, _ := json.Marshal(got)
				if string(gj) != string(wj) {
					t.Fatalf("step %d: Comparer.Compare differs from Compare:\n got %s\nwant %s", step, gj, wj)
				}
				// Compare numbers only the clauses of the change set
				// (changedIDs); they must get the ids every clause gets.
				all, _ := CompareClauses(Clauses(old), Clauses(new))
				if aj, _ := json.Marshal(all); string(aj) != string(wj) {
					t.Fatalf("step %d: Compare differs from CompareClauses of all clauses with ids:\n got %s\nwant %s", step, wj, aj)
				}
				if !sameBlocks(c.last.blocks, new.Blocks) {
					t.Fatalf("step %d: the Comparer's copy of the new version differs from it", step)
				}
				for _, ch := range want.Changes {
					seen[ch.Kind]++
				}
				if want.EffectiveDate.Old != want.EffectiveDate.New {
					seen["date changed"]++
				}
				if want.Summary.Unchanged > 0 && want.Summary.Total() > 0 {
					seen["unchanged and changed"]++
				}
			}
			for k := range g.did {
				seen[k] += g.did[k]
			}
			// The histories must reach what they are meant to exercise.
			for _, k := range []string{Added, Removed, Modified, Moved, Split, Merged, "date changed", "unchanged and changed",
				"old not last", "equal copy", "heading renamed", "run dropped", "run brought back", "sections swapped", "date line moved"} {
				if seen[k] == 0 {
					t.Errorf("no %q in the history: %v", k, seen)
				}
			}
		})
	}
}

// chainGen writes and edits the documents of TestComparerChains.
type chainGen struct {
	rng   *rand.Rand
	vocab []string
	n     int                 // headings and dates written so far, for unique texts
	grave [][]policy.Block    // runs of blocks dropped, to bring back
	did   map[string]int      // edits made, by name
	paths map[string][]string // shared path slices, by joined path
}

func newChainGen(rng *rand.Rand) *chainGen {
	return &chainGen{rng: rng, vocab: vocabulary(rng, 400), did: map[string]int{}, paths: map[string][]string{}}
}

// path returns one shared slice per path, as extraction gives blocks
// under the same headings.
func (g *chainGen) path(p []string) []string {
	k := strings.Join(p, "\x1f")
	if s, ok := g.paths[k]; ok {
		return s
	}
	s := slices.Clip(slices.Clone(p))
	g.paths[k] = s
	return s
}

func (g *chainGen) date() string {
	g.n++
	months := []string{"January", "March", "May", "July", "September", "November"}
	return fmt.Sprintf("Last modified: %s %d, %d", months[g.n%len(months)], 1+g.n%28, 2020+g.n%5)
}

// paragraph returns a sentence, boilerplate that recurs under many
// headings, or a paragraph long enough to be cut into sentences.
func (g *chainGen) paragraph() (policy.Kind, string) {
	switch r := g.rng.IntN(12); {
	case r == 0:
		return policy.Paragraph, "Learn more."
	case r == 1:
		return policy.ListItem, "See our Cookies Policy."
	case r == 2:
		var b strings.Builder
		for b.Len() < 2*longClause {
			b.WriteString(sentence(g.rng, g.vocab) + " ")
		}
		return policy.Paragraph, strings.TrimSpace(b.String())
	case r < 5:
		return policy.ListItem, sentence(g.rng, g.vocab)
	}
	return policy.Paragraph, sentence(g.rng, g.vocab)
}

// doc returns a policy of about n blocks: a title, a date line, and
// sections with subsections.
func (g *chainGen) doc(n int) policy.Document {
	title := "Privacy Policy"
	bs := []policy.Block{{Kind: policy.Heading, Level: 1, Text: title}, {Kind: policy.Paragraph, Path: g.path([]string{title}), Text: g.date()}}
	var sec []string
	for len(bs) < n {
		if len(sec) == 0 || g.rng.IntN(8) == 0 {
			g.n++
			h := fmt.Sprintf("Section %d %s", g.n, g.vocab[g.rng.IntN(len(g.vocab))])
			level := 2
			if len(sec) > 0 && g.rng.IntN(3) == 0 {
				level = 3
				sec = sec[:1]
			} else {
				sec = nil
			}
			bs = append(bs, policy.Block{Kind: policy.Heading, Level: level, Path: g.path(append([]string{title}, sec...)), Text: h})
			sec = append(sec, h)
		}
		kind, text := g.paragraph()
		bs = append(bs, policy.Block{Kind: kind, Path: g.path(append([]string{title}, sec...)), Text: text})
	}
	return policy.Document{Blocks: bs}
}

// edit returns d with one to four edits, sharing d's strings as the
// versions of an import do.
func (g *chainGen) edit(d policy.Document) policy.Document {
	bs := slices.Clone(d.Blocks)
	for range 1 + g.rng.IntN(4) {
		switch g.rng.IntN(9) {
		case 0, 1:
			bs = g.small(bs)
		case 2: // rename a heading, and the paths under it
			hs := headingsOf(bs)
			if len(hs) == 0 {
				continue
			}
			h := hs[g.rng.IntN(len(hs))]
			old := bs[h].Text
			g.n++
			bs[h].Text = fmt.Sprintf("%s renamed %d", old, g.n)
			for k := h + 1; k < len(bs); k++ {
				if i := slices.Index(bs[k].Path, old); i >= 0 {
					p := slices.Clone(bs[k].Path)
					p[i] = bs[h].Text
					bs[k].Path = g.path(p)
				}
			}
			g.did["heading renamed"]++
		case 3: // drop a run of blocks
			at := g.rng.IntN(len(bs))
			end := min(len(bs), at+3+g.rng.IntN(10))
			if len(bs)-(end-at) < 20 {
				continue
			}
			g.grave = append(g.grave, slices.Clone(bs[at:end]))
			bs = slices.Delete(bs, at, end)
			g.did["run dropped"]++
		case 4: // bring a dropped run back, elsewhere
			if len(g.grave) == 0 {
				continue
			}
			k := g.rng.IntN(len(g.grave))
			at := g.rng.IntN(len(bs) + 1)
			bs = slices.Insert(bs, at, g.grave[k]...)
			g.grave = slices.Delete(g.grave, k, k+1)
			g.did["run brought back"]++
		case 5: // a run of new blocks
			at := g.rng.IntN(len(bs) + 1)
			var p []string
			if at > 0 {
				p = bs[at-1].Path
			}
			for range 2 + g.rng.IntN(8) {
				kind, text := g.paragraph()
				bs = slices.Insert(bs, at, policy.Block{Kind: kind, Path: p, Text: text})
			}
		case 6: // swap two sections
			hs := headingsOf(bs)
			if len(hs) < 3 {
				continue
			}
			k := g.rng.IntN(len(hs) - 2)
			a, b, e := hs[k], hs[k+1], hs[k+2]
			bs = slices.Concat(bs[:a], bs[b:e], bs[a:b], bs[e:])
			g.did["sections swapped"]++
		case 7: // a new date, or a date line dropped
			k := slices.IndexFunc(bs, func(b policy.Block) bool { return strings.HasPrefix(b.Text, "Last modified") })
			switch {
			case k < 0:
				bs = slices.Insert(bs, min(len(bs), 1), policy.Block{Kind: policy.Paragraph, Path: bs[0].Path, Text: g.date()})
			case g.rng.IntN(4) == 0:
				bs = slices.Delete(bs, k, k+1)
			default:
				bs[k].Text = g.date()
			}
		default: // a date line before or after the first one
			at := g.rng.IntN(len(bs) + 1)
			var p []string
			if at > 0 {
				p = bs[at-1].Path
			}
			text := g.date()
			if g.rng.IntN(3) == 0 {
				text = "Last updated" // a date line without a date
			}
			bs = slices.Insert(bs, at, policy.Block{Kind: policy.Paragraph, Path: p, Text: text})
			g.did["date line moved"]++
		}
	}
	return policy.Document{Blocks: bs}
}

// small makes one edit of editDoc's kinds to a block of text: reword,
// move, split, merge with the next, remove, duplicate, add a reworded
// copy.
func (g *chainGen) small(bs []policy.Block) []policy.Block {
	k := g.rng.IntN(len(bs))
	b := bs[k]
	words := strings.Fields(b.Text)
	if b.Kind == policy.Heading || len(words) < 4 {
		return bs
	}
	switch g.rng.IntN(8) {
	case 0:
		bs[k].Text = reword(g.rng, b.Text)
	case 7:
		bs[k].Text = sameLength(b.Text)
	case 1:
		bs = slices.Delete(bs, k, k+1)
		bs = slices.Insert(bs, g.rng.IntN(len(bs)+1), b)
	case 2:
		cut := 1 + g.rng.IntN(len(words)-1)
		first, second := b, b
		first.Text, second.Text = strings.Join(words[:cut], " "), strings.Join(words[cut:], " ")
		bs = slices.Concat(bs[:k], []policy.Block{first, second}, bs[k+1:])
	case 3:
		if k+1 < len(bs) && bs[k+1].Kind != policy.Heading {
			bs[k].Text += " " + bs[k+1].Text
			bs = slices.Delete(bs, k+1, k+2)
		}
	case 4:
		bs = slices.Delete(bs, k, k+1)
	case 5:
		bs = slices.Insert(bs, k, b)
	default:
		b.Text = reword(g.rng, reword(g.rng, b.Text)) + " Plix zorb."
		bs = slices.Insert(bs, k, b)
	}
	return bs
}

// sameLength returns text with its second word changed and its third
// one letter shorter, to the same length (text itself when it has fewer
// than three words).
func sameLength(text string) string {
	w := strings.Fields(text)
	if len(w) < 3 || len(w[2]) < 2 {
		return text
	}
	w[1] += "x"
	w[2] = w[2][1:]
	return strings.Join(w, " ")
}

func headingsOf(bs []policy.Block) []int {
	var out []int
	for k, b := range bs {
		if b.Kind == policy.Heading && b.Level > 1 {
			out = append(out, k)
		}
	}
	return out
}

// dateLeadWordSlow is dateLeadWord without its ASCII shortcut.
func dateLeadWordSlow(text string) bool {
	w := strings.TrimLeftFunc(text, func(r rune) bool { return !unicode.IsLetter(r) })
	if k := strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) }); k >= 0 {
		w = w[:k]
	}
	switch strings.ToLower(w) {
	case "last", "date", "effective", "this", "updated", "revised", "fecha", "última", "en", "vigente", "actualizado", "actualizada":
		return true
	}
	return false
}

// TestDateLeadWord holds dateLeadWord's ASCII shortcut to the plain
// reading of the first word: lead words in any case, followed by
// punctuation, digits, accented letters (which make another word) or
// nothing, and look-alikes.
func TestDateLeadWord(t *testing.T) {
	words := []string{"last", "LAST", "Last", "lAsT", "date", "Effective", "EFFECTIVE", "this", "This", "updated", "revised", "fecha",
		"Última", "ÚLTIMA", "última", "en", "EN", "vigente", "actualizado", "Actualizada", "lastly", "las", "dates", "thisé", "éthis",
		"Kast", "\u212aast", "effectivé", "this\u0301", "we", "The", "a", "", "Enero", "x"}
	seps := []string{"", " ", ":", "1", "é", "'", "\u00a0", "-", "_", "\u212a"}
	n := 0
	for _, lead := range []string{"", " ", "(", "12 ", "*", "é"} {
		for _, w := range words {
			for _, sep := range seps {
				text := lead + w + sep + "modified"
				if got, want := dateLeadWord(text), dateLeadWordSlow(text); got != want {
					t.Errorf("dateLeadWord(%q) = %v, want %v", text, got, want)
				}
				if dateLeadWordSlow(text) {
					n++
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no text started with a lead word: the test compares nothing that matters")
	}
}

// refUnchanged is the unchanged pass as it was before its shortcuts (equal
// sections paired without go-diff, texts numbered by a Comparer): the
// longest common subsequence of the headings, then of each section, over
// one rune per distinct text numbered in order of first occurrence.
func refUnchanged(a, b []Clause) (oldTo, newTo []int) {
	oldTo, newTo = fill(len(a), -1), fill(len(b), -1)
	dmp := diffmatchpatch.New()
	lcs := func(ia, ib []int) {
		if len(ia) == 0 || len(ib) == 0 {
			return
		}
		ids := map[string]int{}
		for _, i := range ia {
			if _, ok := ids[a[i].Text]; !ok {
				ids[a[i].Text] = len(ids)
			}
		}
		inB := map[int]bool{}
		var idxA, idxB []int
		var ra, rb []rune
		for _, j := range ib {
			if id, ok := ids[b[j].Text]; ok {
				inB[id] = true
				idxB = append(idxB, j)
				rb = append(rb, idRune(id))
			}
		}
		for _, i := range ia {
			if id := ids[a[i].Text]; inB[id] {
				idxA = append(idxA, i)
				ra = append(ra, idRune(id))
			}
		}
		i, j := 0, 0
		for _, op := range dmp.DiffMainRunes(ra, rb, false) {
			n := utf8.RuneCountInString(op.Text)
			switch op.Type {
			case diffmatchpatch.DiffEqual:
				for k := range n {
					oldTo[idxA[i+k]], newTo[idxB[j+k]] = idxB[j+k], idxA[i+k]
				}
				i += n
				j += n
			case diffmatchpatch.DiffDelete:
				i += n
			case diffmatchpatch.DiffInsert:
				j += n
			}
		}
	}
	var ha, hb []int
	for i, c := range a {
		if isHeading(c) {
			ha = append(ha, i)
		}
	}
	for j, c := range b {
		if isHeading(c) {
			hb = append(hb, j)
		}
	}
	lcs(ha, hb)
	i, j := 0, 0
	for {
		ni, nj := i, j
		for ni < len(a) && oldTo[ni] < 0 {
			ni++
		}
		for nj < len(b) && newTo[nj] < 0 {
			nj++
		}
		var ra, rb []int
		for k := i; k < ni; k++ {
			ra = append(ra, k)
		}
		for k := j; k < nj; k++ {
			rb = append(rb, k)
		}
		lcs(ra, rb)
		if ni >= len(a) || nj >= len(b) {
			return oldTo, newTo
		}
		i, j = ni+1, nj+1
	}
}

// TestUnchangedShortcuts holds the unchanged pass, with texts hashed and
// with texts numbered as a Comparer numbers them, to refUnchanged over
// pairs of versions that differ as TestComparerChains's do, and also by
// words replaced with others of the same length (the shortcuts compare
// texts, which lengths alone must not decide).
func TestUnchangedShortcuts(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	g := newChainGen(rng)
	d := g.doc(150)
	buf := &alignBuf{}
	changed := 0
	for step := range 80 {
		n := g.edit(d)
		if step%2 == 0 {
			k := rng.IntN(len(n.Blocks))
			if t := sameLength(n.Blocks[k].Text); t != n.Blocks[k].Text {
				n.Blocks[k].Text = t
				changed++
			}
		}
		a, b := clauses(d), clauses(n)
		wantOld, wantNew := refUnchanged(a, b)
		var tc textClasses
		ca, cb := make([]int32, len(a)), make([]int32, len(b))
		for i := range a {
			ca[i] = tc.classOf(a[i].Text)
		}
		for j := range b {
			cb[j] = tc.classOf(b[j].Text)
		}
		buf.classes = tc.n
		for _, numbered := range []bool{false, true} {
			var al *aligner
			if numbered {
				al = newAligner(buf, a, b, ca, cb)
				if al.ca == nil {
					t.Fatal("the numbered texts were not taken")
				}
			} else {
				al = newAligner(nil, a, b, nil, nil)
			}
			al.unchanged()
			if !slices.Equal(al.oldTo, wantOld) || !slices.Equal(al.newTo, wantNew) {
				t.Fatalf("step %d (numbered %v): unchanged pass differs from the reference:\n old %v\nwant %v\n new %v\nwant %v", step, numbered, al.oldTo, wantOld, al.newTo, wantNew)
			}
		}
		d = n
	}
	if changed == 0 {
		t.Fatal("no word was replaced by one of the same length")
	}
}

// TestSameBlocks holds sameBlocks, which skips comparing a pair of paths
// that are the slices of the pair before, to a plain comparison of every
// field, on copies of a document with one block changed: its path
// replaced by an equal or a different one, shared with its neighbours or
// its own, its text, kind or level.
func TestSameBlocks(t *testing.T) {
	plain := func(a, b []policy.Block) bool {
		return slices.EqualFunc(a, b, func(x, y policy.Block) bool {
			return x.Kind == y.Kind && x.Level == y.Level && x.Text == y.Text && slices.Equal(x.Path, y.Path)
		})
	}
	rng := rand.New(rand.NewPCG(2, 9))
	d := newChainGen(rng).doc(60)
	differ := 0
	for step := range 400 {
		b := copyBlocks(d.Blocks)
		k := 1 + rng.IntN(len(b)-1)
		switch step % 6 {
		case 0: // an equal path of its own
			b[k].Path = slices.Clone(b[k].Path)
		case 1: // another path, shared with the next blocks that had the same
			p := append(slices.Clone(b[k].Path), "other")
			for j := k; j < len(b) && slices.Equal(b[j].Path, d.Blocks[k].Path); j++ {
				b[j].Path = p
			}
		case 2: // the same path, one heading renamed in place
			if len(b[k].Path) > 0 {
				p := slices.Clone(b[k].Path)
				p[len(p)-1] += " renamed"
				b[k].Path = p
			}
		case 3: // the previous block's path
			b[k].Path = b[k-1].Path
		case 4:
			b[k].Text += " more"
		default:
			b[k].Level++
		}
		got, want := sameBlocks(d.Blocks, b), plain(d.Blocks, b)
		if got != want {
			t.Fatalf("step %d: sameBlocks = %v, want %v", step, got, want)
		}
		if got2 := sameBlocks(b, d.Blocks); got2 != want {
			t.Fatalf("step %d: sameBlocks reversed = %v, want %v", step, got2, want)
		}
		if !want {
			differ++
		}
	}
	if differ == 0 {
		t.Fatal("no copy differed: the test compares nothing")
	}
}
