package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An operator's abbreviation makes search find the full form by the short
// one; the entries are listed, and removing one takes it back.
func TestAbbrevCommand(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	in := filepath.Join(dir, "in")
	os.MkdirAll(in, 0o755)
	const title = "关于做好高校毕业生就业工作的通知"
	writeFile(t, filepath.Join(in, "a.txt"), title+"\n\n省乡村振兴局要求各地做好高校毕业生就业工作。\n")
	if out, err := runCLI(t, "import", "--data", data, "--quiet", in); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	find := func(q string) bool {
		t.Helper()
		out, err := runCLI(t, "search", "--data", data, q)
		if err != nil {
			t.Fatalf("search %s: %v\n%s", q, err, out)
		}
		return strings.Contains(out, title)
	}
	const q = "乡振局 毕业生"
	if find(q) {
		t.Fatalf("%s found the document before any entry", q)
	}
	if out, err := runCLI(t, "abbrev", "add", "--data", data, "乡振局", "乡村振兴局"); err != nil {
		t.Fatalf("abbrev add: %v\n%s", err, out)
	}
	if !find(q) {
		t.Errorf("%s does not find the document after abbrev add", q)
	}
	out, err := runCLI(t, "abbrev", "list", "--data", data)
	if err != nil {
		t.Fatalf("abbrev list: %v\n%s", err, out)
	}
	if got, want := out, "乡振局\t乡村振兴局\n"; got != want {
		t.Errorf("abbrev list = %q, want %q", got, want)
	}
	out, err = runCLI(t, "abbrev", "list", "--data", data, "--builtin")
	if err != nil {
		t.Fatalf("abbrev list --builtin: %v\n%s", err, out)
	}
	if !strings.Contains(out, "\tbuilt-in\n") {
		t.Errorf("abbrev list --builtin shows no built-in entry:\n%s", out)
	}
	if out, err := runCLI(t, "abbrev", "remove", "--data", data, "乡振局"); err != nil {
		t.Fatalf("abbrev remove: %v\n%s", err, out)
	}
	if find(q) {
		t.Errorf("%s still finds the document after abbrev remove", q)
	}
	if _, err := runCLI(t, "abbrev", "remove", "--data", data, "乡振局"); err == nil {
		t.Error("removing an absent entry succeeded")
	}
	if _, err := runCLI(t, "abbrev", "add", "--data", data, "乡振局", "<b>"); err == nil {
		t.Error("an entry with markup was accepted")
	}
	if _, err := runCLI(t, "abbrev", "add", "--data", data, "乡振局"); err == nil {
		t.Error("abbrev add with one form succeeded")
	}
}
