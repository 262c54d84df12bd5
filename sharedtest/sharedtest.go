// Package sharedtest finds the test material shared beside the repository
// (../shared from its root: the corpus, its original files, the seed
// page). A test that needs it and does not find it is skipped, except in
// CI (CI=true), where it fails: CI provides the material.
package sharedtest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// InCI reports whether the tests run in CI, where nothing they need may
// be missing.
func InCI() bool { return os.Getenv("CI") == "true" }

// Find returns the path of shared/rel in the nearest folder, from the
// working directory up, that holds it.
func Find(rel string) (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		p := filepath.Join(dir, "shared", filepath.FromSlash(rel))
		if _, err := os.Stat(p); err == nil {
			return p, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// Path returns the path of shared/rel (see Find), or else skips tb, or
// fails it in CI.
func Path(tb testing.TB, rel string) string {
	tb.Helper()
	p, ok := Find(rel)
	if !ok {
		Missing(tb, "shared/%s not found beside the repository", rel)
	}
	return p
}

// Missing skips tb for want of something, or fails it in CI.
func Missing(tb testing.TB, format string, args ...any) {
	tb.Helper()
	msg := fmt.Sprintf(format, args...)
	if InCI() {
		tb.Fatal(msg + " (CI=true: the test must run)")
	}
	tb.Skip(msg)
}
