package http

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wengao/wengao"
)

func (s *Server) registerAPIRoutes() {
	s.mux.HandleFunc("GET /healthz", s.handleHealth)
	s.mux.HandleFunc("GET /api/v1/search", s.handleAPISearch)
	s.mux.HandleFunc("GET /api/v1/documents/{id}", s.handleAPIDocument)
	s.mux.HandleFunc("GET /api/v1/openapi.json", s.handleOpenAPI)
}

// openAPI describes the JSON API (OpenAPI 3.1).
//
//go:embed openapi.json
var openAPI []byte

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	s.writeBody(w, r, http.StatusOK, openAPI, time.Time{})
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	n, err := s.Documents.CountDocuments(r.Context())
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "documents": n})
}

// searchRequest reads the search parameters of a request.
func searchRequest(r *http.Request) wengao.SearchRequest {
	q := r.URL.Query()
	req := wengao.SearchRequest{Query: q.Get("q"), Category: q.Get("category")}
	req.Page, _ = strconv.Atoi(q.Get("page"))
	req.Limit, _ = strconv.Atoi(q.Get("limit"))
	switch strings.ToLower(q.Get("sort")) {
	case "date", "new", "latest":
		req.Sort = wengao.SortDate
	case "reads", "hot", "popular":
		req.Sort = wengao.SortReads
	default:
		req.Sort = wengao.SortRelevance
	}
	return req
}

func (s *Server) handleAPISearch(w http.ResponseWriter, r *http.Request) {
	if !s.allowSearch(w, r, false) {
		return
	}
	req := searchRequest(r)
	req.Preview = s.visibilityFor(r).previewRule()
	res, err := s.Search.Search(r.Context(), req)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	s.recordAPISearch(r, req, res.Total)
	writeJSON(w, http.StatusOK, res)
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

func (s *Server) handleAPIDocument(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	doc, err := s.publishedDocument(r, id)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	related, err := s.Documents.RelatedDocuments(r.Context(), id, 10)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	if s.Counter != nil {
		// Reads counted but not yet written belong to the total.
		doc.Reads += s.Counter.Unsaved(doc.ID)
	}
	out := documentJSON{Document: doc, Related: related, Price: doc.PriceOr(s.settings(r.Context()).DownloadPrice), Chars: wengao.BodyChars(doc.Body)}
	if m := s.masker(r.Context()); m != nil {
		doc = maskedDocument(m, doc)
		out.Document = doc
		for i := range related {
			related[i].Title = m.Display(related[i].Title)
		}
	}
	if u := s.currentUser(r); u != nil {
		out.Price = s.priceFor(r.Context(), u, doc)
	}
	body, full := s.visibilityFor(r).visible(doc.Body)
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
	writeJSON(w, http.StatusOK, out)
}

// writeJSON writes v as a JSON response.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}

// errorStatus maps error codes to HTTP statuses.
var errorStatus = map[string]int{
	wengao.ECONFLICT:     http.StatusConflict,
	wengao.EINVALID:      http.StatusBadRequest,
	wengao.ENOTFOUND:     http.StatusNotFound,
	wengao.EUNAUTHORIZED: http.StatusUnauthorized,
	wengao.EFORBIDDEN:    http.StatusForbidden,
	wengao.ETOOMANY:      http.StatusTooManyRequests,
	wengao.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	wengao.EUNAVAILABLE:  http.StatusServiceUnavailable,
	wengao.EPAYMENT:      http.StatusPaymentRequired,
	wengao.ELEGAL:        http.StatusUnavailableForLegalReasons,
	wengao.EINTERNAL:     http.StatusInternalServerError,
}

// ErrorStatus returns the HTTP status for err.
func ErrorStatus(err error) int {
	if st, ok := errorStatus[wengao.ErrorCode(err)]; ok {
		return st
	}
	return http.StatusInternalServerError
}

// jsonError writes err as {"error":{"code","message"}}; internal errors
// are logged with their detail and shown with a generic message.
func (s *Server) jsonError(w http.ResponseWriter, r *http.Request, err error) {
	code := wengao.ErrorCode(err)
	if code == wengao.EINTERNAL {
		s.Logger.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	writeJSON(w, ErrorStatus(err), map[string]any{"error": map[string]string{"code": code, "message": wengao.ErrorMessage(err)}})
}

func itoa(n int) string { return strconv.Itoa(n) }
