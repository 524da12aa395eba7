package data

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestSearch(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	texts := [][]string{
		{"We share information with the Facebook Companies.", "We keep logs."},
		{"We share information with the Facebook Companies.", "We keep logs for 30 days."},
		{"We share information with the Meta Companies.", "We keep logs for 30 days."},
		{"We share information with the Meta Companies.", "We keep logs for 30 days.", "Facebook Companies are now Meta."},
	}
	var ids []int64
	for i, ts := range texts {
		res := recordDoc(t, db, time.Duration(i)*24*time.Hour, "v"+strings.Repeat("x", i), *doc(ts...))
		ids = append(ids, res.Version.ID)
	}
	tests := []struct {
		name        string
		q           string
		versions    []int64 // containing the phrase, oldest first
		inLatest    bool
		runs, texts int
	}{
		{"removed then back", "Facebook Companies", []int64{ids[0], ids[1], ids[3]}, true, 2, 2},
		{"case and punctuation", `meta  COMPANIES.`, []int64{ids[2], ids[3]}, true, 1, 1},
		{"gone", "We keep logs", ids, true, 1, 2},
		{"operators are words", `logs OR "30 days" NEAR`, nil, false, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := db.Search(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if len(tt.versions) == 0 {
				if len(res.Documents) != 0 {
					t.Errorf("found %d documents, want none", len(res.Documents))
				}
				return
			}
			if len(res.Documents) != 1 || res.Documents[0].DocumentID != "wa" {
				t.Fatalf("documents %+v, want wa only", res.Documents)
			}
			d := res.Documents[0]
			var got []int64
			for _, v := range d.Versions {
				if v.Contains {
					got = append(got, v.ID)
				}
			}
			if !equalIDs(got, tt.versions) || d.Count != len(tt.versions) || d.First.ID != tt.versions[0] || d.Last.ID != tt.versions[len(tt.versions)-1] {
				t.Errorf("versions %v (count %d, first %d, last %d), want %v", got, d.Count, d.First.ID, d.Last.ID, tt.versions)
			}
			if d.InLatest != tt.inLatest || len(d.Runs) != tt.runs || len(d.Matches) != tt.texts {
				t.Errorf("in latest %v, %d runs, %d texts; want %v, %d, %d", d.InLatest, len(d.Runs), len(d.Matches), tt.inLatest, tt.runs, tt.texts)
			}
			for _, m := range d.Matches {
				if !strings.Contains(m.Snippet, SnippetOpen) || !strings.Contains(m.Snippet, SnippetClose) {
					t.Errorf("snippet %q has no markers", m.Snippet)
				}
			}
		})
	}
	for _, q := range []string{"", "  ", `"""`, strings.Repeat("a", MaxQueryLen+1)} {
		if _, err := db.Search(ctx, q); !errors.Is(err, ErrBadQuery) {
			t.Errorf("Search(%q) = %v, want ErrBadQuery", q, err)
		}
	}
}

// TestSearchBackfill covers databases whose versions were recorded before
// the search index existed: the first search indexes them.
func TestSearchBackfill(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	a := recordDoc(t, db, 0, "a", *doc("We share information with the Meta Companies."))
	b := recordDoc(t, db, time.Hour, "b", *doc("We share nothing."))
	recorded := count(t, db, "version_texts")
	if _, err := db.sql.ExecContext(ctx, `DELETE FROM version_texts`); err != nil {
		t.Fatal(err)
	}
	res, err := db.Search(ctx, "Meta Companies")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Documents) != 1 || res.Documents[0].First.ID != a.Version.ID || res.Documents[0].InLatest {
		t.Fatalf("after backfill: %+v, want version %d only", res.Documents, a.Version.ID)
	}
	if n := count(t, db, "version_texts"); n != recorded || n == 0 {
		t.Errorf("%d version_texts rows after backfill of versions %d and %d, want %d as Record wrote", n, a.Version.ID, b.Version.ID, recorded)
	}
	if n, err := db.IndexSearch(ctx); err != nil || n != 0 {
		t.Errorf("IndexSearch again = %d, %v; want nothing left to index", n, err)
	}
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
