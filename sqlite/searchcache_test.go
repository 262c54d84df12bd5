package sqlite_test

import (
	"context"
	"testing"

	"github.com/wengao/wengao"
)

// A search's cached ranking is forgotten when documents change, whether
// this process wrote them or another one sharing the file did.
func TestSearchCacheFollowsChanges(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	total := func() int {
		t.Helper()
		res, err := db.Search(ctx, wengao.SearchRequest{Query: "精细化工"})
		if err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	doc := func(id string) *wengao.Document {
		return &wengao.Document{ID: id, Title: "精细化工产业发展报告 " + id, Date: "2023-06-28", Category: "报告", Body: []string{"推进精细化工产业发展。"}}
	}
	save(t, db, doc("a"))
	if got, want := total(), 1; got != want {
		t.Fatalf("total %d, want %d", got, want)
	}
	save(t, db, doc("b"))
	if got, want := total(), 2; got != want {
		t.Errorf("after a document was saved: total %d, want %d", got, want)
	}
	other := mustOpenOther(t, db)
	save(t, other, doc("c"))
	if got, want := total(), 3; got != want {
		t.Errorf("after another process saved a document: total %d, want %d", got, want)
	}
	if err := db.DeleteDocument(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if got, want := total(), 2; got != want {
		t.Errorf("after a document was deleted: total %d, want %d", got, want)
	}
}
