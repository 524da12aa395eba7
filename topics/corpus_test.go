package topics

import (
	"slices"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/labels"
)

// clauseWant is what a corpus transition must say about one of its clause
// edits, found by a phrase of its old or new text.
type clauseWant struct {
	phrase   string
	severity diff.Severity
	with     []string // topics the edit must touch
	without  []string // topics it must not touch
	delta    *wantDelta
	noDelta  bool // no statement delta at all
}

// wantDelta is a statement delta the clause edit must carry.
type wantDelta struct {
	op string
	wantStatement
	severity diff.Severity
}

// TestCorpusTransitions holds real updates of WhatsApp's policies and
// terms to what they change in who gets which data: the January 2021
// update (EEA and global) is critical and its what-matters list opens with
// the promises it removed; the renaming of Facebook to Meta is no new
// recipient; an edit about ads next to an unchanged mention of third
// parties is advertising, not data-sharing; Meta One gives Meta device and
// connection information and the user's choices when the user chooses it.
func TestCorpusTransitions(t *testing.T) {
	tests := []struct {
		name     string
		from, to string
		severity diff.Severity
		// first: phrases of clauses that must be among the first three
		// entries of the what-matters list.
		first   []string
		clauses []clauseWant
		// renames: every edit that only swaps "Facebook" and "Meta" is no
		// data-sharing and at most low.
		renames bool
		// headline: what labels.Headline says of the change for WhatsApp,
		// in English and Spanish ("" not checked).
		headline [2]string
	}{
		{
			name: "WhatsApp EEA January 2021",
			from: "whatsapp-privacy-policy-eea/2021-01-01.md", to: "whatsapp-privacy-policy-eea/2021-04-29.md",
			severity: diff.SeverityCritical,
			first:    []string{"Today, Facebook does not use your WhatsApp account information", "Nothing you share on WhatsApp"},
			clauses: []clauseWant{
				{phrase: "Today, Facebook does not use your WhatsApp account information", severity: diff.SeverityCritical, with: []string{DataSharing},
					delta: &wantDelta{op: diff.DeltaRemoved, severity: diff.SeverityCritical, wantStatement: wantStatement{action: diff.ActionGivesAccess,
						recipients: []string{"meta"}, data: []string{"account"}, purpose: "improvement", negated: true}}},
				{phrase: "Nothing you share on WhatsApp", severity: diff.SeverityCritical, with: []string{DataSharing},
					delta: &wantDelta{op: diff.DeltaRemoved, severity: diff.SeverityCritical, wantStatement: wantStatement{action: diff.ActionShares,
						recipients: []string{"meta"}, data: []string{"messages-content", "account"}, condition: "choice", negated: true}}},
				{phrase: "However, your WhatsApp messages will not be shared onto Facebook", severity: diff.SeverityCritical,
					delta: &wantDelta{op: diff.DeltaRemoved, severity: diff.SeverityCritical, wantStatement: wantStatement{action: diff.ActionShares,
						recipients: []string{"meta"}, data: []string{"messages-content"}, negated: true}}},
			},
		},
		{
			name: "WhatsApp global January 2021",
			from: "whatsapp-legal-page-global-2013-2020/2020-10-06.md", to: "whatsapp-privacy-policy-global/2025-12-01.md",
			severity: diff.SeverityCritical,
			first:    []string{"Nothing you share on WhatsApp"},
			clauses: []clauseWant{
				{phrase: "Nothing you share on WhatsApp", severity: diff.SeverityCritical, with: []string{DataSharing},
					delta: &wantDelta{op: diff.DeltaRemoved, severity: diff.SeverityCritical, wantStatement: wantStatement{action: diff.ActionShares,
						recipients: []string{"meta"}, data: []string{"messages-content", "account"}, negated: true}}},
			},
		},
		{
			name: "WhatsApp terms: Facebook Company Products renamed Meta Company Products",
			from: "whatsapp-terms-of-service-eea/2023-07-21.md", to: "whatsapp-terms-of-service-eea/2025-07-03.md",
			clauses: []clauseWant{
				{phrase: "or other Meta Company Products, their own terms", severity: diff.SeverityLow, without: []string{DataSharing}, noDelta: true},
				{phrase: "apps, content, other products and services, and Meta Company Products", severity: diff.SeverityLow, without: []string{DataSharing}, noDelta: true},
			},
			renames: true,
		},
		{
			name: "WhatsApp EEA 2025: the Facebook Companies renamed the Meta Companies",
			from: "whatsapp-privacy-policy-eea/2022-10-13.md", to: "whatsapp-privacy-policy-eea/2025-07-03.md",
			severity: diff.SeverityCritical,
			clauses: []clauseWant{
				{phrase: "How We Work With Other Meta Companies", severity: diff.SeverityLow, without: []string{DataSharing}, noDelta: true},
			},
			renames: true,
		},
		{
			name: "WhatsApp EEA 2026: ads in Status and Channels next to third-party banner ads",
			from: "whatsapp-privacy-policy-eea/2025-07-03.md", to: "whatsapp-privacy-policy-eea/2026-02-26.md",
			clauses: []clauseWant{
				{phrase: "you may see other types of ads in Status and Channels", severity: diff.SeverityMedium,
					with: []string{Advertising}, without: []string{DataSharing}, noDelta: true},
			},
		},
		{
			name: "WhatsApp EEA 2026: Meta One",
			from: "whatsapp-privacy-policy-eea/2026-03-27.md", to: "whatsapp-privacy-policy-eea/2026-06-09.md",
			severity: diff.SeverityCritical,
			first:    []string{"Meta One, Meta receives"},
			clauses: []clauseWant{
				{phrase: "Meta One, Meta receives", severity: diff.SeverityCritical, with: []string{DataSharing},
					delta: &wantDelta{op: diff.DeltaAdded, severity: diff.SeverityCritical, wantStatement: wantStatement{action: diff.ActionReceives,
						recipients: []string{"meta"}, data: []string{"device-connection", "user-choices"}, purpose: "service", condition: "choice"}}},
			},
		},
		{
			name: "WhatsApp EEA 2026: Meta One gets usage information too",
			from: "whatsapp-privacy-policy-eea/2026-06-09.md", to: "whatsapp-privacy-policy-eea/2026-07-03.md",
			severity: diff.SeverityCritical,
			first:    []string{"Meta One, Meta receives"},
			clauses: []clauseWant{
				{phrase: "Meta One, Meta receives", severity: diff.SeverityCritical, with: []string{DataSharing},
					delta: &wantDelta{op: diff.DeltaChanged, severity: diff.SeverityCritical, wantStatement: wantStatement{action: diff.ActionReceives,
						recipients: []string{"meta"}, data: []string{"device-connection", "usage", "user-choices"}, purpose: "service", condition: "choice"}}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := Compare(readDoc(t, tt.from), readDoc(t, tt.to), "en")
			if tt.severity != "" && cs.Severity != tt.severity {
				t.Errorf("severity %q, want %q", cs.Severity, tt.severity)
			}
			checkChangeSet(t, cs)
			for i, lang := range []string{"en", "es"} {
				if got := labels.Headline("WhatsApp", cs, lang); tt.headline[i] != "" && got != tt.headline[i] {
					t.Errorf("%s headline:\n got %q\nwant %q", lang, got, tt.headline[i])
				}
			}
			for _, phrase := range tt.first {
				k := slices.IndexFunc(cs.Matters, func(m diff.Matter) bool { return has(cs.Changes[m.Changes[0]], phrase) })
				if k < 0 || k >= 3 {
					t.Errorf("the clause %q is entry %d of what matters, want one of the first three", phrase, k)
				}
			}
			for _, w := range tt.clauses {
				k := slices.IndexFunc(cs.Changes, func(c diff.Change) bool { return c.Material && has(c, w.phrase) })
				if k < 0 {
					t.Errorf("no material change has %q", w.phrase)
					continue
				}
				c := cs.Changes[k]
				if c.Severity != w.severity {
					t.Errorf("%q: severity %q, want %q", w.phrase, c.Severity, w.severity)
				}
				for _, topic := range w.with {
					if !slices.Contains(c.Topics, topic) {
						t.Errorf("%q: topics %v, want %s among them", w.phrase, c.Topics, topic)
					}
				}
				for _, topic := range w.without {
					if slices.Contains(c.Topics, topic) {
						t.Errorf("%q: topics %v, want no %s", w.phrase, c.Topics, topic)
					}
				}
				var deltas []diff.SharingDelta
				for _, d := range cs.Sharing {
					if d.Change == k {
						deltas = append(deltas, d)
					}
				}
				if w.noDelta && len(deltas) > 0 {
					t.Errorf("%q: deltas %+v, want none", w.phrase, deltas)
				}
				if w.delta != nil && !slices.ContainsFunc(deltas, func(d diff.SharingDelta) bool {
					return d.Op == w.delta.op && d.Severity == w.delta.severity && w.delta.matches(d.Statement)
				}) {
					t.Errorf("%q: no delta %+v among %+v", w.phrase, *w.delta, deltas)
				}
			}
			if tt.renames {
				n := 0
				for _, c := range cs.Changes {
					if renameOnly(c) {
						n++
						if slices.Contains(c.Topics, DataSharing) || c.Severity.Rank() > diff.SeverityLow.Rank() {
							t.Errorf("renaming %q: topics %v severity %q, want no data-sharing and at most low", c.New.Text, c.Topics, c.Severity)
						}
					}
				}
				if n == 0 {
					t.Error("no edit only renames Facebook to Meta")
				}
			}
		})
	}
}

// has reports whether the old or new text of c holds phrase.
func has(c diff.Change, phrase string) bool {
	return c.Old != nil && strings.Contains(c.Old.Text, phrase) || c.New != nil && strings.Contains(c.New.Text, phrase)
}

// renameOnly reports whether every word c's edit inserted or deleted is a
// name of Facebook or Meta.
func renameOnly(c diff.Change) bool {
	if c.Kind != diff.Modified {
		return false
	}
	n := 0
	for _, w := range c.Words {
		if w.Op == diff.OpEqual {
			continue
		}
		n++
		for _, word := range strings.Fields(w.Text) {
			if word != "Facebook" && word != "Meta" {
				return false
			}
		}
	}
	return n > 0
}

// checkChangeSet verifies what every classified change set must hold: no
// nil list, Alert as material with topics, Topics the union of the
// material changes' topics, Severity the highest, deltas pointing at
// material data-sharing changes, and a what-matters list of at most ten
// entries, most severe first, each change in at most one entry.
func checkChangeSet(t *testing.T, cs diff.ChangeSet) {
	t.Helper()
	if cs.Topics == nil || cs.Sharing == nil || cs.Matters == nil {
		t.Fatalf("nil list after Annotate: topics %v sharing %v matters %v", cs.Topics == nil, cs.Sharing == nil, cs.Matters == nil)
	}
	if cs.Alert != (cs.Material && len(cs.Topics) > 0) {
		t.Errorf("alert %v with material %v and topics %v", cs.Alert, cs.Material, cs.Topics)
	}
	union := map[string]bool{}
	max := diff.SeverityNone
	for _, c := range cs.Changes {
		if c.Topics == nil || c.Evidence == nil {
			t.Fatalf("nil list in change %+v", c)
		}
		checkEvidence(t, c)
		if !c.Material {
			continue
		}
		for _, topic := range c.Topics {
			union[topic] = true
		}
		if c.Severity.Rank() > max.Rank() {
			max = c.Severity
		}
	}
	if cs.Severity != max || len(cs.Topics) != len(union) {
		t.Errorf("change set severity %q topics %v, want %q and the union %v", cs.Severity, cs.Topics, max, union)
	}
	for _, d := range cs.Sharing {
		c := cs.Changes[d.Change]
		if !c.Material || !slices.Contains(c.Topics, DataSharing) || c.Severity.Rank() < d.Severity.Rank() {
			t.Errorf("delta %+v of change %d (material %v, topics %v, severity %q)", d, d.Change, c.Material, c.Topics, c.Severity)
		}
		if d.Data == nil || d.Recipients == nil || d.Evidence == nil {
			t.Errorf("delta %+v has a nil list", d)
		}
	}
	if len(cs.Matters) > 10 {
		t.Errorf("%d entries in what matters, want at most 10", len(cs.Matters))
	}
	seen := map[int]bool{}
	for k, m := range cs.Matters {
		if k > 0 && m.Severity.Rank() > cs.Matters[k-1].Severity.Rank() {
			t.Errorf("what matters is not most severe first: %+v", cs.Matters)
		}
		for _, i := range m.Changes {
			if seen[i] || !cs.Changes[i].Material {
				t.Errorf("change %d listed twice or not material in %+v", i, cs.Matters)
			}
			seen[i] = true
		}
	}
}
