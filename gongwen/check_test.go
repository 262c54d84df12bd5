package gongwen

import (
	"slices"
	"testing"
)

// checkFindingsValid checks what every finding must satisfy: a line within
// the paragraphs (0 for the title), a known rule, a message, and a fix
// whose span holds its Old text.
func checkFindingsValid(t *testing.T, ps []string, fs []Finding) {
	t.Helper()
	for _, f := range fs {
		if f.Line < 0 || f.Line > len(ps) {
			t.Fatalf("finding %+v: line out of range [0, %d]", f, len(ps))
		}
		if !slices.Contains(CheckRules, f.Rule) {
			t.Fatalf("finding %+v: unknown rule", f)
		}
		if f.Message == "" {
			t.Fatalf("finding %+v: no message", f)
		}
		if f.Fix != nil {
			if f.Line == 0 {
				t.Fatalf("finding %+v: a fix on the title", f)
			}
			p := ps[f.Line-1]
			if f.Fix.Start < 0 || f.Fix.End < f.Fix.Start || f.Fix.End > len(p) || p[f.Fix.Start:f.Fix.End] != f.Fix.Old {
				t.Fatalf("finding %+v: fix span [%d,%d) does not hold %q in %q", f, f.Fix.Start, f.Fix.End, f.Fix.Old, p)
			}
		}
	}
}
