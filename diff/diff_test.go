package diff

import (
	"testing"

	"github.com/clausewatch/clausewatch/policy"
)

func doc(texts ...string) policy.Document {
	var d policy.Document
	for _, t := range texts {
		d.Blocks = append(d.Blocks, policy.Block{Kind: policy.Paragraph, Path: []string{"How We Share"}, Text: t})
	}
	return d
}

func TestCompare(t *testing.T) {
	tests := []struct {
		name     string
		old, new policy.Document
		material bool
		summary  map[string]int
	}{
		{"identical", doc("a b.", "c d."), doc("a b.", "c d."), false, map[string]int{}},
		{"whitespace only", doc("We share data."), doc("We  share\u00a0data. "), false, map[string]int{}},
		{"reworded", doc("Intro.", "We share with the Facebook Companies.", "End."),
			doc("Intro.", "We share with the Meta Companies and partners.", "End."), true, map[string]int{Modified: 1}},
		{"punctuation and case", doc("We share data, sometimes."), doc("we share data sometimes"), false, map[string]int{Modified: 1}},
		{"effective date", doc("Last modified: April 24, 2018", "Body."), doc("Last modified: January 04, 2021", "Body."), false, map[string]int{Modified: 1}},
		{"added clause", doc("A."), doc("A.", "We sell your data."), true, map[string]int{Added: 1}},
		{"removed clause", doc("A.", "We never sell your data."), doc("A."), true, map[string]int{Removed: 1}},
		{"list renumbered", doc("1. We collect."), doc("2. We collect."), false, map[string]int{Modified: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := Compare(tt.old, tt.new)
			if cs.Material != tt.material {
				t.Errorf("Material = %v, want %v (%+v)", cs.Material, tt.material, cs.Changes)
			}
			if len(cs.Summary) != len(tt.summary) {
				t.Errorf("Summary = %v, want %v", cs.Summary, tt.summary)
			}
			for k, v := range tt.summary {
				if cs.Summary[k] != v {
					t.Errorf("Summary[%s] = %d, want %d", k, cs.Summary[k], v)
				}
			}
			wantSev := SeverityNone
			if tt.material {
				wantSev = SeverityLow
			}
			if cs.Severity != wantSev {
				t.Errorf("Severity = %q, want %q", cs.Severity, wantSev)
			}
		})
	}
}

func TestCompareKeepsSections(t *testing.T) {
	old := policy.Document{Blocks: []policy.Block{{Kind: policy.Paragraph, Path: []string{"A", "B"}, Text: "x y"}}}
	new := policy.Document{Blocks: []policy.Block{{Kind: policy.Paragraph, Path: []string{"A", "C"}, Text: "x z"}}}
	cs := Compare(old, new)
	if len(cs.Changes) != 1 {
		t.Fatalf("got %d changes, want 1", len(cs.Changes))
	}
	c := cs.Changes[0]
	if c.Old.Section[1] != "B" || c.New.Section[1] != "C" || c.Old.Text != "x y" || c.New.Text != "x z" {
		t.Errorf("change = %+v / %+v", c.Old, c.New)
	}
}
