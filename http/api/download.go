package api

import (
	"net/http"
	"strconv"
)

// handleAPIDownload buys the download of a document (charging its price
// once per Idempotency-Key, and not at all while an earlier purchase is
// valid) and sends the file. The headers X-Points-Charged and
// X-Points-Balance tell what it cost.
func (s *Handler) handleAPIDownload(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id := r.PathValue("id")
	doc, err := s.Downloadable(w, r, u, id)
	if err != nil {
		s.JSONError(w, r, err)
		return
	}
	// The file is opened first: nothing is charged for a download that
	// cannot be sent (the file store out of reach).
	f, err := s.OpenOriginal(r, doc)
	if err != nil {
		s.JSONError(w, r, err)
		return
	}
	if f != nil {
		defer f.Close()
	}
	price := s.PriceFor(r.Context(), u, doc)
	p, charged, err := s.Ledger.Purchase(r.Context(), u.ID, id, price, r.Header.Get("Idempotency-Key"))
	if err != nil {
		s.JSONError(w, r, err)
		return
	}
	balance, err := s.Ledger.Balance(r.Context(), u.ID)
	if err != nil {
		s.JSONError(w, r, err)
		return
	}
	cost := int64(0)
	if charged {
		cost = p.Cost
	}
	h := w.Header()
	h.Set("X-Points-Charged", strconv.FormatInt(cost, 10))
	h.Set("X-Points-Balance", strconv.FormatInt(balance, 10))
	h.Set("X-Download-Expires", p.ExpiresAt.Format("2006-01-02T15:04:05Z07:00"))
	s.SendFile(w, r, doc, f)
}
