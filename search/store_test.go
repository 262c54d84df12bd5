package search_test

import (
	"testing"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/postgres/pgtest"
	"github.com/wengao/wengao/search"
	"github.com/wengao/wengao/sqlite/sqlitetest"
)

// Store is what the search tests need of a store: search and related
// reading through package search, documents to save and count, the
// display masking rules, and what package search reads of it (for
// engines of other limits).
type Store interface {
	wengao.SearchService
	wengao.DocumentService
	wengao.MaskService
	SearchStore() search.Store
}

// stores are the stores every search test runs against, with the same
// expectations: each opens an empty store, and one holding the sample
// library.
var stores = []struct {
	name       string
	open       func(tb testing.TB) Store
	openSample func(tb testing.TB) Store
}{
	{"sqlite", func(tb testing.TB) Store { return sqlitetest.Open(tb) }, func(tb testing.TB) Store { return sqlitetest.OpenSample(tb) }},
	// Skipped without the cluster scripts/test.sh starts, but in CI.
	{"postgres", func(tb testing.TB) Store { return pgtest.Open(tb) }, func(tb testing.TB) Store { return pgtest.OpenSample(tb) }},
}

// eachStore runs fn as a subtest for every store.
func eachStore(t *testing.T, fn func(t *testing.T, open, openSample func(testing.TB) Store)) {
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) { fn(t, s.open, s.openSample) })
	}
}

// findAll returns the ids of every hit of q.
func findAll(t *testing.T, db wengao.SearchService, q string) []string {
	t.Helper()
	return sqlitetest.FindAll(t, db, q)
}
