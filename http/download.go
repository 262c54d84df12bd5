package http

import (
	"bytes"
	"context"
	"io"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/docx"
	"github.com/wengao/wengao/gongwen"
)

// FileStore keeps the original files of uploads and documents by their
// key, the hex sha256 of their content (package blob).
type FileStore interface {
	// Put stores at most max bytes from r; more is an ETOOLARGE error.
	Put(ctx context.Context, r io.Reader, max int64) (key string, size int64, err error)
	Open(ctx context.Context, key string) (io.ReadSeekCloser, int64, error)
}

// priceFor returns what user u pays to download doc: nothing for its
// uploader, else its own price or the site's default.
func (s *Server) priceFor(ctx context.Context, u *wengao.User, doc *wengao.Document) int64 {
	if doc.UploaderID != 0 && doc.UploaderID == u.ID {
		return 0
	}
	return doc.PriceOr(s.settings(ctx).DownloadPrice)
}

// downloadView is the page that confirms a purchase.
type downloadView struct {
	layout
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
func (s *Server) handleDownloadPage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	u := s.requireLogin(w, r, docURL(id)+"/download")
	if u == nil {
		return
	}
	doc, err := s.downloadable(r, u, id)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	price := s.priceFor(r.Context(), u, doc)
	if _, err := s.Ledger.FindPurchase(r.Context(), u.ID, id); err == nil {
		s.sendFile(w, r, doc)
		return
	} else if wengao.ErrorCode(err) != wengao.ENOTFOUND {
		s.errorPage(w, r, err)
		return
	}
	if price == 0 {
		// Free access is recorded, so that it shows among the downloads.
		if _, _, err := s.Ledger.Purchase(r.Context(), u.ID, id, 0, ""); err != nil {
			s.errorPage(w, r, err)
			return
		}
		s.sendFile(w, r, doc)
		return
	}
	s.downloadPage(w, r, http.StatusOK, doc, u, price, "")
}

func (s *Server) downloadPage(w http.ResponseWriter, r *http.Request, status int, doc *wengao.Document, u *wengao.User, price int64, errMsg string) {
	v := downloadView{Doc: doc, User: u, Price: price, Key: newIdempotencyKey(), Error: errMsg, Short: u.Points < price}
	v.layout = s.newLayout(r, "下载："+doc.Title, "", "")
	v.NoIndex, v.Nav = true, "doc"
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "download", v)
}

// handleDownloadForm buys the download (once per form, whatever the
// number of submits: the form carries an idempotency key) and sends the
// browser to the download.
func (s *Server) handleDownloadForm(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	u := s.requireLogin(w, r, docURL(id)+"/download")
	if u == nil {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.errorPage(w, r, err)
		return
	}
	doc, err := s.downloadable(r, u, id)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	price := s.priceFor(r.Context(), u, doc)
	if _, _, err := s.Ledger.Purchase(r.Context(), u.ID, id, price, r.PostForm.Get("key")); err != nil {
		if code := wengao.ErrorCode(err); code == wengao.EPAYMENT || code == wengao.ECONFLICT {
			if fresh, ferr := s.Users.FindUserByID(r.Context(), u.ID); ferr == nil {
				u = fresh
			}
			s.downloadPage(w, r, ErrorStatus(err), doc, u, price, wengao.ErrorMessage(err))
			return
		}
		s.errorPage(w, r, err)
		return
	}
	http.Redirect(w, r, docURL(id)+"/download", http.StatusSeeOther)
}

// handleAPIDownload buys the download of a document (charging its price
// once per Idempotency-Key, and not at all while an earlier purchase is
// valid) and sends the file. The headers X-Points-Charged and
// X-Points-Balance tell what it cost.
func (s *Server) handleAPIDownload(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id := r.PathValue("id")
	doc, err := s.downloadable(r, u, id)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	price := s.priceFor(r.Context(), u, doc)
	p, charged, err := s.Ledger.Purchase(r.Context(), u.ID, id, price, r.Header.Get("Idempotency-Key"))
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	balance, err := s.Ledger.Balance(r.Context(), u.ID)
	if err != nil {
		s.jsonError(w, r, err)
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
	s.sendFile(w, r, doc)
}

// sendFile sends the document's original file when it has one, otherwise
// a .docx made from its text.
func (s *Server) sendFile(w http.ResponseWriter, r *http.Request, doc *wengao.Document) {
	h := w.Header()
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	if doc.File != nil && s.Files != nil {
		f, _, err := s.Files.Open(r.Context(), doc.File.Key)
		if err == nil {
			defer f.Close()
			name := doc.File.Name
			ctype := mime.TypeByExtension(strings.ToLower(path.Ext(name)))
			if ctype == "" {
				ctype = "application/octet-stream"
			}
			h.Set("Content-Type", ctype)
			h.Set("Content-Disposition", attachment(name))
			http.ServeContent(w, r, "", doc.UpdatedAt, f)
			return
		}
		// The text is still there: give the generated file instead.
		s.Logger.Error("open original file", "id", RequestID(r.Context()), "document", doc.ID, "key", doc.File.Key, "err", err)
	}
	var buf bytes.Buffer
	if err := docx.Write(&buf, generatedDocx(doc, s.siteName(r.Context()))); err != nil {
		s.errorPage(w, r, err)
		return
	}
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
	h.Set("Content-Disposition", attachment(doc.Title+".docx"))
	http.ServeContent(w, r, "", doc.UpdatedAt, bytes.NewReader(buf.Bytes()))
}

// generatedDocx lays out a document's text as a 公文 (GB/T 9704): the
// title once, the 发文字号 under it, the parts that package gongwen finds
// (主送机关, 附件说明, 落款, 成文日期, 附注) in their places, the outline's
// headings as such. source names the site, written in the file's
// properties.
func generatedDocx(doc *wengao.Document, source string) docx.Document {
	l := gongwen.Structure(doc.Title, doc.Body)
	d := docx.Document{Title: doc.Title, Headings: map[int]int{}, Roles: map[int]docx.Role{}, Source: source}
	if l.DocNumber >= 0 {
		d.Subtitle = strings.TrimSpace(doc.Body[l.DocNumber])
	}
	headings := make(map[int]int, len(doc.Outline))
	for _, o := range doc.Outline {
		headings[o.Paragraph] = o.Level
	}
	for i, p := range doc.Body {
		role := l.Role(i)
		if role == gongwen.RoleTitle || role == gongwen.RoleDocNumber {
			continue
		}
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		at := len(d.Paragraphs)
		switch role {
		case gongwen.RoleAddressee:
			d.Roles[at] = docx.Addressee
		case gongwen.RoleAttachment:
			d.Roles[at] = docx.Attachment
		case gongwen.RoleSignature:
			d.Roles[at] = docx.Signature
		case gongwen.RoleDate:
			d.Roles[at] = docx.Date
			if len(l.Signature) > 0 {
				// The date alone: in Arabic numerals, as GB/T 9704 has it.
				p = gongwen.FormatDate(l.DateValue)
			}
		case gongwen.RoleNote:
			d.Roles[at] = docx.Note
		default:
			if lvl, ok := headings[i]; ok {
				d.Headings[at] = lvl
			}
		}
		d.Paragraphs = append(d.Paragraphs, p)
	}
	return d
}

// attachment returns a Content-Disposition header that saves the file
// under name: an ASCII fallback and the UTF-8 name (RFC 6266).
func attachment(name string) string {
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, name)
	ext := path.Ext(name)
	if utf8.RuneCountInString(name) > 120 {
		name = string([]rune(strings.TrimSuffix(name, ext))[:100]) + ext
	}
	ascii := "document"
	if !strings.ContainsFunc(ext, func(r rune) bool { return r >= utf8.RuneSelf || r == ';' || r == ' ' }) {
		ascii += ext
	}
	return mime.FormatMediaType("attachment", map[string]string{"filename": ascii}) + "; filename*=UTF-8''" + urlPathEscape(name)
}

// urlPathEscape escapes s for the filename* parameter (RFC 5987).
func urlPathEscape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// downloadable returns document id when readers may see it and the user
// is not banned from downloading.
func (s *Server) downloadable(r *http.Request, u *wengao.User, id string) (*wengao.Document, error) {
	doc, err := s.publishedDocument(r, id)
	if err != nil {
		return nil, err
	}
	if err := s.ban(r, u, func(b wengao.Bans) time.Time { return b.DownloadUntil }, msgBannedDownload); err != nil {
		return nil, err
	}
	return doc, nil
}

// uploadBan returns EFORBIDDEN when the user is banned from uploading.
func (s *Server) uploadBan(r *http.Request, u *wengao.User) error {
	return s.ban(r, u, func(b wengao.Bans) time.Time { return b.UploadUntil }, msgBannedUpload)
}

// ban returns EFORBIDDEN with msg while the ban until picks holds.
func (s *Server) ban(r *http.Request, u *wengao.User, until func(wengao.Bans) time.Time, msg string) error {
	if s.UserAdmin == nil {
		return nil
	}
	au, err := s.UserAdmin.FindAdminUser(r.Context(), u.ID)
	if err != nil {
		return err
	}
	if t := until(au.Bans); wengao.Banned(t, s.now()) {
		return wengao.Errorf(wengao.EFORBIDDEN, msg, t.In(siteZone).Format("2006-01-02 15:04"))
	}
	return nil
}
