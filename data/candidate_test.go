package data

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/policy"
	"github.com/clausewatch/clausewatch/topics"
)

// TestPrepareChangeSequence prepares a sequence of versions the way import
// does (NewCandidate, then PrepareChange against the one before, sharing
// the clauses of each version) and checks every change set against a fresh
// diff.Compare of the two documents, and each candidate's Text against the
// document's canonical text.
func TestPrepareChangeSequence(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	long := strings.Repeat("We keep the data you give us as long as the law requires. ", 10)
	versions := []policy.Document{
		*doc("We keep logs.", long+"First.", "We share data with partners."),
		*doc("We keep logs for 30 days.", long+"First.", "We share data with partners."),
		*doc("We keep logs for 30 days.", "  New  clause\u00a0here. ", long+"First.", "We share data with partners."),
		*doc("We keep logs for 30 days.", "New clause here.", long+"First.", "We share data with partners."), // same text as before
		*doc("New clause here.", long+"Second.", "We share data with Meta."),
	}
	var prev *Candidate
	changes := 0
	for k, d := range versions {
		c := NewCandidate(d)
		if c.Text() != d.Canonical() {
			t.Fatalf("version %d: Text %q, want the canonical text %q", k, c.Text(), d.Canonical())
		}
		got, err := db.PrepareChange(ctx, "wa", c, prev)
		if err != nil {
			t.Fatal(err)
		}
		if got.ver != c.ver {
			t.Fatalf("version %d: PrepareChange did not keep the prepared version", k)
		}
		if prev != nil && prev.Text() != c.Text() {
			want := diff.Compare(prev.ver.doc, c.ver.doc)
			lang, err := documentLanguage(ctx, db.sql, "wa")
			if err != nil {
				t.Fatal(err)
			}
			topics.Annotate(&want, lang)
			gj, _ := json.Marshal(got.cs)
			wj, _ := json.Marshal(want)
			if string(gj) != string(wj) {
				t.Fatalf("version %d: prepared change set differs from a fresh diff:\n got %s\nwant %s", k, gj, wj)
			}
			changes++
		} else if got.cs != nil {
			t.Fatalf("version %d: a change set without a changed predecessor", k)
		}
		prev = got
	}
	if changes != 3 {
		t.Fatalf("%d change sets prepared, want 3", changes)
	}
}

// TestStatementsAfterClose checks that a closed handle fails as before
// rather than using statements it prepared while open.
func TestStatementsAfterClose(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	recordDoc(t, db, 0, "a", *doc("We keep logs."))
	if len(db.stmts.m) == 0 {
		t.Fatal("Record prepared no statement")
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := db.Record(ctx, Observation{
		Fetch: Fetch{DocumentID: "wa", StartedAt: t0.Add(2e9), Outcome: Failed, Reason: "x"},
	})
	if err == nil || !strings.Contains(err.Error(), "closed") {
		t.Fatalf("Record after Close = %v, want an error saying the database is closed", err)
	}
}

// TestNewCandidateAfter prepares sequences of documents with
// NewCandidateAfter, each after the one before, and checks every candidate
// against NewCandidate of the same document: the texts a previous candidate
// holds are taken as normalized only when they are normalized.
func TestNewCandidateAfter(t *testing.T) {
	same := []string{"A heading", "First clause.", "Second clause.", "Third clause.", "Fourth.", "Fifth.", "Sixth."}
	tests := []struct {
		name string
		docs [][]string
	}{
		{"unchanged", [][]string{same, same}},
		{"one edit", [][]string{same, {"A heading", "First clause.", "Second clause, edited.", "Third clause.", "Fourth.", "Fifth.", "Sixth."}}},
		{"unnormalized text equal to a normalized one but for spaces", [][]string{same, {"A heading", " First  clause. ", "Second\u00a0clause.", "Third clause.\u200b", "Fourth.", "Fifth.", "Sixth."}}},
		{"blocks inserted and dropped beyond the window", [][]string{same,
			{"x1", "x2", "x3", "x4", "x5", "x6", "A heading", "First clause.", "Sixth."},
			{"Sixth.", "A heading"},
			{"", "  ", "Sixth.", "Sixth.", "A heading", "First clause."}}},
		{"empty documents", [][]string{same, {}, same, nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var prev *Candidate
			for k, texts := range tt.docs {
				d := policy.Document{}
				for i, s := range texts {
					d.Blocks = append(d.Blocks, policy.Block{Kind: policy.Paragraph, Path: []string{"Top", texts[min(i, 1)]}, Text: s})
				}
				got := NewCandidateAfter(d, prev)
				want := NewCandidate(d)
				if got.ver.text != want.ver.text || got.ver.sha256 != want.ver.sha256 || !sameBlocks(got.ver.doc.Blocks, want.ver.doc.Blocks) {
					t.Fatalf("document %d: NewCandidateAfter gives %q, NewCandidate %q", k, got.ver.text, want.ver.text)
				}
				prev = got
			}
		})
	}
}
