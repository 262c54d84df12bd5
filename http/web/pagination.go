package web

import (
	"net/url"
	"strconv"

	"github.com/wengao/wengao"
)

// SearchParams are the parameters of a search page, as in its URL.
type SearchParams struct {
	Q        string
	Category string
	Year     string
	Sort     wengao.Sort
	Page     int
	// Strict lists only exact matches, never approximate ones.
	Strict bool
}

// URL returns the search page's address for p.
func (p SearchParams) URL() string {
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
	if p.Strict {
		v.Set("strict", "1")
	}
	if len(v) == 0 {
		return "/search"
	}
	return "/search?" + v.Encode()
}

// Link is a labelled address, current when it is the page shown.
type Link struct {
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

type Pagination struct {
	Prev, Next string
	Pages      []pageLink
}

// Paginate returns the pagination of page of pages, linking with url.
func Paginate(page, pages int, url func(int) string) Pagination {
	var p Pagination
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
