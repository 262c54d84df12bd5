package site

import (
	"net/http"
	"strconv"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/http/web"
)

// uploadView is the upload page.
type uploadView struct {
	web.Layout
	MaxSize  string
	Reward   int64
	Failed   []web.UploadFailure
	Error    string
	Accept   string
	MaxFiles int
}

func (s *Handler) uploadPage(w http.ResponseWriter, r *http.Request, status int, failed []web.UploadFailure, errMsg string) {
	v := uploadView{MaxSize: wengao.FormatSize(s.CurrentSettings(r.Context()).UploadMaxBytes), Reward: s.CurrentSettings(r.Context()).UploadReward, Failed: failed, Error: errMsg,
		Accept: ".docx,.doc,.pdf,.txt,.md,.html,.htm", MaxFiles: web.MaxUploadFiles}
	v.Layout = s.NewLayout(r, "上传文稿", "", "")
	v.NoIndex, v.Nav = true, "upload"
	w.Header().Set("Cache-Control", "no-store")
	s.Render(w, r, status, "upload", v)
}

func (s *Handler) handleUploadPage(w http.ResponseWriter, r *http.Request) {
	if s.RequireLogin(w, r, "/upload") == nil {
		return
	}
	s.uploadPage(w, r, http.StatusOK, nil, "")
}

// handleUploadForm takes the upload form without JavaScript: the files
// become drafts, and the browser goes on to confirm the first.
func (s *Handler) handleUploadForm(w http.ResponseWriter, r *http.Request) {
	u := s.RequireLogin(w, r, "/upload")
	if u == nil {
		return
	}
	if err := s.UploadBan(r, u); err != nil {
		s.uploadPage(w, r, web.ErrorStatus(err), nil, wengao.ErrorMessage(err))
		return
	}
	ups, failed, err := s.ReceiveFiles(w, r, u)
	if err != nil && wengao.ErrorCode(err) == wengao.EINTERNAL {
		s.ErrorPage(w, r, err)
		return
	}
	if len(ups) == 0 {
		msg := ""
		if err != nil {
			msg = wengao.ErrorMessage(err)
		}
		status := http.StatusBadRequest
		if err != nil {
			status = web.ErrorStatus(err)
		} else if len(failed) > 0 {
			status = web.ErrorStatus(failed[0].Error)
		}
		s.uploadPage(w, r, status, failed, msg)
		return
	}
	target := "/me/uploads/" + strconv.FormatInt(ups[0].ID, 10)
	if len(ups) > 1 || len(failed) > 0 {
		target = "/me/uploads"
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// myUpload returns the signed-in user and the upload of the request's
// page, or answers and returns nil.
func (s *Handler) myUpload(w http.ResponseWriter, r *http.Request) (*wengao.User, *wengao.Upload) {
	u := s.RequireLogin(w, r, r.URL.RequestURI())
	if u == nil {
		return nil, nil
	}
	up, err := s.FindVisibleUpload(r, u)
	if err != nil {
		s.ErrorPage(w, r, err)
		return nil, nil
	}
	return u, up
}

func (s *Handler) handleMyUploadPage(w http.ResponseWriter, r *http.Request) {
	if _, up := s.myUpload(w, r); up != nil {
		s.UploadDetail(w, r, http.StatusOK, up, false, "", web.MeNotices[r.URL.Query().Get("notice")])
	}
}

// handleMyUploadForm submits a draft with the metadata its uploader
// confirmed.
func (s *Handler) handleMyUploadForm(w http.ResponseWriter, r *http.Request) {
	u, up := s.myUpload(w, r)
	if up == nil {
		return
	}
	if err := web.ParseForm(w, r); err != nil {
		s.UploadDetail(w, r, http.StatusBadRequest, up, false, wengao.ErrorMessage(err), "")
		return
	}
	meta := web.ReadMeta(r.PostForm.Get)
	sub, err := s.Uploads.SubmitUpload(r.Context(), up.ID, u.ID, meta)
	if err != nil {
		up.Meta = meta
		s.UploadDetail(w, r, web.ErrorStatus(err), up, false, wengao.ErrorMessage(err), "")
		return
	}
	http.Redirect(w, r, "/me/uploads/"+strconv.FormatInt(sub.ID, 10)+"?notice=submitted", http.StatusSeeOther)
}
