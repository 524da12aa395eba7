package topics

import (
	"fmt"
	"slices"
	"testing"

	"github.com/clausewatch/clausewatch/diff"
)

// TestWhatMatters checks the what-matters list: the most severe clause
// edits first, document order among equals, the same edit made to many
// clauses as one entry, at most ten entries, and the most substantial low
// edits when nothing weighs more.
func TestWhatMatters(t *testing.T) {
	rows := func(n int, format string) []string {
		out := make([]string, n)
		for k := range out {
			out[k] = fmt.Sprintf(format, k+1)
		}
		return out
	}
	tests := []struct {
		name     string
		old, new []string // clause texts, aligned one to one ("" for none)
		want     [][]int  // the changes of each entry, in order
		severity []diff.Severity
	}{
		{
			name: "most severe first, document order among equals",
			old: []string{
				"We retain your information for 90 days.",
				"",
				"We share your contacts with service providers.",
				"",
			},
			new: []string{
				"We retain your information for 180 days.",
				"We share your phone number with our advertising partners.",
				"",
				"We may sell your location to data brokers.",
			},
			// Changes in reading order: 0 retain, 1 contacts removed (after
			// the clause before it), 2 phone number, 3 location.
			want:     [][]int{{2}, {3}, {1}, {0}},
			severity: []diff.Severity{diff.SeverityCritical, diff.SeverityCritical, diff.SeverityHigh, diff.SeverityMedium},
		},
		{
			name:     "the same words inserted into 24 table rows are one entry",
			old:      rows(24, "Row %d: we process this information on the legal basis of our legitimate interests."),
			new:      rows(24, "Row %d: we process this information on the legal basis of our legitimate interests and contractual necessity."),
			want:     [][]int{{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23}},
			severity: []diff.Severity{diff.SeverityMedium},
		},
		{
			name:     "at most ten entries",
			old:      rows(15, "Clause %d: we retain your information for ninety days."),
			new:      rows(15, "Clause %[1]d: we retain your information for %[1]d years."),
			want:     [][]int{{0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}, {8}, {9}},
			severity: slices.Repeat([]diff.Severity{diff.SeverityMedium}, 10),
		},
		{
			name: "only low edits: the three most substantial",
			old: []string{
				"WhatsApp is a messaging app.",
				"WhatsApp works on phones.",
				"WhatsApp was founded in California.",
				"WhatsApp has a help centre.",
			},
			new: []string{
				"WhatsApp is a free messaging app.",
				"WhatsApp works on phones, tablets, computers and watches.",
				"WhatsApp was founded in California by two former engineers.",
				"WhatsApp has a help centre online.",
			},
			want:     [][]int{{1}, {2}, {3}},
			severity: []diff.Severity{diff.SeverityLow, diff.SeverityLow, diff.SeverityLow},
		},
		{
			name: "nothing material",
			old:  []string{"We share information with the Meta Companies."},
			new:  []string{"We share information with the Meta  Companies."},
			want: [][]int{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var old, new []diff.Clause
			for k := range tt.old {
				if tt.old[k] != "" {
					old = append(old, diff.Clause{Text: tt.old[k]})
				}
				if tt.new[k] != "" {
					new = append(new, diff.Clause{Text: tt.new[k]})
				}
			}
			cs, _ := diff.CompareClauses(old, new)
			Annotate(&cs, "en")
			checkChangeSet(t, cs)
			var got [][]int
			var sev []diff.Severity
			for _, m := range cs.Matters {
				got = append(got, m.Changes)
				sev = append(sev, m.Severity)
			}
			if len(tt.want) == 0 && len(got) == 0 {
				return
			}
			if !slices.EqualFunc(got, tt.want, slices.Equal) || !slices.Equal(sev, tt.severity) {
				t.Errorf("what matters %v %v, want %v %v (changes %d)", got, sev, tt.want, tt.severity, len(cs.Changes))
			}
		})
	}
}
