//go:build unix

package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestFileLimits holds diff and import to refusing, before reading them
// whole, files over --max-file-size (by default fetch.max_body) and files
// that are not regular files, such as /dev/zero, which would otherwise be
// read until memory runs out; each message names the file and says what
// to do.
func TestFileLimits(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(t, dir, "https://example.org", "doc")
	policy := writeFile(t, dir, "2021-01-04.html", policyHTML)
	big := writeFile(t, dir, "2021-02-01.md", "# Privacy\n\n"+strings.Repeat("We share your information with partners. ", 100))
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero here")
	}
	tests := []struct {
		name string
		args []string
		code int
		want []string // in stderr
	}{
		{name: "diff of an endless device", args: []string{"diff", "/dev/zero", policy}, code: exitFailed,
			want: []string{"/dev/zero", "a device, not a regular file", "give the path of a saved HTML, Markdown or text file"}},
		{name: "diff of a directory", args: []string{"diff", policy, dir}, code: exitFailed, want: []string{dir, "a directory"}},
		{name: "diff of a file over the limit", args: []string{"diff", "--max-file-size", "1KiB", policy, big}, code: exitFailed,
			want: []string{big, "over the limit of 1024 bytes", "--max-file-size"}},
		{name: "diff with the limit raised", args: []string{"diff", "--max-file-size", "1MiB", policy, big}, code: exitOK},
		{name: "diff with a limit that is no size", args: []string{"diff", "--max-file-size", "big", policy, big}, code: exitUsage,
			want: []string{`--max-file-size "big"`, "50MiB"}},
		{name: "import of a file over the limit", args: []string{"import", "doc", "--config", cfg, "--db", filepath.Join(dir, "a.db"), "--max-file-size", "1KiB", policy, big},
			code: exitFailed, want: []string{big, "over the limit of 1024 bytes", "--max-file-size"}},
		{name: "import of an endless device", args: []string{"import", "doc", "--config", cfg, "--db", filepath.Join(dir, "b.db"), "/dev/zero"},
			code: exitUsage, want: []string{"/dev/zero", "must start with the fetch time"}},
		{name: "import of a dated device", args: []string{"import", "doc", "--config", cfg, "--db", filepath.Join(dir, "c.db"), filepath.Join(dir, "2021-03-01.md")},
			code: exitFailed, want: []string{"2021-03-01.md", "a named pipe, not a regular file"}},
	}
	// A named pipe: opening it without a writer would wait forever.
	if err := syscall.Mkfifo(filepath.Join(dir, "2021-03-01.md"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := cli(t, context.Background(), nil, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tt.code, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q lacks %q", stderr, w)
				}
			}
		})
	}
}
