package sqlite_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/sqlite"
	"github.com/wengao/wengao/sqlite/sqlitetest"
)

// topIDs returns the ids of the ranking, all-time or since a day.
func topIDs(tb testing.TB, db *sqlite.DB, since string) []string {
	tb.Helper()
	top, err := db.TopDocuments(context.Background(), wengao.RankFilter{Since: since, Limit: 10})
	if err != nil {
		tb.Fatal(err)
	}
	var ids []string
	for _, d := range top {
		ids = append(ids, d.ID)
	}
	return ids
}

// facetCount returns the count of a value in a facet list, 0 if absent.
func facetCount(fs []wengao.FacetCount, value string) int {
	for _, f := range fs {
		if f.Value == value {
			return f.Count
		}
	}
	return 0
}

// mustOpenOther opens a second handle on db's file: another process.
func mustOpenOther(tb testing.TB, db *sqlite.DB) *sqlite.DB {
	tb.Helper()
	other, err := sqlite.OpenFile(db.Path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { other.Close() })
	return other
}

func mustSetStatus(tb testing.TB, db *sqlite.DB, id, status, reason string) {
	tb.Helper()
	if err := db.SetDocumentStatus(context.Background(), wengao.Actor{}, id, status, reason); err != nil {
		tb.Fatal(err)
	}
}

func docStatus(tb testing.TB, db *sqlite.DB, id string) (string, string) {
	tb.Helper()
	d, err := db.FindDocumentByID(context.Background(), id)
	if err != nil {
		tb.Fatal(err)
	}
	return d.Status, d.StatusReason
}

// checkShown checks every path readers take to a document: shown must
// say whether eco-2 (生态环境保护督察工作规定, 规章/生态环境) appears, of the
// four deleteTestDocs.
func checkShown(t *testing.T, db *sqlite.DB, shown bool) {
	t.Helper()
	ctx := context.Background()
	const id = "eco-2"
	total := 3
	if shown {
		total = 4
	}
	has := func(ids []string) bool { return slices.Contains(ids, id) }
	if ids, _ := searchIDs(t, db, "督察"); has(ids) != shown {
		t.Errorf("search 督察: %v", ids)
	}
	{
		ids, n := searchIDs(t, db, `"生态环境保护督察工作规定"`)
		if got := has(ids); got != shown {
			t.Errorf("phrase search: has(ids) = %v, want %v", got, shown)
		}
		if got := (n == 1); got != shown {
			t.Errorf("phrase search: (n == 1) = %v, want %v", got, shown)
		}
	}
	{
		ids, n := searchIDs(t, db, "-教育")
		if got := has(ids); got != shown {
			t.Errorf("browse without 教育: has(ids) = %v, want %v", got, shown)
		}
		if got := n; got != total-1 {
			t.Errorf("browse without 教育: n = %v, want %v", got, total-1)
		}
	}
	res, err := db.Search(ctx, wengao.SearchRequest{Query: "", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Total; got != total {
		t.Errorf("browse: res.Total = %v, want %v", got, total)
	}
	if got := (facetCount(res.Facets.CategoryTop, "规章") == 1); got != shown {
		t.Errorf("browse: (facetCount(res.Facets.CategoryTop, \"规章\") == 1) = %v, want %v", got, shown)
	}
	if got := (facetCount(res.Facets.Year, "2021") == 2); got != shown {
		t.Errorf("browse: (facetCount(res.Facets.Year, \"2021\") == 2) = %v, want %v", got, shown)
	}
	res, err = db.Search(ctx, wengao.SearchRequest{Query: "生态环境", Category: "规章", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if (res.Total == 1) != shown {
		t.Errorf("search in 规章: %d", res.Total)
	}
	{
		ids, n := listIDs(t, db)
		if got := has(ids); got != shown {
			t.Errorf("list: has(ids) = %v, want %v", got, shown)
		}
		if got := n; got != total {
			t.Errorf("list: n = %v, want %v", got, total)
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
	{
		ids := relatedIDs(t, db, "eco-1")
		if got := has(ids); got != shown {
			t.Errorf("related of eco-1: has(ids) = %v, want %v", got, shown)
		}
		if !slices.Contains(ids, "eco-3") {
			t.Errorf("related of eco-1: %v (want slices.Contains(ids, \"eco-3\"))", ids)
		}
	}
	if ids := relatedIDs(t, db, "eco-3"); has(ids) != shown {
		t.Errorf("related of eco-3: %v", ids)
	}
	if n := categoryCount(t, db, "规章"); (n == 1) != shown {
		t.Errorf("category 规章: %d", n)
	}
	if n := categoryCount(t, db, "意见/生态环境"); n != 2 {
		t.Errorf("category 意见/生态环境: %d", n)
	}
	{
		ids := topIDs(t, db, "")
		if got := has(ids); got != shown {
			t.Errorf("all-time ranking: has(ids) = %v, want %v", got, shown)
		}
		if !slices.Contains(ids, "eco-1") {
			t.Errorf("all-time ranking: %v (want slices.Contains(ids, \"eco-1\"))", ids)
		}
	}
	{
		ids := topIDs(t, db, "2024-01-01")
		if got := has(ids); got != shown {
			t.Errorf("ranking since 2024-01-01: has(ids) = %v, want %v", got, shown)
		}
		if !slices.Contains(ids, "eco-1") {
			t.Errorf("ranking since 2024-01-01: %v (want slices.Contains(ids, \"eco-1\"))", ids)
		}
	}
}

// TestDocumentStates: a hidden or deleted document leaves search (also
// by phrase, totals and facets), lists, counts, related reading, rankings
// and categories, in this process and in another, and comes back when
// published; it can still be found by id, with its state.
func TestDocumentStates(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustSave(t, db, deleteTestDocs()...)
	other := mustOpenOther(t, db)
	if err := db.RecordReads(ctx, []wengao.Read{
		{DocumentID: "eco-2", Day: "2024-01-02", Count: 9},
		{DocumentID: "eco-1", Day: "2024-01-02", Count: 2},
	}); err != nil {
		t.Fatal(err)
	}
	handles := map[string]*sqlite.DB{"same": db, "other": other}
	for name, h := range handles {
		t.Run("before/"+name, func(t *testing.T) { checkShown(t, h, true) })
	}
	{
		s, r := docStatus(t, db, "eco-2")
		if got := s; got != wengao.DocPublished {
			t.Errorf("new document: s = %v, want %v", got, wengao.DocPublished)
		}
		if got := r; got != "" {
			t.Errorf("new document: r = %v, want %v", got, "")
		}
	}

	for _, status := range []string{wengao.DocHidden, wengao.DocDeleted} {
		mustSetStatus(t, db, "eco-2", status, "  核实中  ")
		for name, h := range handles {
			t.Run(status+"/"+name, func(t *testing.T) {
				checkShown(t, h, false)
				d, err := h.FindDocumentByID(ctx, "eco-2")
				if err != nil {
					t.Fatal(err)
				}
				if got := d.Status; got != status {
					t.Errorf("find: d.Status = %v, want %v", got, status)
				}
				if got := d.StatusReason; got != "核实中" {
					t.Errorf("find: d.StatusReason = %v, want %v", got, "核实中")
				}
				if d.Published() {
					t.Errorf("find: %q %q (want not d.Published())", d.Status, d.StatusReason)
				}
			})
		}
		mustSetStatus(t, db, "eco-2", wengao.DocPublished, "误判")
		for name, h := range handles {
			t.Run(status+"/published/"+name, func(t *testing.T) { checkShown(t, h, true) })
		}
		{
			s, r := docStatus(t, db, "eco-2")
			if got := s; got != wengao.DocPublished {
				t.Errorf("published again: s = %v, want %v", got, wengao.DocPublished)
			}
			if got := r; got != "" {
				t.Errorf("published again: r = %v, want %v", got, "")
			}
		}
	}

	// Saving the document again, changed or not, keeps its state.
	mustSetStatus(t, db, "eco-2", wengao.DocHidden, "待核")
	docs := deleteTestDocs()
	mustSave(t, db, docs[1])
	docs[1].Body = append(docs[1].Body, "本规定自发布之日起施行。")
	{
		res, err := db.SaveDocuments(ctx, []*wengao.Document{docs[1]})
		if err != nil {
			t.Fatalf("save: %v", err)
		}
		if got := res[0].Outcome; got != wengao.Updated {
			t.Fatalf("save: res[0].Outcome = %v, want %v", got, wengao.Updated)
		}
	}
	{
		s, r := docStatus(t, db, "eco-2")
		if got := s; got != wengao.DocHidden {
			t.Errorf("after saving again: s = %v, want %v", got, wengao.DocHidden)
		}
		if got := r; got != "待核" {
			t.Errorf("after saving again: r = %v, want %v", got, "待核")
		}
	}
	for name, h := range handles {
		t.Run("saved/"+name, func(t *testing.T) { checkShown(t, h, false) })
	}
	// A process that computed related reading while the document was
	// hidden shows it once it is published again.
	third := mustOpenOther(t, db)
	checkShown(t, third, false)
	mustSetStatus(t, db, "eco-2", wengao.DocPublished, "")
	handles["third"] = third
	for name, h := range handles {
		t.Run("republished/"+name, func(t *testing.T) { checkShown(t, h, true) })
	}

	wantCode(t, db.SetDocumentStatus(ctx, wengao.Actor{}, "eco-2", "archived", ""), wengao.EINVALID)
	wantCode(t, db.SetDocumentStatus(ctx, wengao.Actor{}, "eco-2", wengao.DocHidden, strings.Repeat("长", 501)), wengao.EINVALID)
	wantCode(t, db.SetDocumentStatus(ctx, wengao.Actor{}, "nope", wengao.DocHidden, ""), wengao.ENOTFOUND)
}

func TestPurgeDocument(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustSave(t, db, deleteTestDocs()...)
	other := mustOpenOther(t, db)
	if n := categoryCount(t, other, "规章"); n != 1 {
		t.Fatalf("category 规章: %d", n)
	}
	wantCode(t, db.PurgeDocument(ctx, "eco-2"), wengao.ECONFLICT)
	mustSetStatus(t, db, "eco-2", wengao.DocHidden, "")
	wantCode(t, db.PurgeDocument(ctx, "eco-2"), wengao.ECONFLICT)
	mustSetStatus(t, db, "eco-2", wengao.DocDeleted, "重复")
	if err := db.PurgeDocument(ctx, "eco-2"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, db.PurgeDocument(ctx, "eco-2"), wengao.ENOTFOUND)
	for name, h := range map[string]*sqlite.DB{"same": db, "other": other} {
		t.Run(name, func(t *testing.T) { mustBeGone(t, h, "eco-2", "生态环境保护督察工作规定", 3) })
	}
	if n := rawInt(t, db, `SELECT COUNT(*) FROM deleted_documents WHERE ext_id = 'eco-2'`); n != 1 {
		t.Errorf("deletion log: %d", n)
	}
}

func TestSetDocumentPrice(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustSave(t, db, deleteTestDocs()...)
	seven := int64(7)
	if err := db.SetDocumentPrice(ctx, "eco-1", &seven); err != nil {
		t.Fatal(err)
	}
	{
		d, _ := db.FindDocumentByID(ctx, "eco-1")
		if d.Price == nil {
			t.Fatalf("price: d.Price is nil")
		}
		if got := *d.Price; got != 7 {
			t.Errorf("price: *d.Price = %v, want %v", got, 7)
		}
		if got := d.PriceOr(5); got != 7 {
			t.Errorf("price: d.PriceOr(5) = %v, want %v", got, 7)
		}
	}
	zero := int64(0)
	if err := db.SetDocumentPrice(ctx, "eco-1", &zero); err != nil {
		t.Fatal(err)
	}
	{
		d, _ := db.FindDocumentByID(ctx, "eco-1")
		if d.Price == nil {
			t.Fatalf("free: d.Price is nil")
		}
		if got := *d.Price; got != 0 {
			t.Errorf("free: *d.Price = %v, want %v", got, 0)
		}
	}
	if err := db.SetDocumentPrice(ctx, "eco-1", nil); err != nil {
		t.Fatal(err)
	}
	{
		d, _ := db.FindDocumentByID(ctx, "eco-1")
		if got := d.Price; got != nil {
			t.Errorf("default price: d.Price = %v, want %v", got, nil)
		}
		if got := d.PriceOr(5); got != 5 {
			t.Errorf("default price: d.PriceOr(5) = %v, want %v", got, 5)
		}
	}
	neg := int64(-1)
	wantCode(t, db.SetDocumentPrice(ctx, "eco-1", &neg), wengao.EINVALID)
	wantCode(t, db.SetDocumentPrice(ctx, "nope", &seven), wengao.ENOTFOUND)
}

// categorySearch returns the ids found in a category, by the request's
// filter and by the query's.
func categorySearch(tb testing.TB, db *sqlite.DB, category string) (byRequest, byQuery []string) {
	tb.Helper()
	for i, req := range []wengao.SearchRequest{
		{Category: category, Limit: 100},
		{Query: "分类:" + category + " 生态环境", Limit: 100},
	} {
		res, err := db.Search(context.Background(), req)
		if err != nil {
			tb.Fatal(err)
		}
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		slices.Sort(ids)
		if i == 0 {
			byRequest = ids
		} else {
			byQuery = ids
		}
	}
	return byRequest, byQuery
}

func TestRenameCategory(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustSave(t, db, deleteTestDocs()...)
	other := mustOpenOther(t, db)
	u := mustCreateUser(t, db, "bob", 0)
	up := newUpload(u.ID, "k1")
	up.Meta.Category = "意见/生态环境"
	mustCreateUpload(t, db, up)
	if n := categoryCount(t, other, "意见/生态环境"); n != 2 {
		t.Fatalf("before: %d", n)
	}

	rename := func(from, to string, want int) {
		t.Helper()
		n, err := db.RenameCategory(ctx, from, to)
		if err != nil {
			t.Fatalf("rename %q to %q: %v", from, to, err)
		}
		if got := n; got != want {
			t.Fatalf("rename %q to %q: n = %v, want %v", from, to, got, want)
		}
	}
	rename(" 意见/生态环境/ ", "意见 / 环保", 2)
	for name, h := range map[string]*sqlite.DB{"same": db, "other": other} {
		if n := categoryCount(t, h, "意见/环保"); n != 2 {
			t.Errorf("%s: 意见/环保 %d", name, n)
		}
		if n := categoryCount(t, h, "意见/生态环境"); n != 0 {
			t.Errorf("%s: 意见/生态环境 %d", name, n)
		}
		{
			a, b := categorySearch(t, h, "意见/环保")
			if !slices.Equal(a, []string{"eco-1", "eco-3"}) {
				t.Errorf("%s: search 意见/环保: %v %v (want slices.Equal(a, []string{\"eco-1\", \"eco-3\"}))", name, a, b)
			}
			if !slices.Equal(a, b) {
				t.Errorf("%s: search 意见/环保: %v %v (want slices.Equal(a, b))", name, a, b)
			}
		}
		if a, b := categorySearch(t, h, "意见/生态环境"); len(a)+len(b) != 0 {
			t.Errorf("%s: search old name: %v %v", name, a, b)
		}
	}
	if got, _ := db.FindUpload(ctx, up.ID); got.Meta.Category != "意见/环保" {
		t.Errorf("upload category: %q", got.Meta.Category)
	}

	// A top-level rename moves the subcategories; a hidden document moves
	// too.
	mustSetStatus(t, db, "eco-3", wengao.DocHidden, "")
	rename("意见", "指导意见", 2)
	if d, _ := db.FindDocumentByID(ctx, "eco-3"); d.Category != "指导意见/环保" {
		t.Errorf("hidden document: %q", d.Category)
	}
	mustSetStatus(t, db, "eco-3", wengao.DocPublished, "")
	if got, _ := db.FindUpload(ctx, up.ID); got.Meta.Category != "指导意见/环保" {
		t.Errorf("upload category: %q", got.Meta.Category)
	}
	for name, h := range map[string]*sqlite.DB{"same": db, "other": other} {
		if n := categoryCount(t, h, "指导意见"); n != 2 {
			t.Errorf("%s: 指导意见 %d", name, n)
		}
		{
			a, b := categorySearch(t, h, "指导意见")
			if !slices.Equal(a, []string{"eco-1", "eco-3"}) {
				t.Errorf("%s: search 指导意见: %v %v (want slices.Equal(a, []string{\"eco-1\", \"eco-3\"}))", name, a, b)
			}
			if !slices.Equal(a, b) {
				t.Errorf("%s: search 指导意见: %v %v (want slices.Equal(a, b))", name, a, b)
			}
		}
	}

	// Renaming to an existing category merges.
	rename("规章/生态环境", "指导意见/环保", 1)
	if n := categoryCount(t, other, "指导意见/环保"); n != 3 {
		t.Errorf("merged: %d", n)
	}
	// A name that merely starts like the category is not under it.
	mustSave(t, db, &wengao.Document{ID: "x-1", Title: "通知书范本", Category: "通知书", Body: []string{"这是一份通知书。"}})
	rename("通知", "公告", 1)
	if d, _ := db.FindDocumentByID(ctx, "edu-1"); d.Category != "公告/教育" {
		t.Errorf("edu-1: %q", d.Category)
	}
	if d, _ := db.FindDocumentByID(ctx, "x-1"); d.Category != "通知书" {
		t.Errorf("x-1: %q", d.Category)
	}

	for _, tt := range []struct {
		from, to, code string
	}{
		{"", "a", wengao.EINVALID},
		{"公告", " / ", wengao.EINVALID},
		{"公告", "a/b/c", wengao.EINVALID},
		{"公告", "a//b", wengao.EINVALID},
		{"公告", "a\nb", wengao.EINVALID},
		{"公告", strings.Repeat("长", 101), wengao.EINVALID},
		{"公告", "公告", wengao.EINVALID},
		{"公告", "新/子类", wengao.EINVALID}, // has a subcategory: would make three levels
		{"没有", "新", wengao.ENOTFOUND},
	} {
		_, err := db.RenameCategory(ctx, tt.from, tt.to)
		if wengao.ErrorCode(err) != tt.code {
			t.Errorf("rename %q to %q: %v, want %s", tt.from, tt.to, err, tt.code)
		}
	}
	// A top-level category without subcategories may become a subcategory.
	rename("通知书", "公告/通知书", 1)
	if n := categoryCount(t, other, "公告"); n != 2 {
		t.Errorf("公告: %d", n)
	}
}

func TestAdminDocuments(t *testing.T) {
	ctx := context.Background()
	db, clock := sqlitetest.OpenWithClock(t)
	mustSave(t, db, deleteTestDocs()...)
	// Older edits, so that the changes of state below come first.
	clock.Advance(100 * time.Second)
	mustSetStatus(t, db, "eco-2", wengao.DocDeleted, "重复收录")
	clock.Advance(time.Second)
	mustSetStatus(t, db, "edu-1", wengao.DocHidden, "待核")

	list := func(f wengao.AdminDocumentFilter) ([]string, int) {
		t.Helper()
		docs, total, err := db.AdminDocuments(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, d := range docs {
			ids = append(ids, d.ID)
		}
		return ids, total
	}
	for _, tt := range []struct {
		f     wengao.AdminDocumentFilter
		ids   []string
		total int
	}{
		{wengao.AdminDocumentFilter{Page: 1}, []string{"edu-1", "eco-2", "eco-3", "eco-1"}, 4},
		{wengao.AdminDocumentFilter{Page: 1, Limit: 2}, []string{"edu-1", "eco-2"}, 4},
		{wengao.AdminDocumentFilter{Page: 2, Limit: 2}, []string{"eco-3", "eco-1"}, 4},
		{wengao.AdminDocumentFilter{Page: 3, Limit: 2}, nil, 4},
		{wengao.AdminDocumentFilter{Status: wengao.DocHidden, Page: 1}, []string{"edu-1"}, 1},
		{wengao.AdminDocumentFilter{Status: wengao.DocDeleted, Page: 1}, []string{"eco-2"}, 1},
		{wengao.AdminDocumentFilter{Status: wengao.DocPublished, Page: 1}, []string{"eco-3", "eco-1"}, 2},
		{wengao.AdminDocumentFilter{Query: "eco-2", Page: 1}, []string{"eco-2"}, 1},
		{wengao.AdminDocumentFilter{Query: "意见", Page: 1}, []string{"eco-3", "eco-1"}, 2},
		{wengao.AdminDocumentFilter{Query: " 督察 ", Status: wengao.DocDeleted, Page: 1}, []string{"eco-2"}, 1},
		{wengao.AdminDocumentFilter{Query: "督察", Status: wengao.DocHidden, Page: 1}, nil, 0},
		{wengao.AdminDocumentFilter{Query: "%", Page: 1}, nil, 0},
		{wengao.AdminDocumentFilter{Query: "eco_", Page: 1}, nil, 0},
	} {
		ids, total := list(tt.f)
		if !slices.Equal(ids, tt.ids) {
			t.Errorf("%+v: %v %d, want %v %d (want slices.Equal(ids, tt.ids))", tt.f, ids, total, tt.ids, tt.total)
		}
		if got := total; got != tt.total {
			t.Errorf("%+v: total = %v, want %v", tt.f, got, tt.total)
		}
	}
	docs, _, _ := db.AdminDocuments(ctx, wengao.AdminDocumentFilter{Status: wengao.DocDeleted, Page: 1})
	if d := docs[0]; d.Status != wengao.DocDeleted || d.Reason != "重复收录" || d.Title != "生态环境保护督察工作规定" || d.Category != "规章/生态环境" ||
		d.Date != "2021-05-01" || !d.UpdatedAt.Equal(clock.Now().Add(-time.Second)) {
		t.Errorf("entry: %+v", d)
	}
	if _, _, err := db.AdminDocuments(ctx, wengao.AdminDocumentFilter{Page: 0}); wengao.ErrorCode(err) != wengao.EINVALID {
		t.Errorf("page 0: %v", err)
	}
	if _, _, err := db.AdminDocuments(ctx, wengao.AdminDocumentFilter{Page: 1, Status: "gone"}); wengao.ErrorCode(err) != wengao.EINVALID {
		t.Errorf("bad state: %v", err)
	}

	seven := int64(7)
	if err := db.SetDocumentPrice(ctx, "edu-1", &seven); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordReads(ctx, []wengao.Read{{DocumentID: "edu-1", Day: "2024-01-02", Count: 3}}); err != nil {
		t.Fatal(err)
	}
	doc, a, err := db.AdminDocument(ctx, "edu-1")
	if err != nil {
		t.Fatal(err)
	}
	if got := doc.ID; got != "edu-1" {
		t.Errorf("document: doc.ID = %v, want %v", got, "edu-1")
	}
	if got := len(doc.Body); got != 2 {
		t.Fatalf("document: len(doc.Body) = %v, want %v", got, 2)
	}
	if got := doc.Status; got != wengao.DocHidden {
		t.Errorf("document: doc.Status = %v, want %v", got, wengao.DocHidden)
	}
	if got := doc.StatusReason; got != "待核" {
		t.Errorf("document: doc.StatusReason = %v, want %v", got, "待核")
	}
	if got := a.Status; got != wengao.DocHidden {
		t.Errorf("admin: a.Status = %v, want %v", got, wengao.DocHidden)
	}
	if got := a.Reason; got != "待核" {
		t.Errorf("admin: a.Reason = %v, want %v", got, "待核")
	}
	if a.Price == nil {
		t.Fatalf("admin: a.Price is nil")
	}
	if got := *a.Price; got != 7 {
		t.Errorf("admin: *a.Price = %v, want %v", got, 7)
	}
	if got := a.Reads; got != 3 {
		t.Errorf("admin: a.Reads = %v, want %v", got, 3)
	}
	if got := a.UploaderID; got != 0 {
		t.Errorf("admin: a.UploaderID = %v, want %v", got, 0)
	}
	if _, _, err := db.AdminDocument(ctx, "nope"); wengao.ErrorCode(err) != wengao.ENOTFOUND {
		t.Errorf("unknown: %v", err)
	}
}

func TestUserAdmin(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	alice := mustCreateUser(t, db, "alice", 0)
	bob := mustCreateUser(t, db, "bob", 5)
	carol := mustCreateUser(t, db, "Carol_li", 0)
	if err := db.SetUserRole(ctx, wengao.Actor{}, bob.ID, wengao.RoleModerator); err != nil {
		t.Fatal(err)
	}
	list := func(f wengao.UserFilter) ([]int64, int) {
		t.Helper()
		users, total, err := db.ListUsers(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, u := range users {
			ids = append(ids, u.ID)
		}
		return ids, total
	}
	for _, tt := range []struct {
		f     wengao.UserFilter
		ids   []int64
		total int
	}{
		{wengao.UserFilter{Page: 1}, []int64{carol.ID, bob.ID, alice.ID}, 3},
		{wengao.UserFilter{Page: 2, Limit: 2}, []int64{alice.ID}, 3},
		{wengao.UserFilter{Query: "LI", Page: 1}, []int64{carol.ID, alice.ID}, 2},
		{wengao.UserFilter{Query: "_", Page: 1}, []int64{carol.ID}, 1},
		{wengao.UserFilter{Role: wengao.RoleModerator, Page: 1}, []int64{bob.ID}, 1},
		{wengao.UserFilter{Role: wengao.RoleReader, Query: "bob", Page: 1}, nil, 0},
	} {
		ids, total := list(tt.f)
		if !slices.Equal(ids, tt.ids) {
			t.Errorf("%+v: %v %d, want %v %d (want slices.Equal(ids, tt.ids))", tt.f, ids, total, tt.ids, tt.total)
		}
		if got := total; got != tt.total {
			t.Errorf("%+v: total = %v, want %v", tt.f, got, tt.total)
		}
	}
	if _, _, err := db.ListUsers(ctx, wengao.UserFilter{Page: 1, Role: "god"}); wengao.ErrorCode(err) != wengao.EINVALID {
		t.Errorf("bad role: %v", err)
	}
	if _, _, err := db.ListUsers(ctx, wengao.UserFilter{}); wengao.ErrorCode(err) != wengao.EINVALID {
		t.Errorf("page 0: %v", err)
	}

	au, err := db.FindAdminUser(ctx, bob.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := au.Username; got != "bob" {
		t.Errorf("bob: au.Username = %v, want %v", got, "bob")
	}
	if got := au.Role; got != wengao.RoleModerator {
		t.Errorf("bob: au.Role = %v, want %v", got, wengao.RoleModerator)
	}
	if got := au.Points; got != 5 {
		t.Errorf("bob: au.Points = %v, want %v", got, 5)
	}
	if got := au.Infringements; got != 0 {
		t.Errorf("bob: au.Infringements = %v, want %v", got, 0)
	}
	if got := au.Bans; got != (wengao.Bans{}) {
		t.Errorf("bob: au.Bans = %v, want %v", got, (wengao.Bans{}))
	}
	now := time.Now()
	bans := wengao.Bans{UploadUntil: now.Add(24 * time.Hour), CommentUntil: now.Add(-time.Hour)}
	if err := db.SetUserBans(ctx, wengao.Actor{}, bob.ID, bans); err != nil {
		t.Fatal(err)
	}
	au, _ = db.FindAdminUser(ctx, bob.ID)
	if !au.Bans.UploadUntil.Equal(bans.UploadUntil.Truncate(time.Second)) || !au.Bans.DownloadUntil.IsZero() ||
		!au.Bans.CommentUntil.Equal(bans.CommentUntil.Truncate(time.Second)) {
		t.Errorf("bans: %+v", au.Bans)
	}
	if !wengao.Banned(au.Bans.UploadUntil, now) {
		t.Errorf("banned: %+v (want wengao.Banned(au.Bans.UploadUntil, now))", au.Bans)
	}
	if wengao.Banned(au.Bans.DownloadUntil, now) {
		t.Errorf("banned: %+v (want not wengao.Banned(au.Bans.DownloadUntil, now))", au.Bans)
	}
	if wengao.Banned(au.Bans.CommentUntil, now) {
		t.Errorf("banned: %+v (want not wengao.Banned(au.Bans.CommentUntil, now))", au.Bans)
	}
	users, _, _ := db.ListUsers(ctx, wengao.UserFilter{Query: "bob", Page: 1})
	if got := len(users); got != 1 {
		t.Fatalf("list: len(users) = %v, want %v", got, 1)
	}
	if !users[0].Bans.UploadUntil.Equal(au.Bans.UploadUntil) {
		t.Errorf("list: %+v (want users[0].Bans.UploadUntil.Equal(au.Bans.UploadUntil))", users)
	}
	if err := db.SetUserBans(ctx, wengao.Actor{}, bob.ID, wengao.Bans{}); err != nil {
		t.Fatal(err)
	}
	if au, _ = db.FindAdminUser(ctx, bob.ID); au.Bans != (wengao.Bans{}) {
		t.Errorf("lifted: %+v", au.Bans)
	}
	wantCode(t, db.SetUserBans(ctx, wengao.Actor{}, 999, bans), wengao.ENOTFOUND)
	if _, err := db.FindAdminUser(ctx, 999); wengao.ErrorCode(err) != wengao.ENOTFOUND {
		t.Errorf("unknown: %v", err)
	}
}

func TestAudit(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	admin := mustCreateStaff(t, db, "admin", wengao.RoleAdmin)
	entries := []*wengao.AuditEntry{
		{ActorID: admin.ID, ActorName: "admin", Action: "document.hide", Target: "doc:eco-1", Detail: "核实中"},
		{Action: "settings.save", Target: "settings"},
		{ActorID: admin.ID, ActorName: "admin", Action: "document.publish", Target: "doc:eco-1", Detail: strings.Repeat("长", 3000)},
	}
	for _, e := range entries {
		if err := db.Audit(ctx, e); err != nil {
			t.Fatal(err)
		}
		if e.ID == 0 {
			t.Errorf("entry: %+v (want not e.ID == 0)", e)
		}
		if time.Since(e.CreatedAt) > time.Minute {
			t.Errorf("entry: %+v (want not time.Since(e.CreatedAt) > time.Minute)", e)
		}
	}
	if err := db.Audit(ctx, &wengao.AuditEntry{Action: " "}); wengao.ErrorCode(err) != wengao.EINVALID {
		t.Errorf("no action: %v", err)
	}
	all, total, err := db.ListAudit(ctx, "", 1, 10)
	if err != nil {
		t.Fatalf("all: %v", err)
	}
	if got := total; got != 3 {
		t.Fatalf("all: total = %v, want %v", got, 3)
	}
	if got := len(all); got != 3 {
		t.Fatalf("all: len(all) = %v, want %v", got, 3)
	}
	if got := all[0].Action; got != "document.publish" {
		t.Errorf("all: all[0].Action = %v, want %v", got, "document.publish")
	}
	if got := all[2].Action; got != "document.hide" {
		t.Errorf("all: all[2].Action = %v, want %v", got, "document.hide")
	}
	if got := all[1].ActorID; got != 0 {
		t.Errorf("all: all[1].ActorID = %v, want %v", got, 0)
	}
	if got := all[2].ActorName; got != "admin" {
		t.Errorf("all: all[2].ActorName = %v, want %v", got, "admin")
	}
	if got := all[2].Detail; got != "核实中" {
		t.Errorf("all: all[2].Detail = %v, want %v", got, "核实中")
	}
	{
		n := len([]rune(all[0].Detail))
		if got := n; got != 2000 {
			t.Errorf("long detail: n = %v, want %v", got, 2000)
		}
		if !strings.HasSuffix(all[0].Detail, "…") {
			t.Errorf("long detail: %d runes (want strings.HasSuffix(all[0].Detail, \"…\"))", n)
		}
	}
	doc, total, err := db.ListAudit(ctx, "doc:eco-1", 1, 1)
	if err != nil {
		t.Fatalf("by target: %v", err)
	}
	if got := total; got != 2 {
		t.Errorf("by target: total = %v, want %v", got, 2)
	}
	if got := len(doc); got != 1 {
		t.Fatalf("by target: len(doc) = %v, want %v", got, 1)
	}
	if got := doc[0].Action; got != "document.publish" {
		t.Errorf("by target: doc[0].Action = %v, want %v", got, "document.publish")
	}
	if _, _, err := db.ListAudit(ctx, "", 0, 10); wengao.ErrorCode(err) != wengao.EINVALID {
		t.Errorf("page 0: %v", err)
	}
	for _, q := range []string{`UPDATE audit SET detail = 'x'`, `DELETE FROM audit`} {
		{
			err := rawExec(db, q)
			if err == nil {
				t.Fatalf("%s: err is nil", q)
			}
			if !strings.Contains(err.Error(), "audit entries cannot be") {
				t.Errorf("%s: %v (want strings.Contains(err.Error(), \"audit entries cannot be\"))", q, err)
			}
		}
	}
	if _, total, _ := db.ListAudit(ctx, "", 1, 10); total != 3 {
		t.Errorf("after tampering: %d", total)
	}
}
