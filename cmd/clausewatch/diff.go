package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/andybalholm/cascadia"

	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/policy"
	"github.com/clausewatch/clausewatch/scraper"
)

// cmdDiff compares two local files clause by clause. It reads no config and
// opens no database: --config and --db are accepted, as every command takes
// them, and ignored.
func cmdDiff(_ context.Context, e *env, args []string) error {
	fs, _, _ := e.flags("diff")
	format := fs.String("format", "text", "output `format`: text, json or html")
	var sel, rem stringList
	fs.Var(&sel, "select", "CSS `selector` of the policy text in HTML files (repeatable; default: main, article or body)")
	fs.Var(&rem, "remove", "CSS `selector` to drop from HTML files (repeatable)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("want two files: clausewatch diff OLD NEW [--format text|json|html]")
	}
	switch *format {
	case "text", "json", "html":
	default:
		return usagef("--format %q: want text, json or html", *format)
	}
	for _, s := range append(append([]string{}, sel...), rem...) {
		if _, err := cascadia.ParseGroup(s); err != nil {
			return usagef("invalid CSS selector %q: %v", s, err)
		}
	}
	// The HTML renderer is built before the files are read, so that a
	// broken template fails the command at once.
	var html *diff.HTMLRenderer
	if *format == "html" {
		if html, err = diff.NewHTMLRenderer(); err != nil {
			return err
		}
	}
	rules := scraper.Rules{Select: sel, Remove: rem}
	// Extraction is most of the work on large files; the two files are
	// independent, so they are read at the same time.
	var docs [2]policy.Document
	var errs [2]error
	var wg sync.WaitGroup
	for k := range docs {
		wg.Go(func() { docs[k], errs[k] = readPolicy(pos[k], rules) })
	}
	wg.Wait()
	if err := errors.Join(errs[:]...); err != nil {
		return err
	}
	cs := diff.Compare(docs[0], docs[1])
	switch *format {
	case "json":
		return diff.WriteJSON(e.stdout, cs)
	case "html":
		return html.WriteHTML(e.stdout, cs)
	}
	return diff.WriteText(e.stdout, cs, colorOK(e))
}

// readPolicy reads and extracts one file as `import` does: HTML with the
// rules, Markdown or plain text by extension.
func readPolicy(name string, rules scraper.Rules) (policy.Document, error) {
	body, err := os.ReadFile(name)
	if err != nil {
		return policy.Document{}, fmt.Errorf("read %s: %w (check the path and that the file is readable)", name, err)
	}
	doc, err := scraper.ExtractFile(name, body, rules)
	if err != nil {
		return policy.Document{}, fmt.Errorf("%w (check --select and --remove)", err)
	}
	return doc, nil
}

// colorOK reports whether to colour text output: only when stdout is a
// terminal and NO_COLOR (https://no-color.org) is unset or empty.
func colorOK(e *env) bool {
	if e.getenv("NO_COLOR") != "" || e.getenv("TERM") == "dumb" {
		return false
	}
	f, ok := e.stdout.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
