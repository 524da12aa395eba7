package web

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserVariants drives Chromium as a journalist would in 2021: from
// the documents list to WhatsApp's policy for Europe, then, by the link on
// its page, to its comparison with the policy for the rest of the world,
// where the statements of who gets the data that differ come before any
// clause. It also checks that the new pages (the comparison, the list of
// changes, a timeline with a folded capture variation) need no sideways
// scrolling on a phone, in English and Spanish (the home page too), and
// saves their
// screenshots ($CLAUSEWATCH_SCREENSHOT_DIR keeps them; docs/screenshots
// holds a set).
func TestBrowserVariants(t *testing.T) {
	srv := variantsSite(t)
	ctx := newBrowser(t)
	dir := t.TempDir()
	if d := os.Getenv("CLAUSEWATCH_SCREENSHOT_DIR"); d != "" {
		dir = d
	}

	docLink := chromedp.CSS(`tr#doc-` + varEEA + ` a.doc-link`)
	sibling := chromedp.CSS(`ul.siblings a[href="/compare?from=` + varEEA + `&to=` + varGlobal + `"]`)
	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(docLink),
		chromedp.Click(docLink),
		chromedp.WaitVisible(sibling),
		chromedp.Click(sibling),
		chromedp.WaitVisible(chromedp.CSS(`table.variants`)),
	)
	if err != nil {
		t.Fatalf("from / to the comparison of the EEA and rest-of-world policies: %v", err)
	}
	if loc := run(t, ctx, chromedp.Location()); !strings.HasSuffix(loc, "/compare?from="+varEEA+"&to="+varGlobal) {
		t.Errorf("reached %s", loc)
	}
	// The first table row is on the first screen, above any clause.
	order := run(t, ctx, chromedp.Evaluate[string](`(() => {
  const row = document.querySelector('table.variants tbody tr');
  const clause = document.querySelector('div.summary, article.change');
  const r = row.getBoundingClientRect();
  if (r.height === 0) return 'the first difference is not visible';
  if (clause && clause.getBoundingClientRect().top < r.top) return 'a clause comes before the sharing statements';
  if (!row.querySelector('p.says')) return 'the first row says nothing';
  return '';
})()`))
	if order != "" {
		t.Error(order)
	}
	saveScreenshot(t, ctx, filepath.Join(dir, "compare-en-desktop.png"))

	pages := []struct{ name, path, ready string }{
		{"compare", "/compare?from=" + varEEA + "&to=" + varGlobal, `table.variants`},
		{"changes", "/changes", `ol.changes`},
		{"timeline", "/documents/" + varEEA, `li.folded.variation`},
		{"home", "/", `section.latest`},
	}
	for _, lang := range []string{"en", "es"} {
		for _, p := range pages {
			for _, screen := range []struct {
				name  string
				width int
				phone bool
			}{{"desktop", 1280, false}, {"phone", 375, true}} {
				if p.name == "compare" && lang == "en" && !screen.phone {
					continue // taken above
				}
				var actions []chromedp.Action[chromedp.Void]
				if screen.phone {
					actions = append(actions, chromedp.EmulateViewport(375, 740, chromedp.EmulateScale(2), chromedp.EmulateMobile))
				} else {
					actions = append(actions, chromedp.EmulateViewport(1280, 900))
				}
				sep := "?"
				if strings.Contains(p.path, "?") {
					sep = "&"
				}
				actions = append(actions, chromedp.Navigate(srv.URL+p.path+sep+"lang="+lang), chromedp.WaitReady(chromedp.CSS(p.ready)))
				if err := chromedp.Do(ctx, actions...); err != nil {
					t.Fatalf("%s %s %s: %v", p.name, lang, screen.name, err)
				}
				if screen.phone {
					if overflow := run(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`)); overflow > 1 {
						t.Errorf("%s (%s) scrolls sideways by %dpx on a 375px screen", p.name, lang, overflow)
					}
				}
				saveScreenshot(t, ctx, filepath.Join(dir, p.name+"-"+lang+"-"+screen.name+".png"))
			}
		}
	}
	// The feeds open in the browser and parse in its own XML parser,
	// English and Spanish, as a web feed reader would read them. (The
	// page's CSP forbids fetch, so each feed is opened and its text read.)
	for _, lang := range []string{"en", "es"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/feed.atom?lang="+lang)); err != nil {
			t.Fatalf("open the %s Atom feed: %v", lang, err)
		}
		got := run(t, ctx, chromedp.Evaluate[string](`(() => {
  const text = document.documentElement.localName === 'feed' ? new XMLSerializer().serializeToString(document) : document.body.innerText;
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length) return 'parse error';
  const root = doc.documentElement;
  return root.localName + ' ' + root.getAttribute('xml:lang') + ' ' + (root.getElementsByTagName('entry').length > 0);
})()`))
		if want := "feed " + lang + " true"; got != want {
			t.Errorf("the %s Atom feed reads as %q in the browser, want %q", lang, got, want)
		}
	}
	t.Logf("screenshots in %s", dir)
}
