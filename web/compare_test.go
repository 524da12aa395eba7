package web

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/internal/corpustest"
	"github.com/clausewatch/clausewatch/scraper"
	"github.com/clausewatch/clausewatch/topics"
	"github.com/clausewatch/clausewatch/tracker"
)

// TestCompareAsStoredChange checks issue 10 on a real pair: the WhatsApp
// EEA privacy policy before and after the January 2021 policy (first seen
// in the 2021-04-29 capture), whose stored change is about data sharing
// and at least high. The compare page and the API comparison of the same
// two versions must show the stored change's topics and severity, for the
// change set and for each clause; compared backwards, they must agree with
// each other.
func TestCompareAsStoredChange(t *testing.T) {
	corpus := corpustest.Dir(t)
	doc := config.Document{ID: docPolicy, URL: "https://www.whatsapp.com/legal/privacy-policy-eea?lang=en", Service: "WhatsApp", Title: "WhatsApp Privacy Policy", Region: "European Region", Language: "en"}
	site := &corpusSite{path: filepath.Join(t.TempDir(), "cw.db")}
	c := importPair(t, site.path, doc, filepath.Join(corpus, doc.ID, "2021-01-01.md"), filepath.Join(corpus, doc.ID, "2021-04-29.md"))
	stored := storedChangeSetOf(t, c)
	if !slices.Contains(c.Topics, topics.DataSharing) || c.Severity.Rank() < diff.SeverityHigh.Rank() {
		t.Fatalf("stored change %d: topics %v, severity %q; want data-sharing and at least high", c.ID, c.Topics, c.Severity)
	}
	srv := newPageServer(t, site)

	pair := func(from, to int64) string { return fmt.Sprintf("/compare?from=%d&to=%d", from, to) }
	page := func(from, to int64) *goquery.Document {
		d, _ := pageDoc(t, srv, "/documents/"+doc.ID+pair(from, to), 200)
		return d
	}
	api := func(from, to int64) apiComparison {
		resp, body := pageGet(t, srv, "/api/v1/documents/"+doc.ID+pair(from, to))
		if resp.StatusCode != 200 {
			t.Fatalf("API compare %d..%d = %d %.300s", from, to, resp.StatusCode, body)
		}
		return decode[apiComparison](t, []byte(body))
	}

	// Forward: what the stored change says.
	fp, fa := page(c.FromVersion, c.ToVersion), api(c.FromVersion, c.ToVersion)
	if got, sev := pageClassification(fp); !slices.Equal(got, c.Topics) || sev != string(c.Severity) {
		t.Errorf("compare page: topics %v, severity %q; the stored change has %v, %q", got, sev, c.Topics, c.Severity)
	}
	if got, want := pageClauseClassifications(fp), clauseClassifications(stored); !slices.Equal(got, want) {
		t.Errorf("compare page: clause classifications differ from the stored change's:\n got %v\nwant %v", got, want)
	}
	if !slices.Equal(fa.Topics, c.Topics) || fa.Severity != c.Severity || fa.Material != c.Material || fa.ClassifierVersion != topics.Version {
		t.Errorf("API compare: material %v, topics %v, severity %q, classifier %q; the stored change has %v, %v, %q, and the rules are %q",
			fa.Material, fa.Topics, fa.Severity, fa.ClassifierVersion, c.Material, c.Topics, c.Severity, topics.Version)
	}
	if !reflect.DeepEqual(fa.ChangeSet, *stored) {
		t.Errorf("API compare: change set differs from the stored one (summary %+v, want %+v)", fa.ChangeSet.Summary, stored.Summary)
	}

	// Backward: the mirror, classified in that direction, the same on the
	// page and in the API.
	bp, ba := page(c.ToVersion, c.FromVersion), api(c.ToVersion, c.FromVersion)
	got, sev := pageClassification(bp)
	if !slices.Equal(got, ba.Topics) || sev != string(ba.Severity) || !slices.Equal(ba.ChangeSet.Topics, ba.Topics) || ba.ChangeSet.Severity != ba.Severity {
		t.Errorf("backwards: page topics %v, severity %q; API %v, %q (change set %v, %q)", got, sev, ba.Topics, ba.Severity, ba.ChangeSet.Topics, ba.ChangeSet.Severity)
	}
	if got, want := pageClauseClassifications(bp), clauseClassifications(&ba.ChangeSet); !slices.Equal(got, want) {
		t.Errorf("backwards: the page's clause classifications differ from the API's:\n got %v\nwant %v", got, want)
	}
}

// importPair records two files of the shared corpus as consecutive
// versions of doc in a new database at path, through tracker.Import as
// `clausewatch import` does, and returns the one change between them.
func importPair(t *testing.T, path string, doc config.Document, older, newer string) *data.Change {
	t.Helper()
	ctx := context.Background()
	db, err := data.Open(ctx, path, testClock)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.SyncDocuments(ctx, []data.Document{{ID: doc.ID, URL: doc.URL, Service: doc.Service, Title: doc.Title, Region: doc.Region, Language: doc.Language}}); err != nil {
		t.Fatal(err)
	}
	files, err := tracker.ParseImportFiles([]string{older, newer})
	if err != nil {
		t.Fatal(err)
	}
	tr := tracker.New(db, nil, nil, testClock, slog.New(slog.DiscardHandler))
	if err := tr.Import(ctx, doc, files, scraper.Rules{}, func(tracker.ImportFile, data.Result) {}); err != nil {
		t.Fatal(err)
	}
	changes, _, err := db.Changes(ctx, data.ChangeFilter{DocumentID: doc.ID, ChangeSets: true})
	if err != nil || len(changes) != 1 {
		t.Fatalf("importing %s and %s: want 1 change, got %d (%v)", older, newer, len(changes), err)
	}
	return &changes[0]
}

// pageClassification reads the topics and severity of a page's change set
// from its summary badges; the severity is "none" without a badge, as the
// page shows none for it.
func pageClassification(doc *goquery.Document) (topicIDs []string, severity string) {
	return badgeTopics(doc.Find(".summary")), badgeSeverity(doc.Find(".summary .badge.severity"))
}

// badgeTopics reads the topics the badges in sel name: each topic badge,
// then those counted in a "+N" badge, which lists them in data-topics.
func badgeTopics(sel *goquery.Selection) []string {
	ts := []string{}
	sel.Find(".badge.topic").Each(func(_ int, b *goquery.Selection) {
		ts = append(ts, b.AttrOr("data-topic", ""))
	})
	return append(ts, strings.Fields(sel.Find(".badge.more").AttrOr("data-topics", ""))...)
}

// pageClauseClassifications reads each clause change's topics and severity
// from its label, as sorted "severity topic,topic" strings: the page groups
// changes by section, so their order is not the change set's.
func pageClauseClassifications(doc *goquery.Document) []string {
	var out []string
	doc.Find("article.change").Each(func(_ int, s *goquery.Selection) {
		out = append(out, badgeSeverity(s.Find(".label .badge.severity"))+" "+strings.Join(badgeTopics(s.Find(".label")), ","))
	})
	slices.Sort(out)
	return out
}

// clauseClassifications is pageClauseClassifications for a change set.
func clauseClassifications(cs *diff.ChangeSet) []string {
	var out []string
	for _, c := range cs.Changes {
		sev := c.Severity
		if sev == "" {
			sev = diff.SeverityNone
		}
		out = append(out, string(sev)+" "+strings.Join(c.Topics, ","))
	}
	slices.Sort(out)
	return out
}

// badgeSeverity returns the severity named by a severity badge's
// "severity-X" class, "none" when there is no badge.
func badgeSeverity(badge *goquery.Selection) string {
	for _, class := range strings.Fields(badge.First().AttrOr("class", "")) {
		if sev, ok := strings.CutPrefix(class, "severity-"); ok {
			return sev
		}
	}
	return string(diff.SeverityNone)
}
