package site

import (
	"net/http"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/http/web"
)

// downloadView is the page that confirms a purchase.
type downloadView struct {
	web.Layout
	Doc     *wengao.Document
	User    *wengao.User
	Price   int64
	Key     string
	Error   string
	Short   bool // the balance is below the price
	Expires string
}

// handleDownloadPage sends the file when the visitor may download it
// (a valid purchase, or a free document), and otherwise shows what the
// download costs with a button to buy it. A GET never charges: links
// may be followed by prefetchers and crawlers.
func (s *Handler) handleDownloadPage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	u := s.RequireLogin(w, r, web.DocURL(id)+"/download")
	if u == nil {
		return
	}
	doc, err := s.Downloadable(w, r, u, id)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	price := s.PriceFor(r.Context(), u, doc)
	_, err = s.Ledger.FindPurchase(r.Context(), u.ID, id)
	bought := err == nil
	if !bought && wengao.ErrorCode(err) != wengao.ENOTFOUND {
		s.ErrorPage(w, r, err)
		return
	}
	if bought || price == 0 {
		// The file is opened first: while the file store is out of
		// reach, nothing is recorded.
		f, err := s.OpenOriginal(r, doc)
		if err != nil {
			s.ErrorPage(w, r, err)
			return
		}
		if f != nil {
			defer f.Close()
		}
		if !bought {
			// Free access is recorded, so that it shows among the
			// downloads.
			if _, _, err := s.Ledger.Purchase(r.Context(), u.ID, id, 0, ""); err != nil {
				s.ErrorPage(w, r, err)
				return
			}
		}
		s.SendFile(w, r, doc, f)
		return
	}
	s.downloadPage(w, r, http.StatusOK, doc, u, price, "")
}

func (s *Handler) downloadPage(w http.ResponseWriter, r *http.Request, status int, doc *wengao.Document, u *wengao.User, price int64, errMsg string) {
	v := downloadView{Doc: doc, User: u, Price: price, Key: newIdempotencyKey(), Error: errMsg, Short: u.Points < price}
	v.Layout = s.NewLayout(r, "下载："+doc.Title, "", "")
	v.NoIndex, v.Nav = true, "doc"
	w.Header().Set("Cache-Control", "no-store")
	s.Render(w, r, status, "download", v)
}

// handleDownloadForm buys the download (once per form, whatever the
// number of submits: the form carries an idempotency key) and sends the
// browser to the download.
func (s *Handler) handleDownloadForm(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	u := s.RequireLogin(w, r, web.DocURL(id)+"/download")
	if u == nil {
		return
	}
	if err := web.ParseForm(w, r); err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	doc, err := s.Downloadable(w, r, u, id)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	// Nothing is bought while the file cannot be sent (the file store
	// out of reach).
	if f, err := s.OpenOriginal(r, doc); err != nil {
		s.ErrorPage(w, r, err)
		return
	} else if f != nil {
		f.Close()
	}
	price := s.PriceFor(r.Context(), u, doc)
	if _, _, err := s.Ledger.Purchase(r.Context(), u.ID, id, price, r.PostForm.Get("key")); err != nil {
		if code := wengao.ErrorCode(err); code == wengao.EPAYMENT || code == wengao.ECONFLICT {
			if fresh, ferr := s.Users.FindUserByID(r.Context(), u.ID); ferr == nil {
				u = fresh
			}
			s.downloadPage(w, r, web.ErrorStatus(err), doc, u, price, wengao.ErrorMessage(err))
			return
		}
		s.ErrorPage(w, r, err)
		return
	}
	http.Redirect(w, r, web.DocURL(id)+"/download", http.StatusSeeOther)
}
