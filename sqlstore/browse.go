package sqlstore

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/search"
)

// MaxListLimit is the largest page ListDocuments returns: a sitemap's
// worth of URLs.
const MaxListLimit = 50000

// MaxListOffset is the deepest offset ListDocuments pages to: each page
// is read by walking an index from its start, so depth is what it costs.
const MaxListOffset = 10000

// The listings name their index (Dialect.Indexed: on a small library, or
// with the statistics of one, SQLite prefers documents_status and sorts,
// which at a million documents sorts the library for every page.
var listOrders = map[wengao.DocumentOrder]string{
	wengao.OrderDate:  `d.date DESC, d.id DESC`,
	wengao.OrderAdded: `d.id DESC`,
	wengao.OrderID:    `d.id`,
}

// ListDocuments returns one page of all published documents in the given
// order and their number. Every order reads an index in its order and
// stops at the page (EXPLAIN QUERY PLAN tests in plan_test.go); the
// number comes from category_counts.
func (s *Store) ListDocuments(ctx context.Context, f wengao.DocumentListFilter) ([]wengao.DocumentSummary, int, error) {
	if f.Order == "" {
		f.Order = wengao.OrderDate
	}
	order, ok := listOrders[f.Order]
	if !ok {
		return nil, 0, wengao.ErrUnknownOrder(string(f.Order))
	}
	if f.Offset < 0 {
		return nil, 0, wengao.ErrNegativeOffset
	}
	if f.Offset > MaxListOffset {
		return nil, 0, wengao.Errorf(wengao.EINVALID, "页码超出范围。")
	}
	if f.Limit <= 0 {
		f.Limit = search.DefaultLimit
	}
	f.Limit = min(f.Limit, MaxListLimit)
	var total int
	var err error
	if c := strings.Trim(f.Category, "/ "); c != "" {
		if f.Order != wengao.OrderDate {
			return nil, 0, wengao.Errorf(wengao.EINVALID, "分类列表只能按日期排序。")
		}
		total, err = s.countCategory(ctx, c)
	} else {
		total, err = s.CountDocuments(ctx)
	}
	if err != nil {
		return nil, 0, err
	}
	from, where, args := s.listFrom(f.Order, f.Category)
	out, err := s.listSummaries(ctx, from, where, order, f, append(args, f.Limit, f.Offset)...)
	return out, total, err
}

// listIndexes are the indexes of each order of a listing of all
// published documents ("": the table by row id).
var listIndexes = map[wengao.DocumentOrder]string{
	wengao.OrderDate:  `documents_published_date`,
	wengao.OrderAdded: ``,
	wengao.OrderID:    ``,
}

// listFrom returns the tables clause and the condition of a listing in
// order of category c ("" for all), and the condition's arguments.
func (s *Store) listFrom(order wengao.DocumentOrder, c string) (string, string, []any) {
	c = strings.Trim(c, "/ ")
	switch {
	case c == "":
		return s.dialect.Indexed(`documents d`, listIndexes[order]), `d.status = 'published'`, nil
	case strings.Contains(c, "/"):
		return s.dialect.Indexed(`documents d`, `documents_category_date`), `d.status = 'published' AND d.category = ?`, []any{c}
	default:
		// The top-level part of d.category, exactly as the expression of
		// the index documents_top_date.
		return s.dialect.Indexed(`documents d`, `documents_top_date`), `d.status = 'published' AND ` + s.dialect.TopCategory(`d.category`) + ` = ?`, []any{c}
	}
}

// sliceWhere is the condition of ListDocumentSlice: rows (?, ?].
const sliceWhere = `d.status = 'published' AND d.id > ? AND d.id <= ?`

// ListDocumentSlice returns the published documents whose row id is in
// ((n-1)·size, n·size], by id, and the number of such slices up to the
// largest row id.
func (s *Store) ListDocumentSlice(ctx context.Context, n, size int) ([]wengao.DocumentSummary, int, error) {
	if n < 1 || size < 1 {
		return nil, 0, wengao.Errorf(wengao.EINVALID, "分片编号与大小须为正数。")
	}
	size = min(size, MaxListLimit)
	var maxID int64
	if err := s.read.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM documents`).Scan(&maxID); err != nil {
		return nil, 0, err
	}
	slices := int((maxID + int64(size) - 1) / int64(size))
	if n > slices {
		return []wengao.DocumentSummary{}, slices, nil
	}
	lo := int64(n-1) * int64(size)
	out, err := s.listSummaries(ctx, s.dialect.Indexed(`documents d`, ``), sliceWhere, `d.id`,
		wengao.DocumentListFilter{}, lo, lo+int64(size), size, 0)
	return out, slices, err
}

// listSummaries runs one listing query (listSQL), LIMIT and OFFSET being
// the last two arguments.
func (s *Store) listSummaries(ctx context.Context, from, where, order string, f wengao.DocumentListFilter, args ...any) ([]wengao.DocumentSummary, error) {
	rows, err := s.read.QueryContext(ctx, listSQL(from, where, order, f), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []wengao.DocumentSummary{}
	for rows.Next() {
		var d wengao.DocumentSummary
		var created, updated int64
		dest := []any{&d.ID, &d.Title, &d.Date, &d.Category, &d.Reads, &created, &updated}
		var body string
		if f.SummaryRunes > 0 {
			dest = append(dest, &body)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		d.CreatedAt = time.Unix(created, 0).UTC()
		d.UpdatedAt = time.Unix(updated, 0).UTC()
		if f.SummaryRunes > 0 {
			if f.Preview != nil {
				shown, _ := f.Preview.Cut(strings.Split(body, "\n"))
				body = strings.Join(shown, "\n")
			}
			d.Summary = summarize(body, f.SummaryRunes)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// listSQL is the query of a listing: the documents of from (aliased d)
// matching where, in order, with LIMIT and OFFSET placeholders last.
func listSQL(from, where, order string, f wengao.DocumentListFilter) string {
	cols := `d.ext_id, d.title, d.date, d.category, d.reads, d.created_at, d.updated_at`
	switch {
	case f.SummaryRunes > 0 && f.Preview != nil:
		// The preview's length depends on the whole text's.
		cols += `, t.body`
		from += ` JOIN document_texts t USING (id)`
	case f.SummaryRunes > 0:
		// Only the opening of the text is needed; substr counts characters.
		cols += `, substr(t.body, 1, ` + strconv.Itoa(f.SummaryRunes*2) + `)`
		from += ` JOIN document_texts t USING (id)`
	}
	return `SELECT ` + cols + ` FROM ` + from + ` WHERE ` + where + ` ORDER BY ` + order + ` LIMIT ? OFFSET ?`
}

// countCategory returns the number of published documents of category c,
// with its sub-categories when c is a top-level one.
func (s *Store) countCategory(ctx context.Context, c string) (int, error) {
	var n int
	q := `SELECT coalesce(sum(n), 0) FROM category_counts WHERE category = ?`
	args := []any{c}
	if !strings.Contains(c, "/") {
		// '0' follows '/': the range holds every "c/…".
		q += ` OR (category > ? AND category < ?)`
		args = append(args, c+"/", c+"0")
	}
	err := s.read.QueryRowContext(ctx, q, args...).Scan(&n)
	return n, err
}

// summarize joins the paragraphs of body with spaces and cuts the result
// to about n characters.
func summarize(body string, n int) string {
	s := strings.Join(strings.Fields(strings.ReplaceAll(body, "\n", " ")), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// Categories counts the published documents of each category, from
// category_counts: one row per category, however many documents.
func (s *Store) Categories(ctx context.Context) ([]wengao.CategoryCount, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT category, n FROM category_counts WHERE n > 0 AND category <> ''`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	top := map[string]int{}
	sub := map[string]map[string]int{}
	for rows.Next() {
		var c string
		var n int
		if err := rows.Scan(&c, &n); err != nil {
			return nil, err
		}
		t, _, _ := strings.Cut(c, "/")
		top[t] += n
		if sub[t] == nil {
			sub[t] = map[string]int{}
		}
		if c != t {
			sub[t][c] += n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]wengao.CategoryCount, 0, len(top))
	for t, n := range top {
		c := wengao.CategoryCount{Path: t, Count: n}
		for path, n := range sub[t] {
			c.Children = append(c.Children, wengao.CategoryCount{Path: path, Count: n})
		}
		sortCategories(c.Children)
		out = append(out, c)
	}
	sortCategories(out)
	return out, nil
}

func sortCategories(cs []wengao.CategoryCount) {
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].Count != cs[j].Count {
			return cs[i].Count > cs[j].Count
		}
		return cs[i].Path < cs[j].Path
	})
}

// ListingSQL returns the query of a listing page (its LIMIT and OFFSET
// placeholders last) and its arguments before them, for plan tests.
func (s *Store) ListingSQL(order wengao.DocumentOrder, category string, f wengao.DocumentListFilter) (string, []any) {
	from, where, args := s.listFrom(order, category)
	return listSQL(from, where, listOrders[order], f), args
}

// SliceSQL returns the query of ListDocumentSlice: its arguments are the
// rows' bounds, then LIMIT and OFFSET.
func (s *Store) SliceSQL() string {
	return listSQL(s.dialect.Indexed(`documents d`, ``), sliceWhere, `d.id`, wengao.DocumentListFilter{})
}

// TopAllTimeSQL returns the query of the all-time ranking: its argument
// is the limit.
func (s *Store) TopAllTimeSQL() string { return s.topAllTimeSQL() }
