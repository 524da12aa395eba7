package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/tracker"
	"github.com/clausewatch/clausewatch/web"
)

// shutdownGrace bounds how long in-flight HTTP requests may take to finish.
const shutdownGrace = 10 * time.Second

func cmdServe(ctx context.Context, e *env, args []string) error {
	fs, cfgPath, dbPath := e.flags("serve")
	listen := fs.String("listen", "", "`ADDR` to listen on (default: $CLAUSEWATCH_LISTEN or "+defaultAddr+")")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if err := e.load(*cfgPath, *dbPath, slog.LevelInfo); err != nil {
		return err
	}
	addr := firstNonEmpty(*listen, e.getenv("CLAUSEWATCH_LISTEN"), defaultAddr)
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	tr, closeBrowser := e.newTracker(db, e.cfg.Documents)
	defer closeBrowser()
	sched, err := tracker.NewScheduler(tr, e.cfg, e.log)
	if err != nil {
		return err
	}

	al, err := e.newAlerts(ctx, db)
	if err != nil {
		return err
	}
	// A damaged file keeps serving what it can, but says so in the log and
	// in /healthz instead of failing one request at a time. quick_check
	// reads the whole file, which takes tens of seconds for thousands of
	// documents, so it runs beside the service rather than before it.
	// New clause texts (a first check of thousands of documents writes
	// millions) join the full-text index in the background too, so that
	// the first search after them does not do it. Both stop before the
	// database closes.
	integrity := &integrityCheck{}
	bg, stopBG := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { stopBG(); wg.Wait() }()
	wg.Add(2)
	go func() { defer wg.Done(); integrity.run(bg, e, db) }()
	go func() { defer wg.Done(); indexSearch(bg, e, db, time.Minute) }()
	site, err := web.New(db, e.now, e.log, web.Options{BaseURL: e.cfg.BaseURL, Subscriptions: al.subs, Integrity: integrity.result})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another clausewatch running? use --listen)", addr, err)
	}
	srv := &http.Server{
		Handler:           site.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	// The scheduler decides which documents need a first check before the
	// server answers, so a health check that succeeds means that decision is
	// made and a concurrent `clausewatch check` cannot change it.
	if err := sched.Start(ctx); err != nil {
		ln.Close()
		return err
	}
	// The dispatcher sends the outbox: alerts of changes this process and
	// any `clausewatch check` run record, confirmations, webhooks.
	al.dispatcher.Start(ctx)
	defer al.stop(e)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(web.Listener(ln)) }()
	e.log.Info("serving", "addr", ln.Addr().String(), "db", e.dbPath, "documents", len(e.cfg.Documents))

	select {
	case <-ctx.Done():
		e.log.Info("shutting down: finishing fetches in flight")
	case err := <-served:
		sched.Stop()
		return fmt.Errorf("http server: %w", err)
	}
	sched.Stop()
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("http server shutdown: %w", err)
	}
	e.log.Info("stopped")
	return nil
}

// integrityCheck holds what PRAGMA quick_check found, once it has run.
type integrityCheck struct {
	mu  sync.Mutex
	err error
}

func (c *integrityCheck) run(ctx context.Context, e *env, db *data.DB) {
	err := db.QuickCheck(ctx)
	switch {
	case ctx.Err() != nil:
		return // shutting down before it finished
	case err != nil:
		e.log.Error("database quick_check found problems", "db", e.dbPath, "err", err)
	default:
		e.log.Info("database quick_check ok", "db", e.dbPath)
	}
	c.mu.Lock()
	c.err = err
	c.mu.Unlock()
}

func (c *integrityCheck) result() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// indexSearch brings the full-text index and the documents of each text up
// to date now and every interval until ctx ends, so that the first search
// after a large check is quick.
func indexSearch(ctx context.Context, e *env, db *data.DB, interval time.Duration) {
	steps := []struct {
		what, unit string
		index      func(context.Context) (int64, error)
	}{
		{"clause texts", "texts", db.IndexTexts},
		{"the documents of clause texts", "versions", db.IndexTextDocuments},
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		for _, s := range steps {
			n, err := s.index(ctx)
			switch {
			case ctx.Err() != nil:
				return
			case err != nil:
				e.log.Warn("indexing "+s.what+" for search", "err", err)
			case n > 0:
				e.log.Info("indexed "+s.what+" for search", s.unit, n)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
