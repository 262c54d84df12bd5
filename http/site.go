package http

import (
	"context"
	"html/template"
	"net/http"

	"github.com/wengao/wengao"
)

func (s *Server) registerSiteRoutes() {
	s.mux.HandleFunc("GET /{$}", s.handleHome)
	s.mux.HandleFunc("GET /search", s.handleSearch)
	s.mux.HandleFunc("GET /doc/{id}", s.handleDocument)
	s.mux.HandleFunc("GET /category/{path...}", s.handleCategory)
	s.mux.HandleFunc("GET /rank", s.handleRank)
	s.mux.HandleFunc("GET /about", s.handleAbout)
	s.mux.HandleFunc("GET /contact", s.handleContact)
	s.mux.HandleFunc("GET /static/{name}", s.handleStatic)
	s.mux.HandleFunc("GET /sitemap.xml", s.handleSitemap)
	s.mux.HandleFunc("GET /sitemap/{name}", s.handleSitemapPart)
	s.mux.HandleFunc("GET /robots.txt", s.handleRobots)
	s.mux.HandleFunc("GET /feed.xml", s.handleFeed)
	s.mux.HandleFunc("GET /qr.svg", s.handleQRCode)
	s.mux.HandleFunc("/", s.notFound)
}

// layout is what every page gives the layout template.
type layout struct {
	Title       string // without the site's name; "" on the home page
	Description string
	Canonical   string // absolute URL, "" for none
	NoIndex     bool
	OGType      string
	Query       string // shown in the header's search box
	Nav         string // the section of the site the page is in
	SiteName    string
	// Account is the slot for the visitor's account links, filled when
	// the page is served (pages are cached for all visitors).
	Account template.HTML
}

// siteName returns the site's name as the operators set it.
func (s *Server) siteName(ctx context.Context) string {
	if n := s.settings(ctx).SiteName; n != "" {
		return n
	}
	return siteName
}

func (s *Server) newLayout(r *http.Request, title, description, path string) layout {
	l := layout{Title: title, Description: description, OGType: "website", SiteName: s.siteName(r.Context()), Account: template.HTML(placeholders[slotAccount])}
	if l.Description == "" {
		l.Description = siteDescription
	}
	if path != "" {
		l.Canonical = s.baseURL(r) + path
	}
	return l
}

// errorView is the page shown for an error.
type errorView struct {
	layout
	Status  int
	Heading string
	Message string
}

// errorPage writes the error page for err; internal errors are logged
// with their detail and shown with a generic message.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, err error) {
	code := wengao.ErrorCode(err)
	if code == wengao.EINTERNAL {
		s.Logger.Error("internal error", "id", RequestID(r.Context()), "method", r.Method, "path", r.URL.Path, "err", err)
	}
	status := ErrorStatus(err)
	msg := wengao.ErrorMessage(err)
	if code == wengao.EINTERNAL {
		msg = wengao.MessageInternal
	}
	v := errorView{layout: s.newLayout(r, statusTitle(status), "", ""), Status: status, Heading: statusTitle(status), Message: msg}
	v.NoIndex, v.Nav = true, "error"
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "error", v)
}

// notFound writes the 404 page.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.errorPage(w, r, wengao.Errorf(wengao.ENOTFOUND, msgNotFoundPage))
}

// homeView is the home page.
type homeView struct {
	layout
	Total      int
	Latest     []wengao.DocumentSummary
	Categories []wengao.CategoryCount
	Rankings   []rankingView
}

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	s.renderCached(w, r, "home", func() (string, any, error) {
		ctx := context.WithoutCancel(r.Context()) // others may wait for this render
		latest, total, err := s.Browse.ListDocuments(ctx, wengao.DocumentListFilter{Order: wengao.OrderDate, Limit: 12})
		if err != nil {
			return "", nil, err
		}
		cats, err := s.Browse.Categories(ctx)
		if err != nil {
			return "", nil, err
		}
		v := homeView{layout: s.newLayout(r, "", siteDescription, "/"), Total: total, Latest: latest, Categories: cats}
		v.Nav = "home"
		for _, p := range wengao.Periods {
			v.Rankings = append(v.Rankings, rankingView{Period: p, Label: periodLabels[p], Docs: s.ranking(ctx, p, 10)})
		}
		return "home", v, nil
	})
}

// aboutView is the about page.
type aboutView struct {
	layout
	Total       int
	Attribution template.HTML
}

func (s *Server) handleAbout(w http.ResponseWriter, r *http.Request) {
	_, total, err := s.Browse.ListDocuments(r.Context(), wengao.DocumentListFilter{Limit: 1})
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	v := aboutView{layout: s.newLayout(r, "关于本站", "关于文稿库：收录范围、检索方法与文稿来源。", "/about"), Total: total, Attribution: markdownHTML(s.Attribution)}
	v.Nav = "about"
	s.render(w, r, http.StatusOK, "about", v)
}

func (s *Server) handleContact(w http.ResponseWriter, r *http.Request) {
	v := struct {
		layout
		Contact string
	}{s.newLayout(r, "联系我们", "联系文稿库的运营者：反馈问题、投诉与版权事宜。", "/contact"), s.Contact}
	v.Nav = "contact"
	s.render(w, r, http.StatusOK, "contact", v)
}
