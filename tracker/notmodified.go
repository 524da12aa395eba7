package tracker

import (
	"context"
	"fmt"
	"sync"

	"github.com/clausewatch/clausewatch/data"
)

// maxNotModified bounds the 304s held before they are written, so that a
// check of thousands of documents holds a few hundred fetch rows at most.
const maxNotModified = 256

// notModifiedLog holds the fetches answered 304 that settle nothing until
// they are written together (data.DB.RecordNotModified).
type notModifiedLog struct {
	mu      sync.Mutex
	pending []data.Fetch
}

// DeferNotModified makes the tracker hold the fetches answered 304 that
// settle no change, and write them together: when maxNotModified wait, and
// at FlushNotModified. Committing each such row alone is most of what a
// check of an unchanged page costs. Check then returns their result with
// the version the 304 confirms (from Validators) before the row is
// stored, so a crash loses the last few rows that say "asked, not
// modified", and nothing else: a 304 that settles a change, and every
// other outcome, is recorded before Check returns. It is for a run that
// checks each document once and then calls FlushNotModified (clausewatch
// check); the scheduler, which checks documents again, records every fetch
// at once, so that the fetch log a later check reads is whole.
func (t *Tracker) DeferNotModified() {
	t.notModified = &notModifiedLog{}
}

// FlushNotModified writes the 304s DeferNotModified holds.
func (t *Tracker) FlushNotModified(ctx context.Context) error {
	if t.notModified == nil {
		return nil
	}
	t.notModified.mu.Lock()
	defer t.notModified.mu.Unlock()
	return t.notModified.flushLocked(ctx, t)
}

// add holds f, writing what is held once maxNotModified wait.
func (l *notModifiedLog) add(ctx context.Context, t *Tracker, f data.Fetch) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pending = append(l.pending, f)
	if len(l.pending) < maxNotModified {
		return nil
	}
	return l.flushLocked(ctx, t)
}

func (l *notModifiedLog) flushLocked(ctx context.Context, t *Tracker) error {
	if len(l.pending) == 0 {
		return nil
	}
	if err := t.db.RecordNotModified(ctx, l.pending); err != nil {
		// Kept, so that the next flush, at the latest the one that ends
		// the run, tries them again and reports it.
		return fmt.Errorf("tracker: %w", err)
	}
	t.log.Info("fetches recorded", "outcome", data.NotModified, "count", len(l.pending))
	l.pending = nil
	return nil
}
