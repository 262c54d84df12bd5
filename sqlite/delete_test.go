package sqlite_test

import (
	"context"
	"database/sql"
	"slices"
	"testing"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/sqlite"
)

// deleteTestDocs are a few documents, three of them on one subject so
// that they relate to each other.
func deleteTestDocs() []*wengao.Document {
	return []*wengao.Document{
		{ID: "eco-1", Title: "关于加强生态环境保护工作的意见", Date: "2020-03-01", Category: "意见/生态环境",
			Body: []string{"生态环境保护事关长远发展。", "各地要加强生态环境保护，推进污染防治攻坚，改善生态环境质量。", "生态环境保护督察要常态化。"}},
		{ID: "eco-2", Title: "生态环境保护督察工作规定", Date: "2021-05-01", Category: "规章/生态环境",
			Body: []string{"为规范生态环境保护督察工作，制定本规定。", "督察工作坚持问题导向，推动生态环境保护责任落实，污染防治攻坚。"}},
		{ID: "eco-3", Title: "关于深入打好污染防治攻坚战的意见", Date: "2021-11-02", Category: "意见/生态环境",
			Body: []string{"污染防治攻坚是生态环境保护的重点。", "要以生态环境质量改善为核心，深入打好污染防治攻坚战。"}},
		{ID: "edu-1", Title: "关于深化教育教学改革的通知", Date: "2019-06-01", Category: "通知/教育",
			Body: []string{"各学校要深化教育教学改革，提高教育质量。", "教育教学改革要坚持立德树人。"}},
	}
}

func mustSave(tb testing.TB, db *sqlite.DB, docs ...*wengao.Document) {
	tb.Helper()
	if _, err := db.SaveDocuments(context.Background(), docs); err != nil {
		tb.Fatal(err)
	}
}

// rawInt runs a query returning one integer on a connection of its own.
func rawInt(tb testing.TB, db *sqlite.DB, query string, args ...any) int64 {
	tb.Helper()
	raw, err := sql.Open("sqlite", "file:"+db.Path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		tb.Fatal(err)
	}
	defer raw.Close()
	var n int64
	if err := raw.QueryRow(query, args...).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// searchIDs returns the ids of every hit of a query, and the total.
func searchIDs(tb testing.TB, db *sqlite.DB, q string) ([]string, int) {
	tb.Helper()
	res, err := db.Search(context.Background(), wengao.SearchRequest{Query: q, Limit: 100})
	if err != nil {
		tb.Fatal(err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids, res.Total
}

func relatedIDs(tb testing.TB, db *sqlite.DB, id string) []string {
	tb.Helper()
	refs, err := db.RelatedDocuments(context.Background(), id, 5)
	if err != nil {
		tb.Fatal(err)
	}
	var ids []string
	for _, r := range refs {
		ids = append(ids, r.ID)
	}
	return ids
}

func categoryCount(tb testing.TB, db *sqlite.DB, path string) int {
	tb.Helper()
	cats, err := db.Categories(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	for _, c := range cats {
		if c.Path == path {
			return c.Count
		}
		for _, s := range c.Children {
			if s.Path == path {
				return s.Count
			}
		}
	}
	return 0
}

func listIDs(tb testing.TB, db *sqlite.DB) ([]string, int) {
	tb.Helper()
	docs, total, err := db.ListDocuments(context.Background(), wengao.DocumentListFilter{Limit: 100})
	if err != nil {
		tb.Fatal(err)
	}
	var ids []string
	for _, d := range docs {
		ids = append(ids, d.ID)
	}
	return ids, total
}

// mustBeGone checks that no path of db still shows document id.
func mustBeGone(t *testing.T, db *sqlite.DB, id, titleWords string, total int) {
	t.Helper()
	ctx := context.Background()
	if _, err := db.FindDocumentByID(ctx, id); wengao.ErrorCode(err) != wengao.ENOTFOUND {
		t.Errorf("find %s after delete: %v", id, err)
	}
	if ids, _ := searchIDs(t, db, titleWords); slices.Contains(ids, id) {
		t.Errorf("search %q still finds %s: %v", titleWords, id, ids)
	}
	{
		ids, n := searchIDs(t, db, "")
		if got := n; got != total {
			t.Errorf("browse: n = %v, want %v", got, total)
		}
		if slices.Contains(ids, id) {
			t.Errorf("browse: %d documents %v, want %d without %s (want not slices.Contains(ids, id))", n, ids, total, id)
		}
	}
	{
		ids, n := listIDs(t, db)
		if got := n; got != total {
			t.Errorf("list: n = %v, want %v", got, total)
		}
		if slices.Contains(ids, id) {
			t.Errorf("list: %d documents %v, want %d without %s (want not slices.Contains(ids, id))", n, ids, total, id)
		}
	}
	{
		n, err := db.CountDocuments(ctx)
		if err != nil {
			t.Fatalf("count: %v", err)
		}
		if got := n; got != total {
			t.Errorf("count: n = %v, want %v", got, total)
		}
	}
	if _, err := db.RelatedDocuments(ctx, id, 5); wengao.ErrorCode(err) != wengao.ENOTFOUND {
		t.Errorf("related of %s after delete: %v", id, err)
	}
}

func TestDeleteDocument(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustSave(t, db, deleteTestDocs()...)
	// A second handle on the file stands for another process (a command
	// run while the server is up): it learns of the deletion from the
	// database alone.
	other, err := sqlite.OpenFile(db.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	for _, h := range []*sqlite.DB{db, other} {
		if ids, _ := searchIDs(t, h, "督察"); !slices.Contains(ids, "eco-2") {
			t.Fatalf("search before delete: %v", ids)
		}
		if ids := relatedIDs(t, h, "eco-1"); !slices.Contains(ids, "eco-2") {
			t.Fatalf("related before delete: %v", ids)
		}
		if n := categoryCount(t, h, "规章"); n != 1 {
			t.Fatalf("category 规章: %d", n)
		}
	}
	u := mustCreateUser(t, db, "alice", 0)
	if _, err := db.AddFavorite(ctx, u.ID, "eco-2"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.Purchase(ctx, u.ID, "eco-2", 0, "k"); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordReads(ctx, []wengao.Read{{DocumentID: "eco-2", Day: "2024-01-02", Count: 3}}); err != nil {
		t.Fatal(err)
	}

	if err := db.DeleteDocument(ctx, "eco-2"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, db.DeleteDocument(ctx, "eco-2"), wengao.ENOTFOUND)
	wantCode(t, db.DeleteDocument(ctx, "nope"), wengao.ENOTFOUND)

	for name, h := range map[string]*sqlite.DB{"same": db, "other": other} {
		t.Run(name, func(t *testing.T) {
			mustBeGone(t, h, "eco-2", "生态环境保护督察工作规定", 3)
			{
				ids, n := searchIDs(t, h, "督察")
				if got := n; got != 1 {
					t.Errorf("search 督察: n = %v, want %v", got, 1)
				}
				if !slices.Equal(ids, []string{"eco-1"}) {
					t.Errorf("search 督察: %d %v, want eco-1 alone (want slices.Equal(ids, []string{\"eco-1\"}))", n, ids)
				}
			}
			{
				ids := relatedIDs(t, h, "eco-1")
				if slices.Contains(ids, "eco-2") {
					t.Errorf("related after delete: %v (want not slices.Contains(ids, \"eco-2\"))", ids)
				}
				if !slices.Contains(ids, "eco-3") {
					t.Errorf("related after delete: %v (want slices.Contains(ids, \"eco-3\"))", ids)
				}
			}
			if n := categoryCount(t, h, "规章"); n != 0 {
				t.Errorf("category 规章 after delete: %d", n)
			}
			if n := categoryCount(t, h, "意见/生态环境"); n != 2 {
				t.Errorf("category 意见/生态环境: %d", n)
			}
		})
	}

	// What referred to it went with it.
	{
		n, err := db.CountFavorites(ctx, "eco-2")
		if err != nil {
			t.Fatalf("favourites: %v", err)
		}
		if got := n; got != 0 {
			t.Errorf("favourites: n = %v, want %v", got, 0)
		}
	}
	{
		favs, n, err := db.ListFavorites(ctx, u.ID, 1, 10)
		if err != nil {
			t.Fatalf("list favourites: %v", err)
		}
		if got := n; got != 0 {
			t.Errorf("list favourites: n = %v, want %v", got, 0)
		}
		if got := len(favs); got != 0 {
			t.Errorf("list favourites: len(favs) = %v, want %v", got, 0)
		}
	}
	{
		ps, n, err := db.ListPurchases(ctx, u.ID, 1, 10)
		if err != nil {
			t.Fatalf("purchases: %v", err)
		}
		if got := n; got != 0 {
			t.Errorf("purchases: n = %v, want %v", got, 0)
		}
		if got := len(ps); got != 0 {
			t.Errorf("purchases: len(ps) = %v, want %v", got, 0)
		}
	}
	{
		top, err := db.TopDocuments(ctx, wengao.RankFilter{Since: "2024-01-01"})
		if err != nil {
			t.Fatalf("top: %v", err)
		}
		if got := len(top); got != 0 {
			t.Errorf("top: len(top) = %v, want %v", got, 0)
		}
	}
	for _, q := range []string{
		`SELECT COUNT(*) FROM pragma_foreign_key_check`,
		`SELECT COUNT(*) FROM document_texts WHERE id NOT IN (SELECT id FROM documents)`,
		`SELECT COUNT(*) FROM document_reads_daily WHERE document_id NOT IN (SELECT id FROM documents)`,
	} {
		if n := rawInt(t, db, q); n != 0 {
			t.Errorf("%s: %d", q, n)
		}
	}
	if n := rawInt(t, db, `SELECT COUNT(*) FROM deleted_documents WHERE ext_id = 'eco-2'`); n != 1 {
		t.Errorf("deletion log: %d rows", n)
	}
}

// TestDeleteDocumentRowReuse: SQLite gives the next document the row id
// of a deleted last row. A cache that learns of the deletion and the new
// document in one refresh must show the new one, not the old one nor
// nothing.
func TestDeleteDocumentRowReuse(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	docs := deleteTestDocs()
	mustSave(t, db, docs...)
	other, err := sqlite.OpenFile(db.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if n := categoryCount(t, other, "通知/教育"); n != 1 {
		t.Fatalf("category 通知/教育: %d", n)
	}
	rowID := rawInt(t, db, `SELECT id FROM documents WHERE ext_id = 'edu-1'`)
	if err := db.DeleteDocument(ctx, "edu-1"); err != nil {
		t.Fatal(err)
	}
	mustSave(t, db, &wengao.Document{ID: "law-1", Title: "关于加强法治政府建设的通知", Date: "2022-01-01", Category: "通知/法治",
		Body: []string{"各部门要加强法治政府建设，严格规范公正文明执法。"}})
	if got := rawInt(t, db, `SELECT id FROM documents WHERE ext_id = 'law-1'`); got != rowID {
		t.Logf("row id not reused (%d, was %d): the test checks less", got, rowID)
	}
	for name, h := range map[string]*sqlite.DB{"same": db, "other": other} {
		t.Run(name, func(t *testing.T) {
			mustBeGone(t, h, "edu-1", "深化教育教学改革", 4)
			{
				ids, n := searchIDs(t, h, "法治政府")
				if got := n; got != 1 {
					t.Errorf("search new document: n = %v, want %v", got, 1)
				}
				if !slices.Equal(ids, []string{"law-1"}) {
					t.Errorf("search new document: %d %v (want slices.Equal(ids, []string{\"law-1\"}))", n, ids)
				}
			}
			if n := categoryCount(t, h, "通知/教育"); n != 0 {
				t.Errorf("category 通知/教育: %d", n)
			}
			if n := categoryCount(t, h, "通知/法治"); n != 1 {
				t.Errorf("category 通知/法治: %d", n)
			}
		})
	}
}
