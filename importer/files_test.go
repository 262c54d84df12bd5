package importer

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/convert"
)

// memService is a DocumentService in memory: a document is new, unchanged
// (same title and body under its id) or updated.
type memService struct {
	mu      sync.Mutex
	docs    map[string]*wengao.Document
	order   []string // ids in the order first saved
	batches int
	near    func(held map[string]*wengao.Document, d *wengao.Document) (string, float64)
	saveErr error
}

func (m *memService) FindDocumentByID(ctx context.Context, id string) (*wengao.Document, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if d, ok := m.docs[id]; ok {
		return d, nil
	}
	return nil, wengao.Errorf(wengao.ENOTFOUND, "no document %q", id)
}

func (m *memService) SaveDocuments(ctx context.Context, docs []*wengao.Document) ([]wengao.ImportResult, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.saveErr != nil {
		return nil, m.saveErr
	}
	if m.docs == nil {
		m.docs = map[string]*wengao.Document{}
	}
	m.batches++
	var out []wengao.ImportResult
	for _, d := range docs {
		if d.Title == "" || !hasText(d.Body) {
			return nil, wengao.Errorf(wengao.EINVALID, "document %q: empty", d.ID)
		}
		r := wengao.ImportResult{ID: d.ID}
		old, ok := m.docs[d.ID]
		switch {
		case !ok:
			r.Outcome = wengao.Imported
			m.order = append(m.order, d.ID)
		case old.Title == d.Title && old.Source == d.Source && slices.Equal(old.Body, d.Body):
			r.Outcome = wengao.Unchanged
		default:
			r.Outcome = wengao.Updated
		}
		if m.near != nil && r.Outcome != wengao.Unchanged {
			r.NearDuplicateOf, r.Similarity = m.near(m.docs, d)
		}
		m.docs[d.ID] = d
		out = append(out, r)
	}
	return out, nil
}

func (m *memService) RelatedDocuments(ctx context.Context, id string, n int) ([]wengao.DocumentRef, error) {
	return nil, nil
}

func (m *memService) CountDocuments(ctx context.Context) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.docs), nil
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestImportWalkFiles(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{
		"b.docx", "a.TXT", "sub/c.pdf", "sub/deeper/d.md", "sub/e.html", "sub/f.htm", "sub/g.doc",
		"notes.xyz", "sub/table.xlsx", "README", // other types: ignored
		".hidden.txt", ".git/x.md", "~$lock.docx", // hidden and lock files: skipped, not counted
	} {
		write(t, filepath.Join(dir, filepath.FromSlash(name)), []byte("x"))
	}
	im := &Importer{}
	jobs := im.walkFiles(dir)
	var rels []string
	for _, j := range jobs {
		rels = append(rels, j.rel)
		if got := j.size; got != 1 {
			t.Errorf("job: j.size = %v, want %v", got, 1)
		}
		if got := j.path; got != filepath.Join(dir, filepath.FromSlash(j.rel)) {
			t.Errorf("job: j.path = %v, want %v", got, filepath.Join(dir, filepath.FromSlash(j.rel)))
		}
	}
	want := []string{"a.TXT", "b.docx", "sub/c.pdf", "sub/deeper/d.md", "sub/e.html", "sub/f.htm", "sub/g.doc"}
	if !reflect.DeepEqual(rels, want) {
		t.Errorf("walk found %q, want %q", rels, want)
	}
	if got := im.sum.Ignored; got != 3 {
		t.Errorf("ignored: im.sum.Ignored = %v, want %v", got, 3)
	}
	if got := len(im.sum.Failures); got != 0 {
		t.Errorf("ignored: len(im.sum.Failures) = %v, want %v", got, 0)
	}
}

func TestImportFileDocument(t *testing.T) {
	res := &convert.Result{Format: "docx", Title: "上饶市公安局关于体能测评的通知",
		Paragraphs: []string{"上饶市公安局关于体能测评的通知", "各位考生：", "请按时参加体能测评。", "上饶市公安局", "2019年7月3日"}}
	doc, reason := FileDocument(res, "sub/通知.docx", false)
	if reason != "" {
		t.Fatal(reason)
	}
	if got := doc.Title; got != res.Title {
		t.Errorf("document: doc.Title = %v, want %v", got, res.Title)
	}
	if got := doc.Body[0]; got != "各位考生：" {
		t.Errorf("document: doc.Body[0] = %v, want %v", got, "各位考生：")
	}
	if got := doc.Source; got != "sub/通知.docx" {
		t.Errorf("document: doc.Source = %v, want %v", got, "sub/通知.docx")
	}
	if got := doc.Date; got != "2019-07-03" {
		t.Errorf("document: doc.Date = %v, want %v", got, "2019-07-03")
	}
	if got := doc.Author; got != "上饶市公安局" {
		t.Errorf("document: doc.Author = %v, want %v", got, "上饶市公安局")
	}
	if doc.Category == "" {
		t.Errorf("document %+v (want not doc.Category == \"\")", doc)
	}
	if strings.Contains(doc.Category, "/") {
		t.Errorf("document %+v (want not strings.Contains(doc.Category, \"/\"))", doc)
	}
	// No title anywhere: the file name.
	res = &convert.Result{Format: "pdf", Paragraphs: []string{"这是一段很长的正文，说明了很多事情，没有标题，也没有落款，只是正文而已。"}}
	if doc, _ := FileDocument(res, "a/b/无题.pdf", false); doc.Title != "无题" {
		t.Errorf("title from the file name: %q", doc.Title)
	}
	// A text file: the first line is the title, even a sentence.
	res = &convert.Result{Format: "txt", Title: "", Paragraphs: []string{"今天开了一个会。", "会上讲了三件事。"}}
	{
		doc, _ := FileDocument(res, "x.txt", true)
		if got := doc.Title; got != "今天开了一个会。" {
			t.Errorf("text file: doc.Title = %v, want %v", got, "今天开了一个会。")
		}
		if !reflect.DeepEqual(doc.Body, []string{"会上讲了三件事。"}) {
			t.Errorf("text file: %+v (want reflect.DeepEqual(doc.Body, []string{\"会上讲了三件事。\"}))", doc)
		}
	}
	res = &convert.Result{Format: "txt", Paragraphs: []string{"只有标题"}}
	if _, reason := FileDocument(res, "x.txt", true); reason != "no body after the title line" {
		t.Errorf("title only: %q", reason)
	}
}

// recorder is a Progress that keeps every update.
type recorder struct {
	updates []Status
	done    int
}

func (r *recorder) Update(s Status) { r.updates = append(r.updates, s) }
func (r *recorder) Done()           { r.done++ }

// TestImportFilesOrder imports many small files on several workers in
// small batches: documents are saved in the walk's order, failures and
// copies are reported, progress counts files, and a second run changes
// nothing.
func TestImportFilesOrder(t *testing.T) {
	dir := t.TempDir()
	const n = 60
	for i := range n {
		body := fmt.Sprintf("第%d号文件\n这是第%d号文件的正文。\n", i, i)
		write(t, filepath.Join(dir, fmt.Sprintf("d%d", i/20), fmt.Sprintf("f%03d.txt", i)), []byte(body))
	}
	write(t, filepath.Join(dir, "d0", "f000z-copy.txt"), []byte("第0号文件\n这是第0号文件的正文。\n"))
	write(t, filepath.Join(dir, "d1", "broken.docx"), []byte("PK\x03\x04 not really a zip archive"))
	write(t, filepath.Join(dir, "d2", "broken-copy.docx"), []byte("PK\x03\x04 not really a zip archive"))
	write(t, filepath.Join(dir, "d2", "big.txt"), bytes.Repeat([]byte("很大的文件。\n"), 20000))
	write(t, filepath.Join(dir, "d2", "empty.md"), []byte(" \n\n"))
	write(t, filepath.Join(dir, "d2", "skip.xyz"), []byte("?"))

	svc := &memService{}
	prog := &recorder{}
	im := &Importer{Service: svc, BatchSize: 7, Workers: 4, Progress: prog, Limits: convert.Limits{MaxFileSize: 100 << 10}}
	sum, err := im.Run(context.Background(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if got := sum.Imported; got != n {
		t.Fatalf("summary: sum.Imported = %v, want %v", got, n)
	}
	if got := sum.Files; got != n+5 {
		t.Fatalf("summary: sum.Files = %v, want %v", got, n+5)
	}
	if got := sum.Ignored; got != 1 {
		t.Fatalf("summary: sum.Ignored = %v, want %v", got, 1)
	}
	if got := len(sum.Duplicates); got != 1 {
		t.Fatalf("summary: len(sum.Duplicates) = %v, want %v", got, 1)
	}
	{
		d := sum.Duplicates[0]
		if got := d.Path; got != filepath.Join(dir, "d0", "f000z-copy.txt") {
			t.Errorf("duplicate: d.Path = %v, want %v", got, filepath.Join(dir, "d0", "f000z-copy.txt"))
		}
		if got := d.OfPath; got != filepath.Join(dir, "d0", "f000.txt") {
			t.Errorf("duplicate: d.OfPath = %v, want %v", got, filepath.Join(dir, "d0", "f000.txt"))
		}
	}
	failed := map[string]string{}
	for _, f := range sum.Failures {
		failed[filepath.Base(f.Path)] = f.Reason
	}
	if got := len(failed); got != 4 {
		t.Fatalf("failures: len(failed) = %v, want %v", got, 4)
	}
	if !strings.Contains(failed["big.txt"], "超过 100 KB") {
		t.Errorf("failures %q (want strings.Contains(failed[\"big.txt\"], \"超过 100 KB\"))", failed)
	}
	if got := failed["empty.md"]; got != "empty file" {
		t.Errorf("failures: failed[\"empty.md\"] = %v, want %v", got, "empty file")
	}
	if !strings.Contains(failed["broken.docx"], "损坏") {
		t.Errorf("failures %q (want strings.Contains(failed[\"broken.docx\"], \"损坏\"))", failed)
	}
	if got := failed["broken-copy.docx"]; got != failed["broken.docx"] {
		t.Errorf("failures: failed[\"broken-copy.docx\"] = %v, want %v", got, failed["broken.docx"])
	}
	// Saved in order.
	for i, id := range svc.order {
		{
			d := svc.docs[id]
			if got := d.Title; got != fmt.Sprintf("第%d号文件", i) {
				t.Fatalf("document: d.Title = %v, want %v", got, fmt.Sprintf("第%d号文件", i))
			}
			if got := d.Source; got != fmt.Sprintf("d%d/f%03d.txt", i/20, i) {
				t.Fatalf("document: d.Source = %v, want %v", got, fmt.Sprintf("d%d/f%03d.txt", i/20, i))
			}
		}
	}
	if svc.batches != (n+6)/7 {
		t.Errorf("%d batches, want %d", svc.batches, (n+6)/7)
	}
	last := prog.updates[len(prog.updates)-1]
	if got := prog.done; got != 1 {
		t.Errorf("progress: prog.done = %v, want %v", got, 1)
	}
	if got := last.TotalFiles; got != n+5 {
		t.Errorf("progress: last.TotalFiles = %v, want %v", got, n+5)
	}
	if got := last.Files; got != n+5 {
		t.Errorf("progress: last.Files = %v, want %v", got, n+5)
	}
	if got := last.Fraction(); got != 1 {
		t.Errorf("progress: last.Fraction() = %v, want %v", got, 1)
	}
	for i := 1; i < len(prog.updates); i++ {
		if prog.updates[i].Files < prog.updates[i-1].Files {
			t.Fatal("progress went back")
		}
	}

	// Again: nothing new.
	sum, err = (&Importer{Service: svc, Workers: 3, Limits: convert.Limits{MaxFileSize: 100 << 10}}).Run(context.Background(), []string{dir})
	if err != nil {
		t.Fatalf("re-import: %v", err)
	}
	if got := sum.Imported; got != 0 {
		t.Fatalf("re-import: sum.Imported = %v, want %v", got, 0)
	}
	if got := sum.Updated; got != 0 {
		t.Fatalf("re-import: sum.Updated = %v, want %v", got, 0)
	}
	if got := sum.Unchanged; got != n {
		t.Fatalf("re-import: sum.Unchanged = %v, want %v", got, n)
	}
}

// TestImportFilesCanceled stops an import part-way: no failure is
// reported for the files not converted, and no goroutine is left.
func TestImportFilesCanceled(t *testing.T) {
	dir := t.TempDir()
	for i := range 200 {
		write(t, filepath.Join(dir, fmt.Sprintf("f%03d.md", i)), fmt.Appendf(nil, "# 标题%d\n\n正文%d。\n", i, i))
	}
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	svc := &memService{}
	im := &Importer{Service: svc, BatchSize: 10, Workers: 4, Progress: cancelAfter{cancel, 50}}
	sum, err := im.Run(ctx, []string{dir})
	if err != nil {
		t.Fatalf("canceled run: %v", err)
	}
	if got := len(sum.Failures); got != 0 {
		t.Fatalf("canceled run: len(sum.Failures) = %v, want %v", got, 0)
	}
	if sum.Imported == 0 {
		t.Fatalf("canceled run: %+v %v (want not sum.Imported == 0)", sum, err)
	}
	if sum.Imported >= 200 {
		t.Fatalf("canceled run: %+v %v (want not sum.Imported >= 200)", sum, err)
	}
	// What is counted is saved.
	if len(svc.docs) != sum.Imported {
		t.Errorf("%d saved, %d counted", len(svc.docs), sum.Imported)
	}
	waitGoroutines(t, before)

	// A write error stops the import with the error.
	svc = &memService{saveErr: fmt.Errorf("disk full")}
	{
		_, err := (&Importer{Service: svc, BatchSize: 5}).Run(context.Background(), []string{dir})
		if err == nil {
			t.Fatalf("write error: err is nil")
		}
		if !strings.Contains(err.Error(), "disk full") {
			t.Errorf("write error: %v (want strings.Contains(err.Error(), \"disk full\"))", err)
		}
	}
	waitGoroutines(t, before)
}

type cancelAfter struct {
	cancel context.CancelFunc
	files  int
}

func (c cancelAfter) Update(s Status) {
	if s.Files >= c.files {
		c.cancel()
	}
}
func (c cancelAfter) Done() {}

func waitGoroutines(t *testing.T, want int) {
	t.Helper()
	for i := 0; runtime.NumGoroutine() > want; i++ {
		if i == 100 {
			t.Fatalf("%d goroutines left, %d before", runtime.NumGoroutine(), want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestImportWriteReport(t *testing.T) {
	sum := &Summary{
		Failures: []Failure{
			{Path: "a/坏.docx", Reason: "文件已损坏，无法读取。"},
			{Path: "in.jsonl", Line: 3, Reason: "malformed JSON: x, \"y\""},
			{Path: "=HYPERLINK(1).pdf", Reason: "文件为空。"},
		},
		Duplicates:     []Duplicate{{ID: "file-1", Of: "file-1", Path: "b.pdf", OfPath: "a.pdf"}, {ID: "d5", Of: "d1", Path: "in.jsonl", Line: 5}},
		NearDuplicates: []NearDuplicate{{ID: "file-2", Of: "law-1", Similarity: 0.876, Path: "c.docx"}},
	}
	var buf bytes.Buffer
	if err := WriteReport(&buf, sum); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, "\ufeff文件,行号,类型,原因,") {
		t.Fatalf("want a BOM, the header and CRLF:\n%q (want strings.HasPrefix(out, \"\\ufeff文件,行号,类型,原因,\"))", out)
	}
	if !strings.Contains(out, "\r\n") {
		t.Fatalf("want a BOM, the header and CRLF:\n%q (want strings.Contains(out, \"\\r\\n\"))", out)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		ReportHeader,
		{"a/坏.docx", "", "失败", "文件已损坏，无法读取。", "", "", ""},
		{"in.jsonl", "3", "失败", "malformed JSON: x, \"y\"", "", "", ""},
		{"'=HYPERLINK(1).pdf", "", "失败", "文件为空。", "", "", ""},
		{"b.pdf", "", "重复", "与文件 a.pdf 的内容相同，未重复导入。", "file-1", "file-1", ""},
		{"in.jsonl", "5", "重复", "与文档 d1 的文字相同，未重复导入。", "d5", "d1", ""},
		{"c.docx", "", "近似重复", "与文档 law-1 相似（相似度 0.88），已导入，请核对是否重复。", "file-2", "law-1", "0.88"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("report rows:\n%q\nwant\n%q", rows, want)
	}
	if sum.ReportRows() != 6 {
		t.Errorf("ReportRows = %d", sum.ReportRows())
	}
}

// TestNearDuplicates counts the near-duplicates the service reports, for
// new and updated documents, with the file they came from.
func TestImportNearDuplicates(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.txt"), []byte("关于春节的通知\n各单位放假七天。\n"))
	write(t, filepath.Join(dir, "b.txt"), []byte("关于春节的通知\n各单位放假八天。\n"))
	svc := &memService{near: func(held map[string]*wengao.Document, d *wengao.Document) (string, float64) {
		for id, o := range held {
			if id != d.ID && o.Title == d.Title {
				return id, 0.9
			}
		}
		return "", 0
	}}
	sum, err := (&Importer{Service: svc}).Run(context.Background(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if got := sum.Imported; got != 2 {
		t.Fatalf("summary: sum.Imported = %v, want %v", got, 2)
	}
	if got := len(sum.NearDuplicates); got != 1 {
		t.Fatalf("summary: len(sum.NearDuplicates) = %v, want %v", got, 1)
	}
	nd := sum.NearDuplicates[0]
	if got := nd.Path; got != filepath.Join(dir, "b.txt") {
		t.Errorf("near-duplicate: nd.Path = %v, want %v", got, filepath.Join(dir, "b.txt"))
	}
	if got := nd.Similarity; got != 0.9 {
		t.Errorf("near-duplicate: nd.Similarity = %v, want %v", got, 0.9)
	}
	if got := nd.Of; got != svc.order[0] {
		t.Errorf("near-duplicate: nd.Of = %v, want %v", got, svc.order[0])
	}
	if got := nd.ID; got != svc.order[1] {
		t.Errorf("near-duplicate: nd.ID = %v, want %v", got, svc.order[1])
	}
	// Unchanged documents are not reported again.
	sum, _ = (&Importer{Service: svc}).Run(context.Background(), []string{dir})
	if got := sum.Unchanged; got != 2 {
		t.Errorf("re-import: sum.Unchanged = %v, want %v", got, 2)
	}
	if got := len(sum.NearDuplicates); got != 0 {
		t.Errorf("re-import: len(sum.NearDuplicates) = %v, want %v", got, 0)
	}
}

func TestAheadSlots(t *testing.T) {
	for _, c := range []struct{ n, want int }{
		{0, 1}, {1, 1}, {aheadUnit, 1}, {aheadUnit + 1, 2}, {14 << 10, 1}, {maxLine, readAhead}, {readAhead * aheadUnit * 2, readAhead},
	} {
		if got := aheadSlots(c.n); got != c.want {
			t.Errorf("aheadSlots(%d) = %d, want %d", c.n, got, c.want)
		}
	}
}
