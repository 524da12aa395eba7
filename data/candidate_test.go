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
