package http

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/wengao/wengao"
)

// rankingView is one ranking list.
type rankingView struct {
	Period wengao.Period
	Label  string
	Docs   []wengao.RankedDocument
}

// rankingCache keeps rankings for a short while: they change slowly and
// are shown on every page.
type rankingCache struct {
	mu      sync.Mutex
	entries map[string]rankingEntry
}

type rankingEntry struct {
	docs []wengao.RankedDocument
	at   time.Time
}

const (
	rankingTTL  = 30 * time.Second
	rankingSize = 50
)

// today returns the current day as reads are counted.
func (s *Server) today() time.Time {
	if s.Counter != nil {
		return s.Counter.Today()
	}
	return s.now().In(ChinaTime)
}

// ranking returns up to n of the most read documents of a period. A
// failure is logged and shows an empty list: rankings are an aside.
func (s *Server) ranking(ctx context.Context, p wengao.Period, n int) []wengao.RankedDocument {
	if s.Reads == nil {
		return nil
	}
	since := p.Since(s.today())
	key := string(p) + since
	now := s.now()
	s.rankings.mu.Lock()
	e, ok := s.rankings.entries[key]
	s.rankings.mu.Unlock()
	if !ok || now.Sub(e.at) > rankingTTL {
		docs, err := s.Reads.TopDocuments(ctx, wengao.RankFilter{Since: since, Limit: rankingSize})
		if err != nil {
			s.Logger.Error("ranking", "id", RequestID(ctx), "period", p, "err", err)
			return nil
		}
		e = rankingEntry{docs: docs, at: now}
		s.rankings.mu.Lock()
		if s.rankings.entries == nil || len(s.rankings.entries) > 16 {
			s.rankings.entries = map[string]rankingEntry{}
		}
		s.rankings.entries[key] = e
		s.rankings.mu.Unlock()
	}
	return e.docs[:min(n, len(e.docs))]
}

// sideRanking is the ranking of the side lists: the last seven days, or
// all time while the week has too few reads.
func (s *Server) sideRanking(ctx context.Context, n int) rankingView {
	docs := s.ranking(ctx, wengao.PeriodWeek, n)
	p := wengao.PeriodWeek
	if len(docs) < n {
		if all := s.ranking(ctx, wengao.PeriodAll, n); len(all) > len(docs) {
			docs, p = all, wengao.PeriodAll
		}
	}
	return rankingView{Period: p, Label: periodLabels[p], Docs: docs}
}

// rankView is the ranking page.
type rankView struct {
	layout
	Period wengao.Period
	Tabs   []link
	Docs   []wengao.RankedDocument
}

func (s *Server) handleRank(w http.ResponseWriter, r *http.Request) {
	p, ok := wengao.ParsePeriod(r.URL.Query().Get("period"))
	if !ok {
		p = wengao.PeriodWeek
	}
	path := "/rank"
	if p != wengao.PeriodWeek {
		path += "?period=" + string(p)
	}
	v := rankView{layout: s.newLayout(r, "文章排行 · "+periodLabels[p], "文稿库阅读量排行：今日、7日与总榜。", path), Period: p}
	v.Nav = "rank"
	for _, q := range wengao.Periods {
		u := "/rank"
		if q != wengao.PeriodWeek {
			u += "?period=" + string(q)
		}
		v.Tabs = append(v.Tabs, link{Label: periodLabels[q], URL: u, Current: q == p})
	}
	s.renderCached(w, r, "rank\x00"+string(p), func() (string, any, error) {
		v.Docs = s.ranking(context.WithoutCancel(r.Context()), p, rankingSize)
		return "rank", v, nil
	})
}
