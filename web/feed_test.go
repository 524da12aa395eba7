package web

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"

	"github.com/clausewatch/clausewatch/labels"
)

// wantEntry is what a feed entry for a fixture change must carry.
type wantEntry struct {
	change     int64
	title      string
	categories []string
}

var (
	entrySharing = wantEntry{1, "WhatsApp changed what it says about data sharing", []string{"data-sharing", "severity:high"}}
	entryMeta    = wantEntry{2, "Meta changed what it says about data retention", []string{"retention", "severity:medium"}}
	entryHostile = wantEntry{4, "WhatsApp changed what it says about advertising", []string{"advertising", "severity:medium"}}
)

// TestFeeds parses every feed with gofeed and checks each required field
// explicitly, since the parser accepts feeds that lack them.
func TestFeeds(t *testing.T) {
	f := newFixture(t)
	scopes := []struct {
		name, prefix, title, home string
		entries                   []wantEntry
	}{
		{"all documents", "", "clausewatch: policy changes", testBase + "/", []wantEntry{entryHostile, entryMeta, entrySharing}},
		{"one document", "/documents/" + waID, "WhatsApp Privacy Policy (EEA): changes", testBase + "/documents/" + waID, []wantEntry{entryHostile, entrySharing}},
		{"one topic", "/topics/data-sharing", "clausewatch: data sharing changes", testBase + "/", []wantEntry{entrySharing}},
		{"a topic without changes", "/topics/children", "clausewatch: children changes", testBase + "/", nil},
	}
	formats := []struct {
		ext, contentType string
	}{
		{"atom", "application/atom+xml; charset=utf-8"},
		{"rss", "application/rss+xml; charset=utf-8"},
		{"json", "application/feed+json; charset=utf-8"},
	}
	for _, sc := range scopes {
		for _, ft := range formats {
			path := sc.prefix + "/feed." + ft.ext
			t.Run(sc.name+"/"+ft.ext, func(t *testing.T) {
				resp, body := f.get(t, "GET", path)
				if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != ft.contentType {
					t.Fatalf("GET %s = %d %q %.300s", path, resp.StatusCode, resp.Header.Get("Content-Type"), body)
				}
				if ft.ext != "json" {
					if err := wellFormed(body); err != nil {
						t.Fatalf("not well-formed XML: %v", err)
					}
				}
				feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
				if err != nil {
					t.Fatalf("gofeed: %v", err)
				}
				if want := map[string]string{"atom": "atom", "rss": "rss", "json": "json"}[ft.ext]; feed.FeedType != want {
					t.Errorf("feed type %q, want %q", feed.FeedType, want)
				}
				if feed.Title != sc.title || feed.Link != sc.home || feed.FeedLink != testBase+path {
					t.Errorf("feed title %q link %q self %q; want %q %q %q", feed.Title, feed.Link, feed.FeedLink, sc.title, sc.home, testBase+path)
				}
				if ft.ext != "json" && feed.UpdatedParsed == nil && feed.PublishedParsed == nil {
					t.Errorf("feed has no parsable updated date (%q)", feed.Updated)
				}
				if len(feed.Items) != len(sc.entries) {
					t.Fatalf("%d items, want %d", len(feed.Items), len(sc.entries))
				}
				for i, it := range feed.Items {
					checkItem(t, f, ft.ext, it, sc.entries[i])
				}
				if ft.ext == "atom" {
					checkAtom(t, body, sc.entries)
				}
			})
		}
	}
}

func checkItem(t *testing.T, f *fixture, format string, it *gofeed.Item, want wantEntry) {
	t.Helper()
	id := strconv.FormatInt(want.change, 10)
	at := f.detected[want.change]
	wantGUID := "tag:clausewatch.example.org," + at.Format(time.DateOnly) + ":change/" + id
	if it.GUID != wantGUID {
		t.Errorf("item %s: id %q, want %q", id, it.GUID, wantGUID)
	}
	if it.Title != want.title {
		t.Errorf("item %s: title %q, want %q", id, it.Title, want.title)
	}
	if it.Link != testBase+"/changes/"+id {
		t.Errorf("item %s: link %q", id, it.Link)
	}
	if it.PublishedParsed == nil || !it.PublishedParsed.Equal(at.Truncate(time.Second)) {
		t.Errorf("item %s: published %v (%q), want %v", id, it.PublishedParsed, it.Published, at)
	}
	if format != "rss" && (it.UpdatedParsed == nil || !it.UpdatedParsed.Equal(at.Truncate(time.Second))) {
		t.Errorf("item %s: updated %v (%q), want %v", id, it.UpdatedParsed, it.Updated, at)
	}
	cats := it.Categories
	if format == "atom" {
		// gofeed shows Atom labels; terms are checked in checkAtom.
		cats = nil
		for _, c := range want.categories {
			if strings.HasPrefix(c, "severity:") {
				cats = append(cats, "severity "+strings.TrimPrefix(c, "severity:"))
			} else {
				cats = append(cats, labels.Topic(c, "en"))
			}
		}
		if !slices.Equal(it.Categories, cats) {
			t.Errorf("item %s: categories %q, want %q", id, it.Categories, cats)
		}
	} else if !slices.Equal(cats, want.categories) {
		t.Errorf("item %s: categories %q, want %q", id, cats, want.categories)
	}
	if !strings.Contains(it.Description, "material") || !strings.Contains(it.Description, "Sections: Privacy Policy › ") ||
		!strings.Contains(it.Description, "What matters: ") {
		t.Errorf("item %s: summary %q does not say what matters and what changed where", id, it.Description)
	}
	c := it.Content
	if !strings.Contains(c, `<ol class="cw-feed-matters">`) || !strings.Contains(c, `href="`+testBase+`/changes/`+id+`"`) {
		t.Errorf("item %s: content is not what matters with a link: %.400s", id, c)
	}
	// Every entry marks the words that changed. An unchanged effective date
	// is no longer shown as deleted and inserted (diff 22f84cf), so an entry
	// that only adds a clause has <ins> and no <del>.
	if !strings.Contains(c, "<ins ") && !strings.Contains(c, "<del ") {
		t.Errorf("item %s: content lacks <ins> or <del>: %s", id, c)
	}
	if want.change == 4 {
		if strings.Contains(c, "<script") || strings.Contains(c, "<img") {
			t.Errorf("item %s: policy markup came out as markup: %s", id, c)
		}
		if !strings.Contains(c, `<ins style="background:#dafbe1;text-decoration:underline">We may show &lt;script&gt;`) || !strings.Contains(c, "onerror=alert(1)&gt;") {
			t.Errorf("item %s: policy markup is not shown as escaped text: %s", id, c)
		}
	}
	if want.change == 1 && (!strings.Contains(c, "<del style=\"background:#ffebe9;text-decoration:line-through\">Facebook</del>") ||
		!strings.Contains(c, ">Meta</ins>")) {
		t.Errorf("item 1: the changed words are not marked: %s", c)
	}
}

// checkAtom checks what gofeed's universal model drops: the raw Atom
// fields, categories by term and scheme, content type and links by type.
func checkAtom(t *testing.T, body []byte, entries []wantEntry) {
	t.Helper()
	feed, err := (&atom.Parser{}).Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(feed.ID, "tag:clausewatch.example.org,2026:feed") || feed.Updated == "" || len(feed.Authors) == 0 || feed.Authors[0].Name == "" {
		t.Errorf("feed id %q, updated %q, authors %v", feed.ID, feed.Updated, feed.Authors)
	}
	for i, e := range feed.Entries {
		want := entries[i]
		var terms []string
		for _, c := range e.Categories {
			terms = append(terms, c.Term)
			if c.Scheme != testBase+"/topics/" && c.Scheme != testBase+"/severity/" {
				t.Errorf("entry %d: category scheme %q", want.change, c.Scheme)
			}
		}
		if !slices.Equal(terms, want.categories) {
			t.Errorf("entry %d: category terms %q, want %q", want.change, terms, want.categories)
		}
		if e.Content == nil || e.Content.Type != "html" || e.Published == "" || e.Updated == "" || e.Summary == "" {
			t.Errorf("entry %d: content %+v, published %q, updated %q, summary %q", want.change, e.Content, e.Published, e.Updated, e.Summary)
		}
		links := map[string]string{}
		alternates := 0
		for _, l := range e.Links {
			links[l.Rel+" "+l.Type] = l.Href
			if l.Rel == "alternate" || l.Rel == "" {
				alternates++
			}
		}
		id := strconv.FormatInt(want.change, 10)
		// One alternate, the page, which readers open; the API is related.
		if alternates != 1 || links["alternate text/html"] != testBase+"/changes/"+id || links["related application/json"] != testBase+"/api/v1/changes/"+id {
			t.Errorf("entry %d: %d alternate links, links %v", want.change, alternates, links)
		}
	}
}

// wellFormed decodes the whole document with encoding/xml.
func wellFormed(b []byte) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := d.Token()
		if err != nil {
			if err.Error() == "EOF" {
				return nil
			}
			return err
		}
	}
}

func TestFeedErrors(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, path string
		status     int
	}{
		{"unknown document", "/documents/nope/feed.atom", 404},
		{"unknown topic", "/topics/sharing/feed.rss", 404},
		{"unknown format", "/feed.xml", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := f.get(t, "GET", tt.path)
			if resp.StatusCode != tt.status || resp.Header.Get("ETag") != "" {
				t.Errorf("GET %s = %d (ETag %q) %.200s, want %d", tt.path, resp.StatusCode, resp.Header.Get("ETag"), body, tt.status)
			}
		})
	}
}

// TestFeedConditional checks ETag and Last-Modified, and that a new change
// or a reclassification changes the ETag.
func TestFeedConditional(t *testing.T) {
	f := newFixture(t)
	const path = "/documents/" + waID + "/feed.atom"
	resp, _ := f.get(t, "GET", path)
	etag, lastMod := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	if resp.StatusCode != 200 || etag == "" || lastMod != f.detected[4].Format(http.TimeFormat) {
		t.Fatalf("GET = %d, ETag %q, Last-Modified %q (want %q)", resp.StatusCode, etag, lastMod, f.detected[4].Format(http.TimeFormat))
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=") {
		t.Errorf("Cache-Control %q", cc)
	}
	tests := []struct {
		name   string
		header []string
		status int
	}{
		{"If-None-Match matches", []string{"If-None-Match", etag}, 304},
		{"If-None-Match matches weakly", []string{"If-None-Match", "W/" + etag}, 304},
		{"If-None-Match in a list", []string{"If-None-Match", `"a", ` + etag}, 304},
		{"If-None-Match star", []string{"If-None-Match", "*"}, 304},
		{"If-None-Match differs", []string{"If-None-Match", `"stale"`}, 200},
		{"If-Modified-Since the last change", []string{"If-Modified-Since", lastMod}, 304},
		{"If-Modified-Since later", []string{"If-Modified-Since", f.detected[4].Add(time.Hour).Format(http.TimeFormat)}, 304},
		{"If-Modified-Since earlier", []string{"If-Modified-Since", f.detected[4].Add(-time.Second).Format(http.TimeFormat)}, 200},
		{"If-Modified-Since malformed", []string{"If-Modified-Since", "yesterday"}, 200},
		{"If-None-Match wins over If-Modified-Since", []string{"If-None-Match", `"stale"`, "If-Modified-Since", lastMod}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := f.get(t, "GET", path, tt.header...)
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.status == 304 && (len(body) != 0 || resp.Header.Get("ETag") != etag) {
				t.Errorf("304 with %d bytes, ETag %q", len(body), resp.Header.Get("ETag"))
			}
		})
	}
	// Other formats and scopes have other ETags.
	seen := map[string]string{etag: path}
	for _, p := range []string{"/documents/" + waID + "/feed.rss", "/documents/" + waID + "/feed.json", "/feed.atom", "/topics/data-sharing/feed.atom"} {
		resp, _ := f.get(t, "GET", p)
		e := resp.Header.Get("ETag")
		if other, dup := seen[e]; dup {
			t.Errorf("%s and %s share ETag %s", p, other, e)
		}
		seen[e] = p
	}
	// Reclassifying a change keeps its date but changes the feed.
	f.classify(t, map[int64][2]string{1: {`["data-sharing","advertising"]`, "critical"}})
	resp, body := f.get(t, "GET", path, "If-None-Match", etag)
	if resp.StatusCode != 200 || resp.Header.Get("ETag") == etag || !strings.Contains(string(body), "WhatsApp changed what it says about data sharing and advertising") {
		t.Errorf("after reclassification: %d, ETag %q (was %q)", resp.StatusCode, resp.Header.Get("ETag"), etag)
	}
	// A new change changes both validators.
	f.record(t, waID, fixtureT0.Add(96*time.Hour), policyDoc(map[string][]string{"Contact": {"Write to us."}}, "Contact"), 99)
	resp, _ = f.get(t, "GET", path, "If-Modified-Since", lastMod)
	if resp.StatusCode != 200 || resp.Header.Get("Last-Modified") == lastMod {
		t.Errorf("after a new change: %d, Last-Modified %q (was %q)", resp.StatusCode, resp.Header.Get("Last-Modified"), lastMod)
	}
}

// TestFeedBounded records more material changes than a feed holds and
// checks that the newest ones are kept.
func TestFeedBounded(t *testing.T) {
	f := newFixture(t)
	for i := range feedEntries + 3 {
		d := policyDoc(map[string][]string{"Retention": {"We keep information for " + strconv.Itoa(i+1) + " days."}}, "Retention")
		f.record(t, metaID, fixtureT0.Add(100*time.Hour+time.Duration(i)*time.Hour), d, 100+i)
	}
	_, body := f.get(t, "GET", "/documents/"+metaID+"/feed.json")
	var feed jsonFeed
	if err := json.Unmarshal(body, &feed); err != nil {
		t.Fatal(err)
	}
	if len(feed.Items) != feedEntries {
		t.Fatalf("%d items, want %d", len(feed.Items), feedEntries)
	}
	var last int64
	for i, it := range feed.Items {
		n, _ := strconv.ParseInt(it.URL[strings.LastIndex(it.URL, "/")+1:], 10, 64)
		if i > 0 && n >= last {
			t.Errorf("items not newest first: %d after %d", n, last)
		}
		last = n
	}
	if feed.Version != "https://jsonfeed.org/version/1.1" || feed.FeedURL != testBase+"/documents/"+metaID+"/feed.json" {
		t.Errorf("version %q, feed_url %q", feed.Version, feed.FeedURL)
	}
}

func TestFeedCache(t *testing.T) {
	c := newFeedCache(100)
	body := func(n int, b byte) []byte { return bytes.Repeat([]byte{b}, n) }
	c.put("a", `"1"`, body(20, 'a'))
	c.put("b", `"1"`, body(20, 'b'))
	if got, ok := c.get("a", `"1"`); !ok || !bytes.Equal(got, body(20, 'a')) {
		t.Errorf("get(a) = %q, %v", got, ok)
	}
	if _, ok := c.get("a", `"2"`); ok {
		t.Error("a body rendered for another ETag was returned")
	}
	c.put("a", `"2"`, body(25, 'A')) // replaces a, now the newest
	if got, ok := c.get("a", `"2"`); !ok || len(got) != 25 || c.size != 45 {
		t.Errorf("after replacing a: %q, %v, size %d", got, ok, c.size)
	}
	c.put("big", `"1"`, body(26, 'x')) // over a quarter of the budget: not kept
	if _, ok := c.get("big", `"1"`); ok {
		t.Error("a body over a quarter of the budget was kept")
	}
	c.put("c", `"1"`, body(25, 'c'))
	c.put("d", `"1"`, body(25, 'd'))
	c.put("e", `"1"`, body(25, 'e')) // 95+25 > 100: b, the oldest, goes
	_, okB := c.get("b", `"1"`)
	_, okA := c.get("a", `"2"`)
	_, okE := c.get("e", `"1"`)
	if okB || !okA || !okE || c.size != 100 {
		t.Errorf("after eviction: b %v, a %v, e %v, size %d of %d; want a, c, d, e", okB, okA, okE, c.size, c.budget)
	}
	c.put("f", `"1"`, body(25, 'f')) // a goes next
	if _, ok := c.get("a", `"2"`); ok || c.size != 100 || len(c.order) != 4 || len(c.entries) != 4 {
		t.Errorf("after a second eviction: a kept %v, size %d, %d keys", ok, c.size, len(c.entries))
	}
}
