package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/internal/recordtest"
	"github.com/clausewatch/clausewatch/policy"
)

// manyDocuments is how many documents TestHomePagePages tracks: thirty
// pages of documentsPerPage.
const manyDocuments = 3000

// newManyDocumentsServer serves a database of manyDocuments documents, ten
// services of 300 each, so that pages break inside a service; the document
// failing is listed on a later page than the first.
func newManyDocumentsServer(t *testing.T) (*httptest.Server, []string, string) {
	t.Helper()
	ctx := context.Background()
	db := openTestDB(t)
	docs := make([]data.Document, manyDocuments)
	for i := range docs {
		docs[i] = data.Document{
			ID:      fmt.Sprintf("doc-%04d", manyDocuments-i), // ids run against the order of the list
			URL:     fmt.Sprintf("https://service%d.example.com/privacy/%d", i%10, i),
			Service: fmt.Sprintf("Service %d", i%10), Title: fmt.Sprintf("Policy %04d", i/10),
			Language: "en",
		}
	}
	if err := db.SyncDocuments(ctx, docs); err != nil {
		t.Fatal(err)
	}
	failing := docs[2500].ID
	if _, err := recordtest.Record(ctx, db, data.Observation{Fetch: data.Fetch{DocumentID: failing, StartedAt: testClock(),
		URL: docs[2500].URL, Outcome: data.Failed, ErrorClass: "timeout", Reason: "no answer within 30s"}}); err != nil {
		t.Fatal(err)
	}
	// The list's order: service, title, id.
	slices.SortFunc(docs, func(a, b data.Document) int {
		return strings.Compare(a.Service+"\x00"+a.Title+"\x00"+a.ID, b.Service+"\x00"+b.Title+"\x00"+b.ID)
	})
	want := make([]string, len(docs))
	for i := range docs {
		want[i] = docs[i].ID
	}
	s, err := New(db, testClock, slog.New(slog.DiscardHandler), Options{BaseURL: "https://cw.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return srv, want, failing
}

// homePage is what a page of the document list shows.
type homePage struct {
	ids     []string
	next    string // href of the rel=next link, "" when none
	lang    string
	failing string // the failing count's text
	latest  bool   // the latest-changes lead is there
	first   bool   // a link back to the first page is there
}

func getHomePage(t *testing.T, srv *httptest.Server, path string) homePage {
	t.Helper()
	doc, _ := pageDoc(t, srv, path, http.StatusOK)
	var p homePage
	doc.Find("table.documents tbody tr.doc").Each(func(_ int, s *goquery.Selection) {
		p.ids = append(p.ids, strings.TrimPrefix(s.AttrOr("id", ""), "doc-"))
	})
	p.next = doc.Find(`p.pager a[rel="next"]`).AttrOr("href", "")
	p.lang = doc.Find("html").AttrOr("lang", "")
	p.failing = strings.TrimSpace(doc.Find("p.alert").Text())
	p.latest = doc.Find("section.latest").Length() > 0
	p.first = doc.Find(`p.pager a[href="/"]`).Length() > 0
	return p
}

// TestHomePagePages tracks 3,000 documents and checks that the home page
// lists one page of them with a link to the next, in English and Spanish;
// that following the links lists every document once, in order; that the
// failing count covers every page; and that the filters of /changes and
// /compare ask for a document id instead of listing 3,000.
func TestHomePagePages(t *testing.T) {
	srv, want, failing := newManyDocumentsServer(t)
	tests := []struct {
		name, path, lang, failing, more string
	}{
		{"English", "/", "en", "1 failing", "More documents"},
		{"Spanish", "/?lang=es", "es", "1 con fallos", "Más documentos"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := getHomePage(t, srv, tc.path)
			if p.lang != tc.lang || !strings.Contains(p.failing, tc.failing) {
				t.Errorf("first page: lang %q, failing %q; want %q and %q", p.lang, p.failing, tc.lang, tc.failing)
			}
			if !slices.Equal(p.ids, want[:documentsPerPage]) {
				t.Fatalf("first page lists %d documents %v..., want the first %d of the list", len(p.ids), p.ids[:min(3, len(p.ids))], documentsPerPage)
			}
			if p.first {
				t.Errorf("the first page links to itself as the first page")
			}
			wantNext := "/?after=" + want[documentsPerPage-1]
			if tc.lang != "en" {
				wantNext += "&lang=" + tc.lang
			}
			if p.next != wantNext {
				t.Fatalf("next link %q, want %q", p.next, wantNext)
			}
			_, body := pageGet(t, srv, tc.path)
			if !strings.Contains(body, tc.more) {
				t.Errorf("the next link does not read %q", tc.more)
			}
			p2 := getHomePage(t, srv, p.next)
			if p2.lang != tc.lang || !slices.Equal(p2.ids, want[documentsPerPage:2*documentsPerPage]) {
				t.Errorf("second page: lang %q, %d documents from %v; want %q and the next %d of the list", p2.lang, len(p2.ids), p2.ids[:min(1, len(p2.ids))], tc.lang, documentsPerPage)
			}
			if p2.latest || !p2.first || !strings.Contains(p2.failing, tc.failing) {
				t.Errorf("second page: latest changes shown %v, link to the first page %v, failing %q; want false, true, %q", p2.latest, p2.first, p2.failing, tc.failing)
			}
		})
	}
	t.Run("every page", func(t *testing.T) {
		var got []string
		pages := 0
		for path := "/"; path != ""; pages++ {
			if pages > manyDocuments/documentsPerPage {
				t.Fatalf("more than %d pages; the last link was %s", pages, path)
			}
			p := getHomePage(t, srv, path)
			got = append(got, p.ids...)
			path = p.next
		}
		if pages != manyDocuments/documentsPerPage || !slices.Equal(got, want) {
			t.Errorf("%d pages listed %d documents, want %d pages listing the %d in order", pages, len(got), manyDocuments/documentsPerPage, len(want))
		}
		if !slices.Contains(got, failing) {
			t.Errorf("the failing document %s is listed on no page", failing)
		}
	})
	// A list of 3,000 documents would weigh more than the page: the forms
	// ask for a document id instead.
	t.Run("forms ask for ids", func(t *testing.T) {
		for path, inputs := range map[string][]string{
			"/changes": {"f-doc"},
			"/compare": {"var-from", "var-to"},
		} {
			doc, _ := pageDoc(t, srv, path, http.StatusOK)
			for _, id := range inputs {
				if doc.Find(`input[type="text"]#`+id).Length() != 1 || doc.Find("select#"+id).Length() != 0 {
					t.Errorf("%s: #%s is not a text field", path, id)
				}
			}
			if n := doc.Find("option").Length(); n > maxDocumentChoices {
				t.Errorf("%s lists %d options", path, n)
			}
		}
		// The id typed in filters as the list did.
		if resp, _ := pageGet(t, srv, "/changes?document="+failing); resp.StatusCode != http.StatusOK {
			t.Errorf("/changes?document=%s: %d", failing, resp.StatusCode)
		}
		if resp, _ := pageGet(t, srv, "/changes?document=no-such-document"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("/changes?document=no-such-document: %d, want 404", resp.StatusCode)
		}
	})
	t.Run("unknown cursor", func(t *testing.T) {
		if resp, _ := pageGet(t, srv, "/?after=no-such-document"); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("GET /?after=no-such-document: %d, want 400", resp.StatusCode)
		}
	})
}

// TestTimelinePages records more versions of a document than a timeline
// page shows and checks that the page shows the newest, numbered, with a
// link to the older ones in the reader's language, and that the next page
// ends with the first version.
func TestTimelinePages(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	const id, n = "long-history", versionsPerPage + 5
	if err := db.SyncDocuments(ctx, []data.Document{{ID: id, URL: "https://example.com/privacy", Service: "Example", Title: "Privacy", Language: "en"}}); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		d := &policy.Document{Blocks: []policy.Block{{Kind: policy.Paragraph, Text: fmt.Sprintf("We keep your data for %d days.", i+1)}}}
		body := []byte(d.Canonical())
		if _, err := recordtest.Record(ctx, db, data.Observation{
			Fetch:    data.Fetch{DocumentID: id, StartedAt: testClock().AddDate(0, 0, i-n), URL: "https://example.com/privacy", Status: 200, Bytes: int64(len(body))},
			Snapshot: &data.Snapshot{Header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}}, Body: body},
			Document: d,
		}); err != nil {
			t.Fatalf("version %d: %v", i+1, err)
		}
	}
	s, err := New(db, testClock, slog.New(slog.DiscardHandler), Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	page := func(t *testing.T, path string) (nums []string, next, meta string) {
		t.Helper()
		doc, _ := pageDoc(t, srv, path, http.StatusOK)
		doc.Find("article.version .vnum").Each(func(_ int, s *goquery.Selection) { nums = append(nums, s.Text()) })
		return nums, doc.Find(`p.pager a[rel="next"]`).AttrOr("href", ""), doc.Find("p.meta").Text()
	}
	tests := []struct{ name, path, lang, count string }{
		{"English", "/documents/" + id, "", "105 versions"},
		{"Spanish", "/documents/" + id + "?lang=es", "&lang=es", "105 versiones"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			nums, next, meta := page(t, tc.path)
			if len(nums) != versionsPerPage || nums[0] != fmt.Sprintf("v%d", n) || nums[len(nums)-1] != "v6" {
				t.Errorf("first page shows %d versions from %v to %v, want %d from v%d to v6", len(nums), nums[:min(1, len(nums))], nums[max(0, len(nums)-1):], versionsPerPage, n)
			}
			if !strings.Contains(meta, tc.count) {
				t.Errorf("meta %q does not count %q", meta, tc.count)
			}
			if !strings.HasPrefix(next, "/documents/"+id+"?before=") || !strings.HasSuffix(next, tc.lang) {
				t.Fatalf("next link %q, want /documents/%s?before=…%s", next, id, tc.lang)
			}
			older, last, meta := page(t, next)
			if !slices.Equal(older, []string{"v5", "v4", "v3", "v2", "v1"}) || last != "" || !strings.Contains(meta, tc.count) {
				t.Errorf("second page shows %v, next link %q, meta %q; want v5 to v1, no link, %q", older, last, meta, tc.count)
			}
		})
	}
	if resp, _ := pageGet(t, srv, "/documents/"+id+"?before=999999"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a cursor that is no version of the document: %d, want 404", resp.StatusCode)
	}
}
