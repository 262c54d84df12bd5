package search_test

import (
	"context"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/chinese"
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

// TestStoresAgree gives every store the same candidate queries over the
// sample library and wants the same documents back, by id, and the same
// document frequencies: phrases of one to six characters from the texts
// (a one-character one is a prefix), ANDed, ORed and excluded, in titles
// and texts, whole, by row range and among rows; NEAR groups at several
// distances. It is skipped unless every store opens.
func TestStoresAgree(t *testing.T) {
	ctx := context.Background()
	type opened struct {
		name  string
		store search.Store
		ids   map[int64]string // row → document id
		rows  map[string]int64
	}
	var all []opened
	for _, s := range stores {
		st := s.openSample(t).SearchStore()
		o := opened{name: s.name, store: st, ids: map[int64]string{}, rows: map[string]int64{}}
		if err := st.Ordered(ctx, search.OrderReads, func(rows []int64) (bool, error) {
			texts, err := st.Texts(ctx, rows)
			for _, x := range texts {
				o.ids[x.Row], o.rows[x.ID] = x.ID, x.Row
			}
			return true, err
		}); err != nil {
			t.Fatal(err)
		}
		all = append(all, o)
	}
	docs := sqlitetest.SampleDocuments(t)
	var stored []string // the ids stored, in import order
	for _, d := range docs {
		if _, ok := all[0].rows[d.ID]; ok {
			stored = append(stored, d.ID)
		}
	}
	rng := rand.New(rand.NewSource(3))
	phrase := func() search.Phrase {
		for {
			d := docs[rng.Intn(len(docs))]
			runs := chinese.Runs([]rune(chinese.Normalize(d.Body[rng.Intn(len(d.Body))])))
			if len(runs) == 0 {
				continue
			}
			run := runs[rng.Intn(len(runs))]
			n := min(1+rng.Intn(6), len(run))
			i := rng.Intn(len(run) - n + 1)
			toks, prefix := chinese.PhraseTokens([]string{string(run[i : i+n])})
			return search.Phrase{Tokens: toks, Prefix: prefix}
		}
	}
	type call struct {
		name string
		run  func(o opened) ([]int64, error)
	}
	var calls []call
	rounds := 40
	if raceEnabled {
		// A check of agreement, not of concurrency: fewer under the race
		// detector (the test script runs them all without it).
		rounds = 8
	}
	for i := range rounds {
		a, b, c, x := phrase(), phrase(), phrase(), phrase()
		field := search.Field(i % 2)
		clauses := [][]search.Phrase{{a}, {b, c}}[:1+i%2]
		var not []search.Phrase
		if i%3 == 0 {
			not = []search.Phrase{x}
		}
		distance := []int{0, 3, 10, 240}[i%4]
		calls = append(calls,
			call{fmt.Sprintf("Match(%d, %v, not %v)", field, clauses, not), func(o opened) ([]int64, error) {
				return o.store.Match(ctx, field, clauses, not)
			}},
			call{fmt.Sprintf("MatchRange(%d, %v, not %v, a third)", field, clauses, not), func(o opened) ([]int64, error) {
				return o.store.MatchRange(ctx, field, clauses, not, o.rows[stored[len(stored)/3]], o.rows[stored[2*len(stored)/3]])
			}},
			call{fmt.Sprintf("NEAR(%v %v, %d)", a, b, distance), func(o opened) ([]int64, error) {
				return o.store.MatchNear(ctx, []search.Phrase{a, b}, distance)
			}},
			call{fmt.Sprintf("NEAR(%v %v %v, %d) among the first half", a, b, c, distance), func(o opened) ([]int64, error) {
				var among []int64
				for _, id := range stored[:len(stored)/2] {
					if r, ok := o.rows[id]; ok {
						among = append(among, r)
					}
				}
				return o.store.MatchNearAmong(ctx, []search.Phrase{a, b, c}, distance, among)
			}},
			call{fmt.Sprintf("MatchAmong(%v, not %v) among the middle half", clauses, not), func(o opened) ([]int64, error) {
				var among []int64
				for _, id := range stored[len(stored)/4 : 3*len(stored)/4] {
					if r, ok := o.rows[id]; ok {
						among = append(among, r)
					}
				}
				return o.store.MatchAmong(ctx, clauses, not, among)
			}},
		)
	}
	found := 0
	for _, c := range calls {
		var want []string
		for k, o := range all {
			rows, err := c.run(o)
			if err != nil {
				t.Fatalf("%s: %s: %v", o.name, c.name, err)
			}
			got := make([]string, len(rows))
			for i, r := range rows {
				got[i] = o.ids[r]
			}
			sort.Strings(got)
			if k == 0 {
				want = got
				found += len(got)
				continue
			}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("%s: %s found %d, %s %d\n got %v\nwant %v", c.name, o.name, len(got), all[0].name, len(want), got, want)
			}
		}
	}
	if found == 0 {
		t.Fatal("no query found anything: the comparison shows nothing")
	}
	var toks []string
	for range rounds {
		toks = append(toks, phrase().Tokens[0])
	}
	for _, field := range []search.Field{search.FieldText, search.FieldTitle} {
		want, wantTotal, err := all[0].store.DocFreqs(ctx, field, toks)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range all[1:] {
			got, total, err := o.store.DocFreqs(ctx, field, toks)
			if err != nil {
				t.Fatal(err)
			}
			if total != wantTotal {
				t.Errorf("DocFreqs(%d): %s counts %d documents, %s %d", field, o.name, total, all[0].name, wantTotal)
			}
			for _, tok := range toks {
				if got[tok] != want[tok] {
					t.Errorf("DocFreqs(%d) of %q: %s %d, %s %d", field, tok, o.name, got[tok], all[0].name, want[tok])
				}
			}
		}
	}
}
