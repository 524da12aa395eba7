package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
)

// command is one command as people meet it: what to type after its name,
// what it does and examples. Both `clausewatch --help` and `clausewatch
// COMMAND --help` are built from it, so that the list of commands and each
// command's own help never disagree.
type command struct {
	name string
	// synopsis holds the arguments after the name, one line per form of
	// the command; flags every command takes (--config, --db) are left
	// out.
	synopsis []string
	summary  string
	// arguments explains each positional argument, "NAME  what it is".
	arguments []string
	// examples are whole command lines, ready to copy.
	examples []string
	run      func(context.Context, *env, []string) error
}

// commands returns every command, in the order help lists them. It is a
// function rather than a package variable so that nothing can change the
// table while commands run.
func commands() []command {
	return []command{
		{name: "serve", synopsis: []string{"[--listen ADDR]"},
			summary:  "scheduler, web server and alert dispatcher, until SIGINT/SIGTERM",
			examples: []string{"clausewatch serve --config clausewatch.yaml --db /var/lib/clausewatch/cw.db --listen :8080"},
			run:      cmdServe},
		{name: "check", synopsis: []string{"[ID...]"},
			summary:   "fetch the documents now, once; one line per document: ID, outcome, detail",
			arguments: []string{"ID  a document id from the config (without --config, the embedded list); none: every document"},
			examples:  []string{"clausewatch check --db cw.db", "clausewatch check whatsapp-privacy-policy-eea --config clausewatch.yaml --db cw.db"},
			run:       cmdCheck},
		{name: "import", synopsis: []string{"ID FILE... [--source-url URL] [--archive NAME] [--archive-url URL] [--archive-license LICENCE]", "--map 'SERVICE/TERMS TYPE=ID'... DATASET..."},
			summary: "record archived copies (HTML, Markdown, text) as fetched at the time their names start with, oldest first; no alerts",
			arguments: []string{
				"ID       the document the files are copies of, from the config (without --config, the embedded list)",
				"FILE     a copy whose name starts with the time it was fetched: 2021-01-04, 2021-01-04T10-20-30Z, 2021-01-04T10-20-30+00-00",
				"DATASET  an Open Terms Archive dataset, a folder or .zip file laid out SERVICE/TERMS TYPE/TIME.md",
			},
			examples: []string{
				"clausewatch import whatsapp-privacy-policy-eea history/2021-01-04.md history/2021-05-15T10-20-30Z.md --archive TOSBack --db cw.db",
				"clausewatch import --map 'WhatsApp/Privacy Policy=whatsapp-privacy-policy-eea' contrib-dataset.zip --db cw.db",
			},
			run: cmdImport},
		{name: "history", synopsis: []string{"ID [--format json]"},
			summary:   "versions of a document, oldest first, numbered v1, v2, ... (reads the database only)",
			arguments: []string{"ID  a document id the database holds, or one the config names"},
			examples:  []string{"clausewatch history whatsapp-privacy-policy-eea --db cw.db", "clausewatch history whatsapp-privacy-policy-eea --db cw.db --format json"},
			run:       cmdHistory},
		{name: "changes", synopsis: []string{"[--doc ID] [--format json] [--lang en|es]"},
			summary:  "recorded changes, each with its headline (reads the database only)",
			examples: []string{"clausewatch changes --db cw.db", "clausewatch changes --doc whatsapp-privacy-policy-eea --lang es --db cw.db"},
			run:      cmdChanges},
		{name: "diff", synopsis: []string{"OLD NEW [--format text|json|html] [--lang xx]"},
			summary:   "classified clause diff of two local files (HTML, Markdown, text); no database",
			arguments: []string{"OLD  the earlier version, a file: .html, .md or text", "NEW  the later version, likewise"},
			examples:  []string{"clausewatch diff 2021-01-04.md 2021-05-15.md", "clausewatch diff old.html new.html --select main --format html > diff.html"},
			run:       cmdDiff},
		{name: "classify", synopsis: []string{"[--format json] [--lang xx] < CLAUSES"},
			summary:   "topics of each clause read from stdin, one per line; no database",
			arguments: []string{"CLAUSES  standard input, one clause per line (no arguments)"},
			examples:  []string{"echo 'We share your phone number with the Meta Companies.' | clausewatch classify --format json"},
			run:       cmdClassify},
		{name: "reclassify", synopsis: []string{""},
			summary:  "re-tag stored changes with the current topic rules; alerts nobody",
			examples: []string{"clausewatch reclassify --db cw.db"},
			run:      cmdReclassify},
		{name: "migrate", synopsis: []string{""},
			summary:  "apply pending database migrations (every command that writes does so too)",
			examples: []string{"clausewatch migrate --db cw.db"},
			run:      cmdMigrate},
		{name: "deliveries", synopsis: []string{"[--status S|attention|all] [--format json]", "--requeue ID..."},
			summary:   "the alert outbox: what needs a look (failed, unknown, sending), and sending again",
			arguments: []string{"ID  with --requeue: a delivery id as the listing shows it"},
			examples:  []string{"clausewatch deliveries --db cw.db", "clausewatch deliveries --requeue 12 13 --db cw.db"},
			run:       cmdDeliveries},
	}
}

// lookupCommand returns the command called name.
func lookupCommand(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// usageLines writes "usage: clausewatch NAME SYNOPSIS", one line per form.
func (c command) usageLines(w io.Writer) {
	for i, s := range c.synopsis {
		prefix := "usage: "
		if i > 0 {
			prefix = "       "
		}
		fmt.Fprintln(w, strings.TrimRight(prefix+"clausewatch "+c.name+" "+s, " "))
	}
}

// writeHelp writes a command's help: its forms, what it does, its flags
// and examples.
func (c command) writeHelp(w io.Writer, fs *flag.FlagSet) {
	c.usageLines(w)
	fmt.Fprintf(w, "\n%s\n", c.summary)
	if len(c.arguments) > 0 {
		fmt.Fprintln(w, "\narguments:")
		for _, a := range c.arguments {
			fmt.Fprintln(w, "  "+a)
		}
	}
	fmt.Fprintln(w, "\nflags:")
	out := fs.Output()
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(out)
	if len(c.examples) == 1 {
		fmt.Fprintln(w, "\nexample:")
	} else {
		fmt.Fprintln(w, "\nexamples:")
	}
	for _, x := range c.examples {
		fmt.Fprintln(w, "  "+x)
	}
}

// usageText is the list of commands `clausewatch --help` prints.
func usageText() string {
	var b strings.Builder
	b.WriteString("usage: clausewatch COMMAND [flags]\n\ncommands:\n")
	for _, c := range commands() {
		for _, s := range c.synopsis {
			fmt.Fprintln(&b, strings.TrimRight("  "+c.name+" "+s, " "))
		}
		fmt.Fprintf(&b, "      %s\n", c.summary)
	}
	b.WriteString(`
every command takes --config FILE (default: the embedded list of WhatsApp and
Meta documents), --db PATH (default: $CLAUSEWATCH_DB or clausewatch.db) and
--history=false (do not load the bundled public history into a new database);
history and changes also show every document the database holds without it.
clausewatch COMMAND --help shows a command's flags and examples.
`)
	return b.String()
}

// helpOutput is a flag set's output: the flag package writes a parse error
// and then the help to it, and parse passes the help on to stderr only
// when --help asked for it, so that a mistyped flag is said once, in the
// one error line the command prints.
type helpOutput struct {
	bytes.Buffer
	stderr io.Writer
}
