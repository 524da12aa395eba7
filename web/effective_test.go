package web

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestEffectiveDateUnchanged checks that a change between two versions
// stating the same effective date does not show the date as deleted and
// inserted, and that one whose date moved does.
func TestEffectiveDateUnchanged(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name   string
		change string
		marked bool
	}{
		{"date moved", "/changes/3", true}, // January 4 -> January 6, 2021
		{"date kept", "/changes/4", false}, // both state January 6, 2021
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := f.get(t, "GET", tt.change+"?lang=en")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %d", tt.change, resp.StatusCode)
			}
			doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			p := doc.Find("p.effective")
			if p.Length() != 1 {
				t.Fatalf("%d effective-date lines", p.Length())
			}
			if marked := p.Find("ins, del").Length() > 0; marked != tt.marked {
				t.Errorf("effective date %q marked as changed: %v, want %v", p.Text(), marked, tt.marked)
			}
			if p.Find("ins, del").Length() == 0 && p.Text() == "" {
				t.Error("empty effective-date line")
			}
		})
	}
}
