package tracker

import (
	"context"
	"net/url"
	"strings"
	"sync"

	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/data"
)

// Pool checks documents on a fixed number of workers, fetching at most one
// document of a host at a time. Each host has its own queue and a worker
// takes the next document of a host nobody is fetching from, so a slow host
// holds one worker, never the others, and the fetcher's per-host wait is
// left for the minimum gap. A host is free again as soon as its request is
// over: its next document is fetched while the last one is recorded. The
// workers bound the pages fetched and parsed at once, and a document's
// result is handed to its callback and then dropped, so the memory a run
// needs does not grow with the number of documents.
//
// A document already queued or being checked is not queued again
// (skip-if-running): a schedule that fires while the last check of a
// document waits behind a slow host does not pile up checks of it.
type Pool struct {
	tr *Tracker

	mu      sync.Mutex
	cond    *sync.Cond
	hosts   map[string]*hostQueue
	ready   []*hostQueue // hosts with work and no fetch in flight, oldest first
	pending map[string]bool
	closing bool // no more submissions; workers exit when nothing is ready
	wg      sync.WaitGroup
}

type hostQueue struct {
	host string
	jobs []job
	busy bool
}

type job struct {
	ctx  context.Context
	doc  config.Document
	done func(data.Result, error)
}

// NewPool starts workers (at least one) that check documents with tr.
func NewPool(tr *Tracker, workers int) *Pool {
	p := &Pool{tr: tr, hosts: map[string]*hostQueue{}, pending: map[string]bool{}}
	p.cond = sync.NewCond(&p.mu)
	for range max(workers, 1) {
		p.wg.Add(1)
		go p.work()
	}
	return p
}

// Submit queues a check of doc; done, if not nil, gets its result from a
// worker. It returns false, and queues nothing, when the document is queued
// or being checked already, or the pool is stopping. A document whose ctx
// is done before its turn is dropped without a call to done.
func (p *Pool) Submit(ctx context.Context, doc config.Document, done func(data.Result, error)) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closing || p.pending[doc.ID] {
		return false
	}
	p.pending[doc.ID] = true
	key := hostKey(doc)
	q := p.hosts[key]
	if q == nil {
		q = &hostQueue{host: key}
		p.hosts[key] = q
	}
	q.jobs = append(q.jobs, job{ctx: ctx, doc: doc, done: done})
	if !q.busy && len(q.jobs) == 1 {
		p.ready = append(p.ready, q)
		p.cond.Signal()
	}
	return true
}

// Drain stops taking documents, checks every one queued and returns when
// all are done.
func (p *Pool) Drain() {
	p.mu.Lock()
	p.closing = true
	p.cond.Broadcast()
	p.mu.Unlock()
	p.wg.Wait()
}

// Stop stops taking documents, drops those still queued and returns when
// the checks in flight are recorded.
func (p *Pool) Stop() {
	p.mu.Lock()
	p.closing = true
	for _, q := range p.hosts {
		for _, j := range q.jobs {
			delete(p.pending, j.doc.ID)
		}
		q.jobs = nil
	}
	p.ready = nil
	p.cond.Broadcast()
	p.mu.Unlock()
	p.wg.Wait()
}

func (p *Pool) work() {
	defer p.wg.Done()
	for {
		p.mu.Lock()
		for len(p.ready) == 0 && !p.closing {
			p.cond.Wait()
		}
		if len(p.ready) == 0 {
			p.mu.Unlock()
			return
		}
		q := p.ready[0]
		p.ready[0] = nil
		p.ready = p.ready[1:]
		j := q.jobs[0]
		q.jobs[0] = job{}
		q.jobs = q.jobs[1:]
		q.busy = true
		p.mu.Unlock()

		if j.ctx.Err() != nil {
			// Stopped before its turn: not checked, nothing to report.
			p.hostDone(q)
		} else {
			res, err := p.tr.check(j.ctx, j.doc, func() { p.hostDone(q) })
			if j.done != nil {
				j.done(res, err)
			}
		}
		p.mu.Lock()
		delete(p.pending, j.doc.ID)
		p.mu.Unlock()
	}
}

// hostDone frees q's host once its request is over, while the worker goes
// on reading and recording the page: the next document of the host is
// fetched meanwhile.
func (p *Pool) hostDone(q *hostQueue) {
	p.mu.Lock()
	defer p.mu.Unlock()
	q.busy = false
	if len(q.jobs) > 0 {
		p.ready = append(p.ready, q)
		p.cond.Signal()
		return
	}
	delete(p.hosts, q.host)
}

// hostKey is the host a document's requests go to, as the fetcher's
// per-host limit names it; a URL that does not parse is its own host, and
// its check fails at once.
func hostKey(doc config.Document) string {
	u, err := url.Parse(doc.URL)
	if err != nil || u.Host == "" {
		return "document:" + doc.ID
	}
	return strings.ToLower(u.Host)
}
