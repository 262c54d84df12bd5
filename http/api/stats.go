package api

import (
	"net/http"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/http/web"
)

// statsJSON is the statistics as the API gives them.
type statsJSON struct {
	Days        int                          `json:"days"`
	From        string                       `json:"from"`
	To          string                       `json:"to"`
	Summary     *wengao.StatsSummary         `json:"summary"`
	Series      map[string][]wengao.DayValue `json:"series"`
	TopQueries  []wengao.QueryCount          `json:"top_queries"`
	ZeroQueries []wengao.QueryCount          `json:"zero_queries"`
}

func (s *Handler) handleAPIStats(w http.ResponseWriter, r *http.Request) {
	if s.requireModerator(w, r) == nil {
		return
	}
	ctx := r.Context()
	p := s.ParseStatsPeriod(r)
	out := statsJSON{Days: p.Days, From: p.FromDay(), To: p.ToDay()}
	var err error
	if out.Series, err = s.LoadSeries(ctx, p); err == nil {
		if out.Summary, err = s.Stats.Summary(ctx, p.From, p.To); err == nil {
			if out.TopQueries, err = s.Stats.TopQueries(ctx, p.From, p.To, web.StatsTableRows, false); err == nil {
				out.ZeroQueries, err = s.Stats.TopQueries(ctx, p.From, p.To, web.StatsTableRows, true)
			}
		}
	}
	if err != nil {
		s.JSONError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	web.WriteJSON(w, http.StatusOK, out)
}

// handleAPIStatsOff answers moderators that there are no statistics, on a
// server built without a statistics service.
func (s *Handler) handleAPIStatsOff(w http.ResponseWriter, r *http.Request) {
	if s.requireModerator(w, r) == nil {
		return
	}
	s.JSONError(w, r, wengao.Errorf(wengao.EUNAVAILABLE, web.MsgStatsOff))
}
