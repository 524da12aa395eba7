package diff

import (
	"cmp"
	"math"
	"slices"
	"sort"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Alignment thresholds. Similarity is the Dice coefficient of the clauses'
// word pairs (see features): a one-word edit in a twelve-word sentence
// scores about 0.8, "We are part of the Facebook Companies" against "We are
// part of the Meta Companies" 0.67, two unrelated sentences of a policy
// rarely above 0.2.
const (
	// minSimilar pairs two clauses anywhere in the document.
	minSimilar = 0.5
	// minSimilarNear pairs two clauses that sit between the same unchanged
	// clauses, where a rewrite in place is the likely story.
	minSimilarNear = 0.35
	// minPart is the share of a part's word pairs that must be found in the
	// whole for the part to join a split or a merge.
	minPart = 0.6
	// minSeed is the share needed for an unpaired clause to start a split or
	// merge on its own, when no part alone was similar enough to pair.
	minSeed = 0.8
	// maxPostings bounds how many clauses one word pair may point to before
	// the lookup narrows to the clauses near the expected position; word
	// pairs as common as "of the" would otherwise make the search quadratic.
	maxPostings = 256
	// maxCandidates bounds how many candidates per clause get an exact
	// similarity.
	maxCandidates = 16
)

// match is one aligned group of clauses other than an unchanged one, by
// index into the old and new clause lists: one old and one new for modified
// and moved, one old and several new for split, several old and one new for
// merged, and one side empty for added and removed.
type match struct {
	kind     string
	old, new []int
}

// alignment is the result of aligning old clauses to new ones.
type alignment struct {
	oldTo, newTo []int // index of the unchanged counterpart, or -1
	matches      []match
}

// mirror returns the alignment of new to old.
func (al alignment) mirror() alignment {
	out := alignment{oldTo: al.newTo, newTo: al.oldTo, matches: make([]match, len(al.matches))}
	for k, m := range al.matches {
		out.matches[k] = match{kind: mirrorKind(m.kind), old: m.new, new: m.old}
	}
	return out
}

func mirrorKind(k string) string {
	switch k {
	case Added:
		return Removed
	case Removed:
		return Added
	case Split:
		return Merged
	case Merged:
		return Split
	}
	return k
}

// aligner holds the state of one alignment.
type aligner struct {
	a, b         []Clause
	oldTo, newTo []int // unchanged counterpart, or -1
	gapA, gapB   []int // unchanged clauses before this one; -1 for unchanged ones
	pairA, pairB []int // counterpart in a modified or moved pair, or -1
	partA, partB []bool
	fa, fb       [][]uint64
	cands        []candidate
	buf          *alignBuf
	ca, cb       []int32 // text numbers, or nil (see alignBuf)
}

type candidate struct {
	i, j         int
	dice         float64
	contA, contB float64 // share of i's (j's) word pairs found in the other
}

// alignBuf keeps the per-clause arrays of an alignment for the next one,
// so that a Comparer does not allocate (and the collector scan) several
// arrays the size of the document for each version. The alignment an
// alignWith returns uses them until the next call.
type alignBuf struct {
	ints  []int
	bools []bool
	feats [][]uint64
	// scratch lists of clause indices for unchanged.
	ha, hb, ra, rb []int
	// oldClass and newClass, when set, number the texts of the old and
	// the new clauses (see textClasses), classes being how many numbers
	// there are; inA and inB are lcs's stamps by number.
	oldClass, newClass []int32
	classes            int32
	inA, inB           []uint32
	gen                uint32
	// hits is similar's count per clause, zero between uses; anchor is
	// sortMatches's array.
	hits   []int32
	anchor []int
}

// maxClasses bounds the text numbers lcs uses as they are: below it,
// idRune gives every number its own rune, of three bytes in UTF-8 as the
// ids lcs gives otherwise (sections with fewer distinct texts), so that
// go-diff, which looks only at which runes are equal, sees the same
// sequences either way.
const maxClasses = 0xd800 - 0x4e00

// stamp returns the arrays lcs marks texts in, by number, and the mark
// of this call.
func (b *alignBuf) stamp() (inA, inB []uint32, gen uint32) {
	if len(b.inA) < int(b.classes) {
		n := int(b.classes) + int(b.classes)/4
		b.inA, b.inB, b.gen = make([]uint32, n), make([]uint32, n), 0
	}
	b.gen++
	if b.gen == 0 {
		clear(b.inA)
		clear(b.inB)
		b.gen = 1
	}
	return b.inA, b.inB, b.gen
}

// take returns the arrays for an alignment of na clauses to nb: six int
// arrays (oldTo, newTo, pairA, pairB, gapA, gapB), filled with -1 or
// (gaps) to be overwritten, two bool arrays and two feature arrays, all
// cleared.
func (b *alignBuf) take(na, nb int) (ints [6][]int, bools [2][]bool, feats [2][][]uint64) {
	n := na + nb
	b.ints = resize(b.ints, 3*n)
	b.bools = resize(b.bools, n)
	b.feats = resize(b.feats, n)
	for k := range b.ints {
		b.ints[k] = -1
	}
	clear(b.bools)
	clear(b.feats)
	x := b.ints
	ints = [6][]int{x[0:na:na], x[na:n:n], x[n : n+na : n+na], x[n+na : 2*n : 2*n], x[2*n : 2*n+na : 2*n+na], x[2*n+na : 3*n : 3*n]}
	bools = [2][]bool{b.bools[:na:na], b.bools[na:n:n]}
	feats = [2][][]uint64{b.feats[:na:na], b.feats[na:n:n]}
	return ints, bools, feats
}

// newAligner returns an aligner of a to b with its arrays taken from buf
// (nil: allocated), gapA and gapB to be filled.
func newAligner(buf *alignBuf, a, b []Clause, ca, cb []int32) *aligner {
	if buf == nil {
		buf = &alignBuf{}
	}
	ints, bools, feats := buf.take(len(a), len(b))
	al := &aligner{
		a: a, b: b,
		oldTo: ints[0], newTo: ints[1],
		pairA: ints[2], pairB: ints[3],
		gapA: ints[4], gapB: ints[5],
		partA: bools[0], partB: bools[1],
		fa: feats[0], fb: feats[1],
		buf: buf,
	}
	if len(ca) == len(a) && len(cb) == len(b) && ca != nil && cb != nil && buf.classes <= maxClasses {
		al.ca, al.cb = ca, cb
	}
	return al
}

// alignWith matches old clauses a to new clauses b in four passes, each on
// what the previous ones left: unchanged clauses in order; pairs of similar
// clauses, found through an index of word pairs; among those, the ones out of
// order or between other unchanged clauses become moves; and pairs whose
// neighbours complete them become splits and merges. Its arrays come from
// buf (nil: allocated), and the texts of a and b are numbered by ca and cb
// when both are set.
func alignWith(buf *alignBuf, a, b []Clause, ca, cb []int32) alignment {
	al := newAligner(buf, a, b, ca, cb)
	al.unchanged()
	al.gapA, al.gapB = gapsInto(al.gapA, al.oldTo), gapsInto(al.gapB, al.newTo)
	al.exact()
	al.similar()
	moved := al.inPlace()
	var out alignment
	out.matches = al.splitsAndMerges()
	for i, j := range al.pairA {
		if j < 0 || al.partA[i] {
			continue
		}
		kind := Modified
		if moved[i] {
			kind = Moved
		}
		out.matches = append(out.matches, match{kind: kind, old: []int{i}, new: []int{j}})
	}
	for i := range a {
		if al.oldTo[i] < 0 && al.pairA[i] < 0 && !al.partA[i] {
			out.matches = append(out.matches, match{kind: Removed, old: []int{i}})
		}
	}
	for j := range b {
		if al.newTo[j] < 0 && al.pairB[j] < 0 && !al.partB[j] {
			out.matches = append(out.matches, match{kind: Added, new: []int{j}})
		}
	}
	out.oldTo, out.newTo = al.oldTo, al.newTo
	return out
}

func fill(n, v int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = v
	}
	return s
}

// unchanged matches clauses of equal text in order, headings first: the
// longest common subsequence of the headings, then, between each pair of
// matched headings, that of the clauses of the section they open. Matching
// structure first keeps a clause that moved to another section from pulling
// the alignment its way: in "A: x y z, B: u v" -> "A: x y, B: u z v", z is
// the clause that moved, not heading B.
func (al *aligner) unchanged() {
	dmp := diffmatchpatch.New()
	ha, hb := al.buf.ha[:0], al.buf.hb[:0]
	for i, c := range al.a {
		if isHeading(c) {
			ha = append(ha, i)
		}
	}
	for j, c := range al.b {
		if isHeading(c) {
			hb = append(hb, j)
		}
	}
	al.lcs(dmp, ha, hb)
	ra, rb := al.buf.ra[:0], al.buf.rb[:0]
	defer func() { al.buf.ha, al.buf.hb, al.buf.ra, al.buf.rb = ha, hb, ra, rb }()
	i, j := 0, 0
	for {
		// The next pair of matched headings closes the region.
		ni, nj := i, j
		for ni < len(al.a) && al.oldTo[ni] < 0 {
			ni++
		}
		for nj < len(al.b) && al.newTo[nj] < 0 {
			nj++
		}
		if ni-i == nj-j && sameRange(al.a[i:ni], al.b[j:nj]) {
			// An unchanged region, as lcs would pair it (see sameTexts),
			// without listing its clauses.
			for k := range ni - i {
				al.oldTo[i+k], al.newTo[j+k] = j+k, i+k
			}
		} else {
			ra, rb = ra[:0], rb[:0]
			for k := i; k < ni; k++ {
				ra = append(ra, k)
			}
			for k := j; k < nj; k++ {
				rb = append(rb, k)
			}
			al.lcs(dmp, ra, rb)
		}
		if ni >= len(al.a) || nj >= len(al.b) {
			return
		}
		i, j = ni+1, nj+1
	}
}

// isHeading reports the clauses Clauses made of headings, whose section
// ends with themselves.
func isHeading(c Clause) bool {
	return len(c.Section) > 0 && c.Section[len(c.Section)-1] == c.Text
}

// lcs matches, as unchanged, the longest common subsequence of equal texts
// between the clauses of a listed by ia and those of b listed by ib,
// computed by go-diff over one rune per distinct text. Clauses whose text
// the other side does not have at all are left out first: they cannot
// match, and without them a document whose every clause was reworded costs
// nothing here.
func (al *aligner) lcs(dmp *diffmatchpatch.DiffMatchPatch, ia, ib []int) {
	if len(ia) == 0 || len(ib) == 0 {
		return
	}
	if al.sameTexts(ia, ib) {
		// Equal sequences are their own longest common subsequence, which
		// go-diff, given equal runes, returns as one equality: most
		// sections of the next version of a policy are unchanged, and this
		// spares hashing their texts (equal strings shared between
		// versions compare without reading their bytes).
		for k, i := range ia {
			al.oldTo[i], al.newTo[ib[k]] = ib[k], i
		}
		return
	}
	if al.ca != nil {
		al.lcsByClass(dmp, ia, ib)
		return
	}
	// Each text is hashed once per side: idA keeps the ids of a's clauses.
	ids := make(map[string]int, len(ia))
	idA := make([]int, len(ia))
	for k, i := range ia {
		t := al.a[i].Text
		id, ok := ids[t]
		if !ok {
			id = len(ids)
			ids[t] = id
		}
		idA[k] = id
	}
	inB := make([]bool, len(ids))
	idxB := make([]int, 0, len(ib))
	rb := make([]rune, 0, len(ib))
	for _, j := range ib {
		id, ok := ids[al.b[j].Text]
		if !ok {
			continue
		}
		inB[id] = true
		idxB = append(idxB, j)
		rb = append(rb, idRune(id))
	}
	idxA := make([]int, 0, len(idxB))
	ra := make([]rune, 0, len(idxB))
	for k, i := range ia {
		if id := idA[k]; inB[id] {
			idxA = append(idxA, i)
			ra = append(ra, idRune(id))
		}
	}
	if len(idxA) == 0 {
		return
	}
	al.pairRuns(dmp, ra, rb, idxA, idxB)
}

// lcsByClass is lcs with the texts numbered already: the same sequences,
// up to which rune stands for which text, without hashing a text.
func (al *aligner) lcsByClass(dmp *diffmatchpatch.DiffMatchPatch, ia, ib []int) {
	inA, inB, gen := al.buf.stamp()
	for _, i := range ia {
		inA[al.ca[i]] = gen
	}
	idxB := make([]int, 0, len(ib))
	rb := make([]rune, 0, len(ib))
	for _, j := range ib {
		c := al.cb[j]
		if inA[c] != gen {
			continue
		}
		inB[c] = gen
		idxB = append(idxB, j)
		rb = append(rb, idRune(int(c)))
	}
	idxA := make([]int, 0, len(idxB))
	ra := make([]rune, 0, len(idxB))
	for _, i := range ia {
		if c := al.ca[i]; inB[c] == gen {
			idxA = append(idxA, i)
			ra = append(ra, idRune(int(c)))
		}
	}
	if len(idxA) == 0 {
		return
	}
	al.pairRuns(dmp, ra, rb, idxA, idxB)
}

// pairRuns matches, as unchanged, the clauses idxA[k] and idxB[k'] whose
// runes go-diff finds equal.
func (al *aligner) pairRuns(dmp *diffmatchpatch.DiffMatchPatch, ra, rb []rune, idxA, idxB []int) {
	i, j := 0, 0
	for _, op := range dmp.DiffMainRunes(ra, rb, false) {
		n := utf8.RuneCountInString(op.Text)
		switch op.Type {
		case diffmatchpatch.DiffEqual:
			for k := range n {
				oi, nj := idxA[i+k], idxB[j+k]
				// idRune wraps beyond a million distinct texts; checking
				// the text keeps a wrapped rune from pairing two clauses.
				if al.a[oi].Text == al.b[nj].Text {
					al.oldTo[oi], al.newTo[nj] = nj, oi
				}
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

// sameTexts reports whether the clauses of a listed by ia have, in order,
// the texts of those of b listed by ib.
func (al *aligner) sameTexts(ia, ib []int) bool {
	if len(ia) != len(ib) {
		return false
	}
	for k, i := range ia {
		if al.a[i].Text != al.b[ib[k]].Text {
			return false
		}
	}
	return true
}

// sameRange reports whether a and b have the same texts in order.
func sameRange(a, b []Clause) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if a[k].Text != b[k].Text {
			return false
		}
	}
	return true
}

// idRune maps a small integer to a rune that survives conversion to a Go
// string (no surrogates), starting in the CJK block so that go-diff's
// semantic cleanup, which looks at character classes, sees only letters.
func idRune(id int) rune {
	const base, limit = 0x4e00, 0x110000 - 0x4e00 - 0x800
	r := rune(base + id%limit)
	if r >= 0xd800 {
		r += 0x800
	}
	return r
}

// gapsInto numbers the stretches between unchanged clauses: for a clause that is
// not unchanged, how many unchanged clauses precede it; -1 for unchanged
// ones. A pair of clauses with the same gap number on both sides sits in the
// same place relative to everything that did not change.
// The numbers are written into g, of the length of to.
func gapsInto(g, to []int) []int {
	n := 0
	for i, t := range to {
		if t >= 0 {
			g[i] = -1
			n++
			continue
		}
		g[i] = n
	}
	return g
}

func (al *aligner) freeA(i int) bool { return al.oldTo[i] < 0 && al.pairA[i] < 0 && !al.partA[i] }
func (al *aligner) freeB(j int) bool { return al.newTo[j] < 0 && al.pairB[j] < 0 && !al.partB[j] }

func (al *aligner) pair(i, j int) { al.pairA[i], al.pairB[j] = j, i }

// exact pairs leftover clauses of equal text, which the unchanged pass left
// apart because they changed order: the same gap first, else the first one.
func (al *aligner) exact() {
	byText := map[string][]int{}
	for j := range al.b {
		if al.freeB(j) {
			byText[al.b[j].Text] = append(byText[al.b[j].Text], j)
		}
	}
	if len(byText) == 0 {
		return
	}
	for i := range al.a {
		if !al.freeA(i) {
			continue
		}
		list := byText[al.a[i].Text]
		if len(list) == 0 {
			continue
		}
		k := slices.IndexFunc(list, func(j int) bool { return al.gapB[j] == al.gapA[i] })
		if k < 0 {
			k = 0
		}
		al.pair(i, list[k])
		byText[al.a[i].Text] = slices.Delete(list, k, k+1)
	}
}

// similar pairs leftover clauses by word-pair similarity. Candidates come
// from an inverted index of the new clauses' word pairs, looked up with the
// old clause's rarest pairs (enough of them that a clause holding over a
// third of its pairs shares at least one), a pair in very many clauses
// being looked up near the expected position only, so the work grows with
// the number of clauses and not with its square. Pairs are then taken
// greedily, best first, the same section and the same place breaking
// near-ties.
func (al *aligner) similar() {
	postings := map[uint64][]int{}
	nb := 0
	for j := range al.b {
		if !al.freeB(j) {
			continue
		}
		al.fb[j] = clauseFeatures(al.b[j].Text)
		for _, h := range al.fb[j] {
			postings[h] = append(postings[h], j)
		}
		nb++
	}
	if nb == 0 {
		return
	}
	// hits is all zeros between clauses (each count is reset once read),
	// so the buffer's array is reused as it is.
	if len(al.buf.hits) < len(al.b) {
		al.buf.hits = make([]int32, len(al.b))
	}
	hits := al.buf.hits[:len(al.b)]
	var touched []int
	var best []hit
	type keyed struct {
		h uint64
		n int
	}
	var order []keyed
	for i := range al.a {
		if !al.freeA(i) {
			continue
		}
		fa := clauseFeatures(al.a[i].Text)
		al.fa[i] = fa
		if len(fa) == 0 {
			continue
		}
		order = order[:0]
		for _, h := range fa {
			order = append(order, keyed{h, len(postings[h])})
		}
		slices.SortFunc(order, func(x, y keyed) int { return cmp.Or(cmp.Compare(x.n, y.n), cmp.Compare(x.h, y.h)) })
		prefix := len(fa) - int(math.Ceil(minSimilarNear*float64(len(fa)))) + 1
		prefix = max(1, min(prefix, len(fa)))
		expected := i * len(al.b) / max(1, len(al.a))
		touched = touched[:0]
		for _, k := range order[:prefix] {
			for _, j := range window(postings[k.h], expected) {
				if hits[j] == 0 {
					touched = append(touched, j)
				}
				hits[j]++
			}
		}
		// Keep the maxCandidates with the most hits (the nearest on ties):
		// a selection rather than a sort, as clauses of common words can
		// touch thousands.
		best = best[:0]
		for _, j := range touched {
			c := hit{j, hits[j], absInt(j - expected)}
			hits[j] = 0
			if len(best) == maxCandidates && !c.better(best[len(best)-1]) {
				continue
			}
			k := len(best)
			if k < maxCandidates {
				best = append(best, c)
			} else {
				k--
			}
			for ; k > 0 && c.better(best[k-1]); k-- {
				best[k] = best[k-1]
			}
			best[k] = c
		}
		for _, h := range best {
			j := h.j
			s := float64(shared(fa, al.fb[j]))
			c := candidate{i: i, j: j, dice: 2 * s / float64(len(fa)+len(al.fb[j])), contA: s / float64(len(fa)), contB: s / float64(len(al.fb[j]))}
			if c.dice >= minSimilarNear || c.contA >= minPart || c.contB >= minPart {
				al.cands = append(al.cands, c)
			}
		}
	}

	type ranked struct {
		c    candidate
		rank float64
		dist float64
	}
	var pairs []ranked
	for _, c := range al.cands {
		sameGap := al.gapA[c.i] == al.gapB[c.j]
		if c.dice < minSimilar && !(sameGap && c.dice >= minSimilarNear) {
			continue
		}
		r := c.dice
		if slices.Equal(al.a[c.i].Section, al.b[c.j].Section) {
			r += 0.05
		}
		if sameGap {
			r += 0.05
		}
		dist := math.Abs(float64(c.i)/float64(len(al.a)) - float64(c.j)/float64(len(al.b)))
		pairs = append(pairs, ranked{c, r, dist})
	}
	slices.SortFunc(pairs, func(x, y ranked) int {
		return cmp.Or(cmp.Compare(y.rank, x.rank), cmp.Compare(x.dist, y.dist), cmp.Compare(x.c.i, y.c.i), cmp.Compare(x.c.j, y.c.j))
	})
	for _, p := range pairs {
		if al.freeA(p.c.i) && al.freeB(p.c.j) {
			al.pair(p.c.i, p.c.j)
		}
	}
}

// hit is a candidate clause j with its number of shared rare word pairs
// and its distance from the expected position.
type hit struct {
	j    int
	n    int32
	dist int
}

func (h hit) better(o hit) bool {
	return cmp.Or(cmp.Compare(o.n, h.n), cmp.Compare(h.dist, o.dist), cmp.Compare(h.j, o.j)) < 0
}

// window returns the postings near position expected when there are too
// many to look at all of them.
func window(posts []int, expected int) []int {
	if len(posts) <= maxPostings {
		return posts
	}
	k := sort.SearchInts(posts, expected)
	lo := max(0, min(k-maxPostings/2, len(posts)-maxPostings))
	return posts[lo : lo+maxPostings]
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// inPlace decides which pairs moved: a pair moved when its clauses sit in
// different gaps between unchanged clauses, or when it is out of order with
// the other pairs of its gap (outside their longest increasing run). Pairs
// of equal text that did not move are unchanged clauses the first pass
// missed. It returns, for each old clause, whether its pair moved.
func (al *aligner) inPlace() []bool {
	moved := make([]bool, len(al.a))
	var group []int // old indices of the same-gap pairs of one gap, in order
	flush := func() {
		keep := lis(group, al.pairA)
		for k, i := range group {
			if !keep[k] {
				moved[i] = true
			}
		}
		group = group[:0]
	}
	for i, j := range al.pairA {
		if j < 0 {
			continue
		}
		if al.gapA[i] != al.gapB[j] {
			moved[i] = true
			continue
		}
		if len(group) > 0 && al.gapA[group[0]] != al.gapA[i] {
			flush()
		}
		group = append(group, i)
	}
	flush()
	for i, j := range al.pairA {
		if j >= 0 && !moved[i] && al.a[i].Text == al.b[j].Text {
			al.pairA[i], al.pairB[j] = -1, -1
			al.oldTo[i], al.newTo[j] = j, i
		}
	}
	return moved
}

// lis marks the members of a longest run of group whose partners (to[i])
// increase, by patience sorting.
func lis(group []int, to []int) []bool {
	keep := make([]bool, len(group))
	if len(group) == 0 {
		return keep
	}
	var tails []int // index into group of the smallest tail of each length
	prev := make([]int, len(group))
	for k, i := range group {
		v := to[i]
		n := sort.Search(len(tails), func(t int) bool { return to[group[tails[t]]] >= v })
		if n > 0 {
			prev[k] = tails[n-1]
		} else {
			prev[k] = -1
		}
		if n == len(tails) {
			tails = append(tails, k)
		} else {
			tails[n] = k
		}
	}
	for k := tails[len(tails)-1]; k >= 0; k = prev[k] {
		keep[k] = true
	}
	return keep
}

// splitsAndMerges turns pairs into splits (one old clause became several
// adjacent new ones) and merges (several adjacent old clauses became one)
// when free neighbours complete them, and starts splits and merges from
// clauses that contain, or are mostly contained in, a free clause.
func (al *aligner) splitsAndMerges() []match {
	var out []match
	for i, j := range al.pairA {
		if j < 0 {
			continue
		}
		if lo, hi, ok := extend(al.fa[i], j, al.b, al.fb, al.freeB); ok {
			al.pairA[i], al.pairB[j] = -1, -1
			out = append(out, al.takeSplit(i, lo, hi))
		} else if lo, hi, ok := extend(al.fb[j], i, al.a, al.fa, al.freeA); ok {
			al.pairA[i], al.pairB[j] = -1, -1
			out = append(out, al.takeMerge(lo, hi, j))
		}
	}
	// Seeds: a free clause most of whose word pairs lie in a free clause of
	// the other side.
	for _, c := range al.cands {
		switch {
		case c.contB >= minSeed && al.freeA(c.i) && al.freeB(c.j):
			if lo, hi, ok := extend(al.fa[c.i], c.j, al.b, al.fb, al.freeB); ok && dice(al.fa[c.i], unionRange(al.fb, lo, hi)) >= minSimilar {
				out = append(out, al.takeSplit(c.i, lo, hi))
			}
		case c.contA >= minSeed && al.freeA(c.i) && al.freeB(c.j):
			if lo, hi, ok := extend(al.fb[c.j], c.i, al.a, al.fa, al.freeA); ok && dice(al.fb[c.j], unionRange(al.fa, lo, hi)) >= minSimilar {
				out = append(out, al.takeMerge(lo, hi, c.j))
			}
		}
	}
	return out
}

// extend grows the run [k, k] of clauses on one side with free neighbours
// that belong to whole (most of their word pairs are in it) and bring the
// run closer to it. ok reports whether the run grew.
func extend(whole []uint64, k int, clauses []Clause, feats [][]uint64, free func(int) bool) (lo, hi int, ok bool) {
	lo, hi = k, k
	if len(whole) == 0 {
		return lo, hi, false
	}
	cur := feats[k]
	best := dice(whole, cur)
	part := func(n int) ([]uint64, float64, bool) {
		if n < 0 || n >= len(feats) || !free(n) {
			return nil, 0, false
		}
		if feats[n] == nil {
			feats[n] = clauseFeatures(clauses[n].Text)
		}
		f := feats[n]
		if len(f) == 0 || float64(shared(f, whole))/float64(len(f)) < minPart {
			return nil, 0, false
		}
		u := union(cur, f)
		d := dice(whole, u)
		return u, d, d > best
	}
	for {
		if u, d, good := part(hi + 1); good {
			hi, cur, best = hi+1, u, d
			continue
		}
		if u, d, good := part(lo - 1); good {
			lo, cur, best = lo-1, u, d
			continue
		}
		return lo, hi, hi > lo
	}
}

func unionRange(feats [][]uint64, lo, hi int) []uint64 {
	var u []uint64
	for k := lo; k <= hi; k++ {
		u = union(u, feats[k])
	}
	return u
}

func (al *aligner) takeSplit(i, lo, hi int) match {
	m := match{kind: Split, old: []int{i}}
	al.partA[i] = true
	for j := lo; j <= hi; j++ {
		al.partB[j] = true
		m.new = append(m.new, j)
	}
	return m
}

func (al *aligner) takeMerge(lo, hi, j int) match {
	m := match{kind: Merged, new: []int{j}}
	al.partB[j] = true
	for i := lo; i <= hi; i++ {
		al.partA[i] = true
		m.old = append(m.old, i)
	}
	return m
}
