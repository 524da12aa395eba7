package tracker

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/internal/recordtest"
	"github.com/clausewatch/clausewatch/policy"
)

// TestExtractionUpgradeDoesNotAlert stores a version as an older
// extraction read its page (link texts glued, a "Play Video" button kept)
// and then checks the unchanged page with today's extraction: the new
// version is stored as read, but compared with the old snapshot read again
// the same way, so nothing material changed and nobody is alerted. A real
// edit made at the same time is still the change.
func TestExtractionUpgradeDoesNotAlert(t *testing.T) {
	const page = `<html><body><main>
<p>We share your phone number with our partners.</p>
<p><a href="/help">Help Center</a><a href="/delete">How to delete your account</a></p>
<button>Play Video</button>
</main></body></html>`
	const edited = `<html><body><main>
<p>We share your phone number and your location with our partners and advertisers.</p>
<p><a href="/help">Help Center</a><a href="/delete">How to delete your account</a></p>
<button>Play Video</button>
</main></body></html>`
	// What an older extraction stored for page.
	stored := policy.Document{Blocks: []policy.Block{
		{Kind: policy.Paragraph, Text: "We share your phone number with our partners."},
		{Kind: policy.Paragraph, Text: "Help CenterHow to delete your account"},
		{Kind: policy.Paragraph, Text: "Play Video"},
	}}
	tests := []struct {
		name      string
		body      string
		material  bool
		wantAlert bool
	}{
		{"same page, better extraction", page, false, false},
		{"a real edit with the upgrade", edited, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			tr, db, clk := newTracker(t, srv.Client())
			doc := config.Document{ID: "doc", URL: srv.URL, Select: []string{"main"}, Language: "en"}
			syncDoc(t, db, doc)
			ctx := context.Background()
			first, err := recordtest.Record(ctx, db, data.Observation{
				Fetch:    data.Fetch{DocumentID: doc.ID, StartedAt: clk.now(), URL: srv.URL, FinalURL: srv.URL, Status: 200, Bytes: int64(len(page))},
				Snapshot: &data.Snapshot{URL: srv.URL, Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Body: []byte(page)},
				Document: &stored,
			})
			if err != nil || first.Version == nil {
				t.Fatalf("first version: %+v, %v", first, err)
			}
			res, err := tr.Check(ctx, doc)
			if err != nil {
				t.Fatal(err)
			}
			if res.Fetch.Outcome != data.NewVersion || res.Change == nil {
				t.Fatalf("outcome %s (%s), change %v; want a new version with its change", res.Fetch.Outcome, res.Fetch.Reason, res.Change)
			}
			if res.Change.State != data.Settling || res.Change.Alert {
				t.Errorf("new change is %s with alert %v, want settling without alert until the next fetch", res.Change.State, res.Change.Alert)
			}
			// The next fetch reads the same text: the change settles.
			again, err := tr.Check(ctx, doc)
			if err != nil {
				t.Fatal(err)
			}
			if again.Settled != res.Change.ID {
				t.Fatalf("second fetch (%s) settled change %d, want %d", again.Fetch.Outcome, again.Settled, res.Change.ID)
			}
			c, err := db.Change(ctx, res.Change.ID)
			if err != nil {
				t.Fatal(err)
			}
			if c.Material != tt.material || c.Alert != tt.wantAlert || c.State != data.Settled {
				t.Errorf("change material %v alert %v %s (topics %v, %s), want material %v alert %v settled",
					c.Material, c.Alert, c.State, c.Topics, c.Severity, tt.material, tt.wantAlert)
			}
		})
	}
}
