package site

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/http/web"
)

// complaintView is the complaint form of a document, or the contact form.
type complaintView struct {
	web.Layout
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

func (s *Handler) complaintPage(w http.ResponseWriter, r *http.Request, status int, v complaintView) {
	title := "联系客服"
	if v.Doc != nil {
		title = "投诉与举报：" + v.Doc.Title
	}
	v.Layout = s.NewLayout(r, title, "", "")
	v.NoIndex, v.Nav = true, "contact"
	v.Email = s.Contact
	w.Header().Set("Cache-Control", "no-store")
	s.Render(w, r, status, "complaint", v)
}

func (s *Handler) handleComplaintPage(w http.ResponseWriter, r *http.Request) {
	doc, err := s.Documents.FindDocumentByID(r.Context(), r.PathValue("id"))
	if err == nil && !doc.Published() {
		err = wengao.Errorf(wengao.ENOTFOUND, web.MsgDocumentGone)
	}
	if err != nil {
		s.ErrorPage(w, r, err)
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
func (s *Handler) handleComplaintForm(w http.ResponseWriter, r *http.Request) {
	var doc *wengao.Document
	if id := r.PathValue("id"); id != "" {
		var err error
		if doc, err = s.Documents.FindDocumentByID(r.Context(), id); err != nil {
			s.ErrorPage(w, r, err)
			return
		}
	}
	r.Body = http.MaxBytesReader(w, r.Body, web.MaxEvidenceBytes+64<<10)
	v := complaintView{Doc: doc}
	if err := r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			v.Error = wengao.ErrorMessage(wengao.Errorf(wengao.ETOOLARGE, web.MsgEvidenceTooLarge, wengao.FormatSize(web.MaxEvidenceBytes)))
		} else {
			v.Error = web.MsgBadForm
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
	proof, release, err := s.StoreEvidence(r)
	if err != nil {
		v.Error = wengao.ErrorMessage(err)
		s.complaintPage(w, r, web.ErrorStatus(err), v)
		return
	}
	c.EvidenceFile = proof
	if err := s.FileComplaint(r, c); err != nil {
		s.DropEvidence(r, proof, release)
		v.Error = wengao.ErrorMessage(err)
		s.complaintPage(w, r, web.ErrorStatus(err), v)
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
func (s *Handler) handleComplaintReceived(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	n, err := strconv.ParseInt(q.Get("n"), 10, 64)
	if err != nil || n <= 0 {
		s.NotFound(w, r)
		return
	}
	c := &wengao.Complaint{ID: n, Kind: q.Get("kind")}
	if c.Kind != wengao.ComplaintCopyright {
		c.Kind = wengao.ComplaintOther
	}
	if s.CurrentUser(r) != nil {
		c.UserID = 1 // the page links to the user's complaints
	}
	v := complaintView{Done: c, Held: q.Get("held") == "1"}
	if id := q.Get("doc"); id != "" {
		v.Doc = &wengao.Document{ID: id}
	}
	s.complaintPage(w, r, http.StatusOK, v)
}
