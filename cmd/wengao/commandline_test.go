package main

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// TestListCommandUsage: abbrev and mask answer a wrong command line with
// their usage and exit status 2, and create no data folder.
func TestListCommandUsage(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	for _, name := range []string{"abbrev", "mask"} {
		for _, args := range [][]string{
			{}, {"rename"}, {"add", "只有一个"}, {"add", "一", "二", "三"}, {"list", "多余"}, {"remove"},
		} {
			line := append([]string{name}, args...)
			out, err := runCLI(t, append(line, "--data", data)...)
			var ee exitError
			if !errors.As(err, &ee) || ee != 2 {
				t.Errorf("wengao %s: err %v, want exit status 2", strings.Join(line, " "), err)
			}
			if !strings.Contains(out, "usage:") {
				t.Errorf("wengao %s: output %q, want the usage", strings.Join(line, " "), out)
			}
		}
	}
	if _, err := runCLI(t, "abbrev", "list", "--builtin", "--data", data); err != nil {
		t.Errorf("wengao abbrev list --builtin: %v", err)
	}
	if _, err := runCLI(t, "mask", "list", "--builtin", "--data", data); err == nil {
		t.Error("wengao mask list --builtin: no error, want an unknown option")
	}
}
