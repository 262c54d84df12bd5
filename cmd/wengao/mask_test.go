package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wengao/wengao/sharedtest"
)

// The seed page arrives with 党 masked as D; with the operator's rules it
// is found by the real word, and the rules can be listed and removed.
func TestSeedPageMasking(t *testing.T) {
	page, err := os.ReadFile(sharedtest.Path(t, "seed/page.txt"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	in := filepath.Join(dir, "in")
	os.MkdirAll(in, 0o755)
	writeFile(t, filepath.Join(in, "seed.txt"), string(page))
	if out, err := runCLI(t, "import", "--data", data, "--quiet", in); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	find := func(q string) string {
		t.Helper()
		out, err := runCLI(t, "search", "--data", data, q)
		if err != nil {
			t.Fatalf("search %s: %v\n%s", q, err, out)
		}
		return out
	}
	const title = "营口市政协主席李红莉"
	if out := find("党委书记"); strings.Contains(out, title) {
		t.Fatalf("found by 党委书记 before any rule:\n%s", out)
	}
	for _, r := range [][2]string{{"党委", "D委"}, {"党的", "D的"}, {"民主党派", "民主D派"}} {
		if out, err := runCLI(t, "mask", "add", "--data", data, r[0], r[1]); err != nil {
			t.Fatalf("mask add: %v\n%s", err, out)
		}
	}
	for _, q := range []string{"党委", "党委书记", "民主党派", `"党的二十大"`} {
		if out := find(q); !strings.Contains(out, title) {
			t.Errorf("%s does not find the seed page:\n%s", q, out)
		}
	}
	out, err := runCLI(t, "mask", "list", "--data", data)
	if err != nil {
		t.Fatalf("mask list: %v", err)
	}
	if !strings.Contains(out, "民主党派\t民主D派") {
		t.Errorf("mask list: %v\n%s (want strings.Contains(out, \"民主党派\\t民主D派\"))", err, out)
	}
	if !strings.Contains(out, "党委\tD委") {
		t.Errorf("mask list: %v\n%s (want strings.Contains(out, \"党委\\tD委\"))", err, out)
	}
	if out, err := runCLI(t, "mask", "remove", "--data", data, "党委"); err != nil {
		t.Fatalf("mask remove: %v\n%s", err, out)
	}
	if out := find("党委书记"); strings.Contains(out, title) {
		t.Errorf("found by 党委书记 after removing the rule:\n%s", out)
	}
	if _, err := runCLI(t, "mask", "add", "--data", data, "党委", "<b>"); err == nil {
		t.Error("a rule with markup was accepted")
	}
}
