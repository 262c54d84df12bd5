package wengao

import (
	"context"
	"time"
)

// Metrics that StatsService.DailySeries counts per day.
const (
	MetricReads        = "reads"         // document reads, as the read counter counts them
	MetricSearches     = "searches"      // searches with a query, by people (not crawlers)
	MetricZeroSearches = "zero_searches" // searches that found nothing
	MetricUploads      = "uploads"       // files received, whatever became of them
	MetricApprovals    = "approvals"     // uploads approved and published, by day of review
	MetricDownloads    = "downloads"     // download rights granted (paid or free); re-downloads within their validity are not counted
	MetricPointsEarned = "points_earned" // points credited: sign-up, sign-in, upload rewards, refunds, positive adjustments
	MetricPointsSpent  = "points_spent"  // points debited: downloads, negative adjustments
)

// Metrics lists the metrics in the order they are shown.
var Metrics = []string{
	MetricReads, MetricSearches, MetricZeroSearches, MetricUploads,
	MetricApprovals, MetricDownloads, MetricPointsEarned, MetricPointsSpent,
}

// ValidMetric reports whether m names one of the metrics.
func ValidMetric(m string) bool {
	for _, x := range Metrics {
		if x == m {
			return true
		}
	}
	return false
}

// SearchQueryMaxRunes bounds the length of a logged search query; longer
// queries are cut.
const SearchQueryMaxRunes = 100

// MaxStatsDays bounds the span of days a statistics request covers.
const MaxStatsDays = 3660

// SearchCount is a number of searches on one day (DayLayout, in the
// site's time zone) for one normalised query, and how many of them found
// nothing. An empty Query counts towards the day's totals only: the
// search log keeps the totals of queries it had no room for that way.
type SearchCount struct {
	Day   string
	Query string
	Count int64
	Zero  int64 // searches without a hit, at most Count
}

// SearchLogService keeps the search log: searches per day and query.
type SearchLogService interface {
	// RecordSearches adds a batch of search counts, in one transaction, to
	// the daily totals and, for those with a query, to the daily counts of
	// their query. Returns EINVALID for a malformed day, a count below
	// one, a zero count outside 0..Count or a query longer than
	// SearchQueryMaxRunes.
	RecordSearches(ctx context.Context, counts []SearchCount) error
}

// DayValue is the value of a metric on one day (DayLayout).
type DayValue struct {
	Day   string `json:"day"`
	Value int64  `json:"value"`
}

// QueryCount is a query with the number of times it was searched over a
// period and how many of those searches found nothing.
type QueryCount struct {
	Query string `json:"query"`
	Count int64  `json:"count"`
	Zero  int64  `json:"zero"`
}

// StatsSummary holds the totals of each metric over a period.
type StatsSummary struct {
	From         string `json:"from"` // first day, DayLayout
	To           string `json:"to"`   // last day, DayLayout
	Reads        int64  `json:"reads"`
	Searches     int64  `json:"searches"`
	ZeroSearches int64  `json:"zero_searches"`
	Uploads      int64  `json:"uploads"`
	Approvals    int64  `json:"approvals"`
	Downloads    int64  `json:"downloads"`
	PointsEarned int64  `json:"points_earned"`
	PointsSpent  int64  `json:"points_spent"`
	// Queries is the number of distinct queries searched.
	Queries int64 `json:"queries"`
}

// Set sets the total of metric m; it ignores unknown metrics.
func (s *StatsSummary) Set(m string, v int64) {
	switch m {
	case MetricReads:
		s.Reads = v
	case MetricSearches:
		s.Searches = v
	case MetricZeroSearches:
		s.ZeroSearches = v
	case MetricUploads:
		s.Uploads = v
	case MetricApprovals:
		s.Approvals = v
	case MetricDownloads:
		s.Downloads = v
	case MetricPointsEarned:
		s.PointsEarned = v
	case MetricPointsSpent:
		s.PointsSpent = v
	}
}

// StatsService gives operators statistics of the site by day.
//
// A period runs from the calendar day of from to the calendar day of to,
// both included, each taken in the location of the time given (the site
// counts days in China time). It may span at most MaxStatsDays days.
type StatsService interface {
	// DailySeries returns the value of metric on each day of the period,
	// oldest first, with a zero for days without any. Returns EINVALID
	// for an unknown metric or a period that ends before it starts or is
	// too long.
	DailySeries(ctx context.Context, metric string, from, to time.Time) ([]DayValue, error)

	// TopQueries returns up to limit of the queries searched most often in
	// the period, most searched first; with zeroOnly, the queries whose
	// searches found nothing, most such searches first. Returns EINVALID
	// for a bad period.
	TopQueries(ctx context.Context, from, to time.Time, limit int, zeroOnly bool) ([]QueryCount, error)

	// Summary returns the totals of every metric over the period. Returns
	// EINVALID for a bad period.
	Summary(ctx context.Context, from, to time.Time) (*StatsSummary, error)
}
