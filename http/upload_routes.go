package http

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/neardup"
)

func (s *Server) registerUploadRoutes() {
	s.mux.HandleFunc("POST /api/v1/uploads", s.handleAPIUpload)
	s.mux.HandleFunc("GET /api/v1/uploads/{id}", s.handleAPIUploadShow)
	s.mux.HandleFunc("POST /api/v1/uploads/{id}/submit", s.handleAPIUploadSubmit)
	s.mux.HandleFunc("GET /api/v1/me/uploads", s.handleAPIMyUploads)
	s.mux.HandleFunc("GET /api/v1/admin/uploads", s.handleAPIAdminUploads)
	s.mux.HandleFunc("POST /api/v1/admin/uploads/{id}/approve", s.handleAPIModerate)
	s.mux.HandleFunc("POST /api/v1/admin/uploads/{id}/reject", s.handleAPIModerate)
	s.mux.HandleFunc("POST /api/v1/admin/uploads/{id}/meta", s.handleAPIModerate)
	s.mux.HandleFunc("DELETE /api/v1/admin/uploads/{id}", s.handleAPIModerate)

	s.mux.HandleFunc("GET /upload", s.handleUploadPage)
	s.mux.HandleFunc("POST /upload", s.handleUploadForm)
	s.mux.HandleFunc("GET /me/uploads/{id}", s.handleMyUploadPage)
	s.mux.HandleFunc("POST /me/uploads/{id}", s.handleMyUploadForm)
	s.mux.HandleFunc("GET /admin/uploads", s.handleAdminUploads)
	s.mux.HandleFunc("GET /admin/uploads/{id}", s.handleAdminUploadPage)
	s.mux.HandleFunc("POST /admin/uploads/{id}/{action}", s.handleAdminUploadForm)
}

// uploadID reads the {id} of an upload route.
func uploadID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, wengao.ErrUploadNotFound
	}
	return id, nil
}

// findVisibleUpload returns upload id when u may see it: its uploader or
// a moderator. Others get ENOTFOUND, as for an upload that does not exist.
func (s *Server) findVisibleUpload(r *http.Request, u *wengao.User) (*wengao.Upload, error) {
	id, err := uploadID(r)
	if err != nil {
		return nil, err
	}
	up, err := s.Uploads.FindUpload(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if up.UserID != u.ID && !u.IsModerator() {
		return nil, wengao.ErrUploadNotFound
	}
	return up, nil
}

// uploadsResponse is the answer to an upload request.
type uploadsResponse struct {
	Uploads []*wengao.Upload `json:"uploads"`
	Failed  []uploadFailure  `json:"failed"`
}

// handleAPIUpload takes one or several files (multipart, field "file")
// and answers with the uploads made of them, as drafts whose detected
// metadata the uploader confirms with /submit — or, with ?submit=1,
// submitted for review at once with the detected metadata.
func (s *Server) handleAPIUpload(w http.ResponseWriter, r *http.Request) {
	if !s.uploadsReady(w, r) {
		return
	}
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	if err := s.uploadBan(r, u); err != nil {
		s.jsonError(w, r, err)
		return
	}
	ups, failed, err := s.receiveFiles(w, r, u)
	if err != nil && len(ups) == 0 {
		s.jsonError(w, r, err)
		return
	}
	if r.URL.Query().Get("submit") == "1" {
		for i, up := range ups {
			if up.Status != wengao.UploadDraft {
				continue
			}
			sub, err := s.Uploads.SubmitUpload(r.Context(), up.ID, u.ID, up.Meta)
			if err != nil {
				failed = append(failed, uploadFailure{File: up.File.Name, Error: &wengao.Error{Code: wengao.ErrorCode(err), Message: wengao.ErrorMessage(err)}})
				continue
			}
			ups[i] = sub
		}
	}
	if failed == nil {
		failed = []uploadFailure{}
	}
	if ups == nil {
		ups = []*wengao.Upload{}
	}
	status := http.StatusCreated
	if len(ups) == 0 {
		status = ErrorStatus(failed[0].Error)
		writeJSON(w, status, map[string]any{"error": failed[0].Error, "uploads": ups, "failed": failed})
		return
	}
	writeJSON(w, status, uploadsResponse{Uploads: ups, Failed: failed})
}

// apiUpload returns the signed-in user and the upload of an API request,
// or answers and returns nil.
func (s *Server) apiUpload(w http.ResponseWriter, r *http.Request) (*wengao.User, *wengao.Upload) {
	if !s.uploadsReady(w, r) {
		return nil, nil
	}
	u := s.requireUser(w, r)
	if u == nil {
		return nil, nil
	}
	up, err := s.findVisibleUpload(r, u)
	if err != nil {
		s.jsonError(w, r, err)
		return nil, nil
	}
	return u, up
}

func (s *Server) handleAPIUploadShow(w http.ResponseWriter, r *http.Request) {
	if _, up := s.apiUpload(w, r); up != nil {
		writeJSON(w, http.StatusOK, up)
	}
}

// readMetaJSON reads upload metadata from a JSON body; an empty body
// keeps the current metadata.
func readMetaJSON(r *http.Request, current wengao.UploadMeta) (wengao.UploadMeta, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxAuthBody))
	if err != nil {
		return current, wengao.Errorf(wengao.EINVALID, msgBadJSON)
	}
	if strings.TrimSpace(string(body)) == "" {
		return current, nil
	}
	meta := current
	if err := json.Unmarshal(body, &meta); err != nil {
		return current, wengao.Errorf(wengao.EINVALID, msgBadJSON)
	}
	return meta, nil
}

func (s *Server) handleAPIUploadSubmit(w http.ResponseWriter, r *http.Request) {
	u, up := s.apiUpload(w, r)
	if up == nil {
		return
	}
	meta, err := readMetaJSON(r, up.Meta)
	if err == nil {
		up, err = s.Uploads.SubmitUpload(r.Context(), up.ID, u.ID, meta)
	}
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, up)
}

// uploadFilter reads status, page and limit.
func uploadFilter(r *http.Request) wengao.UploadFilter {
	page, limit := pageParams(r)
	return wengao.UploadFilter{Status: r.URL.Query().Get("status"), Page: page, Limit: limit}
}

func (s *Server) handleAPIMyUploads(w http.ResponseWriter, r *http.Request) {
	if !s.uploadsReady(w, r) {
		return
	}
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	f := uploadFilter(r)
	f.UserID = u.ID
	s.writeUploadList(w, r, f)
}

func (s *Server) writeUploadList(w http.ResponseWriter, r *http.Request, f wengao.UploadFilter) {
	ups, total, err := s.Uploads.ListUploads(r.Context(), f)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	if ups == nil {
		ups = []wengao.Upload{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": total, "page": f.Page, "limit": f.Limit, "uploads": ups})
}

// requireModerator returns the signed-in moderator or admin, or writes
// EUNAUTHORIZED or EFORBIDDEN.
func (s *Server) requireModerator(w http.ResponseWriter, r *http.Request) *wengao.User {
	u := s.requireUser(w, r)
	if u != nil && !u.IsModerator() {
		s.jsonError(w, r, wengao.ErrNotStaff)
		return nil
	}
	return u
}

func (s *Server) handleAPIAdminUploads(w http.ResponseWriter, r *http.Request) {
	if !s.uploadsReady(w, r) {
		return
	}
	if s.requireModerator(w, r) == nil {
		return
	}
	s.writeUploadList(w, r, uploadFilter(r))
}

// handleAPIModerate approves, rejects ({"reason"}), corrects the metadata
// of or deletes an upload.
func (s *Server) handleAPIModerate(w http.ResponseWriter, r *http.Request) {
	if !s.uploadsReady(w, r) {
		return
	}
	u := s.requireModerator(w, r)
	if u == nil {
		return
	}
	id, err := uploadID(r)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	a := uploadAction{Name: path2action(r)}
	switch a.Name {
	case "reject":
		var body struct {
			Reason string `json:"reason"`
		}
		if err = json.NewDecoder(io.LimitReader(r.Body, maxAuthBody)).Decode(&body); err != nil {
			s.jsonError(w, r, wengao.Errorf(wengao.EINVALID, msgBadJSON))
			return
		}
		a.Reason = body.Reason
	case "meta":
		// The body names the fields to change; the others keep their
		// values.
		up, err := s.Uploads.FindUpload(r.Context(), id)
		if err != nil {
			s.jsonError(w, r, err)
			return
		}
		meta, err := readMetaJSON(r, up.Meta)
		if err != nil {
			s.jsonError(w, r, err)
			return
		}
		a.Meta = &meta
	}
	up, err := s.moderateUpload(r, u, id, a)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, up)
}

// uploadAction is what a moderator asks of an upload, as a front end
// read it from its request.
type uploadAction struct {
	Name   string // approve, reject, meta or delete
	Reason string // why it is rejected
	// Meta is the metadata as the moderator left it: what meta stores,
	// and what approve stores first when the upload is still pending
	// (nil: approve as it is).
	Meta *wengao.UploadMeta
}

// moderateUpload approves, rejects, corrects or deletes upload id as
// moderator u: the one action behind the API and the console, which
// only translate their input and its outcome. The store checks who may
// do what.
func (s *Server) moderateUpload(r *http.Request, u *wengao.User, id int64, a uploadAction) (*wengao.Upload, error) {
	e, ctx := s.auditing(r, "upload."+a.Name, "upload:"+strconv.FormatInt(id, 10), a.Reason)
	var up *wengao.Upload
	var err error
	switch a.Name {
	case "approve":
		up, err = s.Uploads.ApproveUpload(ctx, id, u.ID, s.settings(r.Context()).UploadReward, a.Meta)
	case "reject":
		up, err = s.Uploads.RejectUpload(ctx, id, u.ID, a.Reason)
	case "meta":
		if a.Meta == nil {
			return nil, wengao.Errorf(wengao.EINVALID, msgBadForm)
		}
		up, err = s.Uploads.UpdateUploadMeta(ctx, id, u.ID, *a.Meta)
	case "delete":
		up, err = s.Uploads.DeleteUpload(ctx, id, u.ID)
	default:
		return nil, wengao.Errorf(wengao.ENOTFOUND, msgNotFoundPage)
	}
	if err != nil {
		return nil, err
	}
	s.audited(r, e)
	return up, nil
}

// path2action names what a moderation request asks: the last segment of
// its path, or "delete" for DELETE.
func path2action(r *http.Request) string {
	if r.Method == http.MethodDelete {
		return "delete"
	}
	return r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
}

// uploadView is the upload page.
type uploadView struct {
	layout
	MaxSize  string
	Reward   int64
	Failed   []uploadFailure
	Error    string
	Accept   string
	MaxFiles int
}

func (s *Server) uploadPage(w http.ResponseWriter, r *http.Request, status int, failed []uploadFailure, errMsg string) {
	v := uploadView{MaxSize: formatBytes(s.settings(r.Context()).UploadMaxBytes), Reward: s.settings(r.Context()).UploadReward, Failed: failed, Error: errMsg,
		Accept: ".docx,.doc,.pdf,.txt,.md,.html,.htm", MaxFiles: maxUploadFiles}
	v.layout = s.newLayout(r, "上传文稿", "", "")
	v.NoIndex, v.Nav = true, "upload"
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "upload", v)
}

func (s *Server) handleUploadPage(w http.ResponseWriter, r *http.Request) {
	if s.requireLogin(w, r, "/upload") == nil {
		return
	}
	if s.Uploads == nil || s.Files == nil {
		s.errorPage(w, r, wengao.Errorf(wengao.EUNAVAILABLE, msgUploadsOff))
		return
	}
	s.uploadPage(w, r, http.StatusOK, nil, "")
}

// handleUploadForm takes the upload form without JavaScript: the files
// become drafts, and the browser goes on to confirm the first.
func (s *Server) handleUploadForm(w http.ResponseWriter, r *http.Request) {
	u := s.requireLogin(w, r, "/upload")
	if u == nil {
		return
	}
	if s.Uploads == nil || s.Files == nil {
		s.errorPage(w, r, wengao.Errorf(wengao.EUNAVAILABLE, msgUploadsOff))
		return
	}
	if err := s.uploadBan(r, u); err != nil {
		s.uploadPage(w, r, ErrorStatus(err), nil, wengao.ErrorMessage(err))
		return
	}
	ups, failed, err := s.receiveFiles(w, r, u)
	if err != nil && wengao.ErrorCode(err) == wengao.EINTERNAL {
		s.errorPage(w, r, err)
		return
	}
	if len(ups) == 0 {
		msg := ""
		if err != nil {
			msg = wengao.ErrorMessage(err)
		}
		status := http.StatusBadRequest
		if err != nil {
			status = ErrorStatus(err)
		} else if len(failed) > 0 {
			status = ErrorStatus(failed[0].Error)
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

// uploadDetailView is an upload's page, for its uploader or a moderator.
type uploadDetailView struct {
	layout
	Up       *wengao.Upload
	Status   string
	Editable bool
	Admin    bool
	Error    string
	Notice   string
	Preview  []string // the opening paragraphs
	More     int      // paragraphs not shown
	Matches  []nearView
	Genres   []string
}

// nearView is a near-duplicate with the passages it shares with the
// upload.
type nearView struct {
	wengao.NearMatch
	Percent  int
	Passages []string
}

// uploadPreviewParagraphs is the number of paragraphs an upload's page
// shows of its text.
const uploadPreviewParagraphs = 30

func (s *Server) uploadDetail(w http.ResponseWriter, r *http.Request, status int, up *wengao.Upload, admin bool, errMsg, notice string) {
	v := uploadDetailView{Up: up, Status: statusLabels[up.Status], Admin: admin, Error: errMsg, Notice: notice, Genres: genreChoices}
	v.Editable = up.Status == wengao.UploadDraft || up.Status == wengao.UploadPending
	n := min(len(up.Body), uploadPreviewParagraphs)
	if admin {
		n = len(up.Body)
	}
	v.Preview, v.More = up.Body[:n], len(up.Body)-n
	for _, m := range up.NearDuplicates {
		nv := nearView{NearMatch: m, Percent: int(m.Similarity*100 + 0.5)}
		if admin {
			if doc, err := s.Documents.FindDocumentByID(r.Context(), m.ID); err == nil {
				for i, p := range neardup.Overlap(up.Body, doc.Body, 20) {
					if i == 20 {
						break
					}
					nv.Passages = append(nv.Passages, p.Text)
				}
			}
		}
		v.Matches = append(v.Matches, nv)
	}
	title := "上传文稿：" + up.Meta.Title
	v.layout = s.newLayout(r, title, "", "")
	v.NoIndex, v.Nav = true, "upload"
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "upload_detail", v)
}

// genreChoices are the 文种 offered on the metadata form.
var genreChoices = []string{"通知", "意见", "决定", "通报", "报告", "请示", "批复", "函", "纪要", "讲话", "方案", "规划", "办法", "规定", "条例", "公告", "通告", "命令", "决议", "议案", "公报", "总结", "计划", "要点"}

// myUpload returns the signed-in user and the upload of the request's
// page, or answers and returns nil.
func (s *Server) myUpload(w http.ResponseWriter, r *http.Request) (*wengao.User, *wengao.Upload) {
	u := s.requireLogin(w, r, r.URL.RequestURI())
	if u == nil {
		return nil, nil
	}
	if s.Uploads == nil {
		s.errorPage(w, r, wengao.Errorf(wengao.EUNAVAILABLE, msgUploadsOff))
		return nil, nil
	}
	up, err := s.findVisibleUpload(r, u)
	if err != nil {
		s.errorPage(w, r, err)
		return nil, nil
	}
	return u, up
}

func (s *Server) handleMyUploadPage(w http.ResponseWriter, r *http.Request) {
	if _, up := s.myUpload(w, r); up != nil {
		s.uploadDetail(w, r, http.StatusOK, up, false, "", meNotices[r.URL.Query().Get("notice")])
	}
}

// handleMyUploadForm submits a draft with the metadata its uploader
// confirmed.
func (s *Server) handleMyUploadForm(w http.ResponseWriter, r *http.Request) {
	u, up := s.myUpload(w, r)
	if up == nil {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.uploadDetail(w, r, http.StatusBadRequest, up, false, wengao.ErrorMessage(err), "")
		return
	}
	meta := readMeta(r.PostForm.Get)
	sub, err := s.Uploads.SubmitUpload(r.Context(), up.ID, u.ID, meta)
	if err != nil {
		up.Meta = meta
		s.uploadDetail(w, r, ErrorStatus(err), up, false, wengao.ErrorMessage(err), "")
		return
	}
	http.Redirect(w, r, "/me/uploads/"+strconv.FormatInt(sub.ID, 10)+"?notice=submitted", http.StatusSeeOther)
}

// requireModeratorPage returns the signed-in moderator, or sends others
// to log in or shows them 403.
func (s *Server) requireModeratorPage(w http.ResponseWriter, r *http.Request) *wengao.User {
	u := s.requireLogin(w, r, r.URL.RequestURI())
	if u == nil {
		return nil
	}
	if !u.IsModerator() {
		s.errorPage(w, r, wengao.ErrNotStaff)
		return nil
	}
	if s.Uploads == nil {
		s.errorPage(w, r, wengao.Errorf(wengao.EUNAVAILABLE, msgUploadsOff))
		return nil
	}
	return u
}

// adminUploadsView is the moderators' list of uploads.
type adminUploadsView struct {
	layout
	Uploads []wengao.Upload
	Total   int
	Status  string
	Tabs    []link
	Pages   pagination
	Notice  string
}

func (s *Server) handleAdminUploads(w http.ResponseWriter, r *http.Request) {
	if s.requireModeratorPage(w, r) == nil {
		return
	}
	f := uploadFilter(r)
	if f.Status == "" && r.URL.Query().Get("status") == "" {
		f.Status = wengao.UploadPending
	}
	if f.Status == "all" {
		f.Status = ""
	}
	ups, total, err := s.Uploads.ListUploads(r.Context(), f)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	v := adminUploadsView{Uploads: ups, Total: total, Status: f.Status, Notice: meNotices[r.URL.Query().Get("notice")]}
	for _, st := range []string{wengao.UploadPending, wengao.UploadApproved, wengao.UploadRejected, wengao.UploadDraft, wengao.UploadDeleted, "all"} {
		label := statusLabels[st]
		if st == "all" {
			label = "全部"
		}
		v.Tabs = append(v.Tabs, link{Label: label, URL: "/admin/uploads?status=" + st, Current: st == f.Status || st == "all" && f.Status == ""})
	}
	v.Pages = paginate(f.Page, (total+f.Limit-1)/f.Limit, func(n int) string {
		return "/admin/uploads?status=" + url.QueryEscape(r.URL.Query().Get("status")) + "&page=" + strconv.Itoa(n)
	})
	v.layout = s.newLayout(r, "审核上传", "", "")
	v.NoIndex, v.Nav = true, "admin"
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "admin_uploads", v)
}

func (s *Server) handleAdminUploadPage(w http.ResponseWriter, r *http.Request) {
	u := s.requireModeratorPage(w, r)
	if u == nil {
		return
	}
	up, err := s.findVisibleUpload(r, u)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.uploadDetail(w, r, http.StatusOK, up, true, "", meNotices[r.URL.Query().Get("notice")])
}

// handleAdminUploadForm approves, rejects, corrects or deletes an upload
// from its page.
func (s *Server) handleAdminUploadForm(w http.ResponseWriter, r *http.Request) {
	u := s.requireModeratorPage(w, r)
	if u == nil {
		return
	}
	up, err := s.findVisibleUpload(r, u)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.uploadDetail(w, r, http.StatusBadRequest, up, true, wengao.ErrorMessage(err), "")
		return
	}
	a := uploadAction{Name: r.PathValue("action"), Reason: strings.TrimSpace(r.PostForm.Get("reason"))}
	switch a.Name {
	case "reject", "delete":
	case "approve", "meta":
		// The meta form, and the approve form when it shows them, carry
		// the metadata as the moderator left it.
		if a.Name == "meta" || r.PostForm.Has("title") {
			meta := readMeta(r.PostForm.Get)
			a.Meta = &meta
		}
	default:
		s.notFound(w, r)
		return
	}
	done, err := s.moderateUpload(r, u, up.ID, a)
	if err != nil {
		if cur, ferr := s.Uploads.FindUpload(r.Context(), up.ID); ferr == nil {
			up = cur // as it stands after the refusal
		}
		s.uploadDetail(w, r, ErrorStatus(err), up, true, wengao.ErrorMessage(err), "")
		return
	}
	action := a.Name
	if action == "meta" {
		http.Redirect(w, r, "/admin/uploads/"+strconv.FormatInt(done.ID, 10)+"?notice=saved", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/admin/uploads?notice="+action, http.StatusSeeOther)
}
