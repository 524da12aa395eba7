package tracker

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/scraper"
	"github.com/clausewatch/clausewatch/topics"
)

// TestFirstLiveFetchAfterArchive imports a version from an archive (as
// the bundled history does: a body in memory cited by the archive's
// address), then fetches the live page: the archived Markdown is read
// again as Markdown, so the change shows the one real edit, and it alerts
// nobody, since it compares two captures made differently. The next
// change, between live fetches, alerts as usual.
func TestFirstLiveFetchAfterArchive(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	body := `<html lang="en"><body><main><h1>Policy</h1><p>We collect your phone number to run the service.</p>
<p>We share your phone number with the Meta Companies.</p></main></body></html>`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(body))
	}))
	defer srv.Close()
	tr, db, _ := newTracker(t, srv.Client())
	doc := config.Document{ID: "wa", URL: srv.URL + "/privacy", Select: []string{"main"}, Language: "en", Settle: config.Settle{Fetches: 1}}
	syncDoc(t, db, doc)
	sub, err := db.Subscribe(ctx, data.SubscribeRequest{Email: "reader@example.org", Lang: "en",
		Subscription: data.Subscription{Topics: []string{topics.DataSharing}, Frequency: data.Immediate}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Confirm(ctx, sub); err != nil {
		t.Fatal(err)
	}
	archived := ImportFile{
		Path: "2021-01-01.md", At: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC),
		Read: func() ([]byte, error) {
			return []byte("# Policy\n\nWe collect your phone number to run the service.\n"), nil
		},
		Source: ImportSource{Archive: OTAArchive, License: OTALicense,
			ArchiveURL: "https://github.com/OpenTermsArchive/contrib-versions/blob/0123456789abcdef0123456789abcdef01234567/WhatsApp/Privacy%20Policy.md"},
	}
	if err := tr.Import(ctx, doc, []ImportFile{archived}, scraper.Rules{Select: doc.Select}, func(ImportFile, data.Result) {}); err != nil {
		t.Fatal(err)
	}
	alerted := func() int {
		t.Helper()
		ds, err := db.Deliveries(ctx, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, d := range ds {
			if d.ChangeID != 0 {
				n++
			}
		}
		return n
	}

	res, err := tr.Check(ctx, doc)
	if err != nil || res.Fetch.Outcome != data.NewVersion || res.Change == nil {
		t.Fatalf("first live check = %+v, %v; want a new version with its change", res.Fetch, err)
	}
	if s := res.Change.Summary; s.Added != 1 || s.Removed != 0 || s.Modified != 0 {
		t.Errorf("change from the archived Markdown = %+v; want the one added clause", s)
	}
	if n := alerted(); n != 0 {
		t.Errorf("%d deliveries after the first live fetch; a change against an archive's capture alerts nobody", n)
	}

	mu.Lock()
	body = `<html lang="en"><body><main><h1>Policy</h1><p>We collect your phone number to run the service.</p>
<p>We share your phone number and your contacts with the Meta Companies and with advertisers.</p></main></body></html>`
	mu.Unlock()
	res, err = tr.Check(ctx, doc)
	if err != nil || res.Fetch.Outcome != data.NewVersion || res.Change == nil || !res.Change.Alert {
		t.Fatalf("second live check = %+v, %+v, %v; want a new version whose change alerts", res.Fetch, res.Change, err)
	}
	if n := alerted(); n == 0 {
		t.Error("no delivery for a change between live fetches")
	}
}
