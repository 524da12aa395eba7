package tracker

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/policy"
	"github.com/clausewatch/clausewatch/scraper"
	"github.com/clausewatch/clausewatch/topics"
)

// TestImport imports a history that exercises every gate import applies
// and every way the import pipeline's guess of a file's predecessor can be
// wrong (a file found suspect, an unchanged file whose stored version has
// other blocks), and checks each outcome and that every stored change is
// the diff of the two stored versions it joins, as Record alone makes it.
func TestImport(t *testing.T) {
	policyMD := func(heading string, n int, edit string) string {
		var b strings.Builder
		b.WriteString(heading + " Privacy Policy\n\n")
		for i := range n {
			fmt.Fprintf(&b, "Paragraph %d: we share information with the Meta Companies to operate and improve our Services.", i)
			if i == 3 {
				b.WriteString(edit)
			}
			b.WriteString("\n\n")
		}
		return b.String()
	}
	spanish := strings.Repeat("Compartimos la información de los usuarios con las empresas de Meta para operar y mejorar los servicios que ofrecemos.\n\n", 18)
	steps := []struct {
		name    string
		body    string
		outcome data.Outcome
		class   string
	}{
		{"first", policyMD("#", 40, ""), data.NewVersion, ""},
		{"whitespace only", strings.ReplaceAll(policyMD("#", 40, ""), "Meta Companies", "Meta  Companies"), data.Unchanged, ""},
		{"edit", policyMD("#", 40, " Edit one."), data.NewVersion, ""},
		{"shrunk, not confirmed", policyMD("#", 15, " Edit one."), data.Suspect, reasonShrunk},
		{"edit after a suspect file", policyMD("#", 40, " Edit two."), data.NewVersion, ""},
		{"shrunk, confirmed by the next file", policyMD("#", 18, " Edit two."), data.NewVersion, ""},
		{"edit of the shrunk text", policyMD("#", 18, " Edit three."), data.NewVersion, ""},
		{"wrong language", spanish, data.Suspect, reasonLanguage},
		{"edit after a wrong-language file", policyMD("#", 18, " Edit four."), data.NewVersion, ""},
		{"same text, other heading level", policyMD("##", 18, " Edit four."), data.Unchanged, ""},
		{"edit after an unchanged file with other blocks", policyMD("#", 18, " Edit five."), data.NewVersion, ""},
		{"empty file", "", data.Suspect, reasonEmpty},
		{"edit after an empty file", policyMD("#", 18, " Edit six."), data.NewVersion, ""},
	}
	bodies := make([]string, len(steps))
	for i, st := range steps {
		bodies[i] = st.body
	}
	files := datedFiles(t, ".md", bodies)
	tr, db, _ := newTracker(t, nil)
	doc := config.Document{ID: "policy", URL: "https://example.org/policy", Language: "en"}
	syncDoc(t, db, doc)
	ctx := context.Background()
	var got []data.Result
	err := tr.Import(ctx, doc, files, scraper.Rules{}, func(f ImportFile, r data.Result) {
		if f.Path != files[len(got)].Path {
			t.Errorf("reported %s, want %s", f.Path, files[len(got)].Path)
		}
		got = append(got, r)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(steps) {
		t.Fatalf("%d files reported, want %d", len(got), len(steps))
	}
	for i, st := range steps {
		if f := got[i].Fetch; f.Outcome != st.outcome || f.ErrorClass != st.class {
			t.Errorf("%s: %s (%s: %s), want %s (%s)", st.name, f.Outcome, f.ErrorClass, f.Reason, st.outcome, st.class)
		}
	}

	versions, err := db.Versions(ctx, doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	changes, _, err := db.Changes(ctx, data.ChangeFilter{DocumentID: doc.ID, ChangeSets: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != len(versions)-1 || len(versions) != 8 {
		t.Fatalf("%d versions and %d changes, want 8 and 7", len(versions), len(changes))
	}
	for _, c := range changes {
		from, err := db.Version(ctx, c.FromVersion)
		if err != nil {
			t.Fatal(err)
		}
		to, err := db.Version(ctx, c.ToVersion)
		if err != nil {
			t.Fatal(err)
		}
		// The import's Comparer must find what diff.Compare finds; the
		// capture marks come from the stored history, so they are taken
		// from the stored change set.
		var stored diff.ChangeSet
		if err := json.Unmarshal(c.ChangeSet, &stored); err != nil {
			t.Fatal(err)
		}
		cs := diff.Compare(policy.Document{Blocks: from.Blocks}, policy.Document{Blocks: to.Blocks})
		if len(cs.Changes) != len(stored.Changes) {
			t.Fatalf("change %d -> %d has %d clause changes, diff.Compare finds %d", c.FromVersion, c.ToVersion, len(stored.Changes), len(cs.Changes))
		}
		for k := range cs.Changes {
			cs.Changes[k].Capture, cs.Changes[k].LastSeen = stored.Changes[k].Capture, stored.Changes[k].LastSeen
		}
		topics.Annotate(&cs, doc.Language)
		if cs.Capture = diff.CaptureKind(cs); cs.Capture == diff.Variation {
			cs.Alert = false
		}
		want, err := json.Marshal(cs)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(c.ChangeSet, want) {
			t.Errorf("change %d -> %d:\n%s\nwant\n%s", c.FromVersion, c.ToVersion, c.ChangeSet, want)
		}
	}
	// Each change starts from the version before it.
	for i, v := range versions {
		if i > 0 {
			for _, c := range changes {
				if c.ToVersion == v.ID && c.FromVersion != versions[i-1].ID {
					t.Errorf("change to version %d starts from %d, want %d", v.ID, c.FromVersion, versions[i-1].ID)
				}
			}
		}
	}
}
