package tracker

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"sync"
	"time"

	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/data"
	"github.com/robfig/cron/v3"
)

// Scheduler checks every configured document on its cron schedule.
type Scheduler struct {
	cron   *cron.Cron
	tr     *Tracker
	docs   []config.Document
	jitter time.Duration
	log    *slog.Logger

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// NewScheduler prepares one cron entry per document. Each run waits a delay
// derived from the document id, up to jitter, so that documents on one host do
// not all start in the same second; a run still going when the next is due is
// skipped, and a panic in one run is logged instead of killing the service.
func NewScheduler(tr *Tracker, cfg *config.Config, jitter time.Duration, log *slog.Logger) (*Scheduler, error) {
	cl := cronLogger{log}
	s := &Scheduler{
		cron:   cron.New(cron.WithLocation(time.UTC), cron.WithLogger(cl), cron.WithChain(cron.Recover(cl), cron.SkipIfStillRunning(cl))),
		tr:     tr,
		docs:   cfg.Documents,
		jitter: jitter,
		log:    log,
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	for _, doc := range cfg.Documents {
		spec := doc.EffectiveSchedule(cfg)
		if _, err := s.cron.AddFunc(spec, func() { s.run(doc, s.delay(doc.ID)) }); err != nil {
			return nil, fmt.Errorf("tracker: schedule %s (%q): %w", doc.ID, spec, err)
		}
	}
	return s, nil
}

// Start begins the schedule and, for documents never fetched successfully,
// or whose versions were all imported (the bundled history) and whose page
// was never fetched, a first check right away, so a new installation has
// live versions, or says why it has none, within minutes.
func (s *Scheduler) Start(ctx context.Context) error {
	for _, doc := range s.docs {
		now, err := s.needsFirstCheck(ctx, doc)
		if err != nil {
			return fmt.Errorf("tracker: start scheduler: %w", err)
		}
		if now {
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				s.run(doc, s.delay(doc.ID))
			}()
		}
	}
	s.cron.Start()
	return nil
}

// needsFirstCheck says whether doc has no version, or was never fetched
// live (its versions all imported).
func (s *Scheduler) needsFirstCheck(ctx context.Context, doc config.Document) (bool, error) {
	_, err := s.tr.db.LatestVersion(ctx, doc.ID)
	switch {
	case errors.Is(err, data.ErrNotFound):
		return true, nil
	case err != nil:
		return false, err
	}
	fetched, err := s.tr.db.FetchedLive(ctx, doc.ID)
	return !fetched, err
}

// Stop stops scheduling, abandons runs still waiting out their jitter and
// waits for fetches in flight to finish and be recorded.
func (s *Scheduler) Stop() {
	s.cancel()
	<-s.cron.Stop().Done()
	s.wg.Wait()
}

// delay spreads documents over the jitter window deterministically, so that
// restarts keep the same spacing.
func (s *Scheduler) delay(id string) time.Duration {
	if s.jitter <= 0 {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(id))
	return time.Duration(h.Sum64() % uint64(s.jitter))
}

func (s *Scheduler) run(doc config.Document, delay time.Duration) {
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-s.ctx.Done():
		return
	case <-t.C:
	}
	// The fetch itself is not cancelled by shutdown: it is bounded by the HTTP
	// client's timeout and is recorded before the database closes.
	ctx := context.WithoutCancel(s.ctx)
	if _, err := s.tr.Check(ctx, doc); err != nil {
		s.log.Error("scheduled check failed", "document", doc.ID, "err", err)
	}
}

// cronLogger sends cron's own messages to slog.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
