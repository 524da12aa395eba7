package notify

import (
	"html/template"
	"io/fs"
	"maps"
	"path"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// TestNewComposerBrokenTemplate checks that each embedded email template,
// broken or missing, makes NewComposer fail with an error naming its file,
// so that the service stops at start-up rather than at the first alert.
func TestNewComposerBrokenTemplate(t *testing.T) {
	tokens, err := NewTokens([]byte("0123456789abcdef0123456789abcdef"), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	embedded := fstest.MapFS{}
	files, err := fs.Glob(templateFiles, "templates/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		b, err := fs.ReadFile(templateFiles, name)
		if err != nil {
			t.Fatal(err)
		}
		embedded[name] = &fstest.MapFile{Data: b}
	}
	const base = "https://cw.example.org"
	if _, err := newComposer(base, tokens, 0, embedded); err != nil {
		t.Fatalf("the embedded templates do not parse: %v", err)
	}
	for _, name := range []string{changeTemplate, emailTemplate} {
		for _, tt := range []struct {
			how   string
			spoil func(fstest.MapFS)
		}{
			{"unclosed action", func(m fstest.MapFS) { m[name] = &fstest.MapFile{Data: []byte(`<p>{{if .Title}}</p>`)} }},
			{"unknown function", func(m fstest.MapFS) { m[name] = &fstest.MapFile{Data: []byte(`<p>{{nosuchfunc .}}</p>`)} }},
			{"missing", func(m fstest.MapFS) { delete(m, name) }},
		} {
			t.Run(path.Base(name)+"/"+tt.how, func(t *testing.T) {
				broken := maps.Clone(embedded)
				tt.spoil(broken)
				c, err := newComposer(base, tokens, 0, broken)
				if err == nil {
					t.Fatalf("newComposer = %v, nil; want an error", c)
				}
				if !strings.Contains(err.Error(), path.Base(name)) {
					t.Errorf("error %q does not name %s", err, name)
				}
			})
		}
	}
}

// TestAlertHTMLRenderedOnce checks that the HTML part of an alert, rendered
// once for a change and put together with each subscriber's links, is the
// same as the template renders for that subscriber, for the first
// subscriber (who fills the cache) and the next ones.
func TestAlertHTMLRenderedOnce(t *testing.T) {
	tokens, err := NewTokens([]byte("0123456789abcdef0123456789abcdef"), func() time.Time { return time.Date(2026, 1, 4, 11, 0, 0, 0, time.UTC) })
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewComposer("https://cw.example.org/base", tokens, 0)
	if err != nil {
		t.Fatal(err)
	}
	r := &rendered{}
	m := messagesFor("en")
	frame := func(sub int64) emailData {
		d := emailData{
			Lang: m.lang, Title: "[high] WhatsApp shares more", Heading: "WhatsApp shares more", Intro: "On 4 January <b>the policy</b> changed.",
			Why: m.whyAll, Legend: m.legend,
			PrefsLabel: m.preferences, PrefsURL: c.PreferencesURL(sub), UnsubLabel: m.unsubscribe, UnsubURL: c.UnsubscribeURL(sub),
			Docs: []docSection{{Name: "WhatsApp & co", Lead: "Severity: high", Blocks: []template.HTML{"<p>clause</p>"},
				Links: []docLink{{Text: "Change page", URL: "https://cw.example.org/base/changes/7?a=1&b=2"}}}},
		}
		return d
	}
	for _, sub := range []int64{1, 2, 3} {
		d := frame(sub)
		got, err := c.alertHTML(d, []*rendered{r}, false)
		if err != nil {
			t.Fatal(err)
		}
		want, err := c.pageHTML(d)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("subscriber %d: put together\n%s\nwant as rendered whole\n%s", sub, got, want)
		}
		if !strings.Contains(got, d.UnsubURL) || !strings.Contains(got, d.PrefsURL) {
			t.Errorf("subscriber %d: the HTML part lacks their links", sub)
		}
	}
	if len(c.pages) != 1 {
		t.Errorf("%d pages cached, want the one alert's", len(c.pages))
	}
}
