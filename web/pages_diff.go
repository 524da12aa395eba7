package web

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/clausewatch/clausewatch/diff"
)

// The clause diff is rendered here rather than with diff.HTMLRenderer: that
// fragment is English only and styles its <ins>/<del> with inline style
// attributes (for email clients), which the pages' Content-Security-Policy
// forbids. The grouping (diff.Groups) and the stored ChangeSet are the same.

// decodeChangeSet reads a stored change set.
func decodeChangeSet(raw []byte) (*diff.ChangeSet, error) {
	var cs diff.ChangeSet
	if err := json.Unmarshal(raw, &cs); err != nil {
		return nil, fmt.Errorf("decode change set: %w", err)
	}
	return &cs, nil
}

// evidencePhrases returns the distinct phrases the classifier quoted for a
// change, from either side of it.
func evidencePhrases(ev []diff.Evidence) []string {
	var out []string
	for _, e := range ev {
		if t := strings.TrimSpace(e.Text); t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// segment is a run of a clause's text: equal, inserted or deleted, and
// whether it is evidence for a topic (highlighted with <mark>).
type segment struct {
	Op   string
	Text string
	Mark bool
}

// diffView is what the "changeset" template renders.
type diffView struct {
	Badges    badgeView
	Counts    countsView
	Summary   diff.Summary
	Effective diff.Dates
	Side      bool
	Groups    []groupView
}

type badgeView struct {
	V        *view
	Material bool
	Topics   []string
	Severity diff.Severity
}

type countsView struct {
	V       *view
	Summary diff.Summary
}

type groupView struct {
	Section []string
	Changes []changeView
}

type changeView struct {
	Kind      string
	Symbol    string
	Material  bool
	Anchor    string
	MovedFrom []string
	Topics    []string
	Severity  diff.Severity
	Evidence  []string
	// Inline is the clause as one run (inline view); Old and New are its
	// two sides (side-by-side view).
	Inline, Old, New []segment
}

// kindSymbol marks each kind of change with more than colour.
func kindSymbol(kind string) string {
	switch kind {
	case diff.Added:
		return "+"
	case diff.Removed:
		return "−"
	case diff.Modified:
		return "~"
	case diff.Moved:
		return "↷"
	case diff.Split:
		return "<"
	case diff.Merged:
		return "="
	}
	return "?"
}

// newDiffView prepares a change set for the template.
func newDiffView(v *view, cs *diff.ChangeSet, side bool) *diffView {
	dv := &diffView{
		Badges:    badgeView{V: v, Material: cs.Material, Topics: cs.Topics, Severity: cs.Severity},
		Counts:    countsView{V: v, Summary: cs.Summary},
		Summary:   cs.Summary,
		Effective: cs.EffectiveDate,
		Side:      side,
	}
	evidence := make(map[int][]string)
	for i, c := range cs.Changes {
		if p := evidencePhrases(c.Evidence); len(p) > 0 {
			evidence[i] = p
		}
	}
	// diff.Groups keeps the order of cs.Changes, so the index into it
	// follows along.
	i := 0
	for _, g := range diff.Groups(*cs) {
		gv := groupView{Section: g.Section}
		for _, c := range g.Changes {
			gv.Changes = append(gv.Changes, newChangeView(c, evidence[i]))
			i++
		}
		dv.Groups = append(dv.Groups, gv)
	}
	return dv
}

func newChangeView(c diff.Change, evidence []string) changeView {
	cv := changeView{
		Kind: c.Kind, Symbol: kindSymbol(c.Kind), Material: c.Material,
		Topics: c.Topics, Severity: c.Severity, Evidence: evidence,
	}
	switch {
	case c.New != nil:
		cv.Anchor = "clause-" + c.New.ID
	case c.Old != nil:
		cv.Anchor = "clause-" + c.Old.ID
	}
	if c.Kind == diff.Moved && c.Old != nil {
		cv.MovedFrom = c.Old.Section
		if len(cv.MovedFrom) == 0 {
			cv.MovedFrom = []string{}
		}
	}
	var spans []segment
	switch {
	case len(c.Words) > 0:
		for _, w := range c.Words {
			spans = append(spans, segment{Op: w.Op, Text: w.Text})
		}
	case c.New != nil && c.Old == nil:
		spans = []segment{{Op: diff.OpInsert, Text: c.New.Text}}
	case c.Old != nil && c.New == nil:
		spans = []segment{{Op: diff.OpDelete, Text: c.Old.Text}}
	case c.Old != nil && c.New != nil:
		spans = []segment{{Op: diff.OpDelete, Text: c.Old.Text}, {Op: diff.OpInsert, Text: c.New.Text}}
	}
	marker := evidenceMatcher(evidence)
	cv.Inline = markSegments(spans, marker)
	var old, nw []segment
	for _, s := range spans {
		if s.Op != diff.OpInsert {
			old = append(old, segment{Op: s.Op, Text: s.Text})
		}
		if s.Op != diff.OpDelete {
			nw = append(nw, segment{Op: s.Op, Text: s.Text})
		}
	}
	cv.Old = markSegments(old, marker)
	cv.New = markSegments(nw, marker)
	return cv
}

// evidenceMatcher returns a case-insensitive matcher of any of the phrases,
// or nil when there are none.
func evidenceMatcher(phrases []string) *regexp.Regexp {
	if len(phrases) == 0 {
		return nil
	}
	quoted := make([]string, len(phrases))
	for i, p := range phrases {
		quoted[i] = regexp.QuoteMeta(p)
	}
	// Longer phrases first, so that the longest evidence is marked whole.
	slices.SortFunc(quoted, func(a, b string) int { return len(b) - len(a) })
	re, err := regexp.Compile(`(?i)` + strings.Join(quoted, "|"))
	if err != nil {
		return nil
	}
	return re
}

// markSegments splits segs where re matches the text they spell, so that
// each match is a run of segments with Mark set. Matches may span segments
// (a phrase half inserted).
func markSegments(segs []segment, re *regexp.Regexp) []segment {
	if re == nil || len(segs) == 0 {
		return segs
	}
	var full strings.Builder
	for _, s := range segs {
		full.WriteString(s.Text)
	}
	matches := re.FindAllStringIndex(full.String(), -1)
	if len(matches) == 0 {
		return segs
	}
	var out []segment
	pos := 0 // offset of the current segment in full
	m := 0
	for _, s := range segs {
		start, end := pos, pos+len(s.Text)
		pos = end
		cur := start
		for cur < end {
			for m < len(matches) && matches[m][1] <= cur {
				m++
			}
			if m == len(matches) || matches[m][0] >= end {
				out = append(out, segment{Op: s.Op, Text: s.Text[cur-start:]})
				break
			}
			ms, me := max(matches[m][0], cur), min(matches[m][1], end)
			if ms > cur {
				out = append(out, segment{Op: s.Op, Text: s.Text[cur-start : ms-start]})
			}
			out = append(out, segment{Op: s.Op, Text: s.Text[ms-start : me-start], Mark: true})
			cur = me
		}
	}
	return out
}
