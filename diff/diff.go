// Package diff compares two versions of a policy clause by clause and says
// whether the difference is material. The pipeline stores its ChangeSet with
// each change so that pages, feeds and alerts never recompute it.
package diff

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/clausewatch/clausewatch/policy"
	"github.com/sergi/go-diff/diffmatchpatch"
)

// Kinds of clause change.
const (
	Added    = "added"
	Removed  = "removed"
	Modified = "modified"
)

// Severities, from least to most serious. Until topics are classified a
// material change is "low" and a cosmetic one "none".
const (
	SeverityNone = "none"
	SeverityLow  = "low"
)

// ChangeSet is the difference between two versions of one document.
type ChangeSet struct {
	Material bool           `json:"material"`
	Summary  map[string]int `json:"summary"`
	Topics   []string       `json:"topics"`
	Severity string         `json:"severity"`
	Changes  []Change       `json:"changes"`
}

// Change is one clause that was added, removed or modified. Old or New is nil
// where the clause is absent.
type Change struct {
	Kind     string  `json:"kind"`
	Material bool    `json:"material"`
	Old      *Clause `json:"old"`
	New      *Clause `json:"new"`
}

// Clause is a block's text with the headings above it.
type Clause struct {
	Section []string `json:"section"`
	Text    string   `json:"text"`
}

// Compare returns the clause changes from old to new. Clauses are aligned as
// whole lines of canonical text, so unchanged clauses match in order and a run
// of removed clauses followed by a run of added ones pairs up as modifications.
func Compare(old, new policy.Document) ChangeSet {
	a, b := clauses(old), clauses(new)
	dmp := diffmatchpatch.New()
	ra, rb, _ := dmp.DiffLinesToRunes(joinLines(a), joinLines(b))
	ops := dmp.DiffMainRunes(ra, rb, false)

	cs := ChangeSet{Summary: map[string]int{}, Topics: []string{}, Changes: []Change{}}
	i, j := 0, 0
	var dels, ins []Clause
	flush := func() {
		n := min(len(dels), len(ins))
		for k := range n {
			cs.add(Modified, &dels[k], &ins[k])
		}
		for k := n; k < len(dels); k++ {
			cs.add(Removed, &dels[k], nil)
		}
		for k := n; k < len(ins); k++ {
			cs.add(Added, nil, &ins[k])
		}
		dels, ins = nil, nil
	}
	for _, op := range ops {
		n := len([]rune(op.Text))
		switch op.Type {
		case diffmatchpatch.DiffEqual:
			flush()
			i += n
			j += n
		case diffmatchpatch.DiffDelete:
			dels = append(dels, a[i:i+n]...)
			i += n
		case diffmatchpatch.DiffInsert:
			ins = append(ins, b[j:j+n]...)
			j += n
		}
	}
	flush()
	cs.Severity = SeverityNone
	if cs.Material {
		cs.Severity = SeverityLow
	}
	return cs
}

func (cs *ChangeSet) add(kind string, old, new *Clause) {
	c := Change{Kind: kind, Old: old, New: new, Material: material(old, new)}
	cs.Changes = append(cs.Changes, c)
	cs.Summary[kind]++
	cs.Material = cs.Material || c.Material
}

// clauses turns blocks into clauses with normalized text, skipping blocks
// that normalize to nothing, exactly as policy.Document.Canonical does.
func clauses(d policy.Document) []Clause {
	out := make([]Clause, 0, len(d.Blocks))
	for _, b := range d.Blocks {
		t := policy.Normalize(b.Text)
		if t == "" {
			continue
		}
		section := b.Path
		if section == nil {
			section = []string{}
		}
		out = append(out, Clause{Section: section, Text: t})
	}
	return out
}

func joinLines(cs []Clause) string {
	var b strings.Builder
	for _, c := range cs {
		b.WriteString(c.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

// dateLine matches the "Last modified" / "Effective" line that every policy
// update rewrites; a change to it alone is not news.
var dateLine = regexp.MustCompile(`(?i)^(last (modified|updated|revised)|effective( date)?|date of last revision|updated|fecha de (entrada en vigor|última (modificación|actualización))|última (modificación|actualización)|en vigor|vigente desde)\b`)

// material reports whether a clause change says something new: it is
// cosmetic when it only touches case, punctuation, quote style, list
// numbering or the effective-date line.
func material(old, new *Clause) bool {
	if old != nil && new != nil {
		if dateLine.MatchString(old.Text) && dateLine.MatchString(new.Text) {
			return false
		}
		return loose(old.Text) != loose(new.Text)
	}
	c := old
	if c == nil {
		c = new
	}
	return loose(c.Text) != "" && !dateLine.MatchString(c.Text)
}

// listNumber matches a leading list marker such as "1." or "(a)".
var listNumber = regexp.MustCompile(`^\s*(\(?[0-9a-zA-Z]{1,3}[.)]\s+)`)

// loose keeps only the lower-cased letters and digits of s, after dropping a
// leading list marker: what remains is what a reader would call the words.
func loose(s string) string {
	s = listNumber.ReplaceAllString(s, "")
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		} else if unicode.IsSpace(r) {
			b.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}
