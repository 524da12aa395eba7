package web

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/topics"
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
// change, from either side of it: those that tag it (evidence), and those
// that lie in words the edit left alone (context), which explain the clause
// but give the change no topic and are shown muted, never as a tag. A
// phrase quoted both ways counts as evidence.
func evidencePhrases(ev []diff.Evidence) (evidence, context []string) {
	for _, e := range ev {
		t := strings.TrimSpace(e.Text)
		if t == "" {
			continue
		}
		if e.Context {
			if !slices.Contains(context, t) {
				context = append(context, t)
			}
		} else if !slices.Contains(evidence, t) {
			evidence = append(evidence, t)
		}
	}
	context = slices.DeleteFunc(context, func(t string) bool { return slices.Contains(evidence, t) })
	return evidence, context
}

// segment is a run of a clause's text: equal, inserted or deleted, and
// whether it is evidence for a topic (highlighted with <mark>) or context
// (muted).
type segment struct {
	Op   string
	Text string
	Mark bool
	Ctx  bool
	// Sym is set on the first segment of a run of inserted or deleted
	// words, which carries the + or − symbol: marks split a run into
	// segments, and a symbol on each would read as several edits.
	Sym bool
}

// symbols sets Sym on the segments that start a run of one operation.
func symbols(segs []segment) []segment {
	for i := range segs {
		segs[i].Sym = i == 0 || segs[i-1].Op != segs[i].Op
	}
	return segs
}

// diffView is what the change set templates render: the headline, the
// summary, what matters, and the other clause changes by section, as the
// filter leaves them.
type diffView struct {
	Headline  string
	Badges    badgeView
	Counts    countsView
	Summary   diff.Summary
	Effective diff.Dates
	Side      bool
	Matters   []matterView
	// Groups are the clause changes not shown in Matters, by section, as
	// Filter leaves them; Open unfolds them (see newDiffView).
	Groups []groupView
	Open   bool
	Filter filterView
	// OldLang and NewLang are the languages of the two texts compared
	// (data.Document.Language, "" when unknown). The templates mark the
	// policy text with them, so that a screen reader on a Spanish page
	// reads English clauses with English pronunciation.
	OldLang, NewLang string
}

// setLangs records the languages of the two texts compared, and returns
// the view for chaining.
func (dv *diffView) setLangs(oldLang, newLang string) *diffView {
	dv.OldLang, dv.NewLang = oldLang, newLang
	return dv
}

// Lang is the language of text that may come from either side (an inline
// clause, a section heading, evidence): the two sides' language when they
// share one, else "", since marking mixed text with either would be wrong.
func (dv *diffView) Lang() string {
	if dv.OldLang == dv.NewLang {
		return dv.OldLang
	}
	return ""
}

// badgeView is a change set's badges: material or cosmetic, then its tags.
type badgeView struct {
	V        *view
	Material bool
	Tags     tagsView
}

type countsView struct {
	V       *view
	Summary diff.Summary
}

type groupView struct {
	Section []string
	Changes []changeView
}

// matterView is one entry of what matters: its first clause edit, and for
// an edit repeated in several clauses how many and in which sections.
type matterView struct {
	Severity diff.Severity
	Section  []string
	Change   changeView
	Count    int
	Sections []sectionLink
}

// sectionLink names a section and links to the first clause of an entry
// in it.
type sectionLink struct {
	Name, Anchor string
}

// filterView is the filter bar over the clause changes after what
// matters: a link per topic and severity present, with how many changes
// each keeps, and how many the current filter hides.
type filterView struct {
	Active              bool
	Total, Shown        int
	Topics, Severities  []filterLink
	AnyTopic, AnySev    string // links that drop one filter
	Clear               string // the link that drops both
	TopicSet, SevSet    bool
	TopicName, SevLabel string
}

// filterLink is one choice of the filter bar.
type filterLink struct {
	Label   string
	Count   int
	URL     string
	Current bool
}

// Hidden is how many clause changes the filter hides.
func (f filterView) Hidden() int { return f.Total - f.Shown }

type changeView struct {
	Kind     string
	Symbol   string
	Material bool
	// Capture is diff.Restored or diff.Toggled for a clause the document
	// held before; LastSeen is when a restored one was last seen.
	Capture   string
	LastSeen  *diff.Seen
	Anchor    string
	MovedFrom []string
	Tags      tagsView
	Evidence  []string
	Context   []string
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

// newDiffView prepares a change set for the templates. What matters
// (mattersOf) comes first, each entry shown by its first clause edit; every
// other clause change follows by section, narrowed by f. The sections are
// folded unless there is nothing to fold them under (no what-matters list,
// or only a few other changes) or the reader filtered them, and so asked to
// see them.
func newDiffView(v *view, cs *diff.ChangeSet, headline string, side bool, f clauseFilter) *diffView {
	dv := &diffView{
		Headline:  headline,
		Badges:    badgeView{V: v, Material: cs.Material, Tags: newTagsView(v, cs.Severity, cs.Topics)},
		Counts:    countsView{V: v, Summary: cs.Summary},
		Summary:   cs.Summary,
		Effective: cs.EffectiveDate,
		Side:      side,
	}
	lead := make([]bool, len(cs.Changes))
	for _, m := range mattersOf(cs) {
		lead[m.Changes[0]] = true
		first := cs.Changes[m.Changes[0]]
		mv := matterView{Severity: m.Severity, Section: first.Section(), Change: newChangeView(v, first), Count: len(m.Changes)}
		if len(m.Changes) > 1 {
			for _, i := range m.Changes {
				name := v.Section(cs.Changes[i].Section())
				if !slices.ContainsFunc(mv.Sections, func(l sectionLink) bool { return l.Name == name }) {
					mv.Sections = append(mv.Sections, sectionLink{Name: name, Anchor: clauseAnchor(cs.Changes[i])})
				}
			}
		}
		dv.Matters = append(dv.Matters, mv)
	}
	var rest, kept []diff.Change
	for i, c := range cs.Changes {
		if lead[i] {
			continue
		}
		rest = append(rest, c)
		if f.keeps(c) {
			kept = append(kept, c)
		}
	}
	dv.Filter = newFilterView(v, f, rest, len(kept))
	for _, g := range diff.Groups(diff.ChangeSet{Changes: kept}) {
		gv := groupView{Section: g.Section}
		for _, c := range g.Changes {
			gv.Changes = append(gv.Changes, newChangeView(v, c))
		}
		dv.Groups = append(dv.Groups, gv)
	}
	dv.Open = f.active() || len(dv.Matters) == 0 || len(rest) <= smallChange
	return dv
}

// newFilterView offers a filter link for each topic and severity that some
// of the listed changes carry, in the order of topics.All and from the most
// severe down; a severity keeps the changes at least that severe, as the
// API's severity filter does. Each link counts what it would show: a
// topic's count keeps the severity chosen, and a severity's the topic.
func newFilterView(v *view, f clauseFilter, rest []diff.Change, shown int) filterView {
	const frag = "#clauses"
	fv := filterView{
		Active: f.active(), Total: len(rest), Shown: shown,
		TopicSet: f.Topic != "", SevSet: f.Severity != "",
		AnyTopic: v.PathWith("topic", "") + frag, AnySev: v.PathWith("severity", "") + frag,
		Clear: v.pathSet("topic", "", "severity", "") + frag,
	}
	if f.Topic != "" {
		fv.TopicName = v.Topic(f.Topic)
	}
	if f.Severity != "" {
		fv.SevLabel = v.Severity(f.Severity)
	}
	for _, t := range topics.All() {
		n := 0
		for _, c := range rest {
			if slices.Contains(c.Topics, t) && (clauseFilter{Severity: f.Severity}).keeps(c) {
				n++
			}
		}
		if n > 0 || t == f.Topic {
			fv.Topics = append(fv.Topics, filterLink{Label: v.Topic(t), Count: n, URL: v.PathWith("topic", t) + frag, Current: t == f.Topic})
		}
	}
	sevs := diff.Severities()
	slices.Reverse(sevs)
	for _, s := range sevs {
		if s == diff.SeverityNone {
			continue
		}
		n := 0
		for _, c := range rest {
			if c.Severity.Rank() >= s.Rank() && (clauseFilter{Topic: f.Topic}).keeps(c) {
				n++
			}
		}
		if n > 0 || s == f.Severity {
			label := v.Severity(s)
			if s != diff.SeverityCritical {
				label = v.T("filter.atleast", label)
			}
			fv.Severities = append(fv.Severities, filterLink{Label: label, Count: n, URL: v.PathWith("severity", string(s)) + frag, Current: s == f.Severity})
		}
	}
	return fv
}

// clauseAnchor is the id of a clause change on a page: the clause's id, on
// the new side when there is one.
func clauseAnchor(c diff.Change) string {
	switch {
	case c.New != nil:
		return "clause-" + c.New.ID
	case c.Old != nil:
		return "clause-" + c.Old.ID
	}
	return ""
}

// clauseSpans spells a clause change as runs of equal, inserted and
// deleted words, as pages and feeds show it: its word diff, or the whole
// clause inserted or deleted when it was added or removed.
func clauseSpans(c diff.Change) []diff.Span {
	switch {
	case len(c.Words) > 0:
		return c.Words
	case c.New != nil && c.Old == nil:
		return []diff.Span{{Op: diff.OpInsert, Text: c.New.Text}}
	case c.Old != nil && c.New == nil:
		return []diff.Span{{Op: diff.OpDelete, Text: c.Old.Text}}
	case c.Old != nil && c.New != nil:
		return []diff.Span{{Op: diff.OpDelete, Text: c.Old.Text}, {Op: diff.OpInsert, Text: c.New.Text}}
	}
	return nil
}

// newChangeView prepares one clause change as pages show it, wherever it
// stands (what matters or its section): its label, its tags, and its words
// with the evidence marked and the context muted, inline and side by side.
func newChangeView(v *view, c diff.Change) changeView {
	evidence, context := evidencePhrases(c.Evidence)
	cv := changeView{
		Kind: c.Kind, Symbol: kindSymbol(c.Kind), Material: c.Material, Anchor: clauseAnchor(c),
		Tags: newTagsView(v, c.Severity, c.Topics), Evidence: evidence, Context: context,
		Capture: c.Capture, LastSeen: c.LastSeen,
	}
	if c.Kind == diff.Moved && c.Old != nil {
		cv.MovedFrom = c.Old.Section
		if len(cv.MovedFrom) == 0 {
			cv.MovedFrom = []string{}
		}
	}
	var spans []segment
	for _, w := range clauseSpans(c) {
		spans = append(spans, segment{Op: w.Op, Text: w.Text})
	}
	marker, muted := evidenceMatcher(evidence), evidenceMatcher(context)
	mark := func(segs []segment) []segment {
		return symbols(markSegments(markSegments(segs, marker, false), muted, true))
	}
	cv.Inline = mark(spans)
	var old, nw []segment
	for _, s := range spans {
		if s.Op != diff.OpInsert {
			old = append(old, segment{Op: s.Op, Text: s.Text})
		}
		if s.Op != diff.OpDelete {
			nw = append(nw, segment{Op: s.Op, Text: s.Text})
		}
	}
	cv.Old = mark(old)
	cv.New = mark(nw)
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
// each match is a run of segments with Mark set, or Ctx when ctx is set.
// Matches may span segments (a phrase half inserted). Segments already
// marked keep their mark: evidence is marked before context.
func markSegments(segs []segment, re *regexp.Regexp, ctx bool) []segment {
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
		if s.Mark || s.Ctx {
			out = append(out, s)
			continue
		}
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
			out = append(out, segment{Op: s.Op, Text: s.Text[ms-start : me-start], Mark: !ctx, Ctx: ctx})
			cur = me
		}
	}
	return out
}
