package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/internal/recordtest"
)

// TestDatabaseURLsNeverLiveLinks stores a document whose configured URL and
// whose fetched (final) URL are javascript: URLs, and checks that no page
// turns either into a link: they are shown as text.
func TestDatabaseURLsNeverLiveLinks(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	const evil = "javascript:alert(document.domain)//"
	const evilFinal = " JaVaScRiPt:alert(2)"
	if err := f.db.SyncDocuments(ctx, []data.Document{
		{ID: waID, URL: "https://www.whatsapp.com/legal/privacy-policy-eea", Service: "WhatsApp", Title: "WhatsApp Privacy Policy"},
		{ID: metaID, URL: "https://www.facebook.com/privacy/policy", Service: "Meta", Title: "Meta Privacy Policy"},
		{ID: "evil", URL: evil, Service: "Evil", Title: "Evil Policy"},
	}); err != nil {
		t.Fatal(err)
	}
	var change int64
	for i, text := range []string{"We collect your name.", "We collect your name and your phone number."} {
		body := []byte("<p>" + text + "</p>")
		res, err := recordtest.Record(ctx, f.db, data.Observation{
			Fetch: data.Fetch{DocumentID: "evil", StartedAt: fixtureT0.Add(time.Duration(100+i) * time.Hour), URL: evil, FinalURL: evilFinal,
				Status: 200, Bytes: int64(len(body))},
			Snapshot: &data.Snapshot{Header: http.Header{"Content-Type": {"text/html"}}, Body: body},
			Document: policyDoc(map[string][]string{"Data": {text}}, "Data"),
		})
		if err != nil {
			t.Fatal(err)
		}
		if res.Change != nil {
			change = res.Change.ID
		}
	}
	if change == 0 {
		t.Fatal("no change recorded")
	}
	c, err := f.db.Change(ctx, change)
	if err != nil {
		t.Fatal(err)
	}
	ver, err := f.db.VersionInfo(ctx, c.ToVersion)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/documents/evil", "/changes/" + itoa(change), "/versions/" + itoa(c.ToVersion), "/snapshots/" + itoa(ver.SnapshotID)} {
		resp, body := f.get(t, http.MethodGet, path)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", path, resp.StatusCode)
		}
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(body)))
		if err != nil {
			t.Fatal(err)
		}
		doc.Find("[href], [src], [action]").Each(func(_ int, s *goquery.Selection) {
			for _, a := range []string{"href", "src", "action"} {
				v, _ := s.Attr(a)
				u, err := url.Parse(strings.TrimSpace(v))
				if err != nil || (u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https") || strings.Contains(v, "Zgotmpl") {
					t.Errorf("%s: %s %s=%q is not a plain http(s) or site link", path, goquery.NodeName(s), a, v)
				}
			}
		})
		if path == "/documents/evil" && !strings.Contains(doc.Find("main").Text(), evil) {
			t.Errorf("%s: the document's URL is not shown as text", path)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestHostileInputStatuses sends what users type into the search box and
// the path, and checks that nothing is answered 500: FTS5 syntax, control
// characters and odd ids are the user's error (400) or a missing page (404).
func TestHostileInputStatuses(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name   string
		path   string
		status int
	}{
		{"search quote", "/search?q=" + url.QueryEscape(`"`), http.StatusBadRequest},
		{"search unbalanced quote", "/search?q=" + url.QueryEscape(`Meta "Companies`), http.StatusOK},
		{"search fts operators", "/search?q=" + url.QueryEscape(`Meta AND OR NOT NEAR(a b) * ^x -y`), http.StatusOK},
		{"search column filter", "/search?q=" + url.QueryEscape(`text:share {text}: share`), http.StatusOK},
		{"search star", "/search?q=" + url.QueryEscape(`*`), http.StatusBadRequest},
		{"search prefix", "/search?q=" + url.QueryEscape(`shar*`), http.StatusOK},
		{"search parentheses", "/search?q=" + url.QueryEscape(`(share`), http.StatusOK},
		{"search NUL", "/search?q=share%00data", http.StatusOK},
		{"search control only", "/search?q=%01%02%03", http.StatusBadRequest},
		{"search snippet markers", "/search?q=" + url.QueryEscape("\x02share\x03"), http.StatusOK},
		{"search invalid UTF-8", "/search?q=%ff%fe", http.StatusBadRequest},
		{"search too long", "/search?q=" + strings.Repeat("a", 201), http.StatusBadRequest},
		{"search markup", "/search?q=" + url.QueryEscape(`<script>alert(1)</script>`), http.StatusOK},
		{"change negative", "/changes/-1", http.StatusNotFound},
		{"change zero", "/changes/0", http.StatusNotFound},
		{"change huge", "/changes/99999999999999999999999", http.StatusNotFound},
		{"change max int64", "/changes/9223372036854775807", http.StatusNotFound},
		{"change plus sign", "/changes/+1", http.StatusNotFound},
		{"change leading zero", "/changes/01", http.StatusNotFound},
		{"version hex", "/versions/0x1", http.StatusNotFound},
		{"api change plus sign", "/api/v1/changes/+1", http.StatusBadRequest},
		{"search invalid UTF-8 among words", "/search?q=share%ffdata", http.StatusOK},
		{"search control among words", "/search?q=share%1f%7fdata", http.StatusOK},
		{"snapshot raw huge", "/snapshots/99999999999999999999/raw", http.StatusNotFound},
		{"compare huge", "/documents/" + waID + "/compare?from=99999999999999999999&to=1", http.StatusBadRequest},
		{"compare negative", "/documents/" + waID + "/compare?from=-1&to=1", http.StatusNotFound},
		{"compare other document's version", "/documents/" + waID + "/compare?from=2&to=1", http.StatusNotFound},
		{"document unknown", "/documents/nope", http.StatusNotFound},
		{"api change negative", "/api/v1/changes/-1", http.StatusBadRequest},
		{"api change huge", "/api/v1/changes/99999999999999999999", http.StatusBadRequest},
		{"api version max", "/api/v1/versions/9223372036854775807", http.StatusNotFound},
		{"api cursor negative", "/api/v1/changes?cursor=-5", http.StatusBadRequest},
		{"api cursor unknown", "/api/v1/changes?cursor=999", http.StatusBadRequest},
		{"api cursor huge", "/api/v1/changes?cursor=99999999999999999999", http.StatusBadRequest},
		{"api limit huge", "/api/v1/changes?limit=99999999999999999999", http.StatusBadRequest},
		{"api compare huge", "/api/v1/documents/" + waID + "/compare?from=1&to=99999999999999999999", http.StatusBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := f.get(t, http.MethodGet, tc.path)
			if resp.StatusCode != tc.status {
				t.Errorf("%s: status %d, want %d: %.300s", tc.path, resp.StatusCode, tc.status, body)
			}
			if strings.Contains(string(body), "<script>alert") {
				t.Errorf("%s: markup reached the page unescaped", tc.path)
			}
		})
	}
}

// TestPageCacheBound fills the page cache with small pages under long
// URLs, as a client adding a long junk parameter to every request does,
// and checks that what the cache holds (keys included) stays within its
// bound.
func TestPageCacheBound(t *testing.T) {
	c := newPageCache(testClock)
	body := make([]byte, 1024)
	junk := strings.Repeat("x", 64<<10)
	held := func() int {
		n := 0
		for k, p := range c.pages {
			n += len(k) + len(p.body)
		}
		return n
	}
	for i := range 4000 {
		c.put("en /search?q=a&junk="+junk+strconv.Itoa(i), &cachedPage{status: 200, body: body, expires: testClock().Add(time.Minute)})
		if n := held(); n > pageCacheBytes {
			t.Fatalf("after %d pages the cache holds %d bytes of keys and bodies, bound %d", i+1, n, pageCacheBytes)
		}
	}
}
