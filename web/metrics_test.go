package web

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/internal/recordtest"
)

// TestMetrics checks the figures of /metrics against the fixture: two
// documents, one failing, and an outbox row in an unknown state.
func TestMetrics(t *testing.T) {
	f := newFixture(t)
	// A failed fetch of the Meta document after its versions.
	if _, err := recordtest.Record(context.Background(), f.db, data.Observation{Fetch: data.Fetch{
		DocumentID: metaID, StartedAt: fixtureT0.Add(96 * 3600e9), URL: "https://example.com/meta",
		Outcome: data.Failed, ErrorClass: "timeout", Reason: "no answer within 30s"}}); err != nil {
		t.Fatal(err)
	}
	// A confirmation email whose sending was interrupted: it may or may
	// not have been delivered.
	ctx := context.Background()
	if _, err := f.db.Subscribe(ctx, data.SubscribeRequest{Email: "reporter@example.org", Lang: "en", Subscription: data.Subscription{Frequency: "immediate"}}); err != nil {
		t.Fatal(err)
	}
	due, err := f.db.DueDeliveries(ctx, time.Now().Add(100000*time.Hour), data.DueDelivery{}, 10)
	if err != nil || len(due) != 1 {
		t.Fatalf("due deliveries = %v, %v; want the confirmation", due, err)
	}
	claim, err := f.db.ClaimDelivery(ctx, due[0].ID)
	if err != nil || claim == nil {
		t.Fatalf("claim: %v, %v", claim, err)
	}
	if err := f.db.MarkUnknown(ctx, claim, "connection reset after DATA"); err != nil {
		t.Fatal(err)
	}
	resp, body := f.get(t, "GET", "/metrics")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("GET /metrics: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	samples := map[string]string{}
	typed := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if name, ok := strings.CutPrefix(line, "# TYPE "); ok {
			typed[strings.Fields(name)[0]] = true
			continue
		}
		if strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			t.Fatalf("malformed sample line %q", line)
		}
		name := line[:i]
		if base, _, ok := strings.Cut(name, "{"); !typed[base] || (ok && !strings.HasSuffix(name, "}")) {
			t.Errorf("sample %q has no TYPE line before it or a broken label set", line)
		}
		samples[name] = line[i+1:]
	}
	tests := []struct{ sample, want string }{
		{`clausewatch_documents`, "2"},
		{`clausewatch_versions`, "6"},
		{`clausewatch_documents_failing`, "1"},
		{`clausewatch_documents_never_succeeded`, "0"},
		{`clausewatch_fetches_total{outcome="failed"}`, "1"},
		{`clausewatch_fetches_total{outcome="new-version"}`, "6"},
		{`clausewatch_oldest_success_timestamp_seconds`, "1.609884e+09"}, // Meta's, fixtureT0 + 36h
		{`clausewatch_deliveries{status="unknown"}`, "1"},
		{`clausewatch_deliveries{status="failed"}`, "0"},
		{`clausewatch_deliveries{status="sending"}`, "0"},
	}
	for _, tt := range tests {
		if got, ok := samples[tt.sample]; !ok || got != tt.want {
			t.Errorf("%s = %q (present %v), want %s", tt.sample, got, ok, tt.want)
		}
	}
	// Every figure sums the documents: no series names one, so that 20,000
	// documents make no more lines than two.
	for name := range samples {
		if strings.Contains(name, "document=") {
			t.Errorf("sample %s is per document", name)
		}
	}
	if _, ok := samples["clausewatch_last_material_change_timestamp_seconds"]; !ok {
		t.Errorf("clausewatch_last_material_change_timestamp_seconds is missing; the fixture has material changes")
	}
}
