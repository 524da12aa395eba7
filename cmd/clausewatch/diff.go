package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/andybalholm/cascadia"

	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/labels"
	"github.com/clausewatch/clausewatch/policy"
	"github.com/clausewatch/clausewatch/scraper"
	"github.com/clausewatch/clausewatch/topics"
)

// cmdDiff compares two local files clause by clause and classifies the
// result exactly as a stored change is classified (topics.Compare), so that
// what a reader sees here is what an alert about the same two versions
// would say. It reads no config and opens no database: --config and --db
// are accepted, as every command takes them, and ignored.
func cmdDiff(_ context.Context, e *env, args []string) error {
	fs, _, _ := e.flags("diff")
	format := fs.String("format", "text", "output `format`: text, json or html")
	lang := fs.String("lang", "", "`language` of the documents ("+strings.Join(topics.Languages(), ", ")+"); guessed from the text when empty")
	var sel, rem stringList
	fs.Var(&sel, "select", "CSS `selector` of the policy text in HTML files (repeatable; default: main, article or body)")
	fs.Var(&rem, "remove", "CSS `selector` to drop from HTML files (repeatable)")
	maxSize := fs.String("max-file-size", "", "refuse files larger than `SIZE` (e.g. 50MiB; default: 10MiB, as fetch.max_body)")
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
	if *lang != "" && !slices.Contains(topics.Languages(), *lang) {
		return usagef("--lang %q: want one of %s, or leave it out to guess the language from the text", *lang, strings.Join(topics.Languages(), ", "))
	}
	limit, err := fileLimit(*maxSize, config.Default().Fetch.MaxBody)
	if err != nil {
		return err
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
	// Both files are read before either is extracted, so that a file
	// refused (too large, a device) ends the command at once. Extraction
	// is most of the work on large files; the two files are independent,
	// so they are extracted at the same time.
	var bodies [2][]byte
	for k := range bodies {
		if bodies[k], err = readFile(pos[k], limit); err != nil {
			return err
		}
	}
	var docs [2]policy.Document
	var errs [2]error
	var wg sync.WaitGroup
	for k := range docs {
		wg.Go(func() { docs[k], errs[k] = extractFile(pos[k], bodies[k], rules) })
	}
	wg.Wait()
	if err := errors.Join(errs[:]...); err != nil {
		return err
	}
	cs := topics.Compare(docs[0], docs[1], *lang)
	// The headline is in the documents' language when headlines are
	// written in it (Spanish), else in English. The files name no
	// service: the headline calls it "the policy".
	hl := *lang
	if hl == "" {
		hl = topics.Language(docText(docs[1]))
	}
	headline := labels.Headline("", cs, hl)
	switch *format {
	case "json":
		return writeDiffJSON(e, headline, cs)
	case "html":
		return html.WriteHTML(e.stdout, cs)
	}
	color := colorOK(e)
	if cs.Summary.Total() > 0 {
		if err := writeMatters(e.stdout, headline, cs, color); err != nil {
			return err
		}
	}
	return diff.WriteText(e.stdout, cs, color)
}

// docText returns the start of a document's text, enough to guess its
// language.
func docText(d policy.Document) string {
	var b strings.Builder
	for _, bl := range d.Blocks {
		if b.Len() > 16<<10 {
			break
		}
		b.WriteString(bl.Text)
		b.WriteString("\n")
	}
	return b.String()
}

// diffJSON is `diff --format json`: the change set (docs/changeset.md), with
// every list present, and the headline a stored change would get.
type diffJSON struct {
	Headline string `json:"headline"`
	diff.ChangeSet
}

func writeDiffJSON(e *env, headline string, cs diff.ChangeSet) error {
	cs.Sharing = diff.SharingWithLists(cs.Sharing)
	if cs.Topics == nil {
		cs.Topics = []string{}
	}
	matters := make([]diff.Matter, len(cs.Matters))
	for i, m := range cs.Matters {
		if m.Topics == nil {
			m.Topics = []string{}
		}
		matters[i] = m
	}
	cs.Matters = matters
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(diffJSON{Headline: headline, ChangeSet: cs})
}

// writeMatters writes what the text format opens with: the headline, the
// severity and topics, and the what-matters list, each entry its first
// clause edit with its section, severity, topics and the changed words
// (how many clauses carry the same edit when more than one). The full
// clause diff (diff.WriteText) follows it.
func writeMatters(w io.Writer, headline string, cs diff.ChangeSet, color bool) error {
	bw := bufio.NewWriter(w)
	bold := func(s string) string {
		if !color {
			return s
		}
		return "\x1b[1m" + s + "\x1b[0m"
	}
	fmt.Fprintln(bw, bold(oneLine(headline)))
	fmt.Fprintf(bw, "severity: %s; topics: %s\n", orDash(string(cs.Severity)), orDash(strings.Join(cs.Topics, ", ")))
	if len(cs.Matters) > 0 {
		fmt.Fprintln(bw, "\nwhat matters:")
	}
	for n, m := range cs.Matters {
		if len(m.Changes) == 0 || m.Changes[0] < 0 || m.Changes[0] >= len(cs.Changes) {
			continue
		}
		c := cs.Changes[m.Changes[0]]
		head := fmt.Sprintf("%d. [%s] %s: %s", n+1, m.Severity, sectionTitle(c.Section()), c.Kind)
		if k := len(m.Changes); k > 1 {
			head += fmt.Sprintf(", the same edit in %d clauses", k)
		}
		if len(m.Topics) > 0 {
			head += " (" + strings.Join(m.Topics, ", ") + ")"
		}
		fmt.Fprintf(bw, "%s\n   %s\n", oneLine(head), clauseWords(c))
	}
	fmt.Fprintln(bw)
	return bw.Flush()
}

// clauseWords writes a clause edit on one line as git's word diff does:
// [-deleted-] and {+inserted+} words, or the whole text of a clause added
// or removed.
func clauseWords(c diff.Change) string {
	var b strings.Builder
	switch {
	case len(c.Words) > 0:
		for _, s := range c.Words {
			switch s.Op {
			case diff.OpDelete:
				b.WriteString("[-" + s.Text + "-]")
			case diff.OpInsert:
				b.WriteString("{+" + s.Text + "+}")
			default:
				b.WriteString(s.Text)
			}
		}
	case c.New != nil:
		b.WriteString(c.New.Text)
	case c.Old != nil:
		b.WriteString(c.Old.Text)
	}
	return oneLine(b.String())
}

func sectionTitle(s []string) string {
	if len(s) == 0 {
		return "(top of the document)"
	}
	return strings.Join(s, " › ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// readPolicy reads and extracts one file as `import` does: HTML with the
// rules, Markdown or plain text by extension; a file larger than limit
// bytes is refused before it is read.
func readPolicy(name string, rules scraper.Rules, limit int64) (policy.Document, error) {
	body, err := readFile(name, limit)
	if err != nil {
		return policy.Document{}, err
	}
	return extractFile(name, body, rules)
}

// readFile reads a file for diff, saying what to do when it cannot.
func readFile(name string, limit int64) ([]byte, error) {
	body, err := scraper.ReadFile(name, limit)
	switch {
	case errors.Is(err, scraper.ErrFileTooLarge), errors.Is(err, scraper.ErrNotRegular):
		return nil, fileHint(err)
	case err != nil:
		return nil, fmt.Errorf("%w (check the path and that the file is readable)", err)
	}
	return body, nil
}

// extractFile extracts a file diff has read.
func extractFile(name string, body []byte, rules scraper.Rules) (policy.Document, error) {
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
