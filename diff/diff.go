// Package diff compares two versions of a policy clause by clause and says
// whether the difference is material. The pipeline stores its ChangeSet with
// each change so that pages, feeds and alerts never recompute it; the format
// is documented in docs/changeset.md.
package diff

import (
	"cmp"
	"slices"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/clausewatch/clausewatch/policy"
)

// Kinds of clause change.
const (
	Added    = "added"
	Removed  = "removed"
	Modified = "modified"
	Moved    = "moved"
	Split    = "split"
	Merged   = "merged"
)

// ChangeSet is the difference between two versions of one document.
// Topics, Severity, Alert, Sharing and Matters are left empty for the
// classifier (package topics) to fill: Alert says whether subscribers of
// the change's topics are told; Sharing lists the differences in who gets
// which data; Matters the few clause edits a reader should see first, most
// severe first.
type ChangeSet struct {
	Material      bool           `json:"material"`
	Summary       Summary        `json:"summary"`
	EffectiveDate Dates          `json:"effective_date"`
	Topics        []string       `json:"topics"`
	Severity      Severity       `json:"severity"`
	Alert         bool           `json:"alert"`
	Sharing       []SharingDelta `json:"sharing"`
	Matters       []Matter       `json:"matters"`
	// Capture is Presentation or Variation when the change shows or hides
	// a block of the page rather than edits its wording (CaptureKind); ""
	// for an edit.
	Capture string   `json:"capture,omitempty"`
	Changes []Change `json:"changes"`
}

// Summary counts the changes of each kind, and the clauses left unchanged so
// that a reader can tell a touch-up from a rewrite.
type Summary struct {
	Added     int `json:"added"`
	Removed   int `json:"removed"`
	Modified  int `json:"modified"`
	Moved     int `json:"moved"`
	Split     int `json:"split"`
	Merged    int `json:"merged"`
	Unchanged int `json:"unchanged"`
}

// Total returns the number of changes.
func (s Summary) Total() int { return s.Added + s.Removed + s.Modified + s.Moved + s.Split + s.Merged }

func (s *Summary) count(kind string) {
	switch kind {
	case Added:
		s.Added++
	case Removed:
		s.Removed++
	case Modified:
		s.Modified++
	case Moved:
		s.Moved++
	case Split:
		s.Split++
	case Merged:
		s.Merged++
	}
}

// Dates holds the effective dates the two versions state (YYYY-MM-DD, ""
// when a version states none).
type Dates struct {
	Old string `json:"old"`
	New string `json:"new"`
}

// Change is one clause change. Old or New is nil where the clause is absent
// (added, removed). For a split, New stands for the new clauses taken
// together (their texts joined by a space, the first one's id and section)
// and NewParts lists them; for a merge, Old and OldParts likewise. Words
// spells Old.Text and New.Text (empty for added and removed clauses, whose
// text is all new or all gone). Topics and Severity are left empty for the
// classifier to fill.
type Change struct {
	Kind     string   `json:"kind"`
	Material bool     `json:"material"`
	Old      *Clause  `json:"old"`
	New      *Clause  `json:"new"`
	OldParts []Clause `json:"old_parts,omitempty"`
	NewParts []Clause `json:"new_parts,omitempty"`
	Words    []Span   `json:"words"`
	Topics   []string `json:"topics"`
	Severity Severity `json:"severity"`
	// Evidence quotes the phrases that made the classifier tag each topic,
	// so that a page or an email can show why; empty until classified.
	Evidence []Evidence `json:"evidence"`
	// Capture is Restored or Toggled when the clause's text is one the
	// document held before (see capture.go), "" for new wording; the
	// pipeline sets it from the document's history, and such a clause
	// carries its topics but does not make the change alert. LastSeen
	// says where a restored text was last seen.
	Capture  string `json:"capture,omitempty"`
	LastSeen *Seen  `json:"last_seen,omitempty"`
}

// Evidence is one phrase behind a topic of a change: Start and End are
// byte offsets into the Text of the change's Old clause (Side "old") or
// New clause (Side "new"), and Text is the phrase itself. Negated is set
// when the clause denies the practice ("we do not share"). Context is set
// when the phrase lies in words the edit left alone: it is shown to explain
// the clause, but gives the change no topic.
type Evidence struct {
	Topic   string `json:"topic"`
	Side    string `json:"side"`
	Negated bool   `json:"negated"`
	Context bool   `json:"context,omitempty"`
	Start   int    `json:"start"`
	End     int    `json:"end"`
	Text    string `json:"text"`
}

// Section returns the headings a change sits under in the new version (in
// the old one for a removed clause), which is how renderers group changes.
func (c Change) Section() []string {
	if c.New != nil {
		return c.New.Section
	}
	if c.Old != nil {
		return c.Old.Section
	}
	return nil
}

// Compare returns the clause changes from old to new, with clause ids derived
// from old (see Clauses). Use CompareClauses to carry ids over from a
// previous comparison.
func Compare(old, new policy.Document) ChangeSet {
	// Only the clauses in the change set show their ids, so only theirs
	// are computed (changedIDs); hashing every clause of both versions was
	// a large part of comparing two versions that differ by a few words.
	cs, _ := compare(clauses(old), clauses(new), false)
	return cs
}

// Comparer compares a sequence of versions, each against the one before,
// with the same result as Compare. It keeps the clauses of the last new
// version it was given, so that the next comparison, whose old version that
// usually is, does not cut it into clauses again: cutting a long policy is
// about half the cost of comparing two versions that differ by a few
// words. It also carries from one comparison to the next the numbering of
// the clause texts, where the effective date was found, and the arrays of
// the version before last, which it reuses rather than allocating new ones
// the size of the document. The zero value is ready to use; a Comparer is
// not safe for concurrent use.
type Comparer struct {
	// last is the last new version: a copy of its blocks (so that a
	// caller editing its document afterwards cannot make it stale) and
	// its clauses, without ids.
	last *priorCut
	// spare is the version before last, which no comparison needs any
	// more: the next version is cut and copied into its arrays.
	spare *priorCut
	// buf holds the working arrays of the alignment, reused likewise.
	buf alignBuf
	// dates carries the last version's effective date and where it was
	// found to the next comparison.
	dates dateHint
	// classes numbers the clause texts of last.
	classes textClasses
}

// Compare returns Compare(old, new), reusing the clauses of the previous
// call's new version when old has exactly its blocks, and the clause texts
// of its blocks that new still has.
func (c *Comparer) Compare(old, new policy.Document) ChangeSet {
	var oc []Clause
	c.dates.oldKnown = false
	c.buf.oldClass = nil
	if c.last != nil && sameBlocks(c.last.blocks, old.Blocks) {
		oc = c.last.clauses
		c.dates.oldKnown, c.dates.oldDate, c.dates.oldAt = true, c.last.date, c.last.dateAt
		c.buf.oldClass = c.last.class
	} else {
		oc = clauses(old)
	}
	next := c.spare
	if next == nil {
		next = &priorCut{}
	}
	c.spare = nil // in use until it becomes last
	cutInto(next, new, c.last, &c.classes)
	nc := next.clauses
	c.buf.newClass, c.buf.classes = next.class, c.classes.n
	cs, _ := compareWith(&c.buf, &c.dates, oc, nc, false)
	c.buf.oldClass, c.buf.newClass = nil, nil
	c.classes.prune(c.last, next)
	// compare gives ids to the clauses of the change set, in place; the
	// kept clauses go back to none, as clauses returns them (the change set
	// holds copies). Most have none: reading is cheaper than writing.
	for k := range nc {
		if nc[k].ID != "" {
			nc[k].ID = ""
		}
	}
	var prior []policy.Block
	if c.last != nil {
		prior = c.last.blocks
	}
	next.blocks = copyBlocksInto(next.blocks, new.Blocks, prior)
	next.date, next.dateAt = cs.EffectiveDate.New, c.dates.newAt
	c.last, c.spare = next, c.last
	return cs
}

// sameBlocks reports whether a and b hold the same blocks. The strings of
// blocks copied from one document are the same strings, which compare
// without reading their bytes.
func sameBlocks(a, b []policy.Block) bool {
	if len(a) != len(b) {
		return false
	}
	// Consecutive blocks under the same headings usually share one Path
	// slice on each side: a pair of paths that are the slices of the pair
	// before, found equal, is not compared again.
	var pa, pb []string
	for k := range a {
		x, y := &a[k], &b[k]
		if x.Kind != y.Kind || x.Level != y.Level || x.Text != y.Text {
			return false
		}
		if !(k > 0 && sameSlice(x.Path, pa) && sameSlice(y.Path, pb)) && !slices.Equal(x.Path, y.Path) {
			return false
		}
		pa, pb = x.Path, y.Path
	}
	return true
}

// sameSlice reports whether a and b are the same slice of strings (same
// length, same first element), hence equal without reading them.
func sameSlice(a, b []string) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// equalPaths is slices.Equal, without reading the strings of a slice
// compared with itself.
func equalPaths(a, b []string) bool {
	return sameSlice(a, b) || slices.Equal(a, b)
}

// copyBlocks copies blocks and their paths (strings are immutable and
// shared); consecutive blocks with equal paths share one copy.
func copyBlocks(in []policy.Block) []policy.Block {
	return copyBlocksInto(nil, in, nil)
}

// copyBlocksInto is copyBlocks into dst's array when it is large enough.
// prior is an earlier copy: a path equal to the one prior has at the same
// position is shared with it rather than copied (copies are never
// changed).
func copyBlocksInto(dst, in, prior []policy.Block) []policy.Block {
	out := append(dst[:0], in...)
	clear(out[len(out):cap(out)]) // no earlier version kept alive
	for i := range out {
		switch {
		case i > 0 && equalPaths(in[i].Path, in[i-1].Path):
			out[i].Path = out[i-1].Path
		case in[i].Path == nil:
		case i < len(prior) && prior[i].Path != nil && slices.Equal(in[i].Path, prior[i].Path):
			out[i].Path = prior[i].Path
		default:
			out[i].Path = slices.Clip(slices.Clone(in[i].Path))
		}
	}
	return out
}

// CompareClauses aligns old clauses to new ones and returns the change set
// and the new clauses with their ids: a clause that is unchanged, modified
// or moved keeps its old id, the first part of a split keeps the id of the
// clause it came from, a merge keeps its first part's id, and other clauses
// get fresh ids (NewID) that no old clause has. Old clauses without an id
// get one first; the ids new clauses come with are ignored.
//
// The result does not depend on the direction of the comparison:
// CompareClauses(b, a) is the mirror of CompareClauses(a, b) (added and
// removed, split and merged, insertions and deletions swapped), because the
// alignment always runs in one canonical direction, chosen by content, and
// is mirrored when the other one was asked for.
func CompareClauses(old, new []Clause) (ChangeSet, []Clause) {
	return compare(old, new, true)
}

// compare is CompareClauses; with allIDs false, old clauses come without
// ids and only the clauses of the change set get theirs (the same ones
// Clauses and CompareClauses would give), the returned clauses being
// otherwise without ids.
func compare(old, new []Clause, allIDs bool) (ChangeSet, []Clause) {
	return compareWith(nil, nil, old, new, allIDs)
}

// compareWith is compare with the working arrays of the alignment taken
// from buf (nil: allocated), and the effective dates found with what
// dates knows from the comparison before (nil: nothing).
func compareWith(buf *alignBuf, dates *dateHint, old, new []Clause, allIDs bool) (ChangeSet, []Clause) {
	newIDs := new
	if allIDs {
		// The caller's clauses stay as they are.
		old = slices.Clone(old)
		assignIDs(old, nil)
		newIDs = slices.Clone(new)
		for k := range newIDs {
			newIDs[k].ID = ""
		}
	}

	flip := orientation(old, newIDs) > 0
	var al alignment
	var oldClass, newClass []int32
	if buf != nil && !allIDs {
		oldClass, newClass = buf.oldClass, buf.newClass
	}
	if flip {
		al = alignWith(buf, newIDs, old, newClass, oldClass).mirror()
	} else {
		al = alignWith(buf, old, newIDs, oldClass, newClass)
	}
	if allIDs {
		inheritIDs(old, newIDs, al)
	} else {
		changedIDs(old, newIDs, al)
	}

	dmp := diffmatchpatch.New()
	spans := func(o, n string) []Span {
		if flip {
			return deleteFirst(mirrorSpans(words(dmp, n, o)))
		}
		return words(dmp, o, n)
	}
	cs := ChangeSet{
		Topics:  []string{},
		Sharing: []SharingDelta{},
		Matters: []Matter{},
		Changes: make([]Change, 0, len(al.matches)),
	}
	if dates != nil {
		cs.EffectiveDate = dates.effectiveDates(old, newIDs)
	} else {
		cs.EffectiveDate = Dates{Old: EffectiveDate(old), New: EffectiveDate(newIDs)}
	}
	for _, t := range al.oldTo {
		if t >= 0 {
			cs.Summary.Unchanged++
		}
	}
	for _, m := range wholeBlocks(sortMatches(al, len(old), buf), old, newIDs) {
		c := Change{Kind: m.kind, Words: []Span{}, Topics: []string{}, Evidence: []Evidence{}}
		c.Old, c.OldParts = pick(old, m.old)
		c.New, c.NewParts = pick(newIDs, m.new)
		var ot, nt string
		if c.Old != nil {
			ot = c.Old.Text
		}
		if c.New != nil {
			nt = c.New.Text
		}
		if c.Old != nil && c.New != nil {
			c.Words = spans(ot, nt)
		}
		c.Material = materialText(ot, nt)
		if m.kind == Moved && !c.Material {
			// Moving a clause to another section changes what it is read
			// as being about; reordering within a section does not.
			c.Material = loose(strings.Join(c.Old.Section, "\n")) != loose(strings.Join(c.New.Section, "\n"))
		}
		cs.Summary.count(m.kind)
		cs.Material = cs.Material || c.Material
		cs.Changes = append(cs.Changes, c)
	}
	cs.Severity = SeverityNone
	if cs.Material {
		cs.Severity = SeverityLow
	}
	return cs, newIDs
}

// orientation picks the canonical direction of an alignment: it compares
// two clause lists by their texts, then their sections, clause by clause,
// and returns -1, 0 or +1, so that orientation(b, a) == -orientation(a, b).
func orientation(a, b []Clause) int {
	for k := range min(len(a), len(b)) {
		if c := strings.Compare(a[k].Text, b[k].Text); c != 0 {
			return c
		}
	}
	if c := cmp.Compare(len(a), len(b)); c != 0 {
		return c
	}
	for k := range a {
		if c := slices.Compare(a[k].Section, b[k].Section); c != 0 {
			return c
		}
	}
	return 0
}

func mirrorSpans(s []Span) []Span {
	for k := range s {
		switch s[k].Op {
		case OpInsert:
			s[k].Op = OpDelete
		case OpDelete:
			s[k].Op = OpInsert
		}
	}
	return s
}

// inheritIDs gives new clauses the ids of the old clauses they continue and
// fresh ids to the others.
func inheritIDs(old, new []Clause, al alignment) {
	for j, i := range al.newTo {
		if i >= 0 {
			new[j].ID = old[i].ID
		}
	}
	for _, m := range al.matches {
		if len(m.old) > 0 && len(m.new) > 0 {
			new[m.new[0]].ID = old[m.old[0]].ID
		}
	}
	taken := make(map[string]bool, len(old))
	for _, c := range old {
		taken[c.ID] = true
	}
	assignIDs(new, taken)
}

// pick returns the clause of a change side: nil for none, the clause itself
// for one, and for several a clause standing for them all plus the list.
func pick(cs []Clause, idx []int) (*Clause, []Clause) {
	switch len(idx) {
	case 0:
		return nil, nil
	case 1:
		c := cs[idx[0]]
		c.Block = 0
		return &c, nil
	}
	parts := make([]Clause, len(idx))
	texts := make([]string, len(idx))
	for k, i := range idx {
		parts[k] = cs[i]
		parts[k].Block = 0
		texts[k] = cs[i].Text
	}
	joined := Clause{ID: parts[0].ID, Section: parts[0].Section, Text: strings.Join(texts, " ")}
	return &joined, parts
}

// sortMatches orders changes as a reader of the new version meets them: by
// position in the new version, a removed clause right after the new
// position of the old clause before it that stayed in place (so before
// what was added in its stead).
func sortMatches(al alignment, nOld int, buf *alignBuf) []match {
	var anchor []int
	if buf != nil {
		buf.anchor = resize(buf.anchor, nOld)
		anchor = buf.anchor
		for i := range anchor {
			anchor[i] = -1
		}
	} else {
		anchor = fill(nOld, -1)
	}
	copy(anchor, al.oldTo)
	for _, m := range al.matches {
		if m.kind != Moved && len(m.old) > 0 && len(m.new) > 0 {
			for _, i := range m.old {
				anchor[i] = m.new[0]
			}
		}
	}
	last := -1
	for i := range anchor {
		if anchor[i] >= 0 {
			last = anchor[i]
		}
		anchor[i] = last
	}
	type keyed struct {
		pos, side, old int
		m              match
	}
	ks := make([]keyed, len(al.matches))
	for k, m := range al.matches {
		switch {
		case len(m.new) == 0:
			ks[k] = keyed{anchor[m.old[0]], 1, m.old[0], m}
		case len(m.old) == 0:
			ks[k] = keyed{m.new[0], 0, -1, m}
		default:
			ks[k] = keyed{m.new[0], 0, m.old[0], m}
		}
	}
	slices.SortFunc(ks, func(x, y keyed) int {
		return cmp.Or(cmp.Compare(x.pos, y.pos), cmp.Compare(x.side, y.side), cmp.Compare(x.old, y.old))
	})
	out := make([]match, len(ks))
	for k := range ks {
		out[k] = ks[k].m
	}
	return out
}

// wholeBlocks folds the removal of every sentence of a long paragraph into
// one removed change, and the addition of every sentence of one into one
// added change: sentences are how paragraphs are aligned, but a paragraph
// that went or came whole is one thing to read. ms is in sortMatches order,
// where a block's sentences follow each other.
func wholeBlocks(ms []match, old, new []Clause) []match {
	sizes := func(cs []Clause) map[int]int {
		n := map[int]int{}
		for _, c := range cs {
			if c.Block > 0 {
				n[c.Block]++
			}
		}
		return n
	}
	// The sizes are counted only when a clause was added or removed:
	// most comparisons of consecutive versions have neither.
	var sizeOld, sizeNew map[int]int
	out := make([]match, 0, len(ms))
	side := func(m match) ([]int, []Clause, map[int]int) {
		if m.kind == Removed {
			if sizeOld == nil {
				sizeOld = sizes(old)
			}
			return m.old, old, sizeOld
		}
		if sizeNew == nil {
			sizeNew = sizes(new)
		}
		return m.new, new, sizeNew
	}
	for k := 0; k < len(ms); {
		m := ms[k]
		if m.kind == Removed || m.kind == Added {
			idx, cs, size := side(m)
			first := idx[0]
			if b := cs[first].Block; b > 0 && (first == 0 || cs[first-1].Block != b) && k+size[b] <= len(ms) {
				n := size[b]
				whole := true
				for t := 1; t < n && whole; t++ {
					next := ms[k+t]
					nidx, _, _ := side(next)
					whole = next.kind == m.kind && nidx[0] == first+t && cs[first+t].Block == b
				}
				if whole && n > 1 {
					run := make([]int, n)
					for t := range run {
						run[t] = first + t
					}
					if m.kind == Removed {
						out = append(out, match{kind: Removed, old: run})
					} else {
						out = append(out, match{kind: Added, new: run})
					}
					k += n
					continue
				}
			}
		}
		out = append(out, m)
		k++
	}
	return out
}
