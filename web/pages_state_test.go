package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/diff"
)

// TestChangeStatesShown reads, on WhatsApp's EEA history from the corpus,
// how pages and feeds show what was not told: the capture variation (a
// table of contents of headings the policy already had) is folded on the
// timeline under its own label and its page says why nobody was alerted;
// the last imported change, which no later file confirms, says it awaits
// confirmation; restored clauses say when they were last seen; feeds leave
// both out. English and Spanish.
func TestChangeStatesShown(t *testing.T) {
	f := corpusSiteDB(t)
	srv := newPageServer(t, f)
	db := openFixtureDB(t, f)
	changes, _, err := db.Changes(context.Background(), data.ChangeFilter{DocumentID: docPolicy})
	if err != nil {
		t.Fatal(err)
	}
	var variation, settling *data.Change
	for i := range changes {
		switch c := &changes[i]; {
		case c.Capture == diff.Variation:
			variation = c
		case c.State == data.Settling:
			settling = c
		}
	}
	if variation == nil || settling == nil {
		t.Fatalf("want a capture variation and a settling change in %s's history, got %+v", docPolicy, changes)
	}
	tests := []struct {
		lang, fold, variation, settling, restored string
	}{
		{"en", "1 capture variation", "Capture variation:", "Awaiting confirmation:", "restored: last seen"},
		{"es", "1 variación de captura", "Variación de captura:", "Pendiente de confirmación:", "restablecida: vista por última vez"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			doc, _ := pageDoc(t, srv, "/documents/"+docPolicy+"?lang="+tt.lang, http.StatusOK)
			if html, _ := doc.Html(); strings.Contains(html, "%!") {
				t.Errorf("a translation is formatted with the wrong arguments: %q", html[strings.Index(html, "%!"):][:60])
			}
			fold := doc.Find("li.folded.variation")
			if !strings.HasPrefix(strings.TrimSpace(fold.Find("summary").Text()), tt.fold) ||
				fold.Find(fmt.Sprintf("article#v%d", variation.ToVersion)).Length() != 1 {
				t.Errorf("timeline fold %q does not hold version %d under %q", fold.Find("summary").Text(), variation.ToVersion, tt.fold)
			}
			if got := doc.Find(fmt.Sprintf("article#v%d p.state.settling", settling.ToVersion)).Text(); !strings.HasPrefix(got, tt.settling) {
				t.Errorf("timeline entry of the settling change says %q, want %q…", got, tt.settling)
			}

			page, _ := pageDoc(t, srv, changePath(variation.ID)+"?lang="+tt.lang, http.StatusOK)
			if got := page.Find("p.state.variation").Text(); !strings.HasPrefix(got, tt.variation) {
				t.Errorf("variation page says %q, want %q…", got, tt.variation)
			}
			if n := page.Find("section.matters").Length(); n != 0 {
				t.Errorf("variation page lists %d \"what matters\" sections, want none: nothing in it is news", n)
			}
			restored := page.Find("article.change.added .note.capture")
			if restored.Length() == 0 || !strings.Contains(restored.First().Text(), tt.restored) {
				t.Errorf("%d restored clauses labelled, first %q; want %q", restored.Length(), restored.First().Text(), tt.restored)
			}
			page, _ = pageDoc(t, srv, changePath(settling.ID)+"?lang="+tt.lang, http.StatusOK)
			if got := page.Find("p.state.settling").Text(); !strings.HasPrefix(got, tt.settling) {
				t.Errorf("settling page says %q, want %q…", got, tt.settling)
			}
		})
	}
	for _, ext := range []string{"atom", "rss", "json"} {
		_, body := pageGet(t, srv, "/documents/"+docPolicy+"/feed."+ext)
		feed, err := gofeed.NewParser().ParseString(body)
		if err != nil {
			t.Fatal(err)
		}
		if len(feed.Items) == 0 {
			t.Errorf("%s feed is empty", ext)
		}
		for _, it := range feed.Items {
			for _, c := range []*data.Change{variation, settling} {
				if strings.HasSuffix(it.Link, changePath(c.ID)) {
					t.Errorf("%s feed lists change %d (%s, %q)", ext, c.ID, c.State, c.Capture)
				}
			}
		}
	}
}
