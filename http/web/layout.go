package web

import (
	"context"
	"html/template"
	"net/http"

	"github.com/wengao/wengao"
)

// Layout is what every page gives the layout template.
type Layout struct {
	Title       string // without the site's name; "" on the home page
	Description string
	Canonical   string // absolute URL, "" for none
	NoIndex     bool
	OGType      string
	Query       string // shown in the header's search box
	Nav         string // the section of the site the page is in
	SiteName    string
	CheckOn     bool // the site checks drafts (查重): the nav links /check
	// Account is the slot for the visitor's account links, filled when
	// the page is served (pages are cached for all visitors).
	Account template.HTML
}

// SiteName returns the site's name as the operators set it.
func (s *Core) SiteName(ctx context.Context) string {
	if n := s.CurrentSettings(ctx).SiteName; n != "" {
		return n
	}
	return siteName
}

func (s *Core) NewLayout(r *http.Request, title, description, path string) Layout {
	l := Layout{Title: title, Description: description, OGType: "website", SiteName: s.SiteName(r.Context()), CheckOn: s.CheckEnabled(), Account: template.HTML(Placeholders[slotAccount])}
	if l.Description == "" {
		l.Description = SiteDescription
	}
	if path != "" {
		l.Canonical = s.SiteURL(r) + path
	}
	return l
}

// errorView is the page shown for an error.
type errorView struct {
	Layout
	Status  int
	Heading string
	Message string
}

// ErrorPage writes the error page for err; internal errors are logged
// with their detail and shown with a generic message.
func (s *Core) ErrorPage(w http.ResponseWriter, r *http.Request, err error) {
	code := wengao.ErrorCode(err)
	s.logError(r, err)
	status := ErrorStatus(err)
	msg := wengao.ErrorMessage(err)
	if code == wengao.EINTERNAL {
		msg = wengao.MessageInternal
	}
	v := errorView{Layout: s.NewLayout(r, statusTitle(status), "", ""), Status: status, Heading: statusTitle(status), Message: msg}
	v.NoIndex, v.Nav = true, "error"
	w.Header().Set("Cache-Control", "no-store")
	s.Render(w, r, status, "error", v)
}

// NotFound writes the 404 page.
func (s *Core) NotFound(w http.ResponseWriter, r *http.Request) {
	s.ErrorPage(w, r, wengao.Errorf(wengao.ENOTFOUND, msgNotFoundPage))
}

// PageLayout returns the layout a view embeds.
func (l *Layout) PageLayout() *Layout { return l }
