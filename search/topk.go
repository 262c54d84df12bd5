package search

import (
	"context"
	"math"
	"slices"
	"strings"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/query"
)

// Limits bound the work of a search whose query matches many documents.
//
// A search first matches the query against a sample: the newest
// SampleRows rows of the store. When the sample is the whole library, its
// count is exact; otherwise the count of the sample, scaled to the
// library, estimates the total and the facets. A query estimated to match
// at most Exact documents is matched, counted and ranked in full (the
// work grows with its matches, at most some Exact of them); one matching
// more is ranked top-k (topK): its total and facets are the estimate,
// labelled as such (SearchResult.TotalEstimated), and its first
// MaxResults hits are found by walking the documents in ranking order,
// so that the work grows with the page asked for, not with the library.
type Limits struct {
	// Exact is the largest estimated number of matches ranked in full.
	// A negative value ranks every query top-k (for tests).
	Exact int
	// SampleRows is the number of rows whose matches are counted.
	SampleRows int
	// MaxResults is how deep the pages of a top-k search go.
	MaxResults int
	// MaxWalk is the number of documents a top-k walk may visit; past it
	// the search ranks every match instead (slower, never wrong).
	MaxWalk int
	// RecentRows is the size of library, in documents, from which a
	// relevance search matching more than Exact of them is ranked from
	// the matches of the newest rows when a walk would be slow: the query
	// matches less than MinShare of the library, or has several words
	// (whose paragraph tier the walk finds only by reading the title of
	// every document holding any of them). Zero: never (every such query
	// is ranked exactly, by a walk or in full).
	RecentRows int
	// MinShare is the share of the library a query must be estimated to
	// match to be ranked top-k: the walks look up documents in ranking
	// order and find the page's matches quickly only among many (with
	// 0.25, some four lookups a hit). Measured at 200,000 documents, a
	// query matching 5 % took seconds to walk, one matching 90 % a few
	// lookups.
	MinShare float64
	// NoCache ranks every search anew, its ranking not cached for the
	// next page (for benchmarks of the ranking itself).
	NoCache bool
}

// DefaultLimits are the limits of New.
var DefaultLimits = Limits{Exact: 2000, SampleRows: 16384, MaxResults: 1000, MaxWalk: 20000, RecentRows: 50000, MinShare: 0.25}

// SetLimits changes the engine's limits; Exact at math.MaxInt ranks every
// query in full (the exhaustive ranking that top-k must agree with).
func (e *Engine) SetLimits(l Limits) {
	e.limits = l
	e.results.Forget()
}

// sampleCount is what a search learns from its sample.
type sampleCount struct {
	complete bool    // the sample is the whole library: ids are all matches
	ids      []int64 // the sample's matches passing the filters
	estimate int     // matches in the library, estimated (exact if complete)
	library  int     // documents shown
	facets   wengao.Facets
}

// sample matches q in the newest rows of the store and estimates the
// library's total and facets from them.
func (e *Engine) sample(ctx context.Context, cat *Catalog, q *query.Query, cls [][]Phrase) (*sampleCount, error) {
	if hasPrefix(cls, excluded(q)) {
		// The index merges a prefix's lists whatever the range: list
		// every match once, exactly.
		ids, err := e.matchAll(ctx, cat, q, cls)
		if err != nil {
			return nil, err
		}
		cat.RLock()
		defer cat.RUnlock()
		return &sampleCount{complete: true, ids: ids, estimate: len(ids), library: cat.Len(), facets: facets(cat, ids)}, nil
	}
	cat.RLock()
	hi := cat.MaxRow()
	total := cat.Len()
	cat.RUnlock()
	lo := hi - int64(e.limits.SampleRows) + 1
	s := &sampleCount{complete: lo <= 1}
	if s.complete {
		lo = 0
	}
	var ids []int64
	ex := excluded(q)
	if len(cls) == 0 {
		cat.RLock()
		for id := lo; id <= hi; id++ {
			if cat.Has(id) {
				ids = append(ids, id)
			}
		}
		cat.RUnlock()
		if len(ex) > 0 {
			out, err := e.store.MatchRange(ctx, FieldText, [][]Phrase{ex}, nil, lo, hi)
			if err != nil {
				return nil, err
			}
			ids = subtractIDs(ids, out)
		}
	} else {
		var err error
		if ids, err = e.store.MatchRange(ctx, FieldText, cls, ex, lo, hi); err != nil {
			return nil, err
		}
	}
	cat.RLock()
	defer cat.RUnlock()
	s.ids = filterIDs(cat, ids, q)
	s.facets = facets(cat, s.ids)
	s.library = total
	if s.complete {
		s.estimate = len(s.ids)
		return s, nil
	}
	shown := 0
	for id := lo; id <= hi; id++ {
		if cat.Has(id) {
			shown++
		}
	}
	if shown == 0 {
		return s, nil
	}
	scale := float64(total) / float64(shown)
	s.estimate = roughly(float64(len(s.ids)) * scale)
	for _, fs := range [][]wengao.FacetCount{s.facets.Category, s.facets.CategoryTop, s.facets.Year} {
		for i := range fs {
			fs[i].Count = roughly(float64(fs[i].Count) * scale)
		}
	}
	return s, nil
}

// roughly rounds an estimate to its two leading digits: 123456 → 120000.
func roughly(x float64) int {
	if x < 100 {
		return int(math.Round(x))
	}
	unit := math.Pow(10, math.Floor(math.Log10(x))-1)
	return int(math.Round(x/unit) * unit)
}

// wantsTopK reports whether a query of this sample is ranked top-k.
func (e *Engine) wantsTopK(s *sampleCount) bool {
	if e.limits.Exact < 0 {
		return true
	}
	// When the sample is the whole library, every match is in hand and
	// there are no more of them than a walk may visit: ranking them all
	// costs less than walking (measured at 8,925 documents: common words
	// p95 13 ms ranked whole, 19 ms walked).
	if s.complete && s.estimate <= e.limits.MaxWalk {
		return false
	}
	return s.estimate > e.limits.Exact && float64(s.estimate) >= e.limits.MinShare*float64(s.library)
}

// wantsRecent reports whether a query is ranked from the newest rows'
// matches (rankRecent): see Limits.RecentRows.
func (e *Engine) wantsRecent(s *sampleCount, q *query.Query, cls [][]Phrase, order wengao.Sort) bool {
	if e.limits.RecentRows <= 0 || s.library < e.limits.RecentRows || s.complete || s.estimate <= e.limits.Exact {
		return false
	}
	if len(cls) == 0 || order == wengao.SortDate || order == wengao.SortReads {
		return false
	}
	return nearPhrases(q) != nil || !e.wantsTopK(s)
}

// topK returns the first need documents of q's ranking in the order sort
// asks, without reading every match: it reports false when the walk went
// past the limits, and the caller ranks every match instead.
func (e *Engine) topK(ctx context.Context, cat *Catalog, q *query.Query, cls [][]Phrase, m *matcher, order wengao.Sort, need int) ([]scored, bool, error) {
	switch {
	case order == wengao.SortDate || (order != wengao.SortReads && cls == nil):
		return e.firstMatches(ctx, cat, q, cls, m, OrderDate, need)
	case order == wengao.SortReads:
		return e.firstMatches(ctx, cat, q, cls, m, OrderReads, need)
	}
	return e.rankTopK(ctx, cat, q, cls, m, nil, need)
}

// walk calls fn with the shown documents passing q's filters, in the
// store's order, a batch at a time, until fn returns false. It reports
// false when it stopped at the limit of visited documents.
func (e *Engine) walk(ctx context.Context, cat *Catalog, q *query.Query, order Order, fn func(rows []int64) (bool, error)) (bool, error) {
	visited, capped := 0, false
	err := e.store.Ordered(ctx, order, func(rows []int64) (bool, error) {
		if visited >= e.limits.MaxWalk {
			capped = true
			return false, nil
		}
		visited += len(rows)
		keep := make([]int64, 0, len(rows))
		cat.RLock()
		for _, id := range rows {
			if m, ok := cat.Get(id); ok && passes(&m, q) {
				keep = append(keep, id)
			}
		}
		cat.RUnlock()
		if len(keep) == 0 {
			return true, nil
		}
		return fn(keep)
	})
	return !capped, err
}

// matching returns, in their order, those of rows that match q: every
// clause and no exclusion. A query's matches already listed in full are
// set; nil asks the index.
func (e *Engine) matching(ctx context.Context, q *query.Query, cls [][]Phrase, m *matcher, rows []int64) ([]int64, error) {
	if m != nil && m.set != nil {
		out := make([]int64, 0, len(rows))
		for _, id := range rows {
			if m.set[id] {
				out = append(out, id)
			}
		}
		return out, nil
	}
	if m != nil && m.chars != nil {
		return e.matchChars(ctx, m.cat, q, m.chars, rows)
	}
	ex := excluded(q)
	var found []int64
	var err error
	switch {
	case len(cls) > 0:
		found, err = e.store.MatchAmong(ctx, cls, ex, rows)
	case len(ex) > 0:
		var out []int64
		if out, err = e.store.MatchAmong(ctx, [][]Phrase{ex}, nil, rows); err == nil {
			return subtractIDs(slices.Clone(rows), out), nil
		}
	default:
		return rows, nil
	}
	if err != nil {
		return nil, err
	}
	return inOrder(rows, found), nil
}

// inOrder returns the members of set in the order of rows.
func inOrder(rows, set []int64) []int64 {
	in := make(map[int64]bool, len(set))
	for _, id := range set {
		in[id] = true
	}
	out := make([]int64, 0, len(set))
	for _, id := range rows {
		if in[id] {
			out = append(out, id)
		}
	}
	return out
}

// firstMatches returns the first need matches of q in the store's order.
func (e *Engine) firstMatches(ctx context.Context, cat *Catalog, q *query.Query, cls [][]Phrase, m *matcher, order Order, need int) ([]scored, bool, error) {
	out := make([]scored, 0, need)
	var pr prober
	ok, err := e.walk(ctx, cat, q, order, func(rows []int64) (bool, error) {
		for len(rows) > 0 && len(out) < need {
			var chunk []int64
			chunk, rows = pr.next(rows, need-len(out))
			found, err := e.matching(ctx, q, cls, m, chunk)
			if err != nil {
				return false, err
			}
			pr.found(len(found))
			for _, id := range found {
				if len(out) < need {
					out = append(out, scored{id: id})
				}
			}
		}
		return len(out) < need, nil
	})
	return out, ok, err
}

// prober cuts a walk's rows into the chunks checked against the index
// at a time: twice what is still wanted while most rows match, growing
// while few do, so that a common word costs a few lookups and a rarer
// one few queries.
type prober struct{ scale int }

// next cuts the next chunk off rows, for want more matches.
func (p *prober) next(rows []int64, want int) (chunk, rest []int64) {
	n := max(16, 2*want) << p.scale
	n = min(n, len(rows))
	return rows[:n], rows[n:]
}

// found records how many rows of the last chunk matched.
func (p *prober) found(n int) {
	if n == 0 && p.scale < 6 {
		p.scale++
	}
}

// scoreBound is the highest score rank can give a document, whatever its
// title holds: the title tier with every clause outside 《》.
func scoreBound(m *Meta) float64 {
	shortness := shortnessScale / float64(shortnessScale+m.Size)
	return titleTier + titleShareWeight + titleShortWeight*titleShortScale/float64(titleShortScale+m.TitleLen) + titleShortnessWeight*shortness
}

// amongBatch is how many titled documents are checked against the text
// index at a time.
const amongBatch = 64

// rankTopK returns the first need documents of rank's order over the
// matches of q, from a bounded set of candidates. The ranking gives every
// document its shortness score and adds title and paragraph evidence, so
// the first need are among:
//
//   - the need best of the documents with evidence in their title, which
//     the title index finds (a small list);
//   - the nearCandidates that rank checks for a paragraph holding every
//     word: the best of the titled ones by title evidence, then the
//     shortest others, as rank picks them;
//   - the need shortest matches: any other document has need
//     documents above it, each at least as short, each scoring its
//     shortness plus any evidence, ties going the same way (date, row).
//
// Candidates are scored as rank scores them and the best need kept;
// TestTopKAgreesWithRank holds the two rankings equal.
//
// With a pool (matches of q already known: the newest rows' matches, see
// rankRecent), the shortest matches and the paragraph tier's candidates
// without title evidence are taken from the pool alone instead of from
// a walk over the whole library. The title tier (every clause in the
// title) is still looked for in every title; a title holding only some
// of the clauses counts within the pool.
func (e *Engine) rankTopK(ctx context.Context, cat *Catalog, q *query.Query, cls [][]Phrase, m *matcher, pool []int64, need int) ([]scored, bool, error) {
	nclauses := float64(len(q.Clauses))
	near := nearPhrases(q)
	ev := make(map[int64]*evidence)

	// Title evidence, for the shown documents passing the filters.
	var titled []int64
	if pool == nil {
		var anyTerm []Phrase
		for _, c := range cls {
			anyTerm = append(anyTerm, c...)
		}
		var err error
		if titled, err = e.store.Match(ctx, FieldTitle, [][]Phrase{anyTerm}, nil); err != nil {
			return nil, false, err
		}
	} else {
		// The titles holding every clause, from the title index; the
		// pool's titles from the catalog.
		tq := *q
		tq.Clauses = titleClauses(q)
		all, err := e.store.Match(ctx, FieldTitle, clauses(&tq), nil)
		if err != nil {
			return nil, false, err
		}
		titled = all
		cat.RLock()
		for _, id := range pool {
			if m, ok := cat.Get(id); ok {
				if t := titleEvidence(q, m.Title); t.all || t.weight > 0 {
					ev[id] = t
					titled = append(titled, id)
				}
			}
		}
		cat.RUnlock()
		slices.Sort(titled)
		titled = slices.Compact(titled)
	}

	// The titled documents by the best score their title and size allow,
	// read without their titles.
	cat.RLock()
	docs := make([]scored, 0, len(titled))
	for _, id := range titled {
		if m, ok := cat.Get(id); ok && passes(&m, q) {
			docs = append(docs, scored{id, scoreBound(&m)})
		}
	}
	// In order as the loop below takes them: it seldom takes many.
	order := newHeapOrder(docs, func(a, b scored) int { return cmpScored(cat, a, b) })
	cat.RUnlock()

	// The best need of them that match the whole query: titles are
	// read in that order until the need-th best score found beats the
	// bound of the rest. The paragraph tier needs the evidence of all.
	cands := map[int64]bool{}
	var strong []scored
	for order.Len() > 0 {
		if (near == nil || pool != nil) && len(strong) >= need && strong[need-1].score > order.Peek().score {
			break
		}
		cat.RLock()
		batch := order.Take(amongBatch)
		cat.RUnlock()
		exact := map[int64]float64{}
		var ids []int64
		cat.RLock()
		for _, d := range batch {
			m, _ := cat.Get(d.id)
			t := titleEvidence(q, m.Title)
			ev[d.id] = t
			if t.all || t.weight > 0 {
				ids = append(ids, d.id)
				exact[d.id] = score(t, &m, nclauses)
			}
		}
		cat.RUnlock()
		if len(strong) >= need { // only those that can still enter
			ids = slices.DeleteFunc(ids, func(id int64) bool { return exact[id] < strong[need-1].score })
		}
		found, err := e.matching(ctx, q, cls, m, ids)
		if err != nil {
			return nil, false, err
		}
		for _, id := range found {
			strong = append(strong, scored{id, exact[id]})
		}
		cat.RLock()
		slices.SortFunc(strong, func(a, b scored) int { return cmpScored(cat, a, b) })
		cat.RUnlock()
		strong = strong[:min(need, len(strong))]
	}
	for _, s := range strong {
		cands[s.id] = true
	}

	// The paragraph tier's candidates, as rank picks them: titled ones
	// by title evidence first.
	var nearCands []int64
	if near != nil {
		var partial []int64
		for id, t := range ev {
			if !t.all && t.weight > 0 {
				partial = append(partial, id)
			}
		}
		cat.RLock()
		slices.SortFunc(partial, func(a, b int64) int { return cmpNear(cat, ev, a, b) })
		cat.RUnlock()
		stop := len(partial)
		if pool != nil {
			stop = min(stop, maxPartialNear)
		}
		for i := 0; i < stop && len(nearCands) < nearCandidates; i += amongBatch {
			batch := partial[i:min(i+amongBatch, len(partial))]
			var err error
			if nearCands, err = e.addNear(ctx, q, cls, m, near, batch, nearCands); err != nil {
				return nil, false, err
			}
		}
	}

	// The shortest matches, and the shortest documents without title
	// evidence for the paragraph tier while it lacks candidates.
	var short []int64
	wanted := func() int {
		w := need - len(short)
		if near != nil {
			w = max(w, nearCandidates-len(nearCands))
		}
		return w
	}
	var pr prober
	walk, walkM := e.walk, m
	if pool != nil {
		set := make(map[int64]bool, len(pool))
		for _, id := range pool {
			set[id] = true
		}
		walk, walkM = poolWalk(pool), &matcher{set: set, cat: cat}
	}
	ok, err := walk(ctx, cat, q, OrderSize, func(rows []int64) (bool, error) {
		for len(rows) > 0 && wanted() > 0 {
			var chunk []int64
			chunk, rows = pr.next(rows, wanted())
			found, err := e.matching(ctx, q, cls, walkM, chunk)
			if err != nil {
				return false, err
			}
			pr.found(len(found))
			for _, id := range found {
				if len(short) < need {
					short = append(short, id)
				}
			}
			if near != nil && len(nearCands) < nearCandidates {
				var plain []int64
				for _, id := range found {
					if t := ev[id]; t == nil || (!t.all && t.weight == 0) {
						plain = append(plain, id)
					}
				}
				if nearCands, err = e.addNear(ctx, q, nil, nil, near, plain, nearCands); err != nil {
					return false, err
				}
			}
		}
		return wanted() > 0, nil
	})
	if err != nil || !ok {
		return nil, ok, err
	}
	for _, id := range short {
		cands[id] = true
	}
	spans, err := e.paragraphSpans(ctx, q, nearCands)
	if err != nil {
		return nil, false, err
	}
	for _, id := range nearCands {
		cands[id] = true
	}
	for id, span := range spans {
		if ev[id] == nil {
			ev[id] = &evidence{}
		}
		ev[id].together = true
		ev[id].span = span
	}

	cat.RLock()
	defer cat.RUnlock()
	out := make([]scored, 0, len(cands))
	for id := range cands {
		if m, ok := cat.Get(id); ok {
			out = append(out, scored{id, score(ev[id], &m, nclauses)})
		}
	}
	slices.SortFunc(out, func(a, b scored) int { return cmpScored(cat, a, b) })
	return out[:min(need, len(out))], true, nil
}

// poolWalk returns a walk over pool alone, as Engine.walk walks the
// library: in OrderSize, a batch at a time. The pool's rows already
// passed q's filters.
func poolWalk(pool []int64) func(context.Context, *Catalog, *query.Query, Order, func([]int64) (bool, error)) (bool, error) {
	return func(ctx context.Context, cat *Catalog, _ *query.Query, _ Order, fn func([]int64) (bool, error)) (bool, error) {
		rows := slices.Clone(pool)
		cat.RLock()
		rows = slices.DeleteFunc(rows, func(id int64) bool { return !cat.Has(id) })
		slices.SortFunc(rows, func(a, b int64) int { return cmpSize(cat, a, b) })
		cat.RUnlock()
		for len(rows) > 0 {
			if err := ctx.Err(); err != nil {
				return false, err
			}
			n := min(orderedBatch, len(rows))
			more, err := fn(rows[:n])
			if err != nil || !more {
				return true, err
			}
			rows = rows[n:]
		}
		return true, nil
	}
}

// orderedBatch is how many rows of a pool a walk hands over at a time.
const orderedBatch = 256

// maxPartialNear is how many of a pool's documents with some of the
// query in their title are checked for the paragraph tier, the most
// title evidence first.
const maxPartialNear = 4 * amongBatch

// rankRecent ranks a query that matches too few of a large library for a
// walk in ranking order to find its page quickly (each lookup would find
// few matches), yet too many to rank them all: a recency prior. The title
// evidence is looked for in every title, as everywhere; the documents
// without it, which rank by the paragraph tier and shortness alone, are
// drawn from the matches in the newest rows: the sample's, and older
// ranges of SampleRows rows while fewer than need are held.
// The work grows with the sample and the page, not with the library.
func (e *Engine) rankRecent(ctx context.Context, cat *Catalog, q *query.Query, cls [][]Phrase, smp *sampleCount, need int) ([]scored, error) {
	pool := smp.ids
	if !smp.complete {
		cat.RLock()
		lo := cat.MaxRow() - int64(e.limits.SampleRows) + 1
		cat.RUnlock()
		ex := excluded(q)
		for len(pool) < need && lo > 1 {
			hi := lo - 1
			lo = max(1, hi-int64(e.limits.SampleRows)+1)
			ids, err := e.store.MatchRange(ctx, FieldText, cls, ex, lo, hi)
			if err != nil {
				return nil, err
			}
			cat.RLock()
			ids = filterIDs(cat, ids, q)
			cat.RUnlock()
			pool = append(slices.Clip(pool), ids...)
		}
	}
	ranked, _, err := e.rankTopK(ctx, cat, q, cls, nil, pool, need)
	return ranked, err
}

// cmpSize is OrderSize: the shorter body first, then the newer date,
// then the higher row id. The caller holds cat's read lock.
func cmpSize(cat *Catalog, a, b int64) int {
	if sa, sb := cat.size(a), cat.size(b); sa != sb {
		return sa - sb
	}
	if c := strings.Compare(cat.date(b), cat.date(a)); c != 0 {
		return c
	}
	return cmpInt64(b, a)
}

// addNear appends to list, up to nearCandidates, those of rows (in their
// order) that hold the near phrases together and, unless cls is nil
// (known to match), match q.
func (e *Engine) addNear(ctx context.Context, q *query.Query, cls [][]Phrase, m *matcher, near []Phrase, rows, list []int64) ([]int64, error) {
	if len(rows) == 0 || len(list) >= nearCandidates {
		return list, nil
	}
	if nearByText(near) {
		found := rows
		if cls != nil {
			var err error
			if found, err = e.matching(ctx, q, cls, m, rows); err != nil {
				return nil, err
			}
		}
		return e.firstParagraphs(ctx, q, found, list)
	}
	found, err := e.store.MatchNearAmong(ctx, near, nearDistance, rows)
	if err != nil {
		return nil, err
	}
	found = inOrder(rows, found)
	if cls != nil && len(found) > 0 {
		if found, err = e.matching(ctx, q, cls, m, found); err != nil {
			return nil, err
		}
	}
	for _, id := range found {
		if len(list) < nearCandidates {
			list = append(list, id)
		}
	}
	return list, nil
}

// cmpScored orders ranked documents: the higher score first, then the
// newer date, then the higher row id. The caller holds cat's read lock.
func cmpScored(cat *Catalog, a, b scored) int {
	if a.score != b.score {
		if a.score > b.score {
			return -1
		}
		return 1
	}
	if c := strings.Compare(cat.date(b.id), cat.date(a.id)); c != 0 {
		return c
	}
	return cmpInt64(b.id, a.id)
}

// cmpNear orders the candidates of the paragraph tier: more title evidence
// first, then as OrderSize (shorter, newer, higher row). The caller holds
// cat's read lock.
func cmpNear(cat *Catalog, ev map[int64]*evidence, a, b int64) int {
	wa, wb := 0.0, 0.0
	if t := ev[a]; t != nil {
		wa = t.weight
	}
	if t := ev[b]; t != nil {
		wb = t.weight
	}
	if wa != wb {
		if wa > wb {
			return -1
		}
		return 1
	}
	return cmpSize(cat, a, b)
}
