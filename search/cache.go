package search

import (
	"container/list"
	"strconv"
	"sync"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/chinese"
)

// The rankings of recent searches are kept, so that the next page of a
// search, or the same search again, does not rank it anew. Memory is
// bounded: at most resultEntries rankings, each of at most resultDepth
// documents (16 bytes each: some 4 MB in all). An entry serves while the
// library, the masking rules and the abbreviations are those it was
// ranked with (resultStamp): a change made by another process is seen
// by the catalog's edits (or, for a ranking by read counts, its version),
// and the store's change notifications (Engine.ForgetResults) free the
// memory at once.
const (
	resultEntries = 256
	resultDepth   = 1000
)

// stamp is what a ranking depends on besides the request.
type stamp struct {
	version, gen, edits int64
	masks               int64
	masked              bool
	byReads             bool // the ranking is by read counts
	equiv               *chinese.Equivalences
}

// sameBut reports whether s and t differ at most in the store's version.
func (s stamp) sameBut(t stamp) bool {
	s.version = t.version
	return s == t
}

// resultStale is how long a ranking by relevance or date serves after
// the store's version moved while the catalog's edits did not: read
// counts move it every few seconds on a busy site and change no such
// ranking, but a text edited in place by another process with its size,
// title and date unchanged moves nothing else.
const resultStale = 30 * time.Second

// resultStamp returns the stamp of a search over cat. The caller must not
// hold cat's lock.
func resultStamp(cat *Catalog, maskVersion int64, equiv *chinese.Equivalences, masked, byReads bool) stamp {
	cat.RLock()
	defer cat.RUnlock()
	return stamp{version: cat.Version, gen: cat.Gen(), edits: cat.Edits(), masks: maskVersion, masked: masked, byReads: byReads, equiv: equiv}
}

// resultKey is what of a request decides its ranking: the query, the
// category and the order. The page, the limit and the preview do not.
func resultKey(req wengao.SearchRequest) string {
	return strconv.Quote(req.Query) + "\x00" + req.Category + "\x00" + string(req.Sort)
}

// resultCache is a least-recently-used cache of rankings.
type resultCache struct {
	mu    sync.Mutex
	lru   list.List // of *resultEntry, most recent first
	byKey map[string]*list.Element
}

type resultEntry struct {
	key   string
	stamp stamp
	made  time.Time
	r     *ranking
}

// get returns the ranking cached for key, if it was made with stamp (or,
// not by read counts, with an older version of the store alone, less
// than resultStale ago) and holds the first need documents.
func (c *resultCache) get(key string, s stamp, need int, now time.Time) (*ranking, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		return nil, false
	}
	ent := el.Value.(*resultEntry)
	fresh := ent.stamp == s || !s.byReads && ent.stamp.sameBut(s) && now.Sub(ent.made) < resultStale
	if !fresh {
		c.lru.Remove(el)
		delete(c.byKey, key)
		return nil, false
	}
	if !ent.r.complete && len(ent.r.ranked) < need {
		return nil, false
	}
	c.lru.MoveToFront(el)
	return ent.r, true
}

// put caches r for key, made with stamp at now, keeping its first
// resultDepth documents.
func (c *resultCache) put(key string, s stamp, r *ranking, now time.Time) {
	if len(r.ranked) > resultDepth {
		cut := *r
		cut.ranked, cut.complete = r.ranked[:resultDepth:resultDepth], false
		r = &cut
	} else {
		cut := *r
		cut.ranked = r.ranked[:len(r.ranked):len(r.ranked)] // a page's appends copy
		r = &cut
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byKey == nil {
		c.byKey = map[string]*list.Element{}
	}
	if el, ok := c.byKey[key]; ok {
		el.Value = &resultEntry{key, s, now, r}
		c.lru.MoveToFront(el)
		return
	}
	c.byKey[key] = c.lru.PushFront(&resultEntry{key, s, now, r})
	for c.lru.Len() > resultEntries {
		old := c.lru.Back()
		c.lru.Remove(old)
		delete(c.byKey, old.Value.(*resultEntry).key)
	}
}

// Forget drops every cached ranking.
func (c *resultCache) Forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lru.Init()
	c.byKey = nil
}

// ForgetResults drops the rankings cached of past searches: a store calls
// it when its documents or search settings change (the catalog tells of
// changes by other processes too, but only at the next search).
func (e *Engine) ForgetResults() { e.results.Forget() }
