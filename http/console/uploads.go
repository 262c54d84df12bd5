package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/http/web"
)

// adminUploadsView is the moderators' list of uploads.
type adminUploadsView struct {
	web.Layout
	Uploads []wengao.Upload
	Total   int
	Status  string
	Tabs    []web.Link
	Pages   web.Pagination
	Notice  string
}

func (s *Handler) handleAdminUploads(w http.ResponseWriter, r *http.Request) {
	if s.requireModeratorPage(w, r) == nil {
		return
	}
	f := web.UploadFilter(r)
	if f.Status == "" && r.URL.Query().Get("status") == "" {
		f.Status = wengao.UploadPending
	}
	if f.Status == "all" {
		f.Status = ""
	}
	ups, total, err := s.Uploads.ListUploads(r.Context(), f)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	v := adminUploadsView{Uploads: ups, Total: total, Status: f.Status, Notice: web.MeNotices[r.URL.Query().Get("notice")]}
	for _, st := range []string{wengao.UploadPending, wengao.UploadApproved, wengao.UploadRejected, wengao.UploadDraft, wengao.UploadDeleted, "all"} {
		label := web.StatusLabels[st]
		if st == "all" {
			label = "全部"
		}
		v.Tabs = append(v.Tabs, web.Link{Label: label, URL: "/admin/uploads?status=" + st, Current: st == f.Status || st == "all" && f.Status == ""})
	}
	v.Pages = web.Paginate(f.Page, (total+f.Limit-1)/f.Limit, func(n int) string {
		return "/admin/uploads?status=" + url.QueryEscape(r.URL.Query().Get("status")) + "&page=" + strconv.Itoa(n)
	})
	v.Layout = s.NewLayout(r, "审核上传", "", "")
	v.NoIndex, v.Nav = true, "admin"
	w.Header().Set("Cache-Control", "no-store")
	s.Render(w, r, http.StatusOK, "admin_uploads", v)
}

func (s *Handler) handleAdminUploadPage(w http.ResponseWriter, r *http.Request) {
	u := s.requireModeratorPage(w, r)
	if u == nil {
		return
	}
	up, err := s.FindVisibleUpload(r, u)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	s.UploadDetail(w, r, http.StatusOK, up, true, "", web.MeNotices[r.URL.Query().Get("notice")])
}

// handleAdminUploadForm approves, rejects, corrects or deletes an upload
// from its page.
func (s *Handler) handleAdminUploadForm(w http.ResponseWriter, r *http.Request) {
	u := s.requireModeratorPage(w, r)
	if u == nil {
		return
	}
	up, err := s.FindVisibleUpload(r, u)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	if err := web.ParseForm(w, r); err != nil {
		s.UploadDetail(w, r, http.StatusBadRequest, up, true, wengao.ErrorMessage(err), "")
		return
	}
	a := web.UploadAction{Name: r.PathValue("action"), Reason: strings.TrimSpace(r.PostForm.Get("reason"))}
	switch a.Name {
	case "reject", "delete":
	case "approve", "meta":
		// The meta form, and the approve form when it shows them, carry
		// the metadata as the moderator left it.
		if a.Name == "meta" || r.PostForm.Has("title") {
			meta := web.ReadMeta(r.PostForm.Get)
			a.Meta = &meta
		}
	default:
		s.NotFound(w, r)
		return
	}
	done, err := s.ModerateUpload(r, u, up.ID, a)
	if err != nil {
		if cur, ferr := s.Uploads.FindUpload(r.Context(), up.ID); ferr == nil {
			up = cur // as it stands after the refusal
		}
		s.UploadDetail(w, r, web.ErrorStatus(err), up, true, wengao.ErrorMessage(err), "")
		return
	}
	action := a.Name
	if action == "meta" {
		http.Redirect(w, r, "/admin/uploads/"+strconv.FormatInt(done.ID, 10)+"?notice=saved", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/admin/uploads?notice="+action, http.StatusSeeOther)
}
