package http

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/search"
)

// searchParams are the parameters of a search page, as in its URL.
type searchParams struct {
	Q        string
	Category string
	Year     string
	Sort     wengao.Sort
	Page     int
}

// URL returns the search page's address for p.
func (p searchParams) URL() string {
	v := url.Values{}
	if p.Q != "" {
		v.Set("q", p.Q)
	}
	if p.Category != "" {
		v.Set("category", p.Category)
	}
	if p.Year != "" {
		v.Set("year", p.Year)
	}
	if p.Sort != "" && p.Sort != wengao.SortRelevance {
		v.Set("sort", string(p.Sort))
	}
	if p.Page > 1 {
		v.Set("page", strconv.Itoa(p.Page))
	}
	if len(v) == 0 {
		return "/search"
	}
	return "/search?" + v.Encode()
}

// searchPageSize is the number of hits on a page.
const searchPageSize = 10

// maxQueryRunes caps the length of a query typed in the box.
const maxQueryRunes = 200

var yearPattern = regexp.MustCompile(`^[0-9]{4}$`)

func parseSearchParams(r *http.Request) searchParams {
	q := r.URL.Query()
	p := searchParams{Q: strings.TrimSpace(q.Get("q")), Category: strings.Trim(q.Get("category"), "/ "), Year: q.Get("year")}
	if utf8.RuneCountInString(p.Q) > maxQueryRunes {
		p.Q = string([]rune(p.Q)[:maxQueryRunes])
	}
	if !yearPattern.MatchString(p.Year) {
		p.Year = ""
	}
	p.Sort = searchRequest(r).Sort
	p.Page, _ = strconv.Atoi(q.Get("page"))
	p.Page = max(p.Page, 1)
	return p
}

// link is a labelled address, current when it is the page shown.
type link struct {
	Label   string
	URL     string
	Count   int
	Current bool
}

// pageLink is one entry of a pagination bar; Gap stands for the pages
// left out.
type pageLink struct {
	Number  int
	URL     string
	Current bool
	Gap     bool
}

type pagination struct {
	Prev, Next string
	Pages      []pageLink
}

// paginate returns the pagination of page of pages, linking with url.
func paginate(page, pages int, url func(int) string) pagination {
	var p pagination
	if pages <= 1 {
		return p
	}
	if page > 1 {
		p.Prev = url(page - 1)
	}
	if page < pages {
		p.Next = url(page + 1)
	}
	last := 0
	for n := 1; n <= pages; n++ {
		if n == 1 || n == pages || (n >= page-2 && n <= page+2) {
			if last != 0 && n > last+1 {
				p.Pages = append(p.Pages, pageLink{Gap: true})
			}
			p.Pages = append(p.Pages, pageLink{Number: n, URL: url(n), Current: n == page})
			last = n
		}
	}
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
	layout
	Params      searchParams
	Result      *wengao.SearchResult
	Hits        []hitView
	Sorts       []link
	Filters     []link // the filters applied, each linking to the page without it
	Categories  []link
	Years       []link
	Pages       pagination
	Suggestions []link
	Tips        []string
	Popular     []wengao.CategoryCount
}

func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	if !s.allowSearch(w, r, true) {
		return
	}
	p := parseSearchParams(r)
	vis := s.visibilityFor(r)
	s.renderCached(w, r, "search\x00"+vis.key()+"\x00"+p.URL(), func() (string, any, error) { return s.searchPage(r, p, vis) })
	s.recordSearchPage(r, p)
}

// searchPage runs the search of p and builds its page.
func (s *Server) searchPage(r *http.Request, p searchParams, vis visibility) (string, any, error) {
	ctx := context.WithoutCancel(r.Context()) // others may wait for this render
	req := wengao.SearchRequest{Query: p.Q, Category: p.Category, Sort: p.Sort, Page: p.Page, Limit: searchPageSize, Preview: vis.previewRule()}
	if p.Year != "" {
		req.Query += " year:" + p.Year
	}
	res, err := s.Search.Search(ctx, req)
	if err != nil {
		return "", nil, err
	}
	s.noteSearchHits(p, res.Total)
	title := "搜索：" + p.Q
	if p.Q == "" {
		title = msgSearchAll
	}
	v := searchView{layout: s.newLayout(r, title, "", ""), Params: p, Result: res, Hits: hitViews(res.Hits)}
	v.NoIndex, v.Query, v.Nav = true, p.Q, "search"

	for _, so := range []wengao.Sort{wengao.SortRelevance, wengao.SortDate, wengao.SortReads} {
		q := p
		q.Sort, q.Page = so, 1
		v.Sorts = append(v.Sorts, link{Label: sortLabels[so], URL: q.URL(), Current: so == p.Sort})
	}
	if p.Category != "" {
		q := p
		q.Category, q.Page = "", 1
		v.Filters = append(v.Filters, link{Label: "分类：" + p.Category, URL: q.URL()})
	}
	if p.Year != "" {
		q := p
		q.Year, q.Page = "", 1
		v.Filters = append(v.Filters, link{Label: "年份：" + p.Year, URL: q.URL()})
	}
	for _, f := range res.Facets.Category {
		if f.Value == "" || len(v.Categories) == 12 {
			continue
		}
		q := p
		q.Category, q.Page = f.Value, 1
		v.Categories = append(v.Categories, link{Label: f.Value, URL: q.URL(), Count: f.Count, Current: f.Value == p.Category})
	}
	for _, f := range res.Facets.Year {
		if f.Value == "" || len(v.Years) == 12 {
			continue
		}
		q := p
		q.Year, q.Page = f.Value, 1
		v.Years = append(v.Years, link{Label: f.Value, URL: q.URL(), Count: f.Count, Current: f.Value == p.Year})
	}
	pages := min((res.Total+searchPageSize-1)/searchPageSize, 1000)
	if res.TotalEstimated { // pages of an estimate go as deep as top-k does
		pages = min(pages, search.DefaultLimits.MaxResults/searchPageSize)
	}
	v.Pages = paginate(p.Page, pages, func(n int) string { q := p; q.Page = n; return q.URL() })
	if res.Total == 0 {
		v.Suggestions = searchSuggestions(p)
		v.Tips = searchTips
		if cats, err := s.Browse.Categories(ctx); err == nil {
			v.Popular = cats[:min(len(cats), 8)]
		}
	}
	return "search", v, nil
}

// searchSuggestions proposes searches likely to find something when p
// found nothing: without its filters, without quotes, each word alone.
func searchSuggestions(p searchParams) []link {
	var out []link
	add := func(label string, q searchParams) {
		q.Page = 1
		out = append(out, link{Label: label, URL: q.URL()})
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
