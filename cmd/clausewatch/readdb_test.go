package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadFromDatabaseAlone holds the reading commands to working from the
// database alone: a document an import recorded under a config of its own
// is shown without that config, a given config adds its documents, and
// history numbers each document's versions v1, v2, ...
func TestReadFromDatabaseAlone(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := testConfig(t, dir, "https://example.org", "custom")
	first := writeFile(t, dir, "2021-01-04.html", policyHTML)
	second := writeFile(t, dir, "2021-02-01.html", strings.Replace(policyHTML, "the Meta Companies", "the Meta Companies and our partners", 1))
	dbPath := filepath.Join(dir, "cw.db")
	if code, stdout, stderr := cli(t, ctx, nil, "import", "custom", first, second, "--config", cfg, "--db", dbPath); code != exitOK {
		t.Fatalf("import: exit %d, %q %q", code, stdout, stderr)
	}
	other := writeFile(t, t.TempDir(), "other.yaml", "documents:\n  - id: fresh\n    url: https://example.org/fresh\n    select: main\n")

	tests := []struct {
		name string
		args []string
		code int
		want []string // in stdout for exit 0, else in stderr
	}{
		{name: "history without config", args: []string{"history", "custom"}, code: exitOK, want: []string{"VERSION", " v1 ", " v2 "}},
		{name: "history json without config", args: []string{"history", "custom", "--format", "json"}, code: exitOK, want: []string{`"number": 1`, `"number": 2`}},
		{name: "changes of a document without config", args: []string{"changes", "--doc", "custom"}, code: exitOK, want: []string{"custom", "critical"}},
		{name: "changes without config", args: []string{"changes"}, code: exitOK, want: []string{"custom"}},
		{name: "history with a config that does not name the document", args: []string{"history", "custom", "--config", other}, code: exitOK, want: []string{" v2 "}},
		{name: "history of a document only the given config names", args: []string{"history", "fresh", "--config", other}, code: exitOK, want: []string{"VERSION"}},
		{name: "history of an unknown document", args: []string{"history", "nope"}, code: exitUsage, want: []string{`unknown document "nope"`, dbPath, "custom", "whatsapp-privacy-policy-eea"}},
		{name: "changes of an unknown document", args: []string{"changes", "--doc", "nope", "--config", other}, code: exitUsage, want: []string{`unknown document "nope"`, "custom", "fresh"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := cli(t, ctx, nil, append(tt.args, "--db", dbPath)...)
			out := stdout
			if code != exitOK {
				out = stderr
			}
			if code != tt.code {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit %d", code, stdout, stderr, tt.code)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output %q lacks %q", out, w)
				}
			}
		})
	}

	// The numbers count within the document, oldest first, next to the
	// global ids.
	_, stdout, _ := cli(t, ctx, nil, "history", "custom", "--format", "json", "--db", dbPath)
	var versions []versionJSON
	if err := json.Unmarshal([]byte(stdout), &versions); err != nil || len(versions) != 2 {
		t.Fatalf("history: %v, %q", err, stdout)
	}
	for i, v := range versions {
		if v.Number != i+1 || v.ID == 0 {
			t.Errorf("version %d: number %d, id %d; want number %d and its id", i, v.Number, v.ID, i+1)
		}
	}
}

// TestReadMissingDatabase holds the reading commands, with or without a
// config, to refusing a database file that does not exist: the message
// names the path and says what to do, the exit code is 1 (a file problem,
// as an unreadable import file is), and no file is created.
func TestReadMissingDatabase(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := testConfig(t, dir, "https://example.org", "doc")
	tests := []struct {
		name string
		args []string
		db   string
	}{
		{name: "history", args: []string{"history", "doc"}, db: filepath.Join(dir, "history.db")},
		{name: "history with config", args: []string{"history", "doc", "--config", cfg}, db: filepath.Join(dir, "history-config.db")},
		{name: "history in a missing folder", args: []string{"history", "doc"}, db: filepath.Join(dir, "no", "such", "cw.db")},
		{name: "changes", args: []string{"changes"}, db: filepath.Join(dir, "changes.db")},
		{name: "changes of a document", args: []string{"changes", "--doc", "doc", "--config", cfg}, db: filepath.Join(dir, "changes-doc.db")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := cli(t, ctx, nil, append(tt.args, "--db", tt.db)...)
			if code != exitFailed || stdout != "" {
				t.Errorf("exit %d, stdout %q; want exit 1 and no output", code, stdout)
			}
			for _, w := range []string{tt.db, "clausewatch check", "clausewatch import", "--db"} {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q lacks %q", stderr, w)
				}
			}
			if strings.Count(stderr, "\n") != 1 {
				t.Errorf("stderr %q: want one line", stderr)
			}
			if _, err := os.Stat(tt.db); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s exists after the command (%v): a reading command created it", tt.db, err)
			}
		})
	}
}
