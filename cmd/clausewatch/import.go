package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/scraper"
	"github.com/clausewatch/clausewatch/tracker"
)

func cmdImport(ctx context.Context, e *env, args []string) error {
	fs, cfgPath, dbPath := e.flags("import")
	var sel, rem stringList
	fs.Var(&sel, "select", "CSS `selector` of the policy text in HTML files (repeatable; default: the document's select)")
	fs.Var(&rem, "remove", "CSS `selector` to drop from HTML files (repeatable; default: the document's remove)")
	maxSize := fs.String("max-file-size", "", "refuse files larger than `SIZE` (e.g. 50MiB; default: the config's fetch.max_body, 10MiB)")
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
	limit, err := fileLimit(*maxSize, e.cfg.Fetch.MaxBody)
	if err != nil {
		return err
	}
	files, err := tracker.ParseImportFiles(pos[1:])
	if err != nil {
		return usageError{err}
	}
	for k := range files {
		files[k].MaxSize = limit
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
	ok, skipped := true, 0
	err = tr.Import(ctx, doc, files, rules, func(f tracker.ImportFile, res data.Result) {
		if res.Fetch.Outcome == tracker.AlreadyImported {
			skipped++
			fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", filepath.Base(f.Path), res.Fetch.Outcome, res.Fetch.Reason)
			return
		}
		ok = printResult(e.stdout, filepath.Base(f.Path), res) && ok
	})
	if skipped > 0 {
		fmt.Fprintf(e.stdout, "skipped %d of %d files already imported (same time, same text)\n", skipped, len(files))
	}
	if err != nil {
		return fileHint(err)
	}
	if !ok {
		return exitError{exitFailed}
	}
	return nil
}

// fileLimit reads --max-file-size, def when it is empty.
func fileLimit(flag string, def int64) (int64, error) {
	if flag == "" {
		return def, nil
	}
	n, err := config.ParseSize(flag)
	if err != nil || n <= 0 {
		return 0, usagef("--max-file-size %q: want a size such as 50MiB or 52428800", flag)
	}
	return n, nil
}

// fileHint adds to a file refused by scraper.ReadFile what to do about it.
func fileHint(err error) error {
	if errors.Is(err, scraper.ErrFileTooLarge) {
		return fmt.Errorf("%w (if the file really is a policy, raise the limit with --max-file-size, e.g. --max-file-size 50MiB)", err)
	}
	return err
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }
