// Package corpustest finds the shared corpus of real policies for tests. The
// corpus lives next to the project (../shared/corpus), not in it: a newcomer's
// clone has none, and its tests skip; CI must have it, and its tests fail.
package corpustest

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the corpus directory, ../shared/corpus from the module root.
// It skips the test when the corpus is absent, unless CI=true or
// CLAUSEWATCH_REQUIRE_CORPUS=1, where it fails the test instead.
func Dir(t testing.TB) string {
	t.Helper()
	root, err := moduleRoot()
	if err == nil {
		dir := filepath.Join(root, "..", "shared", "corpus")
		if _, err = os.Stat(dir); err == nil {
			return dir
		}
	}
	if os.Getenv("CI") == "true" || os.Getenv("CLAUSEWATCH_REQUIRE_CORPUS") == "1" {
		t.Fatalf("the shared corpus is required here but missing: %v", err)
	}
	t.Skipf("shared corpus not found (%v); put it at ../shared/corpus next to the project to run this test", err)
	return ""
}

// Seeds returns up to n files of the shared corpus that match pattern
// (relative to the corpus, as "*/*.md") and hold at most max bytes each,
// read whole, for fuzz targets to add to their seed corpus. Seeds are a
// help, not a requirement: with no corpus there are none, whatever CI
// says, and the fuzz target runs on its own seeds.
func Seeds(tb testing.TB, pattern string, n, max int) [][]byte {
	tb.Helper()
	root, err := moduleRoot()
	if err != nil {
		return nil
	}
	paths, err := filepath.Glob(filepath.Join(root, "..", "shared", "corpus", pattern))
	if err != nil {
		tb.Fatalf("corpus seeds %q: %v", pattern, err)
	}
	var out [][]byte
	for _, p := range paths {
		if len(out) == n {
			break
		}
		if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() || fi.Size() > int64(max) {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatalf("corpus seed %s: %v", p, err)
		}
		out = append(out, b)
	}
	return out
}

// moduleRoot walks up from the working directory (a package directory under
// go test) to the directory holding go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}
