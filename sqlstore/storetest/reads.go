package storetest

import (
	"context"
	"testing"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/sqlstore"
)

// SaveReadDocs saves four documents (a, b, c, d) of three top-level
// categories, b undated, d of two paragraphs.
func SaveReadDocs(t *testing.T, db wengao.DocumentService) {
	t.Helper()
	_, err := db.SaveDocuments(context.Background(), []*wengao.Document{
		{ID: "a", Title: "关于加强安全生产工作的意见", Date: "2024-01-02", Category: "公文/意见", Body: []string{"加强安全生产。"}},
		{ID: "b", Title: "政府工作报告", Date: "2023-03-05", Category: "报告/政府工作报告", Body: []string{"过去一年，经济回升向好。"}},
		{ID: "c", Title: "中华人民共和国安全生产法", Date: "", Category: "法律法规/法律", Body: []string{"第一条 为了加强安全生产工作，制定本法。"}},
		{ID: "d", Title: "关于做好春节期间工作的通知", Date: "2024-02-01", Category: "公文/通知", Body: []string{"各单位：", "请做好春节期间安全工作。"}},
	})
	if err != nil {
		t.Fatal(err)
	}
}

func testRecordReads(t *testing.T, open Opener) {
	ctx := context.Background()
	f := open(t)
	db := f.Docs
	SaveReadDocs(t, db)

	err := db.RecordReads(ctx, []wengao.Read{
		{DocumentID: "a", Day: "2024-05-01", Count: 3},
		{DocumentID: "b", Day: "2024-05-01", Count: 1},
		{DocumentID: "b", Day: "2024-05-07", Count: 5},
		{DocumentID: "a", Day: "2024-05-07", Count: 1},
		{DocumentID: "a", Day: "2024-05-07", Count: 1}, // merged with the one before
		{DocumentID: "gone", Day: "2024-05-07", Count: 9},
	})
	if err != nil {
		t.Fatal(err)
	}
	// A second batch adds to the same days.
	if err := db.RecordReads(ctx, []wengao.Read{{DocumentID: "c", Day: "2024-05-07", Count: 1}, {DocumentID: "a", Day: "2024-05-07", Count: 1}}); err != nil {
		t.Fatal(err)
	}

	doc, err := db.FindDocumentByID(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if doc.Reads != 6 {
		t.Errorf("reads of a = %d, want 6", doc.Reads)
	}

	for _, tt := range []struct {
		since string
		want  []wengao.RankedDocument
	}{
		{"", []wengao.RankedDocument{{ID: "a", Reads: 6}, {ID: "b", Reads: 6}, {ID: "c", Reads: 1}}},
		{"2024-05-07", []wengao.RankedDocument{{ID: "b", Reads: 5}, {ID: "a", Reads: 3}, {ID: "c", Reads: 1}}},
		{"2024-05-08", nil},
	} {
		got, err := db.TopDocuments(ctx, wengao.RankFilter{Since: tt.since, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(tt.want) {
			t.Fatalf("since %q: %+v, want %+v", tt.since, got, tt.want)
		}
		for i := range got {
			if got := got[i].ID; got != tt.want[i].ID {
				t.Errorf("since %q: got[i].ID = %v, want %v", tt.since, got, tt.want[i].ID)
			}
			if got := got[i].Reads; got != tt.want[i].Reads {
				t.Errorf("since %q: got[i].Reads = %v, want %v", tt.since, got, tt.want[i].Reads)
			}
			if got[i].Title == "" {
				t.Errorf("since %q: [%d] = %+v, want %+v (want not got[i].Title == \"\")", tt.since, i, got[i], tt.want[i])
			}
		}
	}
	if got, _ := db.TopDocuments(ctx, wengao.RankFilter{Limit: 1}); len(got) != 1 {
		t.Errorf("limit 1: %+v", got)
	}

	// Search sorted by reads sees the new totals through the metadata cache.
	res, err := db.Search(ctx, wengao.SearchRequest{Query: "安全生产", Sort: wengao.SortReads})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Hits[0].ID; got != "a" {
		t.Errorf("search by reads: res.Hits[0].ID = %v, want %v", got, "a")
	}
	if got := res.Hits[0].Reads; got != 6 {
		t.Errorf("search by reads: res.Hits[0].Reads = %v, want %v", got, 6)
	}
	if err := db.RecordReads(ctx, []wengao.Read{{DocumentID: "c", Day: "2024-05-08", Count: 10}}); err != nil {
		t.Fatal(err)
	}
	res, _ = db.Search(ctx, wengao.SearchRequest{Query: "安全生产", Sort: wengao.SortReads})
	if res.Hits[0].ID != "c" {
		t.Errorf("search by reads after more reads of c: %+v", res.Hits)
	}

	for _, bad := range [][]wengao.Read{
		{{DocumentID: "a", Day: "2024-5-1", Count: 1}},
		{{DocumentID: "a", Day: "2024-05-01", Count: 0}},
	} {
		if err := db.RecordReads(ctx, bad); wengao.ErrorCode(err) != wengao.EINVALID {
			t.Errorf("RecordReads(%+v) = %v, want EINVALID", bad, err)
		}
	}
	if _, err := db.TopDocuments(ctx, wengao.RankFilter{Since: "yesterday"}); wengao.ErrorCode(err) != wengao.EINVALID {
		t.Errorf("TopDocuments(bad day) = %v, want EINVALID", err)
	}
	if err := db.RecordReads(ctx, nil); err != nil {
		t.Errorf("no reads: %v", err)
	}
}

// TestRecordReadsKeepsImport checks that counting reads neither changes a
// document's content nor makes a re-import see it as changed.
func testRecordReadsKeepsImport(t *testing.T, open Opener) {
	ctx := context.Background()
	f := open(t)
	db := f.Docs
	doc := func() *wengao.Document {
		return &wengao.Document{ID: "a", Title: "关于加强安全生产工作的意见", Body: []string{"加强安全生产。"}}
	}
	if _, err := db.SaveDocuments(ctx, []*wengao.Document{doc()}); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordReads(ctx, []wengao.Read{{DocumentID: "a", Day: "2024-05-01", Count: 2}}); err != nil {
		t.Fatal(err)
	}
	res, err := db.SaveDocuments(ctx, []*wengao.Document{doc()})
	if err != nil {
		t.Fatalf("re-import after reads: %v", err)
	}
	if got := res[0].Outcome; got != wengao.Unchanged {
		t.Fatalf("re-import after reads: res[0].Outcome = %v, want %v", got, wengao.Unchanged)
	}
	d := doc()
	d.Body = []string{"加强安全生产监管。"}
	if _, err := db.SaveDocuments(ctx, []*wengao.Document{d}); err != nil {
		t.Fatal(err)
	}
	got, _ := db.FindDocumentByID(ctx, "a")
	if got.Reads != 2 {
		t.Errorf("an update lost the reads: %d", got.Reads)
	}
}

func testListDocuments(t *testing.T, open Opener) {
	ctx := context.Background()
	f := open(t)
	db := f.Docs
	SaveReadDocs(t, db)

	for _, tt := range []struct {
		f    wengao.DocumentListFilter
		want string
	}{
		{wengao.DocumentListFilter{Order: wengao.OrderDate, Limit: 10}, "dabc"},
		{wengao.DocumentListFilter{Order: wengao.OrderAdded, Limit: 2}, "dc"},
		{wengao.DocumentListFilter{Order: wengao.OrderID, Offset: 1, Limit: 2}, "bc"},
		{wengao.DocumentListFilter{Order: wengao.OrderID, Offset: 10, Limit: 2}, ""},
	} {
		got, total, err := db.ListDocuments(ctx, tt.f)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(got); got != tt.want {
			t.Errorf("%+v: ids(got) = %v, want %v", tt.f, got, tt.want)
		}
		if got := total; got != 4 {
			t.Errorf("%+v: total = %v, want %v", tt.f, got, 4)
		}
	}
	got, _, err := db.ListDocuments(ctx, wengao.DocumentListFilter{Order: wengao.OrderAdded, Limit: 1, SummaryRunes: 6})
	if err != nil {
		t.Fatal(err)
	}
	if got := got[0].Summary; got != "各单位： 请…" {
		t.Errorf("summary: got[0].Summary = %v, want %v", got, "各单位： 请…")
	}
	if got := got[0].Category; got != "公文/通知" {
		t.Errorf("summary: got[0].Category = %v, want %v", got, "公文/通知")
	}
	if got[0].CreatedAt.IsZero() {
		t.Errorf("summary: %+v (want not got[0].CreatedAt.IsZero())", got[0])
	}
	if _, _, err := db.ListDocuments(ctx, wengao.DocumentListFilter{Order: "title"}); wengao.ErrorCode(err) != wengao.EINVALID {
		t.Errorf("unknown order: %v", err)
	}
	if _, _, err := db.ListDocuments(ctx, wengao.DocumentListFilter{Offset: -1}); wengao.ErrorCode(err) != wengao.EINVALID {
		t.Errorf("negative offset: %v", err)
	}
}

func testCategories(t *testing.T, open Opener) {
	f := open(t)
	db := f.Docs
	SaveReadDocs(t, db)
	cats, err := db.Categories(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := len(cats); got != 3 {
		t.Fatalf("categories: len(cats) = %v, want %v", got, 3)
	}
	if got := cats[0].Path; got != "公文" {
		t.Fatalf("categories: cats[0].Path = %v, want %v", got, "公文")
	}
	if got := cats[0].Count; got != 2 {
		t.Fatalf("categories: cats[0].Count = %v, want %v", got, 2)
	}
	if got := len(cats[0].Children); got != 2 {
		t.Fatalf("categories: len(cats[0].Children) = %v, want %v", got, 2)
	}
	{
		c := cats[0].Children[0]
		if c.Path != "公文/意见" && c.Path != "公文/通知" {
			t.Errorf("children: %+v (want not c.Path != \"公文/意见\" && c.Path != \"公文/通知\")", cats[0].Children)
		}
		if got := c.Count; got != 1 {
			t.Errorf("children: c.Count = %v, want %v", got, 1)
		}
	}
}

// TestListCategoryAndSlices: a category's listing (a top-level one takes
// in its sub-categories) with its count, kept as documents are hidden,
// moved and added; the library sliced by row id for the sitemaps.
func testListCategoryAndSlices(t *testing.T, open Opener) {
	ctx := context.Background()
	f := open(t)
	db := f.Docs
	SaveReadDocs(t, db)
	check := func(category, want string, wantTotal int) {
		t.Helper()
		got, total, err := db.ListDocuments(ctx, wengao.DocumentListFilter{Category: category, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if ids(got) != want {
			t.Errorf("category %s: got %q, want %q", category, ids(got), want)
		}
		if total != wantTotal {
			t.Errorf("category %s: got total %d, want %d", category, total, wantTotal)
		}
	}
	check("公文", "da", 2)
	check("公文/意见", "a", 1)
	check("公", "", 0) // a prefix of a name is not a category
	mustRawExec(t, f, `UPDATE documents SET status = 'hidden' WHERE ext_id = 'd'`)
	check("公文", "a", 1)
	mustRawExec(t, f, `UPDATE documents SET status = 'published' WHERE ext_id = 'd'`)
	if _, err := db.SaveDocuments(ctx, []*wengao.Document{{ID: "e", Title: "关于印发办法的通知", Date: "2024-03-01", Category: "公文/通知", Body: []string{"印发办法。"}}}); err != nil {
		t.Fatal(err)
	}
	check("公文", "eda", 3)
	check("公文/通知", "ed", 2)
	if n, err := db.CountDocuments(ctx); err != nil || n != 5 {
		t.Errorf("count: got %d (%v), want 5", n, err)
	}
	if _, _, err := db.ListDocuments(ctx, wengao.DocumentListFilter{Category: "公文", Order: wengao.OrderID}); wengao.ErrorCode(err) != wengao.EINVALID {
		t.Errorf("category by id: got %v, want EINVALID", err)
	}
	if _, _, err := db.ListDocuments(ctx, wengao.DocumentListFilter{Offset: sqlstore.MaxListOffset + 1}); wengao.ErrorCode(err) != wengao.EINVALID {
		t.Errorf("offset past the deepest: got %v, want EINVALID", err)
	}

	// Rows 1–5 in slices of 2: ab, cd, e; d hidden leaves its slice.
	mustRawExec(t, f, `UPDATE documents SET status = 'hidden' WHERE ext_id = 'd'`)
	for n, want := range []string{"", "ab", "c", "e", ""} {
		if n == 0 {
			continue
		}
		got, slices, err := db.ListDocumentSlice(ctx, n, 2)
		if err != nil {
			t.Fatal(err)
		}
		if ids(got) != want || slices != 3 {
			t.Errorf("slice %d: got %q of %d, want %q of 3", n, ids(got), slices, want)
		}
	}
	if _, _, err := db.ListDocumentSlice(ctx, 0, 2); wengao.ErrorCode(err) != wengao.EINVALID {
		t.Errorf("slice 0: got %v, want EINVALID", err)
	}
}

// ids joins the ids of ds (one letter each).
func ids(ds []wengao.DocumentSummary) string {
	s := ""
	for _, d := range ds {
		s += d.ID
	}
	return s
}
