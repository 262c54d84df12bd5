package search

import (
	"context"
	"testing"
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
		c.put(string(rune('a'+i%26))+string(rune(i)), stamp{}, &ranking{ranked: make([]scored, resultDepth+5)})
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
