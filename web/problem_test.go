package web

import (
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/data"
)

// TestFetchProblem checks that a failed or suspect fetch reads as a
// sentence with what to do, in English and Spanish, for classes with their
// own message and for one the pipeline might add later.
func TestFetchProblem(t *testing.T) {
	l := newI18n()
	summary := func(outcome data.Outcome, class, reason string, status int) data.DocumentSummary {
		return data.DocumentSummary{
			Document:  data.Document{ID: "wa", URL: "https://www.whatsapp.com/legal/privacy-policy?lang=en"},
			LastFetch: data.Fetch{ID: 1, Outcome: outcome, ErrorClass: class, Reason: reason, Status: status},
		}
	}
	tests := []struct {
		s        data.DocumentSummary
		en, es   string
		doEN     string
		wantsRaw string
	}{
		{summary(data.Failed, "dns", "lookup www.whatsapp.com: no such host", 0),
			"cannot reach www.whatsapp.com: no network or DNS", "no se puede llegar a www.whatsapp.com: no hay red o no funciona el DNS", "online", "no such host"},
		{summary(data.Failed, "http-status", "HTTP 503 Service Unavailable", 503),
			"the server answered HTTP 503", "el servidor respondió HTTP 503", "temporary", "HTTP 503"},
		{summary(data.Suspect, "no-match", "selector #content-wrapper matched nothing", 200),
			"the page no longer has the selected element", "la página ya no tiene el elemento seleccionado", "select", "#content-wrapper"},
		{summary(data.Failed, "something-new", "boom", 0),
			"the last check failed", "la última comprobación falló", "raw error", "boom"},
	}
	for _, tt := range tests {
		en := fetchProblem(&view{Lang: "en", i18n: l}, tt.s)
		es := fetchProblem(&view{Lang: "es", i18n: l}, tt.s)
		if en == nil || es == nil {
			t.Fatalf("%s: no problem for a %s fetch", tt.s.LastFetch.ErrorClass, tt.s.LastFetch.Outcome)
		}
		if en.What != tt.en || es.What != tt.es || !strings.Contains(en.Do, tt.doEN) || es.Do == "" || strings.HasPrefix(es.Do, "!") {
			t.Errorf("%s: en %+v, es %+v", tt.s.LastFetch.ErrorClass, en, es)
		}
		if en.Raw != tt.s.LastFetch.Reason || !strings.Contains(en.Raw, tt.wantsRaw) {
			t.Errorf("%s: raw %q", tt.s.LastFetch.ErrorClass, en.Raw)
		}
	}
	if p := fetchProblem(&view{Lang: "en", i18n: l}, summary(data.NewVersion, "", "", 200)); p != nil {
		t.Errorf("a fetch that worked has a problem: %+v", p)
	}
}
