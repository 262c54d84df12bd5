package sqlite

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

var _ wengao.BrowseService = (*DB)(nil)

// MaxListLimit is the largest page ListDocuments returns: a sitemap's
// worth of URLs.
const MaxListLimit = 50000

var listOrders = map[wengao.DocumentOrder]string{
	wengao.OrderDate:  `date DESC, id DESC`,
	wengao.OrderAdded: `id DESC`,
	wengao.OrderID:    `id`,
}

// ListDocuments returns one page of all published documents in the given
// order and their number.
func (db *DB) ListDocuments(ctx context.Context, f wengao.DocumentListFilter) ([]wengao.DocumentSummary, int, error) {
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
	if f.Limit <= 0 {
		f.Limit = DefaultLimit
	}
	f.Limit = min(f.Limit, MaxListLimit)
	total, err := db.CountDocuments(ctx)
	if err != nil {
		return nil, 0, err
	}
	cols := `d.ext_id, d.title, d.date, d.category, d.reads, d.created_at, d.updated_at`
	from := `documents d`
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
	rows, err := db.read.QueryContext(ctx, `SELECT `+cols+` FROM `+from+` WHERE d.status = 'published' ORDER BY `+prefixColumns(order)+` LIMIT ? OFFSET ?`, f.Limit, f.Offset)
	if err != nil {
		return nil, 0, err
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
			return nil, 0, err
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
	return out, total, rows.Err()
}

// prefixColumns qualifies the columns of an ORDER BY clause with the
// documents table's alias.
func prefixColumns(order string) string {
	parts := strings.Split(order, ", ")
	for i, p := range parts {
		parts[i] = "d." + p
	}
	return strings.Join(parts, ", ")
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

// Categories counts the published documents of each category, from the
// metadata cache (which holds those alone).
func (db *DB) Categories(ctx context.Context) ([]wengao.CategoryCount, error) {
	if err := db.refreshMeta(ctx); err != nil {
		return nil, err
	}
	top := map[string]int{}
	sub := map[string]map[string]int{}
	db.meta.RLock()
	db.meta.Each(func(_ int64, m *search.Meta) {
		if m.Category == "" {
			return
		}
		t, _, _ := strings.Cut(m.Category, "/")
		top[t]++
		if sub[t] == nil {
			sub[t] = map[string]int{}
		}
		if m.Category != t {
			sub[t][m.Category]++
		}
	})
	db.meta.RUnlock()
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
