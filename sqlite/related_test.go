package sqlite

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/chinese"
	"github.com/wengao/wengao/search"
	"github.com/wengao/wengao/sharedtest"
)

func openRelatedTestDB(t *testing.T) *DB {
	t.Helper()
	db, err := OpenFile(filepath.Join(t.TempDir(), FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func relatedIDsOf(t *testing.T, db *DB, id string) []string {
	t.Helper()
	refs, err := db.RelatedDocuments(context.Background(), id, 10)
	if err != nil {
		t.Fatalf("related of %s: %v", id, err)
	}
	var ids []string
	for _, r := range refs {
		ids = append(ids, r.ID)
	}
	return ids
}

// storedRelated waits for the background writer and returns the stored
// list of document id, or nil.
func storedRelated(t *testing.T, db *DB, id string) []search.RelatedEntry {
	t.Helper()
	var list string
	err := db.write.QueryRow(`SELECT r.list FROM related_lists r JOIN documents d USING (id) WHERE d.ext_id = ?`, id).Scan(&list)
	if err != nil {
		return nil
	}
	return parseRelated(list)
}

func rowOf(t *testing.T, db *DB, id string) int64 {
	t.Helper()
	var row int64
	if err := db.write.QueryRow(`SELECT id FROM documents WHERE ext_id = ?`, id).Scan(&row); err != nil {
		t.Fatal(err)
	}
	return row
}

var relatedTestDocs = []*wengao.Document{
	{ID: "env-1", Title: "关于加强生态环境保护工作的意见", Category: "意见", Body: []string{"生态环境保护是重大政治问题。", "加强生态环境监测，推进污染防治。", "生态环境部门要落实责任。"}},
	{ID: "env-2", Title: "生态环境保护督察工作规定", Category: "规章", Body: []string{"为了规范生态环境保护督察工作，制定本规定。", "督察对象包括生态环境部门。", "污染防治攻坚战。"}},
	{ID: "env-3", Title: "关于深入打好污染防治攻坚战的意见", Category: "意见", Body: []string{"深入打好污染防治攻坚战，持续改善生态环境。", "加强生态环境保护。"}},
	{ID: "tax-1", Title: "中华人民共和国个人所得税法", Category: "法律法规", Body: []string{"第一条 在中国境内有住所的个人缴纳个人所得税。", "个人所得税的税率。"}},
	{ID: "tax-2", Title: "个人所得税专项附加扣除暂行办法", Category: "规章", Body: []string{"个人所得税专项附加扣除包括子女教育。", "纳税人享受个人所得税扣除。"}},
	{ID: "edu-1", Title: "关于推进义务教育均衡发展的意见", Category: "意见", Body: []string{"义务教育均衡发展，学校建设。", "教师队伍建设，义务教育经费保障。"}},
}

// TestRelatedStoredAndFiltered: the list computed on a first view is
// stored and read back alike; related documents share the topic; hidden
// documents are left out while hidden and back when published; a new
// document enters the stored lists of older ones; a changed document's
// list is computed again.
func TestRelatedStoredAndFiltered(t *testing.T) {
	ctx := context.Background()
	db := openRelatedTestDB(t)
	if _, err := db.SaveDocuments(ctx, relatedTestDocs[:5]); err != nil {
		t.Fatal(err)
	}
	first := relatedIDsOf(t, db, "env-1")
	if want := []string{"env-2", "env-3"}; !slices.Equal(first[:min(2, len(first))], want) && !slices.Equal(first[:min(2, len(first))], []string{"env-3", "env-2"}) {
		t.Errorf("related of env-1: got %v, want env-2 and env-3 first", first)
	}
	if slices.Contains(first, "env-1") {
		t.Errorf("related of env-1 holds itself: %v", first)
	}
	db.related.close() // waits for the lists queued so far
	db.related = relatedWriter{db: db, ch: make(chan *relatedList, relatedQueueSize), stop: make(chan struct{}), done: make(chan struct{})}
	if got := storedRelated(t, db, "env-1"); len(got) == 0 {
		t.Fatalf("related of env-1 not stored")
	}
	if got := relatedIDsOf(t, db, "env-1"); !slices.Equal(got, first) {
		t.Errorf("related of env-1 read back: got %v, want %v", got, first)
	}

	// Hidden: left out; published again: back.
	if err := db.SetDocumentStatus(ctx, wengao.Actor{}, "env-2", wengao.DocHidden, ""); err != nil {
		t.Fatal(err)
	}
	if got := relatedIDsOf(t, db, "env-1"); slices.Contains(got, "env-2") {
		t.Errorf("related of env-1 with env-2 hidden: got %v", got)
	}
	if err := db.SetDocumentStatus(ctx, wengao.Actor{}, "env-2", wengao.DocPublished, ""); err != nil {
		t.Fatal(err)
	}
	if got := relatedIDsOf(t, db, "env-1"); !slices.Equal(got, first) {
		t.Errorf("related of env-1 with env-2 published again: got %v, want %v", got, first)
	}

	// A new document computed enters env-1's stored list.
	if _, err := db.SaveDocuments(ctx, []*wengao.Document{{ID: "env-4", Title: "生态环境保护条例", Category: "法律法规", Body: []string{"生态环境保护，污染防治，生态环境监测。"}}}); err != nil {
		t.Fatal(err)
	}
	c, err := db.computeRelated(ctx, rowOf(t, db, "env-4"), search.BoundedRelated)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.storeRelated(ctx, []*relatedList{c}); err != nil {
		t.Fatal(err)
	}
	if got := relatedIDsOf(t, db, "env-1"); !slices.Contains(got, "env-4") {
		t.Errorf("related of env-1 after env-4 was added: got %v, want env-4 in it", got)
	}

	// A changed text drops the stored list; a deleted document's too.
	docs := []*wengao.Document{{ID: "env-1", Title: relatedTestDocs[0].Title, Category: "意见", Body: append(slices.Clone(relatedTestDocs[0].Body), "本意见自印发之日起施行。")}}
	if _, err := db.SaveDocuments(ctx, docs); err != nil {
		t.Fatal(err)
	}
	if got := storedRelated(t, db, "env-1"); got != nil {
		t.Errorf("related of env-1 after its text changed: still stored %v", got)
	}
	row := rowOf(t, db, "env-4")
	if err := db.SetDocumentStatus(ctx, wengao.Actor{}, "env-4", wengao.DocDeleted, ""); err != nil {
		t.Fatal(err)
	}
	if err := db.PurgeDocument(ctx, "env-4"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.write.QueryRow(`SELECT COUNT(*) FROM related_lists WHERE id = ?`, row).Scan(&n); err != nil || n != 0 {
		t.Errorf("related list of a purged document: %d rows (%v), want 0", n, err)
	}
	if got := relatedIDsOf(t, db, "env-1"); slices.Contains(got, "env-4") {
		t.Errorf("related of env-1 holds a purged document: %v", got)
	}
}

// TestRelatedTiesByID: documents that score alike are listed by row id,
// and the list is the same computed twice.
func TestRelatedTiesByID(t *testing.T) {
	ctx := context.Background()
	db := openRelatedTestDB(t)
	var docs []*wengao.Document
	for _, id := range []string{"c", "a", "d", "b"} {
		docs = append(docs, &wengao.Document{ID: "same-" + id, Title: "城市规划管理办法" + strings.Repeat("之", len(docs)), Body: []string{"城市规划管理，规划许可。" + id}})
	}
	docs = append(docs, &wengao.Document{ID: "src", Title: "城市规划管理办法", Body: []string{"城市规划管理，规划许可。"}})
	if _, err := db.SaveDocuments(ctx, docs); err != nil {
		t.Fatal(err)
	}
	a, err := db.computeRelated(ctx, rowOf(t, db, "src"), search.BoundedRelated)
	if err != nil {
		t.Fatal(err)
	}
	b, err := db.computeRelated(ctx, rowOf(t, db, "src"), search.BoundedRelated)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Entries, b.Entries) {
		t.Errorf("computed twice: %v then %v", a.Entries, b.Entries)
	}
	for i := 1; i < len(a.Entries); i++ {
		p, q := a.Entries[i-1], a.Entries[i]
		if p.Score == q.Score && p.Row > q.Row {
			t.Errorf("tie at %v listed before %v", p, q)
		}
	}
}

// TestRelatedOnCorpus checks the bounded related reading against the
// corpus (skipped without it): for documents of the first 2,000, the
// related documents share a distinctive title term or the category with
// the source, and the lists agree with the exhaustive computation
// (search.ExhaustiveRelated, which scores every document sharing a term).
func TestRelatedOnCorpus(t *testing.T) {
	if testing.Short() || raceEnabled {
		// A check of quality, not of concurrency: the import of 2,000
		// documents takes minutes under the race detector.
		t.Skip("imports 2,000 corpus documents")
	}
	path := os.Getenv("CORPUS")
	if path == "" {
		path = sharedtest.Path(t, "corpus/docs.jsonl.gz")
	}
	ctx := context.Background()
	db := openRelatedTestDB(t)
	docs := readCorpus(t, path, 2000)
	for i := 0; i < len(docs); i += 500 {
		if _, err := db.SaveDocuments(ctx, docs[i:min(i+500, len(docs))]); err != nil {
			t.Fatal(err)
		}
	}
	const sample, top = 60, 5
	var shared, listed, overlap, exhaustive int
	for i := 0; i < sample; i++ {
		d := docs[(i*len(docs))/sample]
		ref, err := db.computeRelated(ctx, rowOf(t, db, d.ID), search.ExhaustiveRelated)
		if err != nil {
			t.Fatal(err)
		}
		want, err := db.RelatedRefs(ctx, ref.Entries, ref.at, top)
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.RelatedDocuments(ctx, d.ID, top)
		if err != nil {
			t.Fatal(err)
		}
		srcTerms := informativeTitleTerms(d.Title)
		srcCat, _, _ := strings.Cut(d.Category, "/")
		for _, r := range got {
			rd, err := db.FindDocumentByID(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			cat, _, _ := strings.Cut(rd.Category, "/")
			listed++
			if (srcCat != "" && cat == srcCat) || sharesAny(srcTerms, informativeTitleTerms(rd.Title)) {
				shared++
			} else {
				t.Logf("%s %q: related %s %q shares no title term nor category", d.ID, d.Title, r.ID, r.Title)
			}
			if slices.ContainsFunc(want, func(w wengao.DocumentRef) bool { return w.ID == r.ID }) {
				overlap++
			}
		}
		exhaustive += len(want)
	}
	t.Logf("%d of %d related documents share a title term or the category; %d of the exhaustive lists' %d found", shared, listed, overlap, exhaustive)
	if listed < sample*top*9/10 {
		t.Errorf("related documents listed: got %d, want at least %d", listed, sample*top*9/10)
	}
	if shared*10 < listed*9 {
		t.Errorf("related documents sharing a title term or the category: got %d of %d, want 90 %%", shared, listed)
	}
	if overlap*10 < exhaustive*5 {
		t.Errorf("agreement with the exhaustive lists: got %d of %d, want 50 %%", overlap, exhaustive)
	}
}

// informativeTitleTerms are the title's bigrams but those of every other
// title (关于, 通知, 印发…).
func informativeTitleTerms(title string) []string {
	common := map[string]bool{"关于": true, "通知": true, "印发": true, "的通": true, "发展": true, "工作": true, "意见": true, "办法": true, "规定": true, "决定": true, "中华": true, "华人": true, "人民": true, "民共": true, "共和": true, "和国": true, "国务": true, "务院": true}
	var out []string
	for _, t := range search.DistinctTokens(chinese.IndexTokens(title), 100) {
		if !common[t] {
			out = append(out, t)
		}
	}
	return out
}

func sharesAny(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// readCorpus reads the first n documents of a JSON-lines corpus.
func readCorpus(t *testing.T, path string, n int) []*wengao.Document {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		sharedtest.Missing(t, "no corpus: %v", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var docs []*wengao.Document
	for sc.Scan() && len(docs) < n {
		var r struct {
			ID, Title, Date, Category, Body string
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, &wengao.Document{ID: r.ID, Title: r.Title, Date: r.Date, Category: r.Category, Body: strings.Split(r.Body, "\n")})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return docs
}

// BenchmarkComputeRelated computes the related reading of documents
// spread over the library in the data folder $RELATED_DATA (skipped
// without it), e.g. one that `wengao import` filled with the corpus.
func BenchmarkComputeRelated(b *testing.B) {
	dir := os.Getenv("RELATED_DATA")
	if dir == "" {
		b.Skip("RELATED_DATA names no data folder")
	}
	ctx := context.Background()
	db, err := Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var maxRow int64
	if err := db.read.QueryRow(`SELECT max(id) FROM documents`).Scan(&maxRow); err != nil {
		b.Fatal(err)
	}
	i := int64(0)
	for b.Loop() {
		row := 1 + (i*7919)%maxRow
		i++
		if _, err := db.computeRelated(ctx, row, search.BoundedRelated); err != nil {
			b.Fatal(err)
		}
	}
}
