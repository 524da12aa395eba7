package scraper

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadFile holds ReadFile to reading regular files up to the limit
// and refusing everything else before reading it, with a message naming
// the file.
func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "2024-01-01.md")
	if err := os.WriteFile(small, []byte("0123456789"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		path    string
		limit   int64
		wantErr error // nil: the file's bytes
		wantMsg string
	}{
		{name: "under the limit", path: small, limit: 11},
		{name: "exactly the limit", path: small, limit: 10},
		{name: "no limit given is the default", path: small},
		{name: "over the limit", path: small, limit: 9, wantErr: ErrFileTooLarge, wantMsg: "10 bytes, over the limit of 9 bytes"},
		{name: "a directory", path: dir, limit: 100, wantErr: ErrNotRegular, wantMsg: "a directory"},
		{name: "an endless device", path: "/dev/zero", limit: 100, wantErr: ErrNotRegular, wantMsg: "a device"},
		{name: "missing", path: filepath.Join(dir, "nope.md"), wantErr: fs.ErrNotExist, wantMsg: "nope.md"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := os.Stat(tt.path); tt.path == "/dev/zero" && err != nil {
				t.Skip("no /dev/zero here")
			}
			body, err := ReadFile(tt.path, tt.limit)
			if tt.wantErr == nil {
				if err != nil || string(body) != "0123456789" {
					t.Fatalf("ReadFile = %q, %v; want the file's bytes", body, err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("ReadFile error %v, want %v", err, tt.wantErr)
			}
			if msg := err.Error(); !strings.Contains(msg, tt.path) || !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("message %q should name %s and say %q", msg, tt.path, tt.wantMsg)
			}
		})
	}
}
