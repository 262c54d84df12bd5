package site

import (
	"context"
	"html/template"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/http/web"
	"github.com/wengao/wengao/search"
)

// searchPageSize is the number of hits on a page.
const searchPageSize = 10

// maxQueryRunes caps the length of a query typed in the box.
const maxQueryRunes = 200

var yearPattern = regexp.MustCompile(`^[0-9]{4}$`)

func parseSearchParams(r *http.Request) web.SearchParams {
	q := r.URL.Query()
	p := web.SearchParams{Q: strings.TrimSpace(q.Get("q")), Category: strings.Trim(q.Get("category"), "/ "), Year: q.Get("year")}
	if utf8.RuneCountInString(p.Q) > maxQueryRunes {
		p.Q = string([]rune(p.Q)[:maxQueryRunes])
	}
	if !yearPattern.MatchString(p.Year) {
		p.Year = ""
	}
	req := web.SearchRequest(r)
	p.Sort, p.Strict = req.Sort, req.Strict
	p.Page, _ = strconv.Atoi(q.Get("page"))
	p.Page = max(p.Page, 1)
	return p
}

// hitView is a search hit with its HTML marked as such. Title and snippet
// are built by chinese.Highlighter, which escapes the text and adds only
// <mark> elements.
type hitView struct {
	wengao.SearchHit
	TitleMarked   template.HTML
	SnippetMarked template.HTML
}

func hitViews(hits []wengao.SearchHit) []hitView {
	out := make([]hitView, len(hits))
	for i, h := range hits {
		out[i] = hitView{SearchHit: h, TitleMarked: template.HTML(h.TitleHTML), SnippetMarked: template.HTML(h.Snippet)}
		if h.TitleHTML == "" {
			out[i].TitleMarked = template.HTML(template.HTMLEscapeString(h.Title))
		}
	}
	return out
}

// searchView is the search page.
type searchView struct {
	web.Layout
	Params web.SearchParams
	Result *wengao.SearchResult
	Hits   []hitView
	// Approx are the approximate hits of a query with no exact match,
	// StrictURL the same search listing exact matches only.
	Approx      []hitView
	StrictURL   string
	Sorts       []web.Link
	Filters     []web.Link // the filters applied, each linking to the page without it
	Categories  []web.Link
	Years       []web.Link
	Pages       web.Pagination
	Suggestions []web.Link
	Tips        []string
	Popular     []wengao.CategoryCount
}

func (s *Handler) handleSearch(w http.ResponseWriter, r *http.Request) {
	if !s.AllowSearch(w, r, true) {
		return
	}
	p := parseSearchParams(r)
	vis := s.VisibilityFor(r)
	s.RenderCached(w, r, "search\x00"+vis.Key()+"\x00"+p.URL(), func() (string, any, error) { return s.searchPage(r, p, vis) })
	s.RecordSearchPage(r, p)
}

// searchPage runs the search of p and builds its page.
func (s *Handler) searchPage(r *http.Request, p web.SearchParams, vis web.Visibility) (string, any, error) {
	ctx := context.WithoutCancel(r.Context()) // others may wait for this render
	req := wengao.SearchRequest{Query: p.Q, Category: p.Category, Sort: p.Sort, Page: p.Page, Limit: searchPageSize, Preview: vis.PreviewRule(), Strict: p.Strict}
	if p.Year != "" {
		req.Query += " year:" + p.Year
	}
	res, err := s.Search.Search(ctx, req)
	if err != nil {
		return "", nil, err
	}
	s.NoteSearchHits(p, res.Total)
	title := "搜索：" + p.Q
	if p.Q == "" {
		title = web.MsgSearchAll
	}
	v := searchView{Layout: s.NewLayout(r, title, "", ""), Params: p, Result: res, Hits: hitViews(res.Hits), Approx: hitViews(res.ApproximateHits)}
	if len(res.ApproximateHits) > 0 {
		q := p
		q.Q, q.Strict, q.Page = res.StrictQuery, true, 1
		if q.Q == "" {
			q.Q = p.Q
		}
		v.StrictURL = q.URL()
	}
	v.NoIndex, v.Query, v.Nav = true, p.Q, "search"

	for _, so := range []wengao.Sort{wengao.SortRelevance, wengao.SortDate, wengao.SortReads} {
		q := p
		q.Sort, q.Page = so, 1
		v.Sorts = append(v.Sorts, web.Link{Label: web.SortLabels[so], URL: q.URL(), Current: so == p.Sort})
	}
	if p.Category != "" {
		q := p
		q.Category, q.Page = "", 1
		v.Filters = append(v.Filters, web.Link{Label: "分类：" + p.Category, URL: q.URL()})
	}
	if p.Year != "" {
		q := p
		q.Year, q.Page = "", 1
		v.Filters = append(v.Filters, web.Link{Label: "年份：" + p.Year, URL: q.URL()})
	}
	for _, f := range res.Facets.Category {
		if f.Value == "" || len(v.Categories) == 12 {
			continue
		}
		q := p
		q.Category, q.Page = f.Value, 1
		v.Categories = append(v.Categories, web.Link{Label: f.Value, URL: q.URL(), Count: f.Count, Current: f.Value == p.Category})
	}
	for _, f := range res.Facets.Year {
		if f.Value == "" || len(v.Years) == 12 {
			continue
		}
		q := p
		q.Year, q.Page = f.Value, 1
		v.Years = append(v.Years, web.Link{Label: f.Value, URL: q.URL(), Count: f.Count, Current: f.Value == p.Year})
	}
	pages := min((res.Total+searchPageSize-1)/searchPageSize, 1000)
	if res.TotalEstimated { // pages of an estimate go as deep as top-k does
		pages = min(pages, search.DefaultLimits.MaxResults/searchPageSize)
	}
	v.Pages = web.Paginate(p.Page, pages, func(n int) string { q := p; q.Page = n; return q.URL() })
	if res.Total == 0 {
		// Titles that nearly match first, then the query loosened.
		for _, t := range res.Suggestions {
			q := p
			q.Q, q.Page, q.Strict = t, 1, false
			v.Suggestions = append(v.Suggestions, web.Link{Label: "搜索《" + t + "》", URL: q.URL()})
		}
		v.Suggestions = append(v.Suggestions, searchSuggestions(p)...)
		v.Tips = web.SearchTips
		if cats, err := s.Browse.Categories(ctx); err == nil {
			v.Popular = cats[:min(len(cats), 8)]
		}
	}
	return "search", v, nil
}

// searchSuggestions proposes searches likely to find something when p
// found nothing: without its filters, without quotes, each word alone.
func searchSuggestions(p web.SearchParams) []web.Link {
	var out []web.Link
	add := func(label string, q web.SearchParams) {
		q.Page = 1
		out = append(out, web.Link{Label: label, URL: q.URL()})
	}
	if p.Category != "" || p.Year != "" {
		q := p
		q.Category, q.Year = "", ""
		add("不限分类和年份搜索“"+p.Q+"”", q)
	}
	if strings.ContainsAny(p.Q, `"“”`) {
		q := p
		q.Q = strings.NewReplacer(`"`, " ", "“", " ", "”", " ").Replace(p.Q)
		q.Q = strings.Join(strings.Fields(q.Q), " ")
		add("不加引号搜索："+q.Q, q)
	}
	words := strings.Fields(strings.NewReplacer(`"`, " ", "“", " ", "”", " ").Replace(p.Q))
	if len(words) > 1 {
		for _, w := range words[:min(len(words), 4)] {
			if strings.HasPrefix(w, "-") || strings.Contains(w, ":") || w == "OR" {
				continue
			}
			q := p
			q.Q = w
			add("只搜“"+w+"”", q)
		}
	}
	return out
}
