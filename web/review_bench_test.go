package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkAPIChanges measures the change listing of the JSON API on the
// corpus database (the WhatsApp privacy policy's changes include a rewrite
// whose stored change set is about 400 KB), against /healthz on the same
// handler.
func BenchmarkAPIChanges(b *testing.B) {
	f := corpusSiteDB(b)
	srv := newPageServer(b, f)
	h := srv.Config.Handler
	for _, bc := range []struct{ name, path string }{
		{"healthz", "/healthz"},
		{"document", "/api/v1/changes?document=" + docPolicy},
		{"all", "/api/v1/changes?limit=100"},
		{"topic", "/api/v1/changes?topic=data-sharing"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, bc.path, nil))
				if w.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", bc.path, w.Code, w.Body)
				}
			}
		})
	}
}
