package main

import (
	"context"
	"log/slog"
	"path/filepath"
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
	// The document being imported gets the operator's files, not the
	// bundled history: both would be refused as out of order.
	db, err := e.open(ctx, doc.ID)
	if err != nil {
		return err
	}
	defer db.Close()
	// Import never alerts: it builds the tracker without a browser because it
	// fetches nothing.
	tr := tracker.New(db, nil, nil, e.now, e.log)
	ok := true
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
