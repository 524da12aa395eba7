package web

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestBrowserAccessibility checks in Chromium what the selector checks of
// TestAccessibility cannot see, because the stylesheet draws it: on a
// 375px phone, where the documents table's header row is hidden and each
// row is a card, every cell shows its column's name (its ::before content
// is the header's text), in English and Spanish; on a wide screen the
// header row does that and the cells show no label. It also measures the
// search button's contrast as computed in the light and the dark theme.
//
// It skips where chromium is missing, unless CLAUSEWATCH_REQUIRE_BROWSER=1.
func TestBrowserAccessibility(t *testing.T) {
	f := corpusSiteDB(t)
	srv := newPageServer(t, f)
	ctx := newBrowser(t)

	for _, tt := range []struct {
		name   string
		lang   string
		width  int64
		labels bool // the cells must show their column's name
	}{
		{"phone/en", "en", 375, true},
		{"phone/es", "es", 375, true},
		{"desktop/en", "en", 1280, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := chromedp.Do(ctx,
				chromedp.EmulateViewport(tt.width, 740, chromedp.EmulateScale(2)),
				chromedp.Navigate(srv.URL+"/?lang="+tt.lang),
				chromedp.WaitVisible(chromedp.CSS(`table.documents tbody tr`)),
			)
			if err != nil {
				t.Fatalf("open /: %v", err)
			}
			problems := run(t, ctx, chromedp.Evaluate[[]string](cellLabelsJS))
			if tt.labels {
				for _, p := range problems {
					t.Error(p)
				}
			} else if len(problems) == 0 {
				t.Errorf("on a %dpx screen the cells show labels beside the header row", tt.width)
			}
			if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('table.documents tbody tr > *').length`)); n == 0 {
				t.Error("no cells to check")
			}
		})
	}

	for _, scheme := range []string{"light", "dark"} {
		t.Run("button contrast/"+scheme, func(t *testing.T) {
			err := chromedp.Do(ctx,
				chromedp.EmulateViewport(1280, 900),
				chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
					_, err := cdp.Call(ctx, tgt, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
						Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
					})
					return err
				}),
				chromedp.Navigate(srv.URL+"/"),
				chromedp.WaitVisible(chromedp.CSS(`form.search button`)),
			)
			if err != nil {
				t.Fatalf("open / in the %s theme: %v", scheme, err)
			}
			ratios := run(t, ctx, chromedp.Evaluate[[]float64](buttonContrastJS))
			if len(ratios) != 2 {
				t.Fatalf("measured %v", ratios)
			}
			t.Logf("%s theme: button text %.2f:1, button on the page %.2f:1", scheme, ratios[0], ratios[1])
			if ratios[0] < 4.5 {
				t.Errorf("button text on its background: %.2f:1, want at least 4.5:1", ratios[0])
			}
			if ratios[1] < 3 {
				t.Errorf("button against the page: %.2f:1, want at least 3:1", ratios[1])
			}
		})
	}
}

// cellLabelsJS returns, for each cell of the documents table's body whose
// ::before content is not its column header's text followed by ": ", what
// it shows instead.
const cellLabelsJS = `(() => {
  const heads = [...document.querySelectorAll('table.documents thead th')].map(th => th.textContent.trim());
  const out = [];
  document.querySelectorAll('table.documents tbody tr').forEach((tr, r) => {
    [...tr.children].forEach((cell, i) => {
      const content = getComputedStyle(cell, '::before').content;
      const want = JSON.stringify(heads[i] + ': ');
      if (content !== want) out.push('row ' + r + ' cell ' + i + ' shows ' + content + ', want ' + want);
    });
  });
  return out;
})()`

// buttonContrastJS returns the contrast of the search button's text on its
// background, and of its background on the page's, as computed.
const buttonContrastJS = `(() => {
  const rgb = s => s.match(/[\d.]+/g).slice(0, 3).map(Number);
  const lum = c => { const [r, g, b] = c.map(v => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const ratio = (a, b) => { const [x, y] = [lum(rgb(a)), lum(rgb(b))].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const b = getComputedStyle(document.querySelector('form.search button'));
  const page = getComputedStyle(document.body).backgroundColor;
  return [ratio(b.color, b.backgroundColor), ratio(b.backgroundColor, page)];
})()`
