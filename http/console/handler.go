// Package console serves the operators' console under /admin: documents,
// uploads, complaints, users, settings, masks, sources and statistics.
package console

import (
	"net/http"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/http/web"
)

// Handler serves the operators' console on the shared core.
type Handler struct{ *web.Core }

// New returns the handler of the operators' console over c.
func New(c *web.Core) *Handler { return &Handler{Core: c} }

// Register adds the routes of the operators' console to mux.
func (s *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin", s.handleAdmin)
	mux.HandleFunc("GET /admin/audit", s.handleAdminAudit)
	mux.HandleFunc("GET /admin/categories", s.handleAdminCategories)
	mux.HandleFunc("POST /admin/categories", s.handleAdminCategoriesForm)
	mux.HandleFunc("GET /admin/complaints", s.handleAdminComplaints)
	mux.HandleFunc("GET /admin/complaints/{id}", s.handleAdminComplaintPage)
	mux.HandleFunc("POST /admin/complaints/{id}/{action}", s.handleAdminComplaintForm)
	mux.HandleFunc("GET /admin/documents", s.handleAdminDocuments)
	mux.HandleFunc("GET /admin/documents/{id}", s.handleAdminDocumentPage)
	mux.HandleFunc("POST /admin/documents/{id}/{action}", s.handleAdminDocumentForm)
	for _, l := range []pairList{s.maskList(), s.abbreviationList()} {
		mux.HandleFunc("GET "+l.path, s.pairListPage(l))
		mux.HandleFunc("POST "+l.path, s.pairListForm(l))
	}
	mux.HandleFunc("GET /admin/settings", s.handleAdminSettings)
	mux.HandleFunc("POST /admin/settings", s.handleAdminSettingsForm)
	mux.HandleFunc("GET /admin/sources", s.handleAdminSources)
	mux.HandleFunc("POST /admin/sources", s.handleAdminSourcesForm)
	mux.HandleFunc("GET /admin/uploads", s.handleAdminUploads)
	mux.HandleFunc("GET /admin/uploads/{id}", s.handleAdminUploadPage)
	mux.HandleFunc("POST /admin/uploads/{id}/{action}", s.handleAdminUploadForm)
	mux.HandleFunc("GET /admin/users", s.handleAdminUsers)
	mux.HandleFunc("GET /admin/users/{id}", s.handleAdminUserPage)
	mux.HandleFunc("POST /admin/users/{id}/{action}", s.handleAdminUserForm)
	// Statistics are on with a statistics service; without one, their
	// routes answer that they are unavailable.
	if s.Stats != nil {
		mux.HandleFunc("GET /admin/stats", s.handleAdminStats)
		mux.HandleFunc("GET /admin/stats/{file}", s.handleAdminStatsCSV)
	} else {
		mux.HandleFunc("GET /admin/stats", s.handleAdminStatsOff)
		mux.HandleFunc("GET /admin/stats/{file}", s.handleAdminStatsOff)
	}
}

// requireModeratorPage returns the signed-in moderator or admin, or sends
// visitors to log in and shows others 403.
func (s *Handler) requireModeratorPage(w http.ResponseWriter, r *http.Request) *wengao.User {
	return s.requireRolePage(w, r, (*wengao.User).IsModerator, wengao.ErrNotStaff)
}

// requireAdminPage returns the signed-in admin, or sends visitors to log
// in and shows others 403.
func (s *Handler) requireAdminPage(w http.ResponseWriter, r *http.Request) *wengao.User {
	return s.requireRolePage(w, r, (*wengao.User).IsAdmin, wengao.ErrNotAdmin)
}

// requireRolePage returns the signed-in user when may says their role
// may see the page, or sends visitors to log in and shows others denied.
func (s *Handler) requireRolePage(w http.ResponseWriter, r *http.Request, may func(*wengao.User) bool, denied error) *wengao.User {
	u := s.RequireLogin(w, r, r.URL.RequestURI())
	if u == nil {
		return nil
	}
	if !may(u) {
		s.ErrorPage(w, r, denied)
		return nil
	}
	return u
}
