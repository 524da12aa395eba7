package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/mmcdole/gofeed"

	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/labels"
	"github.com/clausewatch/clausewatch/policy"
	"github.com/clausewatch/clausewatch/topics"
)

// The pages lead with what matters. These tests read the January 2021
// change of the corpus site, whose classification (classifyJanuary2021)
// carries two removed promises not to share and one edit repeated in three
// legal-basis rows.

// TestChangePageWhatMatters checks, in English and Spanish, that the change
// page opens with the headline, lists what matters in the classifier's
// order before the citation and the folded rest, says "in 3 clauses" for
// the repeated edit, and shows each clause change once.
func TestChangePageWhatMatters(t *testing.T) {
	f := corpusSiteDB(t)
	srv := newPageServer(t, f)
	db := openFixtureDB(t, f)
	j := f.january
	c, err := db.Change(context.Background(), j.change)
	if err != nil {
		t.Fatal(err)
	}
	cs := storedChangeSetOf(t, c)
	anchor := func(i int) string { return clauseAnchor(cs.Changes[i]) }
	tests := []struct {
		name, lang, headline, grouped, matters string
	}{
		{"English", "en", j.headlineEN, "The same edit in 3 clauses", "What matters"},
		{"Spanish", "es", j.headlineES, "El mismo cambio en 3 cláusulas", "Lo que importa"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := labels.Headline("WhatsApp", *cs, tt.lang); got != tt.headline {
				t.Fatalf("the fixture's headline is %q, want %q", got, tt.headline)
			}
			doc, _ := pageDoc(t, srv, fmt.Sprintf("/changes/%d?lang=%s", j.change, tt.lang), http.StatusOK)
			main := doc.Find("main")
			if h := main.Find("h1, h2").First(); goquery.NodeName(h) != "h1" || h.Text() != tt.headline {
				t.Errorf("first heading <%s> %q, want <h1> %q", goquery.NodeName(h), h.Text(), tt.headline)
			}
			if title := doc.Find("title").Text(); !strings.HasPrefix(title, tt.headline) {
				t.Errorf("title %q does not start with the headline", title)
			}
			// The citation first (a reader quoting the change needs its
			// sources before anything else), then what matters, then the
			// rest.
			order := []string{"section.sources", "section.matters", "section.clauses"}
			var at []int
			main.Find("section").Each(func(i int, s *goquery.Selection) {
				for k, sel := range order {
					if s.Is(sel) {
						at = append(at, k)
					}
				}
			})
			if !slices.Equal(at, []int{0, 1, 2}) {
				t.Errorf("sections in order %v of %v, want sources, what matters, clauses", at, order)
			}
			if h := main.Find("section.matters h2").Text(); h != tt.matters {
				t.Errorf("what matters heading %q, want %q", h, tt.matters)
			}
			if sha := main.Find("section.sources dd.sha").Length(); sha != 2 {
				t.Errorf("%d sha256 in the citation, want 2", sha)
			}
			var got []string
			main.Find("section.matters li.matter > article.change").Each(func(_ int, s *goquery.Selection) {
				got = append(got, s.AttrOr("id", ""))
			})
			if want := []string{anchor(j.facebook), anchor(j.nothing), anchor(j.rows[0])}; !slices.Equal(got, want) {
				t.Errorf("what matters shows %v, want %v", got, want)
			}
			first := main.Find("section.matters li.matter").First()
			if !strings.Contains(first.Find(".text").Text(), "Facebook does not use your WhatsApp account information") ||
				first.Find(".label .badge.severity-critical").Length() != 1 || first.Find("del mark").Length() == 0 {
				t.Errorf("first entry does not show the removed promise, critical, with its evidence: %q", first.Text())
			}
			grouped := main.Find("section.matters li.matter").Eq(2).Find("p.grouped")
			if !strings.HasPrefix(grouped.Text(), tt.grouped) || !strings.Contains(grouped.Text(), "Legitimate Interests") ||
				grouped.Find(`a[href="#`+anchor(j.rows[0])+`"]`).Length() != 1 {
				t.Errorf("grouped entry says %q, want %q with its section linked", grouped.Text(), tt.grouped)
			}
			// Every clause change appears once: the leads above, the rest
			// (the other two rows among them) folded below.
			rest := main.Find("section.clauses article.change")
			if rest.Length() != len(cs.Changes)-3 || main.Find("article.change").Length() != len(cs.Changes) {
				t.Errorf("%d clause changes below what matters, %d in all; want %d and %d", rest.Length(), main.Find("article.change").Length(), len(cs.Changes)-3, len(cs.Changes))
			}
			for _, i := range j.rows[1:] {
				if rest.Filter("#"+anchor(i)).Length() != 1 {
					t.Errorf("row %s is not among the other changes", anchor(i))
				}
			}
			details := main.Find("section.clauses details.group")
			if details.Length() == 0 || details.Filter("[open]").Length() != 0 {
				t.Errorf("%d sections, %d open: want them folded", details.Length(), details.Filter("[open]").Length())
			}
		})
	}
}

// TestChangePageContext checks that a phrase the edit left alone is shown
// muted, as context, and never as a topic badge or highlighted evidence.
func TestChangePageContext(t *testing.T) {
	f := corpusSiteDB(t)
	srv := newPageServer(t, f)
	db := openFixtureDB(t, f)
	j := f.january
	c, err := db.Change(context.Background(), j.change)
	if err != nil {
		t.Fatal(err)
	}
	id := clauseAnchor(storedChangeSetOf(t, c).Changes[j.context])
	doc, _ := pageDoc(t, srv, fmt.Sprintf("/changes/%d?lang=en", j.change), http.StatusOK)
	art := doc.Find("article.change#" + id)
	if art.Length() != 1 {
		t.Fatalf("no clause %s", id)
	}
	if q := art.Find("p.context q").Text(); q != j.contextPhrase {
		t.Errorf("context line quotes %q, want %q", q, j.contextPhrase)
	}
	if ctx := art.Find(".text span.ctx").Text(); !strings.EqualFold(ctx, j.contextPhrase) {
		t.Errorf("muted phrase in the text %q, want %q", ctx, j.contextPhrase)
	}
	if n := art.Find(".badge.topic, mark, p.evidence").Length(); n != 0 {
		t.Errorf("context shown as %d badges, marks or reasons", n)
	}
}

// TestChangePageFilters checks the filters over the folded clause
// changes: each narrows the list to what it names, says how many it
// hides, unfolds the sections, offers a link that clears it, and leaves
// what matters alone; a value that is no topic or severity is a 400.
func TestChangePageFilters(t *testing.T) {
	f := corpusSiteDB(t)
	srv := newPageServer(t, f)
	db := openFixtureDB(t, f)
	j := f.january
	c, err := db.Change(context.Background(), j.change)
	if err != nil {
		t.Fatal(err)
	}
	cs := storedChangeSetOf(t, c)
	lead := map[int]bool{j.facebook: true, j.nothing: true, j.rows[0]: true}
	count := func(keep func(diff.Change) bool) (n, total int) {
		for i, ch := range cs.Changes {
			if !lead[i] {
				total++
				if keep(ch) {
					n++
				}
			}
		}
		return n, total
	}
	base := fmt.Sprintf("/changes/%d", j.change)
	tests := []struct {
		name   string
		query  string
		status int
		keep   func(diff.Change) bool
	}{
		{"no filter", "", http.StatusOK, nil},
		{"a topic", "?topic=legal-basis", http.StatusOK, func(c diff.Change) bool { return slices.Contains(c.Topics, "legal-basis") }},
		{"a severity keeps the more severe", "?severity=high", http.StatusOK, func(c diff.Change) bool { return c.Severity.Rank() >= diff.SeverityHigh.Rank() }},
		{"both", "?topic=data-sharing&severity=critical", http.StatusOK, func(c diff.Change) bool {
			return slices.Contains(c.Topics, "data-sharing") && c.Severity == diff.SeverityCritical
		}},
		{"side by side keeps the filter", "?topic=legal-basis&view=side", http.StatusOK, func(c diff.Change) bool { return slices.Contains(c.Topics, "legal-basis") }},
		{"unknown topic", "?topic=sharing", http.StatusBadRequest, nil},
		{"unknown severity", "?severity=severe", http.StatusBadRequest, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, _ := pageDoc(t, srv, base+tt.query, tt.status, "Accept-Language", "en")
			if tt.status != http.StatusOK {
				if doc.Find(".error-message").Length() == 0 {
					t.Errorf("no error message")
				}
				return
			}
			if n := doc.Find("section.matters li.matter").Length(); n != 3 {
				t.Errorf("what matters has %d entries under a filter, want 3", n)
			}
			// Each filter link counts what following it shows.
			doc.Find(`nav.filters a[rel=nofollow]`).Each(func(_ int, a *goquery.Selection) {
				u, err := url.Parse(a.AttrOr("href", ""))
				if err != nil {
					t.Fatal(err)
				}
				lf, err := parseClauseFilter(u.Query())
				if err != nil {
					t.Fatalf("link %s: %v", u, err)
				}
				n, _ := count(lf.keeps)
				if !strings.HasSuffix(a.Text(), fmt.Sprintf("(%d)", n)) {
					t.Errorf("link %q to %s: shows %d", a.Text(), u, n)
				}
			})
			shown := doc.Find("section.clauses article.change").Length()
			status := doc.Find("nav.filters .filtered")
			if tt.keep == nil {
				_, total := count(func(diff.Change) bool { return true })
				if shown != total || status.Length() != 0 {
					t.Errorf("%d shown of %d, filter status %q", shown, total, status.Text())
				}
				link := doc.Find(`nav.filters a[href*="topic=legal-basis"]`)
				if link.Length() != 1 || !strings.HasSuffix(link.AttrOr("href", ""), "#clauses") {
					t.Errorf("no link that filters by legal basis: %v", link.AttrOr("href", ""))
				}
				return
			}
			want, total := count(tt.keep)
			if want == 0 || want == total {
				t.Fatalf("the filter keeps %d of %d: pick one that narrows", want, total)
			}
			if shown != want {
				t.Errorf("%d clause changes shown, want %d", shown, want)
			}
			if txt := status.Text(); !strings.Contains(txt, fmt.Sprintf("Showing %d of %d", want, total)) || !strings.Contains(txt, fmt.Sprintf("%d hidden", total-want)) {
				t.Errorf("filter status %q, want %d of %d and %d hidden", txt, want, total, total-want)
			}
			if d := doc.Find("section.clauses details.group"); d.Length() != d.Filter("[open]").Length() {
				t.Errorf("filtered sections are folded")
			}
			clear := status.Find("a.clear").AttrOr("href", "")
			u, err := url.Parse(clear)
			if err != nil || u.Path != base || u.Query().Has("topic") || u.Query().Has("severity") || u.Query().Get("view") != mustQuery(t, tt.query).Get("view") {
				t.Errorf("clear link %q", clear)
			}
		})
	}
}

func mustQuery(t *testing.T, q string) url.Values {
	t.Helper()
	v, err := url.ParseQuery(strings.TrimPrefix(q, "?"))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestTimelineHeadlines checks that each timeline entry says what matters
// in a headline that links to its change, and carries a severity badge and
// at most maxTopicBadges topic badges, the others counted.
func TestTimelineHeadlines(t *testing.T) {
	f := corpusSiteDB(t)
	srv := newPageServer(t, f)
	db := openFixtureDB(t, f)
	doc0, err := db.Document(context.Background(), docPolicy)
	if err != nil {
		t.Fatal(err)
	}
	versions, err := db.Versions(context.Background(), docPolicy)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "es"} {
		t.Run(lang, func(t *testing.T) {
			doc, _ := pageDoc(t, srv, "/documents/"+docPolicy+"?lang="+lang, http.StatusOK)
			checked := 0
			for _, e := range versions {
				if e.Change == nil {
					continue
				}
				art := doc.Find(fmt.Sprintf("article#v%d", e.Version.ID))
				link := art.Find("p.headline a")
				if want := changeHeadline(doc0, e.Change, lang); link.Text() != want || link.AttrOr("href", "") != changePath(e.Change.ID) {
					t.Errorf("version %d: headline %q -> %s, want %q -> %s", e.Version.ID, link.Text(), link.AttrOr("href", ""), want, changePath(e.Change.ID))
				}
				if !e.Change.Material {
					continue
				}
				topicBadges, more := art.Find(".badge.topic"), art.Find(".badge.more")
				shown := badgeTopics(art)
				if art.Find(".badge.severity").Length() != 1 || topicBadges.Length() > maxTopicBadges || !slices.Equal(shown, e.Change.Topics) {
					t.Errorf("version %d: %d severity and %d topic badges naming %v; want 1, at most %d, naming %v",
						e.Version.ID, art.Find(".badge.severity").Length(), topicBadges.Length(), shown, maxTopicBadges, e.Change.Topics)
				}
				if n := len(e.Change.Topics) - maxTopicBadges; n > 0 && !strings.HasPrefix(more.Text(), fmt.Sprintf("+%d", n)) {
					t.Errorf("version %d: %d topics counted as %q", e.Version.ID, n, more.Text())
				}
				checked++
			}
			if checked == 0 {
				t.Fatal("no material change in the timeline")
			}
			if got := doc.Find(fmt.Sprintf(`p.headline a[href="%s"]`, changePath(f.january.change))).Text(); got != map[string]string{"en": f.january.headlineEN, "es": f.january.headlineES}[lang] {
				t.Errorf("January 2021 entry: headline %q", got)
			}
		})
	}
}

// TestComparePageLeadsWithWhatMatters checks that the compare page shows
// the headline and what matters of the comparison, classified as a stored
// change is, before the other clause changes.
func TestComparePageLeadsWithWhatMatters(t *testing.T) {
	f := corpusSiteDB(t)
	srv := newPageServer(t, f)
	db := openFixtureDB(t, f)
	ctx := context.Background()
	c, err := db.Change(ctx, f.january.change)
	if err != nil {
		t.Fatal(err)
	}
	from, err := db.Version(ctx, c.FromVersion)
	if err != nil {
		t.Fatal(err)
	}
	to, err := db.Version(ctx, c.ToVersion)
	if err != nil {
		t.Fatal(err)
	}
	cs := topics.Compare(policy.Document{Blocks: from.Blocks}, policy.Document{Blocks: to.Blocks}, "en")
	matters := mattersOf(&cs)
	if len(matters) == 0 {
		t.Fatal("the comparison has nothing to lead with")
	}
	for _, lang := range []string{"en", "es"} {
		t.Run(lang, func(t *testing.T) {
			doc, _ := pageDoc(t, srv, fmt.Sprintf("/documents/%s/compare?from=%d&to=%d&lang=%s", docPolicy, from.ID, to.ID, lang), http.StatusOK)
			if got, want := doc.Find("main p.headline").Text(), labels.Headline("WhatsApp", cs, lang); got != want {
				t.Errorf("headline %q, want %q", got, want)
			}
			var got []string
			doc.Find("section.matters li.matter > article.change").Each(func(_ int, s *goquery.Selection) { got = append(got, s.AttrOr("id", "")) })
			var want []string
			for _, m := range matters {
				want = append(want, clauseAnchor(cs.Changes[m.Changes[0]]))
			}
			if !slices.Equal(got, want) {
				t.Errorf("what matters %v, want %v", got, want)
			}
			if doc.Find("section.matters ~ section.clauses").Length() != 1 {
				t.Errorf("the other clause changes do not follow what matters")
			}
		})
	}
}

// TestMattersOf checks which clause edits lead a change set: the
// classifier's list, cleaned of indices that point nowhere; without one, the
// tagged edits most severe first, or every material edit of a small change.
func TestMattersOf(t *testing.T) {
	ch := func(material bool, sev diff.Severity, ts ...string) diff.Change {
		return diff.Change{Kind: diff.Modified, Material: material, Severity: sev, Topics: ts}
	}
	many := []diff.Change{ch(true, "low"), ch(true, "medium", "retention"), ch(false, "none"), ch(true, "critical", "data-sharing"), ch(true, "low"), ch(true, "high", "data-sharing")}
	var seven []diff.Change
	for range 7 {
		seven = append(seven, ch(true, "medium", "security"))
	}
	tests := []struct {
		name string
		cs   diff.ChangeSet
		want []diff.Matter
	}{
		{"the classifier's, cleaned", diff.ChangeSet{Changes: many, Matters: []diff.Matter{
			{Changes: []int{3, 9, 3, 5}, Severity: "critical", Topics: []string{"data-sharing"}},
			{Changes: []int{-1, 40}},
			{Changes: []int{3}, Severity: "high"},
			{Changes: []int{1}, Severity: "medium", Topics: []string{"retention"}},
		}}, []diff.Matter{
			{Changes: []int{3, 5}, Severity: "critical", Topics: []string{"data-sharing"}},
			{Changes: []int{1}, Severity: "medium", Topics: []string{"retention"}},
		}},
		{"unclassified: tagged edits, most severe first", diff.ChangeSet{Changes: many}, []diff.Matter{
			{Changes: []int{3}, Severity: "critical", Topics: []string{"data-sharing"}},
			{Changes: []int{5}, Severity: "high", Topics: []string{"data-sharing"}},
			{Changes: []int{1}, Severity: "medium", Topics: []string{"retention"}},
		}},
		{"unclassified and small: every material edit", diff.ChangeSet{Changes: []diff.Change{ch(true, "low"), ch(false, "none"), ch(true, "medium", "ai")}}, []diff.Matter{
			{Changes: []int{2}, Severity: "medium", Topics: []string{"ai"}},
			{Changes: []int{0}, Severity: "low"},
		}},
		{"unclassified: at most a few", diff.ChangeSet{Changes: seven}, []diff.Matter{
			{Changes: []int{0}, Severity: "medium", Topics: []string{"security"}}, {Changes: []int{1}, Severity: "medium", Topics: []string{"security"}},
			{Changes: []int{2}, Severity: "medium", Topics: []string{"security"}}, {Changes: []int{3}, Severity: "medium", Topics: []string{"security"}},
			{Changes: []int{4}, Severity: "medium", Topics: []string{"security"}},
		}},
		{"cosmetic", diff.ChangeSet{Changes: []diff.Change{ch(false, "none")}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mattersOf(&tt.cs); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("mattersOf =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

// TestTagsView checks the cap on topic badges.
func TestTagsView(t *testing.T) {
	v := &view{Lang: "en", i18n: newI18n()}
	tests := []struct {
		name        string
		topics      []string
		shown       int
		more, names string
	}{
		{"none", nil, 0, "", ""},
		{"up to the cap", []string{"data-sharing", "ai", "retention"}, 3, "", ""},
		{"over the cap", []string{"data-sharing", "ai", "retention", "children", "security"}, 3, "children security", "children, security"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tv := newTagsView(v, diff.SeverityHigh, tt.topics)
			if len(tv.Topics) != tt.shown || tv.MoreKeys() != tt.more || tv.MoreNames() != tt.names {
				t.Errorf("shown %v, more %q (%q)", tv.Topics, tv.MoreKeys(), tv.MoreNames())
			}
		})
	}
}

// TestFeedLeadsWithWhatMatters reads the feeds of the corpus site in each
// format: an entry's title is the change's English headline, escaped so
// that a service named with markup reads as written; its summary and
// content lead with what matters, then link to the change page, and stay
// small even for the January 2021 rewrite of the whole policy.
func TestFeedLeadsWithWhatMatters(t *testing.T) {
	f := corpusSiteDB(t)
	srv := newPageServer(t, f)
	db := openFixtureDB(t, f)
	markupDoc, err := db.Document(context.Background(), docMarkup)
	if err != nil {
		t.Fatal(err)
	}
	markup, err := db.Change(context.Background(), f.markupChange)
	if err != nil {
		t.Fatal(err)
	}
	markupTitle := changeHeadline(markupDoc, markup, "en")
	if !strings.Contains(markupTitle, "Demo <b>Service</b>") {
		t.Fatalf("markup headline %q does not name the service as written", markupTitle)
	}
	for _, ext := range []string{"atom", "rss", "json"} {
		t.Run(ext, func(t *testing.T) {
			items := map[string]*gofeed.Item{}
			for _, doc := range []string{docPolicy, docMarkup} {
				resp, body := pageGet(t, srv, "/documents/"+doc+"/feed."+ext)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("feed of %s: %d", doc, resp.StatusCode)
				}
				feed, err := gofeed.NewParser().ParseString(body)
				if err != nil {
					t.Fatal(err)
				}
				for _, it := range feed.Items {
					items[strings.TrimPrefix(it.Link, "https://cw.example.org")] = it
				}
			}
			jan := items[changePath(f.january.change)]
			if jan == nil {
				t.Fatalf("no entry for change %d", f.january.change)
			}
			if jan.Title != f.january.headlineEN {
				t.Errorf("title %q, want the headline %q", jan.Title, f.january.headlineEN)
			}
			if want := "WhatsApp Privacy Policy (European Region). What matters: removed, critical, data sharing, advertising: “Today, Facebook does not use your WhatsApp account information"; !strings.HasPrefix(jan.Description, want) {
				t.Errorf("summary %.300q, want it to start %q", jan.Description, want)
			}
			content, err := goquery.NewDocumentFromReader(strings.NewReader(jan.Content))
			if err != nil {
				t.Fatal(err)
			}
			lis := content.Find("ol.cw-feed-matters > li")
			if lis.Length() != 3 || !strings.Contains(lis.First().Text(), "Facebook does not use your WhatsApp account information") ||
				!strings.Contains(lis.Eq(2).Text(), "the same edit in 3 clauses") {
				t.Errorf("what matters in the content: %d entries, first %.200q", lis.Length(), lis.First().Text())
			}
			if content.Find(`a[href="https://cw.example.org`+changePath(f.january.change)+`"]`).Length() != 1 || len(jan.Content) > maxEntryBytes {
				t.Errorf("content of %d bytes without a link to the change page", len(jan.Content))
			}
			// An RSS title is HTML (see writeRSS): the text shows once decoded.
			wantTitle := markupTitle
			if ext == "rss" {
				wantTitle = html.EscapeString(markupTitle)
			}
			if m := items[changePath(f.markupChange)]; m == nil || m.Title != wantTitle {
				t.Errorf("markup entry title %q, want %q", m.Title, wantTitle)
			}
		})
	}
}
