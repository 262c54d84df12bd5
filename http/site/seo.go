package site

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/http/web"
)

// sitemapMaxURLs is the most URLs one sitemap may list; a library with
// more gets a sitemap index.
const sitemapMaxURLs = 50000

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type urlSet struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []sitemapURL `xml:"sitemap"`
}

// writeXML writes v as an XML document of the given content type.
func (s *Handler) writeXML(w http.ResponseWriter, r *http.Request, contentType string, v any, modTime time.Time) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	if err := xml.NewEncoder(&buf).Encode(v); err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "public, max-age=3600")
	s.WriteBody(w, r, http.StatusOK, s.MaskBytes(r.Context(), buf.Bytes()), modTime)
}

// sitePageURLs lists the pages that are not documents: home, rankings,
// about and the categories.
func (s *Handler) sitePageURLs(r *http.Request) ([]sitemapURL, error) {
	base := s.SiteURL(r)
	urls := []sitemapURL{{Loc: base + "/"}, {Loc: base + "/rank"}, {Loc: base + "/about"}, {Loc: base + "/category/"}}
	cats, err := s.Browse.Categories(r.Context())
	if err != nil {
		return nil, err
	}
	for _, c := range cats {
		urls = append(urls, sitemapURL{Loc: base + web.CategoryURL(c.Path)})
		for _, ch := range c.Children {
			urls = append(urls, sitemapURL{Loc: base + web.CategoryURL(ch.Path)})
		}
	}
	return urls, nil
}

// documentURLs lists the documents of the n-th slice of the library by
// storage key (wengao.BrowseService.ListDocumentSlice), and returns the
// latest change among them and the number of slices.
func (s *Handler) documentURLs(r *http.Request, n int) ([]sitemapURL, time.Time, int, error) {
	docs, slices, err := s.Browse.ListDocumentSlice(r.Context(), n, s.sitemapLimit())
	if err != nil {
		return nil, time.Time{}, 0, err
	}
	base := s.SiteURL(r)
	urls := make([]sitemapURL, len(docs))
	var latest time.Time
	for i, d := range docs {
		urls[i] = sitemapURL{Loc: base + web.DocURL(d.ID), LastMod: d.UpdatedAt.Format(wengao.DayLayout)}
		if d.UpdatedAt.After(latest) {
			latest = d.UpdatedAt
		}
	}
	return urls, latest, slices, nil
}

// maxSitemapParts is the most document sitemaps an index lists: 5
// billion URLs.
const maxSitemapParts = 100000

// handleSitemap serves /sitemap.xml: every URL when the library is one
// slice, else an index of the sitemaps /sitemap/pages.xml and
// /sitemap/docs-N.xml, one a slice of the library by storage key, so that
// each is read by key however large the library.
func (s *Handler) handleSitemap(w http.ResponseWriter, r *http.Request) {
	pagesURLs, err := s.sitePageURLs(r)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	// A slice past the last is empty: the count alone, read by key.
	_, slices, err := s.Browse.ListDocumentSlice(r.Context(), maxSitemapParts+1, s.sitemapLimit())
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	if slices <= 1 {
		docs, latest, _, err := s.documentURLs(r, 1)
		if err != nil {
			s.ErrorPage(w, r, err)
			return
		}
		if len(pagesURLs)+len(docs) <= s.sitemapLimit() {
			s.writeXML(w, r, "application/xml; charset=utf-8", urlSet{URLs: append(pagesURLs, docs...)}, latest)
			return
		}
	}
	base := s.SiteURL(r)
	idx := sitemapIndex{Sitemaps: []sitemapURL{{Loc: base + "/sitemap/pages.xml"}}}
	for n := 1; n <= slices; n++ {
		idx.Sitemaps = append(idx.Sitemaps, sitemapURL{Loc: base + "/sitemap/docs-" + strconv.Itoa(n) + ".xml"})
	}
	s.writeXML(w, r, "application/xml; charset=utf-8", idx, time.Time{})
}

// handleSitemapPart serves one sitemap of the index. A slice whose
// documents are all gone is an empty sitemap, as the index lists it.
func (s *Handler) handleSitemapPart(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if name == "pages.xml" {
		urls, err := s.sitePageURLs(r)
		if err != nil {
			s.ErrorPage(w, r, err)
			return
		}
		s.writeXML(w, r, "application/xml; charset=utf-8", urlSet{URLs: urls}, time.Time{})
		return
	}
	num, ok := strings.CutPrefix(name, "docs-")
	num, ok2 := strings.CutSuffix(num, ".xml")
	n, err := strconv.Atoi(num)
	if !ok || !ok2 || err != nil || n < 1 || n > maxSitemapParts {
		s.NotFound(w, r)
		return
	}
	urls, latest, slices, err := s.documentURLs(r, n)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	if n > slices {
		s.NotFound(w, r)
		return
	}
	s.writeXML(w, r, "application/xml; charset=utf-8", urlSet{URLs: urls}, latest)
}

// sitemapLimit is sitemapMaxURLs, or less in tests.
func (s *Handler) sitemapLimit() int {
	if s.SitemapMax > 0 {
		return s.SitemapMax
	}
	return sitemapMaxURLs
}

// handleRobots lets crawlers read everything but the API, searches and
// share codes, and names the sitemap.
func (s *Handler) handleRobots(w http.ResponseWriter, r *http.Request) {
	body := "User-agent: *\nDisallow: /api/\nDisallow: /search\nDisallow: /qr.svg\n\nSitemap: " + s.SiteURL(r) + "/sitemap.xml\n"
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	s.WriteBody(w, r, http.StatusOK, []byte(body), time.Time{})
}

// The Atom feed (RFC 4287).
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomPerson  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomEntry struct {
	Title     atomText   `xml:"title"`
	ID        string     `xml:"id"`
	Link      atomLink   `xml:"link"`
	Published string     `xml:"published"`
	Updated   string     `xml:"updated"`
	Category  *atomCat   `xml:"category,omitempty"`
	Summary   atomText   `xml:"summary"`
	Author    atomPerson `xml:"author"`
}

type atomCat struct {
	Term string `xml:"term,attr"`
}

// feedSize is the number of documents in the feed.
const feedSize = 30

// handleFeed serves the Atom feed of the documents most recently added.
// Feed readers hold no session: summaries come from the preview.
func (s *Handler) handleFeed(w http.ResponseWriter, r *http.Request) {
	rule := s.CurrentSettings(r.Context()).PreviewRule
	docs, _, err := s.Browse.ListDocuments(r.Context(), wengao.DocumentListFilter{Order: wengao.OrderAdded, Limit: feedSize, SummaryRunes: 200, Preview: &rule})
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	base := s.SiteURL(r)
	var latest time.Time
	feed := atomFeed{
		Lang: "zh-CN", Title: s.SiteName(r.Context()) + " · 新收录文稿", ID: base + "/feed.xml",
		Links:  []atomLink{{Href: base + "/feed.xml", Rel: "self", Type: "application/atom+xml"}, {Href: base + "/", Rel: "alternate", Type: "text/html"}},
		Author: atomPerson{Name: s.SiteName(r.Context())},
	}
	for _, d := range docs {
		if d.UpdatedAt.After(latest) {
			latest = d.UpdatedAt
		}
		e := atomEntry{
			Title:     atomText{Type: "text", Body: d.Title},
			ID:        base + web.DocURL(d.ID),
			Link:      atomLink{Href: base + web.DocURL(d.ID), Rel: "alternate", Type: "text/html"},
			Published: d.CreatedAt.Format(time.RFC3339),
			Updated:   d.UpdatedAt.Format(time.RFC3339),
			Summary:   atomText{Type: "text", Body: d.Summary},
			Author:    atomPerson{Name: s.SiteName(r.Context())},
		}
		if d.Category != "" {
			e.Category = &atomCat{Term: d.Category}
		}
		feed.Entries = append(feed.Entries, e)
	}
	if latest.IsZero() {
		latest = time.Unix(0, 0).UTC()
	}
	feed.Updated = latest.Format(time.RFC3339)
	s.writeXML(w, r, "application/atom+xml; charset=utf-8", feed, latest)
}
