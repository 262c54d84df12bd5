package api

import (
	"encoding/json"
	"io"
	"net/http"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/http/web"
)

// handleAPIMasks lists (GET) or adds and removes (POST
// {"word","shown","remove"}) masking rules; admins only.
func (s *Handler) handleAPIMasks(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	if !u.IsAdmin() {
		s.JSONError(w, r, wengao.ErrNotAdmin)
		return
	}
	if r.Method == http.MethodPost {
		var in struct {
			Word, Shown string
			Remove      bool
		}
		if err := decodeJSON(r, &in); err != nil {
			s.JSONError(w, r, err)
			return
		}
		e, ctx := s.Auditing(r, "mask.api", "mask:"+in.Word, in.Shown)
		var err error
		if in.Remove {
			err = s.Masks.RemoveMask(ctx, in.Word)
		} else {
			err = s.Masks.AddMask(ctx, wengao.MaskRule{Word: in.Word, Shown: in.Shown})
		}
		if err != nil {
			s.JSONError(w, r, err)
			return
		}
		s.Masker(r.Context())
		s.Audited(r, e)
	}
	rules, _, err := s.Masks.MaskRules(r.Context())
	if err != nil {
		s.JSONError(w, r, err)
		return
	}
	if rules == nil {
		rules = []wengao.MaskRule{}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"rules": rules})
}

// handleAPIDocumentStatus hides, publishes or deletes a document
// ({"status","reason"}); moderators hide and publish, admins also delete.
func (s *Handler) handleAPIDocumentStatus(w http.ResponseWriter, r *http.Request) {
	u := s.requireModerator(w, r)
	if u == nil {
		return
	}
	var in struct{ Status, Reason string }
	if err := decodeJSON(r, &in); err != nil {
		s.JSONError(w, r, err)
		return
	}
	id := r.PathValue("id")
	if err := s.ChangeDocumentStatus(r, u, "document."+in.Status, id, in.Status, in.Reason); err != nil {
		s.JSONError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, map[string]string{"id": id, "status": in.Status})
}

// decodeJSON reads a small JSON body into v.
func decodeJSON(r *http.Request, v any) error {
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(v); err != nil {
		return wengao.Errorf(wengao.EINVALID, web.MsgBadJSON)
	}
	return nil
}
