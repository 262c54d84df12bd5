package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/postgres"
	"github.com/wengao/wengao/sqlite"
)

// TestEquivalenceTargets checks issue 15's targets on the sets of how
// writers type: for each, the intended document first for at least 90 %
// of the queries and in the top 10 for at least 98 %; for article.tsv, the
// hit points at the article as often as the document is on the first
// page. It needs the corpus imported into the data folder named by
// WENGAO_RELEVANCE_DATA (wengao import --data DIR
// ../shared/corpus/docs.jsonl.gz) and is skipped without it:
//
//	WENGAO_RELEVANCE_DATA=DIR go test ./bench/relevance -run Targets -v
func TestEquivalenceTargets(t *testing.T) {
	data := os.Getenv("WENGAO_RELEVANCE_DATA")
	if data == "" {
		t.Skip("WENGAO_RELEVANCE_DATA not set: no imported corpus to measure")
	}
	db, err := sqlite.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	for _, name := range []string{"docnum", "abbrev", "article", "fuzzy"} {
		items, err := readSet(filepath.Join(".", name+".tsv"))
		if err != nil {
			t.Fatal(err)
		}
		var first, top10, anchored int
		for _, it := range items {
			if err := evaluate(ctx, db, it); err != nil {
				t.Fatalf("%s: %q: %v", name, it.query, err)
			}
			if it.rank == 1 {
				first++
			}
			if it.rank >= 1 && it.rank <= 10 {
				top10++
				if name == "article" && it.anchor == articleAnchor(it) {
					anchored++
				}
			}
		}
		n := float64(len(items))
		if got := float64(first) / n; got < 0.90 {
			t.Errorf("%s: target first for %.1f %% of %d queries, want ≥ 90 %%", name, 100*got, len(items))
		}
		if got := float64(top10) / n; got < 0.98 {
			t.Errorf("%s: target in the top 10 for %.1f %% of %d queries, want ≥ 98 %%", name, 100*got, len(items))
		}
		if name == "article" && anchored != top10 {
			t.Errorf("article: %d of the %d targets on the first page point at the article, want all", anchored, top10)
		}
		t.Logf("%s: %d queries, first %d, top 10 %d", name, len(items), first, top10)
	}
}

// TestStoresRankAlike checks that PostgreSQL ranks as SQLite does: for
// every query of every set, the same first page, in the same order, and
// the same total. It needs the corpus imported into both, the SQLite
// data folder named by WENGAO_RELEVANCE_DATA and the PostgreSQL database
// by WENGAO_RELEVANCE_PG, and is skipped without them:
//
//	WENGAO_RELEVANCE_DATA=DIR WENGAO_RELEVANCE_PG=postgres://… go test ./bench/relevance -run RankAlike -v
func TestStoresRankAlike(t *testing.T) {
	data, pgURL := os.Getenv("WENGAO_RELEVANCE_DATA"), os.Getenv("WENGAO_RELEVANCE_PG")
	if data == "" || pgURL == "" {
		t.Skip("WENGAO_RELEVANCE_DATA or WENGAO_RELEVANCE_PG not set: no corpus imported into both stores")
	}
	ctx := context.Background()
	lite, err := sqlite.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	pg, err := postgres.Open(ctx, pgURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	page := func(db wengao.SearchService, q string) (string, int) {
		res, err := db.Search(ctx, wengao.SearchRequest{Query: q, Limit: 10})
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		var ids []string
		for _, h := range append(res.Hits, res.ApproximateHits...) {
			ids = append(ids, h.ID)
		}
		return strings.Join(ids, " "), res.Total
	}
	queries := 0
	for _, name := range []string{"known", "known-trad", "body", "mixed", "docnum", "abbrev", "article", "fuzzy"} {
		items, err := readSet(filepath.Join(".", name+".tsv"))
		if err != nil {
			t.Fatal(err)
		}
		differ := 0
		for _, it := range items {
			queries++
			want, wantTotal := page(lite, it.query)
			got, total := page(pg, it.query)
			if got != want || total != wantTotal {
				differ++
				t.Errorf("%s: %q: PostgreSQL %d hits [%s], SQLite %d [%s]", name, it.query, total, got, wantTotal, want)
			}
		}
		t.Logf("%s: %d queries, %d ranked differently", name, len(items), differ)
	}
	if queries == 0 {
		t.Fatal("no queries read")
	}
}
