package web

import (
	"cmp"
	"net/url"
	"slices"
	"strings"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/labels"
	"github.com/clausewatch/clausewatch/topics"
)

// Everywhere a person reads a change (its page, the compare page, a
// timeline entry, a feed entry, the API) what matters comes first: a
// headline saying who gets which data now, then the few clause edits that
// carry it. This file is the one home of both, so that a page, a feed and
// the API cannot lead with different clauses or word the headline
// differently.

// maxTopicBadges bounds the topic badges shown beside a change or a
// clause; the rest are counted ("+2"). A wall of eight badges on every
// entry tells a reader nothing.
const maxTopicBadges = 3

// fallbackMatters bounds the "what matters" list made for a change set
// that the classifier gave none (see mattersOf).
const fallbackMatters = 5

// smallChange is the number of material clause edits up to which an
// unclassified change set is shown whole as what matters: a change of two
// clauses has nothing to hide.
const smallChange = 3

// headlineSubject is what a headline names as the actor: the document's
// service ("WhatsApp"), else its title; "" lets labels say "The policy".
func headlineSubject(d *data.Document) string {
	if d == nil {
		return ""
	}
	if d.Service != "" {
		return d.Service
	}
	return d.Title
}

// changeHeadline says in one sentence, in lang, what matters in a stored
// change. It reads only the columns a listing has (labels.Headline needs
// no clause), so that timelines, feeds and the API build it without the
// change set.
func changeHeadline(d *data.Document, c *data.Change, lang string) string {
	return labels.Headline(headlineSubject(d), c.Outline(), lang)
}

// mattersOf returns the entries of a change set's "what matters" list, most
// severe first. They are the classifier's (cs.Matters), with indices that
// fall outside cs.Changes or repeat an earlier entry's first clause dropped,
// since a stored change set is read back from the database. A change set
// classified before the classifier listed them gets its material clause
// edits that carry a topic, most severe first, at most fallbackMatters of
// them, or, when it has no more than smallChange material edits, all of
// them: either way, pages and feeds lead with the same clauses whichever
// rules classified the change.
func mattersOf(cs *diff.ChangeSet) []diff.Matter {
	var out []diff.Matter
	first := map[int]bool{}
	for _, m := range cs.Matters {
		var idx []int
		for _, i := range m.Changes {
			if i >= 0 && i < len(cs.Changes) && !slices.Contains(idx, i) {
				idx = append(idx, i)
			}
		}
		if len(idx) == 0 || first[idx[0]] {
			continue
		}
		first[idx[0]] = true
		m.Changes = idx
		out = append(out, m)
	}
	if len(cs.Matters) > 0 {
		return out
	}
	var material, tagged []int
	for i, c := range cs.Changes {
		if !c.Material || c.Capture != "" {
			continue // restored or toggled clauses are no news
		}
		material = append(material, i)
		if len(c.Topics) > 0 {
			tagged = append(tagged, i)
		}
	}
	pick := tagged
	if len(material) <= smallChange {
		pick = material
	}
	slices.SortStableFunc(pick, func(a, b int) int {
		return cmp.Compare(cs.Changes[b].Severity.Rank(), cs.Changes[a].Severity.Rank())
	})
	for _, i := range pick[:min(len(pick), fallbackMatters)] {
		c := cs.Changes[i]
		out = append(out, diff.Matter{Changes: []int{i}, Severity: c.Severity, Topics: c.Topics})
	}
	return out
}

// clauseFilter narrows the clause changes a page lists after what
// matters: Topic keeps those tagged with it, Severity those at least that
// severe; zero values keep everything.
type clauseFilter struct {
	Topic    string
	Severity diff.Severity
}

// parseClauseFilter reads ?topic= and ?severity=. A value that is not a
// topic or a severity is the reader's error, answered 400 with the values
// that exist, rather than a page that silently shows nothing.
func parseClauseFilter(q url.Values) (clauseFilter, error) {
	var f clauseFilter
	if t := q.Get("topic"); t != "" {
		if !slices.Contains(topics.All(), t) {
			return f, badRequest("unknown topic %q; topics are %s", t, strings.Join(topics.All(), ", "))
		}
		f.Topic = t
	}
	if s := q.Get("severity"); s != "" {
		sev, err := diff.ParseSeverity(s)
		if err != nil {
			return f, badRequest("%v", err)
		}
		f.Severity = sev
	}
	return f, nil
}

// keeps reports whether the filter lets a clause change through.
func (f clauseFilter) keeps(c diff.Change) bool {
	if f.Topic != "" && !slices.Contains(c.Topics, f.Topic) {
		return false
	}
	return f.Severity == "" || c.Severity.Rank() >= f.Severity.Rank()
}

// active says whether the filter narrows anything.
func (f clauseFilter) active() bool { return f.Topic != "" || f.Severity != "" }

// tagsView is what the "tags" template writes: a severity badge, then at
// most maxTopicBadges topic badges and a count of the others, whose names
// are kept for screen readers and in data-topics.
type tagsView struct {
	V        *view
	Severity diff.Severity
	Topics   []string // shown as badges
	More     []string // counted as "+N"
}

// newTagsView splits topics into the badges shown and the rest.
func newTagsView(v *view, severity diff.Severity, ts []string) tagsView {
	n := min(len(ts), maxTopicBadges)
	return tagsView{V: v, Severity: severity, Topics: ts[:n], More: ts[n:]}
}

// MoreNames names the topics counted in "+N", for screen readers and the
// badge's title.
func (t tagsView) MoreNames() string {
	names := make([]string, len(t.More))
	for i, m := range t.More {
		names[i] = t.V.Topic(m)
	}
	return strings.Join(names, ", ")
}

// MoreKeys lists the counted topics' names as data-topics holds them.
func (t tagsView) MoreKeys() string { return strings.Join(t.More, " ") }
