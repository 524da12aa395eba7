package topics

import (
	"slices"
	"strings"

	"github.com/clausewatch/clausewatch/diff"
)

// Annotate classifies a change set: each change gets the topics its edit
// touches, its evidence and its severity; the change set gets the union of
// the topics of its material changes, the highest severity, the
// differences in who gets which data (Sharing), the few clause edits that
// carry the change (Matters), and whether subscribers of its topics are
// told (Alert). It overwrites what an earlier classification left, so that
// reclassifying stored changes with newer rules is calling it again. lang
// is the document's language ("" guesses it from the changed text).
//
// A change carries a topic only when its edit touches it: data-sharing and
// third-party-collection when the clause's statements (who gets or gives
// which data, keyed so that a renamed recipient is the same one) differ
// between the old and the new clause, any other topic when its evidence
// lies in the words the edit changed (the whole clause when it was added
// or removed). Evidence elsewhere in the clause is kept, marked Context, to
// explain the clause; a cosmetic change carries no topic and only context.
// A clause marked as held before (diff.Change.Capture) keeps its topics but
// adds nothing to the change set's topics, severity, sharing or alert.
// Severities are described in docs/topics.md and in weigh.
func Annotate(cs *diff.ChangeSet, lang string) {
	if lang == "" {
		lang = Language(sample(cs))
	}
	r := readerFor("", lang)
	edits := make([]edit, len(cs.Changes))
	for k := range cs.Changes {
		edits[k] = r.readChange(&cs.Changes[k])
	}
	p := newPool(edits)
	topics := map[string]bool{}
	cs.Severity = diff.SeverityNone
	cs.Sharing = []diff.SharingDelta{}
	for k := range cs.Changes {
		c := &cs.Changes[k]
		c.Severity = diff.SeverityNone
		if !c.Material {
			continue
		}
		c.Severity = diff.SeverityLow
		if c.Capture != "" {
			// Text the document held before (diff.MarkCapture): its
			// topics explain the clause, but it is no news.
			cs.Severity = maxSeverity(cs.Severity, c.Severity)
			continue
		}
		if len(c.Topics) > 0 {
			c.Severity = diff.SeverityMedium
		}
		for _, d := range edits[k].deltas {
			d.Change, d.Severity = k, p.weigh(d)
			c.Severity = maxSeverity(c.Severity, d.Severity)
			cs.Sharing = append(cs.Sharing, d)
		}
		for _, t := range c.Topics {
			topics[t] = true
		}
		cs.Severity = maxSeverity(cs.Severity, c.Severity)
	}
	cs.Topics = []string{}
	for _, t := range All() {
		if topics[t] {
			cs.Topics = append(cs.Topics, t)
		}
	}
	cs.Alert = cs.Material && len(cs.Topics) > 0
	cs.Matters = whatMatters(cs.Changes)
}

func maxSeverity(a, b diff.Severity) diff.Severity {
	if b.Rank() > a.Rank() {
		return b
	}
	return a
}

// sample returns some of the changed text, enough to guess its language.
func sample(cs *diff.ChangeSet) string {
	var b strings.Builder
	for _, c := range cs.Changes {
		for _, cl := range []*diff.Clause{c.New, c.Old} {
			if cl != nil && b.Len() < 4000 {
				b.WriteString(cl.Text)
				b.WriteByte('\n')
			}
		}
	}
	return b.String()
}

// edit is one change read: its two clauses and the differences between
// their sharing statements, not yet weighed.
type edit struct {
	old, new reading
	deltas   []diff.SharingDelta
}

// readChange reads both clauses of c, sets its topics and evidence, and
// returns them with the statement deltas of a material change.
func (r reader) readChange(c *diff.Change) edit {
	var e edit
	var oldText, newText string
	if c.Old != nil {
		oldText = c.Old.Text
		e.old = r.read(oldText, tokenize(oldText))
	}
	if c.New != nil {
		newText = c.New.Text
		e.new = r.read(newText, tokenize(newText))
	}
	oldChanged, newChanged := changedRanges(c)

	// moved[side][k]: statement k of that side differs from the other
	// side's (it is in a delta, or is a source the other side lacks).
	var oldMoved, newMoved, oldSrc, newSrc []bool
	if c.Material {
		e.deltas, oldMoved, newMoved = compareStatements(e.old.shares, e.new.shares)
		oldSrc, newSrc = unmatched(e.old.sources, e.new.sources)
	}
	touched := map[string]bool{}
	if len(e.deltas) > 0 {
		touched[DataSharing] = true
	}
	if slices.Contains(oldSrc, true) || slices.Contains(newSrc, true) {
		touched[ThirdPartyCollection] = true
	}

	c.Evidence = []diff.Evidence{}
	side := func(name string, rd reading, changed [][2]int, moved, src []bool) {
		near := nearChanges(rd.toks, changed)
		for k, s := range rd.shares {
			for _, q := range s.evidence() {
				c.Evidence = append(c.Evidence, diff.Evidence{Topic: DataSharing, Side: name, Negated: s.Negated,
					Context: k >= len(moved) || !moved[k], Start: q.Start, End: q.End, Text: q.Text})
			}
		}
		for k, s := range rd.sources {
			for _, q := range s.quotes {
				c.Evidence = append(c.Evidence, diff.Evidence{Topic: ThirdPartyCollection, Side: name,
					Negated: s.Negated, Context: k >= len(src) || !src[k], Start: q.Start, End: q.End, Text: q.Text})
			}
		}
		for _, m := range rd.matches {
			if m.Topic == DataSharing || m.Topic == ThirdPartyCollection {
				continue
			}
			for _, q := range m.Evidence {
				in := c.Material && near(q.Start, q.End)
				if in {
					touched[m.Topic] = true
				}
				c.Evidence = append(c.Evidence, diff.Evidence{Topic: m.Topic, Side: name, Context: !in,
					Start: q.Start, End: q.End, Text: q.Text})
			}
		}
	}
	side("old", e.old, oldChanged, oldMoved, oldSrc)
	side("new", e.new, newChanged, newMoved, newSrc)
	c.Topics = []string{}
	for _, t := range All() {
		if touched[t] {
			c.Topics = append(c.Topics, t)
		}
	}
	slices.SortStableFunc(c.Evidence, cmpEvidence)
	c.Evidence = slices.CompactFunc(c.Evidence, func(a, b diff.Evidence) bool {
		return a.Topic == b.Topic && a.Side == b.Side && a.Start == b.Start && a.End == b.End
	})
	return e
}

// cmpEvidence orders evidence by topic (in the order of All), side (old
// first), position, and what the edit touched before context, so that
// of two equal phrases the one kept says the edit touched it.
func cmpEvidence(a, b diff.Evidence) int {
	order := All()
	if x, y := slices.Index(order, a.Topic), slices.Index(order, b.Topic); x != y {
		return x - y
	}
	if a.Side != b.Side {
		return strings.Compare(a.Side, b.Side)
	}
	if a.Start != b.Start {
		return a.Start - b.Start
	}
	if a.End != b.End {
		return a.End - b.End
	}
	switch {
	case a.Context == b.Context:
		return 0
	case a.Context:
		return 1
	}
	return -1
}

// changedRanges returns the byte ranges of a change's old and new clause
// texts that its edit changed: the words the word diff marks as deleted
// (old) and inserted (new), or the whole clause for one added or removed.
func changedRanges(c *diff.Change) (old, new [][2]int) {
	switch {
	case c.Old == nil && c.New != nil:
		return nil, [][2]int{{0, len(c.New.Text)}}
	case c.New == nil && c.Old != nil:
		return [][2]int{{0, len(c.Old.Text)}}, nil
	case c.Old == nil:
		return nil, nil
	}
	var po, pn int
	for _, w := range c.Words {
		n := len(w.Text)
		switch w.Op {
		case diff.OpEqual:
			po, pn = po+n, pn+n
		case diff.OpDelete:
			old = append(old, [2]int{po, po + n})
			po += n
		case diff.OpInsert:
			new = append(new, [2]int{pn, pn + n})
			pn += n
		}
	}
	return old, new
}

// nearWords is how close to the words an edit changed, in its sentence, a
// topic's evidence must stand for the edit to touch the topic: changing
// "90 days" touches "we retain your information for 90 days", while an
// edit in another sentence of a long clause does not touch it.
const nearWords = 8

// nearChanges returns a test of whether the phrase at bytes [start, end)
// of a clause cut into toks lies in, or within nearWords words in the
// same sentence of, the byte ranges the edit changed.
func nearChanges(toks []token, changed [][2]int) func(start, end int) bool {
	var marks []int // the tokens the edit changed, in order
	k := 0
	for _, r := range changed {
		for k < len(toks) && toks[k].end <= r[0] {
			k++
		}
		for j := k; j < len(toks) && toks[j].start < r[1]; j++ {
			if len(marks) == 0 || marks[len(marks)-1] != j {
				marks = append(marks, j)
			}
		}
	}
	return func(start, end int) bool {
		from, _ := slices.BinarySearchFunc(toks, start, func(t token, s int) int { return t.end - s - 1 })
		to := from
		for to < len(toks) && toks[to].start < end {
			to++
		}
		if from >= to {
			return false
		}
		// Only the marks within nearWords of the phrase can count.
		k, _ := slices.BinarySearch(marks, from-nearWords)
		for ; k < len(marks) && marks[k] < to+nearWords; k++ {
			if m := marks[k]; toks[m].sentence == toks[from].sentence || toks[m].sentence == toks[to-1].sentence {
				return true
			}
		}
		return false
	}
}
