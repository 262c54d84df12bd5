package wengao

import (
	"context"
	"time"
)

// DayLayout is the layout of a calendar day as reads are counted and
// ranked: "2006-01-02".
const DayLayout = time.DateOnly

// Period names a span of days that reads are ranked over.
type Period string

const (
	PeriodToday Period = "today" // the current day only
	PeriodWeek  Period = "7d"    // the current day and the six before it
	PeriodAll   Period = "all"   // every read ever counted
)

// Periods lists the ranking periods in the order they are shown.
var Periods = []Period{PeriodToday, PeriodWeek, PeriodAll}

// ParsePeriod returns the period named s, or false when s names none.
func ParsePeriod(s string) (Period, bool) {
	switch p := Period(s); p {
	case PeriodToday, PeriodWeek, PeriodAll:
		return p, true
	}
	return "", false
}

// Since returns the first day (DayLayout) that the period counts when the
// current day is today, or "" for PeriodAll.
func (p Period) Since(today time.Time) string {
	switch p {
	case PeriodToday:
		return today.Format(DayLayout)
	case PeriodWeek:
		return today.AddDate(0, 0, -6).Format(DayLayout)
	}
	return ""
}

// Read is a number of counted reads of one document on one day.
type Read struct {
	DocumentID string
	Day        string // DayLayout
	Count      int64
}

// RankedDocument is a document in a ranking, with its reads over the
// ranking's period.
type RankedDocument struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Date  string `json:"date,omitempty"`
	Reads int64  `json:"reads"`
}

// RankFilter selects the reads that a ranking counts.
type RankFilter struct {
	// Since is the first day counted (DayLayout); "" counts all time.
	Since string
	Limit int
}

// ReadService counts reads of documents and ranks documents by them.
type ReadService interface {
	// RecordReads adds a batch of reads, in one transaction, to the daily
	// counts and to each document's all-time total. Reads of documents
	// that no longer exist are dropped. Returns EINVALID for a read with a
	// malformed day or a count below one.
	RecordReads(ctx context.Context, reads []Read) error

	// TopDocuments returns up to filter.Limit documents with the most
	// reads since filter.Since, most read first; documents without reads
	// in the period are left out. Returns EINVALID for a malformed day.
	TopDocuments(ctx context.Context, filter RankFilter) ([]RankedDocument, error)
}

// DocumentSummary is a document without its text, as listed on the site.
type DocumentSummary struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Date      string    `json:"date"`
	Category  string    `json:"category"`
	Reads     int64     `json:"reads"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Summary is the opening of the text, filled only when asked for.
	Summary string `json:"summary,omitempty"`
}

// DocumentOrder orders a document listing.
type DocumentOrder string

const (
	OrderDate  DocumentOrder = "date"  // newest document date first, undated last
	OrderAdded DocumentOrder = "added" // most recently added to the library first
	OrderID    DocumentOrder = "id"    // in import order: stable, for paging through all
)

// DocumentListFilter selects a page of a document listing.
type DocumentListFilter struct {
	Order  DocumentOrder
	Offset int
	Limit  int
	// Category, when set, lists the documents of that category alone,
	// newest first (OrderDate only): a top-level name ("报告") takes in
	// its sub-categories ("报告/政府工作报告"). The number returned is
	// the category's.
	Category string
	// SummaryRunes, when positive, fills each summary with about that many
	// characters of the text.
	SummaryRunes int
	// Preview, when set, takes summaries from the preview of each text
	// alone, for visitors who may not read the rest.
	Preview *PreviewRule
}

// CategoryCount is a category (one or two levels, "报告" or
// "报告/政府工作报告") and the number of documents under it.
type CategoryCount struct {
	Path  string `json:"path"`
	Count int    `json:"count"`
	// Children are the second-level categories of a top-level one.
	Children []CategoryCount `json:"children,omitempty"`
}

// BrowseService lists documents without a query: the newest, every
// category, and the whole library page by page for sitemaps.
type BrowseService interface {
	// ListDocuments returns one page of all documents in the given order,
	// and the number of documents. Returns EINVALID for an unknown order
	// or a negative offset.
	ListDocuments(ctx context.Context, filter DocumentListFilter) ([]DocumentSummary, int, error)

	// ListDocumentSlice returns the documents of the n-th (1-based) slice
	// of the library cut by storage key into runs of size keys, in key
	// order, and the number of slices. A slice never moves as documents
	// come and go (it may hold fewer than size, or none), so that each is
	// read by key: a sitemap file. Returns EINVALID for n or size below 1.
	ListDocumentSlice(ctx context.Context, n, size int) ([]DocumentSummary, int, error)

	// Categories returns the top-level categories, most documents first,
	// each with its second-level categories. Documents without a category
	// are not counted.
	Categories(ctx context.Context) ([]CategoryCount, error)
}

// VisitorRead is a read of a document on a day by a visitor known by
// keys: a cookie id, a hash of address and browser, or both for a first
// visit.
type VisitorRead struct {
	DocumentID string
	Day        string // DayLayout
	Keys       []string
}

// VisitorReads remembers which visitors read which document each day for
// all the instances sharing a store, so that a visitor moving between
// instances is counted once, as one instance counts them in memory.
type VisitorReads interface {
	// FirstReads records reads and reports, for each, whether it is the
	// first of its document that day by all of its keys on any instance:
	// false when any of the keys read it before, including earlier in
	// reads. The keys are stored as hashes keyed by a random salt of the
	// day; a day's records and salt are deleted once the next day is
	// over. Returns EINVALID for a malformed day.
	FirstReads(ctx context.Context, reads []VisitorRead) ([]bool, error)
}
