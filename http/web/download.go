package web

import (
	"bytes"
	"context"
	"io"
	"mime"
	"net/http"
	"path"
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

// PriceFor returns what user u pays to download doc: nothing for its
// uploader, else its own price or the site's default.
func (s *Core) PriceFor(ctx context.Context, u *wengao.User, doc *wengao.Document) int64 {
	if doc.UploaderID != 0 && doc.UploaderID == u.ID {
		return 0
	}
	return doc.PriceOr(s.CurrentSettings(ctx).DownloadPrice)
}

// OpenOriginal opens the original file of doc, to be sent with
// SendFile before anything is charged for it. It returns nil when doc has
// none, or when its file cannot be read (logged): SendFile then makes a
// .docx of the text. While the file store cannot be reached it returns
// that error (EUNAVAILABLE), so that a download that cannot be sent
// costs nothing.
func (s *Core) OpenOriginal(r *http.Request, doc *wengao.Document) (io.ReadSeekCloser, error) {
	if doc.File == nil {
		return nil, nil
	}
	f, _, err := s.Files.Open(r.Context(), doc.File.Key)
	if err == nil {
		return f, nil
	}
	if wengao.ErrorCode(err) == wengao.EUNAVAILABLE || r.Context().Err() != nil {
		return nil, err
	}
	// The text is still there: give the generated file instead.
	s.Logger.Error("open original file", "id", RequestID(r.Context()), "document", doc.ID, "key", doc.File.Key, "err", err)
	return nil, nil
}

// SendFile sends the original file f of doc (from OpenOriginal) when it
// is not nil, otherwise a .docx made from its text.
func (s *Core) SendFile(w http.ResponseWriter, r *http.Request, doc *wengao.Document, f io.ReadSeeker) {
	h := w.Header()
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	if f != nil {
		name := doc.File.Name
		h.Set("Content-Type", fileType(name))
		h.Set("Content-Security-Policy", fileCSP)
		h.Set("Content-Disposition", attachment(name))
		http.ServeContent(w, r, "", doc.UpdatedAt, f)
		return
	}
	var buf bytes.Buffer
	if err := docx.Write(&buf, generatedDocx(doc, s.SiteName(r.Context()))); err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
	h.Set("Content-Disposition", attachment(doc.Title+".docx"))
	h.Set("Content-Security-Policy", fileCSP)
	http.ServeContent(w, r, "", doc.UpdatedAt, bytes.NewReader(buf.Bytes()))
}

// fileCSP is the Content-Security-Policy of a downloaded file: should a
// browser show it after all, nothing in it runs or loads.
const fileCSP = "sandbox; default-src 'none'"

// inertTypes are the media types of uploaded files that browsers neither
// render as pages nor run.
var inertTypes = map[string]bool{
	"application/pdf": true, "application/msword": true, "text/plain": true, "text/markdown": true,
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": true,
}

// fileType returns the Content-Type of an original file named name: its
// type when inert, else application/octet-stream, so that an uploaded
// HTML or SVG page is saved, never shown on the site's origin.
func fileType(name string) string {
	ctype := mime.TypeByExtension(strings.ToLower(path.Ext(name)))
	if mt, _, err := mime.ParseMediaType(ctype); err == nil && inertTypes[mt] {
		return ctype
	}
	return "application/octet-stream"
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

// Downloadable returns document id when readers may see it, the user is
// not banned from downloading and is within the downloads a minute (an
// ETOOMANY error, with Retry-After set on w, when not).
func (s *Core) Downloadable(w http.ResponseWriter, r *http.Request, u *wengao.User, id string) (*wengao.Document, error) {
	doc, err := s.PublishedDocument(r, id)
	if err != nil {
		return nil, err
	}
	if err := s.ban(r, u, func(b wengao.Bans) time.Time { return b.DownloadUntil }, msgBannedDownload); err != nil {
		return nil, err
	}
	if err := s.allowDownload(w, r, u); err != nil {
		return nil, err
	}
	return doc, nil
}

// UploadBan returns EFORBIDDEN when the user is banned from uploading.
func (s *Core) UploadBan(r *http.Request, u *wengao.User) error {
	return s.ban(r, u, func(b wengao.Bans) time.Time { return b.UploadUntil }, msgBannedUpload)
}

// ban returns EFORBIDDEN with msg while the ban until picks holds.
func (s *Core) ban(r *http.Request, u *wengao.User, until func(wengao.Bans) time.Time, msg string) error {
	au, err := s.UserAdmin.FindAdminUser(r.Context(), u.ID)
	if err != nil {
		return err
	}
	if t := until(au.Bans); wengao.Banned(t, s.Time()) {
		return wengao.Errorf(wengao.EFORBIDDEN, msg, t.In(SiteZone).Format("2006-01-02 15:04"))
	}
	return nil
}
