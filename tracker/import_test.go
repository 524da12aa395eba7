package tracker

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
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

// TestImportAgain runs imports over a history already (partly) imported:
// files recorded before, at the same time with the same text, are skipped
// and reported as AlreadyImported, so that the same command run again
// after a crash finishes the job and stores nothing twice; a file dated
// inside the stored history that no fetch read stops the import with
// ErrOutOfOrder, naming the file.
func TestImportAgain(t *testing.T) {
	body := func(edit string) string {
		return "# Privacy Policy\n\n" + strings.Repeat("We share information with the Meta Companies to operate and improve our Services.\n\n", 30) + edit + "\n"
	}
	bodies := []string{body("First."), strings.ReplaceAll(body("First."), "Meta Companies", "Meta  Companies"), body("Second."), "", body("Third.")}
	tests := []struct {
		name    string
		first   int  // how many files the first import records
		rewrite int  // 1-based file rewritten with another text before the second import; 0 for none
		older   bool // add a file dated before the history to the second import
		want    []data.Outcome
		wantErr string // a file the second import stops at, "" for none
	}{
		{name: "again after a full import", first: 5,
			want: []data.Outcome{AlreadyImported, AlreadyImported, AlreadyImported, AlreadyImported, AlreadyImported}},
		{name: "again after an import that stopped halfway", first: 3,
			want: []data.Outcome{AlreadyImported, AlreadyImported, AlreadyImported, data.Suspect, data.NewVersion}},
		{name: "a file dated before the history", first: 5, older: true, wantErr: "2020-12-31.md"},
		{name: "a stored date with another text", first: 5, rewrite: 2, want: []data.Outcome{AlreadyImported}, wantErr: "2021-01-02.md"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := datedFiles(t, ".md", bodies)
			tr, db, _ := newTracker(t, nil)
			doc := config.Document{ID: "policy", URL: "https://example.org/policy", Language: "en"}
			syncDoc(t, db, doc)
			ctx := context.Background()
			if err := tr.Import(ctx, doc, files[:tt.first], scraper.Rules{}, func(ImportFile, data.Result) {}); err != nil {
				t.Fatal(err)
			}
			before, err := db.Fetches(ctx, doc.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			if tt.rewrite > 0 {
				if err := os.WriteFile(files[tt.rewrite-1].Path, []byte(body("Rewritten.")), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			again := files
			if tt.older {
				p := filepath.Join(filepath.Dir(files[0].Path), "2020-12-31.md")
				if err := os.WriteFile(p, []byte(body("Older.")), 0o644); err != nil {
					t.Fatal(err)
				}
				if again, err = ParseImportFiles(append([]string{p}, paths(files)...)); err != nil {
					t.Fatal(err)
				}
			}
			var got []data.Outcome
			err = tr.Import(ctx, doc, again, scraper.Rules{}, func(_ ImportFile, r data.Result) { got = append(got, r.Fetch.Outcome) })
			if tt.wantErr != "" {
				if !errors.Is(err, ErrOutOfOrder) || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "\n") {
					t.Fatalf("error %v, want ErrOutOfOrder on one line naming %s", err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("outcomes %v, want %v", got, tt.want)
			}
			after, err := db.Fetches(ctx, doc.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			recorded := 0
			for _, o := range tt.want {
				if o != AlreadyImported {
					recorded++
				}
			}
			if len(after) != len(before)+recorded {
				t.Errorf("%d fetches after the second import, want %d: skipped files store nothing", len(after), len(before)+recorded)
			}
		})
	}
}

func paths(files []ImportFile) []string {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = f.Path
	}
	return out
}
