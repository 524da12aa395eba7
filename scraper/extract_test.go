package scraper

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/clausewatch/clausewatch/internal/corpustest"
	"github.com/clausewatch/clausewatch/policy"
)

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// want describes a block that must be present: its kind, the start of its
// text and its exact Path.
type want struct {
	kind   policy.Kind
	level  int
	prefix string
	path   []string
}

func checkBlocks(t *testing.T, doc policy.Document, wants []want, absent []string) {
	t.Helper()
	for _, w := range wants {
		found := false
		for _, b := range doc.Blocks {
			if b.Kind == w.kind && strings.HasPrefix(b.Text, w.prefix) {
				found = true
				if !slices.Equal(b.Path, w.path) {
					t.Errorf("%s %q: Path = %q, want %q", w.kind, w.prefix, b.Path, w.path)
				}
				if w.level != 0 && b.Level != w.level {
					t.Errorf("%s %q: Level = %d, want %d", w.kind, w.prefix, b.Level, w.level)
				}
				break
			}
		}
		if !found {
			t.Errorf("no %s starting with %q", w.kind, w.prefix)
		}
	}
	canon := doc.Canonical()
	for _, a := range absent {
		if strings.Contains(canon, a) {
			t.Errorf("extracted text contains %q, which is not policy text", a)
		}
	}
}

// checkNoiseInPage makes sure the strings a test asserts absent are really
// on the page, so that their absence proves the selection works.
func checkNoiseInPage(t *testing.T, body []byte, noise []string) {
	t.Helper()
	whole, err := ExtractHTML(body, "text/html; charset=utf-8", Rules{})
	if err != nil {
		t.Fatal(err)
	}
	canon := whole.Canonical()
	for _, n := range noise {
		if !strings.Contains(canon, n) {
			t.Errorf("noise string %q is not in the whole page; the absence check proves nothing", n)
		}
	}
	for _, s := range []string{"requireLazy", "envFlush", "function("} {
		if strings.Contains(canon, s) {
			t.Errorf("script text %q leaked into the extraction of the whole page", s)
		}
	}
}

func TestExtractHTMLRealPages(t *testing.T) {
	corpus := corpustest.Dir(t)
	pp := "WhatsApp Privacy Policy"
	tests := []struct {
		name   string
		file   string
		rules  Rules
		wants  []want
		absent []string
	}{
		{
			name:  "privacy policy eea 2025-03-15 raw page",
			file:  filepath.Join(corpus, "snapshots", "whatsapp-privacy-policy-eea-2025-03-15.html"),
			rules: Rules{Select: []string{"#content-wrapper"}},
			wants: []want{
				{policy.Paragraph, 0, "Last modified: January 04, 2021 (archived versions)", nil},
				{policy.Heading, 1, pp, nil},
				{policy.Heading, 3, "Information We Collect", []string{pp}},
				{policy.Heading, 5, "Information You Provide", []string{pp, "Information We Collect"}},
				{policy.ListItem, 0, "Your Account Information. You must provide your mobile phone number", []string{pp, "Information We Collect", "Information You Provide"}},
				{policy.ListItem, 0, "Undelivered Messages. If a message cannot be delivered immediately", []string{pp, "Information We Collect", "Information You Provide"}},
				{policy.Heading, 3, "How We Work With Other Facebook Companies", []string{pp}},
				{policy.Paragraph, 0, "As part of the Facebook Companies, WhatsApp receives information from, and shares information with, the other Facebook Companies", []string{pp, "How We Work With Other Facebook Companies"}},
				{policy.Paragraph, 0, "WhatsApp Ireland Limited Attn: Privacy Policy 4 Grand Canal Square Grand Canal Harbour Dublin 2 Ireland", []string{pp, "Contact Us"}},
			},
			// "Skip to content" is furniture, dropped even from the whole
			// page (TestFurniture), so it cannot be checked here.
			absent: []string{"Log in", "2025 © WhatsApp LLC", "Security Advisories", "Brand Center", "Sitemap"},
		},
		{
			name:  "terms of service eea 2022-09-18 raw page",
			file:  filepath.Join(corpus, "snapshots", "whatsapp-terms-of-service-eea-2022-09-18.html"),
			rules: Rules{Select: []string{"#content-wrapper"}},
			wants: []want{
				{policy.Heading, 1, "WhatsApp Terms Of Service", nil},
				{policy.Heading, 3, "About Our Services", []string{"WhatsApp Terms Of Service"}},
				{policy.ListItem, 0, "Privacy And Security Principles. Since we started WhatsApp", []string{"WhatsApp Terms Of Service", "About Our Services"}},
				{policy.Paragraph, 0, "NO ACCESS TO EMERGENCY SERVICES:", []string{"WhatsApp Terms Of Service", "About Our Services"}},
				{policy.Heading, 3, "Dispute Resolution", []string{"WhatsApp Terms Of Service"}},
			},
			absent: []string{"Select your language", "azərbaycan", "WHATSAPP WEB", "2022 © WhatsApp LLC", "Brand Center", "Privacy & Terms"},
		},
		{
			// The 2020 page is whatsapp.com/legal with the terms, the
			// privacy policy, the cookie policy and more on one page; the
			// privacy policy is the block after its anchor a#privacy-policy.
			name:  "combined legal page 2020-08-12, privacy policy only",
			file:  filepath.Join(corpus, "whatsapp-privacy-policy-eea", "2020-08-12.html"),
			rules: Rules{Select: []string{"#privacy-policy ~ *"}},
			wants: []want{
				{policy.Heading, 2, pp, nil},
				{policy.Paragraph, 0, "Last modified: April 24, 2018 (archived versions)", []string{pp}},
				{policy.Heading, 3, "Information We Collect", []string{pp}},
				{policy.ListItem, 0, "Your Messages. We do not retain your messages", []string{pp, "Information We Collect"}},
				{policy.Heading, 3, "How We Work With Other Facebook Companies", []string{pp}},
				{policy.Heading, 3, "Contact Information", []string{pp}},
				{policy.Paragraph, 0, "WhatsApp Inc. Privacy Policy 1601 Willow Road Menlo Park, California 94025 United States of America", []string{pp, "Contact Information"}},
			},
			absent: []string{
				"Select your language", "Key Updates", "WhatsApp Terms Of Service",
				"A cookie is a small text file", "How to control cookies", "Intellectual Property Policy",
				"2020 © WhatsApp Inc.", "Brand Center", "Privacy & Terms",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := readFile(t, tt.file)
			doc, err := ExtractHTML(body, "text/html; charset=utf-8", tt.rules)
			if err != nil {
				t.Fatal(err)
			}
			checkBlocks(t, doc, tt.wants, tt.absent)
			checkNoiseInPage(t, body, tt.absent)
			for _, b := range doc.Blocks {
				if b.Text == "" || b.Text != policy.Normalize(b.Text) {
					t.Errorf("block text not normalized or empty: %q", b.Text)
				}
			}
		})
	}
}

// Open Terms Archive recorded Markdown versions of policies whose raw pages
// the corpus also holds. Once the parts that their filters drop (table of
// contents, "Back to top" links) are removed, our HTML and Markdown
// extractions must give the same document: same blocks, same Paths, same
// hash. This is what lets `import` seed a history from archived Markdown and
// continue with live HTML without a spurious change.
func TestHTMLAndMarkdownOfSamePolicyAgree(t *testing.T) {
	corpus := corpustest.Dir(t)
	tests := []struct {
		name, html, md string
		rules          Rules
	}{
		{
			// The page of 2025-03-15 still serves the policy of January 4,
			// 2021, recorded as Markdown on 2021-04-29.
			name:  "WhatsApp EEA privacy policy",
			html:  filepath.Join("snapshots", "whatsapp-privacy-policy-eea-2025-03-15.html"),
			md:    filepath.Join("whatsapp-privacy-policy-eea", "2021-04-29.md"),
			rules: Rules{Select: []string{"#content-wrapper"}, Remove: []string{"h1 + p + ul", `p:has(a[href="#top-of-page"])`}},
		},
		{
			// The printable Meta policy effective July 26, 2022, with its
			// layout table and legal-basis tables.
			name:  "Meta privacy policy 2022",
			html:  filepath.Join("snapshots", "meta-privacy-policy-printable-2022.html"),
			md:    filepath.Join("facebook-privacy-policy", "2022-09-07.md"),
			rules: Rules{Select: []string{"#root"}, Remove: []string{"#root td > div > div:first-child", `a[href="#"]`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fromHTML, err := ExtractHTML(readFile(t, filepath.Join(corpus, tt.html)), "text/html", tt.rules)
			if err != nil {
				t.Fatal(err)
			}
			fromMD := ExtractMarkdown(readFile(t, filepath.Join(corpus, tt.md)))
			if len(fromMD.Blocks) < 100 {
				t.Fatalf("Markdown gave only %d blocks", len(fromMD.Blocks))
			}
			if fromHTML.Hash() != fromMD.Hash() {
				a, b := strings.Split(fromHTML.Canonical(), "\n"), strings.Split(fromMD.Canonical(), "\n")
				for i := range min(len(a), len(b)) {
					if a[i] != b[i] {
						t.Fatalf("canonical texts differ at line %d:\nhtml: %q\nmd:   %q", i+1, a[i], b[i])
					}
				}
				t.Fatalf("canonical texts differ in length: %d vs %d lines", len(a), len(b))
			}
			if len(fromHTML.Blocks) != len(fromMD.Blocks) {
				t.Fatalf("%d HTML blocks, %d Markdown blocks", len(fromHTML.Blocks), len(fromMD.Blocks))
			}
			for i := range fromHTML.Blocks {
				if !reflect.DeepEqual(fromHTML.Blocks[i], fromMD.Blocks[i]) {
					t.Fatalf("block %d differs:\nhtml: %+v\nmd:   %+v", i, fromHTML.Blocks[i], fromMD.Blocks[i])
				}
			}
		})
	}
}

// testdata holds a trimmed copy of a real page so that this test runs
// without the corpus (see testdata/README.md).
func TestExtractTrimmedRealPage(t *testing.T) {
	body := readFile(t, filepath.Join("testdata", "whatsapp-terms-of-service-eea-2022-09-18.html"))
	tos := "WhatsApp Terms Of Service"
	doc, err := ExtractHTML(body, "text/html; charset=utf-8", Rules{Select: []string{"#content-wrapper"}})
	if err != nil {
		t.Fatal(err)
	}
	noise := []string{"Select your language", "azərbaycan", "WHATSAPP WEB", "HELP CENTER", "2022 © WhatsApp LLC", "Brand Center", "Privacy & Terms"}
	checkBlocks(t, doc, []want{
		{policy.Paragraph, 0, "Last modified: January 04, 2021 (archived versions)", nil},
		{policy.Heading, 1, tos, nil},
		{policy.Paragraph, 0, "If you don't live in the European Region, WhatsApp LLC provides WhatsApp to you under this Terms of Service and Privacy Policy.", []string{tos}},
		{policy.Heading, 3, "About Our Services", []string{tos}},
		{policy.ListItem, 0, "Connecting You With Other People.", []string{tos, "About Our Services"}},
		{policy.Heading, 3, "Privacy Policy And User Data", []string{tos}},
		{policy.Paragraph, 0, "WhatsApp cares about your privacy.", []string{tos, "Privacy Policy And User Data"}},
		{policy.Heading, 3, "Other", []string{tos}},
		{policy.ListItem, 0, "Nothing in our Terms will prevent us from complying with the law.", []string{tos, "Other"}},
	}, noise)
	checkNoiseInPage(t, body, noise)
	if n := len(doc.Blocks); n < 60 || n > 120 {
		t.Errorf("got %d blocks, want the 80 or so of the terms", n)
	}
	if got, want := Title(body, "text/html"), "Terms of Service - EEA - Revisions"; got != want {
		t.Errorf("Title = %q, want %q", got, want)
	}
}

func TestExtractHTMLStructure(t *testing.T) {
	tests := []struct {
		name  string
		html  string
		rules Rules
		want  []policy.Block
	}{
		{
			name: "headings nest by level and pop back",
			html: `<main><h1>Policy</h1><p>Intro.</p><h2>Sharing</h2><h3>Partners</h3><p>We share.</p><h2>Rights</h2><p>You may object.</p></main>`,
			want: []policy.Block{
				{Kind: policy.Heading, Level: 1, Text: "Policy"},
				{Kind: policy.Paragraph, Path: []string{"Policy"}, Text: "Intro."},
				{Kind: policy.Heading, Level: 2, Path: []string{"Policy"}, Text: "Sharing"},
				{Kind: policy.Heading, Level: 3, Path: []string{"Policy", "Sharing"}, Text: "Partners"},
				{Kind: policy.Paragraph, Path: []string{"Policy", "Sharing", "Partners"}, Text: "We share."},
				{Kind: policy.Heading, Level: 2, Path: []string{"Policy"}, Text: "Rights"},
				{Kind: policy.Paragraph, Path: []string{"Policy", "Rights"}, Text: "You may object."},
			},
		},
		{
			name: "aria headings",
			html: `<body><div role="heading" aria-level="2">Sharing</div><div>We share.</div><span role="heading">Default level</span></body>`,
			want: []policy.Block{
				{Kind: policy.Heading, Level: 2, Text: "Sharing"},
				{Kind: policy.Paragraph, Path: []string{"Sharing"}, Text: "We share."},
				{Kind: policy.Heading, Level: 2, Text: "Default level"},
			},
		},
		{
			name: "nested lists do not repeat their text in the parent item",
			html: `<body><ul><li>Messages. <b>We</b> keep: <ul><li>Undelivered</li><li>Forwarded <ol><li>media</li></ol></li></ul></li><li><p>Second</p><p>part</p></li></ul></body>`,
			want: []policy.Block{
				{Kind: policy.ListItem, Text: "Messages. We keep:"},
				{Kind: policy.ListItem, Text: "Undelivered"},
				{Kind: policy.ListItem, Text: "Forwarded"},
				{Kind: policy.ListItem, Text: "media"},
				{Kind: policy.ListItem, Text: "Second part"},
			},
		},
		{
			name: "table rows join cells",
			html: `<body><table><caption>Retention</caption><thead><tr><th>Data</th><th>Kept</th></tr></thead><tbody><tr><td>Logs</td><td>90 <i>days</i></td></tr><tr><td></td><td>none</td></tr></tbody></table></body>`,
			want: []policy.Block{
				{Kind: policy.Paragraph, Text: "Retention"},
				{Kind: policy.TableRow, Text: "Data | Kept"},
				{Kind: policy.TableRow, Text: "Logs | 90 days"},
				{Kind: policy.TableRow, Text: "none"},
			},
		},
		{
			name: "layout table is content; a lone heading cell stays a row",
			html: `<body><table><tr><td><h1>Policy</h1><div>Intro</div><table><tr><th colspan="2"><h3>For all people</h3></th></tr>` +
				`<tr><td>Purpose</td><td><div>Data:</div><ul><li>Contacts</li></ul></td></tr></table></td></tr></table></body>`,
			want: []policy.Block{
				{Kind: policy.Heading, Level: 1, Text: "Policy"},
				{Kind: policy.Paragraph, Path: []string{"Policy"}, Text: "Intro"},
				{Kind: policy.TableRow, Path: []string{"Policy"}, Text: "For all people"},
				// The paragraph and items of a cell are kept apart.
				{Kind: policy.TableRow, Path: []string{"Policy"}, Text: "Purpose | Data: • Contacts"},
			},
		},
		{
			name: "direct text in containers, br, blockquote, dl",
			html: `<body><div>Loose text<p>Para</p>tail<br>after break</div><section>Line one<br/>line two</section>` +
				`<blockquote>Quoted</blockquote><dl><dt>Term</dt><dd>Definition</dd></dl></body>`,
			want: []policy.Block{
				{Kind: policy.Paragraph, Text: "Loose text"},
				{Kind: policy.Paragraph, Text: "Para"},
				{Kind: policy.Paragraph, Text: "tail after break"},
				{Kind: policy.Paragraph, Text: "Line one line two"},
				{Kind: policy.Paragraph, Text: "Quoted"},
				{Kind: policy.Paragraph, Text: "Term"},
				{Kind: policy.Paragraph, Text: "Definition"},
			},
		},
		{
			name: "always dropped elements",
			html: `<body><nav>Menu</nav><script>var x = "code";</script><style>p{}</style><noscript>Enable JS</noscript>` +
				`<template><p>Tpl</p></template><p>Kept <button>Accept all</button><img alt="logo"><svg><text>Icon</text></svg></p>` +
				`<div hidden>Hidden</div><div aria-hidden="true">Aria hidden</div><form><label>Email</label><input value="x"><select><option>One</option></select><textarea>T</textarea></form>` +
				`<iframe>Frame</iframe><video>Video</video><audio>Audio</audio><canvas>Canvas</canvas><picture>Pic</picture></body>`,
			want: []policy.Block{
				{Kind: policy.Paragraph, Text: "Kept"},
				{Kind: policy.Paragraph, Text: "Email"},
			},
		},
		{
			name:  "select union in document order without nested duplicates, then remove",
			html:  `<body><div id="b">B <span class="x">noise</span></div><div id="a">A<div id="inner">I</div></div><footer>F</footer></body>`,
			rules: Rules{Select: []string{"#a", "#b", "#inner"}, Remove: []string{".x"}},
			want: []policy.Block{
				{Kind: policy.Paragraph, Text: "B"},
				{Kind: policy.Paragraph, Text: "A"},
				{Kind: policy.Paragraph, Text: "I"},
			},
		},
		{
			name: "default selection prefers main",
			html: `<body><header>Site</header><main><p>Policy</p></main><footer>Footer</footer></body>`,
			want: []policy.Block{{Kind: policy.Paragraph, Text: "Policy"}},
		},
		{
			name: "default selection falls back to article then role=main then body",
			html: `<body><header>Site</header><div role="main"><p>Main role</p></div><article><p>Article</p></article></body>`,
			want: []policy.Block{{Kind: policy.Paragraph, Text: "Article"}},
		},
		{
			name: "link text counts, targets do not",
			html: `<body><p>See <a href="https://example.com/x?utm_source=a">our partners</a>.</p><p><a href="#"></a></p></body>`,
			want: []policy.Block{{Kind: policy.Paragraph, Text: "See our partners."}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := ExtractHTML([]byte(tt.html), "text/html", tt.rules)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(doc.Blocks, tt.want) {
				t.Errorf("blocks:\n got %+v\nwant %+v", doc.Blocks, tt.want)
			}
		})
	}
}

func TestExtractHTMLErrors(t *testing.T) {
	page := []byte(`<html><body><main><p>Text</p></main></body></html>`)
	_, err := ExtractHTML(page, "text/html", Rules{Select: []string{"#gone", ".also-gone"}})
	if !errors.Is(err, ErrNoMatch) {
		t.Errorf("Select matching nothing: err = %v, want ErrNoMatch", err)
	}
	if err != nil && !strings.Contains(err.Error(), "#gone") {
		t.Errorf("error %q does not name the selector", err)
	}
	for _, r := range []Rules{{Select: []string{"div[["}}, {Remove: []string{"p:nope("}}} {
		_, err := ExtractHTML(page, "text/html", r)
		if err == nil || errors.Is(err, ErrNoMatch) || !strings.Contains(err.Error(), "invalid") {
			t.Errorf("rules %+v: err = %v, want an invalid selector error", r, err)
		}
	}
	_, err = ExtractFile("2021-01-04.html", page, Rules{Select: []string{"#gone"}})
	if !errors.Is(err, ErrNoMatch) || !strings.Contains(err.Error(), "2021-01-04.html") {
		t.Errorf("ExtractFile error %v should wrap ErrNoMatch and name the file", err)
	}
}

// Two renderings of the same policy that differ only in what is noise
// (invariant 3) must hash the same; a real edit must not.
func TestNoiseDoesNotChangeHash(t *testing.T) {
	a := `<!DOCTYPE html><html><head><title>Privacy</title><script nonce="abc">track("v1")</script></head><body>
<nav><a href="/">Home</a></nav>
<main class="policy" id="content">
  <h1>Privacy Policy</h1>
  <h2 class="h" id="sharing">How We Share Information</h2>
  <p>We share information with <a href="https://example.com/partners?utm_source=newsletter&amp;utm_medium=email">our partners</a> and the Meta&nbsp;Companies.</p>
  <ul>
    <li>Contact data <img src="/img/a.png" alt="contact icon"></li>
    <li>Usage data</li>
  </ul>
  <table><tr><td>Logs</td><td>90&nbsp;days</td></tr></table>
</main></body></html>`
	b := `<!doctype html>
<html>
<head>
<title>Privacy</title>
<script nonce="zzz">track("v2")</script>
</head>
<body>
<nav><a href="/?ref=x">Home</a></nav>
<main id="content" class="policy">
<h1>
    Privacy   Policy
</h1>
<h2 id="sharing" class="h">How We Share&#8203; Information</h2>
<p>We   share information
   with <a data-track="1" href="https://example.com/partners?utm_source=web&amp;utm_campaign=2025&amp;fbclid=XYZ">our&#xa0;partners</a>
   and the Meta Compa&#x200b;nies.</p>
<ul><li>Contact
 data <picture><source srcset="/img/b.webp"><img alt="another icon" src="/img/b.png"></picture></li><li>Usage&#xfeff; data</li></ul>
<table>
  <tbody>
    <tr>
      <td> Logs </td>
      <td>90 days</td>
    </tr>
  </tbody>
</table>
</main>
</body>
</html>`
	edited := strings.Replace(a, "We share information", "We sell information", 1)
	ea, err := ExtractHTML([]byte(a), "text/html", Rules{})
	if err != nil {
		t.Fatal(err)
	}
	eb, err := ExtractHTML([]byte(b), "text/html", Rules{})
	if err != nil {
		t.Fatal(err)
	}
	if ea.Hash() != eb.Hash() {
		t.Errorf("noise changed the hash:\n%q\n%q", ea.Canonical(), eb.Canonical())
	}
	if !reflect.DeepEqual(ea.Blocks, eb.Blocks) {
		t.Errorf("noise changed the blocks:\n%+v\n%+v", ea.Blocks, eb.Blocks)
	}
	want := "Privacy Policy\nHow We Share Information\nWe share information with our partners and the Meta Companies.\nContact data\nUsage data\nLogs | 90 days\n"
	if got := ea.Canonical(); got != want {
		t.Errorf("Canonical() = %q, want %q", got, want)
	}
	ee, err := ExtractHTML([]byte(edited), "text/html", Rules{})
	if err != nil {
		t.Fatal(err)
	}
	if ee.Hash() == ea.Hash() {
		t.Error("a real edit kept the same hash")
	}
}

func TestCharsets(t *testing.T) {
	const text = "Política de privacidad — cómo usamos tus datos, señor"
	latin, err := charmap.Windows1252.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	title, err := charmap.Windows1252.NewEncoder().String("Política")
	if err != nil {
		t.Fatal(err)
	}
	page := func(head string) []byte {
		return []byte("<html><head>" + head + "<title>" + title + "</title></head><body><p>" + latin + "</p></body></html>")
	}
	longScript := "<script>" + strings.Repeat("var a = 1;\n", 200) + "</script>"
	tests := []struct {
		name        string
		body        []byte
		contentType string
	}{
		{"windows-1252 in Content-Type", page(""), "text/html; charset=windows-1252"},
		{"ISO-8859-1 in Content-Type", page(""), "text/html; charset=ISO-8859-1"},
		{"meta charset only", page(`<meta charset="windows-1252">`), "text/html"},
		{"meta http-equiv only", page(`<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">`), ""},
		{"meta charset after 1 KB of script", page(longScript + `<meta charset="iso-8859-1">`), "text/html"},
		{"undeclared UTF-8", []byte("<html><head><title>Política</title></head><body><p>" + text + "</p></body></html>"), "text/html"},
		{"Content-Type wins over a wrong meta", page(`<meta charset="utf-8">`), "text/html; charset=windows-1252"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := ExtractHTML(tt.body, tt.contentType, Rules{})
			if err != nil {
				t.Fatal(err)
			}
			if got := doc.Canonical(); got != text+"\n" {
				t.Errorf("Canonical() = %q, want %q", got, text+"\n")
			}
			if got := Title(tt.body, tt.contentType); got != "Política" {
				t.Errorf("Title = %q, want %q", got, "Política")
			}
		})
	}
}

func TestExtractMarkdownCorpus(t *testing.T) {
	corpus := corpustest.Dir(t)
	pp := "WhatsApp Privacy Policy"
	doc := ExtractMarkdown(readFile(t, filepath.Join(corpus, "whatsapp-privacy-policy-eea", "2021-04-29.md")))
	checkBlocks(t, doc, []want{
		{policy.Paragraph, 0, "Last modified: January 04, 2021 (archived versions)", nil},
		{policy.Heading, 1, pp, nil},
		{policy.Heading, 3, "WhatsApp Legal Info", []string{pp}},
		{policy.Heading, 3, "Information We Collect", []string{pp}},
		{policy.Heading, 5, "Information You Provide", []string{pp, "Information We Collect"}},
		{policy.ListItem, 0, "Your Account Information. You must provide your mobile phone number", []string{pp, "Information We Collect", "Information You Provide"}},
		{policy.ListItem, 0, "Undelivered Messages. If a message cannot be delivered immediately", []string{pp, "Information We Collect", "Information You Provide"}},
		{policy.Heading, 5, "What Happens To Your Information When You Delete Your Account?", []string{pp, "Managing And Retaining Your Information"}},
		{policy.Heading, 3, "Contact Us", []string{pp}},
	}, []string{"](", "[](#)", "**", "https://"})

	fb := ExtractMarkdown(readFile(t, filepath.Join(corpus, "facebook-privacy-policy", "2022-09-07.md")))
	checkBlocks(t, fb, []want{
		{policy.Heading, 1, "What is the Privacy Policy and what does it cover?", nil},
		{policy.Paragraph, 0, "What Products does this policy cover?", []string{"What is the Privacy Policy and what does it cover?"}},
		{policy.Heading, 2, "Your activity and information you provide", []string{"What information do we collect?"}},
		{policy.TableRow, 0, "Why and how we process your information | Information categories we use", []string{"Legal basis information", "Consent"}},
	}, []string{"](", "<br>", "| * ", "###", "mbasic.facebook.com"})
}

func TestExtractMarkdownInline(t *testing.T) {
	tests := []struct{ name, md, want string }{
		{"link", "See [our partners](https://example.com/p?utm_source=x) now.", "See our partners now."},
		{"link with parens in target", "See [wiki](https://en.wikipedia.org/wiki/A_(b)) here.", "See wiki here."},
		{"image dropped", "Logo ![WhatsApp logo](logo.png) here.", "Logo here."},
		{"linked image dropped", "[![icon](i.png)](https://x) Text", "Text"},
		{"empty anchors", "### [](#)Information We Collect[](#)", "Information We Collect"},
		{"reference link", "Read [the terms][1].", "Read the terms."},
		{"brackets without link", "Section [1] applies.", "Section [1] applies."},
		{"emphasis", "**Bold**, *it*, __b__, _i_ and ~~gone~~", "Bold, it, b, i and gone"},
		{"underscore inside words stays", "the snake_case_name and 5 * 3", "the snake_case_name and 5 * 3"},
		{"code span", "Use `a*b_c` literally", "Use a*b_c literally"},
		{"escapes", `guarantee\[s\] and 1\. and \*not emphasis\* and a\_b`, "guarantee[s] and 1. and *not emphasis* and a_b"},
		{"autolinks", "Write to <mailto:dpo@example.com> or <https://example.com/a_b_>.", "Write to mailto:dpo@example.com or https://example.com/a_b_."},
		{"inline html", `We <span class="x">share</span><br>data<br/>now <!-- hidden -->.`, "We share data now ."},
		{"not html", "the license (<Your License to WhatsApp>) includes", "the license (<Your License to WhatsApp>) includes"},
		{"entities", "Settings &gt; Account &amp; more&nbsp;here &#8212; done", "Settings > Account & more here — done"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := ExtractMarkdown([]byte(tt.md))
			if len(doc.Blocks) != 1 {
				t.Fatalf("got %d blocks %+v, want 1", len(doc.Blocks), doc.Blocks)
			}
			if got := doc.Blocks[0].Text; got != tt.want {
				t.Errorf("text = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestExtractMarkdownBlocks(t *testing.T) {
	md := "Title\n=====\n\nIntro line one\nline two.\n\nSection\n-------\n\n" +
		"1. First item\n   continued here\n2. Second item\n\n    more of the second\n* Bullet\n    + Nested\n\n" +
		"> Quoted text\n> goes on\n\n---\n\n| Data | Kept |\n|:-----|-----:|\n| Logs | 90 days |\n\n" +
		"[\n\nBlock link text\n\n](https://example.com/x)[\n\nSecond block link\n\n](https://example.com/y)\n\n[Learn more\n\n](https://example.com/z)\n\n" +
		"[1]: https://example.com/ref\n\n#### Deep ####\nAfter deep.\n"
	want := []policy.Block{
		{Kind: policy.Heading, Level: 1, Text: "Title"},
		{Kind: policy.Paragraph, Path: []string{"Title"}, Text: "Intro line one line two."},
		{Kind: policy.Heading, Level: 2, Path: []string{"Title"}, Text: "Section"},
		{Kind: policy.ListItem, Path: []string{"Title", "Section"}, Text: "First item continued here"},
		{Kind: policy.ListItem, Path: []string{"Title", "Section"}, Text: "Second item more of the second"},
		{Kind: policy.ListItem, Path: []string{"Title", "Section"}, Text: "Bullet"},
		{Kind: policy.ListItem, Path: []string{"Title", "Section"}, Text: "Nested"},
		{Kind: policy.Paragraph, Path: []string{"Title", "Section"}, Text: "Quoted text goes on"},
		{Kind: policy.TableRow, Path: []string{"Title", "Section"}, Text: "Data | Kept"},
		{Kind: policy.TableRow, Path: []string{"Title", "Section"}, Text: "Logs | 90 days"},
		{Kind: policy.Paragraph, Path: []string{"Title", "Section"}, Text: "Block link text"},
		{Kind: policy.Paragraph, Path: []string{"Title", "Section"}, Text: "Second block link"},
		// "[Learn more](…)" alone is a toggle's label, page furniture.
		{Kind: policy.Heading, Level: 4, Path: []string{"Title", "Section"}, Text: "Deep"},
		{Kind: policy.Paragraph, Path: []string{"Title", "Section", "Deep"}, Text: "After deep."},
	}
	got := ExtractMarkdown([]byte(md)).Blocks
	if !reflect.DeepEqual(got, want) {
		t.Errorf("blocks:\n got %+v\nwant %+v", got, want)
	}
}

// The same content written as Markdown and as HTML must give the same
// canonical text, so a document can move between the two sources.
func TestMarkdownMatchesHTML(t *testing.T) {
	tests := []struct{ name, md, html string }{
		{
			name: "headings and paragraphs",
			md:   "# Privacy Policy\n\nWe **care** about\nyour data.\n\n## Sharing\n\nWe share with [partners](https://x.example/?utm_source=a).\n",
			html: `<h1>Privacy Policy</h1><p>We <strong>care</strong> about
your data.</p><h2>Sharing</h2><p>We share with <a href="https://x.example/">partners</a>.</p>`,
		},
		{
			name: "nested lists",
			md:   "* **Messages**. We keep:\n    * Undelivered\n    * Forwarded\n* Contacts\n",
			html: `<ul><li><b>Messages</b>. We keep:<ul><li>Undelivered</li><li>Forwarded</li></ul></li><li>Contacts</li></ul>`,
		},
		{
			name: "ordered list with continuation",
			md:   "1. First\n   still first\n2. Second\n",
			html: `<ol><li>First still first</li><li>Second</li></ol>`,
		},
		{
			name: "table",
			md:   "| Data | Kept |\n| --- | --- |\n| Logs | 90 days |\n",
			html: `<table><thead><tr><th>Data</th><th>Kept</th></tr></thead><tbody><tr><td>Logs</td><td>90 days</td></tr></tbody></table>`,
		},
		{
			name: "blockquote",
			md:   "> Notice: we changed\n> this policy.\n",
			html: `<blockquote><p>Notice: we changed this policy.</p></blockquote>`,
		},
		{
			name: "images, breaks and entities",
			md:   "Logo ![alt](a.png) text<br>next &amp; more\n",
			html: `<p>Logo <img src="a.png" alt="alt"> text<br>next &amp; more</p>`,
		},
		{
			name: "setext heading and path",
			md:   "Policy\n======\n\nBody\n",
			html: `<h1>Policy</h1><p>Body</p>`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fromMD := ExtractMarkdown([]byte(tt.md))
			fromHTML, err := ExtractHTML([]byte(tt.html), "text/html", Rules{})
			if err != nil {
				t.Fatal(err)
			}
			if fromMD.Canonical() == "" {
				t.Fatal("empty Markdown extraction")
			}
			if fromMD.Canonical() != fromHTML.Canonical() {
				t.Errorf("canonical texts differ:\n md: %q\nhtml: %q", fromMD.Canonical(), fromHTML.Canonical())
			}
			if !reflect.DeepEqual(fromMD.Blocks, fromHTML.Blocks) {
				t.Errorf("blocks differ:\n md: %+v\nhtml: %+v", fromMD.Blocks, fromHTML.Blocks)
			}
		})
	}
}

func TestExtractTextAndFile(t *testing.T) {
	text := "First paragraph\nwraps here.\r\n\r\n\nSecond\u00a0one.\n"
	doc := ExtractText([]byte(text))
	want := []policy.Block{
		{Kind: policy.Paragraph, Text: "First paragraph wraps here."},
		{Kind: policy.Paragraph, Text: "Second one."},
	}
	if !reflect.DeepEqual(doc.Blocks, want) {
		t.Errorf("ExtractText blocks = %+v, want %+v", doc.Blocks, want)
	}

	html := []byte("<!DOCTYPE html><html><body><main><h2>Sharing</h2><p>We share.</p></main></body></html>")
	md := []byte("## Sharing\n\nWe share.\n")
	tests := []struct {
		name string
		file string
		body []byte
		want string
	}{
		{"html extension", "2021-01-04.html", html, "Sharing\nWe share.\n"},
		{"htm extension", "page.HTM", html, "Sharing\nWe share.\n"},
		{"sniffed html", "2021-01-04T10-20-30Z", html, "Sharing\nWe share.\n"},
		{"markdown", "2021-01-04.md", md, "Sharing\nWe share.\n"},
		{"markdown long extension", "x.markdown", md, "Sharing\nWe share.\n"},
		{"text keeps markup literally", "2021-01-04.txt", md, "## Sharing\nWe share.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := ExtractFile(tt.file, tt.body, Rules{})
			if err != nil {
				t.Fatal(err)
			}
			if got := doc.Canonical(); got != tt.want {
				t.Errorf("Canonical() = %q, want %q", got, tt.want)
			}
		})
	}
}
