// Package api serves wengao's JSON API under /api/v1, described by
// openapi.json, and the health check.
package api

import (
	"net/http"

	"github.com/wengao/wengao/http/web"
)

// Handler serves the JSON API on the shared core.
type Handler struct{ *web.Core }

// New returns the handler of the JSON API over c.
func New(c *web.Core) *Handler { return &Handler{Core: c} }

// Register adds the routes of the JSON API to mux.
func (s *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/admin/complaints", s.handleAPIAdminComplaints)
	mux.HandleFunc("POST /api/v1/admin/complaints/{id}/{action}", s.handleAPIResolveComplaint)
	mux.HandleFunc("POST /api/v1/admin/documents/{id}/status", s.handleAPIDocumentStatus)
	mux.HandleFunc("GET /api/v1/admin/masks", s.handleAPIMasks)
	mux.HandleFunc("POST /api/v1/admin/masks", s.handleAPIMasks)
	mux.HandleFunc("GET /api/v1/admin/uploads", s.handleAPIAdminUploads)
	mux.HandleFunc("DELETE /api/v1/admin/uploads/{id}", s.handleAPIModerate)
	mux.HandleFunc("POST /api/v1/admin/uploads/{id}/approve", s.handleAPIModerate)
	mux.HandleFunc("POST /api/v1/admin/uploads/{id}/meta", s.handleAPIModerate)
	mux.HandleFunc("POST /api/v1/admin/uploads/{id}/reject", s.handleAPIModerate)
	mux.HandleFunc("POST /api/v1/auth/login", s.handleAPILogin)
	mux.HandleFunc("POST /api/v1/auth/logout", s.handleAPILogout)
	mux.HandleFunc("POST /api/v1/auth/password", s.handleAPIPassword)
	mux.HandleFunc("POST /api/v1/auth/register", s.handleAPIRegister)
	mux.HandleFunc("POST /api/v1/check", s.handleAPICheck)
	mux.HandleFunc("POST /api/v1/complaints", s.handleAPIComplaint)
	mux.HandleFunc("GET /api/v1/documents/{id}", s.handleAPIDocument)
	mux.HandleFunc("POST /api/v1/documents/{id}/download", s.handleAPIDownload)
	mux.HandleFunc("POST /api/v1/documents/{id}/favorite", s.handleAPIFavorite)
	mux.HandleFunc("DELETE /api/v1/documents/{id}/favorite", s.handleAPIFavorite)
	mux.HandleFunc("GET /api/v1/me", s.handleAPIMe)
	mux.HandleFunc("GET /api/v1/me/complaints", s.handleAPIMyComplaints)
	mux.HandleFunc("GET /api/v1/me/downloads", s.handleAPIDownloads)
	mux.HandleFunc("GET /api/v1/me/favorites", s.handleAPIFavorites)
	mux.HandleFunc("GET /api/v1/me/ledger", s.handleAPILedger)
	mux.HandleFunc("POST /api/v1/me/signin", s.handleAPISignIn)
	mux.HandleFunc("GET /api/v1/me/uploads", s.handleAPIMyUploads)
	mux.HandleFunc("GET /api/v1/openapi.json", s.handleOpenAPI)
	mux.HandleFunc("GET /api/v1/search", s.handleAPISearch)
	mux.HandleFunc("POST /api/v1/uploads", s.handleAPIUpload)
	mux.HandleFunc("GET /api/v1/uploads/{id}", s.handleAPIUploadShow)
	mux.HandleFunc("POST /api/v1/uploads/{id}/submit", s.handleAPIUploadSubmit)
	mux.HandleFunc("GET /healthz", s.handleHealth)
	// Statistics are on with a statistics service; without one, their
	// routes answer that they are unavailable.
	if s.Stats != nil {
		mux.HandleFunc("GET /api/v1/admin/stats", s.handleAPIStats)
	} else {
		mux.HandleFunc("GET /api/v1/admin/stats", s.handleAPIStatsOff)
	}
}
