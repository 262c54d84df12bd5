package api

import (
	"net/http"

	"github.com/wengao/wengao/http/web"
)

// handleAPICheck checks a draft against the library (查重): JSON
// {"text": …}, or a multipart form with the draft as a file ("file", any
// upload format) or text ("text"). The answer is the wengao.CopyReport.
func (s *Handler) handleAPICheck(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	if err := s.CheckAllowed(r.Context(), u); err != nil {
		s.JSONError(w, r, err)
		return
	}
	d, err := s.ReadDraft(w, r)
	if err != nil {
		s.JSONError(w, r, err)
		return
	}
	report, err := s.CheckDraft(w, r, u, d.Text, false)
	if err != nil {
		s.JSONError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	web.WriteJSON(w, http.StatusOK, report)
}
