package tracker

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/scraper"
	"github.com/robfig/cron/v3"
)

// TestScheduleSpread puts 20,000 documents on the default schedule and
// counts the runs due in each minute of its six hours: about 56 on
// average, never a herd at minute 17. Each document's runs stay one period
// apart and none is due before the time asked about.
func TestScheduleSpread(t *testing.T) {
	tests := []struct {
		name, spec string
		period     time.Duration
	}{
		{"default, every six hours", "17 */6 * * *", 6 * time.Hour},
		{"every hour", "@every 1h", time.Hour},
		{"weekdays at nine, Madrid", "CRON_TZ=Europe/Madrid 0 9 * * 1-5", 24 * time.Hour},
	}
	from := time.Date(2026, 12, 7, 10, 3, 0, 0, time.UTC)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sched, err := cron.ParseStandard(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			if got := period(sched, from); got != tt.period {
				t.Fatalf("period = %s, want %s", got, tt.period)
			}
			const n = 20000
			perMinute := map[time.Time]int{}
			for i := range n {
				e := &entry{sched: sched, offset: spread(fmt.Sprintf("service-%d-privacy", i), tt.period)}
				first := e.due(from)
				if !first.After(from) {
					t.Fatalf("document %d due at %s, not after %s", i, first, from)
				}
				if second := e.due(first); second.Sub(first) < tt.period {
					t.Fatalf("document %d due at %s then %s, less than the period apart", i, first, second)
				}
				if first.Sub(from) <= 2*tt.period {
					perMinute[first.Truncate(time.Minute)]++
				}
			}
			most, mean := 0, float64(n)/tt.period.Minutes()
			for _, c := range perMinute {
				most = max(most, c)
			}
			if float64(most) > 2*mean+10 {
				t.Errorf("%d runs due in one minute, against %.1f a minute on average", most, mean)
			}
		})
	}
}

// TestSchedulerRunsAndStartsNew runs the scheduler on the real clock: a
// document never fetched is checked at start-up even on a yearly schedule,
// one fetched live before is not, and documents on a one-second schedule
// are checked again and again. Every wait polls.
func TestSchedulerRunsAndStartsNew(t *testing.T) {
	var (
		mu      sync.Mutex
		fetches = map[string]int{}
	)
	handler := policyHandler()
	_, client := manyHosts(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		fetches[r.URL.Path]++
		mu.Unlock()
		handler(w, r)
	}))
	db, err := data.Open(context.Background(), filepath.Join(t.TempDir(), "cw.db"), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	log := slog.New(slog.DiscardHandler)
	tr := New(db, scraper.NewHTTPFetcher(client, scraper.HTTPOptions{}), nil, time.Now, log)
	docs := poolDocs(t, db, 4, func(i int) string { return fmt.Sprintf("host-%d.test", i) })
	const yearly = "0 0 1 1 *"
	docs[0].Schedule, docs[1].Schedule = yearly, yearly // 0 never fetched, 1 fetched before
	docs[2].Schedule, docs[3].Schedule = "@every 1s", "@every 1s"
	if _, err := tr.Check(context.Background(), docs[1]); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	clear(fetches)
	mu.Unlock()

	cfg := &config.Config{Schedule: yearly, Documents: docs, Fetch: config.Fetch{Concurrency: 2}}
	s, err := NewScheduler(tr, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	path := func(i int) string { return fmt.Sprintf("/policy/%d", i) }
	deadline := time.Now().Add(2 * time.Minute)
	for {
		mu.Lock()
		done := fetches[path(0)] >= 1 && fetches[path(2)] >= 3 && fetches[path(3)] >= 3
		mu.Unlock()
		if done {
			break
		}
		if time.Now().After(deadline) {
			mu.Lock()
			t.Fatalf("after two minutes: fetches %v; want the new document once and the one-second ones three times", fetches)
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.Stop()
	mu.Lock()
	defer mu.Unlock()
	if n := fetches[path(0)]; n != 1 {
		t.Errorf("the never-fetched document on a yearly schedule was fetched %d times, want once at start-up", n)
	}
	if n := fetches[path(1)]; n != 0 {
		t.Errorf("the document fetched before, on a yearly schedule, was fetched %d times at start-up, want none", n)
	}
}
