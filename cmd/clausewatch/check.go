package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/tracker"
)

func cmdCheck(ctx context.Context, e *env, args []string) error {
	fs, cfgPath, dbPath := e.flags("check")
	ids, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := e.load(*cfgPath, *dbPath, slog.LevelWarn); err != nil {
		return err
	}
	docs, err := e.documents(ids)
	if err != nil {
		return err
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	tr, closeBrowser := e.newTracker(db, docs)
	defer closeBrowser()
	// A check fetches each document once: the 304s that settle nothing are
	// written together, after the run or a few hundred at a time.
	tr.DeferNotModified()

	// Lines are printed in the configuration's order as soon as the
	// documents before them are done; each result is dropped once its
	// line is written, so the run holds lines, not pages.
	out := &orderedLines{w: e.stdout, lines: make([]string, len(docs))}
	pool := tracker.NewPool(tr, e.cfg.Fetch.Concurrency)
	// An interrupt drops the documents still queued; those in flight are
	// recorded and printed.
	stop := context.AfterFunc(ctx, pool.Stop)
	defer stop()
	for i, d := range docs {
		pool.Submit(ctx, d, func(res data.Result, err error) {
			var b strings.Builder
			ok := err == nil
			if err != nil {
				fmt.Fprintf(&b, "%s\terror\t%v\n", d.ID, err)
			} else {
				ok = printResult(&b, d.ID, res)
			}
			out.put(i, b.String(), ok)
		})
	}
	pool.Drain()
	// Written whether or not the run was stopped: their lines are out.
	if err := tr.FlushNotModified(context.WithoutCancel(ctx)); err != nil {
		out.flush()
		return err
	}
	if err := ctx.Err(); err != nil {
		checked := out.flush()
		return fmt.Errorf("check stopped (%w) after %d of %d documents; the others were not fetched", err, checked, len(docs))
	}
	if out.failed > 0 {
		return exitError{exitFailed}
	}
	return nil
}

// orderedLines writes lines that arrive in any order in index order. A
// line ends in a newline, so an empty one is one not yet arrived (or
// already written).
type orderedLines struct {
	w      io.Writer
	mu     sync.Mutex
	lines  []string
	next   int
	failed int
	n      int
}

func (o *orderedLines) put(i int, line string, ok bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !ok {
		o.failed++
	}
	o.n++
	o.lines[i] = line
	for o.next < len(o.lines) && o.lines[o.next] != "" {
		io.WriteString(o.w, o.lines[o.next])
		o.lines[o.next] = ""
		o.next++
	}
}

// flush writes the lines still held back behind documents that were never
// checked, and returns how many documents were.
func (o *orderedLines) flush() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	for ; o.next < len(o.lines); o.next++ {
		io.WriteString(o.w, o.lines[o.next])
		o.lines[o.next] = ""
	}
	return o.n
}

// printResult writes one line for a recorded fetch and reports whether the
// document was fetched fine (a new version, unchanged, not modified, or
// superseded by an overlapping check that stored a later text).
func printResult(w io.Writer, label string, r data.Result) bool {
	f := r.Fetch
	switch f.Outcome {
	case data.NewVersion:
		line := fmt.Sprintf("%s\tnew-version\tversion %d", label, r.Version.ID)
		if r.Change != nil {
			kind := "cosmetic"
			if r.Change.Material {
				kind = "material"
			}
			if r.Change.Capture != "" {
				kind += ", " + r.Change.Capture
			}
			line += fmt.Sprintf(", change %d (%s, severity %s, %s)", r.Change.ID, kind, r.Change.Severity, changeState(r.Change.State))
		}
		fmt.Fprintln(w, line)
	case data.Unchanged, data.NotModified:
		line := fmt.Sprintf("%s\t%s\tversion %d", label, f.Outcome, r.Fetch.VersionID)
		if r.Settled != 0 {
			line += fmt.Sprintf(", change %d settled", r.Settled)
		}
		fmt.Fprintln(w, line)
	case data.Superseded:
		fmt.Fprintf(w, "%s\t%s\t%s\n", label, f.Outcome, f.Reason)
	case data.Failed:
		// A failure's reason says all of it in plain words ("cannot
		// connect to 127.0.0.1:9: connection refused", "HTTP 404 Not
		// Found"); its class, kept with the fetch, would say it again.
		fmt.Fprintf(w, "%s\t%s\t%s\n", label, f.Outcome, oneLine(firstNonEmpty(f.Reason, f.ErrorClass)))
		return false
	default:
		fmt.Fprintf(w, "%s\t%s\t%s: %s\n", label, f.Outcome, f.ErrorClass, f.Reason)
		return false
	}
	return true
}

// changeState says in a few words what a change's state means for alerts.
func changeState(s data.ChangeState) string {
	switch s {
	case data.Settling:
		return "awaiting confirmation by the next fetch"
	case data.Transient:
		return "did not last, not alerted"
	}
	return string(s)
}
