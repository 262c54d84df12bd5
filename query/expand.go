package query

import (
	"slices"

	"github.com/wengao/wengao/chinese"
)

// Expand adds to every term the alternatives that variants gives for its
// runs: each clause then matches either form, and an excluded term
// excludes both. Display masking uses it so that search treats a masked
// word (D委) and the word (党委) as one. variants returns the other
// forms of one normalised run, or nil.
func (q *Query) Expand(variants func(run string) []string) {
	for i, c := range q.Clauses {
		for _, t := range c {
			c = append(c, termVariants(t, variants)...)
		}
		q.Clauses[i] = c
	}
	var ex []Term
	for _, t := range q.Excluded {
		ex = append(ex, t)
		ex = append(ex, termVariants(t, variants)...)
	}
	q.Excluded = ex
}

// maxVariants bounds the alternatives one term gets.
const maxVariants = 2

// termVariants returns the alternatives of t: the k-th takes, for each
// run that has variants, its k-th variant.
func termVariants(t Term, variants func(string) []string) []Term {
	per := make([][]string, len(t.Runs))
	any := false
	for i, r := range t.Runs {
		per[i] = variants(r)
		any = any || len(per[i]) > 0
	}
	if !any {
		return nil
	}
	var out []Term
	for k := 0; k < maxVariants; k++ {
		runs := make([]string, len(t.Runs))
		changed := false
		for i, r := range t.Runs {
			runs[i] = r
			if k < len(per[i]) {
				runs[i], changed = per[i][k], true
			}
		}
		if changed {
			out = append(out, Term{Text: t.Text, Runs: runs, Phrase: t.Phrase, Alternative: t.Alternative})
		}
	}
	return out
}

// AddAlternatives adds to every term typed without quotes the other forms
// that alts gives for its text (see chinese.Equivalences.Alternatives):
// each clause then matches any of them, and an excluded term excludes
// them all. A quoted phrase stays exact.
func (q *Query) AddAlternatives(alts func(text string) []string) {
	for i, c := range q.Clauses {
		q.Clauses[i] = withAlternatives(c, alts)
	}
	q.Excluded = withAlternatives(q.Excluded, alts)
}

func withAlternatives(ts []Term, alts func(string) []string) []Term {
	out := slices.Clip(ts)
	for _, t := range ts {
		if t.Phrase {
			continue
		}
		for _, a := range alts(t.Text) {
			runs := chinese.QueryRuns(a)
			if len(runs) == 0 || slices.Equal(runs, t.Runs) {
				continue
			}
			out = append(out, Term{Text: t.Text, Runs: runs, Alternative: true})
		}
	}
	return out
}
