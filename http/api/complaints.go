package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/http/web"
)

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

// handleAPIComplaint takes a complaint as JSON, or as multipart/form-data
// with the same fields and the proof of ownership as the file "file".
func (s *Handler) handleAPIComplaint(w http.ResponseWriter, r *http.Request) {
	var in complaintJSON
	var proof *wengao.SourceFile
	release := func() {}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		r.Body = http.MaxBytesReader(w, r.Body, web.MaxEvidenceBytes+64<<10)
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				s.JSONError(w, r, wengao.Errorf(wengao.ETOOLARGE, web.MsgEvidenceTooLarge, wengao.FormatSize(web.MaxEvidenceBytes)))
			} else {
				s.JSONError(w, r, wengao.Errorf(wengao.EINVALID, web.MsgBadForm))
			}
			return
		}
		defer r.MultipartForm.RemoveAll()
		f := r.FormValue
		in = complaintJSON{DocumentID: f("document_id"), Kind: f("kind"), Reason: f("reason"), Contact: f("contact"), Evidence: f("evidence"),
			RightsHolder: f("rights_holder"), Work: f("work")}
		var err error
		if proof, release, err = s.StoreEvidence(r); err != nil {
			s.JSONError(w, r, err)
			return
		}
	} else if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&in); err != nil {
		s.JSONError(w, r, wengao.Errorf(wengao.EINVALID, web.MsgBadJSON))
		return
	}
	c := &wengao.Complaint{DocumentID: strings.TrimSpace(in.DocumentID), Kind: in.Kind, Reason: strings.TrimSpace(in.Reason), Contact: strings.TrimSpace(in.Contact), Evidence: strings.TrimSpace(in.Evidence),
		RightsHolder: strings.TrimSpace(in.RightsHolder), Work: strings.TrimSpace(in.Work), EvidenceFile: proof}
	if err := s.FileComplaint(r, c); err != nil {
		s.DropEvidence(r, proof, release)
		s.JSONError(w, r, err)
		return
	}
	release()
	web.WriteJSON(w, http.StatusCreated, c)
}

func (s *Handler) handleAPIMyComplaints(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	page, limit := web.PageParams(r)
	f := wengao.ComplaintFilter{UserID: u.ID, Page: page, Limit: limit}
	if r.URL.Query().Get("about") == "uploads" {
		f = wengao.ComplaintFilter{UploaderID: u.ID, Page: page, Limit: limit}
		cs, total, err := s.Complaints.ListComplaints(r.Context(), f)
		if err != nil {
			s.JSONError(w, r, err)
			return
		}
		out := make([]accusedComplaintJSON, 0, len(cs))
		for _, c := range cs {
			out = append(out, toAccused(c))
		}
		web.WriteJSON(w, http.StatusOK, map[string]any{"total": total, "page": f.Page, "limit": f.Limit, "complaints": out})
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

func (s *Handler) writeComplaints(w http.ResponseWriter, r *http.Request, f wengao.ComplaintFilter) {
	cs, total, err := s.Complaints.ListComplaints(r.Context(), f)
	if err != nil {
		s.JSONError(w, r, err)
		return
	}
	if cs == nil {
		cs = []wengao.Complaint{}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"total": total, "page": f.Page, "limit": f.Limit, "complaints": cs})
}

func (s *Handler) handleAPIAdminComplaints(w http.ResponseWriter, r *http.Request) {
	if s.requireModerator(w, r) == nil {
		return
	}
	page, limit := web.PageParams(r)
	s.writeComplaints(w, r, wengao.ComplaintFilter{Status: r.URL.Query().Get("status"), Page: page, Limit: limit})
}

func (s *Handler) handleAPIResolveComplaint(w http.ResponseWriter, r *http.Request) {
	u := s.requireModerator(w, r)
	if u == nil {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.JSONError(w, r, wengao.ErrComplaintNotFound)
		return
	}
	var in struct {
		Note string `json:"note"`
	}
	if b, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10)); len(strings.TrimSpace(string(b))) > 0 {
		if err := json.Unmarshal(b, &in); err != nil {
			s.JSONError(w, r, wengao.Errorf(wengao.EINVALID, web.MsgBadJSON))
			return
		}
	}
	c, err := s.ResolveComplaint(r, u, id, r.PathValue("action"), strings.TrimSpace(in.Note))
	if err != nil {
		s.JSONError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, c)
}
