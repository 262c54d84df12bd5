package search

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/chinese"
	"github.com/wengao/wengao/query"
)

// Search limits.
const (
	DefaultLimit = 10
	MaxLimit     = 100
	maxPage      = 1000
	snippetWidth = 120 // characters of a hit's snippet
)

// Engine answers searches over a Store.
type Engine struct {
	store   Store
	maskers *Maskers

	limits Limits

	// results caches the rankings of recent searches.
	results resultCache

	// equiv holds the abbreviations and number forms a query word also
	// finds: the built-in table plus the operator's entries.
	equiv atomic.Pointer[chinese.Equivalences]
	// abbrs gives the operator's entries; abbrMu guards abbrVersion, the
	// version equiv was built from.
	abbrs       AbbreviationSource
	abbrMu      sync.Mutex
	abbrVersion int64
}

// AbbreviationSource gives the operator's abbreviations and their version
// (wengao.AbbreviationService does).
type AbbreviationSource interface {
	Abbreviations(ctx context.Context) ([]wengao.Abbreviation, int64, error)
}

// SetAbbreviationSource makes search read the operator's abbreviations
// from src, rebuilding its equivalences when their version changes.
func (e *Engine) SetAbbreviationSource(src AbbreviationSource) {
	e.abbrs = src
	e.abbrVersion = -1
}

// equivalences returns the equivalences for a search, brought up to date
// with the operator's entries. Without them (an error reading them) the
// last ones serve.
func (e *Engine) equivalences(ctx context.Context) *chinese.Equivalences {
	if e.abbrs == nil {
		return e.equiv.Load()
	}
	list, v, err := e.abbrs.Abbreviations(ctx)
	if err != nil {
		return e.equiv.Load()
	}
	e.abbrMu.Lock()
	defer e.abbrMu.Unlock()
	if v != e.abbrVersion {
		extra := make([]chinese.Abbreviation, 0, len(list))
		for _, a := range list {
			if c := (chinese.Abbreviation{Short: a.Short, Full: a.Full}); c.Validate() == nil {
				extra = append(extra, c)
			}
		}
		e.SetAbbreviations(extra)
		e.abbrVersion = v
	}
	return e.equiv.Load()
}

var _ wengao.SearchService = (*Engine)(nil)

// New returns an Engine over store, showing words as the rules of maskers
// do (nil shows every word as stored).
func New(store Store, maskers *Maskers) *Engine {
	e := &Engine{store: store, maskers: maskers, limits: DefaultLimits}
	e.equiv.Store(chinese.NewEquivalences(chinese.BuiltinAbbreviations()))
	return e
}

// SetAbbreviations makes search treat the operator's abbreviations, extra,
// as one with their full forms, besides the built-in table.
func (e *Engine) SetAbbreviations(extra []chinese.Abbreviation) {
	all := append(chinese.BuiltinAbbreviations(), extra...)
	e.equiv.Store(chinese.NewEquivalences(all))
}

// Search runs a user's query. Matching uses the text index (which holds
// the title too), so every document with all the words is found; rank
// orders them.
func (e *Engine) Search(ctx context.Context, req wengao.SearchRequest) (*wengao.SearchResult, error) {
	start := time.Now()
	if req.Limit <= 0 {
		req.Limit = DefaultLimit
	}
	if req.Limit > MaxLimit {
		req.Limit = MaxLimit
	}
	if req.Page <= 0 {
		req.Page = 1
	}
	if req.Page > maxPage {
		return nil, wengao.ErrPageOutOfRange
	}
	q := query.Parse(req.Query)
	// What writers type for what texts print: 最高法 for 最高人民法院,
	// 第36条 for 第三十六条, 国办发[2019]4号 for 国办发〔2019〕4号.
	// A document number typed without 号 (国办发[2019]4) is the one
	// with it, not a prefix of 国办发〔2019〕41号 too.
	for _, c := range q.Clauses {
		for i, t := range c {
			if dn, ok := chinese.DocNumber(chinese.Normalize(t.Text)); ok && !t.Phrase {
				c[i].Runs = chinese.QueryRuns(dn)
			}
		}
	}
	equiv := e.equivalences(ctx)
	q.AddAlternatives(equiv.Alternatives)
	// A masked word and its shown form are one: 党委 finds D委 and back.
	// Without the rules, search goes on without masking.
	masker, maskVersion, _ := e.maskers.Masker(ctx)
	if masker != nil {
		q.Expand(masker.Variants)
	}
	if c := strings.Trim(req.Category, "/ "); c != "" && q.Category == "" {
		q.Category = c
	}
	cat, err := e.store.Catalog(ctx)
	if err != nil {
		return nil, err
	}
	res := &wengao.SearchResult{Page: req.Page, Limit: req.Limit, Hits: []wengao.SearchHit{}}
	cls := clauses(q)
	if !q.Empty() && len(cls) == 0 {
		res.Facets = wengao.Facets{Category: []wengao.FacetCount{}, CategoryTop: []wengao.FacetCount{}, Year: []wengao.FacetCount{}}
		res.TookMS = ms(time.Since(start))
		return res, nil
	}
	offset := (req.Page - 1) * req.Limit
	need := offset + req.Limit

	// The ranking of the query, from the cache while the library, the
	// masking rules and the abbreviations are unchanged (page 2 of a
	// search reuses page 1's), else computed.
	stamp := resultStamp(cat, maskVersion, equiv, masker != nil, req.Sort == wengao.SortReads)
	key := resultKey(req)
	var r *ranking
	ok := false
	if !e.limits.NoCache {
		r, ok = e.results.get(key, stamp, need, start)
	}
	if !ok {
		if r, err = e.rankPage(ctx, cat, q, cls, req, need); err != nil {
			return nil, err
		}
		if !e.limits.NoCache {
			e.results.put(key, stamp, r, start)
		}
	}
	ranked := r.ranked
	res.Total, res.Facets, res.TotalEstimated = r.total, r.facets, r.estimated
	if offset < len(ranked) {
		page := ranked[offset:min(need, len(ranked))]
		if res.Hits, err = e.hits(ctx, q, page, nil, req.Preview, masker); err != nil {
			return nil, err
		}
	}
	// No exact match: documents holding much of the query are listed
	// apart (Hits and Total stay those of the exact query, so that every
	// page, count and search log reads a failed search as before).
	if !req.Strict && req.Page == 1 && res.Total == 0 && len(ranked) == 0 && relaxable(q) && req.Sort != wengao.SortDate && req.Sort != wengao.SortReads {
		more, at, err := e.relaxed(ctx, cat, q, nil)
		if err != nil {
			return nil, err
		}
		nums, err := e.docNumberSuggestions(ctx, cat, q)
		if err != nil {
			return nil, err
		}
		if len(nums) > 0 || len(more) > 0 {
			res.StrictQuery = req.Query
			res.Suggestions = mergeSuggestions(nums, suggestions(cat, more))
		}
		if len(more) > 0 {
			if res.ApproximateHits, err = e.hits(ctx, q, more[:min(len(more), req.Limit)], at, req.Preview, masker); err != nil {
				return nil, err
			}
			for i := range res.ApproximateHits {
				res.ApproximateHits[i].Approximate = true
			}
		}
	}
	res.TookMS = ms(time.Since(start))
	return res, nil
}

// ranking is a query's first documents in the order asked, with its
// total and facets.
type ranking struct {
	ranked    []scored
	complete  bool // ranked holds every match
	total     int
	estimated bool
	facets    wengao.Facets
}

// rankPage ranks the first need documents of q (every one when that
// costs less) and counts them. Counting a sample of the rows comes
// first: a query matching few documents is counted and ranked in full,
// one matching many within bounds.
func (e *Engine) rankPage(ctx context.Context, cat *Catalog, q *query.Query, cls [][]Phrase, req wengao.SearchRequest, need int) (*ranking, error) {
	// Common words of one character are checked in the texts walked.
	cc, smp, err := e.charSearch(ctx, cat, q, cls)
	if err != nil {
		return nil, err
	}
	if cc == nil {
		if smp, err = e.sample(ctx, cat, q, cls); err != nil {
			return nil, err
		}
	}
	r := &ranking{}
	var ranked []scored
	// A match set ranked whole keeps, for the cache, as many as the
	// pages that a cached ranking serves.
	depth := need
	if !e.limits.NoCache {
		depth = max(need, resultDepth)
	}
	if cc == nil && e.wantsRecent(smp, q, cls, req.Sort) {
		// A large library's match set too big to rank whole, in which
		// a walk in ranking order would not find the page quickly: rank
		// the newest rows' matches (rankRecent).
		if need > e.limits.MaxResults {
			return nil, wengao.Errorf(wengao.EINVALID, "结果太多，只能翻看前 %d 篇，请加上更多词语或筛选条件。", e.limits.MaxResults)
		}
		r.total, r.facets, r.estimated = smp.estimate, smp.facets, true
		if ranked, err = e.rankRecent(ctx, cat, q, cls, smp, need); err != nil {
			return nil, err
		}
	} else if (cc != nil || e.wantsTopK(smp)) && (need <= e.limits.MaxResults || !smp.complete) {
		if need > e.limits.MaxResults { // deeper than top-k goes, in a library too big to rank whole
			return nil, wengao.Errorf(wengao.EINVALID, "结果太多，只能翻看前 %d 篇，请加上更多词语或筛选条件。", e.limits.MaxResults)
		}
		r.total, r.facets = smp.estimate, smp.facets
		r.estimated = !smp.complete
		// A prefix (a word of one character) costs the index the same
		// whole merge of many lists for every lookup: its matches are
		// listed once instead, and not walked for paragraphs.
		var set map[int64]bool
		ok := true
		if cc == nil && hasPrefix(cls, excluded(q)) {
			if nearPhrases(q) != nil && req.Sort != wengao.SortDate && req.Sort != wengao.SortReads {
				ok = false
			} else if !smp.complete {
				ids, err := e.matchAll(ctx, cat, q, cls)
				if err != nil {
					return nil, err
				}
				smp.ids, smp.complete = ids, true
			}
			set = make(map[int64]bool, len(smp.ids))
			for _, id := range smp.ids {
				set[id] = true
			}
		}
		if ok {
			if ranked, ok, err = e.topK(ctx, cat, q, cls, &matcher{set: set, chars: cc, cat: cat}, req.Sort, need); err != nil {
				return nil, err
			}
		}
		if !ok { // the walk ran out of bounds: rank every match
			ids := smp.ids
			if !smp.complete {
				if ids, err = e.matchAll(ctx, cat, q, cls); err != nil {
					return nil, err
				}
			}
			if ranked, err = e.rankAll(ctx, cat, q, cls, req.Sort, ids, depth); err != nil {
				return nil, err
			}
		}
	} else {
		ids := smp.ids
		if !smp.complete {
			if ids, err = e.matchAll(ctx, cat, q, cls); err != nil {
				return nil, err
			}
		}
		cat.RLock()
		r.total = len(ids)
		r.facets = facets(cat, ids)
		cat.RUnlock()
		if ranked, err = e.rankAll(ctx, cat, q, cls, req.Sort, ids, depth); err != nil {
			return nil, err
		}
	}
	r.ranked = ranked
	r.complete = len(ranked) < need || len(ranked) == r.total && !r.estimated
	return r, nil
}

// hasPrefix reports whether any of the phrases ends in a prefix.
func hasPrefix(cls [][]Phrase, not []Phrase) bool {
	for _, c := range append(cls, not) {
		for _, p := range c {
			if p.Prefix {
				return true
			}
		}
	}
	return false
}

// matchAll returns every shown document matching q and its filters.
func (e *Engine) matchAll(ctx context.Context, cat *Catalog, q *query.Query, cls [][]Phrase) ([]int64, error) {
	var ids []int64
	if len(cls) == 0 {
		cat.RLock()
		ids = cat.ids()
		cat.RUnlock()
		if ex := excluded(q); len(ex) > 0 {
			out, err := e.store.Match(ctx, FieldText, [][]Phrase{ex}, nil)
			if err != nil {
				return nil, err
			}
			ids = subtractIDs(ids, out)
		}
	} else {
		var err error
		if ids, err = e.store.Match(ctx, FieldText, cls, excluded(q)); err != nil {
			return nil, err
		}
	}
	cat.RLock()
	defer cat.RUnlock()
	return filterIDs(cat, ids, q), nil
}

// rankAll orders every match, ids, as sort asks, and returns the first
// need of them.
func (e *Engine) rankAll(ctx context.Context, cat *Catalog, q *query.Query, cls [][]Phrase, order wengao.Sort, ids []int64, need int) ([]scored, error) {
	switch {
	case order == wengao.SortDate || (order != wengao.SortReads && cls == nil):
		return sortBy(cat, ids, need, func(a, b *Meta) int { return strings.Compare(b.Date, a.Date) }), nil
	case order == wengao.SortReads:
		return sortBy(cat, ids, need, func(a, b *Meta) int { return cmpInt64(b.Reads, a.Reads) }), nil
	}
	return e.rank(ctx, cat, q, ids, need)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// scored is a document row id with its relevance score.
type scored struct {
	id    int64
	score float64
}

// subtractIDs returns the ids of a that are not in b.
func subtractIDs(a, b []int64) []int64 {
	drop := make(map[int64]bool, len(b))
	for _, id := range b {
		drop[id] = true
	}
	out := a[:0]
	for _, id := range a {
		if !drop[id] {
			out = append(out, id)
		}
	}
	return out
}

// filterIDs keeps the ids of shown documents whose metadata passes the
// query's filters. The caller holds cat's read lock.
func filterIDs(cat *Catalog, ids []int64, q *query.Query) []int64 {
	out := ids[:0]
	for _, id := range ids {
		if m, ok := cat.Get(id); ok && passes(&m, q) {
			out = append(out, id)
		}
	}
	return out
}

// passes reports whether a document's metadata passes the query's
// filters.
func passes(m *Meta, q *query.Query) bool {
	switch {
	case q.Category != "" && !categoryHasPrefix(m.Category, q.Category):
		return false
	case q.Year != 0 && m.Year != q.Year:
		return false
	case q.From != "" && (m.Date == "" || m.Date < q.From):
		return false
	case q.To != "" && (m.Date == "" || m.Date > q.To):
		return false
	}
	return true
}

// facets counts ids by category, top-level category and year. The caller
// holds cat's read lock.
func facets(cat *Catalog, ids []int64) wengao.Facets {
	// Counted by the catalog's category index and year, named once at
	// the end: a common word's thousands of matches cost no string work.
	byIndex := make([]int, len(cat.cats))
	var years [facetYears]int
	var otherYears map[uint16]int
	for _, id := range ids {
		if !cat.Has(id) {
			continue
		}
		e := &cat.rows[id]
		byIndex[e.cat]++
		if e.year < facetYears {
			years[e.year]++
		} else {
			if otherYears == nil {
				otherYears = map[uint16]int{}
			}
			otherYears[e.year]++
		}
	}
	byCat := map[string]int{}
	top := map[string]int{}
	for i, n := range byIndex {
		if n > 0 {
			byCat[cat.cats[i]] += n
			t, _, _ := strings.Cut(cat.cats[i], "/")
			top[t] += n
		}
	}
	year := map[string]int{}
	add := func(y uint16, n int) {
		if y == 0 {
			year[""] += n
		} else {
			year[strconv.Itoa(int(y))] += n
		}
	}
	for y, n := range years {
		if n > 0 {
			add(uint16(y), n)
		}
	}
	for y, n := range otherYears {
		add(y, n)
	}
	return wengao.Facets{Category: facetList(byCat, false), CategoryTop: facetList(top, false), Year: facetList(year, true)}
}

// facetYears bounds the years facets count in an array; later ones (a
// mistyped date) in a map.
const facetYears = 2200

func facetList(m map[string]int, byValueDesc bool) []wengao.FacetCount {
	out := make([]wengao.FacetCount, 0, len(m))
	for v, n := range m {
		out = append(out, wengao.FacetCount{Value: v, Count: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if byValueDesc {
			return out[i].Value > out[j].Value
		}
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Value < out[j].Value
	})
	return out
}

// sortBy returns the first need of ids in the order of a metadata
// comparison, newest row first on ties. Each document's metadata is read
// once, not at every comparison.
func sortBy(cat *Catalog, ids []int64, need int, cmp func(a, b *Meta) int) []scored {
	cat.RLock()
	defer cat.RUnlock()
	metas := make([]Meta, len(ids))
	order := make([]int, len(ids))
	for i, id := range ids {
		metas[i], _ = cat.Get(id)
		order[i] = i
	}
	order = firstN(order, need, func(i, j int) int {
		if c := cmp(&metas[i], &metas[j]); c != 0 {
			return c
		}
		return cmpInt64(ids[j], ids[i])
	})
	out := make([]scored, len(order))
	for k, i := range order {
		out[k] = scored{id: ids[i]}
	}
	return out
}

// hits loads the page's documents and builds their snippets. A document
// of at was found by its paragraph at[row]: its hit points at it, and
// shows it. With a preview rule, snippets come from the preview of each text alone.
// Snippets and titles show masked words in their shown form (the site
// shows nothing else), marked when they match.
func (e *Engine) hits(ctx context.Context, q *query.Query, page []scored, at map[int64]int, preview *wengao.PreviewRule, masker *chinese.Masker) ([]wengao.SearchHit, error) {
	var runs []string
	for _, t := range q.Terms() {
		runs = append(runs, t.Runs...)
	}
	hl := chinese.NewHighlighter(runs)
	article := queryArticle(q)
	rows := make([]int64, len(page))
	for i, s := range page {
		rows[i] = s.id
	}
	texts, err := e.store.Texts(ctx, rows)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*wengao.SearchHit, len(page))
	for _, t := range texts {
		h := &wengao.SearchHit{ID: t.ID, Title: t.Title, Date: t.Date, Category: t.Category, Reads: t.Reads}
		plain := t.Plain
		paras := strings.Split(t.Body, "\n")
		if preview != nil {
			paras, _ = preview.Cut(paras)
		}
		if masker != nil {
			paras, h.Title = masker.DisplayAll(paras), masker.Display(h.Title)
			plain = false // a shown form may hold letters the text did not
		}
		h.Snippet = hl.Snippet(paras, plain, snippetWidth)
		if i := findArticle(paras, article); i >= 0 {
			// 劳动法 第36条: the hit points at the article, and shows it.
			h.Anchor = wengao.ParagraphAnchor(i)
			h.Snippet = hl.Snippet(paras[i:i+1], plain, snippetWidth)
		} else if i, ok := at[t.Row]; ok && i < len(paras) {
			// A sentence remembered with a word changed: the paragraph
			// that holds most of it (within the preview alone).
			h.Anchor = wengao.ParagraphAnchor(i)
			h.Snippet = hl.Snippet(paras[i:i+1], plain, snippetWidth)
		}
		h.TitleHTML = hl.Mark(h.Title, plain)
		byID[t.Row] = h
	}
	hits := make([]wengao.SearchHit, 0, len(page))
	for _, s := range page {
		if h := byID[s.id]; h != nil { // nil: deleted since it was matched
			h.Score = float64(int64(s.score*1e4)) / 1e4
			hits = append(hits, *h)
		}
	}
	return hits, nil
}

// queryArticle returns the number of the article a query names beside
// other words (劳动法 第36条), or 0.
func queryArticle(q *query.Query) int {
	if len(titleClauses(q)) == len(q.Clauses) {
		return 0 // no article, or articles alone
	}
	for _, c := range q.Clauses {
		if isArticleClause(c) {
			n, _ := articleNumber(c[0])
			return n
		}
	}
	return 0
}

// findArticle returns the index of the paragraph that starts article n
// (第三十六条 followed by a space, or 第36条), or -1.
func findArticle(paras []string, n int) int {
	if n <= 0 {
		return -1
	}
	heads := []string{"第" + chinese.ChineseNumber(n) + "条", "第" + strconv.Itoa(n) + "条"}
	for i, p := range paras {
		p = strings.TrimSpace(p)
		if !strings.HasPrefix(p, "第") {
			continue
		}
		for _, h := range heads {
			rest, ok := strings.CutPrefix(p, h)
			if !ok {
				continue
			}
			if r, _ := utf8.DecodeRuneInString(rest); rest == "" || unicode.IsSpace(r) {
				return i
			}
		}
	}
	return -1
}
