package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestChangeWriters checks the writers `changes` streams through: the JSON
// is byte for byte what encoding the whole list at once gave (scripts read
// it), and the table keeps its header and aligns each block of rows.
func TestChangeWriters(t *testing.T) {
	list := func(n int) []changeJSON {
		out := make([]changeJSON, 0, n)
		for i := range n {
			out = append(out, changeJSON{ID: int64(i + 1), Document: fmt.Sprintf("doc-%d", i%3), Topics: []string{"data-sharing"},
				Headline: "WhatsApp now shares <data> & more with \"Meta\""})
		}
		return out
	}
	for _, n := range []int{0, 1, 3} {
		t.Run(fmt.Sprintf("json, %d changes", n), func(t *testing.T) {
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetIndent("", "  ")
			if err := enc.Encode(list(n)); err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			w := &jsonChanges{w: &got}
			for _, c := range list(n) {
				if err := w.write(c); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.end(true); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("streamed:\n%s\nwant, as encoded whole:\n%s", got.String(), want.String())
			}
		})
	}
	t.Run("cut short by an error", func(t *testing.T) {
		var js, text bytes.Buffer
		j, tw := &jsonChanges{w: &js}, newTextChanges(&text)
		for _, c := range list(2) {
			if err := errors.Join(j.write(c), tw.write(c)); err != nil {
				t.Fatal(err)
			}
		}
		if err := errors.Join(j.end(false), tw.end(false)); err != nil {
			t.Fatal(err)
		}
		if json.Valid(js.Bytes()) {
			t.Errorf("JSON of an interrupted list is a complete array:\n%s", js.String())
		}
		if n := strings.Count(text.String(), "\n"); n != 3 {
			t.Errorf("table of an interrupted list has %d lines, want the header and the 2 rows written:\n%s", n, text.String())
		}
	})
	t.Run("table", func(t *testing.T) {
		var got bytes.Buffer
		w := newTextChanges(&got)
		for _, c := range list(textBlock + 2) {
			if err := w.write(c); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.end(true); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(got.String(), "\n"), "\n")
		if len(lines) != textBlock+3 || !strings.HasPrefix(lines[0], "CHANGE  ") {
			t.Fatalf("%d lines, first %q; want the header and %d rows", len(lines), lines[0], textBlock+2)
		}
		if last := lines[len(lines)-1]; !strings.HasPrefix(last, fmt.Sprint(textBlock+2)) || !strings.HasSuffix(last, `"Meta"`) {
			t.Errorf("last row %q", last)
		}
	})
}
