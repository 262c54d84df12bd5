package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"hash/crc64"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"time"
)

// pageCache keeps rendered pages for a short while, so that a page viewed
// often is rendered once per TTL rather than once per view. A document
// page is cached with a placeholder where its read count goes, and the
// count is written in on each view.
//
// Pages are cached for anonymous visitors as they are now; a page that
// comes to depend on who is looking must put that in its key (as the
// document page does with its visibility) or not be cached.
type pageCache struct {
	mu       sync.Mutex
	entries  map[string]*CachedPage
	size     int
	maxBytes int
	// renders holds the renders in progress, so that concurrent requests
	// for a page missing from the cache render it once.
	renders map[string]*pageRender
	// gen counts the clears: a render that began before one may show
	// what the clear was for, and is not cached.
	gen uint64
}

// pageRender is a render in progress; done is closed when it ends.
type pageRender struct {
	done chan struct{}
	page *CachedPage
	err  error
}

// CachedPage is a rendered page, split at the read-count placeholder.
type CachedPage struct {
	parts   [][]byte // the page split at its slots
	slots   []slot   // the slot after each part but the last
	etag    string   // of the parts; the read count is added when served
	Reads   int64    // the stored read count when rendered
	Flushes uint64   // the read counter's flushes of the document then
	Doc     DocFacts // of a document page: what its buttons need
	expires time.Time
	size    int
}

const (
	pageCacheBytes = 64 << 20
	pageTTL        = 30 * time.Second
)

// renderSlots bounds the renders running at once to half the processors,
// leaving the others to the requests that the cache answers.
var renderSlots = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)/2))

// A slot is a part of a cached page that changes with each request: the
// read count, the visitor's account links, the visitor's buttons on a
// document. Pages are rendered with a placeholder in each slot.
type slot int

const (
	slotReads   slot = iota // the read count
	slotAccount             // the account links in the header
	SlotActions             // favourite and download buttons on a document page
	numSlots
)

// Placeholders stand in rendered pages for their slots. They are random,
// so that no document text can contain them.
var Placeholders = func() [numSlots]string {
	var p [numSlots]string
	for i := range p {
		b := make([]byte, 12)
		rand.Read(b)
		p[i] = "wg-slot" + strconv.Itoa(i) + "-" + hex.EncodeToString(b)
	}
	return p
}()

// ReadsPlaceholder stands for the read count.
var ReadsPlaceholder = Placeholders[slotReads]

// slotValues are the contents of the slots for one response.
type slotValues [numSlots][]byte

func (c *pageCache) Get(key string, now time.Time) *CachedPage {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.entries[key]
	if p == nil || now.After(p.expires) {
		return nil
	}
	return p
}

// Render returns the page that build renders for key, running build only
// once for concurrent callers with the same key. The page is cached when
// build succeeds. A caller waiting for another's render stops waiting,
// with ctx's error, when ctx ends; build should not stop with the
// caller that runs it (context.WithoutCancel), as others may wait for it.
func (c *pageCache) Render(ctx context.Context, key string, build func() (*CachedPage, error)) (*CachedPage, error) {
	c.mu.Lock()
	if r, ok := c.renders[key]; ok {
		c.mu.Unlock()
		select {
		case <-r.done:
			return r.page, r.err
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		}
	}
	if c.renders == nil {
		c.renders = map[string]*pageRender{}
	}
	r := &pageRender{done: make(chan struct{})}
	c.renders[key] = r
	gen := c.gen
	c.mu.Unlock()

	defer func() {
		c.mu.Lock()
		delete(c.renders, key)
		c.mu.Unlock()
		close(r.done)
	}()
	// Renders wait for a free slot, so that a burst of pages missing from
	// the cache does not starve the requests that the cache answers.
	renderSlots <- struct{}{}
	defer func() { <-renderSlots }()
	r.page, r.err = build()
	if r.err == nil {
		c.put(key, r.page, gen)
	}
	return r.page, r.err
}

// put caches p under key, evicting other pages when the cache is full,
// unless the cache was cleared since generation gen.
func (c *pageCache) put(key string, p *CachedPage, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if c.entries == nil {
		c.entries = map[string]*CachedPage{}
	}
	max := c.maxBytes
	if max == 0 {
		max = pageCacheBytes
	}
	if p.size > max/8 {
		return
	}
	if old := c.entries[key]; old != nil {
		c.size -= old.size
	}
	// Evict pages until the new one fits; map order is random enough to
	// spread evictions.
	for k, e := range c.entries {
		if c.size+p.size <= max {
			break
		}
		c.size -= e.size
		delete(c.entries, k)
	}
	c.entries[key] = p
	c.size += p.size
}

// newCachedPage returns a page for the cache, split at its slots, kept
// until expires.
func newCachedPage(body []byte, reads int64, flushes uint64, expires time.Time) *CachedPage {
	p := &CachedPage{Reads: reads, Flushes: flushes, expires: expires, size: len(body)}
	body = bytes.Clone(body)
	for {
		at, which := -1, slot(0)
		for i, ph := range Placeholders {
			if j := bytes.Index(body, []byte(ph)); j >= 0 && (at < 0 || j < at) {
				at, which = j, slot(i)
			}
		}
		if at < 0 {
			break
		}
		p.parts = append(p.parts, body[:at])
		p.slots = append(p.slots, which)
		body = body[at+len(Placeholders[which]):]
	}
	p.parts = append(p.parts, body)
	sum := crc64.Checksum(body, crcTable)
	for _, part := range p.parts[:len(p.parts)-1] {
		sum = crc64.Update(sum, crcTable, part)
	}
	p.etag = strconv.FormatUint(sum, 36) + strconv.FormatInt(int64(p.size), 36)
	return p
}

// Serve writes the cached page with vals in its slots, answering 304 when
// the client's copy is current.
func (p *CachedPage) Serve(s *Core, w http.ResponseWriter, r *http.Request, vals *slotValues) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	etag := `"` + p.etag
	n := 0
	if len(p.slots) > 0 {
		sum := uint64(0)
		for _, sl := range p.slots {
			sum = crc64.Update(sum, crcTable, vals[sl])
			sum = crc64.Update(sum, crcTable, []byte{0})
			n += len(vals[sl])
		}
		etag += "-" + strconv.FormatUint(sum, 36)
	}
	etag += `"`
	h.Set("ETag", etag)
	if notModified(r, etag, time.Time{}) {
		h.Del("Content-Type")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	for _, part := range p.parts {
		n += len(part)
	}
	h.Set("Content-Length", strconv.Itoa(n))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	if len(p.parts) == 1 {
		w.Write(p.parts[0])
		return
	}
	// One write: each write of a large part costs a system call.
	buf := buffers.Get().(*bytes.Buffer)
	buf.Reset()
	buf.Grow(n)
	for i, part := range p.parts {
		buf.Write(part)
		if i < len(p.slots) {
			buf.Write(vals[p.slots[i]])
		}
	}
	w.Write(buf.Bytes())
	buffers.Put(buf)
}

// clear drops every cached page, after a change that shows on many pages
// (a document published or removed), and keeps the renders under way
// from caching what they read before it.
func (c *pageCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = nil
	c.size = 0
	c.gen++
}
