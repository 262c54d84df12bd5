package site

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/gongwen"
	"github.com/wengao/wengao/http/web"
)

// documentView is a document's page.
type documentView struct {
	web.Layout
	Doc        *wengao.Document
	ReadsText  string // the placeholder for the read count
	Body       renderedBody
	Crumbs     []web.Link
	SourceText string // the source's name (wengao.ShowSource)
	SourceURL  string // the source's link, if any
	Related    []wengao.DocumentRef
	Ranking    web.RankingView
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
func (s *Handler) documentInfoFor(ctx context.Context, doc *wengao.Document, vis web.Visibility) documentInfo {
	shown, _ := vis.Visible(doc.Body)
	m := gongwen.Detect(doc.Title, shown)
	info := documentInfo{
		Issuer: doc.Author, DocNumber: m.DocNumber, Genre: m.Genre,
		Chars: wengao.BodyChars(doc.Body), Price: doc.PriceOr(s.CurrentSettings(ctx).DownloadPrice),
	}
	if info.Issuer == "" {
		info.Issuer = m.Issuer
	}
	if t, err := time.Parse(time.DateOnly, doc.Date); err == nil {
		info.Date = gongwen.FormatDate(t)
	}
	info.Downloads, _ = s.Ledger.CountDownloads(ctx, doc.ID)
	return info
}

// relatedCount is the number of related documents shown.
const relatedCount = 10

func (s *Handler) handleDocument(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	vis := s.VisibilityFor(r)
	key := s.SiteURL(r) + "\x00doc\x00" + vis.Key() + "\x00" + id
	var flushes uint64
	if s.Counter != nil {
		flushes = s.Counter.Flushes(id)
	}
	p := s.Pages.Get(key, s.Time())
	if p == nil || p.Flushes != flushes {
		var err error
		p, err = s.Pages.Render(r.Context(), key, func() (*web.CachedPage, error) { return s.renderDocument(r, id, vis, flushes) })
		if err != nil {
			s.ErrorPage(w, r, err)
			return
		}
	}
	reads := p.Reads + s.countRead(w, r, id)
	p.Serve(s.Core, w, r, s.SlotValues(r, reads, func(u *wengao.User) []byte { return s.DocumentActions(r, u, id, p.Doc) }))
}

// renderDocument renders document id's page for the cache, with a
// placeholder for its read count.
func (s *Handler) renderDocument(r *http.Request, id string, vis web.Visibility, flushes uint64) (*web.CachedPage, error) {
	ctx := context.WithoutCancel(r.Context()) // others may wait for this render
	doc, err := s.FindPublished(ctx, id)
	if err != nil {
		return nil, err
	}
	related, err := s.Documents.RelatedDocuments(ctx, id, relatedCount)
	if err != nil {
		return nil, err
	}
	path := web.DocURL(doc.ID)
	v := documentView{
		Layout:    s.NewLayout(r, doc.Title, excerpt(doc, vis, 120), path),
		Doc:       doc,
		ReadsText: web.ReadsPlaceholder,
		Body:      renderBody(doc, vis),
		Related:   related,
		Ranking:   s.SideRanking(ctx, 10),
	}
	v.OGType, v.Nav = "article", "doc"
	v.ShareURL = v.Canonical
	v.QRCodeURL = "/qr.svg?path=" + url.QueryEscape(path)
	v.SourceText, v.SourceURL = s.showSource(ctx, doc.Source)
	v.Info = s.documentInfoFor(ctx, doc, vis)
	if doc.Category != "" {
		top, _, _ := strings.Cut(doc.Category, "/")
		v.Crumbs = append(v.Crumbs, web.Link{Label: top, URL: web.CategoryURL(top)})
		if top != doc.Category {
			v.Crumbs = append(v.Crumbs, web.Link{Label: strings.TrimPrefix(doc.Category, top+"/"), URL: web.CategoryURL(doc.Category)})
		}
	}
	v.Actions = template.HTML(web.Placeholders[web.SlotActions])
	p, err := s.RenderPage(ctx, "document", v, doc.Reads, flushes)
	if p != nil {
		p.Doc = web.DocFacts{Price: doc.PriceOr(s.CurrentSettings(ctx).DownloadPrice), UploaderID: doc.UploaderID, HasPrice: doc.Price != nil}
	}
	return p, err
}

// countRead counts the request as a read of document id unless it comes
// from a crawler or a prefetch, setting the visitor cookie on a first
// visit. It returns the reads of the document not yet stored, to add to
// its stored total.
func (s *Handler) countRead(w http.ResponseWriter, r *http.Request, id string) int64 {
	if s.Counter == nil {
		return 0
	}
	if r.Method == http.MethodGet && !web.IsCrawler(r.UserAgent()) && !web.IsPrefetch(r) {
		keys, cookie := web.VisitorKeys(r)
		if cookie != "" {
			http.SetCookie(w, &http.Cookie{
				Name: web.VisitorCookie, Value: cookie, Path: "/", MaxAge: 400 * 24 * 60 * 60,
				HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.IsHTTPS(r),
			})
		}
		s.Counter.Count(id, keys...)
	}
	return s.Counter.Unsaved(id)
}
