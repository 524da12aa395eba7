package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/clausewatch/clausewatch/data"
)

// TestChangesPage reads the list of recent changes across documents, its
// filters and the topic pages on the corpus site: every change readers are
// told about is listed once, newest first, with its headline; a filter
// keeps what it says; and the list leaves out what is not told.
func TestChangesPage(t *testing.T) {
	f := corpusSiteDB(t)
	srv := newPageServer(t, f)
	db := openFixtureDB(t, f)
	ctx := context.Background()
	published, _, err := db.Changes(ctx, data.ChangeFilter{Material: true, Published: true, NewestFirst: true})
	if err != nil {
		t.Fatal(err)
	}
	all, _, err := db.Changes(ctx, data.ChangeFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(published) == 0 || len(published) == len(all) {
		t.Fatalf("%d published of %d changes: the fixture should have both kinds", len(published), len(all))
	}
	ids := func(doc *goquery.Document) []string {
		var out []string
		doc.Find("ol.changes article.change-entry h2.headline a").Each(func(_ int, a *goquery.Selection) {
			out = append(out, a.AttrOr("href", ""))
		})
		return out
	}
	var want []string
	for _, c := range published {
		want = append(want, changePath(c.ID))
	}
	tests := []struct {
		name, path, title string
		keep              func(data.Change) bool
	}{
		{"everything told", "/changes", "Recent changes", func(data.Change) bool { return true }},
		{"in Spanish", "/changes?lang=es", "Cambios recientes", func(data.Change) bool { return true }},
		{"one topic", "/changes?topic=data-sharing", "Recent changes", func(c data.Change) bool { return slices.Contains(c.Topics, "data-sharing") }},
		{"topic page", "/topics/data-sharing", "Changes about data sharing", func(c data.Change) bool { return slices.Contains(c.Topics, "data-sharing") }},
		{"critical only", "/changes?severity=critical", "Recent changes", func(c data.Change) bool { return c.Severity == "critical" }},
		{"one document since 2021", "/changes?document=" + docPolicy + "&since=2021-01-02", "Recent changes", func(c data.Change) bool {
			return c.DocumentID == docPolicy && !c.DetectedAt.Before(time.Date(2021, 1, 2, 0, 0, 0, 0, time.UTC))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, _ := pageDoc(t, srv, tt.path, http.StatusOK)
			if got := doc.Find("h1").Text(); got != tt.title {
				t.Errorf("title %q, want %q", got, tt.title)
			}
			var keep []string
			for _, c := range published {
				if tt.keep(c) {
					keep = append(keep, changePath(c.ID))
				}
			}
			if got := ids(doc); !slices.Equal(got, keep) {
				t.Errorf("listed %v, want %v", got, keep)
			}
			doc.Find("h2.headline a").Each(func(i int, a *goquery.Selection) {
				if strings.TrimSpace(a.Text()) == "" {
					t.Errorf("entry %d has no headline", i)
				}
			})
		})
	}
	doc, _ := pageDoc(t, srv, fmt.Sprintf("/changes?before=%d", published[0].ID), http.StatusOK)
	if got := ids(doc); !slices.Equal(got, want[1:]) {
		t.Errorf("after the newest: %v, want %v", got, want[1:])
	}
	for _, bad := range []struct {
		path   string
		status int
	}{
		{"/topics/nope", http.StatusNotFound},
		{"/changes?since=yesterday", http.StatusBadRequest},
		{"/changes?severity=awful", http.StatusBadRequest},
		{"/changes?document=nope", http.StatusNotFound},
	} {
		if resp, _ := pageGet(t, srv, bad.path); resp.StatusCode != bad.status {
			t.Errorf("%s: %d, want %d", bad.path, resp.StatusCode, bad.status)
		}
	}
}

// TestUpcomingEffectiveDate reads WhatsApp's EEA terms on the corpus site,
// whose last version (July 2026) states that it takes effect on August 17,
// 2026, after the site's clock: the timeline marks it as upcoming and says
// which text applies today, and its change page says when it takes effect.
func TestUpcomingEffectiveDate(t *testing.T) {
	f := corpusSiteDB(t)
	srv := newPageServer(t, f)
	db := openFixtureDB(t, f)
	versions, err := db.Versions(context.Background(), docTerms)
	if err != nil {
		t.Fatal(err)
	}
	last := versions[len(versions)-1]
	if last.EffectiveDate != "2026-08-17" || last.Change == nil {
		t.Fatalf("last version of %s states %q; the corpus's July 2026 terms take effect on 2026-08-17", docTerms, last.EffectiveDate)
	}
	for _, tt := range []struct{ lang, upcoming, inEffect string }{
		{"en", "Takes effect on Aug 17, 2026", "In effect today: the version of"},
		{"es", "Entra en vigor el 17 ago 2026", "Vigente hoy: la versión del"},
	} {
		doc, _ := pageDoc(t, srv, documentPath(docTerms)+"?lang="+tt.lang, http.StatusOK)
		art := doc.Find(fmt.Sprintf("article#v%d", last.Version.ID))
		if !art.HasClass("upcoming") || art.Find("strong.upcoming").Text() != tt.upcoming {
			t.Errorf("%s: newest entry %q, want it marked %q", tt.lang, art.Find("p.dates").Text(), tt.upcoming)
		}
		if meta := doc.Find("p.meta").Text(); !strings.Contains(meta, tt.inEffect) {
			t.Errorf("%s: page head %q does not say which text is in effect", tt.lang, meta)
		}
		page, _ := pageDoc(t, srv, changePath(last.Change.ID)+"?lang="+tt.lang, http.StatusOK)
		if got := page.Find("p.effective.upcoming").Text(); got != tt.upcoming {
			t.Errorf("%s: change page says %q, want %q", tt.lang, got, tt.upcoming)
		}
	}
}

// TestHomeLeadsWithLatestChanges checks that the home page shows the
// latest changes readers were told about above the documents, as /changes
// lists them, and names each document once, without repeating its
// service ("WhatsApp WhatsApp Privacy Policy").
func TestHomeLeadsWithLatestChanges(t *testing.T) {
	f := corpusSiteDB(t)
	srv := newPageServer(t, f)
	db := openFixtureDB(t, f)
	published, _, err := db.Changes(context.Background(), data.ChangeFilter{Material: true, Published: true, NewestFirst: true, Limit: homeChanges})
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "es"} {
		doc, _ := pageDoc(t, srv, "/?lang="+lang, http.StatusOK)
		var got, want []string
		doc.Find("section.latest h3.headline a").Each(func(_ int, a *goquery.Selection) { got = append(got, a.AttrOr("href", "")) })
		for _, c := range published {
			want = append(want, changePath(c.ID))
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: latest changes %v, want %v", lang, got, want)
		}
		html, _ := doc.Html()
		if a, b := strings.Index(html, `class="latest"`), strings.Index(html, `table class="documents"`); a < 0 || b < 0 || a > b {
			t.Errorf("%s: latest changes at %d, documents at %d; want the changes first", lang, a, b)
		}
		doc.Find("a.doc-link").Each(func(_ int, a *goquery.Selection) {
			if name := a.Text(); strings.HasPrefix(name, "WhatsApp WhatsApp") {
				t.Errorf("%s: document named %q", lang, name)
			}
		})
	}
}

// TestVersionHistoryOnlyWhereItChanged checks that a version page offers
// "This clause over time" only for clauses with a history to tell: each
// disclosure links to a change, and clauses that never changed have none.
func TestVersionHistoryOnlyWhereItChanged(t *testing.T) {
	f := corpusSiteDB(t)
	srv := newPageServer(t, f)
	versions, err := openFixtureDB(t, f).Versions(context.Background(), docPolicy)
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := pageDoc(t, srv, versionPath(versions[len(versions)-1].Version.ID), http.StatusOK)
	clauses, histories := doc.Find("div.clause").Length(), doc.Find("details.history")
	if histories.Length() == 0 || histories.Length() >= clauses {
		t.Errorf("%d disclosures for %d clauses; want some, on the clauses that changed only", histories.Length(), clauses)
	}
	histories.Each(func(i int, d *goquery.Selection) {
		if d.Find(`a[href^="/changes/"]`).Length() == 0 {
			t.Errorf("disclosure %d tells no change: %q", i, d.Text())
		}
	})
}
