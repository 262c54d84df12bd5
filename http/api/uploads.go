package api

import (
	"net/http"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/http/web"
)

// uploadsReady reports whether uploads are wired, writing an error when
// they are not.
func (s *Handler) uploadsReady(w http.ResponseWriter, r *http.Request) bool {
	if s.Uploads == nil || s.Files == nil || !s.accountsReady(w, r) {
		if s.Uploads == nil || s.Files == nil {
			s.JSONError(w, r, wengao.Errorf(wengao.EUNAVAILABLE, web.MsgUploadsOff))
		}
		return false
	}
	return true
}
