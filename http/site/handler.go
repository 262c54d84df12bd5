// Package site serves the reading site: the home, search, document,
// category and ranking pages, the account, upload and complaint pages, and
// the sitemap, feed and static files.
package site

import (
	"net/http"

	"github.com/wengao/wengao/http/web"
)

// Handler serves the reading site on the shared core.
type Handler struct{ *web.Core }

// New returns the handler of the reading site over c.
func New(c *web.Core) *Handler { return &Handler{Core: c} }

// Register adds the routes of the reading site to mux.
func (s *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", s.handleHome)
	mux.HandleFunc("GET /about", s.handleAbout)
	mux.HandleFunc("GET /category/{path...}", s.handleCategory)
	mux.HandleFunc("GET /check", s.handleCheckPage)
	mux.HandleFunc("POST /check", s.handleCheckForm)
	mux.HandleFunc("GET /complaints/received", s.handleComplaintReceived)
	mux.HandleFunc("GET /contact", s.handleContact)
	mux.HandleFunc("POST /contact", s.handleComplaintForm)
	mux.HandleFunc("GET /doc/{id}", s.handleDocument)
	mux.HandleFunc("GET /doc/{id}/complaint", s.handleComplaintPage)
	mux.HandleFunc("POST /doc/{id}/complaint", s.handleComplaintForm)
	mux.HandleFunc("GET /doc/{id}/download", s.handleDownloadPage)
	mux.HandleFunc("POST /doc/{id}/download", s.handleDownloadForm)
	mux.HandleFunc("POST /doc/{id}/favorite", s.handleFavoriteForm)
	mux.HandleFunc("GET /feed.xml", s.handleFeed)
	mux.HandleFunc("GET /login", s.handleLoginPage)
	mux.HandleFunc("POST /login", s.handleLoginForm)
	mux.HandleFunc("POST /logout", s.handleLogoutForm)
	mux.HandleFunc("GET /me", s.handleMe)
	mux.HandleFunc("POST /me/password", s.handlePasswordForm)
	mux.HandleFunc("POST /me/signin", s.handleSignInForm)
	mux.HandleFunc("GET /me/uploads/{id}", s.handleMyUploadPage)
	mux.HandleFunc("POST /me/uploads/{id}", s.handleMyUploadForm)
	mux.HandleFunc("GET /me/{tab}", s.handleMe)
	mux.HandleFunc("GET /qr.svg", s.handleQRCode)
	mux.HandleFunc("GET /rank", s.handleRank)
	mux.HandleFunc("GET /register", s.handleRegisterPage)
	mux.HandleFunc("POST /register", s.handleRegisterForm)
	mux.HandleFunc("GET /robots.txt", s.handleRobots)
	mux.HandleFunc("GET /search", s.handleSearch)
	mux.HandleFunc("GET /sitemap.xml", s.handleSitemap)
	mux.HandleFunc("GET /sitemap/{name}", s.handleSitemapPart)
	mux.HandleFunc("GET /static/{name}", s.HandleStatic)
	mux.HandleFunc("GET /upload", s.handleUploadPage)
	mux.HandleFunc("POST /upload", s.handleUploadForm)
	mux.HandleFunc("/", s.NotFound)
}
