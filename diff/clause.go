package diff

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/clausewatch/clausewatch/policy"
)

// Clause is the unit the diff aligns: a heading, a paragraph, a list item, a
// table row, or one sentence of a long paragraph. ID follows the clause from
// version to version, so that a page can link to it and a reader can follow
// its history; Section lists the headings above it, outermost first (and
// ends with the heading itself for a heading).
type Clause struct {
	ID      string   `json:"id"`
	Section []string `json:"section"`
	Text    string   `json:"text"`
	// Block numbers, from 1, the long paragraph a sentence was cut from,
	// and is 0 for a clause that is a whole block. A paragraph removed or
	// added whole is reported as one change rather than one per sentence.
	// Change sets leave it 0.
	Block int `json:"block,omitempty"`
}

// longClause is the length, in characters, above which a paragraph or list
// item is cut into sentences. Policies write whole sections as one
// paragraph; aligning sentences keeps a one-word edit from showing the whole
// paragraph as changed, and lets a sentence that moves be seen as moving.
const longClause = 400

// Clauses cuts a document into clauses in reading order, with ids derived
// from their content (see NewID). Blocks that normalize to nothing are
// skipped, as policy.Document.Canonical skips them, so two documents with
// equal canonical text have equal clause texts.
func Clauses(d policy.Document) []Clause {
	out := clauses(d)
	assignIDs(out, nil)
	return out
}

// clauses cuts a document into clauses without ids. Consecutive clauses
// under the same headings share one (clipped) Section slice: most blocks
// have the path of the block before them, and a copy per clause was a good
// share of the cost of comparing two long documents.
func clauses(d policy.Document) []Clause {
	out, _, _ := cutClauses(d, nil)
	return out
}

// priorCut is an earlier version cut into clauses, for cutClauses to reuse:
// its blocks (a copy, as Comparer keeps them), its clauses, start[k], the
// index of block k's first clause (start[len(blocks)] is len(clauses)), and
// asIs[k], whether block k's text was already normalized.
type priorCut struct {
	blocks  []policy.Block
	clauses []Clause
	start   []int
	asIs    []bool
	// date is EffectiveDate(clauses), which the next Compare needs for
	// its old version, found at clause dateAt (-1: none).
	date   string
	dateAt int
	// class numbers each clause's text (see textClasses); nil when the
	// cut had no textClasses.
	class []int32
}

// textClasses numbers the distinct clause texts of a Comparer's last
// version, and while it is cut of the next one: equal texts get equal
// numbers, so that lcs compares clauses by number instead of hashing
// every text of the sections it aligns. A clause cut as a block of the
// last version was takes that block's numbers; only the texts of the
// other blocks are hashed.
type textClasses struct {
	ids  map[string]int32
	n    int32   // numbers handed out, free ones included
	free []int32 // numbers of texts no longer held
	seen []uint32
	gen  uint32
}

// classOf returns the number of text, a new one if it has none.
func (t *textClasses) classOf(text string) int32 {
	if c, ok := t.ids[text]; ok {
		return c
	}
	if t.ids == nil {
		t.ids = map[string]int32{}
	}
	var c int32
	if k := len(t.free); k > 0 {
		c = t.free[k-1]
		t.free = t.free[:k-1]
	} else {
		c = t.n
		t.n++
	}
	t.ids[text] = c
	return c
}

// prune forgets the texts of last's clauses that next's do not have, so
// that the numbers stay few and no earlier version's text is kept.
func (t *textClasses) prune(last, next *priorCut) {
	if last == nil {
		return
	}
	if len(t.seen) < int(t.n) {
		t.seen = make([]uint32, t.n+t.n/4)
		t.gen = 0
	}
	t.gen++
	if t.gen == 0 {
		clear(t.seen)
		t.gen = 1
	}
	for _, c := range next.class {
		t.seen[c] = t.gen
	}
	for k, c := range last.class {
		if t.seen[c] != t.gen {
			t.seen[c] = t.gen // once
			delete(t.ids, last.clauses[k].Text)
			t.free = append(t.free, c)
		}
	}
}

// reuseWindow is how far from the expected position cutClauses looks for
// an earlier block with the text of the one it cuts.
const reuseWindow = 4

// cutClauses is clauses, also returning where each block's clauses start
// and whether its text was already normalized. With prior set, a block with
// the kind and text of a block of prior (near the same position, shifted by
// the blocks added or removed so far) is cut as that block was, without
// checking its text and looking for sentence ends again: a block's clause
// texts depend on its kind and text only, while sections and paragraph
// numbers are computed here as always. Between two versions of a policy
// most blocks are unchanged. The clause texts are taken from the block's
// own text, not from prior's clauses, so that clauses never keep an earlier
// version's memory alive.
func cutClauses(d policy.Document, prior *priorCut) ([]Clause, []int, []bool) {
	var into priorCut
	cutInto(&into, d, prior, nil)
	return into.clauses, into.start, into.asIs
}

// cutInto is cutClauses writing into.clauses, into.start and into.asIs,
// in the arrays they already have when those are large enough: a Comparer
// recycles the cut of the version before last, which no longer serves,
// rather than allocating (and the collector then scanning) a few hundred
// kilobytes per version. With classes set, into.class numbers the
// clause texts (prior.class must then be set too).
func cutInto(into *priorCut, d policy.Document, prior *priorCut, classes *textClasses) {
	// A long paragraph is cut into several clauses: expect as many more
	// clauses than blocks as prior had, so that the list is not grown.
	want := len(d.Blocks)
	if prior != nil {
		want += max(0, len(prior.clauses)-len(prior.blocks)) + 16
	}
	out := into.clauses[:0]
	if cap(out) < want {
		out = make([]Clause, 0, want)
	}
	start := resize(into.start, len(d.Blocks)+1)
	asIs := resize(into.asIs, len(d.Blocks))
	var class []int32
	if classes != nil {
		class = into.class[:0]
	}
	defer func() {
		// What is left past the end of a recycled array would keep
		// strings of an earlier version alive.
		clear(out[len(out):cap(out)])
		into.clauses, into.start, into.asIs, into.class = out, start, asIs, class
	}()
	// Clauses cut as a block of prior was take that block's numbers.
	reuseClass := prior != nil && len(prior.class) == len(prior.clauses)
	// fresh numbers the clauses appended from n on.
	fresh := func(n int) {
		if classes != nil {
			for _, c := range out[n:] {
				class = append(class, classes.classOf(c.Text))
			}
		}
	}
	block := 0
	var lastPath []string
	var lastSection []string
	off := 0 // the earlier block expected for block i is i+off
	for i, b := range d.Blocks {
		start[i] = len(out)
		k := -1
		if prior != nil {
			k, off = prior.find(i, off, b)
		}
		var reused []Clause
		t := b.Text
		if k >= 0 {
			reused = prior.clauses[prior.start[k]:prior.start[k+1]]
			asIs[i] = prior.asIs[k]
			if len(reused) == 0 {
				continue // normalized to nothing
			}
			if !asIs[i] {
				t = policy.Normalize(t)
			}
		} else {
			asIs[i] = policy.IsNormalized(t)
			if !asIs[i] {
				t = policy.Normalize(t)
			}
			if t == "" {
				continue
			}
		}
		// The section of a reused block's clauses, when it is the one
		// computed here, is shared rather than built again (sections are
		// never changed once built).
		var was []string
		if k >= 0 {
			was = reused[0].Section
			if b.Kind == policy.Heading && len(was) > 0 {
				was = slices.Clip(was[:len(was)-1])
			}
		}
		if lastSection == nil || !equalPaths(b.Path, lastPath) {
			lastPath = b.Path
			if was != nil && slices.Equal(was, b.Path) {
				lastSection = was
			} else {
				lastSection = slices.Clip(append([]string{}, b.Path...))
			}
		}
		section := lastSection
		if b.Kind == policy.Heading {
			// A heading opens its section: it is read, and grouped, with
			// the clauses under it.
			if was := reused; len(was) > 0 && len(was[0].Section) == len(section)+1 && was[0].Section[len(section)] == t && slices.Equal(was[0].Section[:len(section)], section) {
				section = was[0].Section
			} else {
				section = append(slices.Clone(section), t)
			}
		}
		n := len(out)
		if k >= 0 {
			if reused[0].Block > 0 {
				// The sentences of a long paragraph, cut where they were
				// cut before: SplitSentences returns consecutive pieces of
				// the text, one space apart.
				block++
				pos := 0
				for _, c := range reused {
					out = append(out, Clause{Section: section, Text: t[pos : pos+len(c.Text)], Block: block})
					pos += len(c.Text) + 1
				}
			} else {
				out = append(out, Clause{Section: section, Text: t})
			}
			if classes != nil && reuseClass {
				class = append(class, prior.class[prior.start[k]:prior.start[k+1]]...)
			} else {
				fresh(n)
			}
			continue
		}
		// A text of at most longClause bytes has at most as many runes.
		if (b.Kind == policy.Paragraph || b.Kind == policy.ListItem) && len(t) > longClause && utf8.RuneCountInString(t) > longClause {
			sentences := SplitSentences(t)
			if len(sentences) > 1 {
				block++
				for _, s := range sentences {
					out = append(out, Clause{Section: section, Text: s, Block: block})
				}
				fresh(n)
				continue
			}
		}
		out = append(out, Clause{Section: section, Text: t})
		fresh(n)
	}
	start[len(d.Blocks)] = len(out)
}

// resize returns s with length n, in its own array when that is large
// enough; the elements are left as they were (the caller sets them all).
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// find looks for an earlier block with b's kind and text at i+off, then
// at most reuseWindow blocks either side, and returns its index (-1 when
// none was found) and the offset to expect next.
func (p *priorCut) find(i, off int, b policy.Block) (int, int) {
	for d := 0; d <= reuseWindow; d++ {
		for _, k := range [2]int{i + off + d, i + off - d} {
			if k >= 0 && k < len(p.blocks) && p.blocks[k].Kind == b.Kind && p.blocks[k].Text == b.Text {
				return k, k - i
			}
			if d == 0 {
				break
			}
		}
	}
	return -1, off
}

// NewID returns the id of a clause seen for the first time: a short hash of
// its section, its text and how many clauses with the same section and text
// come before it, so that the same version always gets the same ids and
// repeated boilerplate ("Learn more") gets distinct ones.
func NewID(section []string, text string, occurrence int) string {
	return occurrenceID(contentKey(new([]byte), section, text), occurrence)
}

// contentKey hashes a clause's section and text; buf is scratch space.
func contentKey(buf *[]byte, section []string, text string) [sha256.Size]byte {
	b := (*buf)[:0]
	for _, s := range section {
		b = append(b, s...)
		b = append(b, 0x1f)
	}
	b = append(b, 0x1e)
	b = append(b, text...)
	*buf = b
	return sha256.Sum256(b)
}

func occurrenceID(key [sha256.Size]byte, occurrence int) string {
	buf := strconv.AppendInt(key[:], int64(occurrence), 10)
	sum := sha256.Sum256(buf)
	return "c" + hex.EncodeToString(sum[:6])
}

// assignIDs gives every clause without an id a fresh one from NewID, unless
// that id is already taken (by a clause here or in taken), in which case the
// occurrence count is bumped until it is free. Hashing is the costly part,
// so it is done only for clauses that need an id.
func assignIDs(cs []Clause, taken map[string]bool) {
	used := make(map[string]bool, len(cs)+len(taken))
	for k := range taken {
		used[k] = true
	}
	for _, c := range cs {
		if c.ID != "" {
			used[c.ID] = true
		}
	}
	type key struct{ section, text string }
	seen := make(map[key]int, len(cs))
	var buf []byte
	var lastSection []string
	joined := ""
	for i := range cs {
		if !slices.Equal(cs[i].Section, lastSection) {
			lastSection = cs[i].Section
			joined = strings.Join(lastSection, "\x1f")
		}
		k := key{joined, cs[i].Text}
		n := seen[k]
		seen[k] = n + 1
		if cs[i].ID != "" {
			continue
		}
		content := contentKey(&buf, cs[i].Section, cs[i].Text)
		id := occurrenceID(content, n)
		for used[id] {
			n += 1 << 20 // out of the range real occurrence counts reach
			id = occurrenceID(content, n)
		}
		used[id] = true
		cs[i].ID = id
	}
}

// changedIDs gives the clauses of al's changes (old ones, and the new ones
// they continue or that are fresh) the ids that assignIDs on old and then
// inheritIDs would give them, without hashing the other clauses: an id
// depends only on a clause's section, text and occurrence, and a fresh new
// id is bumped exactly when an old clause has the same section, text and
// occurrence (the only way, short of a 48-bit hash collision, for it to be
// taken). The clauses outside the change set keep no id.
func changedIDs(old, new []Clause, al alignment) {
	type key struct{ section, text string }
	inherit := map[int]int{} // new clause -> the old one whose id it keeps
	var wantOld, fresh []int
	for _, m := range al.matches {
		wantOld = append(wantOld, m.old...)
		if len(m.old) > 0 && len(m.new) > 0 {
			inherit[m.new[0]] = m.old[0]
		}
	}
	for _, m := range al.matches {
		for _, j := range m.new {
			if _, ok := inherit[j]; !ok {
				fresh = append(fresh, j)
			}
		}
	}
	if len(wantOld) == 0 && len(fresh) == 0 {
		return
	}
	texts := make(map[string]bool, len(wantOld)+len(fresh))
	// lens marks the lengths of texts (modulo its size): a clause of
	// another length has none of them, and is skipped without hashing
	// its text, which for every clause of two versions was most of the
	// cost here.
	var lens [512]bool
	for _, i := range wantOld {
		texts[old[i].Text] = true
		lens[len(old[i].Text)%len(lens)] = true
	}
	for _, j := range fresh {
		texts[new[j].Text] = true
		lens[len(new[j].Text)%len(lens)] = true
	}
	// occurrences returns, for the clauses of cs listed in want, how many
	// clauses before them have their section and text, and the count of
	// each such section and text in all of cs.
	occurrences := func(cs []Clause, want []int) (map[int]int, map[key]int) {
		wanted := make(map[int]bool, len(want))
		for _, i := range want {
			wanted[i] = true
		}
		occ := make(map[int]int, len(want))
		count := map[key]int{}
		var lastSection []string
		joined := ""
		for i := range cs {
			if !lens[len(cs[i].Text)%len(lens)] || !texts[cs[i].Text] {
				continue
			}
			if lastSection == nil || !slices.Equal(cs[i].Section, lastSection) {
				lastSection = cs[i].Section
				joined = strings.Join(lastSection, "\x1f")
			}
			k := key{joined, cs[i].Text}
			if wanted[i] {
				occ[i] = count[k]
			}
			count[k]++
		}
		return occ, count
	}
	occOld, countOld := occurrences(old, wantOld)
	var buf []byte
	for _, i := range wantOld {
		old[i].ID = occurrenceID(contentKey(&buf, old[i].Section, old[i].Text), occOld[i])
	}
	for j, i := range inherit {
		new[j].ID = old[i].ID
	}
	if len(fresh) == 0 {
		return // no new clause to number: spare the scan of new
	}
	occNew, _ := occurrences(new, fresh)
	for _, j := range fresh {
		n := occNew[j]
		if countOld[key{strings.Join(new[j].Section, "\x1f"), new[j].Text}] > n {
			n += 1 << 20 // as assignIDs bumps an id an old clause has
		}
		new[j].ID = occurrenceID(contentKey(&buf, new[j].Section, new[j].Text), n)
	}
}
