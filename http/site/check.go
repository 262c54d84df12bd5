package site

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/copycheck"
	"github.com/wengao/wengao/http/web"
)

// checkView is the check page (查重): the form, and the report of the
// draft just checked.
type checkView struct {
	web.Layout
	Ready    bool
	Left     int // checks left today, -1 for no limit
	MaxChars int
	MaxSize  string
	Accept   string
	Error    string
	Text     string // the draft, in the form again (never stored)
	Result   *checkResult
}

// checkResult is the report as the page shows it.
type checkResult struct {
	Report    *wengao.CopyReport
	Percent   string
	Lines     []checkLine
	Passages  []checkPassage
	Corrected string // the draft with the mechanical format fixes made
	Fixes     int    // lines the fixes change
}

type checkLine struct {
	copycheck.MarkedLine
	Copied int // percent of the line's characters in passages
}

type checkPassage struct {
	Number int
	P      wengao.CopiedPassage
	Pct    int
	URL    string
}

func (s *Handler) checkPage(w http.ResponseWriter, r *http.Request, u *wengao.User, status int, v checkView) {
	v.Layout = s.NewLayout(r, "查重与格式检查", "", "")
	v.NoIndex, v.Nav = true, "check"
	v.Ready = s.CheckReady()
	v.MaxChars = wengao.MaxDraftChars
	v.MaxSize = wengao.FormatSize(s.CurrentSettings(r.Context()).UploadMaxBytes)
	v.Accept = ".docx,.doc,.pdf,.txt,.md,.html,.htm"
	left, err := s.CheckQuotaLeft(r.Context(), u)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	v.Left = left
	w.Header().Set("Cache-Control", "no-store")
	s.Render(w, r, status, "check", v)
}

// checkUser returns the signed-in user who may check drafts, or answers
// (the login page, or why not) and returns nil.
func (s *Handler) checkUser(w http.ResponseWriter, r *http.Request) *wengao.User {
	if !s.CheckEnabled() {
		s.NotFound(w, r)
		return nil
	}
	u := s.RequireLogin(w, r, "/check")
	if u == nil {
		return nil
	}
	if err := s.CheckAllowed(r.Context(), u); err != nil {
		s.ErrorPage(w, r, err)
		return nil
	}
	return u
}

func (s *Handler) handleCheckPage(w http.ResponseWriter, r *http.Request) {
	if u := s.checkUser(w, r); u != nil {
		status := http.StatusOK
		if !s.CheckReady() {
			w.Header().Set("Retry-After", "30")
			status = http.StatusServiceUnavailable
		}
		s.checkPage(w, r, u, status, checkView{})
	}
}

// handleCheckForm checks the posted draft and shows the report, or, with
// format=docx or html (the download buttons, which post the draft again),
// sends the report as a file.
func (s *Handler) handleCheckForm(w http.ResponseWriter, r *http.Request) {
	u := s.checkUser(w, r)
	if u == nil {
		return
	}
	d, err := s.ReadDraft(w, r)
	if err != nil {
		s.checkPage(w, r, u, web.ErrorStatus(err), checkView{Error: wengao.ErrorMessage(err)})
		return
	}
	if d.Format != "" && d.Format != "docx" && d.Format != "html" {
		s.checkPage(w, r, u, http.StatusBadRequest, checkView{Error: web.MsgBadForm})
		return
	}
	text := copycheck.DraftText(d.Text)
	report, err := s.CheckDraft(w, r, u, text, d.Format != "")
	if err != nil {
		if wengao.ErrorCode(err) == wengao.EINTERNAL {
			s.ErrorPage(w, r, err)
			return
		}
		s.checkPage(w, r, u, web.ErrorStatus(err), checkView{Error: wengao.ErrorMessage(err), Text: validOrEmpty(text)})
		return
	}
	title := "查重报告"
	switch d.Format {
	case "docx":
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
		w.Header().Set("Content-Disposition", "attachment; filename=\"check-report.docx\"; filename*=UTF-8''"+url.PathEscape(title+".docx"))
		w.Header().Set("Cache-Control", "no-store")
		if err := copycheck.WriteDocx(w, title, text, report); err != nil {
			s.Logger.Error("write check report", "err", err)
		}
		return
	case "html":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Disposition", "attachment; filename=\"check-report.html\"; filename*=UTF-8''"+url.PathEscape(title+".html"))
		w.Header().Set("Cache-Control", "no-store")
		if err := copycheck.WriteHTML(w, title, text, report); err != nil {
			s.Logger.Error("write check report", "err", err)
		}
		return
	}
	res := &checkResult{Report: report, Percent: fmt.Sprintf("%.1f%%", report.Copied*100)}
	share := map[int]float64{}
	for _, p := range report.Paragraphs {
		share[p.Line] = p.Copied
	}
	for _, l := range copycheck.MarkLines(text, report) {
		res.Lines = append(res.Lines, checkLine{MarkedLine: l, Copied: int(share[l.Number]*100 + 0.5)})
	}
	for i, p := range report.Passages {
		res.Passages = append(res.Passages, checkPassage{Number: i + 1, P: p, Pct: int(p.Similarity*100 + 0.5), URL: web.DocURL(p.DocumentID)})
	}
	res.Corrected, res.Fixes = copycheck.Corrected(text)
	s.checkPage(w, r, u, http.StatusOK, checkView{Text: text, Result: res})
}

// validOrEmpty returns the draft to show in the form again, or "" when it
// cannot be (not text, or too long to send back).
func validOrEmpty(text string) string {
	if copycheck.ValidateDraft(text) != nil {
		return ""
	}
	return text
}
