package main

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadOnlyCommands holds the commands that only read to opening the
// database read-only: they create no file, apply no migration, and say
// what to do when the file is missing or its schema is behind (`migrate`).
func TestReadOnlyCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := testConfig(t, dir, "http://127.0.0.1:1", "doc")
	policy := writeFile(t, dir, "2021-01-04.html", policyHTML)
	current := filepath.Join(dir, "current.db")
	if code, _, stderr := cli(t, ctx, nil, "import", "doc", policy, "--config", cfg, "--db", current); code != exitOK {
		t.Fatalf("import: exit %d, %q", code, stderr)
	}
	behind := filepath.Join(dir, "behind.db")
	if code, _, stderr := cli(t, ctx, nil, "import", "doc", policy, "--config", cfg, "--db", behind); code != exitOK {
		t.Fatalf("import: exit %d, %q", code, stderr)
	}
	// The file as a clausewatch from before migration 0007 left it.
	execSQL(t, behind, `ALTER TABLE fetches DROP COLUMN text_sha256`)
	execSQL(t, behind, `DELETE FROM schema_migrations WHERE version = 7`)
	missing := filepath.Join(dir, "missing.db")

	tests := []struct {
		name string
		args []string
		db   string
		code int
		want string // in stdout for exit 0, else in stderr
	}{
		{name: "history", args: []string{"history", "doc"}, db: current, code: exitOK, want: "VERSION"},
		{name: "changes", args: []string{"changes"}, db: current, code: exitOK},
		{name: "deliveries", args: []string{"deliveries"}, db: current, code: exitOK, want: "no deliveries need attention"},
		{name: "history of a missing database", args: []string{"history", "doc"}, db: missing, code: exitFailed, want: "run `clausewatch check` or `clausewatch import` to create it"},
		{name: "changes of a missing database", args: []string{"changes"}, db: missing, code: exitFailed, want: "no database file"},
		{name: "history with the schema behind", args: []string{"history", "doc"}, db: behind, code: exitFailed, want: "run `clausewatch migrate --db " + behind},
		{name: "deliveries with the schema behind", args: []string{"deliveries"}, db: behind, code: exitFailed, want: "older than this clausewatch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := migrations(t, tt.db)
			args := append(tt.args, "--config", cfg, "--db", tt.db)
			code, stdout, stderr := cli(t, ctx, nil, args...)
			out := stdout
			if code != exitOK {
				out = stderr
			}
			if code != tt.code || !strings.Contains(out, tt.want) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit %d and %q", code, stdout, stderr, tt.code, tt.want)
			}
			if after := migrations(t, tt.db); after != before {
				t.Errorf("%d migrations recorded after the command, %d before: a reading command migrated", after, before)
			}
		})
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a reading command created %s: %v", missing, err)
	}
	// migrate upgrades the file, after which reading works.
	if code, stdout, stderr := cli(t, ctx, nil, "migrate", "--config", cfg, "--db", behind); code != exitOK || !strings.Contains(stdout, "up to date") {
		t.Fatalf("migrate: exit %d, %q %q", code, stdout, stderr)
	}
	if code, _, stderr := cli(t, ctx, nil, "history", "doc", "--config", cfg, "--db", behind); code != exitOK {
		t.Errorf("history after migrate: exit %d, %q", code, stderr)
	}
}

// migrations counts the migrations recorded in the database at path, -1
// when there is no file.
func migrations(t *testing.T, path string) int {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		return -1
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// execSQL runs one statement on the database at path.
func execSQL(t *testing.T, path, stmt string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(stmt); err != nil {
		t.Fatal(err)
	}
}
