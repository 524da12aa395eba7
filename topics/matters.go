package topics

import (
	"cmp"
	"slices"
	"strings"

	"github.com/clausewatch/clausewatch/diff"
)

// What matters in a change is who gets which data. The statements of a
// clause's old and new versions are compared (compareStatements), each
// difference is weighed against everything the old version of the document
// said in the changed clauses (pool.weigh), and the clause edits that carry
// the most weight are listed first (whatMatters).

// signature spells every key of a statement, so that two statements that
// say the same thing in other words ("Facebook Companies", "Meta
// Companies") have the same signature.
func signature(s diff.Statement) string {
	r, d := slices.Sorted(slices.Values(s.Recipients)), slices.Sorted(slices.Values(s.Data))
	neg := "+"
	if s.Negated {
		neg = "-"
	}
	return strings.Join([]string{s.Action, neg, strings.Join(r, ","), strings.Join(d, ","), s.Purpose, s.Condition}, "|")
}

// related reports whether two statements speak of the same handing over:
// the same action, to some of the same recipients (or one of them names
// none: "we do not sell your information", "we may sell it to data
// brokers").
func related(a, b diff.Statement) bool {
	if a.Action != b.Action {
		return false
	}
	if len(a.Recipients) == 0 || len(b.Recipients) == 0 {
		return true
	}
	return slices.ContainsFunc(a.Recipients, func(r string) bool { return slices.Contains(b.Recipients, r) })
}

// compareStatements pairs the statements of a clause's old and new
// versions: the same signature is no difference; related statements that
// differ are one changed statement; the others were added or removed.
// oldMoved and newMoved say which statements take part in a delta.
func compareStatements(old, new []said) (deltas []diff.SharingDelta, oldMoved, newMoved []bool) {
	oldMoved, newMoved = unmatched(old, new)
	pair := make([]int, len(new)) // the old statement new[j] changed, or -1
	for j := range pair {
		pair[j] = -1
	}
	for i := range old {
		if !oldMoved[i] {
			continue
		}
		for j := range new {
			if newMoved[j] && pair[j] < 0 && related(old[i].Statement, new[j].Statement) {
				pair[j] = i
				break
			}
		}
	}
	changed := make([]bool, len(old))
	for j, s := range new {
		if !newMoved[j] {
			continue
		}
		d := diff.SharingDelta{Op: diff.DeltaAdded, Statement: s.Statement.WithLists()}
		if i := pair[j]; i >= 0 {
			was := old[i].Statement.WithLists()
			d.Op, d.Was = diff.DeltaChanged, &was
			changed[i] = true
		}
		deltas = append(deltas, d)
	}
	for i, s := range old {
		if oldMoved[i] && !changed[i] {
			deltas = append(deltas, diff.SharingDelta{Op: diff.DeltaRemoved, Statement: s.Statement.WithLists()})
		}
	}
	return deltas, oldMoved, newMoved
}

// unmatched pairs statements of equal signature, each at most once, and
// reports which of old and new found no partner.
func unmatched(old, new []said) (oldLeft, newLeft []bool) {
	oldLeft, newLeft = make([]bool, len(old)), make([]bool, len(new))
	byKey := map[string][]int{}
	for j, s := range new {
		newLeft[j] = true
		k := signature(s.Statement)
		byKey[k] = append(byKey[k], j)
	}
	for i, s := range old {
		k := signature(s.Statement)
		if js := byKey[k]; len(js) > 0 {
			newLeft[js[0]] = false
			byKey[k] = js[1:]
			continue
		}
		oldLeft[i] = true
	}
	return oldLeft, newLeft
}

// flow is one recipient getting one data category ("" for a statement
// that names no recipient).
type flow struct{ recipient, data string }

// pool is what the old version said in the changed clauses of a change
// set, against which each statement delta is weighed: data goes to a new
// recipient only if no old clause of the set gave it to them.
type pool struct {
	given      map[flow]bool   // the flows of the old statements not denied
	to, data   map[string]bool // their recipients, their data
	sold       map[string]bool // the recipients of an old sale not denied ("" for one with none)
	any        bool            // whether any old statement gives data away
	removed    map[string]int  // signatures of the statements removed in the set
	added      map[string]int  // signatures of the statements added in the set
	newDenials []diff.Statement
}

// generic is the data category that stands for any: "information".
const generic = "personal-information"

func newPool(edits []edit) *pool {
	p := &pool{given: map[flow]bool{}, to: map[string]bool{}, data: map[string]bool{}, sold: map[string]bool{},
		removed: map[string]int{}, added: map[string]int{}}
	for _, e := range edits {
		for _, s := range e.old.shares {
			if s.Negated {
				continue
			}
			p.any = true
			for _, f := range flows(s.Statement) {
				p.given[f], p.to[f.recipient], p.data[f.data] = true, true, true
				if s.Action == diff.ActionSells {
					p.sold[f.recipient] = true
				}
			}
		}
		for _, s := range e.new.shares {
			if s.Negated {
				p.newDenials = append(p.newDenials, s.Statement)
			}
		}
		for _, d := range e.deltas {
			switch d.Op {
			case diff.DeltaAdded:
				p.added[signature(d.Statement)]++
			case diff.DeltaRemoved:
				p.removed[signature(d.Statement)]++
			}
		}
	}
	return p
}

// flows lists what a statement hands over: each recipient (or "" for none)
// with each data category (or information, for none).
func flows(s diff.Statement) []flow {
	rs, ds := s.Recipients, s.Data
	if len(rs) == 0 {
		rs = []string{""}
	}
	if len(ds) == 0 {
		ds = []string{generic}
	}
	out := make([]flow, 0, len(rs)*len(ds))
	for _, r := range rs {
		for _, d := range ds {
			out = append(out, flow{r, d})
		}
	}
	return out
}

// covered reports whether an old statement of the set already gave f's
// data to f's recipient. Information covers every category: "we share
// information with the Meta Companies" already says the Meta Companies get
// your phone number. A statement that names no recipient is covered by
// any old one giving the same data.
func (p *pool) covered(f flow) bool {
	switch {
	case f.recipient == "" && f.data == generic:
		return p.any
	case f.recipient == "":
		return p.data[f.data] || p.data[generic]
	case f.data == generic:
		return p.to[f.recipient]
	}
	return p.given[f] || p.given[flow{f.recipient, generic}]
}

// gives reports whether s sends data where the old version did not: a
// recipient or a data category new for a recipient, or a sale the old
// version did not make. Other users are no new recipient: a messaging
// service hands messages to other users because its users ask it to.
func (p *pool) gives(s diff.Statement) bool {
	if s.Negated {
		return false
	}
	for _, f := range flows(s) {
		if f.recipient != "other-users" && !p.covered(f) {
			return true
		}
	}
	if s.Action == diff.ActionSells {
		if len(s.Recipients) == 0 {
			return len(p.sold) == 0
		}
		return !slices.ContainsFunc(s.Recipients, func(r string) bool { return p.sold[r] || p.sold[""] })
	}
	return false
}

// kept reports whether the new version still denies what a removed denial
// denied, in a related statement of another changed clause.
func (p *pool) kept(s diff.Statement) bool {
	return slices.ContainsFunc(p.newDenials, func(n diff.Statement) bool { return related(s, n) })
}

// weigh gives a statement delta its severity (docs/topics.md):
//   - critical: data goes where it did not go before (an added or changed
//     statement with a new recipient, a new data category for a
//     recipient, or a sale), or a promise not to share is lost (a denial
//     that is a promise removed, weakened into a statement, or narrowed to
//     less data or fewer recipients);
//   - high: a statement removed, or its purpose, condition, data or
//     recipients changed without sending data anywhere new, or a denial
//     removed that a related denial elsewhere still makes, or one that
//     promised nothing about data;
//   - medium: a new denial, or a statement that moved from one clause to
//     another (removed here, added there, word for word in keys).
func (p *pool) weigh(d diff.SharingDelta) diff.Severity {
	key := signature(d.Statement)
	switch d.Op {
	case diff.DeltaAdded:
		switch {
		case d.Negated || p.removed[key] > 0:
			return diff.SeverityMedium
		case p.gives(d.Statement):
			return diff.SeverityCritical
		}
		return diff.SeverityHigh
	case diff.DeltaRemoved:
		switch {
		case p.added[key] > 0:
			return diff.SeverityMedium
		case d.Negated && promise(d.Statement) && !p.kept(d.Statement):
			return diff.SeverityCritical
		}
		return diff.SeverityHigh
	}
	was := d.Was
	switch {
	case was == nil:
		return diff.SeverityHigh
	case was.Negated && !d.Negated:
		if promise(*was) {
			return diff.SeverityCritical
		}
		return diff.SeverityHigh
	case d.Negated && !was.Negated:
		return diff.SeverityMedium
	case d.Negated:
		if promise(*was) && (lost(was.Data, d.Data) || lost(was.Recipients, d.Recipients)) {
			return diff.SeverityCritical
		}
		return diff.SeverityMedium
	case p.gives(d.Statement):
		return diff.SeverityCritical
	}
	return diff.SeverityHigh
}

// promise reports whether a denial is a promise about data: it names data
// ("Facebook does not use your WhatsApp account information"), or its verb
// means handing data over by itself ("we do not sell", "no compartimos").
// "Our Services do not provide access to emergency services" and "our
// Terms do not give any third-party beneficiary rights" deny something
// else.
func promise(s diff.Statement) bool {
	switch s.Action {
	case diff.ActionShares, diff.ActionDiscloses, diff.ActionSells:
		return true
	}
	return len(s.Data) > 0
}

// lost reports whether some of was is not in now: a denial that no longer
// covers some data or some recipient. A denial of information covers all.
func lost(was, now []string) bool {
	if slices.Contains(now, generic) || len(now) == 0 {
		return false
	}
	return slices.ContainsFunc(was, func(x string) bool { return !slices.Contains(now, x) })
}

// Limits of the what-matters list.
const (
	maxMatters    = 10 // entries
	maxLowMatters = 3  // entries when no edit is at least medium
)

// whatMatters lists the clause edits a reader should see first: the
// material changes of severity medium or more, the most severe first and
// in document order among equals, the same edit repeated in several
// clauses (the same words inserted into 24 table rows) as one entry; when
// there are none, the most substantial low ones.
func whatMatters(changes []diff.Change) []diff.Matter {
	type group struct {
		m         diff.Matter
		substance int
	}
	var groups []*group
	byEdit := map[string]*group{}
	add := func(k int) {
		c := changes[k]
		key := editKey(c)
		g := byEdit[key]
		if g == nil {
			g = &group{m: diff.Matter{Changes: []int{}, Topics: []string{}, Severity: c.Severity}}
			byEdit[key] = g
			groups = append(groups, g)
		}
		g.m.Changes = append(g.m.Changes, k)
		g.m.Severity = maxSeverity(g.m.Severity, c.Severity)
		g.substance += substance(c)
		for _, t := range c.Topics {
			if !slices.Contains(g.m.Topics, t) {
				g.m.Topics = append(g.m.Topics, t)
			}
		}
	}
	for k, c := range changes {
		if c.Material && c.Severity.Rank() >= diff.SeverityMedium.Rank() {
			add(k)
		}
	}
	limit := maxMatters
	if len(groups) > 0 {
		slices.SortStableFunc(groups, func(a, b *group) int { return b.m.Severity.Rank() - a.m.Severity.Rank() })
	} else {
		for k, c := range changes {
			if c.Material && c.Capture == "" {
				add(k)
			}
		}
		slices.SortStableFunc(groups, func(a, b *group) int { return cmp.Compare(b.substance, a.substance) })
		limit = maxLowMatters
	}
	out := make([]diff.Matter, 0, min(limit, len(groups)))
	order := All()
	for _, g := range groups[:min(limit, len(groups))] {
		slices.SortFunc(g.m.Topics, func(a, b string) int { return slices.Index(order, a) - slices.Index(order, b) })
		out = append(out, g.m)
	}
	return out
}

// editKey names what a change did, so that the same edit made to several
// clauses has one name: the words it inserted and deleted, or the text of
// a clause added or removed, folded to lower case and single spaces.
func editKey(c diff.Change) string {
	norm := func(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }
	switch {
	case c.Old == nil && c.New != nil:
		return "+" + norm(c.New.Text)
	case c.New == nil && c.Old != nil:
		return "-" + norm(c.Old.Text)
	case c.Old == nil:
		return ""
	}
	var b strings.Builder
	for _, w := range c.Words {
		switch w.Op {
		case diff.OpInsert:
			b.WriteString("\x00+" + norm(w.Text))
		case diff.OpDelete:
			b.WriteString("\x00-" + norm(w.Text))
		}
	}
	if b.Len() == 0 {
		return c.Kind + "\x00" + norm(c.New.Text) // moved, the same words
	}
	return b.String()
}

// substance measures how much of a change's text its edit changed, in
// bytes, to pick the low edits worth showing when nothing weighs more.
func substance(c diff.Change) int {
	switch {
	case c.Old == nil && c.New != nil:
		return len(c.New.Text)
	case c.New == nil && c.Old != nil:
		return len(c.Old.Text)
	}
	n := 0
	for _, w := range c.Words {
		if w.Op != diff.OpEqual {
			n += len(strings.TrimSpace(w.Text))
		}
	}
	return n
}
