package web

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/scraper"
)

// TestBrowser drives Debian's chromium through the pages as a reader would,
// without typing a URL after the first: the documents list, a document's
// timeline, the change with the data-sharing badge. It checks that the
// evidence and the inserted words are visible (styled by the stylesheet the
// CSP allows), that a phone-sized window needs no sideways scrolling, that
// policy markup never runs, and saves screenshots.
//
// It skips where chromium is missing, unless CLAUSEWATCH_REQUIRE_BROWSER=1.
func TestBrowser(t *testing.T) {
	f := corpusSiteDB(t)
	srv := newPageServer(t, f)
	ctx := newBrowser(t)

	// A policy's markup must never run: any dialog fails the test. The
	// dialog is dismissed, after it is recorded, so that the page goes on
	// loading and the test reports it instead of waiting on a blocked page.
	dialogs := make(chan string, 4)
	if err := chromedp.Listen(ctx, func(ev any) {
		if d, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			select {
			case dialogs <- d.Message:
			default:
			}
			// A listener must not wait for the browser, so dismiss from
			// a goroutine; it ends with ctx at the latest.
			go chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
				_, err := cdp.Call(ctx, tgt, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
				return err
			}))
		}
	}); err != nil {
		t.Fatalf("start chromium: %v", err)
	}

	// Screenshots go to a temporary directory, or to
	// $CLAUSEWATCH_SCREENSHOT_DIR to keep them (for CI artefacts).
	dir := t.TempDir()
	if d := os.Getenv("CLAUSEWATCH_SCREENSHOT_DIR"); d != "" {
		dir = d
	}
	docLink := chromedp.CSS(fmt.Sprintf(`tr#doc-%s a.doc-link`, docPolicy))
	// The fixture's classified change; the classifier may have tagged others.
	entry := fmt.Sprintf(`article.version:has(a.diff-link[href="/changes/%d"])`, f.sharing)
	badge := chromedp.CSS(entry + ` .badge.topic-data-sharing`)
	badgeLink := chromedp.CSS(entry + ` a.diff-link`)
	mark := chromedp.CSS(`article.change mark`)
	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(docLink),
		chromedp.Click(docLink),
		chromedp.WaitVisible(chromedp.CSS(`ol.timeline`)),
	)
	if err != nil {
		t.Fatalf("open / and follow the document link: %v", err)
	}
	timelineURL := run(t, ctx, chromedp.Location())
	if want := "/documents/" + docPolicy; !strings.HasSuffix(timelineURL, want) {
		t.Errorf("followed the document link to %s, want %s", timelineURL, want)
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(badge), chromedp.Click(badgeLink), chromedp.WaitVisible(mark)); err != nil {
		t.Fatalf("follow the data-sharing change: %v", err)
	}
	changeURL := run(t, ctx, chromedp.Location())
	if want := fmt.Sprintf("/changes/%d", f.sharing); !strings.HasSuffix(changeURL, want) {
		t.Errorf("followed the badge's change link to %s, want %s", changeURL, want)
	}
	if title := run(t, ctx, chromedp.Title()); !strings.Contains(title, "data sharing") {
		t.Errorf("title %q", title)
	}
	quoted, _ := json.Marshal(f.evidence)
	if problem := run(t, ctx, chromedp.Evaluate[string](fmt.Sprintf(markedVisibleJS, quoted))); problem != "" {
		t.Errorf("evidence %q: %s", f.evidence, problem)
	}
	// The signs are drawn by the stylesheet: shown, but not part of the
	// text a reader selects and copies.
	if sign := run(t, ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('article.change.modified ins.sym'), '::before').content`)); sign != `"+"` {
		t.Errorf("inserted words are led by %s, want a + drawn before them", sign)
	}
	if removed, ok := firstRemoved(t, f); ok {
		sel := fmt.Sprintf(`(() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const p = document.querySelector('#%s p.text');
  if (!p) return 'no such clause on the page';
  const r = document.createRange();
  r.selectNodeContents(p);
  const s = window.getSelection();
  s.removeAllRanges();
  s.addRange(r);
  return s.toString();
})()`, clauseAnchor(removed))
		if got := run(t, ctx, chromedp.Evaluate[string](sel)); got != removed.Old.Text {
			t.Errorf("copying the removed clause gives\n%q\nwant the clause exactly\n%q", got, removed.Old.Text)
		}
	}
	saveScreenshot(t, ctx, filepath.Join(dir, "change-desktop.png"))

	// A phone: no sideways scrolling on the change page, side by side view
	// included.
	err = chromedp.Do(ctx,
		chromedp.EmulateViewport(375, 740, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(changeURL+"?view=side"),
		chromedp.WaitVisible(chromedp.CSS(`article.change .side`)),
	)
	if err != nil {
		t.Fatalf("phone view: %v", err)
	}
	if overflow := run(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`)); overflow > 1 {
		t.Errorf("on a 375px screen the change page scrolls sideways by %dpx", overflow)
	}
	saveScreenshot(t, ctx, filepath.Join(dir, "change-phone.png"))

	// The markup document's pages: its <script> and onerror= show as text.
	err = chromedp.Do(ctx,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(fmt.Sprintf("%s/changes/%d", srv.URL, f.markupChange)),
		chromedp.WaitVisible(chromedp.CSS(`article.change`)),
	)
	if err != nil {
		t.Fatalf("markup change page: %v", err)
	}
	if text := run(t, ctx, chromedp.Text(chromedp.CSS(`main`))); !strings.Contains(text, `onerror=alert("cw-xss")`) {
		t.Errorf("the change page does not show the onerror markup as text")
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(fmt.Sprintf("%s/versions/%d", srv.URL, f.markupVersions[1])),
		chromedp.WaitVisible(chromedp.CSS(`.policy-text`)),
		// An injected script runs while the page is parsed and an injected
		// onerror fires before the load event, so once the document is
		// complete any dialog has been recorded.
		chromedp.Poll[chromedp.Void](`document.readyState === "complete"`,
			chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(0)),
	)
	if err != nil {
		t.Fatalf("markup version page: %v", err)
	}
	if text := run(t, ctx, chromedp.Text(chromedp.CSS(`.policy-text`))); !strings.Contains(text, `<script>alert("cw-xss")</script>`) {
		t.Errorf("the version page does not show the <script> markup as text")
	}
	select {
	case msg := <-dialogs:
		t.Errorf("policy markup ran: a dialog opened saying %q", msg)
	default:
	}
	t.Logf("screenshots in %s", dir)
}

// run runs one browser action that returns a value, failing the test on
// error.
func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	return v
}

// saveScreenshot saves the visible window as a PNG and checks it was written.
func saveScreenshot(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	png := run(t, ctx, chromedp.CaptureScreenshot())
	if len(png) < 1000 {
		t.Errorf("screenshot %s: only %d bytes", path, len(png))
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// markedVisibleJS finds the <mark> holding the evidence (%s, a JSON
// string) in a clause with the data-sharing badge, scrolls to it, and returns
// "" when it and the first <ins> have a size, are not hidden, and are styled
// by the site's stylesheet (an <ins> is underlined with a background), so
// the CSP did not block it; else what is wrong.
const markedVisibleJS = `(() => {
  const want = %s.toLowerCase();
  const shown = el => {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none' && parseFloat(s.opacity) > 0.5;
  };
  const marks = [...document.querySelectorAll('article.change:has(.badge.topic-data-sharing) mark')];
  const mark = marks.find(m => m.textContent.trim().toLowerCase() === want);
  if (!mark) return 'no mark with these words among ' + marks.length + ' marks';
  mark.scrollIntoView({block: 'center'});
  if (!shown(mark)) return 'the mark is not visible';
  const ins = document.querySelector('article.change ins');
  const s = getComputedStyle(ins);
  if (!shown(ins)) return 'inserted words are not visible';
  if (!s.textDecorationLine.includes('underline') || s.backgroundColor === 'rgba(0, 0, 0, 0)') return 'inserted words are not styled: stylesheet blocked?';
  return '';
})()`

// firstRemoved returns the first clause removed by the fixture's
// classified change, whose page the browser test reads.
func firstRemoved(t *testing.T, f *corpusSite) (diff.Change, bool) {
	t.Helper()
	db := openFixtureDB(t, f)
	c, err := db.Change(context.Background(), f.sharing)
	if err != nil {
		t.Fatal(err)
	}
	var cs diff.ChangeSet
	if err := json.Unmarshal(c.ChangeSet, &cs); err != nil {
		t.Fatal(err)
	}
	for _, ch := range cs.Changes {
		if ch.Kind == diff.Removed && ch.Material {
			return ch, true
		}
	}
	t.Errorf("change %d removes no clause to copy", f.sharing)
	return diff.Change{}, false
}

// newBrowser starts headless Chromium for a test and returns its context,
// closed when the test ends. It skips the test where chromium is missing,
// unless CLAUSEWATCH_REQUIRE_BROWSER=1, which makes that a failure. One
// deadline covers starting Chromium and every step after it: it only turns
// a hung browser into a clear failure, so it is set far beyond what a busy
// machine takes, with room left before go test's own timeout.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	exe, err := scraper.FindBrowser()
	if err != nil {
		if os.Getenv("CLAUSEWATCH_REQUIRE_BROWSER") == "1" {
			t.Fatalf("CLAUSEWATCH_REQUIRE_BROWSER=1 but no browser: %v", err)
		}
		t.Skipf("skipping the browser test: %v (set CLAUSEWATCH_REQUIRE_BROWSER=1 to make this a failure)", err)
	}
	opts := append(scraper.HeadlessOptions(exe), chromedp.WindowSize(1280, 900))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() {
		cancel()
		cancelCtx()
		cancelAlloc()
	})
	return ctx
}
