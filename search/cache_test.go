package search

import (
	"context"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/wengao/wengao"
)

// countingStore counts the index lookups of a memStore.
type countingStore struct {
	*memStore
	lookups int
}

func (s *countingStore) Match(ctx context.Context, f Field, clauses [][]Phrase, not []Phrase) ([]int64, error) {
	s.lookups++
	return s.memStore.Match(ctx, f, clauses, not)
}

func (s *countingStore) MatchRange(ctx context.Context, f Field, clauses [][]Phrase, not []Phrase, lo, hi int64) ([]int64, error) {
	s.lookups++
	return s.memStore.MatchRange(ctx, f, clauses, not, lo, hi)
}

// The next page of a search, and the same search again, reuse its
// ranking; a document entering the library, other masking rules or other
// abbreviations make it ranked anew.
func TestRankingCachedForPages(t *testing.T) {
	mem := equivLibrary().store.(*memStore)
	store := &countingStore{memStore: mem}
	r := &rules{version: 1}
	e := New(store, NewMaskers(r))
	ctx := context.Background()
	run := func(req wengao.SearchRequest) (*wengao.SearchResult, int) {
		t.Helper()
		before := store.lookups
		res, err := e.Search(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		return res, store.lookups - before
	}
	page1, n := run(wengao.SearchRequest{Query: "劳动", Limit: 1})
	if n == 0 {
		t.Fatal("the first search made no index lookups")
	}
	if got, want := page1.Total, 2; got != want {
		t.Fatalf("total %d, want %d", got, want)
	}
	page2, n := run(wengao.SearchRequest{Query: "劳动", Limit: 1, Page: 2})
	if n != 0 {
		t.Errorf("page 2: %d index lookups, want 0 (page 1's ranking)", n)
	}
	if len(page2.Hits) != 1 || page2.Hits[0].ID == page1.Hits[0].ID {
		t.Errorf("page 2 hits %v, want the other document than page 1's %s", page2.Hits, page1.Hits[0].ID)
	}
	if _, n := run(wengao.SearchRequest{Query: "劳动", Limit: 1, Category: "法律"}); n == 0 {
		t.Error("another category: no index lookups, want a ranking of its own")
	}

	// A new document: ranked anew, and found.
	body := "劳动合同应当以书面形式订立。"
	mem.cat.Lock()
	mem.texts[9] = Text{Row: 9, ID: "contract", Title: "劳动合同法", Date: "2012-12-28", Body: body}
	mem.cat.Put(9, Meta{ID: "contract", Title: "劳动合同法", Date: "2012-12-28", TitleLen: 5, Size: utf8.RuneCountInString(body)})
	mem.cat.Unlock()
	res, n := run(wengao.SearchRequest{Query: "劳动", Limit: 1, Page: 2})
	if n == 0 {
		t.Error("after a document was added: no index lookups, want the search ranked anew")
	}
	if got, want := res.Total, 3; got != want {
		t.Errorf("after a document was added: total %d, want %d", got, want)
	}

	// Other masking rules, other abbreviations: ranked anew.
	run(wengao.SearchRequest{Query: "劳动"})
	r.list, r.version = []wengao.MaskRule{{Word: "劳动", Shown: "劳D"}}, 2
	if _, n := run(wengao.SearchRequest{Query: "劳动"}); n == 0 {
		t.Error("after the masking rules changed: no index lookups, want the search ranked anew")
	}
	e.SetAbbreviations(nil)
	if _, n := run(wengao.SearchRequest{Query: "劳动"}); n == 0 {
		t.Error("after the abbreviations changed: no index lookups, want the search ranked anew")
	}
	e.ForgetResults()
	if _, n := run(wengao.SearchRequest{Query: "劳动"}); n == 0 {
		t.Error("after ForgetResults: no index lookups, want the search ranked anew")
	}
}

// The cache holds at most resultEntries rankings.
func TestRankingCacheBounded(t *testing.T) {
	var c resultCache
	for i := 0; i < resultEntries+50; i++ {
		c.put(string(rune('a'+i%26))+string(rune(i)), stamp{}, &ranking{ranked: make([]scored, resultDepth+5)}, time.Now())
	}
	if got := c.lru.Len(); got != resultEntries {
		t.Errorf("%d entries, want %d", got, resultEntries)
	}
	if got := len(c.byKey); got != resultEntries {
		t.Errorf("%d keys, want %d", got, resultEntries)
	}
	for el := c.lru.Front(); el != nil; el = el.Next() {
		if got := len(el.Value.(*resultEntry).r.ranked); got > resultDepth {
			t.Fatalf("an entry holds %d documents, want at most %d", got, resultDepth)
		}
	}
}

// A new read count changes no ranking by relevance or date: such a
// ranking keeps serving while the store's version moves with read counts
// alone (for resultStale at most), while one by read counts, and every
// ranking after a document's Meta changed otherwise, is ranked anew.
func TestRankingCacheOutlivesReadCounts(t *testing.T) {
	mem := equivLibrary().store.(*memStore)
	store := &countingStore{memStore: mem}
	e := New(store, nil)
	ctx := context.Background()
	lookups := func(req wengao.SearchRequest) int {
		t.Helper()
		before := store.lookups
		if _, err := e.Search(ctx, req); err != nil {
			t.Fatal(err)
		}
		return store.lookups - before
	}
	// update changes row's Meta with fn, under a new store version.
	update := func(fn func(m *Meta)) {
		mem.cat.Lock()
		defer mem.cat.Unlock()
		var row int64 = -1
		var m Meta
		mem.cat.Each(func(id int64, got Meta) {
			if row < 0 {
				row, m = id, got
			}
		})
		fn(&m)
		mem.cat.Put(row, m)
		mem.cat.Version++
	}
	relevance := wengao.SearchRequest{Query: "劳动"}
	byReads := wengao.SearchRequest{Query: "劳动", Sort: wengao.SortReads}
	lookups(relevance)
	lookups(byReads)

	update(func(m *Meta) { m.Reads += 5 })
	if n := lookups(relevance); n != 0 {
		t.Errorf("by relevance, after a read count changed: %d index lookups, want 0 (cached)", n)
	}
	if n := lookups(byReads); n == 0 {
		t.Error("by read counts, after a read count changed: no index lookups, want the search ranked anew")
	}

	update(func(m *Meta) { m.Title += "（修订）"; m.TitleLen += 4 })
	if n := lookups(relevance); n == 0 {
		t.Error("by relevance, after a title changed: no index lookups, want the search ranked anew")
	}
	update(func(m *Meta) { m.Size++ })
	if n := lookups(relevance); n == 0 {
		t.Error("by relevance, after a size changed: no index lookups, want the search ranked anew")
	}
}

// A ranking made before the store's version moved serves for resultStale
// at most, whatever moved it.
func TestRankingCacheStale(t *testing.T) {
	var c resultCache
	made := time.Unix(1_700_000_000, 0)
	old := stamp{version: 1, gen: 1, edits: 1}
	c.put("q", old, &ranking{complete: true}, made)
	moved := old
	moved.version = 2
	if _, ok := c.get("q", moved, 1, made.Add(resultStale-time.Second)); !ok {
		t.Errorf("version moved %v after: not served, want served", resultStale-time.Second)
	}
	if _, ok := c.get("q", moved, 1, made.Add(resultStale)); ok {
		t.Errorf("version moved %v after: served, want ranked anew", resultStale)
	}
	c.put("q", old, &ranking{complete: true}, made)
	reads := moved
	reads.byReads = true
	if _, ok := c.get("q", reads, 1, made.Add(time.Second)); ok {
		t.Error("by read counts, version moved: served, want ranked anew")
	}
	c.put("q", old, &ranking{complete: true}, made)
	edited := old
	edited.edits = 2
	if _, ok := c.get("q", edited, 1, made.Add(time.Second)); ok {
		t.Error("a document edited: served, want ranked anew")
	}
}
