package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/chinese"
	"github.com/wengao/wengao/query"
)

var _ wengao.SearchService = (*DB)(nil)

// Search limits.
const (
	DefaultLimit = 10
	MaxLimit     = 100
	maxPage      = 1000
	snippetWidth = 120
)

// Search runs a user's query. Matching uses the body index (which holds the
// title too), so every document with all the words is found. Relevance is
// tiered: documents whose title holds every word come first (bm25 over the
// titles, which have their own term statistics), then documents holding the
// words together in one passage, then the rest by bm25 over the body.
func (db *DB) Search(ctx context.Context, req wengao.SearchRequest) (*wengao.SearchResult, error) {
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
		return nil, wengao.Errorf(wengao.EINVALID, "页码超出范围。")
	}
	q := query.Parse(req.Query)
	if c := strings.Trim(req.Category, "/ "); c != "" && q.Category == "" {
		q.Category = c
	}
	if err := db.refreshMeta(ctx); err != nil {
		return nil, err
	}
	res := &wengao.SearchResult{Page: req.Page, Limit: req.Limit, Hits: []wengao.SearchHit{}}

	var ids []int64
	expr := ""
	if q.Empty() {
		ids = db.allIDs()
		if ex := excludedExpr(q); ex != "" {
			out, err := db.matchIDs(ctx, "body_fts", ex)
			if err != nil {
				return nil, err
			}
			ids = subtractIDs(ids, out)
		}
	} else {
		expr = matchExpr(q)
		if expr == "" {
			res.Facets = wengao.Facets{Category: []wengao.FacetCount{}, CategoryTop: []wengao.FacetCount{}, Year: []wengao.FacetCount{}}
			res.TookMS = ms(time.Since(start))
			return res, nil
		}
		var err error
		if ids, err = db.matchIDs(ctx, "body_fts", expr); err != nil {
			return nil, err
		}
	}
	ids = db.filterIDs(ids, q)
	res.Total = len(ids)
	res.Facets = db.facets(ids)

	offset := (req.Page - 1) * req.Limit
	need := offset + req.Limit
	var ranked []scored
	var err error
	switch {
	case req.Sort == wengao.SortDate || (req.Sort != wengao.SortReads && expr == ""):
		ranked = db.sortBy(ids, func(a, b *docMeta) int { return strings.Compare(b.date, a.date) })
	case req.Sort == wengao.SortReads:
		ranked = db.sortBy(ids, func(a, b *docMeta) int { return cmpInt64(b.reads, a.reads) })
	default:
		ranked, err = db.rank(ctx, q, expr, ids, need)
		if err != nil {
			return nil, err
		}
	}
	if offset < len(ranked) {
		page := ranked[offset:min(need, len(ranked))]
		if res.Hits, err = db.hits(ctx, q, page); err != nil {
			return nil, err
		}
	}
	res.TookMS = ms(time.Since(start))
	return res, nil
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

// phraseExpr renders one term as an FTS5 phrase over index tokens.
func phraseExpr(t query.Term) string {
	toks, prefix := chinese.PhraseTokens(t.Runs)
	if len(toks) == 0 {
		return ""
	}
	// Tokens hold only letters and digits, so quoting cannot be escaped.
	s := `"` + strings.Join(toks, " ") + `"`
	if prefix {
		s += "*"
	}
	return s
}

// matchExpr renders the query as an FTS5 expression: the clauses ANDed,
// each an OR of phrases, then the exclusions. It returns "" when no
// positive term survives.
func matchExpr(q *query.Query) string {
	var parts []string
	for _, c := range q.Clauses {
		var alts []string
		for _, t := range c {
			if p := phraseExpr(t); p != "" {
				alts = append(alts, p)
			}
		}
		switch len(alts) {
		case 0:
			continue
		case 1:
			parts = append(parts, alts[0])
		default:
			parts = append(parts, "("+strings.Join(alts, " OR ")+")")
		}
	}
	if len(parts) == 0 {
		return ""
	}
	s := strings.Join(parts, " AND ")
	if len(parts) > 1 {
		s = "(" + s + ")"
	}
	for _, t := range q.Excluded {
		if p := phraseExpr(t); p != "" {
			s += " NOT " + p
		}
	}
	return s
}

// excludedExpr renders the exclusions of q as one OR expression.
func excludedExpr(q *query.Query) string {
	var alts []string
	for _, t := range q.Excluded {
		if p := phraseExpr(t); p != "" {
			alts = append(alts, p)
		}
	}
	return strings.Join(alts, " OR ")
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

// nearExpr renders the single-term clauses of q as one NEAR group, or ""
// when there are fewer than two.
func nearExpr(q *query.Query, distance int) string {
	var phrases []string
	for _, c := range q.Clauses {
		if len(c) == 1 {
			if p := phraseExpr(c[0]); p != "" {
				phrases = append(phrases, p)
			}
		}
	}
	if len(phrases) < 2 {
		return ""
	}
	return "NEAR(" + strings.Join(phrases, " ") + ", " + strconv.Itoa(distance) + ")"
}

// matchIDs returns the row ids matching expr in the given index.
func (db *DB) matchIDs(ctx context.Context, table, expr string) ([]int64, error) {
	var list sql.NullString
	err := db.read.QueryRowContext(ctx, `SELECT group_concat(rowid) FROM `+table+` WHERE `+table+` MATCH ?`, expr).Scan(&list)
	if err != nil {
		if ftsError(err) == errNoMatch {
			return nil, nil
		}
		return nil, err
	}
	return parseIDList(list.String), nil
}

// ftsError turns an FTS5 syntax error, which the query builder should make
// impossible, into an empty result rather than a failure.
func ftsError(err error) error {
	if err != nil && (strings.Contains(err.Error(), "fts5") || strings.Contains(err.Error(), "syntax error")) {
		return errNoMatch
	}
	return err
}

var errNoMatch = errors.New("no match")

func parseIDList(s string) []int64 {
	if s == "" {
		return nil
	}
	ids := make([]int64, 0, strings.Count(s, ",")+1)
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ',' {
			ids = append(ids, n)
			n = 0
			continue
		}
		n = n*10 + int64(c-'0')
	}
	return append(ids, n)
}

func (db *DB) allIDs() []int64 {
	db.meta.mu.RLock()
	defer db.meta.mu.RUnlock()
	ids := make([]int64, 0, db.meta.count)
	for id, m := range db.meta.docs {
		if m != nil {
			ids = append(ids, int64(id))
		}
	}
	return ids
}

// filterIDs keeps the ids whose metadata passes the query's filters.
func (db *DB) filterIDs(ids []int64, q *query.Query) []int64 {
	db.meta.mu.RLock()
	defer db.meta.mu.RUnlock()
	out := ids[:0]
	for _, id := range ids {
		m := db.meta.get(id)
		if m == nil {
			continue
		}
		if q.Category != "" && !categoryHasPrefix(m.category, q.Category) {
			continue
		}
		if q.Year != 0 && m.year != q.Year {
			continue
		}
		if q.From != "" && (m.date == "" || m.date < q.From) {
			continue
		}
		if q.To != "" && (m.date == "" || m.date > q.To) {
			continue
		}
		out = append(out, id)
	}
	return out
}

// categoryHasPrefix reports whether category is prefix or lies under it:
// "报告" covers "报告/政府工作报告"; a prefix of a level name also counts
// ("法律" covers "法律法规/法律").
func categoryHasPrefix(category, prefix string) bool {
	if strings.HasPrefix(category, prefix) {
		return true
	}
	// Also match a sub-level given alone: "政府工作报告".
	if i := strings.IndexByte(category, '/'); i >= 0 {
		return strings.HasPrefix(category[i+1:], prefix)
	}
	return false
}

// facets counts ids by category, top-level category and year.
func (db *DB) facets(ids []int64) wengao.Facets {
	db.meta.mu.RLock()
	cat := map[string]int{}
	top := map[string]int{}
	year := map[string]int{}
	for _, id := range ids {
		m := db.meta.get(id)
		if m == nil {
			continue
		}
		cat[m.category]++
		t, _, _ := strings.Cut(m.category, "/")
		top[t]++
		if m.year != 0 {
			year[strconv.Itoa(m.year)]++
		} else {
			year[""]++
		}
	}
	db.meta.mu.RUnlock()
	f := wengao.Facets{Category: facetList(cat, false), CategoryTop: facetList(top, false), Year: facetList(year, true)}
	return f
}

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

// sortBy orders ids by a metadata comparison, newest row first on ties.
func (db *DB) sortBy(ids []int64, cmp func(a, b *docMeta) int) []scored {
	db.meta.mu.RLock()
	defer db.meta.mu.RUnlock()
	out := make([]scored, len(ids))
	for i, id := range ids {
		out[i] = scored{id: id}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if c := cmp(db.meta.get(out[i].id), db.meta.get(out[j].id)); c != 0 {
			return c < 0
		}
		return out[i].id > out[j].id
	})
	return out
}

// Paragraph tier: candidates are documents whose words lie within
// nearDistance tokens; the best nearCandidates by bm25 are checked.
const (
	nearDistance   = 240
	nearCandidates = 30
)

// rank orders the matching ids by relevance, far enough to fill the first
// need places.
func (db *DB) rank(ctx context.Context, q *query.Query, expr string, ids []int64, need int) ([]scored, error) {
	inSet := make(map[int64]bool, len(ids))
	for _, id := range ids {
		inSet[id] = true
	}
	placed := make(map[int64]bool, need)
	out := make([]scored, 0, need)
	add := func(list []scored, base float64) {
		for _, s := range list {
			if inSet[s.id] && !placed[s.id] {
				placed[s.id] = true
				out = append(out, scored{s.id, base + s.score/(1+s.score)})
			}
		}
	}
	// Tier 1: the title holds every word. Every such title holds each term
	// about once, so bm25 over titles reduces to its length norm: shorter
	// titles first (the law before the decision amending it), then newer.
	titled, err := db.matchIDs(ctx, "title_fts", expr)
	if err != nil {
		return nil, err
	}
	add(db.titleScores(titled), 3)
	// Tier 2: every word in one paragraph. Candidates are the documents
	// with the words within a paragraph's reach of each other, best by
	// bm25; the paragraph test runs on their text.
	if len(out) < need && len(out) < len(ids) {
		if near := nearExpr(q, nearDistance); near != "" {
			close, err := db.matchIDs(ctx, "body_fts", near)
			if err != nil {
				return nil, err
			}
			together, err := db.sameParagraph(ctx, q, db.shortestFirst(close, inSet, placed, nearCandidates))
			if err != nil {
				return nil, err
			}
			add(together, 2)
		}
	}
	// Tier 3: the rest: documents whose title holds more of the words
	// first, then shorter documents, where the words weigh more.
	if len(out) < need && len(out) < len(ids) {
		inTitle := map[int64]int{}
		if len(q.Clauses) > 1 {
			for _, c := range q.Clauses {
				for _, t := range c {
					p := phraseExpr(t)
					if p == "" {
						continue
					}
					tids, err := db.matchIDs(ctx, "title_fts", p)
					if err != nil {
						return nil, err
					}
					for _, id := range tids {
						inTitle[id]++
					}
				}
			}
		}
		rest := make([]scored, 0, len(ids)-len(out))
		db.meta.mu.RLock()
		for _, id := range ids {
			if m := db.meta.get(id); m != nil && !placed[id] {
				rest = append(rest, scored{id, float64(inTitle[id]) + 1000/float64(1000+m.size)})
			}
		}
		db.meta.mu.RUnlock()
		sort.Slice(rest, func(i, j int) bool {
			if rest[i].score != rest[j].score {
				return rest[i].score > rest[j].score
			}
			return rest[i].id > rest[j].id
		})
		add(rest, 1)
	}
	return out, nil
}

// shortestFirst returns up to n of ids that are matched and not yet
// placed, shortest documents first: where words stand together in a short
// text, that text is more about them (the length norm of bm25, without
// its cost).
func (db *DB) shortestFirst(ids []int64, inSet, placed map[int64]bool, n int) []scored {
	db.meta.mu.RLock()
	defer db.meta.mu.RUnlock()
	out := make([]scored, 0, len(ids))
	for _, id := range ids {
		if m := db.meta.get(id); m != nil && inSet[id] && !placed[id] {
			out = append(out, scored{id, 1000 / float64(100+m.size)})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].score != out[j].score {
			return out[i].score > out[j].score
		}
		return out[i].id > out[j].id
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// sameParagraph keeps the candidates that hold every single-term clause of
// q within one paragraph, the tightest first.
func (db *DB) sameParagraph(ctx context.Context, q *query.Query, check []scored) ([]scored, error) {
	if len(check) == 0 {
		return nil, nil
	}
	var runs [][]string
	for _, c := range q.Clauses {
		if len(c) == 1 {
			runs = append(runs, c[0].Runs)
		}
	}
	args := make([]any, len(check))
	for i, c := range check {
		args[i] = c.id
	}
	rows, err := db.read.QueryContext(ctx, `SELECT t.id, t.body, d.plain FROM document_texts t JOIN documents d USING (id) WHERE t.id IN (`+placeholders(len(check))+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	spans := map[int64]int{}
	for rows.Next() {
		var id int64
		var body string
		var plain bool
		if err := rows.Scan(&id, &body, &plain); err != nil {
			return nil, err
		}
		if span, ok := chinese.ParagraphSpan(body, runs, plain); ok {
			spans[id] = span
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// The tighter the words stand together, the better; bm25 breaks ties.
	out := check[:0]
	for _, c := range check {
		if span, ok := spans[c.id]; ok {
			c.score = 100/(1+float64(span)/30) + c.score/(1+c.score)
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].score > out[j].score })
	return out, nil
}

// titleScores scores title matches by title length, best first.
func (db *DB) titleScores(ids []int64) []scored {
	db.meta.mu.RLock()
	defer db.meta.mu.RUnlock()
	out := make([]scored, 0, len(ids))
	for _, id := range ids {
		if m := db.meta.get(id); m != nil {
			out = append(out, scored{id, 20 / float64(1+m.titleLen)})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].score != out[j].score {
			return out[i].score > out[j].score
		}
		a, b := db.meta.get(out[i].id), db.meta.get(out[j].id)
		if a.date != b.date {
			return a.date > b.date
		}
		return out[i].id > out[j].id
	})
	return out
}

// bm25 returns the rows matching expr in table with -bm25 as score, best
// first; limit < 0 means all.
func (db *DB) bm25(ctx context.Context, table, expr string, limit int) ([]scored, error) {
	stmt := `SELECT rowid, -bm25(` + table + `) FROM ` + table + ` WHERE ` + table + ` MATCH ? ORDER BY rank`
	if limit >= 0 {
		stmt += ` LIMIT ` + strconv.Itoa(limit)
	}
	rows, err := db.read.QueryContext(ctx, stmt, expr)
	if err != nil {
		if ftsError(err) == errNoMatch {
			return nil, nil
		}
		return nil, err
	}
	defer rows.Close()
	var out []scored
	for rows.Next() {
		var s scored
		if err := rows.Scan(&s.id, &s.score); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// hits loads the page's documents and builds their snippets.
func (db *DB) hits(ctx context.Context, q *query.Query, page []scored) ([]wengao.SearchHit, error) {
	var runs []string
	for _, t := range q.Terms() {
		runs = append(runs, t.Runs...)
	}
	hl := chinese.NewHighlighter(runs)
	args := make([]any, len(page))
	for i, s := range page {
		args[i] = s.id
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, ext_id, title, date, category, body, plain, reads FROM documents JOIN document_texts USING (id) WHERE id IN (`+placeholders(len(page))+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byID := make(map[int64]*wengao.SearchHit, len(page))
	for rows.Next() {
		var id int64
		var body string
		var plain bool
		h := &wengao.SearchHit{}
		if err := rows.Scan(&id, &h.ID, &h.Title, &h.Date, &h.Category, &body, &plain, &h.Reads); err != nil {
			return nil, err
		}
		h.Snippet = hl.Snippet(strings.Split(body, "\n"), plain, snippetWidth)
		h.TitleHTML = hl.Mark(h.Title, plain)
		byID[id] = h
	}
	if err := rows.Err(); err != nil {
		return nil, err
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

// placeholders returns n comma-separated question marks.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}
