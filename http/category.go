package http

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/wengao/wengao"
)

// categoryView is a category's page, or the list of all categories.
type categoryView struct {
	layout
	Path       string
	Crumbs     []link
	Categories []wengao.CategoryCount // all of them, or the children of Path
	Result     *wengao.SearchResult
	Hits       []hitView
	Sorts      []link
	Pages      pagination
}

func (s *Server) handleCategory(w http.ResponseWriter, r *http.Request) {
	path := strings.Trim(r.PathValue("path"), "/")
	p := parseSearchParams(r)
	if p.Sort == wengao.SortRelevance {
		p.Sort = wengao.SortDate
	}
	vis := s.visibilityFor(r)
	key := "category\x00" + vis.key() + "\x00" + path + "\x00" + string(p.Sort) + "\x00" + strconv.Itoa(p.Page)
	s.renderCached(w, r, key, func() (string, any, error) { return s.categoryPage(r, path, p, vis) })
}

// categoryPage builds the page of category path, or the list of all
// categories when path is empty.
func (s *Server) categoryPage(r *http.Request, path string, p searchParams, vis visibility) (string, any, error) {
	ctx := context.WithoutCancel(r.Context()) // others may wait for this render
	cats, err := s.Browse.Categories(ctx)
	if err != nil {
		return "", nil, err
	}
	if path == "" {
		v := categoryView{layout: s.newLayout(r, "全部分类", "", "/category/"), Categories: cats}
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
		return "", nil, wengao.Errorf(wengao.ENOTFOUND, msgCategoryMissing)
	}
	res, err := s.Search.Search(ctx, wengao.SearchRequest{Category: path, Sort: p.Sort, Page: p.Page, Limit: searchPageSize, Preview: vis.previewRule()})
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
			return categoryURL(path)
		}
		return categoryURL(path) + "?" + v.Encode()
	}
	name := path
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		name = path[i+1:]
	}
	v := categoryView{layout: s.newLayout(r, name, "文稿库“"+path+"”分类下的文稿。", pageURL(p.Sort, p.Page)), Path: path, Categories: children, Result: res, Hits: hitViews(res.Hits)}
	v.Nav = "category"
	top, _, _ := strings.Cut(path, "/")
	v.Crumbs = append(v.Crumbs, link{Label: "分类", URL: "/category/"}, link{Label: top, URL: categoryURL(top), Current: top == path})
	if top != path {
		v.Crumbs = append(v.Crumbs, link{Label: name, URL: categoryURL(path), Current: true})
	}
	for _, so := range []wengao.Sort{wengao.SortDate, wengao.SortReads} {
		v.Sorts = append(v.Sorts, link{Label: sortLabels[so], URL: pageURL(so, 1), Current: so == p.Sort})
	}
	pages := min((res.Total+searchPageSize-1)/searchPageSize, 1000)
	v.Pages = paginate(p.Page, pages, func(n int) string { return pageURL(p.Sort, n) })
	return "category", v, nil
}
