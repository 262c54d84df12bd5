package web

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/chinese"
)

// SearchLog counts the searches people make, by day and query, for the
// operators' statistics: how often each query is searched and how often
// it finds nothing. Searches are buffered in memory and written through
// the SearchLogService every Interval and on Close, in one transaction
// each time, so that a search never waits on a write and a graceful stop
// loses nothing.
//
// Queries are kept as typed (trimmed and cut) while buffered, and
// normalised when written: the same normalisation as searching, with
// white space collapsed.
type SearchLog struct {
	Store    wengao.SearchLogService
	Interval time.Duration
	Logger   *slog.Logger
	// Now returns the current time; days are taken in Location.
	Now      func() time.Time
	Location *time.Location
	// MaxQueries bounds the (day, query) pairs buffered between flushes;
	// past it, searches count towards their day's totals only.
	MaxQueries int

	mu       sync.Mutex
	day      string // the current day, DayLayout
	dayEnd   time.Time
	pending  map[searchKey]searchTally
	overflow map[string]searchTally // by day: searches without room for their query
	hits     hitsMemory

	flushMu sync.Mutex // one flush at a time
	stop    chan struct{}
	done    chan struct{}
}

type searchKey struct{ day, query string }

type searchTally struct{ count, zero int64 }

func (t searchTally) add(u searchTally) searchTally {
	return searchTally{t.count + u.count, t.zero + u.zero}
}

// NewSearchLog returns a search log writing to store every five seconds.
func NewSearchLog(store wengao.SearchLogService) *SearchLog {
	return &SearchLog{
		Store:      store,
		Interval:   5 * time.Second,
		Logger:     slog.Default(),
		Now:        time.Now,
		Location:   ChinaTime,
		MaxQueries: 50000,
		pending:    map[searchKey]searchTally{},
		overflow:   map[string]searchTally{},
	}
}

// Record counts a search for query that found hits documents. Empty
// queries are not counted.
func (l *SearchLog) Record(query string, hits int) {
	query = cutQuery(query)
	if query == "" {
		return
	}
	now := l.Now()
	t := searchTally{count: 1}
	if hits <= 0 {
		t.zero = 1
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.day == "" || !now.Before(l.dayEnd) {
		d := now.In(l.Location)
		l.day = d.Format(wengao.DayLayout)
		l.dayEnd = time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, l.Location)
	}
	k := searchKey{l.day, query}
	old, ok := l.pending[k]
	if !ok {
		if len(l.pending) >= l.MaxQueries {
			l.overflow[l.day] = l.overflow[l.day].add(t)
			return
		}
		// The query may be part of a larger string: keep a copy alone.
		k.query = strings.Clone(query)
	}
	l.pending[k] = old.add(t)
}

// cutQuery trims query and cuts it to wengao.SearchQueryMaxRunes
// characters, without allocating.
func cutQuery(query string) string {
	query = strings.TrimSpace(query)
	n := 0
	for i := range query {
		if n == wengao.SearchQueryMaxRunes {
			return strings.TrimSpace(query[:i])
		}
		n++
	}
	return query
}

// normalizeQuery returns the form a query is logged in: valid UTF-8,
// normalised as searches are (full-width to half-width, Latin lower case,
// traditional to simplified characters), control characters and runs of
// white space made one space, at most wengao.SearchQueryMaxRunes
// characters.
func normalizeQuery(query string) string {
	query = strings.ToValidUTF8(query, "")
	query = chinese.Normalize(query)
	query = strings.Join(strings.FieldsFunc(query, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
	if utf8.RuneCountInString(query) > wengao.SearchQueryMaxRunes {
		query = strings.TrimSpace(string([]rune(query)[:wengao.SearchQueryMaxRunes]))
	}
	return query
}

// take returns what is buffered and empties the buffers.
func (l *SearchLog) take() (map[searchKey]searchTally, map[string]searchTally) {
	l.mu.Lock()
	defer l.mu.Unlock()
	pending, overflow := l.pending, l.overflow
	l.pending, l.overflow = make(map[searchKey]searchTally, len(pending)), map[string]searchTally{}
	return pending, overflow
}

// putBack returns counts that could not be written to the buffers.
func (l *SearchLog) putBack(pending map[searchKey]searchTally, overflow map[string]searchTally) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for k, t := range pending {
		if _, ok := l.pending[k]; !ok && len(l.pending) >= l.MaxQueries {
			l.overflow[k.day] = l.overflow[k.day].add(t)
			continue
		}
		l.pending[k] = l.pending[k].add(t)
	}
	for day, t := range overflow {
		l.overflow[day] = l.overflow[day].add(t)
	}
}

// Flush writes the buffered searches to the store. On failure they stay
// buffered for the next flush, unless the store refused them as invalid.
func (l *SearchLog) Flush(ctx context.Context) error {
	l.flushMu.Lock()
	defer l.flushMu.Unlock()
	pending, overflow := l.take()
	if len(pending) == 0 && len(overflow) == 0 {
		return nil
	}
	merged := make(map[searchKey]searchTally, len(pending))
	for k, t := range pending {
		k.query = normalizeQuery(k.query)
		if k.query == "" {
			overflow[k.day] = overflow[k.day].add(t)
			continue
		}
		merged[k] = merged[k].add(t)
	}
	batch := make([]wengao.SearchCount, 0, len(merged)+len(overflow))
	for k, t := range merged {
		batch = append(batch, wengao.SearchCount{Day: k.day, Query: k.query, Count: t.count, Zero: t.zero})
	}
	for day, t := range overflow {
		batch = append(batch, wengao.SearchCount{Day: day, Count: t.count, Zero: t.zero})
	}
	err := l.Store.RecordSearches(ctx, batch)
	if err != nil && wengao.ErrorCode(err) != wengao.EINVALID {
		l.putBack(merged, overflow)
	}
	return err
}

// Open starts flushing every Interval in the background.
func (l *SearchLog) Open() {
	if l.stop != nil {
		return
	}
	l.stop, l.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(l.done)
		t := time.NewTicker(l.Interval)
		defer t.Stop()
		for {
			select {
			case <-l.stop:
				return
			case <-t.C:
				if err := l.Flush(context.Background()); err != nil {
					l.Logger.Error("flush search log", "err", err)
				}
			}
		}
	}()
}

// Close stops the background flushing and writes what is buffered.
func (l *SearchLog) Close(ctx context.Context) error {
	if l.stop != nil {
		close(l.stop)
		<-l.done
		l.stop = nil
	}
	return l.Flush(ctx)
}

// hitsMemory remembers how many hits recent search pages found, so that a
// search answered from the page cache is logged as finding something or
// not. It keeps two generations of hitsMemorySize pages: a page is
// remembered for at least hitsMemorySize other searches, far longer than
// the page cache keeps it at any likely rate.
type hitsMemory struct {
	mu       sync.Mutex
	cur, old map[hitsKey]int
}

// hitsKey is what decides the hits of a search page.
type hitsKey struct {
	q, category, year string
	sort              wengao.Sort
}

const hitsMemorySize = 4096

func (m *hitsMemory) note(k hitsKey, hits int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cur == nil || len(m.cur) >= hitsMemorySize {
		m.old, m.cur = m.cur, make(map[hitsKey]int, hitsMemorySize)
	}
	m.cur[k] = hits
}

func (m *hitsMemory) get(k hitsKey) (int, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if n, ok := m.cur[k]; ok {
		return n, true
	}
	n, ok := m.old[k]
	return n, ok
}

// recordSearch logs a search of the API or the site, unless a crawler or
// a prefetch made it.
func (s *Core) recordSearch(r *http.Request, query string, hits int) {
	if s.SearchLog == nil || IsCrawler(r.UserAgent()) || IsPrefetch(r) {
		return
	}
	s.SearchLog.Record(query, hits)
}

// NoteSearchHits remembers the hits of a search page as it is rendered,
// for logging it when it is served, from the cache or not.
func (s *Core) NoteSearchHits(p SearchParams, hits int) {
	if s.SearchLog != nil {
		s.SearchLog.hits.note(hitsKey{p.Q, p.Category, p.Year, p.Sort}, hits)
	}
}

// RecordSearchPage logs the search of a search page served. Only first
// pages count (the others page through the same search), and only pages
// whose hits are known: a failed search is not logged.
func (s *Core) RecordSearchPage(r *http.Request, p SearchParams) {
	if s.SearchLog == nil || p.Q == "" || p.Page > 1 {
		return
	}
	if hits, ok := s.SearchLog.hits.get(hitsKey{p.Q, p.Category, p.Year, p.Sort}); ok {
		s.recordSearch(r, p.Q, hits)
	}
}

// RecordAPISearch logs a search of the API; like the site's, only first
// pages count.
func (s *Core) RecordAPISearch(r *http.Request, req wengao.SearchRequest, hits int) {
	if req.Page <= 1 {
		s.recordSearch(r, req.Query, hits)
	}
}
