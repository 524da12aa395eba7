package web

import (
	"context"
	"fmt"
	"html/template"
	"math"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// The accessibility checks (WCAG 2.2 AA, issue 15 item 4) run on the main
// pages in both interface languages. They check by selector what a screen
// reader depends on and a change to a template can break without anyone
// seeing it: the page's language and the policy text's, names of links and
// form controls, ids, the heading outline, and labels read once.

// a11yPage is one page the accessibility checks read.
type a11yPage struct {
	name string
	srv  *httptest.Server
	path string // without ?lang=
	// status is the answer expected (200 unless said).
	status int
	// policyText says the page shows policy text, so that the language
	// check must find some (and is not passed by finding none).
	policyText bool
}

// policyTextSelectors select the elements that show a policy's own words;
// each must carry the document's language where it is known.
var policyTextSelectors = []string{
	"article.change p.text",
	"article.change p.evidence q",
	"article.change p.context q",
	".policy-text .clause-text",
	".policy-text h2, .policy-text h3, .policy-text h4, .policy-text h5, .policy-text h6",
	"ul.matches q",
	"table.variants blockquote",
	// Section headings within our sentences ("In Sharing", "moved from …").
	"article.change .moved-from > span",
	"p.where > span",
}

func TestAccessibility(t *testing.T) {
	f := corpusSiteDB(t)
	srv := newPageServer(t, f)
	sub := newSubEnv(t, true)
	db := openFixtureDB(t, f)
	ctx := context.Background()
	c, err := db.Change(ctx, f.sharing)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := db.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	docLang := map[string]string{}
	for _, d := range docs {
		docLang[d.ID] = d.Language
	}
	if docLang[docPolicy] == "" {
		t.Fatalf("the fixture's %s has no language: the language checks would check nothing", docPolicy)
	}
	pages := []a11yPage{
		{name: "home", srv: srv, path: "/"},
		{name: "timeline", srv: srv, path: documentPath(docPolicy)},
		{name: "change", srv: srv, path: changePath(f.sharing), policyText: true},
		{name: "change side by side", srv: srv, path: changePath(f.sharing) + "?view=side", policyText: true},
		{name: "compare", srv: srv, path: fmt.Sprintf("%s/compare?from=%d&to=%d", documentPath(docPolicy), c.FromVersion, c.ToVersion), policyText: true},
		{name: "version", srv: srv, path: versionPath(c.ToVersion), policyText: true},
		{name: "search", srv: srv, path: "/search?q=share", policyText: true},
		{name: "subscribe", srv: sub.srv, path: "/subscribe"},
		{name: "subscribe off", srv: srv, path: "/subscribe", status: 503},
		{name: "changes", srv: srv, path: "/changes"},
		{name: "variants", srv: srv, path: fmt.Sprintf("/compare?from=%s&to=%s", docPolicy, docTerms)},
		{name: "markup change", srv: srv, path: changePath(f.markupChange), policyText: true},
	}
	for _, p := range pages {
		for _, lang := range []string{"en", "es"} {
			t.Run(p.name+"/"+lang, func(t *testing.T) {
				path := p.path + "?lang=" + lang
				if strings.Contains(p.path, "?") {
					path = p.path + "&lang=" + lang
				}
				status := p.status
				if status == 0 {
					status = 200
				}
				resp, body := pageGet(t, p.srv, path)
				if resp.StatusCode != status {
					t.Fatalf("GET %s = %d, want %d", path, resp.StatusCode, status)
				}
				doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				checkA11y(t, doc, lang, func(s *goquery.Selection) string {
					// A search result is the document of its section;
					// every other page here shows the policy's text.
					if id, ok := s.Closest("section.result").Attr("id"); ok {
						return docLang[strings.TrimPrefix(id, "r-")]
					}
					if s.Closest("table.variants").Length() > 0 {
						return docLang[docPolicy] // both sides are English
					}
					if strings.Contains(p.path, fmt.Sprint(f.markupChange)) {
						return docLang[docMarkup]
					}
					return docLang[docPolicy]
				}, p.policyText)
			})
		}
	}
}

// idLike matches link names that are an identifier rather than words: a
// fragment ("#clause-c2b43e00ba70d") or a bare generated id. A number
// ("#12", a snapshot beside its label) is not matched.
var idLike = regexp.MustCompile(`^#\S*[A-Za-z]\S*$|^[a-z]+-[0-9a-f]{8,}$`)

// onlySymbols matches names made of signs a screen reader reads as
// punctuation or not at all.
var onlySymbols = regexp.MustCompile(`^[\s#§¶→←›·+\-−~]*$`)

// reporter is the part of testing.T the checks report to, so that
// TestAccessibilityChecks can see whether they fail on a bad page.
type reporter interface {
	Helper()
	Errorf(format string, args ...any)
}

// failures records what the checks report instead of failing a test.
type failures []string

func (f *failures) Helper() {}

func (f *failures) Errorf(format string, args ...any) { *f = append(*f, fmt.Sprintf(format, args...)) }

// checkA11y runs the checks on a parsed page in the interface language
// lang. textLang says which language a policy text element should carry
// ("" for a document of unknown language); needText says the page must
// show some policy text.
func checkA11y(t reporter, doc *goquery.Document, lang string, textLang func(*goquery.Selection) string, needText bool) {
	t.Helper()
	if got, _ := doc.Find("html").Attr("lang"); got != lang {
		t.Errorf("html lang = %q, want %q", got, lang)
	}
	doc.Find("img").Each(func(_ int, s *goquery.Selection) {
		if _, ok := s.Attr("alt"); !ok {
			t.Errorf("img without alt: %s", outer(s))
		}
	})
	doc.Find("input, select, textarea").Each(func(_ int, s *goquery.Selection) {
		if typ, _ := s.Attr("type"); typ == "hidden" {
			return
		}
		if labelled(doc, s) == "" {
			t.Errorf("form control without a label: %s", outer(s))
		}
	})
	doc.Find("button").Each(func(_ int, s *goquery.Selection) {
		if accessibleName(s) == "" {
			t.Errorf("button without a name: %s", outer(s))
		}
	})
	doc.Find("a[href]").Each(func(_ int, s *goquery.Selection) {
		name := accessibleName(s)
		if onlySymbols.MatchString(name) || idLike.MatchString(name) {
			t.Errorf("link named %q: %s", name, outer(s))
		}
	})
	ids := map[string]int{}
	doc.Find("[id]").Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("id")
		if ids[id]++; ids[id] == 2 {
			t.Errorf("duplicate id %q", id)
		}
	})
	last := 0
	doc.Find("h1, h2, h3, h4, h5, h6").Each(func(i int, s *goquery.Selection) {
		level := int(goquery.NodeName(s)[1] - '0')
		if i == 0 && level != 1 {
			t.Errorf("the first heading %q is h%d, want h1", strings.TrimSpace(s.Text()), level)
		}
		if level > last+1 {
			t.Errorf("heading %q is h%d after h%d", strings.TrimSpace(s.Text()), level, last)
		}
		last = level
	})
	doc.Find("[tabindex]").Each(func(_ int, s *goquery.Selection) {
		if n, err := strconv.Atoi(s.AttrOr("tabindex", "")); err == nil && n > 0 {
			t.Errorf("positive tabindex: %s", outer(s))
		}
	})
	texts := 0
	for _, sel := range policyTextSelectors {
		doc.Find(sel).Each(func(_ int, s *goquery.Selection) {
			texts++
			want := textLang(s)
			if got := s.AttrOr("lang", ""); got != want {
				t.Errorf("policy text %s carries lang %q, want %q (the document's)", outer(s), got, want)
			}
		})
	}
	if needText && texts == 0 {
		t.Errorf("no policy text found by %q", policyTextSelectors)
	}
	topicsLabel := map[string]string{"en": "Topics:", "es": "Temas:"}[lang]
	doc.Find(".badge.topic").Parent().Each(func(_ int, group *goquery.Selection) {
		n := 0
		group.Find(".vh").Each(func(_ int, s *goquery.Selection) {
			if strings.HasPrefix(strings.TrimSpace(s.Text()), topicsLabel) {
				n++
			}
		})
		if n != 1 {
			t.Errorf("a group of topic badges says %q %d times to a screen reader, want once: %s", topicsLabel, n, outer(group))
		}
	})
}

// accessibleName approximates the accessible name of a link or button:
// aria-label, else its text with images' alt, else its title.
func accessibleName(s *goquery.Selection) string {
	if l, ok := s.Attr("aria-label"); ok {
		return strings.TrimSpace(l)
	}
	var b strings.Builder
	b.WriteString(s.Text())
	s.Find("img[alt]").Each(func(_ int, img *goquery.Selection) { b.WriteString(img.AttrOr("alt", "")) })
	if name := strings.Join(strings.Fields(b.String()), " "); name != "" {
		return name
	}
	return strings.TrimSpace(s.AttrOr("title", ""))
}

// labelled returns a form control's label: aria-label, a label[for] of
// its id, or a label around it.
func labelled(doc *goquery.Document, s *goquery.Selection) string {
	if l := strings.TrimSpace(s.AttrOr("aria-label", "")); l != "" {
		return l
	}
	if id, ok := s.Attr("id"); ok {
		if l := strings.TrimSpace(doc.Find(`label[for="` + id + `"]`).Text()); l != "" {
			return l
		}
	}
	return strings.TrimSpace(s.Closest("label").Text())
}

// outer writes an element's start for a message, cut short.
func outer(s *goquery.Selection) string {
	h, _ := goquery.OuterHtml(s)
	if len(h) > 200 {
		h = h[:200] + "…"
	}
	return h
}

// TestAccessibilityChecks shows that the checks catch what issue 15 item 4
// found, on small pages written for each.
func TestAccessibilityChecks(t *testing.T) {
	page := func(lang, main string) string {
		return `<!doctype html><html lang="` + lang + `"><body><main><h1>Page</h1>` + main + `</main></body></html>`
	}
	en := func(*goquery.Selection) string { return "en" }
	for _, tt := range []struct {
		name, lang, html string
		fails            bool
	}{
		{"a good page", "es", page("es", `<h2>a</h2><p><a href="/x">Cambios</a></p><article class="change"><p class="text" lang="en">We share.</p></article>`), false},
		{"html lang not the one asked", "es", page("en", ``), true},
		{"image without alt", "en", page("en", `<img src="/a.png">`), true},
		{"control without a label", "en", page("en", `<input name="q">`), true},
		{"control with a label", "en", page("en", `<label for="q">Search</label><input id="q" name="q">`), false},
		{"permalink named by its fragment", "en", page("en", `<a href="#clause-c2b43e00ba70d" aria-label="#clause-c2b43e00ba70d">#</a>`), true},
		{"permalink named by a sign", "en", page("en", `<a href="#c1">§</a>`), true},
		{"permalink named by words", "en", page("en", `<a href="#c1" aria-label="Link to this clause">#</a>`), false},
		{"duplicate ids", "en", page("en", `<p id="a"></p><p id="a"></p>`), true},
		{"heading skips a level", "en", page("en", `<h3>x</h3>`), true},
		{"policy text without lang", "es", page("es", `<article class="change"><p class="text">We share.</p></article>`), true},
		{"Topics said in each badge", "en", page("en", `<p class="tags"><span class="badge topic"><span class="vh">Topics: </span>#a</span> <span class="badge topic"><span class="vh">Topics: </span>#b</span></p>`), true},
		{"Topics said once", "en", page("en", `<p class="tags"><span class="vh">Topics:</span> <span class="badge topic">#a</span> <span class="badge topic">#b</span></p>`), false},
		{"positive tabindex", "en", page("en", `<p tabindex="2">x</p>`), true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := goquery.NewDocumentFromReader(strings.NewReader(tt.html))
			if err != nil {
				t.Fatal(err)
			}
			var got failures
			checkA11y(&got, doc, tt.lang, en, false)
			if failed := len(got) > 0; failed != tt.fails {
				t.Errorf("the checks failed = %v, want %v: %q", failed, tt.fails, got)
			}
		})
	}
}

// cssVars reads the custom properties (--name: #hex) of the light :root
// block of style.css and of the dark one inside prefers-color-scheme, the
// dark theme inheriting what it does not set.
func cssVars(t *testing.T, css string) (light, dark map[string]string) {
	t.Helper()
	decl := regexp.MustCompile(`--([a-z-]+):\s*(#[0-9a-fA-F]{3,6})\b`)
	read := func(block string) map[string]string {
		m := map[string]string{}
		for _, d := range decl.FindAllStringSubmatch(block, -1) {
			m[d[1]] = d[2]
		}
		return m
	}
	root := regexp.MustCompile(`(?s)^.*?:root\s*\{(.*?)\}`).FindStringSubmatch(css)
	darkBlock := regexp.MustCompile(`(?s)@media\s*\(prefers-color-scheme:\s*dark\)\s*\{\s*:root\s*\{(.*?)\}`).FindStringSubmatch(css)
	if root == nil || darkBlock == nil {
		t.Fatal("style.css: no :root block, or no dark :root block")
	}
	light = read(root[1])
	dark = read(root[1])
	for k, v := range read(darkBlock[1]) {
		dark[k] = v
	}
	return light, dark
}

// luminance is the relative luminance of an sRGB colour (#rgb or
// #rrggbb), as WCAG defines it.
func luminance(t *testing.T, hex string) float64 {
	t.Helper()
	h := strings.TrimPrefix(hex, "#")
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	n, err := strconv.ParseUint(h, 16, 32)
	if err != nil || len(h) != 6 {
		t.Fatalf("colour %q", hex)
	}
	lin := func(c uint64) float64 {
		v := float64(c) / 255
		if v <= 0.04045 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(n>>16&0xff) + 0.7152*lin(n>>8&0xff) + 0.0722*lin(n&0xff)
}

// contrast is the WCAG contrast ratio of two colours.
func contrast(t *testing.T, a, b string) float64 {
	la, lb := luminance(t, a), luminance(t, b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// TestContrast computes, from style.css's custom properties, the contrast
// of the colour pairs the stylesheet uses, in the light and the dark theme:
// text at least 4.5:1 (WCAG 1.4.3), buttons and the borders of form
// controls at least 3:1 against the page (1.4.11).
func TestContrast(t *testing.T) {
	css, err := staticFiles.ReadFile("static/style.css")
	if err != nil {
		t.Fatal(err)
	}
	light, dark := cssVars(t, string(css))
	pairs := []struct {
		name    string
		fg, bg  string // custom property names, without "--"
		minimum float64
	}{
		{"text", "fg", "bg", 4.5},
		{"secondary text", "muted", "bg", 4.5},
		{"links", "accent", "bg", 4.5},
		{"button text", "btn-fg", "btn-bg", 4.5},
		{"inserted words", "ins-fg", "ins-bg", 4.5},
		{"deleted words", "del-fg", "del-bg", 4.5},
		{"warnings and topic badges", "warn", "warn-bg", 4.5},
		{"failures and severe badges", "fail", "fail-bg", 4.5},
		{"text in a failing row", "fg", "fail-bg", 4.5},
		{"secondary text in a failing row", "muted", "fail-bg", 4.5},
		{"links in a failing row", "accent", "fail-bg", 4.5},
		{"secondary text in a targeted clause", "muted", "warn-bg", 4.5},
		{"links in a targeted clause", "accent", "warn-bg", 4.5},
		{"marked evidence", "fg", "mark", 4.5},
		{"button against the page", "btn-bg", "bg", 3},
		{"form control border against the page", "control", "bg", 3},
		{"focus outline against the page", "accent", "bg", 3},
	}
	for _, theme := range []struct {
		name string
		vars map[string]string
	}{{"light", light}, {"dark", dark}} {
		for _, p := range pairs {
			t.Run(theme.name+"/"+p.name, func(t *testing.T) {
				fg, bg := theme.vars[p.fg], theme.vars[p.bg]
				if fg == "" || bg == "" {
					t.Fatalf("style.css sets no --%s or --%s", p.fg, p.bg)
				}
				if r := contrast(t, fg, bg); r < p.minimum {
					t.Errorf("--%s %s on --%s %s: %.2f:1, want at least %.1f:1", p.fg, fg, p.bg, bg, r, p.minimum)
				} else {
					t.Logf("--%s %s on --%s %s: %.2f:1", p.fg, fg, p.bg, bg, r)
				}
			})
		}
	}
}

// TestContrastRules checks that the stylesheet's buttons and form controls
// take their colours from the properties TestContrast measures, so that
// the measured pairs are the ones shown.
func TestContrastRules(t *testing.T) {
	css, err := staticFiles.ReadFile("static/style.css")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, rule string }{
		{"buttons", `button { cursor: pointer; background: var(--btn-bg); color: var(--btn-fg); border-color: var(--btn-bg); }`},
		{"form controls", `border: 1px solid var(--control);`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(string(css), tt.rule) {
				t.Errorf("style.css has no %q", tt.rule)
			}
		})
	}
}

// TestTLang checks that a sentence with policy text in it marks the text
// with its language and escapes both.
func TestTLang(t *testing.T) {
	v := &view{Lang: "es", i18n: newI18n()}
	for _, tt := range []struct {
		name, lang, text string
		want             template.HTML
	}{
		{"marked", "en", "How We Share", `En <span lang="en">How We Share</span>`},
		{"unknown language", "", "How We Share", `En How We Share`},
		{"markup in the text", "en", `<b>Sharing</b>`, `En <span lang="en">&lt;b&gt;Sharing&lt;/b&gt;</span>`},
		{"markup in the language", `en"><x`, "a", `En <span lang="en&#34;&gt;&lt;x">a</span>`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := v.TLang("matters.where", tt.lang, tt.text); got != tt.want {
				t.Errorf("TLang = %s, want %s", got, tt.want)
			}
		})
	}
}
