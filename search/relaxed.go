package search

import (
	"context"
	"math"
	"math/bits"
	"slices"
	"strings"

	"github.com/wengao/wengao/chinese"
	"github.com/wengao/wengao/query"
)

// Relaxed matching: when the exact query finds no document, the
// documents that hold most of its characters are listed instead
// (SearchResult.ApproximateHits), so that a title remembered roughly (the
// issuer left out, a word added, dropped or changed) or a sentence
// remembered with a word changed still finds its document. Two steps, each
// of bounded work whatever the size of the library:
//
//   - titles: the title index is asked for the rarest relaxProbes bigrams
//     of the query alone, and at most relaxCandidates of the titles
//     holding them are scored;
//   - paragraphs, when no title holds relaxGoodTitle of the query: the
//     text index is asked for each of the rarest relaxParaProbes bigrams
//     of the query whose lists hold at most relaxParaList documents, the
//     relaxParaDocs documents holding most of them (the rarer weighing
//     more) are read, and each is scored by its paragraph holding most of
//     the query.
//
// Both score in [0, 1), by the share of the query's bigrams held, so that
// a title and a paragraph holding as much rank alike.
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

	// relaxGoodTitle is the share of the query a title must hold for the
	// paragraph step to be skipped.
	relaxGoodTitle = 0.75
	// relaxParaProbes is how many of the query's bigrams choose the
	// documents whose paragraphs are read.
	relaxParaProbes = 8
	// relaxParaList is the longest document list of a bigram used as a
	// probe: commoner bigrams tell little and cost much.
	relaxParaList = 20000
	// relaxParaDocs is how many documents' paragraphs are read.
	relaxParaDocs = 24
	// relaxParaMinGrams is the fewest bigrams a query needs for the
	// paragraph step: a remembered sentence, not a word or two.
	relaxParaMinGrams = 6
	// relaxMinParaCover is the least share of the query's bigrams that a
	// paragraph must hold.
	relaxMinParaCover = 0.6
	// relaxMaxGrams bounds the bigrams of a query that relaxing looks at.
	relaxMaxGrams = 64
)

// relaxClause is the bigrams (or lone characters) of a query clause.
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

// relaxed returns up to relaxMax documents not in skip that hold much of
// the query, best first, scored in [0, 1), below every exact match: those
// whose titles hold at least relaxMinCover of the query's bigrams, and,
// when none holds relaxGoodTitle, those with a paragraph holding at least
// relaxMinParaCover. at gives the index of that paragraph for the
// documents found by it.
func (e *Engine) relaxed(ctx context.Context, cat *Catalog, q *query.Query, skip map[int64]bool) (out []scored, at map[int64]int, err error) {
	cls := relaxClauses(q)
	var all []string
	for _, c := range cls {
		for _, f := range c.forms {
			all = append(all, f...)
		}
	}
	all = dedupe(all)
	if len(all) < 2 {
		return nil, nil, nil // one character or bigram: nothing to relax
	}
	if len(all) > relaxMaxGrams {
		all = all[:relaxMaxGrams]
	}
	out, best, err := e.relaxedTitles(ctx, cat, q, cls, all, skip)
	if err != nil || best >= relaxGoodTitle {
		return out, nil, err
	}
	paras, at, err := e.relaxedParagraphs(ctx, cat, q, cls, all, skip)
	if err != nil {
		return nil, nil, err
	}
	// A document found both ways keeps its better score.
	byID := make(map[int64]int, len(out))
	for i, s := range out {
		byID[s.id] = i
	}
	for _, p := range paras {
		if i, ok := byID[p.id]; ok {
			if out[i].score >= p.score {
				delete(at, p.id)
				continue
			}
			out[i].score = p.score
			continue
		}
		out = append(out, p)
	}
	cat.RLock()
	slices.SortFunc(out, func(a, b scored) int { return cmpScored(cat, a, b) })
	cat.RUnlock()
	if len(out) > relaxMax {
		out = out[:relaxMax]
	}
	return out, at, nil
}

// relaxedTitles is relaxed's title step: the documents whose titles hold
// at least relaxMinCover of the query's bigrams, all, best first, and the
// best share held.
func (e *Engine) relaxedTitles(ctx context.Context, cat *Catalog, q *query.Query, cls []relaxClause, all []string, skip map[int64]bool) ([]scored, float64, error) {
	df, _, err := e.store.DocFreqs(ctx, FieldTitle, all)
	if err != nil {
		return nil, 0, err
	}
	probes := slices.DeleteFunc(slices.Clone(all), func(g string) bool { return df[g] == 0 })
	slices.SortFunc(probes, func(a, b string) int { return df[a] - df[b] })
	if len(probes) > relaxProbes {
		probes = probes[:relaxProbes]
	}
	if len(probes) == 0 {
		return nil, 0, nil
	}
	alts := make([]Phrase, len(probes))
	for i, g := range probes {
		alts[i] = Phrase{Tokens: []string{g}, Prefix: len([]rune(g)) == 1}
	}
	ids, err := e.store.Match(ctx, FieldTitle, [][]Phrase{alts}, excluded(q))
	if err != nil {
		return nil, 0, err
	}
	if len(ids) > relaxCandidates {
		ids = ids[:relaxCandidates]
	}
	cat.RLock()
	defer cat.RUnlock()
	var out []scored
	best := 0.0
	for _, id := range ids {
		m, ok := cat.Get(id)
		if !ok || skip[id] || !passes(&m, q) {
			continue
		}
		c, share := cover(cls, chinese.Normalize(m.Title))
		if c < relaxMinCover {
			continue
		}
		best = max(best, c)
		out = append(out, scored{id, relaxScore(c, share)})
	}
	slices.SortFunc(out, func(a, b scored) int { return cmpScored(cat, a, b) })
	if len(out) > relaxMax {
		out = out[:relaxMax]
	}
	return out, best, nil
}

// relaxScore is the score of a title or paragraph holding the share c of
// the query's bigrams, which make up the share share of its own: in
// [0, 1), the tighter of two holding as much first.
func relaxScore(c, share float64) float64 { return 0.8*c + 0.19*share }

// relaxedParagraphs is relaxed's paragraph step: the documents with a
// paragraph holding at least relaxMinParaCover of the query's bigrams,
// all, best first, with the index of that paragraph. It reads at most
// relaxParaDocs documents, chosen by the rarest bigrams of the query.
func (e *Engine) relaxedParagraphs(ctx context.Context, cat *Catalog, q *query.Query, cls []relaxClause, all []string, skip map[int64]bool) ([]scored, map[int64]int, error) {
	var grams []string
	for _, g := range all {
		if len([]rune(g)) == 2 { // a lone character is a prefix: every bigram it opens
			grams = append(grams, g)
		}
	}
	if len(grams) < relaxParaMinGrams {
		return nil, nil, nil
	}
	df, total, err := e.store.DocFreqs(ctx, FieldText, grams)
	if err != nil {
		return nil, nil, err
	}
	probes := slices.DeleteFunc(grams, func(g string) bool { return df[g] == 0 || df[g] > relaxParaList })
	slices.SortFunc(probes, func(a, b string) int {
		if df[a] != df[b] {
			return df[a] - df[b]
		}
		return strings.Compare(a, b)
	})
	if len(probes) > relaxParaProbes {
		probes = probes[:relaxParaProbes]
	}
	if len(probes) < 2 {
		return nil, nil, nil
	}
	// The documents holding most of the probes, the rarer weighing more.
	held := map[int64]int{}
	weight := map[int64]float64{}
	ex := excluded(q)
	for _, g := range probes {
		ids, err := e.store.Match(ctx, FieldText, [][]Phrase{{{Tokens: []string{g}}}}, ex)
		if err != nil {
			return nil, nil, err
		}
		w := math.Log(1 + float64(total)/float64(df[g]))
		for _, id := range ids {
			held[id]++
			weight[id] += w
		}
	}
	var cands []int64
	cat.RLock()
	for id, n := range held {
		if n < 2 || skip[id] {
			continue
		}
		if m, ok := cat.Get(id); ok && passes(&m, q) {
			cands = append(cands, id)
		}
	}
	cat.RUnlock()
	slices.SortFunc(cands, func(a, b int64) int {
		if weight[a] != weight[b] {
			if weight[a] > weight[b] {
				return -1
			}
			return 1
		}
		return cmpInt64(b, a)
	})
	if len(cands) > relaxParaDocs {
		cands = cands[:relaxParaDocs]
	}
	if len(cands) == 0 {
		return nil, nil, nil
	}
	texts, err := e.store.Texts(ctx, cands)
	if err != nil {
		return nil, nil, err
	}
	pg := newParaGrams(cls, all)
	var out []scored
	at := map[int64]int{}
	for _, t := range texts {
		body := t.Body
		if !t.Plain {
			body = chinese.Normalize(body)
		}
		bestScore, bestAt := -1.0, -1
		for i := 0; body != ""; i++ {
			var para string
			para, body, _ = strings.Cut(body, "\n")
			c, share := pg.cover(para)
			if c < relaxMinParaCover {
				continue
			}
			if s := relaxScore(c, share); s > bestScore {
				bestScore, bestAt = s, i
			}
		}
		if bestAt >= 0 {
			out = append(out, scored{t.Row, bestScore})
			at[t.Row] = bestAt
		}
	}
	cat.RLock()
	slices.SortFunc(out, func(a, b scored) int { return cmpScored(cat, a, b) })
	cat.RUnlock()
	return out, at, nil
}

// paraGrams tells which of a query's bigrams a paragraph holds in one
// pass over its characters, as cover does over a title: each of the (at
// most 64) bigrams is a bit.
type paraGrams struct {
	bit     map[[2]rune]uint64   // a lone character has 0 as its second rune
	first   [1 << 16 / 64]uint64 // the characters of the BMP that start one
	clauses []paraClause
}

type paraClause struct {
	forms  []uint64 // the bits of each form's bigrams
	sizes  []int    // each form's number of bigrams
	weight float64
}

func newParaGrams(cls []relaxClause, all []string) *paraGrams {
	pg := &paraGrams{bit: make(map[[2]rune]uint64, len(all))}
	for i, g := range all[:min(len(all), 64)] {
		var k [2]rune
		copy(k[:], []rune(g))
		pg.bit[k] = 1 << i
		pg.first[(k[0]&0xffff)/64] |= 1 << (k[0] % 64)
	}
	for _, c := range cls {
		pc := paraClause{weight: c.weight}
		for _, f := range c.forms {
			var m uint64
			for _, g := range f {
				var k [2]rune
				copy(k[:], []rune(g))
				m |= pg.bit[k]
			}
			pc.forms = append(pc.forms, m)
			pc.sizes = append(pc.sizes, len(f))
		}
		pg.clauses = append(pg.clauses, pc)
	}
	return pg
}

// cover is cover's answer for a paragraph, normalised but for ASCII
// case (a plain text's paragraphs are: see Text.Plain; the punctuation
// that normalising would change is in no bigram of a query).
func (pg *paraGrams) cover(para string) (float64, float64) {
	var held uint64
	prev, n := rune(-1), 0
	for _, r := range para {
		n++
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		if pg.starts(prev) {
			held |= pg.bit[[2]rune{prev, r}]
		}
		if pg.starts(r) {
			held |= pg.bit[[2]rune{r, 0}]
		}
		prev = r
	}
	if held == 0 {
		return 0, 0
	}
	var got, total float64
	for _, c := range pg.clauses {
		best := 0.0
		for j, m := range c.forms {
			best = max(best, float64(bits.OnesCount64(held&m))/float64(c.sizes[j]))
		}
		got += best * c.weight
		total += c.weight
	}
	if total == 0 {
		return 0, 0
	}
	grams := float64(n - 1)
	return got / total, min(1, got/max(grams, 1))
}

// starts reports whether r may start a bigram of the query: most
// characters of a text start none.
func (pg *paraGrams) starts(r rune) bool {
	return r >= 1<<16 || (r >= 0 && pg.first[r/64]&(1<<(r%64)) != 0)
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
