package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/wengao/wengao"
)

func testSaveDocuments(t *testing.T, open Opener) {
	ctx := context.Background()
	f := open(t)
	db := f.Docs
	doc := func() *wengao.Document {
		return &wengao.Document{
			ID: "a1", Title: "关于推进精细化工产业发展的意见", Date: "2023-06-28", Category: "公文/意见",
			Body: []string{"一、总体要求", "推进精细化工产业集群发展。", "（一）加强组织领导。各地要高度重视。"},
		}
	}
	res, err := db.SaveDocuments(ctx, []*wengao.Document{doc()})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Outcome != wengao.Imported {
		t.Fatalf("first save: %v", res[0].Outcome)
	}
	// The same record again changes nothing.
	res, err = db.SaveDocuments(ctx, []*wengao.Document{doc()})
	if err != nil {
		t.Fatalf("second save: %v", err)
	}
	if got := res[0].Outcome; got != wengao.Unchanged {
		t.Fatalf("second save: res[0].Outcome = %v, want %v", got, wengao.Unchanged)
	}
	// A changed record updates in place, and the index follows.
	d := doc()
	d.Body[1] = "推进新能源汽车产业集群发展。"
	res, err = db.SaveDocuments(ctx, []*wengao.Document{d})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if got := res[0].Outcome; got != wengao.Updated {
		t.Fatalf("update: res[0].Outcome = %v, want %v", got, wengao.Updated)
	}
	{
		got := search(t, db, `"新能源汽车"`)
		if got := len(got); got != 1 {
			t.Fatalf("new text not searchable: len(got) = %v, want %v", got, 1)
		}
		if got := got[0]; got != "a1" {
			t.Fatalf("new text not searchable: got[0] = %v, want %v", got, "a1")
		}
	}
	if got := search(t, db, `"精细化工产业集群"`); len(got) != 0 {
		t.Fatalf("old text still found: %v", got)
	}
	// The same text under another id is a duplicate, named.
	dup := doc()
	dup.ID = "b2"
	dup.Body[1] = d.Body[1]
	dup.Title = "關於推進精細化工產業發展的意見" // traditional: same normalised text
	res, err = db.SaveDocuments(ctx, []*wengao.Document{dup})
	if err != nil {
		t.Fatalf("duplicate: %v", err)
	}
	if got := res[0].Outcome; got != wengao.Duplicate {
		t.Fatalf("duplicate: res[0].Outcome = %v, want %v", got, wengao.Duplicate)
	}
	if got := res[0].DuplicateOf; got != "a1" {
		t.Fatalf("duplicate: res[0].DuplicateOf = %v, want %v", got, "a1")
	}
	got, err := db.FindDocumentByID(ctx, "a1")
	if err != nil {
		t.Fatal(err)
	}
	if got := got.Title; got != d.Title {
		t.Fatalf("stored document differs: got.Title = %v, want %v", got, d.Title)
	}
	if got := strings.Join(got.Body, "\n"); got != strings.Join(d.Body, "\n") {
		t.Fatalf("stored document differs: strings.Join(got.Body, \"\\n\") = %v, want %v", got, strings.Join(d.Body, "\n"))
	}
	if got := got.Date; got != "2023-06-28" {
		t.Fatalf("stored document differs: got.Date = %v, want %v", got, "2023-06-28")
	}
	if len(got.Outline) == 0 {
		t.Fatalf("outline not stored: %+v (want not len(got.Outline) == 0)", got.Outline)
	}
	if got := got.Outline[0].Marker; got != "一、" {
		t.Fatalf("outline not stored: got.Outline[0].Marker = %v, want %v", got, "一、")
	}
	if _, err := db.FindDocumentByID(ctx, "nope"); wengao.ErrorCode(err) != wengao.ENOTFOUND {
		t.Fatalf("missing id: %v", err)
	}
	if n, _ := db.CountDocuments(ctx); n != 1 {
		t.Fatalf("count = %d", n)
	}
}

func testSaveDocumentsInvalid(t *testing.T, open Opener) {
	f := open(t)
	db := f.Docs
	_, err := db.SaveDocuments(context.Background(), []*wengao.Document{{ID: "x", Title: " ", Body: []string{"正文"}}})
	if wengao.ErrorCode(err) != wengao.EINVALID {
		t.Fatalf("no title: %v", err)
	}
	_, err = db.SaveDocuments(context.Background(), []*wengao.Document{{ID: "x", Title: "标题", Body: []string{" ", ""}}})
	if wengao.ErrorCode(err) != wengao.EINVALID {
		t.Fatalf("empty body: %v", err)
	}
}

// search returns the ids of every hit of q, page after page, and fails
// t unless they add up to the total.
func search(t *testing.T, db wengao.SearchService, q string) []string {
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

// testDeleteDocument: a deleted document is gone from lookups, search,
// listings and counts; deleting it again is ENOTFOUND.
func testDeleteDocument(t *testing.T, open Opener) {
	ctx := context.Background()
	f := open(t)
	db := f.Docs
	SaveReadDocs(t, db)
	if got := search(t, db, `"安全"`); len(got) != 3 {
		t.Fatalf("before: search found %v, want a, c and d", got)
	}
	if err := db.RecordReads(ctx, []wengao.Read{{DocumentID: "a", Day: "2024-05-01", Count: 3}}); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteDocument(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindDocumentByID(ctx, "a"); wengao.ErrorCode(err) != wengao.ENOTFOUND {
		t.Errorf("find after delete: got %v, want ENOTFOUND", err)
	}
	got := search(t, db, `"安全"`)
	if strings.Join(got, ",") != "c,d" && strings.Join(got, ",") != "d,c" {
		t.Errorf("search after delete: got %v, want c and d", got)
	}
	if n, err := db.CountDocuments(ctx); err != nil || n != 3 {
		t.Errorf("count after delete: got %d (%v), want 3", n, err)
	}
	if top, err := db.TopDocuments(ctx, wengao.RankFilter{Limit: 10}); err != nil || len(top) != 0 {
		t.Errorf("ranking after delete: got %+v (%v), want none", top, err)
	}
	if err := db.DeleteDocument(ctx, "a"); wengao.ErrorCode(err) != wengao.ENOTFOUND {
		t.Errorf("delete again: got %v, want ENOTFOUND", err)
	}
}

// testDocumentsAcrossInstances: documents saved or deleted by one
// instance are found, and then not, by another's search (its catalog
// follows doc_version), with no notification between them.
func testDocumentsAcrossInstances(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t)
	b := a.Reopen(t)
	if got := search(t, b.Docs, `"安全"`); len(got) != 0 {
		t.Fatalf("empty library: found %v", got)
	}
	SaveReadDocs(t, a.Docs)
	if got := search(t, b.Docs, `"安全"`); len(got) != 3 {
		t.Errorf("saved by the other instance: found %v, want a, c and d", got)
	}
	if err := a.Docs.DeleteDocument(ctx, "c"); err != nil {
		t.Fatal(err)
	}
	for _, id := range search(t, b.Docs, `"安全"`) {
		if id == "c" {
			t.Errorf("deleted by the other instance: still found")
		}
	}
	if err := a.Docs.RecordReads(ctx, []wengao.Read{{DocumentID: "d", Day: "2024-05-01", Count: 7}}); err != nil {
		t.Fatal(err)
	}
	res, err := b.Docs.Search(ctx, wengao.SearchRequest{Query: "安全", Sort: wengao.SortReads})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 || res.Hits[0].ID != "d" || res.Hits[0].Reads != 7 {
		t.Errorf("reads counted by the other instance: hits %+v, want d first with 7 reads", res.Hits)
	}
}

// testLongDocumentPhrases: in a text long enough, and repetitive enough,
// for an index to split it (PostgreSQL's tsvector keeps positions up to
// 16,383 and 256 of each lexeme), every phrase is found wherever it
// stands, and a phrase that is not in the text is not.
func testLongDocumentPhrases(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t).Docs
	var body []string
	for i := range 600 {
		body = append(body, "工作工作工作工作工作工作工作工作")
		if i%20 == 0 {
			body = append(body, fmt.Sprintf("标记%d号甲乙丙丁戊己", i))
		}
	}
	for i := range 3000 {
		body = append(body, fmt.Sprintf("第%d条 各单位按规定执行。", i))
		if i%97 == 0 {
			body = append(body, fmt.Sprintf("记号%d项子丑寅卯辰巳", i))
		}
	}
	body = append(body, "文末独有的一句话")
	if _, err := db.SaveDocuments(ctx, []*wengao.Document{
		{ID: "long", Title: "关于长文档的通知", Body: body},
		{ID: "short", Title: "短文档", Body: []string{"工作安排。"}},
	}); err != nil {
		t.Fatal(err)
	}
	var phrases []string
	for i := 0; i < 600; i += 20 {
		phrases = append(phrases, fmt.Sprintf("标记%d号甲乙丙丁戊己", i))
	}
	for i := 0; i < 3000; i += 97 {
		phrases = append(phrases, fmt.Sprintf("记号%d项子丑寅卯辰巳", i), fmt.Sprintf("第%d条", i))
	}
	phrases = append(phrases, "文末独有的一句话", "工作工作工作工作工作工作工作工作")
	for _, p := range phrases {
		if got := search(t, db, `"`+p+`"`); strings.Join(got, ",") != "long" {
			t.Errorf("phrase %q: found %v, want long", p, got)
		}
	}
	for _, p := range []string{"标记21号", "记号98项", "一句话工作", "第3000条"} {
		if got := search(t, db, `"`+p+`"`); len(got) != 0 {
			t.Errorf("phrase %q not in the text: found %v", p, got)
		}
	}
	if got := search(t, db, `"工作安排"`); strings.Join(got, ",") != "short" {
		t.Errorf("phrase 工作安排: found %v, want short", got)
	}
}

// testSaveTwiceInOneBatch: a document saved twice in one batch is stored
// and indexed as the second record, once.
func testSaveTwiceInOneBatch(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t).Docs
	if _, err := db.SaveDocuments(ctx, []*wengao.Document{{ID: "a", Title: "旧标题", Body: []string{"第一版正文。"}}}); err != nil {
		t.Fatal(err)
	}
	res, err := db.SaveDocuments(ctx, []*wengao.Document{
		{ID: "a", Title: "新标题", Body: []string{"第二版正文。"}},
		{ID: "b", Title: "另一篇", Body: []string{"别的内容。"}},
		{ID: "a", Title: "新标题", Body: []string{"第三版正文。"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var outcomes []string
	for _, r := range res {
		outcomes = append(outcomes, r.Outcome.String())
	}
	if got, want := strings.Join(outcomes, ","), "updated,imported,updated"; got != want {
		t.Errorf("outcomes %s, want %s", got, want)
	}
	for q, want := range map[string]string{`"第三版"`: "a", `"第二版"`: "", `"第一版"`: "", `"新标题"`: "a", `"旧标题"`: "", `"别的内容"`: "b"} {
		if got := strings.Join(search(t, db, q), ","); got != want {
			t.Errorf("search %s: found %q, want %q", q, got, want)
		}
	}
}
