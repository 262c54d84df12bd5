package web

import (
	_ "embed"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/wengao/wengao"
)

// SearchRequest reads the search parameters of a request.
func SearchRequest(r *http.Request) wengao.SearchRequest {
	q := r.URL.Query()
	req := wengao.SearchRequest{Query: q.Get("q"), Category: q.Get("category")}
	req.Page, _ = strconv.Atoi(q.Get("page"))
	req.Limit, _ = strconv.Atoi(q.Get("limit"))
	req.Strict = q.Get("strict") == "1" || q.Get("strict") == "true"
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

// WriteJSON writes v as a JSON response.
func WriteJSON(w http.ResponseWriter, status int, v any) {
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

// logError logs the errors the operator has to hear of, with their
// detail: internal errors, a full disk, and a file store out of reach.
func (s *Core) logError(r *http.Request, err error) {
	msg := ""
	switch {
	case wengao.ErrorCode(err) == wengao.EINTERNAL:
		msg = "internal error"
	case wengao.IsStorageFull(err):
		msg = "disk full"
	case errors.Is(err, wengao.ErrFilesUnavailable):
		msg = "file store unavailable"
	default:
		return
	}
	s.Logger.Error(msg, "id", RequestID(r.Context()), "method", r.Method, "path", r.URL.Path, "err", err)
}

// JSONError writes err as {"error":{"code","message"}}; internal errors
// are logged with their detail and shown with a generic message.
func (s *Core) JSONError(w http.ResponseWriter, r *http.Request, err error) {
	code := wengao.ErrorCode(err)
	s.logError(r, err)
	WriteJSON(w, ErrorStatus(err), map[string]any{"error": map[string]string{"code": code, "message": wengao.ErrorMessage(err)}})
}
