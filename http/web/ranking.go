package web

import (
	"context"
	"sync"
	"time"

	"github.com/wengao/wengao"
)

// RankingView is one ranking list.
type RankingView struct {
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
	RankingSize = 50
)

// today returns the current day as reads are counted.
func (s *Core) today() time.Time {
	if s.Counter != nil {
		return s.Counter.Today()
	}
	return s.Time().In(ChinaTime)
}

// Ranking returns up to n of the most read documents of a period. A
// failure is logged and shows an empty list: rankings are an aside.
func (s *Core) Ranking(ctx context.Context, p wengao.Period, n int) []wengao.RankedDocument {
	if s.Reads == nil {
		return nil
	}
	since := p.Since(s.today())
	key := string(p) + since
	now := s.Time()
	s.rankings.mu.Lock()
	e, ok := s.rankings.entries[key]
	s.rankings.mu.Unlock()
	if !ok || now.Sub(e.at) > rankingTTL {
		docs, err := s.Reads.TopDocuments(ctx, wengao.RankFilter{Since: since, Limit: RankingSize})
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

// SideRanking is the ranking of the side lists: the last seven days, or
// all time while the week has too few reads.
func (s *Core) SideRanking(ctx context.Context, n int) RankingView {
	docs := s.Ranking(ctx, wengao.PeriodWeek, n)
	p := wengao.PeriodWeek
	if len(docs) < n {
		if all := s.Ranking(ctx, wengao.PeriodAll, n); len(all) > len(docs) {
			docs, p = all, wengao.PeriodAll
		}
	}
	return RankingView{Period: p, Label: PeriodLabels[p], Docs: docs}
}

// RankView is the ranking page.
type RankView struct {
	Layout
	Period wengao.Period
	Tabs   []Link
	Docs   []wengao.RankedDocument
}
