package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/convert"
	"github.com/wengao/wengao/importer"
	"github.com/wengao/wengao/sharedtest"
	"github.com/wengao/wengao/sqlite/sqlitetest"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// TestMain sends the default import reports (written when an import
// fails, into the current folder) to a temporary folder instead of the
// source tree.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "wengao-reports-")
	if err != nil {
		panic(err)
	}
	reportDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// corpusFiles returns the folder of real government documents for import
// tests: $WENGAO_CORPUS_FILES or shared/corpus/files beside the repository.
func corpusFiles(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv("WENGAO_CORPUS_FILES"); dir != "" {
		return dir
	}
	return sharedtest.Path(t, "corpus/files")
}

// copyFile copies src to dst, making dst's folder.
func copyFile(t *testing.T, src, dst string) []byte {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return data
}

// haveAntiword reports whether .doc files can be converted; without
// antiword the .doc files are left out, except in CI, which must have it.
func haveAntiword(t *testing.T) bool {
	if _, err := exec.LookPath("antiword"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI needs antiword to import .doc files: run scripts/test.sh as root, which installs it")
		}
		t.Log("antiword is not installed: the .doc files are left out of this test (apt-get install antiword)")
		return false
	}
	return true
}

var hanRE = regexp.MustCompile(`\p{Han}`)

// TestImportDocumentFiles imports a folder of real .doc, .docx and .pdf
// files with a nested subfolder, a GBK text file, a corrupt .docx, an
// empty .pdf and a file of another type, then checks the documents, the
// CSV report, a re-import and a search.
func TestImportDocumentFiles(t *testing.T) {
	corpus := corpusFiles(t)
	entries, err := os.ReadDir(corpus)
	if err != nil {
		t.Fatal(err)
	}
	antiword := haveAntiword(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	type good struct {
		rel  string
		data []byte
	}
	var goods []good
	for i, e := range entries {
		name := e.Name()
		if strings.HasSuffix(name, ".doc") && !antiword {
			continue
		}
		rel := name
		switch i % 3 { // some at the top, some one and two levels down
		case 1:
			rel = "二级/" + name
		case 2:
			rel = "二级/三级/" + name
		}
		goods = append(goods, good{rel, copyFile(t, filepath.Join(corpus, name), filepath.Join(src, filepath.FromSlash(rel)))})
	}
	if len(goods) < 5 {
		t.Fatalf("only %d corpus files", len(goods))
	}
	gbk, err := simplifiedchinese.GBK.NewEncoder().String("关于开展冬季消防安全检查的通知\n各乡镇、各部门：\n为切实做好冬季消防安全工作，决定开展消防安全大检查。\n县应急管理局\n2023年11月20日\n")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(src, "二级", "gbk.txt"), gbk)
	goods = append(goods, good{"二级/gbk.txt", []byte(gbk)})
	corrupt := append([]byte("PK\x03\x04"), make([]byte, 4096)...)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 4; i < len(corrupt); i++ {
		corrupt[i] = byte(rng.Uint32())
	}
	writeFile(t, filepath.Join(src, "坏文件.docx"), string(corrupt))
	writeFile(t, filepath.Join(src, "二级", "三级", "空.pdf"), "")
	writeFile(t, filepath.Join(src, "说明.xyz"), "not a document type: ignored, not a failure")

	data := filepath.Join(dir, "data")
	report := filepath.Join(dir, "report.csv")
	out, err := runCLI(t, "import", "--data", data, "--quiet", "--report", report, src)
	{
		code, ok := err.(exitError)
		if !ok {
			t.Fatalf("import: want exit status 1 for the broken files, got %v\n%s (want ok)", err, out)
		}
		if got := code; got != 1 {
			t.Fatalf("import: code = %v, want %v", got, 1)
		}
	}
	for _, want := range []string{"imported " + strconv.Itoa(len(goods)) + ", ", "failed 2,", "ignored 1 file of another type", "report: 2 failed", report} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	// The documents: ids from the content, sources relative to the folder,
	// titles and bodies as convert reads the files.
	db := sqlitetest.OpenDir(t, data)
	ctx := context.Background()
	var docs []*wengao.Document
	for _, g := range goods {
		sum := sha256.Sum256(g.data)
		doc, err := db.FindDocumentByID(ctx, "file-"+hex.EncodeToString(sum[:])[:16])
		if err != nil {
			t.Errorf("%s: %v", g.rel, err)
			continue
		}
		docs = append(docs, doc)
		res, err := convert.Convert(ctx, filepath.Base(g.rel), bytes.NewReader(g.data), convert.Limits{})
		if err != nil {
			t.Fatalf("%s: %v", g.rel, err)
		}
		if got := doc.Source; got != g.rel {
			t.Errorf("%s: doc.Source = %v, want %v", g.rel, got, g.rel)
		}
		if len([]rune(doc.Title)) < 4 {
			t.Fatalf("%s: source %q, title %q, %d paragraphs (want not len([]rune(doc.Title)) < 4)", g.rel, doc.Source, doc.Title, len(doc.Body))
		}
		if !hanRE.MatchString(doc.Title) {
			t.Errorf("%s: source %q, title %q, %d paragraphs (want hanRE.MatchString(doc.Title))", g.rel, doc.Source, doc.Title, len(doc.Body))
		}
		if len(doc.Body) == 0 {
			t.Errorf("%s: source %q, title %q, %d paragraphs (want not len(doc.Body) == 0)", g.rel, doc.Source, doc.Title, len(doc.Body))
		}
		if res.Title != "" && compactText(doc.Title) != compactText(res.Title) {
			t.Errorf("%s: title %q, convert's %q", g.rel, doc.Title, res.Title)
		}
		// The body is convert's text less the title lines.
		{
			n, want := textLen(doc.Body)+len(compactText(doc.Title)), textLen(res.Paragraphs)
			if n < want*9/10 {
				t.Errorf("%s: %d bytes of text stored, convert read %d (want not n < want*9/10)", g.rel, n, want)
			}
			if n > want+len(compactText(doc.Title)) {
				t.Errorf("%s: %d bytes of text stored, convert read %d (want not n > want+len(compactText(doc.Title)))", g.rel, n, want)
			}
		}
		for _, p := range doc.Body {
			if !slices.Contains(res.Paragraphs, p) {
				t.Errorf("%s: paragraph %q is not convert's", g.rel, p)
				break
			}
		}
		if doc.Date != "" && !regexp.MustCompile(`^\d{4}-\d\d-\d\d$`).MatchString(doc.Date) {
			t.Errorf("%s: date %q, category %q (want not doc.Date != \"\" && !regexp.MustCompile(`^\\d{4}-\\d\\d-\\d\\d$`).MatchString(doc.Date))", g.rel, doc.Date, doc.Category)
		}
		if strings.Contains(doc.Category, "/") {
			t.Errorf("%s: date %q, category %q (want not strings.Contains(doc.Category, \"/\"))", g.rel, doc.Date, doc.Category)
		}
	}
	gbkDoc := docs[len(docs)-1]
	if got := gbkDoc.Title; got != "关于开展冬季消防安全检查的通知" {
		t.Errorf("GBK text file: gbkDoc.Title = %v, want %v", got, "关于开展冬季消防安全检查的通知")
	}
	if got := gbkDoc.Date; got != "2023-11-20" {
		t.Errorf("GBK text file: gbkDoc.Date = %v, want %v", got, "2023-11-20")
	}
	if got := gbkDoc.Author; got != "县应急管理局" {
		t.Errorf("GBK text file: gbkDoc.Author = %v, want %v", got, "县应急管理局")
	}
	if got := gbkDoc.Body[0]; got != "各乡镇、各部门：" {
		t.Errorf("GBK text file: gbkDoc.Body[0] = %v, want %v", got, "各乡镇、各部门：")
	}
	if n, _ := db.CountDocuments(ctx); n != len(goods) {
		t.Errorf("%d documents stored, want %d", n, len(goods))
	}

	// Searching a phrase of a file finds it.
	for _, doc := range []*wengao.Document{docs[0], gbkDoc} {
		phrase := searchPhrase(doc.Body)
		res, err := db.Search(ctx, wengao.SearchRequest{Query: `"` + phrase + `"`, Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(res.Hits, func(h wengao.SearchHit) bool { return h.ID == doc.ID }) {
			t.Errorf("searching %q does not find %s (%s)", phrase, doc.ID, doc.Source)
		}
	}
	db.Close()

	// The report lists exactly the broken files, with reasons in Chinese.
	rows := readReport(t, report)
	failed := map[string]string{}
	for _, r := range rows[1:] {
		if r[2] == importer.KindFailed {
			rel, _ := filepath.Rel(src, r[0])
			failed[filepath.ToSlash(rel)] = r[3]
		}
	}
	if got := len(failed); got != 2 {
		t.Fatalf("report failures: len(failed) = %v, want %v", got, 2)
	}
	if !hanRE.MatchString(failed["坏文件.docx"]) {
		t.Errorf("report failures: %q (want hanRE.MatchString(failed[\"坏文件.docx\"]))", failed)
	}
	if !hanRE.MatchString(failed["二级/三级/空.pdf"]) {
		t.Errorf("report failures: %q (want hanRE.MatchString(failed[\"二级/三级/空.pdf\"]))", failed)
	}

	// A revised copy of a document, imported on its own, is saved and
	// reported as a near-duplicate of it.
	orig := docs[0]
	revised := slices.Clone(orig.Body)
	revised[len(revised)/2] += "（本段有修订。）"
	revDir := filepath.Join(dir, "修订")
	os.Mkdir(revDir, 0o755)
	writeFile(t, filepath.Join(revDir, "修订稿.txt"), orig.Title+"（修订稿）\n"+strings.Join(revised, "\n"))
	revReport := filepath.Join(dir, "revised.csv")
	out, err = runCLI(t, "import", "--data", data, "--quiet", "--report", revReport, revDir)
	if err != nil {
		t.Fatalf("near-duplicate import: %v", err)
	}
	if !strings.Contains(out, "imported 1, ") {
		t.Errorf("near-duplicate import: %v\n%s (want strings.Contains(out, \"imported 1, \"))", err, out)
	}
	if !strings.Contains(out, "near-duplicates 1 ") {
		t.Errorf("near-duplicate import: %v\n%s (want strings.Contains(out, \"near-duplicates 1 \"))", err, out)
	}
	{
		rows := readReport(t, revReport)
		if got := len(rows); got != 2 {
			t.Fatalf("near-duplicate report: len(rows) = %v, want %v", got, 2)
		}
		if got := rows[1][2]; got != importer.KindNearDuplicate {
			t.Errorf("near-duplicate report: rows[1][2] = %v, want %v", got, importer.KindNearDuplicate)
		}
		if got := rows[1][5]; got != orig.ID {
			t.Errorf("near-duplicate report: rows[1][5] = %v, want %v", got, orig.ID)
		}
		if rows[1][6] < "0.80" {
			t.Errorf("near-duplicate report: %q (want not rows[1][6] < \"0.80\")", rows)
		}
	}

	// Importing again adds nothing.
	out, _ = runCLI(t, "import", "--data", data, "--quiet", src)
	if !strings.Contains(out, "imported 0, updated 0, unchanged "+strconv.Itoa(len(goods))+", ") {
		t.Errorf("re-import:\n%s", out)
	}
	// The default report goes to reportDir.
	if !strings.Contains(out, "report: 2 failed") {
		t.Errorf("re-import report:\n%s (want strings.Contains(out, \"report: 2 failed\"))", out)
	}
	if !strings.Contains(out, reportDir) {
		t.Errorf("re-import report:\n%s (want strings.Contains(out, reportDir))", out)
	}
}

// TestImportFileLimits imports single files given on the command line:
// one over --max-file-size fails with the size in its reason, a file of
// another type is refused, and a clean import writes no default report.
func TestImportFileLimits(t *testing.T) {
	corpus := corpusFiles(t)
	pdf := filepath.Join(corpus, "性别数据.pdf")
	docx := filepath.Join(corpus, "大纲4：江西省人民政府外事办公室2022年招考外语类公务员考试大纲.docx")
	if _, err := os.Stat(pdf); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	report := filepath.Join(dir, "r.csv")
	odd := filepath.Join(dir, "a.xyz")
	writeFile(t, odd, "x")
	out, err := runCLI(t, "import", "--data", data, "--max-file-size", "100KB", "--report", report, pdf, docx, odd)
	if err == nil {
		t.Fatalf("limits: err is nil")
	}
	if !strings.Contains(out, "imported 1, ") {
		t.Fatalf("limits: %v\n%s (want strings.Contains(out, \"imported 1, \"))", err, out)
	}
	if !strings.Contains(out, "超过 100 KB 的上限") {
		t.Fatalf("limits: %v\n%s (want strings.Contains(out, \"超过 100 KB 的上限\"))", err, out)
	}
	if !strings.Contains(out, "a.xyz: unsupported file type") {
		t.Fatalf("limits: %v\n%s (want strings.Contains(out, \"a.xyz: unsupported file type\"))", err, out)
	}
	if rows := readReport(t, report); len(rows) != 3 {
		t.Errorf("report: %q", rows)
	}
	if _, err := runCLI(t, "import", "--data", data, "--max-file-size", "twenty"); err == nil {
		t.Error("a bad size is accepted")
	}
	before, _ := filepath.Glob(filepath.Join(reportDir, "*.csv"))
	out, err = runCLI(t, "import", "--data", data, pdf)
	after, _ := filepath.Glob(filepath.Join(reportDir, "*.csv"))
	if err != nil {
		t.Fatalf("clean import: %v", err)
	}
	if !strings.Contains(out, "imported 1, ") {
		t.Errorf("clean import: %v, reports %d → %d\n%s (want strings.Contains(out, \"imported 1, \"))", err, len(before), len(after), out)
	}
	if strings.Contains(out, "report:") {
		t.Errorf("clean import: %v, reports %d → %d\n%s (want not strings.Contains(out, \"report:\"))", err, len(before), len(after), out)
	}
	if got := len(after); got != len(before) {
		t.Errorf("clean import: len(after) = %v, want %v", got, len(before))
	}
}

// readReport reads a CSV report, checking its byte-order mark and header.
func readReport(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("\ufeff")) {
		t.Error("report: no byte-order mark")
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatalf("report header: %q (want not len(rows) == 0)", rows)
	}
	if !slices.Equal(rows[0], importer.ReportHeader) {
		t.Fatalf("report header: %q (want slices.Equal(rows[0], importer.ReportHeader))", rows)
	}
	return rows
}

// searchPhrase returns eight Han characters in a row from the body.
func searchPhrase(body []string) string {
	for _, p := range body {
		if m := regexp.MustCompile(`\p{Han}{8}`).FindString(p); m != "" {
			return m
		}
	}
	return ""
}

func compactText(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), "")
}

func textLen(paras []string) int {
	n := 0
	for _, p := range paras {
		n += len(compactText(p))
	}
	return n
}
