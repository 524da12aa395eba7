package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/policy"
)

// pageDoc fetches an HTML page, checks its status and the headers every
// page must carry, and parses it.
func pageDoc(t *testing.T, srv *httptest.Server, path string, status int, headers ...string) (*goquery.Document, *http.Response) {
	t.Helper()
	resp, body := pageGet(t, srv, path, headers...)
	return checkPage(t, "GET "+path, resp, body, status), resp
}

// checkPage checks the status of an answer, the headers every page must
// carry and the layout, and parses it. what names the request ("GET /x").
func checkPage(t *testing.T, what string, resp *http.Response, body string, status int) *goquery.Document {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("%s = %d, want %d\n%.2000s", what, resp.StatusCode, status, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("%s: Content-Type %q", what, ct)
	}
	checkSecurityHeaders(t, what, resp)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	checkLayout(t, what, doc)
	return doc
}

// checkSecurityHeaders checks the headers of every page. The subscription
// pages carry signed tokens in their URLs and an address or a CSRF token in
// their body, so they send no Referer at all and may not be stored.
func checkSecurityHeaders(t *testing.T, what string, resp *http.Response) {
	t.Helper()
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("%s: CSP %q lacks %q", what, csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("%s: CSP allows inline code: %q", what, csp)
	}
	want := map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "strict-origin-when-cross-origin"}
	if isSubscriptionPath(resp.Request.URL.Path) {
		want["Referrer-Policy"] = "no-referrer"
		if resp.StatusCode < 400 || resp.StatusCode == http.StatusServiceUnavailable {
			want["Cache-Control"] = "no-store"
		}
	}
	for name, v := range want {
		if got := resp.Header.Get(name); got != v {
			t.Errorf("%s: %s = %q, want %q", what, name, got, v)
		}
	}
}

// isSubscriptionPath says whether a path is one of the subscription pages.
func isSubscriptionPath(path string) bool {
	switch path {
	case "/subscribe", "/confirm", "/unsubscribe", "/preferences":
		return true
	}
	return false
}

// missingKey finds an untranslated message ("!key") in a page.
var missingKey = regexp.MustCompile(`![a-z]+\.[a-z0-9.-]+`)

// checkLayout checks what every page has: a language, landmarks, one <h1>
// with no skipped heading levels, the feed links, no script and no inline
// style, and no untranslated message.
func checkLayout(t *testing.T, what string, doc *goquery.Document) {
	t.Helper()
	if lang, _ := doc.Find("html").Attr("lang"); lang != "en" && lang != "es" {
		t.Errorf("%s: html lang = %q", what, lang)
	}
	for _, sel := range []string{"header nav", "main#main", "footer", `a.skip[href="#main"]`, `form[role=search]`,
		// Spanish pages link the Spanish feeds.
		`link[rel=alternate][type="application/atom+xml"][href$="/feed.atom"], link[rel=alternate][type="application/atom+xml"][href$="/feed.atom?lang=es"]`,
		`link[rel=alternate][type="application/rss+xml"][href$="/feed.rss"], link[rel=alternate][type="application/rss+xml"][href$="/feed.rss?lang=es"]`,
		`a[href="/subscribe"]`, `meta[name=viewport]`, `meta[name=description]`} {
		if doc.Find(sel).Length() == 0 {
			t.Errorf("%s: no %s", what, sel)
		}
	}
	if n := doc.Find("h1").Length(); n != 1 {
		t.Errorf("%s: %d <h1>, want 1", what, n)
	}
	last := 0
	doc.Find("h1, h2, h3, h4, h5, h6").Each(func(_ int, s *goquery.Selection) {
		level := int(goquery.NodeName(s)[1] - '0')
		if level > last+1 {
			t.Errorf("%s: heading %q is h%d after h%d", what, s.Text(), level, last)
		}
		last = level
	})
	if n := doc.Find("script, [style], style").Length(); n > 0 {
		t.Errorf("%s: %d script or inline style elements", what, n)
	}
	if m := missingKey.FindString(doc.Text()); m != "" {
		t.Errorf("%s: untranslated message %s", what, m)
	}
}

// storedChangeSetOf decodes a stored change with the package's decoder.
func storedChangeSetOf(t *testing.T, c *data.Change) *diff.ChangeSet {
	t.Helper()
	cs, err := decodeChangeSet(c.ChangeSet)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func openFixtureDB(t *testing.T, f *corpusSite) *data.DB {
	t.Helper()
	return openDBAt(t, f.path)
}

// openTestDB opens a new database in the test's directory.
func openTestDB(t testing.TB) *data.DB {
	t.Helper()
	return openDBAt(t, filepath.Join(t.TempDir(), "cw.db"))
}

// openDBAt opens the database at path on the test clock, closed with the
// test.
func openDBAt(t testing.TB, path string) *data.DB {
	t.Helper()
	db, err := data.Open(context.Background(), path, testClock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestDocumentsPage(t *testing.T) {
	f := corpusSiteDB(t)
	srv := newPageServer(t, f)
	db := openFixtureDB(t, f)
	ctx := context.Background()
	doc, _ := pageDoc(t, srv, "/", http.StatusOK)
	rows := doc.Find("table.documents tbody tr")
	if rows.Length() != 4 {
		t.Fatalf("%d document rows, want 4", rows.Length())
	}
	failing := doc.Find("tr.failing")
	if failing.Length() != 1 || failing.AttrOr("id", "") != "doc-"+docFailing {
		t.Errorf("failing rows = %d (%s), want only %s", failing.Length(), failing.AttrOr("id", ""), docFailing)
	}
	if txt := failing.Find(".status.failing").Text(); !strings.Contains(txt, "Failing") || !strings.Contains(txt, "⚠") {
		t.Errorf("failing status %q: want a word and a symbol, not only colour", txt)
	}
	if !strings.Contains(failing.Find(".reason").Text(), "HTTP 503") {
		t.Errorf("failing reason %q", failing.Find(".reason").Text())
	}
	for _, id := range []string{docPolicy, docTerms} {
		row := doc.Find("tr#doc-" + id)
		versions, err := db.Versions(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSpace(row.Find("td.num").Text()); got != fmt.Sprint(len(versions)) {
			t.Errorf("%s: versions cell %q, want %d", id, got, len(versions))
		}
		if href := row.Find("a.doc-link").AttrOr("href", ""); href != "/documents/"+id {
			t.Errorf("%s: link %q", id, href)
		}
		changes, _, err := db.Changes(ctx, data.ChangeFilter{DocumentID: id, ChangeSets: true})
		if err != nil {
			t.Fatal(err)
		}
		var lastMaterial int64
		for _, c := range changes {
			if c.Material {
				lastMaterial = c.ID
			}
		}
		if href := row.Find(`a[href^="/changes/"]`).AttrOr("href", ""); href != fmt.Sprintf("/changes/%d", lastMaterial) {
			t.Errorf("%s: last material change link %q, want /changes/%d", id, href, lastMaterial)
		}
		if got := row.Find("td").Eq(0).Text(); got != "European Region" {
			t.Errorf("%s: region %q", id, got)
		}
	}
}

func TestTimelinePage(t *testing.T) {
	f := corpusSiteDB(t)
	srv := newPageServer(t, f)
	db := openFixtureDB(t, f)
	ctx := context.Background()
	versions, err := db.Versions(ctx, docPolicy)
	if err != nil {
		t.Fatal(err)
	}
	changes, _, err := db.Changes(ctx, data.ChangeFilter{DocumentID: docPolicy, ChangeSets: true})
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := pageDoc(t, srv, "/documents/"+docPolicy, http.StatusOK)
	if n := doc.Find("article.version").Length(); n != len(versions) {
		t.Errorf("%d versions shown, want %d", n, len(versions))
	}
	// Newest first; cosmetic-only versions and capture variations folded
	// into <details>.
	first := doc.Find("article.version").First().AttrOr("id", "")
	if want := fmt.Sprintf("v%d", versions[len(versions)-1].ID); first != want {
		t.Errorf("first entry %s, want the newest %s", first, want)
	}
	for _, c := range changes {
		art := doc.Find(fmt.Sprintf("article#v%d", c.ToVersion))
		inFold := art.ParentsFiltered("details").Length() > 0
		if shown := c.Material && c.Capture != diff.Variation; inFold == shown {
			t.Errorf("change %d (material %v, capture %q): folded = %v", c.ID, c.Material, c.Capture, inFold)
		}
		if href := art.Find("a.diff-link").AttrOr("href", ""); href != fmt.Sprintf("/changes/%d", c.ID) {
			t.Errorf("version %d: diff link %q", c.ToVersion, href)
		}
	}
	badge := doc.Find(fmt.Sprintf(`article.version:has(a.diff-link[href="/changes/%d"]) .badge.topic-data-sharing`, f.sharing))
	if badge.Length() != 1 || !strings.Contains(badge.Text(), "data sharing") {
		t.Errorf("change %d: data-sharing badge %q", f.sharing, badge.Text())
	}
	// The January 2021 policy states its effective date.
	if !strings.Contains(doc.Find("p.dates").Text(), "Effective: Jan 4, 2021") {
		t.Errorf("no effective date Jan 4, 2021 in the timeline")
	}
	if doc.Find(`form.compare select[name=from] option`).Length() != len(versions) {
		t.Errorf("compare form does not list every version")
	}
	pageDoc(t, srv, "/documents/no-such-document", http.StatusNotFound)
}

func TestChangePage(t *testing.T) {
	f := corpusSiteDB(t)
	srv := newPageServer(t, f)
	db := openFixtureDB(t, f)
	ctx := context.Background()
	c, err := db.Change(ctx, f.sharing)
	if err != nil {
		t.Fatal(err)
	}
	cs := storedChangeSetOf(t, c)
	from, _ := db.VersionInfo(ctx, c.FromVersion)
	to, _ := db.VersionInfo(ctx, c.ToVersion)
	prev, next, err := db.ChangeNeighbours(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/changes/%d", c.ID)
	doc, resp := pageDoc(t, srv, path, http.StatusOK)

	if n := doc.Find("article.change").Length(); n != len(cs.Changes) {
		t.Errorf("%d changes shown, want %d", n, len(cs.Changes))
	}
	lead := map[int]bool{}
	for _, m := range mattersOf(cs) {
		lead[m.Changes[0]] = true
	}
	var rest diff.ChangeSet
	for i, ch := range cs.Changes {
		if !lead[i] {
			rest.Changes = append(rest.Changes, ch)
		}
	}
	if n := doc.Find("section.clauses details.group > summary h3").Length(); n != len(diff.Groups(rest)) {
		t.Errorf("%d section headings, want %d", n, len(diff.Groups(rest)))
	}
	for _, sel := range []string{"ins.sym", "del.sym", ".summary .badge.topic-data-sharing", ".summary .badge.severity-high"} {
		if doc.Find(sel).Length() == 0 {
			t.Errorf("no %s", sel)
		}
	}
	if cs.Summary.Moved > 0 && doc.Find("article.change.moved .moved-from").Length() != cs.Summary.Moved {
		t.Errorf("moves not marked: %d of %d", doc.Find("article.change.moved .moved-from").Length(), cs.Summary.Moved)
	}
	// The classifier may mark other evidence too; the fixture's must be
	// among the marks, in the clause that carries the badge.
	marked := doc.Find("article.change mark").FilterFunction(func(_ int, s *goquery.Selection) bool {
		return strings.EqualFold(s.Text(), f.evidence)
	})
	if marked.Length() == 0 {
		t.Errorf("no evidence mark %q", f.evidence)
	}
	if q := marked.First().ParentsFiltered("article.change").Find(".badge.topic-data-sharing"); q.Length() != 1 {
		t.Errorf("the clause with evidence has no data-sharing badge")
	}
	links := map[string]string{
		"prev":      fmt.Sprintf("/changes/%d", prev),
		"next":      fmt.Sprintf("/changes/%d", next),
		"from":      fmt.Sprintf("/versions/%d", from.ID),
		"to":        fmt.Sprintf("/versions/%d", to.ID),
		"from-snap": fmt.Sprintf("/snapshots/%d", from.SnapshotID),
		"to-snap":   fmt.Sprintf("/snapshots/%d", to.SnapshotID),
		"timeline":  "/documents/" + docPolicy,
	}
	for name, href := range links {
		if strings.HasSuffix(href, "/0") {
			continue
		}
		if doc.Find(`a[href="`+href+`"]`).Length() == 0 {
			t.Errorf("no %s link %s", name, href)
		}
	}
	if doc.Find(`a[rel=prev]`).Length() != min(1, int(prev)) || doc.Find(`a[rel=next]`).Length() != min(1, int(next)) {
		t.Errorf("prev/next links wrong for prev=%d next=%d", prev, next)
	}
	if txt := doc.Find(".sources").Text(); !strings.Contains(txt, to.SnapshotSHA256) || !strings.Contains(txt, from.SnapshotSHA256) {
		t.Errorf("sources do not cite both sha256")
	}
	title := doc.Find("title").Text()
	if !strings.Contains(title, "WhatsApp Privacy Policy") || !strings.Contains(title, "data sharing") {
		t.Errorf("title %q does not say what and which topic", title)
	}
	for _, sel := range []string{`meta[name=description]`, `meta[property="og:description"]`, `meta[property="og:title"]`} {
		if v := doc.Find(sel).AttrOr("content", ""); len(v) < 20 {
			t.Errorf("%s = %q: too short to read well when shared", sel, v)
		}
	}
	if og := doc.Find(`meta[property="og:url"]`).AttrOr("content", ""); og != "https://cw.example.org"+path {
		t.Errorf("og:url %q", og)
	}

	// Side by side, by a plain link.
	side := doc.Find(`.views a[href$="view=side"]`).AttrOr("href", "")
	if side == "" {
		t.Fatal("no link to the side-by-side view")
	}
	sdoc, _ := pageDoc(t, srv, side, http.StatusOK)
	if n := sdoc.Find("article.change .side .old").Length(); n != len(cs.Changes) {
		t.Errorf("side view: %d old columns, want %d", n, len(cs.Changes))
	}
	if sdoc.Find(".side .old ins").Length() > 0 || sdoc.Find(".side .new del").Length() > 0 {
		t.Errorf("side view: insertions on the old side or deletions on the new side")
	}

	// Cache: ETag, long max-age, 304 on If-None-Match.
	etag := resp.Header.Get("ETag")
	if etag == "" || !strings.Contains(resp.Header.Get("Cache-Control"), "max-age=86400") {
		t.Errorf("ETag %q Cache-Control %q", etag, resp.Header.Get("Cache-Control"))
	}
	r304, _ := pageGet(t, srv, path, "If-None-Match", etag)
	if r304.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", r304.StatusCode)
	}
	pageDoc(t, srv, "/changes/999999", http.StatusNotFound)
	pageDoc(t, srv, "/changes/abc", http.StatusNotFound)
}

func TestComparePage(t *testing.T) {
	f := corpusSiteDB(t)
	srv := newPageServer(t, f)
	db := openFixtureDB(t, f)
	ctx := context.Background()
	versions, err := db.Versions(ctx, docPolicy)
	if err != nil {
		t.Fatal(err)
	}
	a, b := versions[1].ID, versions[len(versions)-2].ID
	va, _ := db.Version(ctx, a)
	vb, _ := db.Version(ctx, b)
	want := diff.Compare(policy.Document{Blocks: va.Blocks}, policy.Document{Blocks: vb.Blocks})
	other, err := db.Versions(ctx, docTerms)
	if err != nil {
		t.Fatal(err)
	}
	base := "/documents/" + docPolicy + "/compare"
	tests := []struct {
		name    string
		query   string
		status  int
		changes int
		sel     string
	}{
		{"form only", "", http.StatusOK, 0, "form.compare select[name=to]"},
		{"two versions", fmt.Sprintf("?from=%d&to=%d", a, b), http.StatusOK, len(want.Changes), "article.change ins"},
		{"side by side", fmt.Sprintf("?from=%d&to=%d&view=side", a, b), http.StatusOK, len(want.Changes), ".side .new"},
		{"same version", fmt.Sprintf("?from=%d&to=%d", a, a), http.StatusOK, 0, ".alert"},
		{"not a number", "?from=x&to=2", http.StatusBadRequest, 0, ".error-message"},
		{"version of another document", fmt.Sprintf("?from=%d&to=%d", a, other[0].ID), http.StatusNotFound, 0, ".error-message"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, _ := pageDoc(t, srv, base+tt.query, tt.status)
			if n := doc.Find("article.change").Length(); n != tt.changes {
				t.Errorf("%d changes, want %d", n, tt.changes)
			}
			if doc.Find(tt.sel).Length() == 0 {
				t.Errorf("no %s", tt.sel)
			}
		})
	}
}

func TestVersionPage(t *testing.T) {
	f := corpusSiteDB(t)
	srv := newPageServer(t, f)
	db := openFixtureDB(t, f)
	ctx := context.Background()
	c, err := db.Change(ctx, f.sharing)
	if err != nil {
		t.Fatal(err)
	}
	// The version before the classified change: its clauses that change
	// modified must link to that change in their history.
	v, err := db.Version(ctx, c.FromVersion)
	if err != nil {
		t.Fatal(err)
	}
	clauses := diff.Clauses(policy.Document{Blocks: v.Blocks})
	doc, resp := pageDoc(t, srv, fmt.Sprintf("/versions/%d", v.ID), http.StatusOK)
	ids := doc.Find(".clause[id], .policy-text h2[id], .policy-text h3[id], .policy-text h4[id], .policy-text h5[id], .policy-text h6[id]")
	if ids.Length() != len(clauses) {
		t.Fatalf("%d clause anchors, want %d", ids.Length(), len(clauses))
	}
	ids.Each(func(i int, s *goquery.Selection) {
		if id := s.AttrOr("id", ""); id != clauses[i].ID {
			t.Errorf("anchor %d = %q, want %q (diff.Clauses)", i, id, clauses[i].ID)
		}
	})
	cs := storedChangeSetOf(t, c)
	checked := 0
	for _, ch := range cs.Changes {
		if ch.Kind != diff.Modified || ch.Old == nil {
			continue
		}
		for _, cl := range clauses {
			if cl.Text != ch.Old.Text || doc.Find(".clause#"+cl.ID).Length() == 0 {
				continue // headings have no history
			}
			sel := fmt.Sprintf(`.clause#%s details.history a[href^="/changes/%d#"]`, cl.ID, c.ID)
			if doc.Find(sel).Length() != 1 {
				t.Errorf("clause %s: history does not link to change %d", cl.ID, c.ID)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatalf("no modified clause of change %d found in version %d", c.ID, v.ID)
	}
	if doc.Find(`details.history li`).FilterFunction(func(_ int, s *goquery.Selection) bool {
		return strings.Contains(s.Text(), "Still in the latest version")
	}).Length() == 0 {
		t.Errorf("no clause is still in the latest version")
	}
	if resp.Header.Get("ETag") == "" {
		t.Errorf("no ETag on a version page")
	}
	pageDoc(t, srv, "/versions/0", http.StatusNotFound)
}

func TestSnapshotPages(t *testing.T) {
	f := corpusSiteDB(t)
	srv := newPageServer(t, f)
	db := openFixtureDB(t, f)
	ctx := context.Background()
	v, err := db.VersionInfo(ctx, f.markupVersions[1])
	if err != nil {
		t.Fatal(err)
	}
	snap, err := db.Snapshot(ctx, v.SnapshotID)
	if err != nil {
		t.Fatal(err)
	}
	doc, resp := pageDoc(t, srv, fmt.Sprintf("/snapshots/%d", snap.ID), http.StatusOK)
	if got := doc.Find("dd.sha code").Text(); got != snap.SHA256 {
		t.Errorf("sha256 shown %q, want %q", got, snap.SHA256)
	}
	if got := doc.Find("pre.raw").Text(); got != string(snap.Body) {
		t.Errorf("body shown differs from the archived body")
	}
	if !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("snapshot page Cache-Control %q", resp.Header.Get("Cache-Control"))
	}
	raw, body := pageGet(t, srv, fmt.Sprintf("/snapshots/%d/raw", snap.ID))
	if raw.StatusCode != http.StatusOK || body != string(snap.Body) {
		t.Fatalf("raw: %d, body equal %v", raw.StatusCode, body == string(snap.Body))
	}
	for name, want := range map[string]string{
		"Content-Type":            "text/plain; charset=utf-8",
		"X-Content-SHA256":        snap.SHA256,
		"X-Content-Type-Options":  "nosniff",
		"Content-Security-Policy": "sandbox; default-src 'none'; frame-ancestors 'none'",
	} {
		if got := raw.Header.Get(name); got != want {
			t.Errorf("raw: %s = %q, want %q", name, got, want)
		}
	}
	dl, _ := pageGet(t, srv, fmt.Sprintf("/snapshots/%d/raw?download=1", snap.ID))
	if cd := dl.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") {
		t.Errorf("download: Content-Disposition %q", cd)
	}
	r304, _ := pageGet(t, srv, fmt.Sprintf("/snapshots/%d/raw", snap.ID), "If-None-Match", raw.Header.Get("ETag"))
	if r304.StatusCode != http.StatusNotModified {
		t.Errorf("raw If-None-Match: %d, want 304", r304.StatusCode)
	}
}

func TestSearchPage(t *testing.T) {
	f := corpusSiteDB(t)
	srv := newPageServer(t, f)
	db := openFixtureDB(t, f)
	ctx := context.Background()
	versions, err := db.Versions(ctx, docPolicy)
	if err != nil {
		t.Fatal(err)
	}
	// The oracle: which versions' texts contain the phrase, ignoring case.
	contains := func(phrase string) (first, last int64, inLatest bool, n int) {
		for i, v := range versions {
			full, err := db.Version(ctx, v.ID)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(strings.ToLower(full.Text), strings.ToLower(phrase)) {
				if first == 0 {
					first = v.ID
				}
				last, n = v.ID, n+1
				inLatest = i == len(versions)-1
			}
		}
		return
	}
	tests := []struct {
		name, phrase string
	}{
		{"renamed parent", "Meta Companies"},
		{"older name", "Facebook Companies"},
		{"case and accents", "facebook COMPANIES"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first, last, inLatest, n := contains(tt.phrase)
			if n == 0 {
				t.Fatalf("the corpus has no %q: pick another phrase", tt.phrase)
			}
			doc, _ := pageDoc(t, srv, "/search?q="+strings.ReplaceAll(tt.phrase, " ", "+"), http.StatusOK)
			res := doc.Find("section.result#r-" + docPolicy)
			if res.Length() != 1 {
				t.Fatalf("no result for %s", docPolicy)
			}
			if href := res.Find("a.first").AttrOr("href", ""); href != fmt.Sprintf("/versions/%d", first) {
				t.Errorf("first seen %s, want /versions/%d", href, first)
			}
			if href := res.Find("a.last").AttrOr("href", ""); href != fmt.Sprintf("/versions/%d", last) {
				t.Errorf("last seen %s, want /versions/%d", href, last)
			}
			if got := res.Find(".still").Length() == 1; got != inLatest {
				t.Errorf("still in latest = %v, want %v", got, inLatest)
			}
			if txt := res.Find(".presence").Text(); !strings.Contains(txt, fmt.Sprintf("In %d of %d versions", n, len(versions))) {
				t.Errorf("presence %q, want %d of %d", txt, n, len(versions))
			}
			if m := res.Find("ul.matches mark").First().Text(); !strings.EqualFold(m, tt.phrase) {
				t.Errorf("marked %q, want %q", m, tt.phrase)
			}
			if v, _ := doc.Find("form.search-page input[name=q]").Attr("value"); v != tt.phrase {
				t.Errorf("search box keeps %q, want %q", v, tt.phrase)
			}
		})
	}
	bad := []struct{ name, query string }{
		{"punctuation only", `%22%22%22`},
		{"too long", strings.Repeat("a", 201)},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			doc, _ := pageDoc(t, srv, "/search?q="+tt.query, http.StatusBadRequest)
			if doc.Find(".alert[role=alert]").Length() != 1 {
				t.Errorf("no message for a bad query")
			}
		})
	}
	doc, _ := pageDoc(t, srv, "/search?q=zzyzx+qqq+never", http.StatusOK)
	if doc.Find("p.none").Length() != 1 {
		t.Errorf("no 'nothing found' message")
	}
}

func TestLanguages(t *testing.T) {
	f := corpusSiteDB(t)
	srv := newPageServer(t, f)
	tests := []struct {
		name    string
		path    string
		headers []string
		lang    string
		h1      string
	}{
		{"default English", "/", nil, "en", "Tracked documents"},
		{"Accept-Language Spanish", "/", []string{"Accept-Language", "es-MX,es;q=0.9,en;q=0.5"}, "es", "Documentos vigilados"},
		{"Accept-Language French falls back", "/", []string{"Accept-Language", "fr-FR"}, "en", "Tracked documents"},
		{"switch link", "/?lang=es", nil, "es", "Documentos vigilados"},
		{"cookie", "/", []string{"Cookie", "lang=es"}, "es", "Documentos vigilados"},
		{"switch beats cookie", "/?lang=en", []string{"Cookie", "lang=es"}, "en", "Tracked documents"},
		{"unknown switch ignored", "/?lang=xx", []string{"Accept-Language", "es"}, "es", "Documentos vigilados"},
		{"change page in Spanish", fmt.Sprintf("/changes/%d", f.sharing), []string{"Accept-Language", "es"}, "es", "WhatsApp cambió lo que dice sobre cesión de datos"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, resp := pageDoc(t, srv, tt.path, http.StatusOK, tt.headers...)
			if lang := doc.Find("html").AttrOr("lang", ""); lang != tt.lang {
				t.Errorf("lang %q, want %q", lang, tt.lang)
			}
			if h1 := doc.Find("h1").Text(); h1 != tt.h1 {
				t.Errorf("h1 %q, want %q", h1, tt.h1)
			}
			if resp.Header.Get("Content-Language") != tt.lang || !strings.Contains(resp.Header.Get("Vary"), "Accept-Language") {
				t.Errorf("Content-Language %q Vary %q", resp.Header.Get("Content-Language"), resp.Header.Get("Vary"))
			}
			setCookie := resp.Header.Get("Set-Cookie")
			if strings.Contains(tt.path, "lang=e") != strings.HasPrefix(setCookie, "lang="+tt.lang) {
				t.Errorf("Set-Cookie %q after %s", setCookie, tt.path)
			}
			other := map[string]string{"en": "es", "es": "en"}[tt.lang]
			if doc.Find(`nav.langs a[hreflang="`+other+`"]`).Length() != 1 {
				t.Errorf("no switch to %s", other)
			}
		})
	}
}

func TestCatalogues(t *testing.T) {
	l := newI18n()
	for _, pair := range [][2]string{{"en", "es"}, {"es", "en"}} {
		for key, msg := range l.catalog[pair[0]] {
			other, ok := l.catalog[pair[1]][key]
			if !ok {
				t.Errorf("%s has %q, %s does not", pair[0], key, pair[1])
				continue
			}
			if strings.Count(msg, "%") != strings.Count(other, "%") {
				t.Errorf("%q: %s %q and %s %q take different arguments", key, pair[0], msg, pair[1], other)
			}
		}
	}
	if got := l.date("es", testClock()); got != "1 ago 2026" {
		t.Errorf("Spanish date %q", got)
	}
}

// TestMarkupShownAsText walks every page that shows the markup document and
// checks that its <script> and onerror= text arrive as text: no element is
// created from it, and the words are visible.
func TestMarkupShownAsText(t *testing.T) {
	f := corpusSiteDB(t)
	srv := newPageServer(t, f)
	db := openFixtureDB(t, f)
	v, err := db.VersionInfo(context.Background(), f.markupVersions[1])
	if err != nil {
		t.Fatal(err)
	}
	pages := []string{
		"/",
		"/documents/" + docMarkup,
		fmt.Sprintf("/changes/%d", f.markupChange),
		fmt.Sprintf("/changes/%d?view=side", f.markupChange),
		fmt.Sprintf("/versions/%d", f.markupVersions[0]),
		fmt.Sprintf("/versions/%d", f.markupVersions[1]),
		fmt.Sprintf("/documents/%s/compare?from=%d&to=%d", docMarkup, f.markupVersions[0], f.markupVersions[1]),
		fmt.Sprintf("/snapshots/%d", v.SnapshotID),
		"/search?q=onerror",
		"/search?q=" + `%3Cscript%3Ealert(1)%3C/script%3E`,
		`/nowhere/%3Cscript%3E`,
	}
	for _, p := range pages {
		t.Run(p, func(t *testing.T) {
			status := http.StatusOK
			if strings.HasPrefix(p, "/nowhere") {
				status = http.StatusNotFound
			}
			doc, _ := pageDoc(t, srv, p, status)
			if n := doc.Find("script, img, [onerror], b, i").Length(); n > 0 {
				html, _ := doc.Find("script, img, [onerror], b, i").First().Parent().Html()
				t.Errorf("%d elements made from policy text, e.g. in %.300s", n, html)
			}
			text := doc.Find("main").Text() + doc.Find("title").Text()
			switch {
			case p == "/" || strings.HasPrefix(p, "/documents/"+docMarkup) && !strings.Contains(p, "compare"):
				if !strings.Contains(text, "Demo <b>Service</b>") && !strings.Contains(text, `Markup "<i>policy</i>"`) {
					t.Errorf("document name not shown as text")
				}
			case strings.HasPrefix(p, "/search?q=onerror"):
				if !strings.Contains(text, "onerror") {
					t.Errorf("search result does not show the onerror text")
				}
			case strings.HasPrefix(p, "/nowhere"):
			case strings.HasPrefix(p, "/search"):
				if !strings.Contains(text, "<script>") {
					t.Errorf("query not shown as text")
				}
			default:
				if !strings.Contains(text, `<script>alert("cw-xss")</script>`) && !strings.Contains(text, `onerror=alert("cw-xss")`) {
					t.Errorf("markup text not visible as text")
				}
			}
		})
	}
}

// TestErrorPages checks that errors are pages in the reader's language, and
// JSON under /api/.
func TestErrorPages(t *testing.T) {
	f := corpusSiteDB(t)
	srv := newPageServer(t, f)
	doc, _ := pageDoc(t, srv, "/no/such/page", http.StatusNotFound, "Accept-Language", "es")
	if !strings.Contains(doc.Find("main").Text(), "No hay nada en esta dirección") {
		t.Errorf("Spanish 404 page: %q", doc.Find("main").Text())
	}
	resp, body := pageGet(t, srv, "/api/v1/no-such-endpoint")
	var e struct {
		Error struct {
			Status int `json:"status"`
		} `json:"error"`
	}
	if resp.StatusCode != http.StatusNotFound || json.Unmarshal([]byte(body), &e) != nil || e.Error.Status != 404 {
		t.Errorf("API 404: %d %q", resp.StatusCode, body)
	}
	css, _ := pageGet(t, srv, "/static/style.css?v=1")
	if css.StatusCode != http.StatusOK || !strings.HasPrefix(css.Header.Get("Content-Type"), "text/css") {
		t.Errorf("stylesheet: %d %s", css.StatusCode, css.Header.Get("Content-Type"))
	}
}

// TestErrorsEchoLittle asks with a path or parameter of 900 KB and checks
// that the error answer, page or JSON, repeats at most maxEcho characters
// of it: an error page used to echo such a query six times (5.4 MB). A
// page that ignores the parameter does not repeat it in its links either.
func TestErrorsEchoLittle(t *testing.T) {
	f := newFixture(t)
	big := strings.Repeat("a", 900<<10)
	tests := []struct {
		name, path string
		status     int
	}{
		{"unknown page", "/nope" + big, 404},
		{"unknown page with a query", "/nope?x=" + big, 404},
		{"unknown document", "/documents/" + big, 404},
		{"search query too long", "/search?q=" + big, 400},
		{"clause filter severity", "/changes/1?severity=" + big, 400},
		{"clause filter topic", "/changes/1?topic=" + big, 400},
		{"compare", "/documents/" + waID + "/compare?from=" + big, 400},
		{"API limit", "/api/v1/changes?limit=" + big, 400},
		{"API document feed", "/documents/" + big + "/feed.rss", 404},
		{"API unknown resource", "/api/v1/" + big, 404},
		{"a page with a huge parameter it ignores", "/changes/1?view=" + big, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := f.get(t, "GET", tt.path)
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if strings.Contains(string(body), strings.Repeat("a", maxEcho+1)) || len(body) > 16<<10 {
				t.Errorf("answer of %d bytes echoes more than %d characters of the request", len(body), maxEcho)
			}
		})
	}
}
