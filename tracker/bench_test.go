package tracker

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/data"
)

// BenchmarkCheckUnchanged measures one check of a real policy page that has
// not changed and whose server sends no validators: download, extraction,
// gates and the unchanged record, the path every scheduled check takes.
func BenchmarkCheckUnchanged(b *testing.B) {
	benchmarkCheck(b, false, data.Unchanged)
}

// BenchmarkCheckNotModified measures one check of a page whose server
// answers 304 to the validators of the last fetch: the conditional request
// and the fetch row, the path most scheduled checks take (bench/check.sh
// times the same through the whole command).
func BenchmarkCheckNotModified(b *testing.B) {
	benchmarkCheck(b, true, data.NotModified)
}

// benchmarkCheck serves a real policy page, with an ETag when validators
// is set, checks it once to store it, then times the checks after that,
// each of which must end with outcome want.
func benchmarkCheck(b *testing.B, validators bool, want data.Outcome) {
	page := policyPage(b)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if validators {
			w.Header().Set("ETag", `"v1"`)
			if r.Header.Get("If-None-Match") == `"v1"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
		}
		w.Write([]byte(page))
	}))
	defer srv.Close()
	tr, db, _ := newTracker(b, srv.Client())
	doc := config.Document{ID: "whatsapp-privacy-policy-eea", URL: srv.URL, Select: []string{"#content-wrapper"}, Language: "en"}
	syncDoc(b, db, doc)
	ctx := context.Background()
	if _, err := tr.Check(ctx, doc); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		res, err := tr.Check(ctx, doc)
		if err != nil || res.Fetch.Outcome != want {
			b.Fatalf("outcome %s, %v", res.Fetch.Outcome, err)
		}
	}
}
