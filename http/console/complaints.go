package console

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/http/web"
)

// adminComplaintsView lists complaints for the operators.
type adminComplaintsView struct {
	web.Layout
	Complaints []wengao.Complaint
	Total      int
	Tabs       []web.Link
	Pages      web.Pagination
	Notice     string
}

func (s *Handler) handleAdminComplaints(w http.ResponseWriter, r *http.Request) {
	if s.requireModeratorPage(w, r) == nil {
		return
	}
	page, limit := web.PageParams(r)
	status := r.URL.Query().Get("status")
	if status == "" {
		status = wengao.ComplaintOpen
	}
	f := wengao.ComplaintFilter{Status: status, Page: page, Limit: limit}
	if status == "all" {
		f.Status = ""
	}
	cs, total, err := s.Complaints.ListComplaints(r.Context(), f)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	v := adminComplaintsView{Complaints: cs, Total: total, Notice: web.MeNotices[r.URL.Query().Get("notice")]}
	for _, st := range []string{wengao.ComplaintOpen, wengao.ComplaintUpheld, wengao.ComplaintRejected, "all"} {
		v.Tabs = append(v.Tabs, web.Link{Label: web.ComplaintStatusLabels[st], URL: "/admin/complaints?status=" + st, Current: st == status})
	}
	v.Pages = web.Paginate(page, (total+limit-1)/limit, func(n int) string {
		return "/admin/complaints?status=" + status + "&page=" + strconv.Itoa(n)
	})
	v.Layout = s.NewLayout(r, "投诉处理", "", "")
	v.NoIndex, v.Nav = true, "admin"
	w.Header().Set("Cache-Control", "no-store")
	s.Render(w, r, http.StatusOK, "admin_complaints", v)
}

// adminComplaintView is one complaint with its history.
type adminComplaintView struct {
	web.Layout
	C     *wengao.Complaint
	Error string
}

func (s *Handler) handleAdminComplaintPage(w http.ResponseWriter, r *http.Request) {
	if s.requireModeratorPage(w, r) == nil {
		return
	}
	s.adminComplaintPage(w, r, http.StatusOK, "")
}

func (s *Handler) adminComplaintPage(w http.ResponseWriter, r *http.Request, status int, errMsg string) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	var c *wengao.Complaint
	if err == nil {
		c, err = s.Complaints.FindComplaint(r.Context(), id)
	} else {
		err = wengao.ErrComplaintNotFound
	}
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	v := adminComplaintView{C: c, Error: errMsg}
	v.Layout = s.NewLayout(r, "投诉 #"+strconv.FormatInt(c.ID, 10), "", "")
	v.NoIndex, v.Nav = true, "admin"
	w.Header().Set("Cache-Control", "no-store")
	s.Render(w, r, status, "admin_complaint", v)
}

func (s *Handler) handleAdminComplaintForm(w http.ResponseWriter, r *http.Request) {
	u := s.requireModeratorPage(w, r)
	if u == nil {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.NotFound(w, r)
		return
	}
	if err := web.ParseForm(w, r); err != nil {
		s.adminComplaintPage(w, r, http.StatusBadRequest, wengao.ErrorMessage(err))
		return
	}
	action := r.PathValue("action")
	if _, err := s.ResolveComplaint(r, u, id, action, strings.TrimSpace(r.PostForm.Get("note"))); err != nil {
		s.adminComplaintPage(w, r, web.ErrorStatus(err), wengao.ErrorMessage(err))
		return
	}
	http.Redirect(w, r, "/admin/complaints?notice=complaint-"+action, http.StatusSeeOther)
}
