package search_test

import (
	"bufio"
	"context"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/search"
)

// topKQueries are the queries of bench/queries.txt and the most common
// words of the sample, alone, in pairs, with operators, filters and
// sorts: what TestTopKAgreesWithRank ranks both ways.
func topKQueries(t *testing.T) []string {
	t.Helper()
	f, err := os.Open("../bench/queries.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var qs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if q := strings.TrimSpace(sc.Text()); q != "" && !strings.HasPrefix(q, "#") {
			qs = append(qs, q)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	common := []string{"的", "和", "人民", "管理", "应当", "部门", "政府", "规定", "国务院", "工作", "发展", "条例", "委员会", "办法"}
	qs = append(qs, common...)
	for i, a := range common {
		b := common[(i+3)%len(common)]
		qs = append(qs, a+" "+b, a+" -"+b, a+" OR "+b, `"`+a+b+`"`)
	}
	qs = append(qs, "", "-规定", "规定 category:公文", "工作 year:2021", "管理 from:2020-01-01 to:2021-12-31",
		"管理 办法 条例", "人民 政府 工作 发展 管理 部门 规定 应当")
	return qs
}

// The top-k ranking of a query matching many documents must give the
// same first pages as ranking every match: for every query and sort, the
// first page of ten (and the second by relevance), on the sample library, with an engine that
// ranks everything top-k from a small sample against one that ranks all.
func TestTopKAgreesWithRank(t *testing.T) {
	eachStore(t, func(t *testing.T, _, openSample func(testing.TB) Store) {
		ctx := context.Background()
		db := openSample(t)
		all := search.New(db.SearchStore(), nil)
		all.SetLimits(search.Limits{Exact: math.MaxInt, SampleRows: math.MaxInt32, MaxResults: 1000, MaxWalk: math.MaxInt})
		topk := search.New(db.SearchStore(), nil)
		topk.SetLimits(search.Limits{Exact: -1, SampleRows: 50, MaxResults: 1000, MaxWalk: math.MaxInt})
		checked := 0
		for _, q := range topKQueries(t) {
			for _, sort := range []wengao.Sort{wengao.SortRelevance, wengao.SortDate, wengao.SortReads} {
				pages := 2 // two pages by relevance, the first by date and reads
				if sort != wengao.SortRelevance {
					pages = 1
				}
				for page := 1; page <= pages; page++ {
					req := wengao.SearchRequest{Query: q, Sort: sort, Page: page, Limit: 10}
					want, err := all.Search(ctx, req)
					if err != nil {
						t.Fatalf("%q %s page %d, all: %v", q, sort, page, err)
					}
					got, err := topk.Search(ctx, req)
					if err != nil {
						t.Fatalf("%q %s page %d, top-k: %v", q, sort, page, err)
					}
					if g, w := hitIDs(got), hitIDs(want); g != w {
						t.Errorf("%q %s page %d (%d matches): top-k %s, want %s", q, sort, page, want.Total, g, w)
					}
					if len(want.Hits) > 0 {
						checked++
					}
				}
			}
		}
		if checked < 400 {
			t.Errorf("%d pages with hits compared, want at least 400", checked)
		}
	})
}

// hitIDs lists a page's hits by id, with their scores.
func hitIDs(res *wengao.SearchResult) string {
	var b strings.Builder
	for _, h := range res.Hits {
		b.WriteString(h.ID)
		b.WriteByte(' ')
	}
	return b.String()
}

// Totals counted from a sample are labelled as estimates; those counted
// in full are not.
func TestEstimatedTotalLabelled(t *testing.T) {
	eachStore(t, func(t *testing.T, _, openSample func(testing.TB) Store) {
		ctx := context.Background()
		db := openSample(t)
		eng := search.New(db.SearchStore(), nil)
		for _, c := range []struct {
			sample int
			want   bool
		}{{math.MaxInt32, false}, {50, true}} {
			eng.SetLimits(search.Limits{Exact: -1, SampleRows: c.sample, MaxResults: 1000, MaxWalk: math.MaxInt})
			res, err := eng.Search(ctx, wengao.SearchRequest{Query: "规定"})
			if err != nil {
				t.Fatal(err)
			}
			if res.TotalEstimated != c.want {
				t.Errorf("sample of %d rows: total_estimated %v, want %v (total %d)", c.sample, res.TotalEstimated, c.want, res.Total)
			}
		}
	})
}

// Pages deeper than top-k goes are refused for an estimate and ranked in
// full when the library was counted whole.
func TestTopKDeepPages(t *testing.T) {
	eachStore(t, func(t *testing.T, _, openSample func(testing.TB) Store) {
		ctx := context.Background()
		db := openSample(t)
		eng := search.New(db.SearchStore(), nil)
		all := search.New(db.SearchStore(), nil)
		all.SetLimits(search.Limits{Exact: math.MaxInt, SampleRows: math.MaxInt32, MaxResults: 1000, MaxWalk: math.MaxInt})
		req := wengao.SearchRequest{Query: "规定", Page: 3, Limit: 10}
		eng.SetLimits(search.Limits{Exact: -1, SampleRows: math.MaxInt32, MaxResults: 20, MaxWalk: math.MaxInt})
		got, err := eng.Search(ctx, req)
		if err != nil {
			t.Fatalf("whole library, page 3 past 20 results: %v", err)
		}
		want, err := all.Search(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := hitIDs(got), hitIDs(want); g != w {
			t.Errorf("page 3: %s, want %s", g, w)
		}
		eng.SetLimits(search.Limits{Exact: -1, SampleRows: 50, MaxResults: 20, MaxWalk: math.MaxInt})
		if _, err := eng.Search(ctx, req); wengao.ErrorCode(err) != wengao.EINVALID {
			t.Errorf("estimate, page 3 past 20 results: error %v, want %s", err, wengao.EINVALID)
		}
	})
}
