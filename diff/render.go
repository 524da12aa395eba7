package diff

import (
	"bufio"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"unicode"
)

// Group is a run of consecutive changes under the same section: what a
// reader reads section by section. Renderers print one heading per group.
type Group struct {
	Section []string
	Changes []Change
}

// Groups cuts the changes, in their order, into runs of equal section.
func Groups(cs ChangeSet) []Group {
	var out []Group
	for _, c := range cs.Changes {
		s := c.Section()
		if n := len(out); n > 0 && slices.Equal(out[n-1].Section, s) {
			out[n-1].Changes = append(out[n-1].Changes, c)
			continue
		}
		out = append(out, Group{Section: s, Changes: []Change{c}})
	}
	return out
}

// SummaryLine says in one line how many changes of each kind there are and
// whether any is material, e.g. "3 changes (material): 2 modified, 1 added;
// 40 clauses unchanged".
func SummaryLine(cs ChangeSet) string {
	s := cs.Summary
	if s.Total() == 0 {
		return fmt.Sprintf("no changes; %d clauses unchanged", s.Unchanged)
	}
	var parts []string
	for _, k := range []struct {
		n    int
		kind string
	}{{s.Modified, Modified}, {s.Added, Added}, {s.Removed, Removed}, {s.Moved, Moved}, {s.Split, Split}, {s.Merged, Merged}} {
		if k.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", k.n, k.kind))
		}
	}
	status := "cosmetic only"
	if cs.Material {
		status = "material"
	}
	return fmt.Sprintf("%d %s (%s): %s; %d clauses unchanged", s.Total(), plural(s.Total(), "change"), status, strings.Join(parts, ", "), s.Unchanged)
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// symbol marks each kind of change, so that the kind is visible without
// colour (in a terminal piped to a file, or an email client without CSS).
func symbol(kind string) string {
	switch kind {
	case Added:
		return "+"
	case Removed:
		return "-"
	case Modified:
		return "~"
	case Moved:
		return ">"
	case Split:
		return "<"
	case Merged:
		return "="
	}
	return "?"
}

// label describes a change's kind and the clause ids it involves.
func label(c Change) string {
	ids := func(cl *Clause, parts []Clause) string {
		if len(parts) == 0 {
			return cl.ID
		}
		s := make([]string, len(parts))
		for k, p := range parts {
			s[k] = p.ID
		}
		return strings.Join(s, ", ")
	}
	switch c.Kind {
	case Added:
		return "added " + ids(c.New, c.NewParts)
	case Removed:
		return "removed " + ids(c.Old, c.OldParts)
	case Split:
		return "split " + ids(c.Old, nil) + " into " + ids(c.New, c.NewParts)
	case Merged:
		return "merged " + ids(c.Old, c.OldParts) + " into " + ids(c.New, nil)
	case Moved:
		return "moved " + c.New.ID + " from " + sectionTitle(c.Old.Section)
	}
	return c.Kind + " " + c.New.ID
}

func sectionTitle(s []string) string {
	if len(s) == 0 {
		return "(top of the document)"
	}
	return strings.Join(s, " › ")
}

// ANSI escapes used by the text renderer on a terminal.
const (
	ansiReset = "\x1b[0m"
	ansiBold  = "\x1b[1m"
	ansiRed   = "\x1b[31m"
	ansiGreen = "\x1b[32m"
	ansiCyan  = "\x1b[36m"
)

// WriteText writes the change set for a terminal or a plain-text email:
// a summary line, the effective dates, then each section's changes, with
// deleted words as [-...-] and inserted words as {+...+}, as git's word diff
// writes them. With color (pass it only when w is a terminal) deletions are
// red, insertions green and headings bold. Control characters in the policy
// text are shown as U+FFFD so that a page cannot drive the terminal.
func WriteText(w io.Writer, cs ChangeSet, color bool) error {
	bw := bufio.NewWriter(w)
	paint := func(code, s string) string {
		if !color || s == "" {
			return s
		}
		return code + s + ansiReset
	}
	fmt.Fprintln(bw, SummaryLine(cs))
	if d := cs.EffectiveDate; d.Old != "" || d.New != "" {
		fmt.Fprintf(bw, "effective date: %s -> %s\n", orNone(d.Old), orNone(d.New))
	}
	for _, g := range Groups(cs) {
		fmt.Fprintf(bw, "\n%s\n", paint(ansiBold, "## "+safeText(sectionTitle(g.Section))))
		for _, c := range g.Changes {
			head := symbol(c.Kind) + " " + label(c)
			if !c.Material {
				head += " (cosmetic)"
			}
			fmt.Fprintf(bw, "%s\n  ", paint(ansiCyan, safeText(head)))
			switch {
			case len(c.Words) > 0:
				for _, s := range c.Words {
					t := safeText(s.Text)
					switch s.Op {
					case OpDelete:
						bw.WriteString(paint(ansiRed, "[-"+t+"-]"))
					case OpInsert:
						bw.WriteString(paint(ansiGreen, "{+"+t+"+}"))
					default:
						bw.WriteString(t)
					}
				}
			case c.New != nil:
				bw.WriteString(paint(ansiGreen, safeText(c.New.Text)))
			case c.Old != nil:
				bw.WriteString(paint(ansiRed, safeText(c.Old.Text)))
			}
			bw.WriteString("\n")
		}
	}
	return bw.Flush()
}

func orNone(s string) string {
	if s == "" {
		return "none stated"
	}
	return s
}

// safeText replaces control characters (escape sequences, line breaks
// smuggled into a clause) with U+FFFD.
func safeText(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '\uFFFD'
		}
		return r
	}, s)
}

// WriteJSON writes the change set as indented JSON, the format documented in
// docs/changeset.md.
func WriteJSON(w io.Writer, cs ChangeSet) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(cs)
}

// htmlTemplates holds the templates of HTML renderings; NewHTMLRenderer
// parses them, so that only the commands that write HTML pay for it.
//
//go:embed templates/*.tmpl
var htmlTemplates embed.FS

// changesetTemplate is the file of the change set fragment in htmlTemplates.
const changesetTemplate = "templates/changeset.tmpl"

// HTMLRenderer writes change sets as HTML fragments. Its template is parsed
// by NewHTMLRenderer so that a broken template stops start-up rather than
// the first rendering. It is safe for concurrent use.
type HTMLRenderer struct {
	changeset *template.Template
}

// NewHTMLRenderer parses the embedded template of the HTML fragment.
func NewHTMLRenderer() (*HTMLRenderer, error) {
	return newHTMLRenderer(htmlTemplates)
}

// newHTMLRenderer parses the template from fsys, which tests replace.
func newHTMLRenderer(fsys fs.FS) (*HTMLRenderer, error) {
	t, err := template.New(path.Base(changesetTemplate)).Funcs(template.FuncMap{
		"groups":  Groups,
		"summary": SummaryLine,
		"section": sectionTitle,
		"symbol":  symbol,
		"title":   func(kind string) string { return strings.ToUpper(kind[:1]) + kind[1:] },
		"anchor": func(c Change) string {
			if c.New != nil {
				return c.New.ID
			}
			return c.Old.ID
		},
	}).ParseFS(fsys, changesetTemplate)
	if err != nil {
		return nil, fmt.Errorf("diff: parse %s: %w", changesetTemplate, err)
	}
	return &HTMLRenderer{changeset: t}, nil
}

// WriteHTML writes the change set as an HTML fragment (no <html> or <body>)
// for web pages and emails: a summary, the effective dates, and for each
// section a heading and its changes, each with a visible symbol and label
// (so the kind shows even where styles are stripped), an anchor named after
// the clause id, and the words in <ins> and <del>. Inline styles keep the
// colours in email clients that drop style sheets. All policy text is
// escaped by html/template.
func (r *HTMLRenderer) WriteHTML(w io.Writer, cs ChangeSet) error {
	return r.changeset.Execute(w, cs)
}
