package site

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/http/web"
)

// categoryView is a category's page, or the list of all categories.
type categoryView struct {
	web.Layout
	Path       string
	Crumbs     []web.Link
	Categories []wengao.CategoryCount // all of them, or the children of Path
	Result     *wengao.SearchResult
	Hits       []hitView
	Sorts      []web.Link
	Pages      web.Pagination
}

// maxCategoryPages is the deepest page of a category listed: each page
// is read from an index walked from the newest, so depth is what a page
// costs. Crawlers find every document through the sitemap.
const maxCategoryPages = 200

func (s *Handler) handleCategory(w http.ResponseWriter, r *http.Request) {
	path := strings.Trim(r.PathValue("path"), "/")
	p := parseSearchParams(r)
	if p.Sort == wengao.SortRelevance {
		p.Sort = wengao.SortDate
	}
	if p.Page > maxCategoryPages {
		s.ErrorPage(w, r, wengao.Errorf(wengao.EINVALID, web.MsgPageTooDeep))
		return
	}
	vis := s.VisibilityFor(r)
	key := "category\x00" + vis.Key() + "\x00" + path + "\x00" + string(p.Sort) + "\x00" + strconv.Itoa(p.Page)
	s.RenderCached(w, r, key, func() (string, any, error) { return s.categoryPage(r, path, p, vis) })
}

// categoryPage builds the page of category path, or the list of all
// categories when path is empty.
func (s *Handler) categoryPage(r *http.Request, path string, p web.SearchParams, vis web.Visibility) (string, any, error) {
	ctx := context.WithoutCancel(r.Context()) // others may wait for this render
	cats, err := s.Browse.Categories(ctx)
	if err != nil {
		return "", nil, err
	}
	if path == "" {
		v := categoryView{Layout: s.NewLayout(r, "全部分类", "", "/category/"), Categories: cats}
		v.Nav = "category"
		return "category", v, nil
	}
	var children []wengao.CategoryCount
	found := false
	for _, c := range cats {
		if c.Path == path {
			found, children = true, c.Children
		}
		for _, ch := range c.Children {
			found = found || ch.Path == path
		}
	}
	if !found {
		return "", nil, wengao.Errorf(wengao.ENOTFOUND, web.MsgCategoryMissing)
	}
	res, err := s.categoryDocuments(ctx, path, p, vis)
	if err != nil {
		return "", nil, err
	}
	pageURL := func(so wengao.Sort, n int) string {
		v := url.Values{}
		if so != wengao.SortDate {
			v.Set("sort", string(so))
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if len(v) == 0 {
			return web.CategoryURL(path)
		}
		return web.CategoryURL(path) + "?" + v.Encode()
	}
	name := path
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		name = path[i+1:]
	}
	v := categoryView{Layout: s.NewLayout(r, name, "文稿库“"+path+"”分类下的文稿。", pageURL(p.Sort, p.Page)), Path: path, Categories: children, Result: res, Hits: hitViews(res.Hits)}
	v.Nav = "category"
	top, _, _ := strings.Cut(path, "/")
	v.Crumbs = append(v.Crumbs, web.Link{Label: "分类", URL: "/category/"}, web.Link{Label: top, URL: web.CategoryURL(top), Current: top == path})
	if top != path {
		v.Crumbs = append(v.Crumbs, web.Link{Label: name, URL: web.CategoryURL(path), Current: true})
	}
	for _, so := range []wengao.Sort{wengao.SortDate, wengao.SortReads} {
		v.Sorts = append(v.Sorts, web.Link{Label: web.SortLabels[so], URL: pageURL(so, 1), Current: so == p.Sort})
	}
	pages := min((res.Total+searchPageSize-1)/searchPageSize, maxCategoryPages)
	v.Pages = web.Paginate(p.Page, pages, func(n int) string { return pageURL(p.Sort, n) })
	return "category", v, nil
}

// categoryDocuments returns a page of category path: newest first from the
// category's index, or by reads through the search engine.
func (s *Handler) categoryDocuments(ctx context.Context, path string, p web.SearchParams, vis web.Visibility) (*wengao.SearchResult, error) {
	if p.Sort != wengao.SortDate {
		return s.Search.Search(ctx, wengao.SearchRequest{Category: path, Sort: p.Sort, Page: p.Page, Limit: searchPageSize, Preview: vis.PreviewRule()})
	}
	docs, total, err := s.Browse.ListDocuments(ctx, wengao.DocumentListFilter{
		Order: wengao.OrderDate, Category: path, Offset: (p.Page - 1) * searchPageSize, Limit: searchPageSize,
		SummaryRunes: categorySummaryRunes, Preview: vis.PreviewRule(),
	})
	if err != nil {
		return nil, err
	}
	res := &wengao.SearchResult{Total: total, Page: p.Page, Limit: searchPageSize, Hits: make([]wengao.SearchHit, len(docs))}
	for i, d := range docs {
		res.Hits[i] = wengao.SearchHit{ID: d.ID, Title: d.Title, Date: d.Date, Category: d.Category, Reads: d.Reads, Snippet: template.HTMLEscapeString(d.Summary)}
	}
	return res, nil
}

// categorySummaryRunes is the length of a listed document's opening, as a
// search snippet's.
const categorySummaryRunes = 120
