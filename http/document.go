package http

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/gongwen"
)

// documentView is a document's page.
type documentView struct {
	layout
	Doc        *wengao.Document
	ReadsText  string // the placeholder for the read count
	Body       renderedBody
	Crumbs     []link
	SourceText string // the source's name (wengao.ShowSource)
	SourceURL  string // the source's link, if any
	Related    []wengao.DocumentRef
	Ranking    rankingView
	ShareURL   string
	QRCodeURL  string
	Actions    template.HTML // the slot for the visitor's buttons
	Info       documentInfo
}

// documentInfo is the box of a 公文's particulars on its page.
type documentInfo struct {
	Issuer    string // 发文机关
	DocNumber string // 发文字号
	Date      string // 成文日期, "2019年1月27日"
	Genre     string // 文种
	Chars     int    // 字数
	Price     int64  // the download price in points
	Downloads int    // download rights granted
}

// documentInfoFor gathers the particulars of doc shown to a visitor who
// may read what vis allows: those that package gongwen reads off the
// text are read off the visible part only, so that the box tells nothing
// of the text past a preview.
func (s *Server) documentInfoFor(ctx context.Context, doc *wengao.Document, vis visibility) documentInfo {
	shown, _ := vis.visible(doc.Body)
	m := gongwen.Detect(doc.Title, shown)
	info := documentInfo{
		Issuer: doc.Author, DocNumber: m.DocNumber, Genre: m.Genre,
		Chars: wengao.BodyChars(doc.Body), Price: doc.PriceOr(s.settings(ctx).DownloadPrice),
	}
	if info.Issuer == "" {
		info.Issuer = m.Issuer
	}
	if t, err := time.Parse(time.DateOnly, doc.Date); err == nil {
		info.Date = gongwen.FormatDate(t)
	}
	if s.Ledger != nil {
		info.Downloads, _ = s.Ledger.CountDownloads(ctx, doc.ID)
	}
	return info
}

// relatedCount is the number of related documents shown.
const relatedCount = 10

func (s *Server) handleDocument(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	vis := s.visibilityFor(r)
	key := s.baseURL(r) + "\x00doc\x00" + vis.key() + "\x00" + id
	var flushes uint64
	if s.Counter != nil {
		flushes = s.Counter.Flushes(id)
	}
	p := s.pages.get(key, s.now())
	if p == nil || p.flushes != flushes {
		var err error
		p, err = s.pages.render(r.Context(), key, func() (*cachedPage, error) { return s.renderDocument(r, id, vis, flushes) })
		if err != nil {
			s.errorPage(w, r, err)
			return
		}
	}
	reads := p.reads + s.countRead(w, r, id)
	p.serve(s, w, r, s.slotValues(r, reads, func(u *wengao.User) []byte { return s.documentActions(r, u, id, p.doc) }))
}

// renderDocument renders document id's page for the cache, with a
// placeholder for its read count.
func (s *Server) renderDocument(r *http.Request, id string, vis visibility, flushes uint64) (*cachedPage, error) {
	ctx := context.WithoutCancel(r.Context()) // others may wait for this render
	doc, err := s.findPublished(ctx, id)
	if err != nil {
		return nil, err
	}
	related, err := s.Documents.RelatedDocuments(ctx, id, relatedCount)
	if err != nil {
		return nil, err
	}
	path := docURL(doc.ID)
	v := documentView{
		layout:    s.newLayout(r, doc.Title, excerpt(doc, vis, 120), path),
		Doc:       doc,
		ReadsText: readsPlaceholder,
		Body:      renderBody(doc, vis),
		Related:   related,
		Ranking:   s.sideRanking(ctx, 10),
	}
	v.OGType, v.Nav = "article", "doc"
	v.ShareURL = v.Canonical
	v.QRCodeURL = "/qr.svg?path=" + url.QueryEscape(path)
	v.SourceText, v.SourceURL = s.showSource(ctx, doc.Source)
	v.Info = s.documentInfoFor(ctx, doc, vis)
	if doc.Category != "" {
		top, _, _ := strings.Cut(doc.Category, "/")
		v.Crumbs = append(v.Crumbs, link{Label: top, URL: categoryURL(top)})
		if top != doc.Category {
			v.Crumbs = append(v.Crumbs, link{Label: strings.TrimPrefix(doc.Category, top+"/"), URL: categoryURL(doc.Category)})
		}
	}
	v.Actions = template.HTML(placeholders[slotActions])
	p, err := s.renderPage(ctx, "document", v, doc.Reads, flushes)
	if p != nil {
		p.doc = docFacts{Price: doc.PriceOr(s.settings(ctx).DownloadPrice), UploaderID: doc.UploaderID, HasPrice: doc.Price != nil}
	}
	return p, err
}

// countRead counts the request as a read of document id unless it comes
// from a crawler or a prefetch, setting the visitor cookie on a first
// visit. It returns the reads of the document not yet stored, to add to
// its stored total.
func (s *Server) countRead(w http.ResponseWriter, r *http.Request, id string) int64 {
	if s.Counter == nil {
		return 0
	}
	if r.Method == http.MethodGet && !isCrawler(r.UserAgent()) && !isPrefetch(r) {
		keys, cookie := visitorKeys(r)
		if cookie != "" {
			http.SetCookie(w, &http.Cookie{
				Name: visitorCookie, Value: cookie, Path: "/", MaxAge: 400 * 24 * 60 * 60,
				HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.isHTTPS(r),
			})
		}
		s.Counter.Count(id, keys...)
	}
	return s.Counter.Unsaved(id)
}

// findPublished returns the document when readers may see it: ELEGAL
// while it is hidden, ENOTFOUND once deleted.
func (s *Server) findPublished(ctx context.Context, id string) (*wengao.Document, error) {
	doc, err := s.Documents.FindDocumentByID(ctx, id)
	if err != nil {
		return nil, err
	}
	switch doc.Status {
	case "", wengao.DocPublished:
		return doc, nil
	case wengao.DocHidden:
		return nil, wengao.Errorf(wengao.ELEGAL, msgDocumentHidden)
	}
	return nil, wengao.Errorf(wengao.ENOTFOUND, msgDocumentGone)
}

// publishedDocument is findPublished for a request.
func (s *Server) publishedDocument(r *http.Request, id string) (*wengao.Document, error) {
	return s.findPublished(r.Context(), id)
}
