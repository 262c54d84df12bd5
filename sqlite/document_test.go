package sqlite_test

import (
	"context"
	"strings"
	"testing"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/sqlite/sqlitetest"
)

func TestSaveDocuments(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
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

func TestSaveDocumentsInvalid(t *testing.T) {
	db := MustOpenDB(t)
	_, err := db.SaveDocuments(context.Background(), []*wengao.Document{{ID: "x", Title: " ", Body: []string{"正文"}}})
	if wengao.ErrorCode(err) != wengao.EINVALID {
		t.Fatalf("no title: %v", err)
	}
	_, err = db.SaveDocuments(context.Background(), []*wengao.Document{{ID: "x", Title: "标题", Body: []string{" ", ""}}})
	if wengao.ErrorCode(err) != wengao.EINVALID {
		t.Fatalf("empty body: %v", err)
	}
}

// search returns the ids of every hit of q.
func search(t *testing.T, db wengao.SearchService, q string) []string {
	t.Helper()
	return sqlitetest.FindAll(t, db, q)
}
