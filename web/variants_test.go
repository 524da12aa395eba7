package web

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/internal/corpustest"
	"github.com/clausewatch/clausewatch/scraper"
	"github.com/clausewatch/clausewatch/tracker"
)

// Document ids of the variants site: WhatsApp's privacy policy for the
// European Region, for the rest of the world, and in French for Europe.
const (
	varEEA    = "whatsapp-privacy-policy-eea"
	varGlobal = "whatsapp-privacy-policy"
	varFR     = "whatsapp-privacy-policy-eea-fr"
)

// variantsSite imports the corpus histories of WhatsApp's policy for
// Europe (English and French) and for the rest of the world, and serves
// them.
func variantsSite(t *testing.T) *httptest.Server {
	t.Helper()
	corpus := corpustest.Dir(t)
	ctx := context.Background()
	db, err := data.Open(ctx, filepath.Join(t.TempDir(), "cw.db"), testClock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	docs := []struct {
		doc config.Document
		dir string
	}{
		{config.Document{ID: varEEA, URL: "https://www.whatsapp.com/legal/privacy-policy-eea?lang=en", Service: "WhatsApp", Title: "WhatsApp Privacy Policy", Region: "European Region", Language: "en"}, "whatsapp-privacy-policy-eea"},
		{config.Document{ID: varGlobal, URL: "https://www.whatsapp.com/legal/privacy-policy?lang=en", Service: "WhatsApp", Title: "WhatsApp Privacy Policy", Region: "Outside the European Region", Language: "en"}, "whatsapp-privacy-policy-global"},
		{config.Document{ID: varFR, URL: "https://www.whatsapp.com/legal/privacy-policy-eea?lang=fr", Service: "WhatsApp", Title: "Politique de confidentialité de WhatsApp", Region: "European Region", Language: "fr"}, "whatsapp-privacy-policy-eea-fr"},
	}
	var stored []data.Document
	for _, d := range docs {
		stored = append(stored, data.Document{ID: d.doc.ID, URL: d.doc.URL, Service: d.doc.Service, Title: d.doc.Title, Region: d.doc.Region, Language: d.doc.Language})
	}
	if err := db.SyncDocuments(ctx, stored); err != nil {
		t.Fatal(err)
	}
	tr := tracker.New(db, nil, nil, testClock, slog.New(slog.DiscardHandler))
	for _, d := range docs {
		paths, err := filepath.Glob(filepath.Join(corpus, d.dir, "*.md"))
		if err != nil || len(paths) == 0 {
			t.Fatalf("corpus %s: %d files, %v", d.dir, len(paths), err)
		}
		files, err := tracker.ParseImportFiles(paths)
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.Import(ctx, d.doc, files, scraper.Rules{}, func(tracker.ImportFile, data.Result) {}); err != nil {
			t.Fatal(err)
		}
	}
	s, err := New(db, testClock, slog.New(slog.DiscardHandler), Options{BaseURL: "https://cw.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return srv
}

// TestVariants compares WhatsApp's policy for Europe with the one for the
// rest of the world, and with its French translation: the document page
// links to both, the sharing statements that differ come first, a date
// picks the versions in force then, the translation's lag is said, and the
// API answers what the page shows.
func TestVariants(t *testing.T) {
	srv := variantsSite(t)
	doc, _ := pageDoc(t, srv, documentPath(varEEA), http.StatusOK)
	for _, id := range []string{varGlobal, varFR} {
		if doc.Find(fmt.Sprintf(`ul.siblings a[href="/compare?from=%s&to=%s"]`, varEEA, id)).Length() != 1 {
			t.Errorf("the EEA document page does not link to its comparison with %s", id)
		}
	}

	tests := []struct {
		name, query                  string
		sharing, headline, versionsH string
		diffs                        bool
	}{
		{"latest, English", "from=" + varEEA + "&to=" + varGlobal, "Who gets your data: what differs", "differences in who gets your data", "Latest versions", true},
		{"latest, Spanish", "from=" + varEEA + "&to=" + varGlobal + "&lang=es", "Quién recibe tus datos: qué cambia", "diferencias sobre quién recibe tus datos", "Últimas versiones", true},
		{"at a date before the global history", "from=" + varEEA + "&to=" + varGlobal + "&at=2021-05-15", "", "", "Versions in force on 2021-05-15", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, _ := pageDoc(t, srv, "/compare?"+tt.query, http.StatusOK)
			if got := page.Find("section.variant-sides h2").Text(); got != tt.versionsH {
				t.Errorf("versions heading %q, want %q", got, tt.versionsH)
			}
			rows := page.Find("table.variants tbody tr")
			if !tt.diffs {
				if rows.Length() != 0 || !strings.Contains(page.Find("section.variant-sides").Text(), "no version recorded by that date") {
					t.Errorf("%d differences; want none, and the missing version said", rows.Length())
				}
				return
			}
			if got := page.Find("section.variant-sharing h2").Text(); got != tt.sharing {
				t.Errorf("first section %q, want %q", got, tt.sharing)
			}
			if !strings.Contains(page.Find("section.variant-sharing p.headline").Text(), tt.headline) || rows.Length() == 0 {
				t.Errorf("headline %q with %d rows, want %q and rows", page.Find("section.variant-sharing p.headline").Text(), rows.Length(), tt.headline)
			}
			rows.Each(func(i int, row *goquery.Selection) {
				says := row.Find("p.says")
				if says.Length() == 0 || !strings.HasPrefix(says.First().Text(), "WhatsApp") {
					t.Errorf("row %d says %q, want a statement about WhatsApp", i, says.Text())
				}
			})
			// The sharing statements come before the clause diff.
			html, _ := page.Html()
			if a, b := strings.Index(html, "variant-sharing"), strings.Index(html, `class="summary"`); a < 0 || b < 0 || a > b {
				t.Errorf("sharing section at %d, clause summary at %d: want the sharing first", a, b)
			}
		})
	}

	t.Run("translation lag", func(t *testing.T) {
		page, _ := pageDoc(t, srv, "/compare?from="+varFR+"&to="+varEEA, http.StatusOK)
		lag := page.Find("section.variant-sides p.state").Text()
		if !strings.Contains(lag, "lags behind: it states Jan 4, 2021") || page.Find("table.variants").Length() != 0 {
			t.Errorf("lag %q; want the French text lagging since the English one changed, and no clause comparison", lag)
		}
	})

	t.Run("API", func(t *testing.T) {
		resp, body := pageGet(t, srv, "/api/v1/compare?from="+varEEA+"&to="+varGlobal)
		var got apiVariants
		if err := json.Unmarshal([]byte(body), &got); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%d %v: %.300s", resp.StatusCode, err, body)
		}
		if got.From.Version == nil || got.To.Version == nil || got.ChangeSet == nil || len(got.Differences) == 0 || got.Headline == "" {
			t.Errorf("comparison %+v lacks versions, differences or the change set", got)
		}
		resp, body = pageGet(t, srv, "/api/v1/compare?from="+varFR+"&to="+varEEA)
		if err := json.Unmarshal([]byte(body), &got); err != nil || got.Lag == nil || got.Lag.Behind != varFR || got.ChangeSet != nil {
			t.Errorf("translation: %d, lag %+v, change set %v; want the French lagging and no change set", resp.StatusCode, got.Lag, got.ChangeSet != nil)
		}
		for _, bad := range []struct {
			query  string
			status int
		}{
			{"from=" + varEEA + "&to=" + varEEA, http.StatusBadRequest},
			{"from=" + varEEA + "&to=" + varGlobal + "&at=15/05/2021", http.StatusBadRequest},
			{"from=" + varEEA, http.StatusBadRequest},
			{"from=" + varEEA + "&to=nope", http.StatusNotFound},
		} {
			if resp, body := pageGet(t, srv, "/api/v1/compare?"+bad.query); resp.StatusCode != bad.status {
				t.Errorf("%s: %d %.200s, want %d", bad.query, resp.StatusCode, body, bad.status)
			}
		}
	})
}
