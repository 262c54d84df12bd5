package api

import (
	_ "embed"
	"net/http"
	"strings"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/http/web"
)

// openAPI describes the JSON API (OpenAPI 3.1).
//
//go:embed openapi.json
var openAPI []byte

func (s *Handler) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	s.WriteBody(w, r, http.StatusOK, openAPI, time.Time{})
}

func (s *Handler) handleHealth(w http.ResponseWriter, r *http.Request) {
	n, err := s.Documents.CountDocuments(r.Context())
	if err != nil {
		s.JSONError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"status": "ok", "documents": n})
}

func (s *Handler) handleAPISearch(w http.ResponseWriter, r *http.Request) {
	if !s.AllowSearch(w, r, false) {
		return
	}
	req := web.SearchRequest(r)
	req.Preview = s.VisibilityFor(r).PreviewRule()
	res, err := s.Search.Search(r.Context(), req)
	if err != nil {
		s.JSONError(w, r, err)
		return
	}
	s.RecordAPISearch(r, req, res.Total)
	web.WriteJSON(w, http.StatusOK, res)
}

// documentJSON is a document as the API shows it: to a visitor who may
// not read it all, the body holds the preview alone (Truncated), with the
// outline items inside it.
type documentJSON struct {
	*wengao.Document
	Price     int64                `json:"price"`
	Chars     int                  `json:"chars"` // characters of the whole body
	Truncated bool                 `json:"truncated"`
	Related   []wengao.DocumentRef `json:"related"`
}

func (s *Handler) handleAPIDocument(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	doc, err := s.PublishedDocument(r, id)
	if err != nil {
		s.JSONError(w, r, err)
		return
	}
	related, err := s.Documents.RelatedDocuments(r.Context(), id, 10)
	if err != nil {
		s.JSONError(w, r, err)
		return
	}
	if s.Counter != nil {
		// Reads counted but not yet written belong to the total.
		doc.Reads += s.Counter.Unsaved(doc.ID)
	}
	out := documentJSON{Document: doc, Related: related, Price: doc.PriceOr(s.CurrentSettings(r.Context()).DownloadPrice), Chars: wengao.BodyChars(doc.Body)}
	if m := s.Masker(r.Context()); m != nil {
		doc = web.MaskedDocument(m, doc)
		out.Document = doc
		for i := range related {
			related[i].Title = m.Display(related[i].Title)
		}
	}
	if u := s.CurrentUser(r); u != nil {
		out.Price = s.PriceFor(r.Context(), u, doc)
	}
	body, full := s.VisibilityFor(r).Visible(doc.Body)
	if !full {
		doc.Body, out.Truncated = body, true
		var outline []wengao.OutlineItem
		for _, o := range doc.Outline {
			// A heading is shown only when its paragraph is shown whole.
			if o.Paragraph < len(body)-1 || o.Paragraph == len(body)-1 && strings.Contains(body[o.Paragraph], o.Text) {
				outline = append(outline, o)
			}
		}
		doc.Outline = outline
	}
	web.WriteJSON(w, http.StatusOK, out)
}
