package api

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/http/web"
)

// uploadsResponse is the answer to an upload request.
type uploadsResponse struct {
	Uploads []*wengao.Upload    `json:"uploads"`
	Failed  []web.UploadFailure `json:"failed"`
}

// handleAPIUpload takes one or several files (multipart, field "file")
// and answers with the uploads made of them, as drafts whose detected
// metadata the uploader confirms with /submit — or, with ?submit=1,
// submitted for review at once with the detected metadata.
func (s *Handler) handleAPIUpload(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	if err := s.UploadBan(r, u); err != nil {
		s.JSONError(w, r, err)
		return
	}
	ups, failed, err := s.ReceiveFiles(w, r, u)
	if err != nil && len(ups) == 0 {
		s.JSONError(w, r, err)
		return
	}
	if r.URL.Query().Get("submit") == "1" {
		for i, up := range ups {
			if up.Status != wengao.UploadDraft {
				continue
			}
			sub, err := s.Uploads.SubmitUpload(r.Context(), up.ID, u.ID, up.Meta)
			if err != nil {
				failed = append(failed, web.UploadFailure{File: up.File.Name, Error: &wengao.Error{Code: wengao.ErrorCode(err), Message: wengao.ErrorMessage(err)}})
				continue
			}
			ups[i] = sub
		}
	}
	if failed == nil {
		failed = []web.UploadFailure{}
	}
	if ups == nil {
		ups = []*wengao.Upload{}
	}
	status := http.StatusCreated
	if len(ups) == 0 {
		status = web.ErrorStatus(failed[0].Error)
		web.WriteJSON(w, status, map[string]any{"error": failed[0].Error, "uploads": ups, "failed": failed})
		return
	}
	web.WriteJSON(w, status, uploadsResponse{Uploads: ups, Failed: failed})
}

// apiUpload returns the signed-in user and the upload of an API request,
// or answers and returns nil.
func (s *Handler) apiUpload(w http.ResponseWriter, r *http.Request) (*wengao.User, *wengao.Upload) {
	u := s.requireUser(w, r)
	if u == nil {
		return nil, nil
	}
	up, err := s.FindVisibleUpload(r, u)
	if err != nil {
		s.JSONError(w, r, err)
		return nil, nil
	}
	return u, up
}

func (s *Handler) handleAPIUploadShow(w http.ResponseWriter, r *http.Request) {
	if _, up := s.apiUpload(w, r); up != nil {
		web.WriteJSON(w, http.StatusOK, up)
	}
}

// readMetaJSON reads upload metadata from a JSON body; an empty body
// keeps the current metadata.
func readMetaJSON(r *http.Request, current wengao.UploadMeta) (wengao.UploadMeta, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxAuthBody))
	if err != nil {
		return current, wengao.Errorf(wengao.EINVALID, web.MsgBadJSON)
	}
	if strings.TrimSpace(string(body)) == "" {
		return current, nil
	}
	meta := current
	if err := json.Unmarshal(body, &meta); err != nil {
		return current, wengao.Errorf(wengao.EINVALID, web.MsgBadJSON)
	}
	return meta, nil
}

func (s *Handler) handleAPIUploadSubmit(w http.ResponseWriter, r *http.Request) {
	u, up := s.apiUpload(w, r)
	if up == nil {
		return
	}
	meta, err := readMetaJSON(r, up.Meta)
	if err == nil {
		up, err = s.Uploads.SubmitUpload(r.Context(), up.ID, u.ID, meta)
	}
	if err != nil {
		s.JSONError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, up)
}

func (s *Handler) handleAPIMyUploads(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	f := web.UploadFilter(r)
	f.UserID = u.ID
	s.writeUploadList(w, r, f)
}

func (s *Handler) writeUploadList(w http.ResponseWriter, r *http.Request, f wengao.UploadFilter) {
	ups, total, err := s.Uploads.ListUploads(r.Context(), f)
	if err != nil {
		s.JSONError(w, r, err)
		return
	}
	if ups == nil {
		ups = []wengao.Upload{}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"total": total, "page": f.Page, "limit": f.Limit, "uploads": ups})
}

// requireModerator returns the signed-in moderator or admin, or writes
// EUNAUTHORIZED or EFORBIDDEN.
func (s *Handler) requireModerator(w http.ResponseWriter, r *http.Request) *wengao.User {
	u := s.requireUser(w, r)
	if u != nil && !u.IsModerator() {
		s.JSONError(w, r, wengao.ErrNotStaff)
		return nil
	}
	return u
}

func (s *Handler) handleAPIAdminUploads(w http.ResponseWriter, r *http.Request) {
	if s.requireModerator(w, r) == nil {
		return
	}
	s.writeUploadList(w, r, web.UploadFilter(r))
}

// handleAPIModerate approves, rejects ({"reason"}), corrects the metadata
// of or deletes an upload.
func (s *Handler) handleAPIModerate(w http.ResponseWriter, r *http.Request) {
	u := s.requireModerator(w, r)
	if u == nil {
		return
	}
	id, err := web.UploadID(r)
	if err != nil {
		s.JSONError(w, r, err)
		return
	}
	a := web.UploadAction{Name: path2action(r)}
	switch a.Name {
	case "reject":
		var body struct {
			Reason string `json:"reason"`
		}
		if err = json.NewDecoder(io.LimitReader(r.Body, maxAuthBody)).Decode(&body); err != nil {
			s.JSONError(w, r, wengao.Errorf(wengao.EINVALID, web.MsgBadJSON))
			return
		}
		a.Reason = body.Reason
	case "meta":
		// The body names the fields to change; the others keep their
		// values.
		up, err := s.Uploads.FindUpload(r.Context(), id)
		if err != nil {
			s.JSONError(w, r, err)
			return
		}
		meta, err := readMetaJSON(r, up.Meta)
		if err != nil {
			s.JSONError(w, r, err)
			return
		}
		a.Meta = &meta
	}
	up, err := s.ModerateUpload(r, u, id, a)
	if err != nil {
		s.JSONError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, up)
}

// path2action names what a moderation request asks: the last segment of
// its path, or "delete" for DELETE.
func path2action(r *http.Request) string {
	if r.Method == http.MethodDelete {
		return "delete"
	}
	return r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
}
