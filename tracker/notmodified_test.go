package tracker

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/data"
)

// TestDeferNotModified checks the 304s a check holds back: Check answers
// with the version the 304 confirms before its row is written; the rows
// are written whole when FlushNotModified is called or maxNotModified
// wait; and a 304 that may settle a change is recorded, and settles it,
// before Check returns.
func TestDeferNotModified(t *testing.T) {
	ctx := context.Background()
	var (
		mu   sync.Mutex
		page = smallPolicy(3)
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		body := page
		mu.Unlock()
		etag := fmt.Sprintf(`"%x"`, sha256.Sum256([]byte(body)))
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, body)
	}))
	defer srv.Close()
	tr, db, _ := newTracker(t, srv.Client())
	tr.DeferNotModified()
	doc := config.Document{ID: "svc-privacy", URL: srv.URL, Select: []string{"main"}, Language: "en"}
	syncDoc(t, db, doc)
	fetches := func() []data.Fetch {
		t.Helper()
		fs, err := db.Fetches(ctx, doc.ID, 1000)
		if err != nil {
			t.Fatal(err)
		}
		return fs
	}
	check := func(want data.Outcome) data.Result {
		t.Helper()
		res, err := tr.Check(ctx, doc)
		if err != nil || res.Fetch.Outcome != want {
			t.Fatalf("Check = %s (%s), %v; want %s", res.Fetch.Outcome, res.Fetch.Reason, err, want)
		}
		return res
	}

	first := check(data.NewVersion)
	held := check(data.NotModified)
	if held.Fetch.VersionID != first.Version.ID || held.Fetch.ID != 0 {
		t.Errorf("held 304 = version %d, row %d; want version %d, no row yet", held.Fetch.VersionID, held.Fetch.ID, first.Version.ID)
	}
	if n := len(fetches()); n != 1 {
		t.Errorf("%d fetch rows before the flush, want 1 (the first version's)", n)
	}
	if err := tr.FlushNotModified(ctx); err != nil {
		t.Fatal(err)
	}
	fs := fetches()
	if len(fs) != 2 || fs[0].Outcome != data.NotModified || fs[0].VersionID != first.Version.ID || fs[0].TextSHA256 != first.Version.SHA256 || !fs[0].Conditional {
		t.Fatalf("after the flush: %+v; want the 304 confirming version %d, newest first", fs, first.Version.ID)
	}

	// maxNotModified held: they are written without waiting for the flush.
	for range maxNotModified {
		check(data.NotModified)
	}
	if n := len(fetches()); n != 2+maxNotModified {
		t.Errorf("%d fetch rows after %d more 304s, want %d", n, maxNotModified, 2+maxNotModified)
	}

	// A change waiting to settle: the 304 that reads its text again is
	// recorded at once, and settles it.
	mu.Lock()
	page = strings.Replace(page, "shares it with", "sells it to", 1)
	mu.Unlock()
	changed := check(data.NewVersion)
	if changed.Change == nil || changed.Change.State != data.Settling {
		t.Fatalf("edited page: change %+v, want one settling", changed.Change)
	}
	before := len(fetches())
	settled := check(data.NotModified)
	if settled.Settled != changed.Change.ID || settled.Fetch.ID == 0 || len(fetches()) != before+1 {
		t.Errorf("304 after the edit: settled %d, row %d, %d rows (had %d); want change %d settled and its row written at once",
			settled.Settled, settled.Fetch.ID, len(fetches()), before, changed.Change.ID)
	}
}
