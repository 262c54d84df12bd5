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
	// A masked word and its shown form are one: 党委 finds D委 and back.
	masker := db.masker(ctx)
	if masker != nil {
		q.Expand(masker.Variants)
	}
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
		ranked, err = db.rank(ctx, q, ids)
		if err != nil {
			return nil, err
		}
	}
	if offset < len(ranked) {
		page := ranked[offset:min(need, len(ranked))]
		if res.Hits, err = db.hits(ctx, q, page, req.Preview, masker); err != nil {
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
// impossible, into an empty result rather than a failure. FTS5 reports it
// as SQLITE_ERROR, the code a MATCH over a table that exists has for
// nothing else; a cancelled request, a busy database or a broken file
// keep their errors.
func ftsError(err error) error {
	if resultCode(err) == codeError {
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
	nearCandidates = 20
)

// rank orders the matching ids by relevance. The evidence, strongest
// first: every word in the title (words inside 《》 name another document
// and count half); then more of the words in the title; then every word
// within one paragraph, the tighter the better; then shorter documents,
// where the words weigh more. It needs no term statistics from the index:
// FTS5's bm25 must scan the document list of every phrase of the query,
// which for common words costs more than all the rest.
func (db *DB) rank(ctx context.Context, q *query.Query, ids []int64) ([]scored, error) {
	// Documents with any of the words in their title.
	var anyExpr []string
	for _, c := range q.Clauses {
		for _, t := range c {
			if p := phraseExpr(t); p != "" {
				anyExpr = append(anyExpr, p)
			}
		}
	}
	titled, err := db.matchIDs(ctx, "title_fts", strings.Join(anyExpr, " OR "))
	if err != nil {
		return nil, err
	}
	inSet := make(map[int64]bool, len(ids))
	for _, id := range ids {
		inSet[id] = true
	}
	clauses := float64(len(q.Clauses))
	ev := make(map[int64]*evidence, len(titled))
	db.meta.mu.RLock()
	for _, id := range titled {
		if m := db.meta.get(id); m != nil && inSet[id] {
			ev[id] = titleEvidence(q, m.title)
		}
	}
	db.meta.mu.RUnlock()

	// The paragraph test, for the documents whose words lie within a
	// paragraph's reach of each other, most promising first.
	if near := nearExpr(q, nearDistance); near != "" {
		close, err := db.matchIDs(ctx, "body_fts", near)
		if err != nil {
			return nil, err
		}
		var cands []int64
		for _, id := range close {
			if inSet[id] && (ev[id] == nil || !ev[id].all) {
				cands = append(cands, id)
			}
		}
		db.meta.mu.RLock()
		sort.Slice(cands, func(i, j int) bool {
			a, b := ev[cands[i]], ev[cands[j]]
			wa, wb := 0.0, 0.0
			if a != nil {
				wa = a.weight
			}
			if b != nil {
				wb = b.weight
			}
			if wa != wb {
				return wa > wb
			}
			return db.meta.get(cands[i]).size < db.meta.get(cands[j]).size
		})
		db.meta.mu.RUnlock()
		if len(cands) > nearCandidates {
			cands = cands[:nearCandidates]
		}
		spans, err := db.paragraphSpans(ctx, q, cands)
		if err != nil {
			return nil, err
		}
		for id, span := range spans {
			if ev[id] == nil {
				ev[id] = &evidence{}
			}
			ev[id].together = true
			ev[id].span = span
		}
	}

	db.meta.mu.RLock()
	out := make([]scored, 0, len(ids))
	for _, id := range ids {
		m := db.meta.get(id)
		if m == nil {
			continue
		}
		shortness := 1000 / float64(1000+m.size)
		score := 1 + 0.04*shortness
		if e := ev[id]; e != nil {
			switch {
			case e.all:
				score = 2 + 0.5*e.weight/clauses + 0.4*10/float64(10+m.titleLen) + 0.001*shortness
			default:
				score += 0.5 * e.weight / clauses
				if e.together {
					score += 0.3 + 0.15*60/float64(60+e.span)
				}
			}
		}
		out = append(out, scored{id, score})
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
	db.meta.mu.RUnlock()
	return out, nil
}

// evidence is what ranking knows of one document.
type evidence struct {
	all      bool    // every clause in the title
	weight   float64 // clauses in the title, half for those only inside 《》
	together bool    // every single-term clause within one paragraph
	span     int     // bytes of the tightest such stretch
}

// titleEvidence finds the query's clauses in a title.
func titleEvidence(q *query.Query, title string) *evidence {
	norm := chinese.Normalize(title)
	outer := stripBookTitles(norm)
	e := &evidence{all: true}
	for _, c := range q.Clauses {
		in, out := false, false
		for _, t := range c {
			if holdsRuns(norm, t.Runs) {
				in = true
				out = out || holdsRuns(outer, t.Runs)
			}
		}
		switch {
		case out:
			e.weight++
		case in:
			e.weight += 0.5
		default:
			e.all = false
		}
	}
	return e
}

// holdsRuns reports whether s holds the runs in order.
func holdsRuns(s string, runs []string) bool {
	for _, r := range runs {
		i := strings.Index(s, r)
		if i < 0 {
			return false
		}
		s = s[i+len(r):]
	}
	return len(runs) > 0
}

// stripBookTitles removes the 《…》 parts of s: the names of other
// documents that a title cites.
func stripBookTitles(s string) string {
	if !strings.Contains(s, "《") {
		return s
	}
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '《':
			depth++
		case r == '》' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// paragraphSpans returns, for the given documents that hold every
// single-term clause of q within one paragraph, the tightest span.
func (db *DB) paragraphSpans(ctx context.Context, q *query.Query, ids []int64) (map[int64]int, error) {
	spans := map[int64]int{}
	if len(ids) == 0 {
		return spans, nil
	}
	var runs [][]string
	for _, c := range q.Clauses {
		if len(c) == 1 {
			runs = append(runs, c[0].Runs)
		}
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := db.read.QueryContext(ctx, `SELECT t.id, t.body, d.plain FROM document_texts t JOIN documents d USING (id) WHERE t.id IN (`+placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
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
	return spans, rows.Err()
}

// hits loads the page's documents and builds their snippets.
// With a preview rule, snippets come from the preview of each text alone.
// Snippets and titles show masked words in their shown form (the site
// shows nothing else), marked when they match.
func (db *DB) hits(ctx context.Context, q *query.Query, page []scored, preview *wengao.PreviewRule, masker *chinese.Masker) ([]wengao.SearchHit, error) {
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
		paras := strings.Split(body, "\n")
		if preview != nil {
			paras, _ = preview.Cut(paras)
		}
		if masker != nil {
			paras, h.Title = masker.DisplayAll(paras), masker.Display(h.Title)
			plain = false // a shown form may hold letters the text did not
		}
		h.Snippet = hl.Snippet(paras, plain, snippetWidth)
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
