package topics

import (
	"slices"
	"strings"

	"github.com/clausewatch/clausewatch/diff"
)

// Annotate tags every change of cs with its topics, evidence and severity,
// and cs with the union of the topics of its material changes and the
// highest severity. It overwrites what an earlier classification left, so
// that reclassifying stored changes with newer rules is calling it again.
// lang is the document's language ("" guesses it from the changed text).
//
// Severity of a change:
//   - none: not material;
//   - critical: a data-sharing clause that gains a recipient or a purpose
//     (one named in the inserted words and not in the old text, so that
//     "Facebook Companies" becoming "Meta Companies" gains nothing) or
//     loses its negation ("we do not share" becoming "we share");
//   - high: any other material change to a data-sharing clause, including
//     one added or removed;
//   - medium: a material change to a clause with another topic;
//   - low: a material change with no topic.
func Annotate(cs *diff.ChangeSet, lang string) {
	if lang == "" {
		lang = Language(sample(cs))
	}
	lx := lexiconFor("", lang)
	topics := map[string]bool{}
	cs.Severity = diff.SeverityNone
	for k := range cs.Changes {
		c := &cs.Changes[k]
		annotateChange(lx, c)
		if !c.Material {
			continue
		}
		for _, t := range c.Topics {
			topics[t] = true
		}
		if c.Severity.Rank() > cs.Severity.Rank() {
			cs.Severity = c.Severity
		}
	}
	cs.Topics = []string{}
	for _, t := range All() {
		if topics[t] {
			cs.Topics = append(cs.Topics, t)
		}
	}
	cs.Alert = cs.Material && len(cs.Topics) > 0
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

func annotateChange(lx *compiled, c *diff.Change) {
	var old, new []Match
	var oldText, newText string
	// Each side is cut into tokens once, for classify and for gained.
	var oldToks, newToks []token
	if c.Old != nil {
		oldText = c.Old.Text
		oldToks = tokenize(oldText)
		old = classifyTokens(lx, oldText, oldToks)
	}
	if c.New != nil {
		newText = c.New.Text
		newToks = tokenize(newText)
		new = classifyTokens(lx, newText, newToks)
	}
	c.Topics = []string{}
	for _, t := range All() {
		_, o := Has(old, t)
		_, n := Has(new, t)
		if o || n {
			c.Topics = append(c.Topics, t)
		}
	}
	c.Evidence = []diff.Evidence{}
	add := func(side string, ms []Match) {
		for _, m := range ms {
			for _, e := range m.Evidence {
				c.Evidence = append(c.Evidence, diff.Evidence{Topic: m.Topic, Side: side, Negated: m.Negated, Start: e.Start, End: e.End, Text: e.Text})
			}
		}
	}
	add("old", old)
	add("new", new)

	oldShare, wasSharing := Has(old, DataSharing)
	newShare, isSharing := Has(new, DataSharing)
	switch {
	case !c.Material:
		c.Severity = diff.SeverityNone
	case wasSharing || isSharing:
		c.Severity = diff.SeverityHigh
		if c.Old == nil || c.New == nil || !isSharing {
			break
		}
		gained := lx.gained(oldText, newText, oldToks, newToks, c.Words)
		for _, g := range gained {
			c.Evidence = append(c.Evidence, diff.Evidence{Topic: DataSharing, Side: "new", Start: g.Start, End: g.End, Text: g.Text})
		}
		if len(gained) > 0 || (wasSharing && oldShare.Negated && !newShare.Negated) {
			c.Severity = diff.SeverityCritical
		}
	case len(c.Topics) > 0:
		c.Severity = diff.SeverityMedium
	default:
		c.Severity = diff.SeverityLow
	}
	slices.SortStableFunc(c.Evidence, func(a, b diff.Evidence) int {
		return cmpEvidence(a, b)
	})
	c.Evidence = slices.CompactFunc(c.Evidence, func(a, b diff.Evidence) bool {
		return a.Topic == b.Topic && a.Side == b.Side && a.Start == b.Start && a.End == b.End
	})
}

// cmpEvidence orders evidence by topic (in the order of All), side (old
// first) and position.
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
	return a.End - b.End
}

// gained returns the recipients and purposes named in the words inserted
// into newText whose key (the recipient or purpose they stand for) the old
// text does not name: what a sharing clause newly gives data to or for.
// oldToks and newToks are the texts' tokens.
func (c *compiled) gained(oldText, newText string, oldToks, newToks []token, words []diff.Span) []Evidence {
	inserted := insertedRanges(words)
	if len(inserted) == 0 {
		return nil
	}
	had := map[string]bool{}
	for _, h := range append(c.recipients(oldToks), c.purpose.find(oldToks)...) {
		had[h.key] = true
	}
	var out []Evidence
	for _, h := range append(c.recipients(newToks), c.purpose.find(newToks)...) {
		if had[h.key] {
			continue
		}
		s, e := newToks[h.from].start, newToks[h.to-1].end
		for _, r := range inserted {
			if s < r[1] && r[0] < e {
				out = append(out, Evidence{Start: s, End: e, Text: newText[s:e]})
				had[h.key] = true
				break
			}
		}
	}
	return out
}

// insertedRanges returns the byte ranges of the new text that the word
// diff marks as inserted: equal and insert spans spell the new text.
func insertedRanges(words []diff.Span) [][2]int {
	var out [][2]int
	pos := 0
	for _, w := range words {
		switch w.Op {
		case diff.OpEqual:
			pos += len(w.Text)
		case diff.OpInsert:
			out = append(out, [2]int{pos, pos + len(w.Text)})
			pos += len(w.Text)
		}
	}
	return out
}
