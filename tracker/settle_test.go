package tracker

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/scraper"
)

// notesPage is a policy page whose paragraphs each have a "Learn more"
// note, shown when expanded is set (as a page captured with its notes open);
// edit replaces the effective date and the first paragraph with a real edit
// of the policy.
func notesPage(expanded, edit bool) string {
	var b strings.Builder
	b.WriteString("<html lang=en><body><main><h1>Privacy Policy</h1>\n")
	if edit {
		b.WriteString("<p>Effective March 1, 2021</p>\n<p>Paragraph 0: we share your phone number and contacts with advertisers to show you ads.</p>\n")
	} else {
		b.WriteString("<p>Effective January 4, 2021</p>\n<p>Paragraph 0: we do not share your phone number with advertisers.</p>\n")
	}
	for i := 1; i < 30; i++ {
		fmt.Fprintf(&b, "<h2>Section %d</h2>\n<p>Paragraph %d: we use the information you give us to operate and improve our Services.</p>\n", i, i)
		if expanded {
			fmt.Fprintf(&b, "<p>Note %d: for example, we share device information with the Meta Companies to show you ads.</p>\n", i)
		}
	}
	b.WriteString("</main></body></html>")
	return b.String()
}

// settleStep is one scheduled check: the time since the previous one, the
// page served, and what the fetch must do.
type settleStep struct {
	gap     time.Duration
	body    string
	outcome data.Outcome
	settles bool // the fetch settles the document's pending change
}

// TestPageStatesDoNotAlert serves, on loopback, pages that flip between
// states (notes captured open or closed, an edit rolled out and back) and
// checks that every distinct text is a version while only changes that
// held alert: a flip back alerts nobody, a block that comes or goes again
// is a capture variation, and a real edit still alerts once settled.
func TestPageStatesDoNotAlert(t *testing.T) {
	closed, open := notesPage(false, false), notesPage(true, false)
	edited := notesPage(false, true)
	h := 6 * time.Hour
	day := 24 * time.Hour
	type want struct {
		capture string
		state   data.ChangeState
		alert   bool
	}
	tests := []struct {
		name    string
		steps   []settleStep
		changes []want
	}{
		{"notes toggling every few checks, then a real edit", []settleStep{
			{0, closed, data.NewVersion, false},
			{h, closed, data.Unchanged, false},
			{h, open, data.NewVersion, false},
			{h, open, data.Unchanged, false}, // a presentation change waits 30 days
			{h, closed, data.NewVersion, false},
			{h, closed, data.Unchanged, true},
			{h, open, data.NewVersion, false},
			{h, open, data.Unchanged, true},
			{h, closed, data.NewVersion, false},
			{h, closed, data.Unchanged, true},
			{h, edited, data.NewVersion, false},
			{h, edited, data.Unchanged, true},
			{h, edited, data.Unchanged, false},
		}, []want{
			{diff.Presentation, data.Transient, false},
			{diff.Variation, data.Settled, false},
			{diff.Variation, data.Settled, false},
			{diff.Variation, data.Settled, false},
			{"", data.Settled, true},
		}},
		{"notes shown for good: a presentation change alerts once it held 30 days", []settleStep{
			{0, closed, data.NewVersion, false},
			{h, open, data.NewVersion, false},
			{h, open, data.Unchanged, false},
			{29 * day, open, data.Unchanged, false},
			{day + h, open, data.Unchanged, true},
		}, []want{
			{diff.Presentation, data.Settled, true},
		}},
		{"an edit rolled back within hours alerts nobody, and alerts when it comes back to stay", []settleStep{
			{0, closed, data.NewVersion, false},
			{h, edited, data.NewVersion, false},
			{h, closed, data.NewVersion, false},
			{h, closed, data.Unchanged, true},
			{3 * day, edited, data.NewVersion, false},
			{h, edited, data.Unchanged, true},
		}, []want{
			{"", data.Transient, false},
			{diff.Variation, data.Settled, false},
			{"", data.Settled, true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newReplayServer(t)
			tr, db, clk := newTracker(t, srv.Client())
			doc := config.Document{ID: "doc", URL: srv.URL, Select: []string{"main"}, Language: "en"}
			syncDoc(t, db, doc)
			ctx := context.Background()
			for i, st := range tt.steps {
				clk.advance(st.gap)
				srv.serve("text/html; charset=utf-8", st.body)
				res, err := tr.Check(ctx, doc)
				if err != nil {
					t.Fatal(err)
				}
				if f := res.Fetch; f.Outcome != st.outcome {
					t.Fatalf("fetch %d: %s (%s: %s), want %s", i, f.Outcome, f.ErrorClass, f.Reason, st.outcome)
				}
				if (res.Settled != 0) != st.settles {
					t.Errorf("fetch %d settled change %d, want a change settled: %v", i, res.Settled, st.settles)
				}
				if res.Change != nil && res.Change.Alert {
					t.Errorf("fetch %d: change %d alerts on its first fetch", i, res.Change.ID)
				}
			}
			changes, _, err := db.Changes(ctx, data.ChangeFilter{DocumentID: doc.ID})
			if err != nil {
				t.Fatal(err)
			}
			var got []want
			for _, c := range changes {
				got = append(got, want{c.Capture, c.State, c.Alert})
			}
			if !slices.Equal(got, tt.changes) {
				t.Errorf("changes (capture, state, alert):\n got  %v\n want %v", got, tt.changes)
			}
			published, _, err := db.Changes(ctx, data.ChangeFilter{DocumentID: doc.ID, Published: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range published {
				if c.Capture == diff.Variation || c.State != data.Settled {
					t.Errorf("change %d (%s, %s) is published", c.ID, c.Capture, c.State)
				}
			}
		})
	}
}

// TestImportSettlesByTheNextFile imports short histories: a change settles
// when the next file does not bring back the text before it, and a state
// the archive caught once between two copies of the same text is
// transient.
func TestImportSettlesByTheNextFile(t *testing.T) {
	closed, open := notesPage(false, false), notesPage(true, false)
	edited := notesPage(false, true)
	tests := []struct {
		name   string
		files  []string
		states []data.ChangeState
		alerts []bool
	}{
		{"edit confirmed by an unchanged next file", []string{closed, edited, edited}, []data.ChangeState{data.Settled}, []bool{true}},
		{"edit followed by another version", []string{closed, edited, open}, []data.ChangeState{data.Settled, data.Settling}, []bool{true, false}},
		{"edit caught once between two copies of the old text", []string{closed, edited, closed, closed}, []data.ChangeState{data.Transient, data.Settled}, []bool{false, false}},
		{"the last file's change waits for a later fetch", []string{closed, edited}, []data.ChangeState{data.Settling}, []bool{false}},
		{"notes shown, and kept by the next file, a real edit", []string{closed, open, notesPage(true, true)}, []data.ChangeState{data.Settled, data.Settling}, []bool{true, false}},
		{"notes shown for a day (files a day apart) are transient", []string{closed, open, closed}, []data.ChangeState{data.Transient, data.Settling}, []bool{false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := datedFiles(t, ".html", tt.files)
			tr, db, _ := newTracker(t, nil)
			doc := config.Document{ID: "policy", URL: "https://example.org/policy", Select: []string{"main"}, Language: "en"}
			syncDoc(t, db, doc)
			ctx := context.Background()
			if err := tr.Import(ctx, doc, files, scraper.Rules{Select: doc.Select}, func(ImportFile, data.Result) {}); err != nil {
				t.Fatal(err)
			}
			changes, _, err := db.Changes(ctx, data.ChangeFilter{DocumentID: doc.ID})
			if err != nil {
				t.Fatal(err)
			}
			var states []data.ChangeState
			var alerts []bool
			for _, c := range changes {
				states, alerts = append(states, c.State), append(alerts, c.Alert)
			}
			if !slices.Equal(states, tt.states) || !slices.Equal(alerts, tt.alerts) {
				t.Errorf("states %v alerts %v, want %v %v", states, alerts, tt.states, tt.alerts)
			}
		})
	}
}
