package tracker

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/scraper"
	"github.com/clausewatch/clausewatch/topics"
)

// TestReclassifyKeepsChanges checks that reclassifying changes that older
// rules tagged gives them the classification a new recording would, in
// place: same ids, same versions, no alert queued.
func TestReclassifyKeepsChanges(t *testing.T) {
	ctx := context.Background()
	tr, db, _ := newTracker(t, nil)
	doc := config.Document{ID: "wa", URL: "https://example.org/wa", Language: "en"}
	syncDoc(t, db, doc)
	dir := t.TempDir()
	var paths []string
	for i, text := range []string{
		"# Policy\n\nWe collect your phone number.\n",
		"# Policy\n\nWe collect your phone number.\n\nWe share it with the Meta Companies.\n",
		"# Policy\n\nWe collect your phone number and contacts.\n\nWe share it with the Meta Companies.\n",
	} {
		p := filepath.Join(dir, fmt.Sprintf("2021-01-0%d.md", i+1))
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	files, err := ParseImportFiles(paths)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Import(ctx, doc, files, scraper.Rules{}, func(ImportFile, data.Result) {}); err != nil {
		t.Fatal(err)
	}
	before, _, err := db.Changes(ctx, data.ChangeFilter{ChangeSets: true})
	if err != nil || len(before) != 2 {
		t.Fatalf("%d changes (%v), want 2", len(before), err)
	}
	// Classifications made by older rules.
	for _, c := range before {
		if err := db.UpdateClassification(ctx, c.ID, diff.ChangeSet{Severity: diff.SeverityNone, Topics: []string{"old"}}, "topics/0"); err != nil {
			t.Fatal(err)
		}
	}
	// A confirmed subscriber of data-sharing, whom reclassifying must
	// not alert (invariant 5), even though the changes now say who gets
	// which data.
	sub, err := db.Subscribe(ctx, data.SubscribeRequest{Email: "reader@example.org", Lang: "en",
		Subscription: data.Subscription{Topics: []string{topics.DataSharing}, Frequency: data.Immediate}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Confirm(ctx, sub); err != nil {
		t.Fatal(err)
	}
	n, err := tr.Reclassify(ctx)
	if err != nil || n != 2 {
		t.Fatalf("Reclassify = %d, %v; want 2", n, err)
	}
	deliveries, err := db.Deliveries(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range deliveries {
		if d.ChangeID != 0 {
			t.Errorf("reclassifying queued a delivery about change %d: %+v", d.ChangeID, d)
		}
	}
	after, _, err := db.Changes(ctx, data.ChangeFilter{ChangeSets: true})
	if err != nil || len(after) != len(before) {
		t.Fatalf("%d changes after reclassify (%v), %d before", len(after), err, len(before))
	}
	for i := range after {
		b, a := before[i], after[i]
		if a.ID != b.ID || a.FromVersion != b.FromVersion || a.ToVersion != b.ToVersion || a.Material != b.Material ||
			!reflect.DeepEqual(a.Topics, b.Topics) || !bytes.Equal(a.ChangeSet, b.ChangeSet) || a.ClassifierVersion != topics.Version {
			t.Errorf("change %d after reclassify = %+v, want %+v", i, a, b)
		}
	}
	if !slices.Contains(after[0].Topics, topics.DataSharing) || after[0].Severity != diff.SeverityCritical {
		t.Errorf("adding a sharing clause is not tagged %s, critical: %+v", topics.DataSharing, after[0])
	}
	var cs diff.ChangeSet
	if err := json.Unmarshal(after[0].ChangeSet, &cs); err != nil {
		t.Fatal(err)
	}
	if !cs.Alert || len(cs.Sharing) != 1 || cs.Sharing[0].Op != diff.DeltaAdded || !slices.Equal(cs.Sharing[0].Recipients, []string{"meta-companies"}) ||
		len(cs.Matters) != 1 {
		t.Errorf("reclassified change set: alert %v, sharing %+v, matters %+v; want an alert, the Meta Companies added, one entry", cs.Alert, cs.Sharing, cs.Matters)
	}
	if n, err := tr.Reclassify(ctx); err != nil || n != 0 {
		t.Errorf("second Reclassify = %d, %v; want 0", n, err)
	}
}
