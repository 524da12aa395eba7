package web

import (
	"bytes"
	"context"
	"encoding/xml"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed/atom"
	jsonfeed "github.com/mmcdole/gofeed/json"
	"github.com/mmcdole/gofeed/rss"
	"golang.org/x/net/html"
	htmlatom "golang.org/x/net/html/atom"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/policy"
)

// Hostile texts of the escaping test: a heading of a tracked page and a
// title from the configuration, both markup.
const (
	hostileHeading = `<script>alert("h2")</script> "><img src=x onerror=alert(2)>`
	hostileTitle   = `<script>alert("t")</script> "><img src=x onerror=alert(3)>`
)

// TestFeedsEscapeHostileText feeds a hostile heading and a hostile
// configured title through every feed format and scope, parses each feed
// with gofeed's parser for its format and checks every field a reader
// renders as HTML: no decoded value may hold live markup. Fields that the
// format declares plain text (Atom type="text", JSON Feed title and
// summary) are shown as text by readers, so only their type is checked.
func TestFeedsEscapeHostileText(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cw.db")
	clock := func() time.Time { return time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC) }
	db, err := data.Open(ctx, path, clock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.SyncDocuments(ctx, []data.Document{{ID: waID, URL: "https://www.whatsapp.com/legal/privacy-policy", Service: "WhatsApp", Title: hostileTitle, Region: "EEA", Language: "en"}}); err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, path: path, detected: map[int64]time.Time{}}
	doc := func(share string) *policy.Document {
		return policyDoc(map[string][]string{hostileHeading: {share}, "Contact": {"Contact us at privacy@whatsapp.com."}}, hostileHeading, "Contact")
	}
	f.record(t, waID, fixtureT0, doc(shareFB), 0)
	f.record(t, waID, fixtureT0.Add(24*time.Hour), doc(shareMeta), 1)
	f.classify(t, map[int64][2]string{1: {`["data-sharing"]`, "high"}})
	srv, err := New(db, clock, slog.New(slog.NewTextHandler(os.Stderr, nil)), Options{BaseURL: testBase})
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewServer(srv.Handler())
	t.Cleanup(f.srv.Close)

	for _, scope := range []string{"", "/documents/" + waID, "/topics/data-sharing"} {
		for _, format := range []string{"rss", "atom", "json"} {
			p := scope + "/feed." + format
			t.Run(p, func(t *testing.T) {
				resp, body := f.get(t, "GET", p)
				if resp.StatusCode != 200 {
					t.Fatalf("GET %s = %d", p, resp.StatusCode)
				}
				fields := htmlFields(t, format, body)
				if len(fields) == 0 {
					t.Fatal("no HTML fields found")
				}
				var sawHeading bool
				for name, v := range fields {
					if bad := liveMarkup(v); bad != "" {
						t.Errorf("%s: decoded HTML holds live markup (%s): %.300s", name, bad, v)
					}
					sawHeading = sawHeading || strings.Contains(v, "alert(2)")
				}
				if !sawHeading {
					t.Errorf("the hostile heading reached no HTML field: %v", fields)
				}
			})
		}
	}
}

// htmlFields parses a feed with gofeed's parser for its format and returns,
// by name, every decoded value that readers render as HTML.
func htmlFields(t *testing.T, format string, body []byte) map[string]string {
	t.Helper()
	out := map[string]string{}
	switch format {
	case "rss":
		// RSS does not say whether a title or description is text or HTML;
		// readers take all of them for HTML.
		feed, err := (&rss.Parser{}).Parse(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		out["channel title"], out["channel description"] = feed.Title, feed.Description
		for i, it := range feed.Items {
			n := "item " + string(rune('0'+i))
			out[n+" title"], out[n+" description"], out[n+" content:encoded"] = it.Title, it.Description, it.Content
		}
	case "atom":
		feed, err := (&atom.Parser{}).Parse(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		for i, e := range feed.Entries {
			n := "entry " + string(rune('0'+i))
			if e.Content == nil || e.Content.Type != "html" {
				t.Fatalf("%s: content %+v, want type html", n, e.Content)
			}
			out[n+" content"] = e.Content.Value
		}
		// gofeed drops the type of titles and summaries: read it here. A
		// text construct of type text is shown as text by every reader.
		var raw struct {
			Title, Subtitle atomTextType
			Entries         []struct{ Title, Summary atomTextType } `xml:"entry"`
		}
		if err := xml.Unmarshal(body, &raw); err != nil {
			t.Fatal(err)
		}
		types := []atomTextType{raw.Title, raw.Subtitle}
		for _, e := range raw.Entries {
			types = append(types, e.Title, e.Summary)
		}
		for _, tt := range types {
			if tt.Type != "text" && tt.Type != "" {
				t.Errorf("atom text construct of type %q, want text", tt.Type)
			}
		}
	case "json":
		// JSON Feed allows HTML in content_html only; title and summary
		// are plain text.
		feed, err := (&jsonfeed.Parser{}).Parse(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		for i, it := range feed.Items {
			out["item "+string(rune('0'+i))+" content_html"] = it.ContentHTML
		}
	}
	return out
}

type atomTextType struct {
	Type string `xml:"type,attr"`
}

// liveMarkup parses s as an HTML fragment and names the first element a
// browser would run or load from: a script, an img, or any element with an
// on* attribute. It returns "" for safe HTML.
func liveMarkup(s string) string {
	nodes, err := html.ParseFragment(strings.NewReader(s), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: htmlatom.Div})
	if err != nil {
		return "unparsable: " + err.Error()
	}
	var walk func(n *html.Node) string
	walk = func(n *html.Node) string {
		if n.Type == html.ElementNode {
			if n.Data == "script" || n.Data == "img" {
				return "<" + n.Data + ">"
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(strings.ToLower(a.Key), "on") {
					return "<" + n.Data + " " + a.Key + ">"
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if bad := walk(c); bad != "" {
				return bad
			}
		}
		return ""
	}
	for _, n := range nodes {
		if bad := walk(n); bad != "" {
			return bad
		}
	}
	return ""
}
