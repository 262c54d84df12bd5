package search_test

import (
	"context"
	"math/rand"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/chinese"
	"github.com/wengao/wengao/sqlite/sqlitetest"
)

// TestPhraseAgreesWithScan checks that a quoted phrase finds exactly the
// documents whose normalised text contains it, like grep: random
// substrings of the sample's text, cutting through words, of 1 to 8
// characters, plain and typed in full-width or traditional forms.
func TestPhraseAgreesWithScan(t *testing.T) {
	eachStore(t, func(t *testing.T, _, openSample func(testing.TB) Store) {
		db := openSample(t)
		docs := sqlitetest.SampleDocuments(t)
		texts := make(map[string]string, len(docs))
		for _, d := range docs {
			texts[d.ID] = chinese.Normalize(d.Title + "\n" + strings.Join(d.Body, "\n"))
		}
		// Exact duplicates within the sample are stored once.
		stored := map[string]bool{}
		for _, d := range docs {
			if _, err := db.FindDocumentByID(context.Background(), d.ID); err == nil {
				stored[d.ID] = true
			}
		}
		rng := rand.New(rand.NewSource(1))
		phrases := []string{"细化工产业发", "党", "第一条", "2019", "国务院办公厅", "人民政府", "9年", "规定"}
		for len(phrases) < 150 {
			d := docs[rng.Intn(len(docs))]
			p := d.Body[rng.Intn(len(d.Body))]
			runs := chinese.Runs([]rune(chinese.Normalize(p)))
			if len(runs) == 0 {
				continue
			}
			run := runs[rng.Intn(len(runs))]
			n := 1 + rng.Intn(8)
			if n > len(run) {
				n = len(run)
			}
			i := rng.Intn(len(run) - n + 1)
			phrases = append(phrases, string(run[i:i+n]))
		}
		for _, phrase := range phrases {
			var want []string
			for id, text := range texts {
				if strings.Contains(text, phrase) && stored[id] {
					want = append(want, id)
				}
			}
			got := findAll(t, db, `"`+phrase+`"`)
			sort.Strings(want)
			sort.Strings(got)
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("phrase %q: search found %d, scan found %d\n got %v\nwant %v", phrase, len(got), len(want), got, want)
			}
		}
	})
}

func TestSearchTraditionalAndFullWidth(t *testing.T) {
	eachStore(t, func(t *testing.T, _, openSample func(testing.TB) Store) {
		db := openSample(t)
		for _, tc := range [][2]string{
			{"国务院办公厅 意见", "國務院辦公廳 意見"},
			{"政府工作报告", "政府工作報告"},
			{"2024", "２０２４"},
		} {
			a, b := findAll(t, db, tc[0]), findAll(t, db, tc[1])
			if len(a) == 0 {
				t.Errorf("%q found nothing", tc[0])
			}
			if got, want := strings.Join(b, ","), strings.Join(a, ","); got != want {
				t.Errorf("%q found %d, %q found %d: results differ", tc[0], len(a), tc[1], len(b))
			}
		}
	})
}

func TestSearchHostileQueries(t *testing.T) {
	eachStore(t, func(t *testing.T, _, openSample func(testing.TB) Store) {
		db := openSample(t)
		for _, q := range []string{
			`AND`, `OR`, `NOT`, `*`, `"`, `"unbalanced 国务院`, `NEAR(`, `NEAR(国务院 办公厅, 1)`, `:`, `title:国务院`,
			`b:国务院`, `国务院*`, `^国务院`, `{b t}:国务院`, `'; DROP TABLE documents; --`, `-`, `-国务院`,
			`国务院 AND OR NOT 办公厅`, "\x00", "\xff\xfe", strings.Repeat("国务院 ", 200), `""""`, `(国务院`, `国务院)`,
			`+国务院`, `国务院 -"`, `category:`, `year:99999`, `from:2020-13-45`,
		} {
			res, err := db.Search(context.Background(), wengao.SearchRequest{Query: q})
			if err != nil {
				t.Errorf("query %q: %v", q, err)
				continue
			}
			if res.Total < len(res.Hits) {
				t.Errorf("query %q: total %d < hits %d", q, res.Total, len(res.Hits))
			}
		}
		// A query made only of exclusions lists every document without them.
		all, err := db.CountDocuments(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		with, without := findAll(t, db, "国务院"), findAll(t, db, "-国务院")
		if len(without) == 0 {
			t.Error("-国务院 found nothing")
		}
		if got := len(with) + len(without); got != all {
			t.Errorf("国务院 %d + -国务院 %d = %d, want %d documents", len(with), len(without), got, all)
		}
	})
}

func TestSearchOperators(t *testing.T) {
	eachStore(t, func(t *testing.T, _, openSample func(testing.TB) Store) {
		db := openSample(t)
		a := findAll(t, db, "国务院办公厅")
		b := findAll(t, db, "国务院办公厅 意见")
		c := findAll(t, db, "国务院办公厅 -意见")
		if len(b) == 0 {
			t.Error("AND found nothing")
		}
		if len(c) == 0 {
			t.Error("NOT found nothing")
		}
		if got, want := len(b)+len(c), len(a); got != want {
			t.Errorf("AND %d + NOT %d = %d, want %d", len(b), len(c), got, want)
		}
		x := findAll(t, db, "畜牧")
		y := findAll(t, db, "渔业")
		xy := findAll(t, db, "畜牧 OR 渔业")
		union := map[string]bool{}
		for _, id := range append(x, y...) {
			union[id] = true
		}
		if got, want := len(xy), len(union); got != want {
			t.Errorf("OR found %d, want the union's %d", got, want)
		}
	})
}

func TestSearchFiltersFacetsSort(t *testing.T) {
	eachStore(t, func(t *testing.T, _, openSample func(testing.TB) Store) {
		ctx := context.Background()
		db := openSample(t)
		res, err := db.Search(ctx, wengao.SearchRequest{Query: "国务院 category:公文", Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total == 0 {
			t.Fatal("no hits")
		}
		for _, h := range res.Hits {
			if !strings.HasPrefix(h.Category, "公文") {
				t.Errorf("hit %s in category %s", h.ID, h.Category)
			}
		}
		sum := 0
		for _, f := range res.Facets.Category {
			sum += f.Count
		}
		if sum != res.Total {
			t.Errorf("category facets sum %d, total %d", sum, res.Total)
		}
		// Year and date range filters.
		res, err = db.Search(ctx, wengao.SearchRequest{Query: "规定 from:2020-01-01 to:2021-12-31", Limit: 100, Sort: wengao.SortDate})
		if err != nil {
			t.Fatal(err)
		}
		prev := "9999"
		for _, h := range res.Hits {
			if h.Date < "2020-01-01" || h.Date > "2021-12-31" {
				t.Errorf("hit %s dated %s, want 2020-01-01 to 2021-12-31", h.ID, h.Date)
			}
			if h.Date > prev {
				t.Errorf("not sorted by date: %s after %s", h.Date, prev)
			}
			prev = h.Date
		}
		res, err = db.Search(ctx, wengao.SearchRequest{Query: "规定 year:2021"})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range res.Facets.Year {
			if f.Value != "2021" {
				t.Errorf("year facet %q in a year:2021 search", f.Value)
			}
		}
		// Pagination is stable and disjoint.
		p1, err := db.Search(ctx, wengao.SearchRequest{Query: "规定", Limit: 5, Page: 1})
		if err != nil {
			t.Fatal(err)
		}
		p2, err := db.Search(ctx, wengao.SearchRequest{Query: "规定", Limit: 5, Page: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(p1.Hits) != 5 {
			t.Fatalf("page 1: %d hits, want 5", len(p1.Hits))
		}
		if len(p2.Hits) != 5 {
			t.Fatalf("page 2: %d hits, want 5", len(p2.Hits))
		}
		if p1.Hits[0].ID == p2.Hits[0].ID {
			t.Fatalf("pages 1 and 2 both start with %s", p1.Hits[0].ID)
		}
	})
}

func TestSearchRanksTitleFirst(t *testing.T) {
	eachStore(t, func(t *testing.T, _, openSample func(testing.TB) Store) {
		db := openSample(t)
		docs := sqlitetest.SampleDocuments(t)
		// Every sample title, searched for whole, ranks its document first
		// or behind documents whose titles are identical or contain it.
		misses := 0
		for _, d := range docs {
			res, err := db.Search(context.Background(), wengao.SearchRequest{Query: `"` + d.Title + `"`, Limit: 5})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, h := range res.Hits {
				if h.ID == d.ID {
					found = true
					break
				}
				if !strings.Contains(chinese.Normalize(h.Title), chinese.Normalize(d.Title)) {
					break
				}
			}
			if !found {
				misses++
				t.Logf("title %q not ranked first: %v", d.Title, res.Hits)
			}
		}
		if misses > 0 {
			t.Errorf("%d of %d titles not ranked first", misses, len(docs))
		}
	})
}

func TestSnippetOnOriginalText(t *testing.T) {
	eachStore(t, func(t *testing.T, open, _ func(testing.TB) Store) {
		db := open(t)
		_, err := db.SaveDocuments(context.Background(), []*wengao.Document{{
			ID: "t1", Title: "關於加強<b>管理</b>的通知", Body: []string{"第一段。", "各單位要加強ＧＢ／Ｔ　９７０４的落實，<script>alert(1)</script>。"},
		}})
		if err != nil {
			t.Fatal(err)
		}
		res, err := db.Search(context.Background(), wengao.SearchRequest{Query: "加强 9704"})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) != 1 {
			t.Fatalf("%d hits, want 1", len(res.Hits))
		}
		h := res.Hits[0]
		for _, want := range []string{"<mark>加強</mark>", "<mark>９７０４</mark>", "&lt;script&gt;"} {
			if !strings.Contains(h.Snippet, want) {
				t.Errorf("snippet = %q, want it to hold %q", h.Snippet, want)
			}
		}
		if strings.Contains(h.Snippet, "<script>") {
			t.Errorf("snippet not escaped: %q", h.Snippet)
		}
		if got, want := h.TitleHTML, "關於<mark>加強</mark>&lt;b&gt;管理&lt;/b&gt;的通知"; got != want {
			t.Errorf("title = %q, want %q", got, want)
		}
		if !utf8.ValidString(h.Snippet) {
			t.Error("snippet not UTF-8")
		}
	})
}

func TestRelatedDocuments(t *testing.T) {
	eachStore(t, func(t *testing.T, _, openSample func(testing.TB) Store) {
		ctx := context.Background()
		db := openSample(t)
		docs := sqlitetest.SampleDocuments(t)
		for _, d := range docs[:40] {
			refs, err := db.RelatedDocuments(ctx, d.ID, 8)
			if err != nil {
				if wengao.ErrorCode(err) == wengao.ENOTFOUND {
					continue // an exact duplicate, not stored
				}
				t.Fatal(err)
			}
			if len(refs) < 5 {
				t.Errorf("%s: only %d related", d.ID, len(refs))
			}
			seen := map[string]bool{}
			for _, r := range refs {
				if r.ID == d.ID {
					t.Errorf("%s related to itself", d.ID)
				}
				if seen[r.ID] {
					t.Errorf("%s: %s twice", d.ID, r.ID)
				}
				seen[r.ID] = true
			}
		}
		if _, err := db.RelatedDocuments(ctx, "nope", 5); wengao.ErrorCode(err) != wengao.ENOTFOUND {
			t.Fatalf("missing: %v, want %s", err, wengao.ENOTFOUND)
		}
	})
}

func TestMaskedWordsSearchAsOne(t *testing.T) {
	eachStore(t, func(t *testing.T, open, _ func(testing.TB) Store) {
		ctx := context.Background()
		db := open(t)
		if _, err := db.SaveDocuments(ctx, []*wengao.Document{
			{ID: "real", Title: "关于加强基层党委建设的意见", Body: []string{"各级党委要切实履行主体责任。"}},
			{ID: "masked", Title: "在常委会议上的讲话", Body: []string{"市D委书记强调，坚持D的领导，团结各民主D派。"}},
		}); err != nil {
			t.Fatal(err)
		}
		ids := func(q string) string {
			t.Helper()
			res, err := db.Search(ctx, wengao.SearchRequest{Query: q, Sort: wengao.SortDate})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, h := range res.Hits {
				out = append(out, h.ID)
			}
			return strings.Join(out, ",")
		}
		if got := ids("党委"); got != "real" {
			t.Fatalf("without rules 党委 finds %q, want %q", got, "real")
		}
		for _, m := range []wengao.MaskRule{{Word: "党委", Shown: "D委"}, {Word: "党的", Shown: "D的"}, {Word: "民主党派", Shown: "民主D派"}} {
			if err := db.AddMask(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		for q, want := range map[string]string{
			"党委": "masked,real", "D委": "masked,real", "d委": "masked,real", `"党委书记"`: "masked",
			"民主党派": "masked", "党的领导": "masked", "党委 -D的": "real", "黨委": "masked,real",
		} {
			if got := ids(q); got != want {
				t.Errorf("%s finds %q, want %q", q, got, want)
			}
		}
		// Snippets show the shown form, marked.
		res, err := db.Search(ctx, wengao.SearchRequest{Query: "党委"})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			shown := h.Snippet + h.TitleHTML
			if strings.Contains(shown, "党委") {
				t.Errorf("%s shows 党委: snippet %q title %q", h.ID, h.Snippet, h.TitleHTML)
			}
			if !strings.Contains(shown, "<mark>D委</mark>") {
				t.Errorf("%s does not mark D委: snippet %q title %q", h.ID, h.Snippet, h.TitleHTML)
			}
		}
		rules, v, err := db.MaskRules(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(rules) != 3 {
			t.Fatalf("%d rules, want 3", len(rules))
		}
		if got, want := rules[0].Word, "民主党派"; got != want {
			t.Errorf("first rule %q, want the longest word %q", got, want)
		}
		if v == 0 {
			t.Error("rules version 0 after changes")
		}
		if err := db.RemoveMask(ctx, "党委"); err != nil {
			t.Fatal(err)
		}
		if got := ids("党委"); got != "real" {
			t.Errorf("after removing the rule 党委 finds %q, want %q", got, "real")
		}
		if err := db.RemoveMask(ctx, "党委"); wengao.ErrorCode(err) != wengao.ENOTFOUND {
			t.Errorf("removing a missing rule: %v, want %s", err, wengao.ENOTFOUND)
		}
		for _, bad := range []wengao.MaskRule{{Word: "", Shown: "x"}, {Word: "党", Shown: "党"}, {Word: "<b>", Shown: "x"}, {Word: "党委", Shown: "D 委"}} {
			if err := db.AddMask(ctx, bad); wengao.ErrorCode(err) != wengao.EINVALID {
				t.Errorf("AddMask(%q, %q) = %v, want %s", bad.Word, bad.Shown, err, wengao.EINVALID)
			}
		}
	})
}
