package sqlite_test

import (
	"context"
	"math/rand"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/chinese"
	"github.com/wengao/wengao/importer"
	"github.com/wengao/wengao/sample"
	"github.com/wengao/wengao/sqlite"
)

// sampleDocs reads the sample library's records.
func sampleDocs(t *testing.T) []*wengao.Document { return sampleDocsB(t) }

func sampleDocsB(t testing.TB) []*wengao.Document {
	t.Helper()
	r, err := sample.JSONL()
	if err != nil {
		t.Fatal(err)
	}
	var docs []*wengao.Document
	col := &collector{docs: &docs}
	im := &importer.Importer{Service: col}
	if _, err := im.RunJSONL(context.Background(), "sample.jsonl", r); err != nil {
		t.Fatal(err)
	}
	return docs
}

// collector is a DocumentService that only keeps what it is given.
type collector struct {
	wengao.DocumentService
	docs *[]*wengao.Document
}

func (c *collector) SaveDocuments(_ context.Context, docs []*wengao.Document) ([]wengao.ImportResult, error) {
	*c.docs = append(*c.docs, docs...)
	res := make([]wengao.ImportResult, len(docs))
	return res, nil
}

// TestPhraseAgreesWithScan checks that a quoted phrase finds exactly the
// documents whose normalised text contains it, like grep: random
// substrings of the sample's text, cutting through words, of 1 to 8
// characters, plain and typed in full-width or traditional forms.
func TestPhraseAgreesWithScan(t *testing.T) {
	db := MustOpenSampleDB(t)
	docs := sampleDocs(t)
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
		got := search(t, db, `"`+phrase+`"`)
		sort.Strings(want)
		sort.Strings(got)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("phrase %q: search found %d, scan found %d\n got %v\nwant %v", phrase, len(got), len(want), got, want)
		}
	}
}

func TestSearchTraditionalAndFullWidth(t *testing.T) {
	db := MustOpenSampleDB(t)
	for _, tc := range [][2]string{
		{"国务院办公厅 意见", "國務院辦公廳 意見"},
		{"政府工作报告", "政府工作報告"},
		{"2024", "２０２４"},
	} {
		a, b := search(t, db, tc[0]), search(t, db, tc[1])
		if len(a) == 0 || strings.Join(a, ",") != strings.Join(b, ",") {
			t.Errorf("%q found %d, %q found %d: results differ", tc[0], len(a), tc[1], len(b))
		}
	}
}

func TestSearchHostileQueries(t *testing.T) {
	db := MustOpenSampleDB(t)
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
	all, _ := db.CountDocuments(context.Background())
	if with, without := search(t, db, "国务院"), search(t, db, "-国务院"); len(with)+len(without) != all || len(without) == 0 {
		t.Errorf("国务院 %d + -国务院 %d != %d documents", len(with), len(without), all)
	}
}

func TestSearchOperators(t *testing.T) {
	db := MustOpenSampleDB(t)
	a := search(t, db, "国务院办公厅")
	b := search(t, db, "国务院办公厅 意见")
	c := search(t, db, "国务院办公厅 -意见")
	if len(b)+len(c) != len(a) || len(b) == 0 || len(c) == 0 {
		t.Fatalf("AND/NOT: %d = %d + %d?", len(a), len(b), len(c))
	}
	x := search(t, db, "畜牧")
	y := search(t, db, "渔业")
	xy := search(t, db, "畜牧 OR 渔业")
	union := map[string]bool{}
	for _, id := range append(x, y...) {
		union[id] = true
	}
	if len(xy) != len(union) {
		t.Fatalf("OR: %d, union %d", len(xy), len(union))
	}
}

func TestSearchFiltersFacetsSort(t *testing.T) {
	ctx := context.Background()
	db := MustOpenSampleDB(t)
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
			t.Errorf("hit %s dated %s", h.ID, h.Date)
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
	p1, _ := db.Search(ctx, wengao.SearchRequest{Query: "规定", Limit: 5, Page: 1})
	p2, _ := db.Search(ctx, wengao.SearchRequest{Query: "规定", Limit: 5, Page: 2})
	if len(p1.Hits) != 5 || len(p2.Hits) != 5 || p1.Hits[0].ID == p2.Hits[0].ID {
		t.Fatalf("pagination: %d %d", len(p1.Hits), len(p2.Hits))
	}
}

func TestSearchRanksTitleFirst(t *testing.T) {
	db := MustOpenSampleDB(t)
	docs := sampleDocs(t)
	// Every sample title, searched for whole, ranks its document first or
	// behind documents whose titles are identical or contain it.
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
}

func TestSnippetOnOriginalText(t *testing.T) {
	db := MustOpenDB(t)
	_, err := db.SaveDocuments(context.Background(), []*wengao.Document{{
		ID: "t1", Title: "關於加強<b>管理</b>的通知", Body: []string{"第一段。", "各單位要加強ＧＢ／Ｔ　９７０４的落實，<script>alert(1)</script>。"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.Search(context.Background(), wengao.SearchRequest{Query: "加强 9704"})
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("%v %+v", err, res)
	}
	h := res.Hits[0]
	if !strings.Contains(h.Snippet, "<mark>加強</mark>") || !strings.Contains(h.Snippet, "<mark>９７０４</mark>") {
		t.Errorf("snippet = %q", h.Snippet)
	}
	if strings.Contains(h.Snippet, "<script>") || !strings.Contains(h.Snippet, "&lt;script&gt;") {
		t.Errorf("snippet not escaped: %q", h.Snippet)
	}
	if h.TitleHTML != "關於<mark>加強</mark>&lt;b&gt;管理&lt;/b&gt;的通知" {
		t.Errorf("title = %q", h.TitleHTML)
	}
	if !utf8.ValidString(h.Snippet) {
		t.Error("snippet not UTF-8")
	}
}

func TestRelatedDocuments(t *testing.T) {
	ctx := context.Background()
	db := MustOpenSampleDB(t)
	docs := sampleDocs(t)
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
		t.Fatalf("missing: %v", err)
	}
	_ = sqlite.DefaultLimit
}
