package sqlite

import (
	"context"
	"database/sql"
	"math"
	"time"
	"unicode/utf8"

	"github.com/wengao/wengao"
)

var (
	_ wengao.StatsService     = (*DB)(nil)
	_ wengao.SearchLogService = (*DB)(nil)
)

// RecordSearches adds search counts to the daily totals and to the daily
// counts of their queries, in one transaction.
func (db *DB) RecordSearches(ctx context.Context, counts []wengao.SearchCount) error {
	type key struct{ day, query string }
	type tally struct{ count, zero int64 }
	days := map[string]tally{}
	queries := map[key]tally{}
	for _, c := range counts {
		if _, err := time.Parse(wengao.DayLayout, c.Day); err != nil {
			return wengao.ErrBadDay(c.Day)
		}
		if c.Count < 1 || c.Zero < 0 || c.Zero > c.Count {
			return wengao.ErrBadSearchCount(c.Count, c.Zero)
		}
		if utf8.RuneCountInString(c.Query) > wengao.SearchQueryMaxRunes {
			return wengao.ErrSearchQueryTooLong
		}
		t := days[c.Day]
		days[c.Day] = tally{t.count + c.Count, t.zero + c.Zero}
		if c.Query != "" {
			k := key{c.Day, c.Query}
			t := queries[k]
			queries[k] = tally{t.count + c.Count, t.zero + c.Zero}
		}
	}
	if len(days) == 0 {
		return nil
	}

	tx, err := db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	addDay, err := tx.PrepareContext(ctx, `INSERT INTO search_daily (day, count, zero) VALUES (?, ?, ?)
		ON CONFLICT (day) DO UPDATE SET count = count + excluded.count, zero = zero + excluded.zero`)
	if err != nil {
		return err
	}
	defer addDay.Close()
	addQuery, err := tx.PrepareContext(ctx, `INSERT INTO search_queries_daily (day, query, count, zero) VALUES (?, ?, ?, ?)
		ON CONFLICT (day, query) DO UPDATE SET count = count + excluded.count, zero = zero + excluded.zero`)
	if err != nil {
		return err
	}
	defer addQuery.Close()
	for day, t := range days {
		if _, err := addDay.ExecContext(ctx, day, t.count, t.zero); err != nil {
			return err
		}
	}
	for k, t := range queries {
		if _, err := addQuery.ExecContext(ctx, k.day, k.query, t.count, t.zero); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// period is a span of calendar days in one location.
type period struct {
	start    time.Time // midnight starting the first day
	days     int
	from, to string // the first and last day, DayLayout
}

// newPeriod returns the days from the day of from to the day of to, in
// the location of from. It returns EINVALID for a period that ends before
// it starts or spans more than wengao.MaxStatsDays days.
func newPeriod(from, to time.Time) (period, error) {
	loc := from.Location()
	to = to.In(loc)
	start := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc)
	last := time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, loc)
	if last.Before(start) {
		return period{}, wengao.ErrStatsPeriodReversed
	}
	days := int(math.Round(last.Sub(start).Hours()/24)) + 1
	if days > wengao.MaxStatsDays {
		return period{}, wengao.ErrStatsPeriodTooLong
	}
	return period{start: start, days: days, from: start.Format(wengao.DayLayout), to: last.Format(wengao.DayLayout)}, nil
}

// day returns the i-th day of the period.
func (p period) day(i int) string { return p.start.AddDate(0, 0, i).Format(wengao.DayLayout) }

// bounds returns the period as Unix seconds: its start and its end,
// excluded.
func (p period) bounds() (int64, int64) {
	return p.start.Unix(), p.start.AddDate(0, 0, p.days).Unix()
}

// metricQuery reads a metric per day. Tables kept by calendar day are read
// with the first and last day as arguments and give (day, value) rows.
// Tables of events with Unix times are read with the period's bounds as
// ?1 and ?2 and give (day number, value) rows: the day number counts
// 86,400-second days from the start, exact in time zones without daylight
// saving time, such as China's.
type metricQuery struct {
	byDay  string
	byTime string
}

var metricQueries = map[string]metricQuery{
	wengao.MetricReads: {byDay: `SELECT day, SUM(count) FROM document_reads_daily
		WHERE day BETWEEN ? AND ? GROUP BY day`},
	wengao.MetricSearches: {byDay: `SELECT day, count FROM search_daily
		WHERE day BETWEEN ? AND ?`},
	wengao.MetricZeroSearches: {byDay: `SELECT day, zero FROM search_daily
		WHERE day BETWEEN ? AND ?`},
	wengao.MetricUploads: {byTime: `SELECT (created_at - ?1) / 86400, COUNT(*) FROM uploads
		WHERE created_at >= ?1 AND created_at < ?2 GROUP BY 1`},
	wengao.MetricApprovals: {byTime: `SELECT (reviewed_at - ?1) / 86400, COUNT(*) FROM uploads
		WHERE document_id <> '' AND reviewed_at >= ?1 AND reviewed_at < ?2 GROUP BY 1`},
	wengao.MetricDownloads: {byTime: `SELECT (created_at - ?1) / 86400, COUNT(*) FROM purchases
		WHERE created_at >= ?1 AND created_at < ?2 GROUP BY 1`},
	wengao.MetricPointsEarned: {byTime: `SELECT (created_at - ?1) / 86400, CAST(TOTAL(amount) AS INTEGER) FROM ledger
		WHERE created_at >= ?1 AND created_at < ?2 AND amount > 0 GROUP BY 1`},
	wengao.MetricPointsSpent: {byTime: `SELECT (created_at - ?1) / 86400, CAST(-TOTAL(amount) AS INTEGER) FROM ledger
		WHERE created_at >= ?1 AND created_at < ?2 AND amount < 0 GROUP BY 1`},
}

// DailySeries returns the value of a metric on each day of a period.
func (db *DB) DailySeries(ctx context.Context, metric string, from, to time.Time) ([]wengao.DayValue, error) {
	if !wengao.ValidMetric(metric) {
		return nil, wengao.ErrUnknownMetric(metric)
	}
	p, err := newPeriod(from, to)
	if err != nil {
		return nil, err
	}
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return dailySeries(ctx, tx, metric, p)
}

func dailySeries(ctx context.Context, tx *sql.Tx, metric string, p period) ([]wengao.DayValue, error) {
	out := make([]wengao.DayValue, p.days)
	index := make(map[string]int, p.days)
	for i := range out {
		out[i].Day = p.day(i)
		index[out[i].Day] = i
	}
	q := metricQueries[metric]
	var rows *sql.Rows
	var err error
	if q.byDay != "" {
		rows, err = tx.QueryContext(ctx, q.byDay, p.from, p.to)
	} else {
		start, end := p.bounds()
		rows, err = tx.QueryContext(ctx, q.byTime, start, end)
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var v int64
		if q.byDay != "" {
			var day string
			if err := rows.Scan(&day, &v); err != nil {
				return nil, err
			}
			if i, ok := index[day]; ok {
				out[i].Value += v
			}
			continue
		}
		var i int
		if err := rows.Scan(&i, &v); err != nil {
			return nil, err
		}
		if i >= 0 && i < len(out) {
			out[i].Value += v
		}
	}
	return out, rows.Err()
}

// TopQueries returns the queries searched most often in a period, or
// those that most often found nothing.
func (db *DB) TopQueries(ctx context.Context, from, to time.Time, limit int, zeroOnly bool) ([]wengao.QueryCount, error) {
	p, err := newPeriod(from, to)
	if err != nil {
		return nil, err
	}
	limit = max(1, min(limit, MaxListLimit))
	q := `SELECT query, SUM(count) AS n, SUM(zero) AS z FROM search_queries_daily
		WHERE day BETWEEN ? AND ? GROUP BY query ORDER BY n DESC, query LIMIT ?`
	if zeroOnly {
		q = `SELECT query, SUM(count) AS n, SUM(zero) AS z FROM search_queries_daily
		WHERE day BETWEEN ? AND ? AND zero > 0 GROUP BY query ORDER BY z DESC, n DESC, query LIMIT ?`
	}
	rows, err := db.read.QueryContext(ctx, q, p.from, p.to, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []wengao.QueryCount{}
	for rows.Next() {
		var c wengao.QueryCount
		if err := rows.Scan(&c.Query, &c.Count, &c.Zero); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Summary returns the totals of every metric over a period, read in one
// transaction.
func (db *DB) Summary(ctx context.Context, from, to time.Time) (*wengao.StatsSummary, error) {
	p, err := newPeriod(from, to)
	if err != nil {
		return nil, err
	}
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	s := &wengao.StatsSummary{From: p.from, To: p.to}
	for _, m := range wengao.Metrics {
		series, err := dailySeries(ctx, tx, m, p)
		if err != nil {
			return nil, err
		}
		var total int64
		for _, v := range series {
			total += v.Value
		}
		s.Set(m, total)
	}
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(DISTINCT query) FROM search_queries_daily WHERE day BETWEEN ? AND ?`,
		p.from, p.to).Scan(&s.Queries); err != nil {
		return nil, err
	}
	return s, nil
}
