package data

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestConcurrentHandles stands in for `clausewatch check` run from cron while
// `clausewatch serve` runs in another process: two handles on one file, each
// with several goroutines recording, while readers query both. No call may
// fail (in particular not with SQLITE_BUSY) and every row must be there.
func TestConcurrentHandles(t *testing.T) {
	const (
		perHandle = 4  // writer goroutines per handle
		records   = 50 // records per writer
	)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cw.db")
	serve, check := openAt(t, path), openAt(t, path)
	handles := []*DB{serve, check}

	var docs []Document
	for h := range handles {
		for w := range perHandle {
			docs = append(docs, Document{ID: fmt.Sprintf("doc-%d-%d", h, w), URL: "https://example.com"})
		}
	}
	docs = append(docs, Document{ID: "shared", URL: "https://example.com/shared"})
	if err := serve.SyncDocuments(ctx, docs); err != nil {
		t.Fatal(err)
	}

	var writers, readers sync.WaitGroup
	errs := make(chan error, 1000)
	done := make(chan struct{})
	var reads atomic.Int64

	for h, db := range handles {
		for w := range perHandle {
			writers.Add(1)
			go func() {
				defer writers.Done()
				id := fmt.Sprintf("doc-%d-%d", h, w)
				for i := range records {
					// Alternate between two texts, so every record is a new
					// version and all but the first carry a change.
					text := []string{"We share data with the Meta Companies.", "We do not share data with the Meta Companies."}[i%2]
					_, err := record(ctx, db, Observation{
						Fetch:    Fetch{DocumentID: id, StartedAt: t0.Add(time.Duration(i) * time.Minute), URL: "https://example.com", Status: 200},
						Snapshot: &Snapshot{Body: []byte("<p>" + text + "</p>")},
						Document: doc(text),
					})
					if err != nil {
						errs <- err
						return
					}
					if i%5 == 0 {
						// Failed fetches of one document from every writer.
						_, err := record(ctx, db, Observation{Fetch: Fetch{DocumentID: "shared", StartedAt: t0, Outcome: Failed, Reason: "timeout"}})
						if err != nil {
							errs <- err
							return
						}
					}
				}
			}()
		}
	}
	for h, db := range handles {
		readers.Add(1)
		go func() {
			defer readers.Done()
			id := fmt.Sprintf("doc-%d-0", 1-h) // read what the other handle writes
			for {
				select {
				case <-done:
					return
				default:
				}
				if _, err := db.Versions(ctx, id); err != nil {
					errs <- err
					return
				}
				if _, _, err := db.Changes(ctx, ChangeFilter{Limit: 10}); err != nil {
					errs <- err
					return
				}
				if _, err := db.Fetches(ctx, id, 5); err != nil {
					errs <- err
					return
				}
				if _, err := db.Validators(ctx, id); err != nil {
					errs <- err
					return
				}
				if _, err := db.LatestVersion(ctx, id); err != nil && !errors.Is(err, ErrNotFound) {
					errs <- err
					return
				}
				reads.Add(1)
			}
		}()
	}
	writers.Wait()
	close(done)
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if reads.Load() == 0 {
		t.Error("readers never completed a round while writers ran")
	}

	writersTotal := len(handles) * perHandle
	want := map[string]int{
		"fetches":   writersTotal*records + writersTotal*(records/5),
		"versions":  writersTotal * records,
		"changes":   writersTotal * (records - 1),
		"snapshots": writersTotal * 2,
	}
	for table, n := range want {
		if got := count(t, check, table); got != n {
			t.Errorf("%s: %d rows, want %d", table, got, n)
		}
	}
	for _, d := range docs[:writersTotal] {
		vs, err := check.Versions(ctx, d.ID)
		if err != nil || len(vs) != records {
			t.Errorf("Versions(%s) = %d, %v; want %d", d.ID, len(vs), err, records)
		}
	}
}
