package http

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wengao/wengao"
)

// maxEvidenceBytes bounds the file a complaint may carry.
const maxEvidenceBytes = 10 << 20

func (s *Server) registerComplaintRoutes() {
	s.mux.HandleFunc("POST /api/v1/complaints", s.handleAPIComplaint)
	s.mux.HandleFunc("GET /api/v1/me/complaints", s.handleAPIMyComplaints)
	s.mux.HandleFunc("GET /api/v1/admin/complaints", s.handleAPIAdminComplaints)
	s.mux.HandleFunc("POST /api/v1/admin/complaints/{id}/{action}", s.handleAPIResolveComplaint)

	s.mux.HandleFunc("GET /doc/{id}/complaint", s.handleComplaintPage)
	s.mux.HandleFunc("POST /doc/{id}/complaint", s.handleComplaintForm)
	s.mux.HandleFunc("POST /contact", s.handleComplaintForm)
	s.mux.HandleFunc("GET /complaints/received", s.handleComplaintReceived)
	s.mux.HandleFunc("GET /admin/complaints", s.handleAdminComplaints)
	s.mux.HandleFunc("GET /admin/complaints/{id}", s.handleAdminComplaintPage)
	s.mux.HandleFunc("POST /admin/complaints/{id}/{action}", s.handleAdminComplaintForm)
}

// complaintsReady reports whether complaints are wired, writing an error
// when they are not.
func (s *Server) complaintsReady(w http.ResponseWriter, r *http.Request, page bool) bool {
	if s.Complaints != nil {
		return true
	}
	err := wengao.Errorf(wengao.EUNAVAILABLE, msgComplaintsOff)
	if page {
		s.errorPage(w, r, err)
	} else {
		s.jsonError(w, r, err)
	}
	return false
}

// complaintJSON is the body of POST /api/v1/complaints.
type complaintJSON struct {
	DocumentID   string `json:"document_id"`
	Kind         string `json:"kind"`
	Reason       string `json:"reason"`
	Contact      string `json:"contact"`
	Evidence     string `json:"evidence"`
	RightsHolder string `json:"rights_holder"`
	Work         string `json:"work"`
}

// fileComplaint records a complaint from the visitor of r, who may not
// be banned from sending messages. A takedown notice asks to hide its document at once
// only when the operator's policy says so and the notice is within the
// daily limits of its account and address; the store then hides it if
// the notice qualifies and the account is in good standing.
func (s *Server) fileComplaint(r *http.Request, c *wengao.Complaint) error {
	c.UserID, c.Takedown = 0, nil
	u := s.currentUser(r)
	if u != nil {
		c.UserID = u.ID
		if s.UserAdmin != nil {
			if au, err := s.UserAdmin.FindAdminUser(r.Context(), u.ID); err == nil && wengao.Banned(au.Bans.CommentUntil, s.now()) {
				return wengao.Errorf(wengao.EFORBIDDEN, msgBannedComment, au.Bans.CommentUntil.In(siteZone).Format("2006-01-02 15:04"))
			}
		}
	}
	if st := s.settings(r.Context()); u != nil && st.TakedownPolicy == wengao.TakedownHide && c.QualifiesForTakedown() && s.allowTakedown(r, u) {
		c.Takedown = &wengao.TakedownRequest{MinAccountAge: time.Duration(st.TakedownAccountDays) * 24 * time.Hour}
	}
	e, ctx := s.auditing(r, "complaint.open", "complaint:", c.Kind+" "+c.DocumentID)
	if err := s.Complaints.CreateComplaint(ctx, c); err != nil {
		return err
	}
	if e.ID == 0 {
		e.Target += strconv.FormatInt(c.ID, 10)
	}
	s.audited(r, e)
	return nil
}

// handleAPIComplaint takes a complaint as JSON, or as multipart/form-data
// with the same fields and the proof of ownership as the file "file".
func (s *Server) handleAPIComplaint(w http.ResponseWriter, r *http.Request) {
	if !s.complaintsReady(w, r, false) {
		return
	}
	var in complaintJSON
	var proof *wengao.SourceFile
	release := func() {}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		r.Body = http.MaxBytesReader(w, r.Body, maxEvidenceBytes+64<<10)
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				s.jsonError(w, r, wengao.Errorf(wengao.ETOOLARGE, msgEvidenceTooLarge, formatBytes(maxEvidenceBytes)))
			} else {
				s.jsonError(w, r, wengao.Errorf(wengao.EINVALID, msgBadForm))
			}
			return
		}
		defer r.MultipartForm.RemoveAll()
		f := r.FormValue
		in = complaintJSON{DocumentID: f("document_id"), Kind: f("kind"), Reason: f("reason"), Contact: f("contact"), Evidence: f("evidence"),
			RightsHolder: f("rights_holder"), Work: f("work")}
		var err error
		if proof, release, err = s.storeEvidence(r); err != nil {
			s.jsonError(w, r, err)
			return
		}
	} else if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&in); err != nil {
		s.jsonError(w, r, wengao.Errorf(wengao.EINVALID, msgBadJSON))
		return
	}
	c := &wengao.Complaint{DocumentID: strings.TrimSpace(in.DocumentID), Kind: in.Kind, Reason: strings.TrimSpace(in.Reason), Contact: strings.TrimSpace(in.Contact), Evidence: strings.TrimSpace(in.Evidence),
		RightsHolder: strings.TrimSpace(in.RightsHolder), Work: strings.TrimSpace(in.Work), EvidenceFile: proof}
	if err := s.fileComplaint(r, c); err != nil {
		s.dropEvidence(r, proof, release)
		s.jsonError(w, r, err)
		return
	}
	release()
	writeJSON(w, http.StatusCreated, c)
}

// storeEvidence stores the file "file" of a multipart complaint, if any,
// in the file store, and holds it (see holdBlob) until release is called.
func (s *Server) storeEvidence(r *http.Request) (_ *wengao.SourceFile, release func(), _ error) {
	none := func() {}
	if r.MultipartForm == nil || s.Files == nil {
		return nil, none, nil
	}
	fhs := r.MultipartForm.File["file"]
	if len(fhs) == 0 || fhs[0].Size == 0 {
		return nil, none, nil
	}
	f, err := fhs[0].Open()
	if err != nil {
		return nil, none, wengao.Errorf(wengao.EINVALID, msgBadForm)
	}
	defer f.Close()
	key, size, err := s.Files.Put(r.Context(), f, maxEvidenceBytes)
	if err != nil {
		return nil, none, wengao.Errorf(wengao.ETOOLARGE, msgEvidenceTooLarge, formatBytes(maxEvidenceBytes))
	}
	return &wengao.SourceFile{Key: key, Name: cleanFileName(fhs[0].Filename), Size: size}, s.holdBlob(key), nil
}

// dropEvidence releases the evidence file of a complaint that was not
// recorded and removes it, unless a record refers to the same content.
func (s *Server) dropEvidence(r *http.Request, f *wengao.SourceFile, release func()) {
	release()
	if f != nil {
		s.removeBlobIfOrphan(r.Context(), f.Key)
	}
}

func (s *Server) handleAPIMyComplaints(w http.ResponseWriter, r *http.Request) {
	if !s.complaintsReady(w, r, false) {
		return
	}
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	page, limit := pageParams(r)
	f := wengao.ComplaintFilter{UserID: u.ID, Page: page, Limit: limit}
	if r.URL.Query().Get("about") == "uploads" {
		f = wengao.ComplaintFilter{UploaderID: u.ID, Page: page, Limit: limit}
		cs, total, err := s.Complaints.ListComplaints(r.Context(), f)
		if err != nil {
			s.jsonError(w, r, err)
			return
		}
		out := make([]accusedComplaintJSON, 0, len(cs))
		for _, c := range cs {
			out = append(out, toAccused(c))
		}
		writeJSON(w, http.StatusOK, map[string]any{"total": total, "page": f.Page, "limit": f.Limit, "complaints": out})
		return
	}
	s.writeComplaints(w, r, f)
}

// accusedComplaintJSON is a complaint as the uploader of the document it
// is about sees it: what the account page shows them, and nothing of
// the complainant (contact, account, reason, evidence).
type accusedComplaintJSON struct {
	ID            int64      `json:"id"`
	DocumentID    string     `json:"document_id,omitempty"`
	DocumentTitle string     `json:"document_title,omitempty"`
	Kind          string     `json:"kind"`
	Status        string     `json:"status"`
	Note          string     `json:"note,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	ResolvedAt    *time.Time `json:"resolved_at,omitempty"`
}

func toAccused(c wengao.Complaint) accusedComplaintJSON {
	return accusedComplaintJSON{ID: c.ID, DocumentID: c.DocumentID, DocumentTitle: c.DocumentTitle, Kind: c.Kind, Status: c.Status,
		Note: c.Note, CreatedAt: c.CreatedAt, ResolvedAt: c.ResolvedAt}
}

func (s *Server) writeComplaints(w http.ResponseWriter, r *http.Request, f wengao.ComplaintFilter) {
	cs, total, err := s.Complaints.ListComplaints(r.Context(), f)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	if cs == nil {
		cs = []wengao.Complaint{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": total, "page": f.Page, "limit": f.Limit, "complaints": cs})
}

func (s *Server) handleAPIAdminComplaints(w http.ResponseWriter, r *http.Request) {
	if !s.complaintsReady(w, r, false) || s.requireModerator(w, r) == nil {
		return
	}
	page, limit := pageParams(r)
	s.writeComplaints(w, r, wengao.ComplaintFilter{Status: r.URL.Query().Get("status"), Page: page, Limit: limit})
}

// resolveComplaint upholds or rejects complaint id with a note.
func (s *Server) resolveComplaint(r *http.Request, u *wengao.User, id int64, action, note string) (*wengao.Complaint, error) {
	var c *wengao.Complaint
	var err error
	e, ctx := s.auditing(r, "complaint."+action, "complaint:"+strconv.FormatInt(id, 10), note)
	switch action {
	case "uphold":
		c, err = s.Complaints.UpholdComplaint(ctx, id, u.ID, note)
	case "reject":
		c, err = s.Complaints.RejectComplaint(ctx, id, u.ID, note)
	default:
		return nil, wengao.Errorf(wengao.ENOTFOUND, msgNotFoundPage)
	}
	if err != nil {
		return nil, err
	}
	s.audited(r, e)
	return c, nil
}

func (s *Server) handleAPIResolveComplaint(w http.ResponseWriter, r *http.Request) {
	if !s.complaintsReady(w, r, false) {
		return
	}
	u := s.requireModerator(w, r)
	if u == nil {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.jsonError(w, r, wengao.ErrComplaintNotFound)
		return
	}
	var in struct {
		Note string `json:"note"`
	}
	if b, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10)); len(strings.TrimSpace(string(b))) > 0 {
		if err := json.Unmarshal(b, &in); err != nil {
			s.jsonError(w, r, wengao.Errorf(wengao.EINVALID, msgBadJSON))
			return
		}
	}
	c, err := s.resolveComplaint(r, u, id, r.PathValue("action"), strings.TrimSpace(in.Note))
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// complaintView is the complaint form of a document, or the contact form.
type complaintView struct {
	layout
	Doc          *wengao.Document
	Kind         string
	Reason       string
	Contact      string
	RightsHolder string
	Work         string
	Held         bool // the complaint hid the document
	Error        string
	Done         *wengao.Complaint
	Email        string // the operators' address
}

func (s *Server) complaintPage(w http.ResponseWriter, r *http.Request, status int, v complaintView) {
	title := "联系客服"
	if v.Doc != nil {
		title = "投诉与举报：" + v.Doc.Title
	}
	v.layout = s.newLayout(r, title, "", "")
	v.NoIndex, v.Nav = true, "contact"
	v.Email = s.Contact
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "complaint", v)
}

func (s *Server) handleComplaintPage(w http.ResponseWriter, r *http.Request) {
	if !s.complaintsReady(w, r, true) {
		return
	}
	doc, err := s.Documents.FindDocumentByID(r.Context(), r.PathValue("id"))
	if err == nil && !doc.Published() {
		err = wengao.Errorf(wengao.ENOTFOUND, msgDocumentGone)
	}
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	kind := r.URL.Query().Get("kind")
	if kind != wengao.ComplaintOther {
		kind = wengao.ComplaintCopyright
	}
	s.complaintPage(w, r, http.StatusOK, complaintView{Doc: doc, Kind: kind})
}

// handleComplaintForm takes the complaint form of a document (with an
// optional evidence file) or the general contact form.
func (s *Server) handleComplaintForm(w http.ResponseWriter, r *http.Request) {
	if !s.complaintsReady(w, r, true) {
		return
	}
	var doc *wengao.Document
	if id := r.PathValue("id"); id != "" {
		var err error
		if doc, err = s.Documents.FindDocumentByID(r.Context(), id); err != nil {
			s.errorPage(w, r, err)
			return
		}
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxEvidenceBytes+64<<10)
	v := complaintView{Doc: doc}
	if err := r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			v.Error = wengao.ErrorMessage(wengao.Errorf(wengao.ETOOLARGE, msgEvidenceTooLarge, formatBytes(maxEvidenceBytes)))
		} else {
			v.Error = msgBadForm
		}
		s.complaintPage(w, r, http.StatusBadRequest, v)
		return
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	v.Kind, v.Reason, v.Contact = r.FormValue("kind"), strings.TrimSpace(r.FormValue("reason")), strings.TrimSpace(r.FormValue("contact"))
	v.RightsHolder, v.Work = strings.TrimSpace(r.FormValue("rights_holder")), strings.TrimSpace(r.FormValue("work"))
	c := &wengao.Complaint{Kind: v.Kind, Reason: v.Reason, Contact: v.Contact, Evidence: strings.TrimSpace(r.FormValue("evidence")),
		RightsHolder: v.RightsHolder, Work: v.Work}
	if doc != nil {
		c.DocumentID = doc.ID
	} else {
		c.Kind = wengao.ComplaintOther
	}
	proof, release, err := s.storeEvidence(r)
	if err != nil {
		v.Error = wengao.ErrorMessage(err)
		s.complaintPage(w, r, ErrorStatus(err), v)
		return
	}
	c.EvidenceFile = proof
	if err := s.fileComplaint(r, c); err != nil {
		s.dropEvidence(r, proof, release)
		v.Error = wengao.ErrorMessage(err)
		s.complaintPage(w, r, ErrorStatus(err), v)
		return
	}
	release()
	// Post, redirect, get: reloading the thanks page sends nothing again.
	q := url.Values{"n": {strconv.FormatInt(c.ID, 10)}, "kind": {c.Kind}}
	if doc != nil {
		q.Set("doc", doc.ID)
	}
	for _, e := range c.Events {
		if e.Action == "hidden" {
			q.Set("held", "1")
		}
	}
	http.Redirect(w, r, "/complaints/received?"+q.Encode(), http.StatusSeeOther)
}

// handleComplaintReceived thanks the sender of a complaint, showing its
// number (and nothing of its content: the page's address may be shared).
func (s *Server) handleComplaintReceived(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	n, err := strconv.ParseInt(q.Get("n"), 10, 64)
	if err != nil || n <= 0 {
		s.notFound(w, r)
		return
	}
	c := &wengao.Complaint{ID: n, Kind: q.Get("kind")}
	if c.Kind != wengao.ComplaintCopyright {
		c.Kind = wengao.ComplaintOther
	}
	if s.currentUser(r) != nil {
		c.UserID = 1 // the page links to the user's complaints
	}
	v := complaintView{Done: c, Held: q.Get("held") == "1"}
	if id := q.Get("doc"); id != "" {
		v.Doc = &wengao.Document{ID: id}
	}
	s.complaintPage(w, r, http.StatusOK, v)
}

// adminComplaintsView lists complaints for the operators.
type adminComplaintsView struct {
	layout
	Complaints []wengao.Complaint
	Total      int
	Tabs       []link
	Pages      pagination
	Notice     string
}

func (s *Server) handleAdminComplaints(w http.ResponseWriter, r *http.Request) {
	if s.requireModeratorPage(w, r) == nil || !s.complaintsReady(w, r, true) {
		return
	}
	page, limit := pageParams(r)
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
		s.errorPage(w, r, err)
		return
	}
	v := adminComplaintsView{Complaints: cs, Total: total, Notice: meNotices[r.URL.Query().Get("notice")]}
	for _, st := range []string{wengao.ComplaintOpen, wengao.ComplaintUpheld, wengao.ComplaintRejected, "all"} {
		v.Tabs = append(v.Tabs, link{Label: complaintStatusLabels[st], URL: "/admin/complaints?status=" + st, Current: st == status})
	}
	v.Pages = paginate(page, (total+limit-1)/limit, func(n int) string {
		return "/admin/complaints?status=" + status + "&page=" + strconv.Itoa(n)
	})
	v.layout = s.newLayout(r, "投诉处理", "", "")
	v.NoIndex, v.Nav = true, "admin"
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "admin_complaints", v)
}

// adminComplaintView is one complaint with its history.
type adminComplaintView struct {
	layout
	C     *wengao.Complaint
	Error string
}

func (s *Server) handleAdminComplaintPage(w http.ResponseWriter, r *http.Request) {
	if s.requireModeratorPage(w, r) == nil || !s.complaintsReady(w, r, true) {
		return
	}
	s.adminComplaintPage(w, r, http.StatusOK, "")
}

func (s *Server) adminComplaintPage(w http.ResponseWriter, r *http.Request, status int, errMsg string) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	var c *wengao.Complaint
	if err == nil {
		c, err = s.Complaints.FindComplaint(r.Context(), id)
	} else {
		err = wengao.ErrComplaintNotFound
	}
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	v := adminComplaintView{C: c, Error: errMsg}
	v.layout = s.newLayout(r, "投诉 #"+strconv.FormatInt(c.ID, 10), "", "")
	v.NoIndex, v.Nav = true, "admin"
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "admin_complaint", v)
}

func (s *Server) handleAdminComplaintForm(w http.ResponseWriter, r *http.Request) {
	u := s.requireModeratorPage(w, r)
	if u == nil || !s.complaintsReady(w, r, true) {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.adminComplaintPage(w, r, http.StatusBadRequest, wengao.ErrorMessage(err))
		return
	}
	action := r.PathValue("action")
	if _, err := s.resolveComplaint(r, u, id, action, strings.TrimSpace(r.PostForm.Get("note"))); err != nil {
		s.adminComplaintPage(w, r, ErrorStatus(err), wengao.ErrorMessage(err))
		return
	}
	http.Redirect(w, r, "/admin/complaints?notice=complaint-"+action, http.StatusSeeOther)
}
