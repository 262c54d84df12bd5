// Package wengao holds the domain of the wengao manuscript library: the
// document, search and import types and the service interfaces that the
// storage, HTTP and command-line packages implement or consume. It imports
// nothing else of this module.
package wengao

import (
	"context"
	"strconv"
	"time"
)

// Document is one piece of official writing held by the library.
type Document struct {
	// ID is the external identifier, kept from the import (or generated).
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Date     string   `json:"date"`     // YYYY-MM-DD or "" when unknown
	Category string   `json:"category"` // two levels: "报告/政府工作报告"
	Tags     []string `json:"tags,omitempty"`
	Source   string   `json:"source"`
	Author   string   `json:"author,omitempty"` // issuing organisation or author where known
	// Body holds the paragraphs of the text in their original form.
	Body      []string      `json:"body"`
	Outline   []OutlineItem `json:"outline"`
	Hash      string        `json:"hash"` // hex sha256 of the normalised title and body
	Reads     int64         `json:"reads"`
	CreatedAt time.Time     `json:"created_at"`
	UpdatedAt time.Time     `json:"updated_at"`

	// Price is the document's download price in points; nil means the
	// site's default (Settings.DownloadPrice).
	Price *int64 `json:"-"`
	// UploaderID is the user who uploaded the document; 0 for imports.
	// Uploaders download their own documents free.
	UploaderID int64 `json:"-"`
	// File is the original file the text was taken from, if kept.
	File *SourceFile `json:"file,omitempty"`
	// Status is DocPublished, DocHidden or DocDeleted ("" is published);
	// StatusReason says why a document is not published.
	Status       string `json:"-"`
	StatusReason string `json:"-"`
}

// Published reports whether the document may be shown to readers.
func (d *Document) Published() bool { return d.Status == "" || d.Status == DocPublished }

// SourceFile is an original file kept in the blob store.
type SourceFile struct {
	Key  string `json:"-"`    // hex sha256 of the content: its key in the blob store
	Name string `json:"name"` // the file name as uploaded
	Size int64  `json:"size"`
}

// PriceOr returns the document's price, or def when it has none of its own.
func (d *Document) PriceOr(def int64) int64 {
	if d.Price != nil {
		return *d.Price
	}
	return def
}

// Year returns the year of the document's date, or 0 when it has none.
func (d *Document) Year() int { return YearOf(d.Date) }

// YearOf parses the year of a YYYY-MM-DD date; it returns 0 when absent.
func YearOf(date string) int {
	if len(date) < 4 {
		return 0
	}
	y := 0
	for i := 0; i < 4; i++ {
		c := date[i]
		if c < '0' || c > '9' {
			return 0
		}
		y = y*10 + int(c-'0')
	}
	return y
}

// OutlineItem is one heading of a document's 公文 structure
// (第一章, 一、, （一）, 1., （1）…).
type OutlineItem struct {
	Level     int    `json:"level"`     // 1 is the outermost level present in the document
	Marker    string `json:"marker"`    // the numbering as written: "一、", "（二）", "第三章"
	Text      string `json:"text"`      // the heading text, without the marker
	Paragraph int    `json:"paragraph"` // index into Body
}

// DocumentRef names a document by id and title, as in related-reading lists.
type DocumentRef struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Date  string `json:"date,omitempty"`
}

// ImportOutcome says what an import did with one record.
type ImportOutcome int

const (
	Imported  ImportOutcome = iota // a new document
	Updated                        // an existing id whose content changed
	Unchanged                      // an existing id with the same content
	Duplicate                      // same normalised title and body as another id
)

func (o ImportOutcome) String() string {
	switch o {
	case Imported:
		return "imported"
	case Updated:
		return "updated"
	case Unchanged:
		return "unchanged"
	case Duplicate:
		return "duplicate"
	}
	return "unknown"
}

// ImportResult is the outcome for one document of a batch.
type ImportResult struct {
	ID      string
	Outcome ImportOutcome
	// DuplicateOf names the existing document when Outcome is Duplicate.
	DuplicateOf string
	// NearDuplicateOf names, when Outcome is Imported or Updated, the most
	// similar other document held before this one was saved, if it is at
	// least NearDuplicateThreshold similar; Similarity is how similar. The
	// document is saved all the same.
	NearDuplicateOf string
	Similarity      float64
}

// DocumentService stores documents and their search index.
type DocumentService interface {
	// FindDocumentByID returns the document with the given external id.
	// Returns ENOTFOUND when there is none.
	FindDocumentByID(ctx context.Context, id string) (*Document, error)

	// SaveDocuments writes a batch of documents in one transaction: each is
	// imported, updated, left unchanged or skipped as an exact duplicate.
	// The search index is written in the same transaction. Returns EINVALID
	// for a document without title or body.
	SaveDocuments(ctx context.Context, docs []*Document) ([]ImportResult, error)

	// RelatedDocuments returns up to n documents most related to the given
	// one, never itself nor an exact duplicate of it.
	RelatedDocuments(ctx context.Context, id string, n int) ([]DocumentRef, error)

	// CountDocuments returns the number of documents held.
	CountDocuments(ctx context.Context) (int, error)
}

// Sort orders search results.
type Sort string

const (
	SortRelevance Sort = "relevance"
	SortDate      Sort = "date"
	SortReads     Sort = "reads"
)

// SearchRequest is a query as typed by a user plus the page wanted.
type SearchRequest struct {
	Query    string // the user's query string, with inline filters
	Category string // optional category prefix filter, in addition to the query's
	Sort     Sort
	Page     int // 1-based
	Limit    int
	// Preview, when set, builds snippets from the preview of each text
	// alone, for visitors who may not read the rest.
	Preview *PreviewRule
	// Strict turns off approximate results: only documents holding every
	// word are listed (the "strict query" a page offers after
	// approximate results).
	Strict bool
}

// SearchHit is one document found.
type SearchHit struct {
	ID       string  `json:"id"`
	Title    string  `json:"title"`
	Date     string  `json:"date"`
	Category string  `json:"category"`
	Score    float64 `json:"score"`
	// Snippet is HTML: the original text, escaped, with the matched words
	// wrapped in <mark>.
	Snippet string `json:"snippet"`
	// TitleHTML is the title, escaped, with matched words in <mark>.
	TitleHTML string `json:"title_html,omitempty"`
	Reads     int64  `json:"reads"`
	// Approximate marks a hit that holds only part of the query: see
	// SearchResult.ApproximateHits.
	Approximate bool `json:"approximate,omitempty"`
	// Anchor, for a query naming an article (劳动法 第36条), is the id of
	// that article's paragraph on the document page (ParagraphAnchor); the
	// snippet is then that article. Empty otherwise.
	Anchor string `json:"anchor,omitempty"`
}

// ParagraphAnchor returns the id of the element of paragraph i (0-based,
// in Document.Body) on a document page, which outline links and search
// hits (SearchHit.Anchor) point at.
func ParagraphAnchor(i int) string { return "p" + strconv.Itoa(i) }

// FacetCount is the number of hits having one value of a facet.
type FacetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Facets count the hits (before pagination) by category and by year.
type Facets struct {
	Category    []FacetCount `json:"category"`
	CategoryTop []FacetCount `json:"category_top"`
	Year        []FacetCount `json:"year"`
}

// SearchResult is a page of hits plus the totals of the whole result.
type SearchResult struct {
	Total int `json:"total"`
	// TotalEstimated says that Total and the facet counts are estimates,
	// made from a sample of the library when a query matches too many
	// documents to count them all (shown as "约 12 万篇").
	TotalEstimated bool        `json:"total_estimated"`
	Page           int         `json:"page"`
	Limit          int         `json:"limit"`
	Hits           []SearchHit `json:"hits"`
	Facets         Facets      `json:"facets"`
	TookMS         float64     `json:"took_ms"`
	// ApproximateHits, when the exact query found no document (Total 0,
	// no Hits), are the documents whose titles hold much of it, best
	// first, each marked SearchHit.Approximate: a remembered title with
	// the issuer left out or a word changed. A page shows them under
	// "没有完全匹配的结果，以下是相近的文稿" and offers StrictQuery, to run
	// with SearchRequest.Strict (which lists none). A query of quoted
	// phrases alone gets none.
	ApproximateHits []SearchHit `json:"approximate_hits,omitempty"`
	StrictQuery     string      `json:"strict_query,omitempty"`
	// Suggestions, for a query with no exact match, are queries that
	// would find something: the titles that nearly match it.
	Suggestions []string `json:"suggestions,omitempty"`
}

// SearchService answers queries.
type SearchService interface {
	// Search runs a query. It never returns an error for what a user can
	// type; EINVALID only for out-of-range pagination.
	Search(ctx context.Context, req SearchRequest) (*SearchResult, error)
}
