package config

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// FuzzParse reads arbitrary config files: each is either a config whose
// documents have the fields every command relies on, with unique ids, or
// an *Error whose every line names the file, as start-up prints it; never
// a crash, whatever the YAML (anchors, aliases, deep nesting, tabs).
//
//	go test -run '^$' -fuzz '^FuzzParse$' -fuzztime 1m ./config
func FuzzParse(f *testing.F) {
	valid, err := os.ReadFile("testdata/valid.yaml")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		string(valid), defaultYAML,
		"documents:\n  - id: a\n    url: https://example.org/\n    select: main\n",
		"documents:\n  - id: a\n    url: ftp://x\n    select: '<<'\n  - id: a\n",
		"fetch:\n  max_body: 10MiB\n  timeout: 5s\nschedule: '@every 6h'\n",
		"a: &x [*x]\n", "documents: [[[[[[[[]]]]]]]]\n", "\t- x", "smtp:\n  port: 99999\n  tls: maybe\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Parse("fuzz.yaml", b)
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) || len(ce.Problems) == 0 {
				t.Fatalf("error %v is not an *Error with problems", err)
			}
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "fuzz.yaml") {
					t.Fatalf("problem line %q does not name the file", line)
				}
			}
			return
		}
		ids := map[string]bool{}
		for _, d := range c.Documents {
			if d.ID == "" || d.URL == "" || len(d.Select) == 0 || ids[d.ID] {
				t.Fatalf("document %+v lacks an id, url or select, or repeats an id", d)
			}
			ids[d.ID] = true
		}
	})
}
