package search_test

import (
	"bufio"
	"context"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/chinese"
	"github.com/wengao/wengao/search"
	"github.com/wengao/wengao/sqlite/sqlitetest"
)

// topKQueries are the queries of bench/queries.txt and the most common
// words of the sample, alone, in pairs, with operators, filters and
// sorts: what TestTopKAgreesWithRank ranks both ways.
func topKQueries(t *testing.T) (all, common []string) {
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
	common = []string{"的", "和", "人民", "管理", "应当", "部门", "政府", "规定", "国务院", "工作", "发展", "条例", "委员会", "办法"}
	words := common
	for i, a := range words {
		b := words[(i+3)%len(words)]
		common = append(common, a+" "+b, a+" -"+b, a+" OR "+b, `"`+a+b+`"`)
	}
	common = append(common, "", "-规定", "规定 category:公文", "工作 year:2021", "管理 from:2020-01-01 to:2021-12-31",
		"管理 办法 条例", "人民 政府 工作 发展 管理 部门 规定 应当",
		// Words of one character: checked in the texts when common.
		"税", "法", "党 建", "的 发展", "法 -的", "国 OR 省", "法 category:法律", "的 year:2021", "会 议 规定")
	return append(qs, append(common, mostCommon(t)...)...), common
}

// mostCommon returns one- and two-word queries of the sample library's
// most common words (bench/scaleprobe's list for a library): its 50 most
// common bigrams and 20 most common characters, each alone and with the
// next.
func mostCommon(t *testing.T) []string {
	t.Helper()
	bigrams, chars := map[string]int{}, map[string]int{}
	for _, d := range sqlitetest.SampleDocuments(t) {
		seen := map[string]bool{}
		rs := []rune(chinese.Normalize(d.Title + "\n" + strings.Join(d.Body, "\n")))
		for i, r := range rs {
			if !unicode.Is(unicode.Han, r) {
				continue
			}
			if c := string(r); !seen[c] {
				seen[c] = true
				chars[c]++
			}
			if i+1 < len(rs) && unicode.Is(unicode.Han, rs[i+1]) {
				if b := string(rs[i : i+2]); !seen[b] {
					seen[b] = true
					bigrams[b]++
				}
			}
		}
	}
	var out []string
	for _, c := range []struct {
		df map[string]int
		n  int
	}{{bigrams, 50}, {chars, 20}} {
		words := make([]string, 0, len(c.df))
		for w := range c.df {
			words = append(words, w)
		}
		slices.SortFunc(words, func(a, b string) int {
			if d := c.df[b] - c.df[a]; d != 0 {
				return d
			}
			return strings.Compare(a, b)
		})
		words = words[:min(c.n, len(words))]
		out = append(out, words...)
		for i, w := range words {
			out = append(out, w+" "+words[(i+1)%len(words)])
		}
	}
	return out
}

// The top-k ranking of a query matching many documents must give the
// same first pages as ranking every match: the first twenty hits (two
// pages of ten) of every query by relevance, and of the common-word
// queries by date and by reads too, on the sample library, with an engine
// that ranks everything top-k from a small sample against one that ranks
// all.
func TestTopKAgreesWithRank(t *testing.T) {
	eachStore(t, func(t *testing.T, _, openSample func(testing.TB) Store) {
		ctx := context.Background()
		db := openSample(t)
		all := search.New(db.SearchStore(), nil)
		all.SetLimits(search.Limits{Exact: math.MaxInt, SampleRows: math.MaxInt32, MaxResults: 1000, MaxWalk: math.MaxInt})
		topk := search.New(db.SearchStore(), nil)
		topk.SetLimits(search.Limits{Exact: -1, SampleRows: 50, MaxResults: 1000, MaxWalk: math.MaxInt})
		queries, common := topKQueries(t)
		minChecked := 300
		if raceEnabled {
			// A check of agreement, not of concurrency, ten times slower
			// under the race detector: a tenth of the queries there (the
			// test script runs them all without it).
			queries, common = every(queries, 10), every(common, 10)
			minChecked = 30
		}
		checked := 0
		check := func(q string, sort wengao.Sort) {
			req := wengao.SearchRequest{Query: q, Sort: sort, Limit: 20}
			want, err := all.Search(ctx, req)
			if err != nil {
				t.Fatalf("%q by %s, all: %v", q, sort, err)
			}
			got, err := topk.Search(ctx, req)
			if err != nil {
				t.Fatalf("%q by %s, top-k: %v", q, sort, err)
			}
			if g, w := hitIDs(got), hitIDs(want); g != w {
				t.Errorf("%q by %s (%d matches): top-k %s, want %s", q, sort, want.Total, g, w)
			}
			if len(want.Hits) > 0 {
				checked++
			}
		}
		for _, q := range queries {
			check(q, wengao.SortRelevance)
		}
		for _, q := range common {
			check(q, wengao.SortDate)
			check(q, wengao.SortReads)
		}
		if checked < minChecked {
			t.Errorf("%d searches with hits compared, want at least %d", checked, minChecked)
		}
	})
}

// every returns every nth of s.
func every(s []string, n int) []string {
	var out []string
	for i := 0; i < len(s); i += n {
		out = append(out, s[i])
	}
	return out
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

// A query matching too few of a large library for a walk and too many to
// rank whole is ranked from the matches of the newest rows (a recency
// prior), with the title tier looked for in every title: every hit
// matches the query, every document whose title holds all the words comes
// first in the order of the full ranking wherever it lies in the library,
// pages past the sample are filled from older rows, and the total is an
// estimate.
func TestRecentPoolRanking(t *testing.T) {
	eachStore(t, func(t *testing.T, _, openSample func(testing.TB) Store) {
		ctx := context.Background()
		db := openSample(t)
		all := search.New(db.SearchStore(), nil)
		all.SetLimits(search.Limits{Exact: math.MaxInt, SampleRows: math.MaxInt32, MaxResults: 1000, MaxWalk: math.MaxInt})
		recent := search.New(db.SearchStore(), nil)
		// A sample of 40 rows of 329; the words common enough for a walk
		// (MinShare) alone are walked.
		recent.SetLimits(search.Limits{Exact: 5, SampleRows: 40, MaxResults: 1000, MaxWalk: math.MaxInt, RecentRows: 100, MinShare: 0.25})
		pooled := 0
		for _, q := range []string{"规定", "国务院", "人民 政府", "管理 办法", "委员会 决定", "工作 报告", "条例 管理", "政府 工作 报告", "发展 规划"} {
			var full []wengao.SearchHit // every match, in the full ranking's order
			for page := 1; ; page++ {
				res, err := all.Search(ctx, wengao.SearchRequest{Query: q, Page: page, Limit: search.MaxLimit})
				if err != nil {
					t.Fatal(err)
				}
				full = append(full, res.Hits...)
				if len(res.Hits) < search.MaxLimit {
					break
				}
			}
			matches := map[string]int{}
			var titleTier []string
			words := strings.Fields(q)
			for i, h := range full {
				matches[h.ID] = i
				if holdsAll(h.Title, words) {
					titleTier = append(titleTier, h.ID)
				}
			}
			for page := 1; page <= 3; page++ {
				got, err := recent.Search(ctx, wengao.SearchRequest{Query: q, Page: page, Limit: 10})
				if err != nil {
					t.Fatalf("%q page %d: %v", q, page, err)
				}
				if !got.TotalEstimated {
					continue // few enough to count whole
				}
				pooled++
				if wantHits := min(10, max(0, len(full)-(page-1)*10)); len(got.Hits) != wantHits {
					t.Errorf("%q page %d: %d hits, want %d of %d matches", q, page, len(got.Hits), wantHits, len(full))
				}
				for i, h := range got.Hits {
					if _, ok := matches[h.ID]; !ok {
						t.Errorf("%q page %d: hit %s (%s) does not match", q, page, h.ID, h.Title)
					}
					if n := (page-1)*10 + i; n < len(titleTier) && h.ID != titleTier[n] {
						t.Errorf("%q: hit %d is %s (%s), want %s of the title tier", q, n+1, h.ID, h.Title, titleTier[n])
					}
				}
			}
		}
		if pooled < 5 {
			t.Errorf("%d pages ranked from the newest rows, want at least 5", pooled)
		}
	})
}

// A word of one character found by checking texts (a common one, in a
// library ranked top-k) finds what a substring scan finds, and its total
// is labelled an estimate.
func TestOneCharacterAgreesWithScan(t *testing.T) {
	eachStore(t, func(t *testing.T, _, openSample func(testing.TB) Store) {
		ctx := context.Background()
		db := openSample(t)
		docs := sqlitetest.SampleDocuments(t)
		texts := make(map[string]string, len(docs))
		for _, d := range docs {
			if _, err := db.FindDocumentByID(ctx, d.ID); err == nil { // duplicates are stored once
				texts[d.ID] = chinese.Normalize(d.Title + "\n" + strings.Join(d.Body, "\n"))
			}
		}
		eng := search.New(db.SearchStore(), nil)
		eng.SetLimits(search.Limits{Exact: -1, SampleRows: 50, MaxResults: 1000, MaxWalk: math.MaxInt})
		for _, q := range []string{"税", "法", "的", "党 建", "國", "会 议 规定", "法 -的", "国 OR 省"} {
			var got []string
			estimated := false
			for page := 1; page <= 10; page++ {
				res, err := eng.Search(ctx, wengao.SearchRequest{Query: q, Limit: 100, Page: page})
				if err != nil {
					t.Fatalf("%q page %d: %v", q, page, err)
				}
				estimated = estimated || res.TotalEstimated
				for _, h := range res.Hits {
					got = append(got, h.ID)
				}
				if len(res.Hits) < 100 {
					break
				}
			}
			want := scanQuery(texts, q)
			slices.Sort(got)
			if g, w := strings.Join(got, ","), strings.Join(want, ","); g != w {
				t.Errorf("%q: search found %d, scan found %d\n got %s\nwant %s", q, len(got), len(want), g, w)
			}
			if len(want) > len(texts)/4 && !estimated {
				t.Errorf("%q: %d of %d documents, total not labelled an estimate", q, len(want), len(texts))
			}
		}
	})
}

// holdsAll reports whether title holds every word.
func holdsAll(title string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(title, w) {
			return false
		}
	}
	return true
}

// scanQuery returns, sorted, the ids of the texts holding every word of
// q, a query of words, -words and OR alone.
func scanQuery(texts map[string]string, q string) []string {
	var out []string
	for id, text := range texts {
		ok := true
		fields := strings.Fields(q)
		for i := 0; i < len(fields); i++ {
			f := chinese.Normalize(fields[i])
			switch {
			case strings.HasPrefix(f, "-"):
				ok = ok && !strings.Contains(text, f[1:])
			case i+2 < len(fields) && fields[i+1] == "OR":
				ok = ok && (strings.Contains(text, f) || strings.Contains(text, chinese.Normalize(fields[i+2])))
				i += 2
			default:
				ok = ok && strings.Contains(text, f)
			}
		}
		if ok {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}
