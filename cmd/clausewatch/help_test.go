package main

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// TestCommandHelp holds every command's --help (and `help COMMAND`) to
// showing its arguments, its flags and an example to copy, with exit 0,
// and the list of commands to naming every command there is.
func TestCommandHelp(t *testing.T) {
	tests := []struct {
		name string
		want []string // the arguments, as typed
	}{
		{name: "serve", want: []string{"clausewatch serve [--listen ADDR]"}},
		{name: "check", want: []string{"clausewatch check [ID...]", "ID  "}},
		{name: "import", want: []string{"clausewatch import ID FILE...", "--map 'SERVICE/TERMS TYPE=ID'... DATASET...", "FILE  ", "DATASET  "}},
		{name: "history", want: []string{"clausewatch history ID", "ID  "}},
		{name: "changes", want: []string{"clausewatch changes [--doc ID]"}},
		{name: "diff", want: []string{"clausewatch diff OLD NEW", "OLD  ", "NEW  "}},
		{name: "classify", want: []string{"clausewatch classify [--format json]", "stdin"}},
		{name: "reclassify", want: []string{"usage: clausewatch reclassify\n"}},
		{name: "migrate", want: []string{"usage: clausewatch migrate\n"}},
		{name: "deliveries", want: []string{"clausewatch deliveries [--status", "clausewatch deliveries --requeue ID..."}},
	}
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	for _, tt := range tests {
		if !slices.Contains(names, tt.name) {
			t.Errorf("no command %q", tt.name)
		}
	}
	if len(names) != len(tests) {
		t.Errorf("commands %v, but the test knows %d: add the new one's arguments here", names, len(tests))
	}
	ctx := context.Background()
	for _, tt := range tests {
		for _, args := range [][]string{{tt.name, "--help"}, {tt.name, "-h"}, {"help", tt.name}} {
			t.Run(tt.name+"/"+strings.Join(args, " "), func(t *testing.T) {
				code, stdout, stderr := cli(t, ctx, nil, args...)
				if code != exitOK || stdout != "" {
					t.Fatalf("exit %d, stdout %q; want exit 0 and the help on stderr", code, stdout)
				}
				for _, w := range append(tt.want, "usage: clausewatch "+tt.name, "-config FILE", "-db PATH", "\nexample") {
					if !strings.Contains(stderr, w) {
						t.Errorf("help lacks %q:\n%s", w, stderr)
					}
				}
				// Every example is a command line of this command.
				_, ex, _ := strings.Cut(stderr, "example")
				if !strings.Contains(ex, "clausewatch "+tt.name+" ") {
					t.Errorf("no example of %s in:\n%s", tt.name, stderr)
				}
			})
		}
	}
	// The list of commands shows each one's arguments too.
	code, _, stderr := cli(t, ctx, nil, "--help")
	if code != exitOK {
		t.Fatalf("--help: exit %d", code)
	}
	for _, tt := range tests {
		if !strings.Contains(stderr, "\n  "+tt.name) {
			t.Errorf("--help does not list %s:\n%s", tt.name, stderr)
		}
	}
	// A mistyped flag is said once, with a pointer to the help.
	code, _, stderr = cli(t, ctx, nil, "history", "--formt", "json")
	if code != exitUsage || strings.Count(stderr, "-formt") != 1 || !strings.Contains(stderr, "clausewatch history --help") || strings.Contains(stderr, "example") {
		t.Errorf("mistyped flag: exit %d, stderr %q; want exit 2 and one line naming the flag", code, stderr)
	}
}
