package site

import (
	"context"
	"net/http"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/http/web"
)

func (s *Handler) handleRank(w http.ResponseWriter, r *http.Request) {
	p, ok := wengao.ParsePeriod(r.URL.Query().Get("period"))
	if !ok {
		p = wengao.PeriodWeek
	}
	path := "/rank"
	if p != wengao.PeriodWeek {
		path += "?period=" + string(p)
	}
	v := web.RankView{Layout: s.NewLayout(r, "文章排行 · "+web.PeriodLabels[p], "文稿库阅读量排行：今日、7日与总榜。", path), Period: p}
	v.Nav = "rank"
	for _, q := range wengao.Periods {
		u := "/rank"
		if q != wengao.PeriodWeek {
			u += "?period=" + string(q)
		}
		v.Tabs = append(v.Tabs, web.Link{Label: web.PeriodLabels[q], URL: u, Current: q == p})
	}
	s.RenderCached(w, r, "rank\x00"+string(p), func() (string, any, error) {
		v.Docs = s.Ranking(context.WithoutCancel(r.Context()), p, web.RankingSize)
		return "rank", v, nil
	})
}
