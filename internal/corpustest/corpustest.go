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
