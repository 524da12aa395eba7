package scraper

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/corpustest"
	"github.com/clausewatch/clausewatch/policy"
)

func TestFurnitureLexicon(t *testing.T) {
	tests := []struct {
		name string
		text string
		want bool
	}{
		{"english media control", "Play Video", true},
		{"english back to top", "Return to top", true},
		{"english back to top with arrow", "Back to top ↑", true},
		{"english toggle", "Learn more", true},
		{"english toggle with note marker", "Learn more[24]", true},
		{"english toggle with punctuation", "Read more…", true},
		{"english skip link", "Skip to main content", true},
		{"spanish media control", "Reproducir vídeo", true},
		{"spanish back to top", "Volver arriba", true},
		{"spanish toggle", "Más información", true},
		{"spanish toggle upper case", "LEER MÁS", true},
		{"spanish skip link", "Saltar al contenido", true},
		{"sentence containing learn more", "Learn more about how we use information to personalise ads.", false},
		{"item ending in learn more", "Social good. Learn more.", false},
		{"spanish sentence containing más información", "Para obtener más información, consulta nuestra Política de cookies.", false},
		{"sentence containing back to top", "Scroll back to top to see the summary of changes.", false},
		{"policy words", "Information we collect", false},
		{"note marker alone", "[24]", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := isFurniture(tt.text); got != tt.want {
				t.Errorf("isFurniture(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

// TestFurnitureOut checks that controls leave the text whatever the source:
// markup in HTML, the lexicon in HTML, Markdown and plain text. A heading is
// never furniture, and a sentence keeps its words.
func TestFurnitureOut(t *testing.T) {
	tests := []struct {
		name string
		file string // the name ExtractFile sees, for its extension
		body string
		want []string // the canonical lines, in order
	}{
		{
			name: "buttons, role=button, hidden and aria-hidden",
			file: "p.html",
			body: `<main><p>We keep logs.</p><button>Play Video</button><div role="button">Expand the note</div>` +
				`<p hidden>Old text</p><span aria-hidden="true">↑</span><p>We delete them.</p></main>`,
			want: []string{"We keep logs.", "We delete them."},
		},
		{
			name: "role=button holding a heading is a section title",
			file: "p.html",
			body: `<main><div role="button"><h2>Sharing</h2></div><p>We share with vendors.</p></main>`,
			want: []string{"Sharing", "We share with vendors."},
		},
		{
			name: "skip link, back to top and toggle links",
			file: "p.html",
			body: `<body><a href="#main">Skip to content</a><main id="main"><p>We collect data.</p>` +
				`<a href="#">Return to top</a><div><a href="#note-1">Learn more</a></div>` +
				`<p>Learn more about how ads work.</p><h3>Learn more</h3></main></body>`,
			want: []string{"We collect data.", "Learn more about how ads work.", "Learn more"},
		},
		{
			name: "a sentence ending in a learn more link keeps it",
			file: "p.html",
			body: `<main><ul><li>Social good. <a href="/x">Learn more</a>.</li></ul></main>`,
			want: []string{"Social good. Learn more."},
		},
		{
			name: "touching links in html",
			file: "p.html",
			body: `<main><div><a href="/a">Off-Facebook activity</a><a href="/b">Cookie settings</a></div>` +
				`<ul><li><a href="/c">Facebook Help Center</a><a href="/d">How to manage apps</a></li></ul>` +
				`<p>See <a href="/e">our</a> <a href="/f">settings</a> and <a href="/g">Meta</a>'s <a href="/h">terms</a>.</p></main>`,
			want: []string{
				"Off-Facebook activity • Cookie settings",
				"Facebook Help Center • How to manage apps",
				"See our settings and Meta's terms.",
			},
		},
		{
			name: "touching inline blocks in html",
			file: "p.html",
			body: `<main><p><span style="display: inline-block">Help Center</span><span style="display:inline-block">How to</span>` +
				`<span role="tab">Facebook</span><span role="tab">Instagram</span></p>` +
				`<p><span>Pri</span><span>vacy</span> and <b>data</b><i>sets</i> stay words.</p></main>`,
			want: []string{"Help Center • How to • Facebook • Instagram", "Privacy and datasets stay words."},
		},
		{
			name: "markdown furniture and touching links",
			file: "p.md",
			body: "We collect data.\n\n[Play Video](https://example.com/v.mp4)\n\n[Return to top](#)\n\n" +
				"[Off-Facebook activity](https://a)[Cookie settings](https://b)\n\n" +
				"* [Access your information](https://c)[Ad preferences](https://d)\n\n" +
				"Visit [Facebook](https://e) and [Instagram](https://f).\n\n## Volver arriba\n\n[Volver arriba](#top)\n",
			want: []string{
				"We collect data.",
				"Off-Facebook activity • Cookie settings",
				"Access your information • Ad preferences",
				"Visit Facebook and Instagram.",
				"Volver arriba",
			},
		},
		{
			name: "plain text furniture",
			file: "p.txt",
			body: "Recopilamos datos.\n\nReproducir vídeo\n\nLeer más\n\nPara obtener más información, escríbenos.\n",
			want: []string{"Recopilamos datos.", "Para obtener más información, escríbenos."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := ExtractFile(tt.file, []byte(tt.body), Rules{})
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Split(strings.TrimSuffix(doc.Canonical(), "\n"), "\n")
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("canonical lines:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestFurnitureRealPages extracts real pages and archived Markdown of the
// corpus that hold media controls, back-to-top links and rows of touching
// links, and checks that none of them is in the text.
func TestFurnitureRealPages(t *testing.T) {
	corpus := corpustest.Dir(t)
	tests := []struct {
		name  string
		file  string
		rules Rules
		// present must still be there: the furniture filter kept the
		// sentences that mention it.
		present []string
	}{
		{
			name:    "meta printable policy 2022 snapshot",
			file:    filepath.Join("snapshots", "meta-privacy-policy-printable-2022.html"),
			rules:   Rules{Select: []string{"#root"}},
			present: []string{"Learn more about how ads work", "Off-Facebook activity"},
		},
		{
			name:  "whatsapp privacy policy eea 2025 snapshot",
			file:  filepath.Join("snapshots", "whatsapp-privacy-policy-eea-2025-03-15.html"),
			rules: Rules{Select: []string{"#content-wrapper"}},
		},
		{
			name:  "whatsapp terms eea 2022 snapshot",
			file:  filepath.Join("snapshots", "whatsapp-terms-of-service-eea-2022-09-18.html"),
			rules: Rules{Select: []string{"#content-wrapper"}},
		},
		{
			name:    "facebook policy 2023-04-04 markdown, rows of links",
			file:    filepath.Join("facebook-privacy-policy", "2023-04-04.md"),
			present: []string{"Off-Facebook activity • Cookie settings", "Facebook Help Center • How to turn Instagram location"},
		},
		{
			name: "facebook policy 2025-04-07 markdown, play video links",
			file: filepath.Join("facebook-privacy-policy", "2025-04-07.md"),
		},
		{
			name: "whatsapp legal page 2020-08-13 markdown, return to top",
			file: filepath.Join("whatsapp-legal-page-global-2013-2020", "2020-08-13.md"),
		},
	}
	// The link texts the corpus had glued together.
	gluedLinks := []string{
		"Off-Facebook activityCookie settings", "activityCookie", "Help CenterHow to", "Help CenterRemove",
		"Ad preferencesCookie settings", "Cookie settingsManage", "informationErase", "ObjectMake",
	}
	furniture := regexp.MustCompile(`(?im)^(play video|return to top|back to top|learn more)$`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := ExtractFile(tt.file, readFile(t, filepath.Join(corpus, tt.file)), tt.rules)
			if err != nil {
				t.Fatal(err)
			}
			canon := doc.Canonical()
			if len(doc.Blocks) < 50 {
				t.Fatalf("only %d blocks", len(doc.Blocks))
			}
			if m := furniture.FindString(canon); m != "" {
				t.Errorf("furniture block %q is in the text", m)
			}
			for _, g := range gluedLinks {
				if strings.Contains(canon, g) {
					t.Errorf("glued link texts %q are in the text", g)
				}
			}
			for _, p := range tt.present {
				if !strings.Contains(canon, p) {
					t.Errorf("%q is missing", p)
				}
			}
			for _, b := range doc.Blocks {
				if b.Kind != policy.Heading && isFurniture(b.Text) {
					t.Errorf("furniture block %q", b.Text)
				}
			}
		})
	}
}

// TestTableCellsAreUnits checks that a table row stays one block while its
// cells, and the paragraphs and items inside a cell, are kept apart by
// separators the topics tokenizer ends sentences at: no phrase read across
// two cells is contiguous text.
func TestTableCellsAreUnits(t *testing.T) {
	tests := []struct {
		name string
		file string
		body string
		want []string
	}{
		{
			name: "html cells holding a lead-in and a list",
			file: "t.html",
			body: `<main><table><tr><td>Personalising: we use data to:<ul><li>Personalise ads</li><li>Suggest groups</li></ul></td>` +
				`<td><div><a href="#a">App, browser and device information</a>:</div><ul><li>Identifiers that tell your device apart from other users’</li>` +
				`<li>Device signals</li><li>Information you’ve shared</li></ul></td></tr></table></main>`,
			want: []string{"Personalising: we use data to: • Personalise ads • Suggest groups | App, browser and device information: • " +
				"Identifiers that tell your device apart from other users’ • Device signals • Information you’ve shared"},
		},
		{
			name: "markdown cells with line breaks and list markers",
			file: "t.md",
			body: "| Purpose | Data |\n|---|---|\n| Personalising: we use data to:<br><br>*   Personalise ads<br>*   Suggest groups | " +
				"[App, browser and device information](#a):<br><br>*   Identifiers that tell your device apart from other users’<br>*   Device signals<br>*   Information you’ve shared |\n",
			want: []string{
				"Purpose | Data",
				"Personalising: we use data to: • Personalise ads • Suggest groups | App, browser and device information: • " +
					"Identifiers that tell your device apart from other users’ • Device signals • Information you’ve shared",
			},
		},
		{
			name: "html line breaks in a cell",
			file: "t.html",
			body: `<main><table><tr><td>Logs</td><td>90 days<br>then deleted</td></tr></table></main>`,
			want: []string{"Logs | 90 days • then deleted"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := ExtractFile(tt.file, []byte(tt.body), Rules{})
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Split(strings.TrimSuffix(doc.Canonical(), "\n"), "\n")
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("canonical lines:\n got %q\nwant %q", got, tt.want)
			}
			for _, b := range doc.Blocks {
				if b.Kind != policy.TableRow {
					t.Errorf("%s block %q, want only rows", b.Kind, b.Text)
				}
			}
		})
	}
}

// TestLegalBasisTableKeepsCellsApart reads the legal-basis tables of Meta's
// 2022 policy, from the printable page and from its Markdown archive: the
// items of a cell used to run together into phrases no cell states.
func TestLegalBasisTableKeepsCellsApart(t *testing.T) {
	corpus := corpustest.Dir(t)
	tests := []struct {
		name  string
		file  string
		rules Rules
	}{
		{"printable page 2022", filepath.Join("snapshots", "meta-privacy-policy-printable-2022.html"), Rules{Select: []string{"#root"}}},
		{"markdown archive 2022-09-07", filepath.Join("facebook-privacy-policy", "2022-09-07.md"), Rules{}},
		{"markdown archive 2023-04-04", filepath.Join("facebook-privacy-policy", "2023-04-04.md"), Rules{}},
	}
	spanning := []string{
		"Device signals Information you",
		"other users’ Device signals",
		"other users' Device signals",
		"Hashtags you use The time",
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := ExtractFile(tt.file, readFile(t, filepath.Join(corpus, tt.file)), tt.rules)
			if err != nil {
				t.Fatal(err)
			}
			rows := 0
			for _, b := range doc.Blocks {
				if b.Kind != policy.TableRow {
					continue
				}
				rows++
				for _, s := range spanning {
					if strings.Contains(b.Text, s) {
						t.Errorf("row holds %q, a phrase across two items of a cell: %.120q", s, b.Text)
					}
				}
			}
			if rows < 20 {
				t.Fatalf("only %d table rows; the legal-basis tables are missing", rows)
			}
			if !strings.Contains(doc.Canonical(), "Device signals • Information you’ve shared") {
				t.Error("the items Device signals and Information you’ve shared are not found, kept apart, in a row")
			}
		})
	}
}
