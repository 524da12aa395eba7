package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/scraper"
	"github.com/clausewatch/clausewatch/tracker"
)

func cmdImport(ctx context.Context, e *env, args []string) error {
	fs, cfgPath, dbPath := e.flags("import")
	var sel, rem stringList
	fs.Var(&sel, "select", "CSS `selector` of the policy text in HTML files (repeatable; default: the document's select)")
	fs.Var(&rem, "remove", "CSS `selector` to drop from HTML files (repeatable; default: the document's remove)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		return usagef("want a document id and at least one file: clausewatch import ID FILE...")
	}
	if err := e.load(*cfgPath, *dbPath, slog.LevelWarn); err != nil {
		return err
	}
	docs, err := e.documents(pos[:1])
	if err != nil {
		return err
	}
	doc := docs[0]
	files, err := tracker.ParseImportFiles(pos[1:])
	if err != nil {
		return usageError{err}
	}
	rules := scraper.Rules{Select: doc.Select, Remove: doc.Remove}
	if len(sel) > 0 {
		rules.Select = sel
	}
	if len(rem) > 0 {
		rules.Remove = rem
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	// Import never alerts: it builds the tracker without a browser because it
	// fetches nothing.
	tr := tracker.New(db, nil, nil, e.now, e.log)
	ok := true
	defer importGC()()
	err = tr.Import(ctx, doc, files, rules, func(f tracker.ImportFile, res data.Result) {
		ok = printResult(e.stdout, filepath.Base(f.Path), res) && ok
	})
	if err != nil {
		return err
	}
	if !ok {
		return exitError{exitFailed}
	}
	return nil
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// importGCPercent is the garbage collector's target while importing, set
// here rather than in package tracker because it is process-wide state. An
// import allocates about 1.3 MB per file of a 300 KB policy (the file, its
// text, its extraction) and keeps little of it: the live heap stays around
// 25 MB, so the default (100) collects every other file. 200 halves the
// collections for about 15 MB more peak memory (bench/import.sh, 500
// versions: 0.66 -> 0.58 s, peak RSS 53 -> 68 MB); 400 gained nothing more
// for another 25 MB.
const importGCPercent = 200

// importGC raises the collector's target for the import and returns the
// function that restores it. A target the operator chose (GOGC, or a
// program that set its own) is left as it is.
func importGC() (restore func()) {
	old := debug.SetGCPercent(importGCPercent)
	if old != 100 {
		debug.SetGCPercent(old)
		return func() {}
	}
	return func() { debug.SetGCPercent(old) }
}
