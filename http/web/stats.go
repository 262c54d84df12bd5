package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/wengao/wengao"
)

// The words of the statistics pages.
const (
	MsgStatsOff      = "本站暂未开放统计。"
	MsgStatsNoExport = "没有这项统计。"
)

const (
	defaultStatsDays = 30
	maxStatsDays     = 366
	// StatsTableRows is the length of the query tables on the page and in
	// the JSON; their CSV files hold up to statsExportRows.
	StatsTableRows  = 20
	StatsExportRows = 1000
)

// StatsPeriod is the span of days statistics are asked for: the last Days
// days, today included.
type StatsPeriod struct {
	Days     int
	From, To time.Time
}

// ParseStatsPeriod reads ?days=N: 1 to maxStatsDays, else the default.
func (s *Core) ParseStatsPeriod(r *http.Request) StatsPeriod {
	days, err := strconv.Atoi(r.URL.Query().Get("days"))
	if err != nil || days < 1 || days > maxStatsDays {
		days = defaultStatsDays
	}
	to := s.today()
	return StatsPeriod{Days: days, From: to.AddDate(0, 0, 1-days), To: to}
}

func (p StatsPeriod) FromDay() string { return p.From.Format(wengao.DayLayout) }

func (p StatsPeriod) ToDay() string { return p.To.Format(wengao.DayLayout) }

// LoadSeries returns the daily series of every metric over p.
func (s *Core) LoadSeries(ctx context.Context, p StatsPeriod) (map[string][]wengao.DayValue, error) {
	out := make(map[string][]wengao.DayValue, len(wengao.Metrics))
	for _, m := range wengao.Metrics {
		series, err := s.Stats.DailySeries(ctx, m, p.From, p.To)
		if err != nil {
			return nil, err
		}
		out[m] = series
	}
	return out, nil
}
