package search_test

import (
	"context"
	"testing"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/sqlite/sqlitetest"
)

// Store is what the search tests need of a store: search and related
// reading through package search, documents to save and count, and the
// display masking rules.
type Store interface {
	wengao.SearchService
	wengao.DocumentService
	wengao.MaskService
}

// stores are the stores every search test runs against: each opens an
// empty store, and one holding the sample library. A PostgreSQL store
// joins this list to pass the same tests.
var stores = []struct {
	name       string
	open       func(tb testing.TB) Store
	openSample func(tb testing.TB) Store
}{
	{"sqlite", func(tb testing.TB) Store { return sqlitetest.Open(tb) }, func(tb testing.TB) Store { return sqlitetest.OpenSample(tb) }},
}

// eachStore runs fn as a subtest for every store.
func eachStore(t *testing.T, fn func(t *testing.T, open, openSample func(testing.TB) Store)) {
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) { fn(t, s.open, s.openSample) })
	}
}

// findAll returns the ids of every hit of q, page after page, and checks
// that they add up to the total.
func findAll(t *testing.T, db wengao.SearchService, q string) []string {
	t.Helper()
	var ids []string
	for page := 1; ; page++ {
		res, err := db.Search(context.Background(), wengao.SearchRequest{Query: q, Limit: 100, Page: page})
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if len(res.Hits) == 0 || len(ids) >= res.Total {
			if len(ids) != res.Total {
				t.Fatalf("search %q: total %d but %d hits", q, res.Total, len(ids))
			}
			return ids
		}
	}
}
