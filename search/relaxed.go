package search

import (
	"context"
	"slices"
	"strings"

	"github.com/wengao/wengao/chinese"
	"github.com/wengao/wengao/query"
)

// Relaxed matching: when the exact query finds no document, the
// documents whose titles hold most of its characters are listed instead
// (SearchResult.ApproximateHits), so that a title remembered roughly (the issuer left out,
// a word added, dropped or changed) still finds its document. The work is
// bounded whatever the size of the library: the title index is asked for
// the rarest relaxProbes bigrams of the query alone, and at most
// relaxCandidates of the titles holding them are scored.
const (
	relaxProbes     = 6
	relaxCandidates = 4000
	relaxMax        = 20
	// relaxMinCover is the least share of the query's bigrams that a
	// title must hold.
	relaxMinCover = 0.5
	// relaxSuggestions is how many titles a query without exact matches
	// gets as suggestions.
	relaxSuggestions = 3
)

// gram is one bigram (or lone character) of a query clause.
type relaxClause struct {
	forms  [][]string // each form's bigrams, the typed form first
	weight float64    // bigrams of the typed form
}

// relaxClauses returns the bigrams of each clause of q, every form of a
// term (its alternatives) apart.
func relaxClauses(q *query.Query) []relaxClause {
	var out []relaxClause
	for _, c := range q.Clauses {
		var rc relaxClause
		for _, t := range c {
			var gs []string
			for _, run := range t.Runs {
				rs := []rune(run)
				if len(rs) == 1 {
					gs = append(gs, run)
				}
				for i := 0; i+1 < len(rs); i++ {
					gs = append(gs, string(rs[i:i+2]))
				}
			}
			gs = dedupe(gs)
			if len(gs) == 0 {
				continue
			}
			if !t.Alternative && rc.weight == 0 {
				rc.weight = float64(len(gs))
			}
			rc.forms = append(rc.forms, gs)
		}
		if len(rc.forms) > 0 {
			if rc.weight == 0 {
				rc.weight = float64(len(rc.forms[0]))
			}
			out = append(out, rc)
		}
	}
	return out
}

func dedupe(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

// cover returns the share of the query's bigrams that title (normalised)
// holds, each clause counted by its best form, and the share of the
// title's bigrams they make up (the shorter title wins a tie).
func cover(cls []relaxClause, title string) (float64, float64) {
	var got, total float64
	for _, c := range cls {
		best := 0.0
		for _, f := range c.forms {
			n := 0
			for _, g := range f {
				if strings.Contains(title, g) {
					n++
				}
			}
			best = max(best, float64(n)/float64(len(f)))
		}
		got += best * c.weight
		total += c.weight
	}
	if total == 0 {
		return 0, 0
	}
	grams := float64(len([]rune(title)) - 1)
	return got / total, min(1, got/max(grams, 1))
}

// relaxed returns up to relaxMax documents not in skip whose titles hold
// at least relaxMinCover of the query's bigrams, best first, scored in
// [0, 1), below every exact match.
func (e *Engine) relaxed(ctx context.Context, cat *Catalog, q *query.Query, skip map[int64]bool) ([]scored, error) {
	cls := relaxClauses(q)
	var all []string
	for _, c := range cls {
		for _, f := range c.forms {
			all = append(all, f...)
		}
	}
	all = dedupe(all)
	if len(all) < 2 {
		return nil, nil // one character or bigram: nothing to relax
	}
	df, _, err := e.store.DocFreqs(ctx, FieldTitle, all)
	if err != nil {
		return nil, err
	}
	probes := slices.DeleteFunc(slices.Clone(all), func(g string) bool { return df[g] == 0 })
	slices.SortFunc(probes, func(a, b string) int { return df[a] - df[b] })
	if len(probes) > relaxProbes {
		probes = probes[:relaxProbes]
	}
	if len(probes) == 0 {
		return nil, nil
	}
	alts := make([]Phrase, len(probes))
	for i, g := range probes {
		alts[i] = Phrase{Tokens: []string{g}, Prefix: len([]rune(g)) == 1}
	}
	ids, err := e.store.Match(ctx, FieldTitle, [][]Phrase{alts}, excluded(q))
	if err != nil {
		return nil, err
	}
	if len(ids) > relaxCandidates {
		ids = ids[:relaxCandidates]
	}
	cat.RLock()
	defer cat.RUnlock()
	var out []scored
	for _, id := range ids {
		m, ok := cat.Get(id)
		if !ok || skip[id] || !passes(&m, q) {
			continue
		}
		c, share := cover(cls, chinese.Normalize(m.Title))
		if c < relaxMinCover {
			continue
		}
		out = append(out, scored{id, 0.8*c + 0.19*share})
	}
	slices.SortFunc(out, func(a, b scored) int { return cmpScored(cat, a, b) })
	if len(out) > relaxMax {
		out = out[:relaxMax]
	}
	return out, nil
}

// suggestions returns the titles of the best relaxed matches, as queries
// to offer a search that found nothing exact.
func suggestions(cat *Catalog, more []scored) []string {
	cat.RLock()
	defer cat.RUnlock()
	var out []string
	for _, s := range more {
		if m, ok := cat.Get(s.id); ok && !slices.Contains(out, m.Title) {
			out = append(out, m.Title)
		}
		if len(out) == relaxSuggestions {
			break
		}
	}
	return out
}

// relaxable reports whether q may be relaxed: it has a word typed without
// quotes. Quotes alone ask for those words exactly; quotes inside a title
// typed as one string (…部门联合“双随机、一公开”监管的意见) do not.
func relaxable(q *query.Query) bool {
	for _, t := range q.Terms() {
		if !t.Phrase {
			return true
		}
	}
	return false
}
