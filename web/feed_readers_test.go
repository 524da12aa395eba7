package web

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/policy"
)

// plainText is what a reader that strips tags shows of an entry's HTML.
func plainText(t *testing.T, fragment string) string {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(fragment))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(doc.Text()), " ")
}

// TestFeedReadsAsPlainText checks, in every format, that an entry keeps
// one alternate link (the page) and that its deleted and inserted words
// stay apart once the tags are stripped, as in newsboat or a mail digest.
func TestFeedReadsAsPlainText(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, path string
	}{
		{"atom", "/feed.atom"},
		{"rss", "/feed.rss"},
		{"json", "/feed.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, body := f.get(t, "GET", tt.path)
			feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("gofeed: %v", err)
			}
			var sharing *gofeed.Item
			for _, it := range feed.Items {
				if it.Link == testBase+"/changes/1" {
					sharing = it
				}
			}
			if sharing == nil {
				t.Fatalf("no entry for change 1 among %d", len(feed.Items))
			}
			text := plainText(t, sharing.Content)
			for _, want := range []string{"[-Facebook-]", "{+Meta+}"} {
				if !strings.Contains(text, want) {
					t.Errorf("plain text lacks %q: %.600s", want, text)
				}
			}
			if strings.Contains(text, "FacebookMeta") || strings.Contains(text, "MetaFacebook") {
				t.Errorf("old and new words run together: %.600s", text)
			}
			if tt.name != "atom" {
				return
			}
			raw, err := (&atom.Parser{}).Parse(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range raw.Entries {
				var alternates []string
				for _, l := range e.Links {
					if l.Rel == "alternate" || l.Rel == "" {
						alternates = append(alternates, l.Type+" "+l.Href)
					}
				}
				if len(alternates) != 1 || !strings.HasPrefix(alternates[0], "text/html "+testBase+"/changes/") {
					t.Errorf("entry %s: alternate links %q, want the HTML page alone", e.ID, alternates)
				}
			}
		})
	}
}

// TestFeedSpanish checks that ?lang=es gives every feed format in Spanish:
// the language declared, Spanish titles and headlines, and links that keep
// the reader in Spanish; and that the English feed stays English.
func TestFeedSpanish(t *testing.T) {
	f := newFixture(t)
	c, err := f.db.Change(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := f.db.Document(context.Background(), waID)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, lang, title, headline, itemLink string
	}{
		{"atom es", "/feed.atom?lang=es", "es", "clausewatch: cambios en las políticas", changeHeadline(doc, c, "es"), testBase + "/changes/1?lang=es"},
		{"rss es", "/feed.rss?lang=es", "es", "clausewatch: cambios en las políticas", changeHeadline(doc, c, "es"), testBase + "/changes/1?lang=es"},
		{"json es", "/feed.json?lang=es", "es", "clausewatch: cambios en las políticas", changeHeadline(doc, c, "es"), testBase + "/changes/1?lang=es"},
		{"topic rss es", "/topics/data-sharing/feed.rss?lang=es", "es", "clausewatch: cambios sobre cesión de datos", changeHeadline(doc, c, "es"), testBase + "/changes/1?lang=es"},
		{"atom en", "/feed.atom", "en", "clausewatch: policy changes", changeHeadline(doc, c, "en"), testBase + "/changes/1"},
		{"json, another language reads English", "/feed.json?lang=fr", "en", "clausewatch: policy changes", changeHeadline(doc, c, "en"), testBase + "/changes/1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := f.get(t, "GET", tt.path)
			if resp.StatusCode != 200 {
				t.Fatalf("GET %s = %d", tt.path, resp.StatusCode)
			}
			feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("gofeed: %v", err)
			}
			lang := feed.Language
			if feed.FeedType == "atom" {
				// gofeed does not read xml:lang; the attribute is checked as written.
				if bytes.Contains(body, []byte(`xml:lang="`+tt.lang+`"`)) {
					lang = tt.lang
				}
			}
			if lang != tt.lang || feed.Title != tt.title {
				t.Errorf("language %q, title %q; want %q, %q", lang, feed.Title, tt.lang, tt.title)
			}
			if want := testBase + strings.TrimSuffix(strings.TrimSuffix(tt.path, "?lang=fr"), "?lang=en"); feed.FeedLink != want {
				t.Errorf("self link %q, want %q", feed.FeedLink, want)
			}
			var item *gofeed.Item
			for _, it := range feed.Items {
				if strings.HasPrefix(it.Link, testBase+"/changes/1") {
					item = it
				}
			}
			if item == nil {
				t.Fatal("no entry for change 1")
			}
			if item.Title != tt.headline || item.Link != tt.itemLink {
				t.Errorf("entry title %q link %q; want %q %q", item.Title, item.Link, tt.headline, tt.itemLink)
			}
			wantWords := map[string]string{"es": "Lo que importa", "en": "What matters"}[tt.lang]
			if !strings.Contains(item.Description, wantWords+": ") || !strings.Contains(item.Content, wantWords) {
				t.Errorf("summary %.200q or content lacks %q", item.Description, wantWords)
			}
			if tt.lang == "es" && (strings.Contains(item.Description, "Sections:") || strings.Contains(item.Content, "Read every clause change")) {
				t.Errorf("Spanish entry holds English words: %.300q", item.Description)
			}
		})
	}
}

// TestPagesLinkFeedsInTheirLanguage checks that a Spanish page links the
// Spanish feeds, in its head and its footer, and an English page the
// English ones.
func TestPagesLinkFeedsInTheirLanguage(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, path string
		want, not  []string
	}{
		{"Spanish home", "/?lang=es",
			[]string{`<link rel="alternate" type="application/atom+xml" title="Canal Atom de cambios" href="` + testBase + `/feed.atom?lang=es">`, `<a href="/feed.rss?lang=es">RSS</a>`},
			[]string{`/feed.atom"`}},
		{"Spanish timeline", "/documents/" + waID + "?lang=es",
			[]string{`href="` + testBase + `/documents/` + waID + `/feed.atom?lang=es"`}, nil},
		{"English home", "/",
			[]string{`href="` + testBase + `/feed.atom"`}, []string{"feed.atom?lang=es", "feed.rss?lang=es"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := f.get(t, "GET", tt.path)
			if resp.StatusCode != 200 {
				t.Fatalf("GET %s = %d", tt.path, resp.StatusCode)
			}
			for _, w := range tt.want {
				if !bytes.Contains(body, []byte(w)) {
					t.Errorf("page lacks %s", w)
				}
			}
			for _, n := range tt.not {
				if bytes.Contains(body, []byte(n)) {
					t.Errorf("page holds %s", n)
				}
			}
		})
	}
}

// TestEmptyFeedUpdated checks that a feed without entries is dated when
// the server started (the fixture's clock), never at the epoch.
func TestEmptyFeedUpdated(t *testing.T) {
	f := newFixture(t)
	want := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	for _, p := range []string{"/topics/children/feed.atom", "/topics/children/feed.rss"} {
		_, body := f.get(t, "GET", p)
		feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		got := feed.UpdatedParsed
		if got == nil {
			got = feed.PublishedParsed
		}
		if got == nil || !got.Equal(want) || bytes.Contains(body, []byte("1970")) {
			t.Errorf("%s: updated %v (%q), want %v", p, got, feed.Updated, want)
		}
	}
}

// bigChangeSet is a rewrite of n clauses of about 400 bytes each.
func bigChangeSet(n int) diff.ChangeSet {
	mk := func(suffix string) policy.Document {
		d := policy.Document{}
		for i := range n {
			s := "Clause " + strconv.Itoa(i) + ": " + strings.Repeat("we process your information lawfully ", 10)
			d.Blocks = append(d.Blocks, policy.Block{Kind: policy.Paragraph, Text: s + suffix})
		}
		return d
	}
	return diff.Compare(mk("today."), mk("tomorrow."))
}

// denseChangeSet is three modified clauses of what matters, each with
// edits word edits close together, which compactSpans cannot shorten.
func denseChangeSet(edits int) diff.ChangeSet {
	cs := diff.ChangeSet{Material: true}
	for c := range 3 {
		ch := diff.Change{Kind: diff.Modified, Material: true, Severity: diff.SeverityHigh, Topics: []string{"data-sharing"},
			Old: &diff.Clause{Text: "old", Section: []string{"Sharing"}}, New: &diff.Clause{Text: "new", Section: []string{"Sharing"}}}
		for range edits {
			ch.Words = append(ch.Words, diff.Span{Op: diff.OpEqual, Text: "we keep the "}, diff.Span{Op: diff.OpDelete, Text: "old"},
				diff.Span{Op: diff.OpInsert, Text: "new"}, diff.Span{Op: diff.OpEqual, Text: " records and "})
		}
		cs.Changes = append(cs.Changes, ch)
		cs.Matters = append(cs.Matters, diff.Matter{Changes: []int{c}, Severity: diff.SeverityHigh, Topics: []string{"data-sharing"}})
	}
	cs.Summary.Modified = 3
	return cs
}

// bigChange stores cs as a material change with the given id.
func bigChange(t *testing.T, id int64, cs diff.ChangeSet) data.Change {
	t.Helper()
	raw, err := json.Marshal(cs)
	if err != nil {
		t.Fatal(err)
	}
	return data.Change{ID: id, DocumentID: "wa", DetectedAt: fixtureT0.Add(time.Duration(id) * time.Hour), Material: true,
		Severity: "high", Topics: []string{"data-sharing"}, Summary: cs.Summary, ChangeSet: raw}
}

// TestEntrySize checks that an entry stays under maxEntryBytes, encoded
// in every format, whatever the change, and links the page: a rewrite of
// every clause quotes what fits and counts the rest, and a clause too
// large for a feed is cut.
func TestEntrySize(t *testing.T) {
	huge := strings.Repeat("We share your phone number with advertisers. ", 8000)
	one := func(texts ...string) policy.Document {
		d := policy.Document{}
		for _, s := range texts {
			d.Blocks = append(d.Blocks, policy.Block{Kind: policy.Paragraph, Text: s})
		}
		return d
	}
	tests := []struct {
		name      string
		cs        diff.ChangeSet
		mentioned []string
	}{
		{"a rewrite of 600 clauses", bigChangeSet(600), []string{"600 modified", "not shown here", "[-today-]{+tomorrow+}"}},
		{"a clause too large for a feed", diff.Compare(one("We keep logs."), one("We keep logs.", huge)), []string{"1 added", "{+We share your phone number"}},
		{"what matters near the bound", denseChangeSet(50), []string{"3 modified", "[-old-]{+new+}"}},
		{"what matters past the bound", denseChangeSet(400), []string{"3 modified", "too large to show in a feed"}},
	}
	ft, err := parseFeedTemplates(templateFiles)
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]*data.Document{"wa": {ID: "wa", Title: "Policy"}}
	for _, tt := range tests {
		for _, format := range []feedFormat{formatAtom, formatRSS, formatJSONFeed} {
			t.Run(tt.name+"/"+format.ext(), func(t *testing.T) {
				c := bigChange(t, 7, tt.cs)
				e, err := ft.buildEntry(testBase, &c, docs["wa"], "en")
				if err != nil {
					t.Fatal(err)
				}
				// What the entry adds to a document: the feed with it less
				// the feed without it.
				empty, err := ft.renderFeed(&feed{Lang: "en", ID: "tag:x,2026:feed"}, format, testBase, "en", nil, docs)
				if err != nil {
					t.Fatal(err)
				}
				full, err := ft.renderFeed(&feed{Lang: "en", ID: "tag:x,2026:feed"}, format, testBase, "en", []data.Change{c}, docs)
				if err != nil {
					t.Fatal(err)
				}
				size := len(full) - len(empty)
				if size > maxEntryBytes {
					t.Errorf("entry of %d bytes encoded, over %d", size, maxEntryBytes)
				}
				text := plainText(t, e.HTML)
				if !strings.Contains(e.HTML, `href="`+testBase+`/changes/7"`) {
					t.Errorf("entry does not link the change page: %.300s", e.HTML)
				}
				for _, m := range tt.mentioned {
					if !strings.Contains(text, m) {
						t.Errorf("entry does not say %q: %.500s", m, text)
					}
				}
			})
		}
	}
}

// TestFeedTotalSize renders a feed of many large changes in every format
// and checks that it stays under maxFeedBytes by carrying fewer entries,
// newest first, and still parses.
func TestFeedTotalSize(t *testing.T) {
	ft, err := parseFeedTemplates(templateFiles)
	if err != nil {
		t.Fatal(err)
	}
	// Entries of 30 to 50 KB (TestEntrySize), 50 of them: twice the cap.
	cs := denseChangeSet(50)
	var changes []data.Change
	for i := feedEntries; i > 0; i-- {
		changes = append(changes, bigChange(t, int64(i), cs))
	}
	docs := map[string]*data.Document{"wa": {ID: "wa", Title: "Policy"}}
	for _, format := range []feedFormat{formatAtom, formatRSS, formatJSONFeed} {
		t.Run(format.ext(), func(t *testing.T) {
			f := &feed{Lang: "en", ID: "tag:x,2026:feed", Title: "t", SelfURL: testBase + "/feed." + format.ext(), HomeURL: testBase + "/", Updated: fixtureT0}
			body, err := ft.renderFeed(f, format, testBase, "en", changes, docs)
			if err != nil {
				t.Fatal(err)
			}
			if len(body) > maxFeedBytes {
				t.Errorf("feed of %d bytes, over %d", len(body), maxFeedBytes)
			}
			parsed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("gofeed: %v", err)
			}
			n := len(parsed.Items)
			if n == 0 || n >= feedEntries || parsed.Items[0].Link != testBase+"/changes/"+strconv.Itoa(feedEntries) {
				t.Errorf("%d of %d entries kept, first %q; want fewer, newest first", n, feedEntries, parsed.Items[0].Link)
			}
			if float64(len(body)) < 0.8*float64(maxFeedBytes) {
				t.Errorf("feed of %d bytes drops more entries than the cap asks", len(body))
			}
		})
	}
}
