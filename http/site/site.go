package site

import (
	"context"
	"html/template"
	"net/http"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/http/web"
)

// homeView is the home page.
type homeView struct {
	web.Layout
	Total      int
	Latest     []wengao.DocumentSummary
	Categories []wengao.CategoryCount
	Rankings   []web.RankingView
}

func (s *Handler) handleHome(w http.ResponseWriter, r *http.Request) {
	s.RenderCached(w, r, "home", func() (string, any, error) {
		ctx := context.WithoutCancel(r.Context()) // others may wait for this render
		latest, total, err := s.Browse.ListDocuments(ctx, wengao.DocumentListFilter{Order: wengao.OrderDate, Limit: 12})
		if err != nil {
			return "", nil, err
		}
		cats, err := s.Browse.Categories(ctx)
		if err != nil {
			return "", nil, err
		}
		v := homeView{Layout: s.NewLayout(r, "", web.SiteDescription, "/"), Total: total, Latest: latest, Categories: cats}
		v.Nav = "home"
		for _, p := range wengao.Periods {
			v.Rankings = append(v.Rankings, web.RankingView{Period: p, Label: web.PeriodLabels[p], Docs: s.Ranking(ctx, p, 10)})
		}
		return "home", v, nil
	})
}

// aboutView is the about page.
type aboutView struct {
	web.Layout
	Total       int
	Attribution template.HTML
}

func (s *Handler) handleAbout(w http.ResponseWriter, r *http.Request) {
	_, total, err := s.Browse.ListDocuments(r.Context(), wengao.DocumentListFilter{Limit: 1})
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	v := aboutView{Layout: s.NewLayout(r, "关于本站", "关于文稿库：收录范围、检索方法与文稿来源。", "/about"), Total: total, Attribution: markdownHTML(s.Attribution)}
	v.Nav = "about"
	s.Render(w, r, http.StatusOK, "about", v)
}

func (s *Handler) handleContact(w http.ResponseWriter, r *http.Request) {
	v := struct {
		web.Layout
		Contact string
	}{s.NewLayout(r, "联系我们", "联系文稿库的运营者：反馈问题、投诉与版权事宜。", "/contact"), s.Contact}
	v.Nav = "contact"
	s.Render(w, r, http.StatusOK, "contact", v)
}
