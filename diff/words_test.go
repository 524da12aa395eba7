package diff

import (
	"strings"
	"testing"
)

// TestWordsLongTexts diffs texts too long or too repetitive for go-diff,
// whose half match takes time quadratic in such a text (hours for a
// megabyte of one word): they are diffed by their common ends, still
// spelling both texts exactly.
func TestWordsLongTexts(t *testing.T) {
	long := strings.Repeat("share ", 1<<17)
	tests := []struct {
		name     string
		old, new string
		want     []string // the ops of the spans
	}{
		{name: "one word repeated, a word added at the end", old: long, new: long + "data", want: []string{OpEqual, OpInsert}},
		{name: "one word repeated, a word replaced at each end", old: "We " + long + "us", new: "They " + long + "them",
			want: []string{OpDelete, OpInsert}},
		{name: "abbreviations repeated, an edit in the middle", old: strings.Repeat("e.g. ", 10000) + "x " + strings.Repeat("e.g. ", 10000),
			new: strings.Repeat("e.g. ", 10000) + "y " + strings.Repeat("e.g. ", 10000), want: []string{OpEqual, OpDelete, OpInsert, OpEqual}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spans := Words(tt.old, tt.new)
			if o, n := rebuild(spans); o != tt.old || n != tt.new {
				t.Fatal("the spans do not spell both texts")
			}
			var ops []string
			for _, s := range spans {
				ops = append(ops, s.Op)
			}
			if strings.Join(ops, " ") != strings.Join(tt.want, " ") {
				t.Errorf("ops %v, want %v", ops, tt.want)
			}
		})
	}
}
