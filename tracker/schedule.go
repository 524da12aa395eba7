package tracker

import (
	"container/heap"
	"context"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/data"
	"github.com/robfig/cron/v3"
)

// Scheduler checks every configured document on its cron schedule, through
// a Pool: a bounded number of fetches at once, one per host.
//
// Documents that share a schedule are spread over its period: each runs at
// the schedule's times shifted by an offset derived from its id, so twenty
// thousand documents on "17 */6 * * *" are not all due at minute 17 but
// about one every second over the six hours, and restarts keep the same
// spacing. A document whose last check is still queued or running when it
// is due again is skipped, with a warning, rather than queued twice.
type Scheduler struct {
	pool    *Pool
	tr      *Tracker
	entries entryHeap
	jitter  time.Duration
	now     func() time.Time
	log     *slog.Logger

	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
}

// entry is one document's place in the schedule.
type entry struct {
	doc    config.Document
	sched  cron.Schedule
	offset time.Duration // within the schedule's period
	next   time.Time
}

// NewScheduler prepares the schedule of every document of cfg, checked on
// cfg.Fetch.Concurrency workers. Each run also waits a random delay of up
// to cfg.Fetch.Jitter.
func NewScheduler(tr *Tracker, cfg *config.Config, log *slog.Logger) (*Scheduler, error) {
	s := &Scheduler{
		tr:     tr,
		jitter: cfg.Fetch.Jitter,
		now:    tr.now,
		log:    log,
		done:   make(chan struct{}),
	}
	parsed := map[string]cron.Schedule{}
	periods := map[string]time.Duration{}
	now := s.now().UTC()
	for _, doc := range cfg.Documents {
		spec := doc.EffectiveSchedule(cfg)
		sched, ok := parsed[spec]
		if !ok {
			var err error
			if sched, err = cron.ParseStandard(spec); err != nil {
				return nil, fmt.Errorf("tracker: schedule %s (%q): %w", doc.ID, spec, err)
			}
			parsed[spec], periods[spec] = sched, period(sched, now)
		}
		s.entries = append(s.entries, &entry{doc: doc, sched: sched, offset: spread(doc.ID, periods[spec])})
	}
	s.pool = NewPool(tr, cfg.Fetch.Concurrency)
	return s, nil
}

// period is the shortest gap between consecutive times of sched over its
// next few runs: an offset below it never moves a run past the next one.
func period(sched cron.Schedule, from time.Time) time.Duration {
	var shortest time.Duration
	t := sched.Next(from)
	for range 16 {
		next := sched.Next(t)
		if next.IsZero() {
			break
		}
		if gap := next.Sub(t); shortest == 0 || gap < shortest {
			shortest = gap
		}
		t = next
	}
	return shortest
}

// spread is the offset of the document id within a period, the same on
// every start.
func spread(id string, period time.Duration) time.Duration {
	if period <= 0 {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(id))
	return time.Duration(h.Sum64() % uint64(period))
}

// due is the document's first run after t: the schedule's next time after
// t-offset, shifted by offset. An "@every" schedule counts from the time it
// is asked about, which would line every document up again; its runs are
// taken on a grid of its interval from the Unix epoch instead.
func (e *entry) due(t time.Time) time.Time {
	if every, ok := e.sched.(cron.ConstantDelaySchedule); ok && every.Delay > 0 {
		d := int64(every.Delay)
		since := t.Add(-e.offset).UnixNano()
		return time.Unix(0, (since/d+1)*d).Add(e.offset).UTC()
	}
	next := e.sched.Next(t.Add(-e.offset))
	if next.IsZero() {
		return next
	}
	return next.Add(e.offset)
}

// Start queues a first check of the documents that need one (see
// data.DB.NeedFirstCheck); the pool fetches them a few at a time, one per
// host, then the schedule goes on.
func (s *Scheduler) Start(ctx context.Context) error {
	first, err := s.tr.db.NeedFirstCheck(ctx)
	if err != nil {
		return fmt.Errorf("tracker: start scheduler: %w", err)
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	now := s.now().UTC()
	for _, e := range s.entries {
		e.next = e.due(now)
		if _, ok := slices.BinarySearch(first, e.doc.ID); ok {
			s.submit(e)
		}
	}
	s.entries = slices.DeleteFunc(s.entries, func(e *entry) bool { return e.next.IsZero() })
	heap.Init(&s.entries)
	go s.loop()
	return nil
}

// Stop stops scheduling, drops the checks still queued and waits for the
// fetches in flight to finish and be recorded.
func (s *Scheduler) Stop() {
	if s.cancel == nil {
		s.pool.Stop()
		return
	}
	s.cancel()
	<-s.done
	s.pool.Stop()
}

func (s *Scheduler) loop() {
	defer close(s.done)
	timer := time.NewTimer(0)
	defer timer.Stop()
	for len(s.entries) > 0 {
		timer.Reset(s.entries[0].next.Sub(s.now()))
		select {
		case <-s.ctx.Done():
			return
		case <-timer.C:
		}
		now := s.now().UTC()
		for len(s.entries) > 0 && !s.entries[0].next.After(now) {
			e := s.entries[0]
			s.submit(e)
			e.next = e.due(now)
			if e.next.IsZero() {
				heap.Pop(&s.entries)
				continue
			}
			if s.jitter > 0 {
				e.next = e.next.Add(rand.N(s.jitter))
			}
			heap.Fix(&s.entries, 0)
		}
	}
}

// submit queues a check of e's document. The fetch itself is not cancelled
// by shutdown: it is bounded by the HTTP client's timeout and is recorded
// before the database closes.
func (s *Scheduler) submit(e *entry) {
	id := e.doc.ID
	ok := s.pool.Submit(context.WithoutCancel(s.ctx), e.doc, func(_ data.Result, err error) {
		if err != nil {
			s.log.Error("scheduled check failed", "document", id, "err", err)
		}
	})
	if !ok && s.ctx.Err() == nil {
		s.log.Warn("document still being checked when due again; this run is skipped (raise fetch.concurrency or lengthen its schedule)", "document", id)
	}
}

// entryHeap orders entries by their next run.
type entryHeap []*entry

func (h entryHeap) Len() int           { return len(h) }
func (h entryHeap) Less(i, j int) bool { return h[i].next.Before(h[j].next) }
func (h entryHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *entryHeap) Push(x any)        { *h = append(*h, x.(*entry)) }
func (h *entryHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}
