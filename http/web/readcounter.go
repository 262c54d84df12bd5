package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"hash/maphash"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/wengao/wengao"
)

// ReadCounter counts reads of document pages: once per visitor, document
// and day. Reads are buffered in memory and written through the
// ReadService every Interval and on Close, so a page view never waits on
// a write, and a graceful stop loses nothing.
//
// Which visitors were seen is kept in memory for the current day only: a
// restart forgets it, so a visitor may be counted twice on the day of a
// restart.
type ReadCounter struct {
	Store    wengao.ReadService
	Interval time.Duration
	Logger   *slog.Logger
	// Now returns the current time; days are taken in Location.
	Now      func() time.Time
	Location *time.Location
	// MaxSeen bounds the visitor-document pairs remembered for a day; past
	// it, the memory is cleared and counting starts afresh.
	MaxSeen int
	// Journal, when set, is the path of the read journal (see
	// RecoverJournal): counted reads survive a crash.
	Journal string
	// Visitors, when set, are the visitors' reads shared by the
	// instances serving one library: a read this counter counts is
	// written at the flush only if no instance recorded the visitor's
	// read of the document that day (wengao.VisitorReads), so that a
	// visitor the load balancer sends to several instances counts once.
	// Count stays in memory either way; until the flush a page may show
	// a read that is then dropped.
	Visitors wengao.VisitorReads

	seed maphash.Seed

	mu      sync.Mutex
	day     string
	seen    map[uint64]struct{}
	pending map[wengao.Read]int64 // by document and day, Count zero
	// visitors are the counted reads not yet checked against Visitors.
	visitors []wengao.VisitorRead
	// unsaved holds the reads of each document that are not in the store
	// yet: pending, or being written.
	unsaved map[string]int64
	// flushes counts the flushes written; flushedAt says which flush last
	// wrote reads of a document (at least floor), so that a page cached
	// with the document's stored total knows when that total is old.
	flushes   uint64
	flushedAt map[string]uint64
	floor     uint64

	journal *os.File // the current journal segment, or nil
	segment int      // its number

	flushMu sync.Mutex // one flush at a time
	stop    chan struct{}
	done    chan struct{}
}

// ChinaTime is the time zone that days are counted in by default (UTC+8,
// without daylight saving).
var ChinaTime = time.FixedZone("CST", 8*60*60)

// NewReadCounter returns a counter writing to store every five seconds.
func NewReadCounter(store wengao.ReadService) *ReadCounter {
	return &ReadCounter{
		Store:    store,
		Interval: 5 * time.Second,
		Logger:   slog.Default(),
		Now:      time.Now,
		Location: ChinaTime,
		MaxSeen:  1 << 20,
		seed:     maphash.MakeSeed(),
		seen:     map[uint64]struct{}{},
		pending:  map[wengao.Read]int64{},
		unsaved:  map[string]int64{},

		flushedAt: map[string]uint64{},
	}
}

// Today returns the current day in the counter's time zone.
func (c *ReadCounter) Today() time.Time { return c.Now().In(c.Location) }

// Count counts a read of document id by the visitor known by keys (a
// cookie id, a hash of address and browser, or both for a first visit)
// unless one of the keys has read it today. It reports whether the read
// was counted.
func (c *ReadCounter) Count(id string, keys ...string) bool {
	day := c.Today().Format(wengao.DayLayout)
	hashes := make([]uint64, len(keys))
	for i, k := range keys {
		hashes[i] = maphash.String(c.seed, k+"\x00"+id)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if day != c.day || len(c.seen) >= c.MaxSeen {
		c.day = day
		clear(c.seen)
	}
	counted := true
	for _, h := range hashes {
		if _, ok := c.seen[h]; ok {
			counted = false
		}
		c.seen[h] = struct{}{}
	}
	if counted {
		c.journalRead(day, id)
		c.pending[wengao.Read{DocumentID: id, Day: day}]++
		c.unsaved[id]++
		if c.Visitors != nil && len(c.visitors) < maxVisitorReads {
			c.visitors = append(c.visitors, wengao.VisitorRead{DocumentID: id, Day: day, Keys: slices.Clone(keys)})
		}
	}
	return counted
}

// maxVisitorReads bounds the reads held for the shared check between
// two flushes (the store down for long): past it, reads are counted on
// this instance's word alone.
const maxVisitorReads = 1 << 18

// Unsaved returns the reads of document id counted but not yet written, to
// be added to the stored total when showing it.
func (c *ReadCounter) Unsaved(id string) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.unsaved[id]
}

// Flushes returns the number of the last flush that wrote reads of
// document id (or a later one): a stored total read before it may be
// old.
func (c *ReadCounter) Flushes(id string) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return max(c.flushedAt[id], c.floor)
}

// maxFlushedAt bounds the documents whose last flush is remembered.
const maxFlushedAt = 1 << 16

// Flush writes the buffered reads to the store, less those Visitors
// finds another instance counted. On failure they stay buffered for the
// next flush.
func (c *ReadCounter) Flush(ctx context.Context) error {
	c.flushMu.Lock()
	defer c.flushMu.Unlock()
	c.mu.Lock()
	if len(c.pending) == 0 {
		c.mu.Unlock()
		return nil
	}
	counts := c.pending
	c.pending = map[wengao.Read]int64{}
	visitors := c.visitors
	c.visitors = nil
	segment := c.rotateJournal()
	c.mu.Unlock()

	dropped, err := c.dropRepeated(ctx, counts, visitors)
	if err != nil {
		c.mu.Lock()
		defer c.mu.Unlock()
		for k, n := range counts {
			c.pending[k] += n
		}
		if len(c.visitors)+len(visitors) <= maxVisitorReads {
			c.visitors = append(visitors, c.visitors...)
		}
		return err
	}
	batch := make([]wengao.Read, 0, len(counts))
	for k, n := range counts {
		if n > 0 {
			k.Count = n
			batch = append(batch, k)
		}
	}
	if len(batch) > 0 {
		err = c.Store.RecordReads(ctx, batch)
	}
	if err == nil && c.Journal != "" {
		// The store has every read of the segments up to this one,
		// those of failed flushes included (they came back to pending).
		c.dropSegments(segment)
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if err == nil {
		c.flushes++
		if len(c.flushedAt) >= maxFlushedAt {
			clear(c.flushedAt)
			c.floor = c.flushes
		}
	}
	for id, n := range dropped {
		if c.unsaved[id] -= n; c.unsaved[id] <= 0 {
			delete(c.unsaved, id)
		}
	}
	for _, r := range batch {
		if err == nil {
			c.flushedAt[r.DocumentID] = c.flushes
		}
		if err != nil {
			c.pending[wengao.Read{DocumentID: r.DocumentID, Day: r.Day}] += r.Count
			continue
		}
		if c.unsaved[r.DocumentID] -= r.Count; c.unsaved[r.DocumentID] <= 0 {
			delete(c.unsaved, r.DocumentID)
		}
	}
	return err
}

// dropRepeated asks Visitors which of visitors are first reads and takes
// the others out of counts, returning how many were taken out of each
// document.
func (c *ReadCounter) dropRepeated(ctx context.Context, counts map[wengao.Read]int64, visitors []wengao.VisitorRead) (map[string]int64, error) {
	if c.Visitors == nil || len(visitors) == 0 {
		return nil, nil
	}
	first, err := c.Visitors.FirstReads(ctx, visitors)
	if err != nil {
		return nil, err
	}
	dropped := map[string]int64{}
	for i, v := range visitors {
		k := wengao.Read{DocumentID: v.DocumentID, Day: v.Day}
		if !first[i] && counts[k] > 0 {
			counts[k]--
			dropped[v.DocumentID]++
		}
	}
	return dropped, nil
}

// Open starts flushing every Interval in the background.
func (c *ReadCounter) Open() {
	if c.stop != nil {
		return
	}
	c.stop, c.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(c.done)
		t := time.NewTicker(c.Interval)
		defer t.Stop()
		for {
			select {
			case <-c.stop:
				return
			case <-t.C:
				if err := c.Flush(context.Background()); err != nil {
					c.Logger.Error("flush reads", "err", err)
				}
			}
		}
	}()
}

// Close stops the background flushing and writes what is buffered.
func (c *ReadCounter) Close(ctx context.Context) error {
	if c.stop != nil {
		close(c.stop)
		<-c.done
		c.stop = nil
	}
	return c.Flush(ctx)
}

// VisitorCookie holds a random visitor id.
const VisitorCookie = "wg_vid"

// VisitorKeys returns the keys that identify the visitor of r for read
// counting: the visitor cookie when it has one; otherwise its address and
// browser, plus a new cookie id, which is returned to be set. The keys
// stay in memory, hashed.
func VisitorKeys(r *http.Request) (keys []string, newCookie string) {
	if c, err := r.Cookie(VisitorCookie); err == nil && validVisitorID(c.Value) {
		return []string{"c:" + c.Value}, ""
	}
	b := make([]byte, 16)
	rand.Read(b)
	id := hex.EncodeToString(b)
	return []string{"h:" + remoteIP(r) + "\x00" + r.UserAgent(), "c:" + id}, id
}

func validVisitorID(s string) bool {
	if len(s) != 32 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// crawlerMarks are parts of the User-Agent of clients whose requests are
// not counted as reads: search engine and other crawlers (Googlebot,
// Baiduspider, bingbot, Sogou web spider, 360Spider, YisouSpider,
// Bytespider… all say bot, spider or crawl), link previewers, headless
// browsers, and HTTP libraries and command-line tools, which no person
// reads with. A request without a User-Agent is not counted either.
var crawlerMarks = []string{
	"bot", "spider", "crawl", "slurp", "sogou", "yahoo! ", "mediapartners", "facebookexternalhit",
	"headlesschrome", "phantomjs", "lighthouse", "pagespeed", "preview", "feedfetcher",
	"curl/", "wget/", "python-", "python/", "go-http-client", "java/", "okhttp", "libwww",
	"apache-httpclient", "scrapy", "httpx", "aiohttp", "axios/", "node-fetch", "undici", "postman", "http_request2",
}

// IsCrawler reports whether a User-Agent belongs to a client whose
// requests are not counted as reads.
func IsCrawler(ua string) bool {
	if ua == "" {
		return true
	}
	ua = strings.ToLower(ua)
	for _, m := range crawlerMarks {
		if strings.Contains(ua, m) {
			return true
		}
	}
	return false
}

// IsPrefetch reports whether the browser fetches the page speculatively,
// before anyone reads it.
func IsPrefetch(r *http.Request) bool {
	p := r.Header.Get("Sec-Purpose") + r.Header.Get("Purpose") + r.Header.Get("X-Moz")
	return strings.Contains(p, "prefetch") || strings.Contains(p, "prerender")
}
