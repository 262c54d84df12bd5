package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/sample"
	"github.com/wengao/wengao/sqlite"
	"github.com/wengao/wengao/sqlite/sqlitetest"
)

// runCLI runs a wengao command line in process.
func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, &out, &errOut)
	return out.String() + errOut.String(), err
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestImportJSONL(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	file := filepath.Join(dir, "in.jsonl")
	writeFile(t, file, strings.Join([]string{
		`{"id":"d1","title":"关于加强安全生产工作的通知","date":"2024-03-01","category":"公文/通知","body":"一、总体要求\n加强安全生产。","extra":{"x":1}}`,
		`{"id":"d2","title":"营口市精细化工产业发展报告","date":"2023-06-28","source":"https://example.org/a","category":"报告/调研报告","body":"推进精细化工产业发展。"}`,
		`{"id":"d3", "title": broken json`,
		`{"id":"d4","title":"","body":"没有标题"}`,
		`{"id":"d5","title":"关于加强安全生产工作的通知","category":"公文/通知","body":"一、总体要求\n加强安全生产。"}`,
		``,
		`{"id":"d6","title":"第三篇","body":["第一段","第二段"]}`,
	}, "\n"))
	out, err := runCLI(t, "import", "--data", data, file)
	if err == nil {
		t.Fatalf("want a non-zero exit for the failed lines; output:\n%s", out)
	}
	for _, want := range []string{
		"imported 3, updated 0, unchanged 0, duplicates 1, failed 2",
		"line 3: malformed JSON", "line 4: missing title",
		"duplicate: d5 has the same text as d1",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// Re-importing the same file changes nothing.
	out, _ = runCLI(t, "import", "--data", data, file)
	if !strings.Contains(out, "imported 0, updated 0, unchanged 3, duplicates 1, failed 2") {
		t.Errorf("re-import:\n%s", out)
	}
	// A changed record updates in place.
	writeFile(t, file, `{"id":"d2","title":"营口市精细化工产业发展报告","date":"2023-06-28","body":"推进新材料产业发展。"}`)
	out, err = runCLI(t, "import", "--data", data, file)
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if !strings.Contains(out, "imported 0, updated 1") {
		t.Fatalf("update: %v\n%s (want strings.Contains(out, \"imported 0, updated 1\"))", err, out)
	}

	out, err = runCLI(t, "search", "--data", data, "--json", "新材料")
	if err != nil {
		t.Fatal(err, out)
	}
	var res struct {
		Total int `json:"total"`
		Hits  []struct {
			ID, Title, Date, Category, Snippet string
			Score                              float64
		} `json:"hits"`
		Facets map[string]any `json:"facets"`
		TookMS *float64       `json:"took_ms"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("search --json output is not JSON: %v\n%s", err, out)
	}
	if got := res.Total; got != 1 {
		t.Fatalf("search --json: res.Total = %v, want %v", got, 1)
	}
	if got := res.Hits[0].ID; got != "d2" {
		t.Fatalf("search --json: res.Hits[0].ID = %v, want %v", got, "d2")
	}
	if got := res.Hits[0].Date; got != "2023-06-28" {
		t.Fatalf("search --json: res.Hits[0].Date = %v, want %v", got, "2023-06-28")
	}
	if !strings.Contains(res.Hits[0].Snippet, "<mark>新材料</mark>") {
		t.Fatalf("search --json: %s (want strings.Contains(res.Hits[0].Snippet, \"<mark>新材料</mark>\"))", out)
	}
	if res.TookMS == nil {
		t.Fatalf("search --json: res.TookMS is nil")
	}
	if res.Facets["category"] == nil {
		t.Fatalf("search --json: res.Facets[\"category\"] is nil")
	}
	// Flags after the query work too, and text output is readable.
	out, err = runCLI(t, "search", "安全生产", "--data", data, "--limit", "1")
	if err != nil {
		t.Fatalf("search text: %v", err)
	}
	if !strings.Contains(out, "1 documents") {
		t.Fatalf("search text: %v\n%s (want strings.Contains(out, \"1 documents\"))", err, out)
	}
	if !strings.Contains(out, "【安全生产】") {
		t.Fatalf("search text: %v\n%s (want strings.Contains(out, \"【安全生产】\"))", err, out)
	}
}

func TestImportTextFolder(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src", "sub")
	os.MkdirAll(src, 0o755)
	writeFile(t, filepath.Join(src, "a.txt"), "\n关于做好春节期间安全工作的通知\n\n各单位：\n请做好安全工作。\n")
	writeFile(t, filepath.Join(src, "b.md"), "# 工作总结\n\n今年完成了各项任务。\n")
	writeFile(t, filepath.Join(src, "empty.txt"), "\n\n")
	writeFile(t, filepath.Join(src, "skip.csv"), "a,b")
	// GBK text is recognised.
	writeFile(t, filepath.Join(src, "gbk.txt"), string([]byte{0xb9, 0xa4, 0xd7, 0xf7, 0xb1, 0xa8, 0xb8, 0xe6, '\n', 0xd5, 0xfd, 0xce, 0xc4}))
	data := filepath.Join(dir, "data")
	out, _ := runCLI(t, "import", "--data", data, filepath.Join(dir, "src"))
	if !strings.Contains(out, "imported 3,") {
		t.Fatalf("folder import:\n%s (want strings.Contains(out, \"imported 3,\"))", out)
	}
	if !strings.Contains(out, "empty.txt: empty file") {
		t.Fatalf("folder import:\n%s (want strings.Contains(out, \"empty.txt: empty file\"))", out)
	}
	out, _ = runCLI(t, "search", "--data", data, "工作报告")
	if !strings.Contains(out, "1 documents") {
		t.Fatalf("GBK file not searchable:\n%s", out)
	}
}

// TestImportKilled kills an import with SIGKILL part-way and checks that
// every document present is complete and searchable, then that rerunning
// the import completes it.
func TestImportKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "wengao")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	// An input of 1,300 documents: the sample under several ids.
	input := filepath.Join(dir, "big.jsonl")
	f, err := os.Create(input)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := sample.JSONL()
	var lines []map[string]any
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var m map[string]any
		json.Unmarshal(sc.Bytes(), &m)
		lines = append(lines, m)
	}
	want := 0
	for copy := 0; want < 1300; copy++ {
		for _, m := range lines {
			m2 := map[string]any{}
			for k, v := range m {
				m2[k] = v
			}
			m2["id"] = fmt.Sprintf("%s-%d", m["id"], copy)
			m2["title"] = fmt.Sprintf("%s（第%d版）", m["title"], copy)
			b, _ := json.Marshal(m2)
			f.Write(append(b, '\n'))
			want++
		}
	}
	f.Close()

	data := filepath.Join(dir, "data")
	cmd := exec.Command(bin, "import", "--data", data, "--batch", "50", input)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill once some progress has been committed.
	done := make(chan struct{})
	go func() {
		io.Copy(io.Discard, stderr)
		close(done)
	}()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		if n := countRows(t, data); n > 200 {
			break
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	<-done

	db := sqlitetest.OpenDir(t, data)
	n, _ := db.CountDocuments(context.Background())
	if n == 0 || n >= want {
		t.Logf("killed after %d of %d documents (the test wants a kill mid-way)", n, want)
	}
	checkAllSearchable(t, db)
	db.Close()

	out, err := exec.Command(bin, "import", "--data", data, input).CombinedOutput()
	if err != nil {
		t.Fatalf("rerun: %v\n%s", err, out)
	}
	db = sqlitetest.OpenDir(t, data)
	defer db.Close()
	total, _ := db.CountDocuments(context.Background())
	if !strings.Contains(string(out), fmt.Sprintf("unchanged %d", n)) {
		t.Errorf("rerun should leave the %d saved documents unchanged:\n%s", n, out)
	}
	checkAllSearchable(t, db)
	if total < want-50 { // exact duplicates within the sample are skipped
		t.Errorf("after rerun: %d documents, want about %d", total, want)
	}
}

func countRows(t *testing.T, data string) int {
	db, err := sqlite.Open(data)
	if err != nil {
		return 0
	}
	defer db.Close()
	n, _ := db.CountDocuments(context.Background())
	return n
}

// checkAllSearchable finds every stored document by a phrase of its title.
func checkAllSearchable(t *testing.T, db *sqlite.DB) {
	t.Helper()
	ids, err := db.DocumentIDs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		d, err := db.FindDocumentByID(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		res, err := db.Search(context.Background(), wengao.SearchRequest{Query: `"` + d.Title + `"`, Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, h := range res.Hits {
			found = found || h.ID == id
		}
		if !found {
			t.Errorf("document %s is stored but not found by its title", id)
			return
		}
	}
}

func TestUsage(t *testing.T) {
	if _, err := runCLI(t); err == nil {
		t.Error("no command: want an error")
	}
	out, err := runCLI(t, "frobnicate")
	if err == nil {
		t.Fatalf("unknown command: err is nil")
	}
	if !strings.Contains(out, "unknown command") {
		t.Errorf("unknown command: %v %s (want strings.Contains(out, \"unknown command\"))", err, out)
	}
	out, err = runCLI(t, "import", "--data", t.TempDir(), "/does/not/exist.jsonl")
	if err == nil {
		t.Fatalf("missing file: err is nil")
	}
	if !strings.Contains(out, "cannot open") {
		t.Errorf("missing file: %v %s (want strings.Contains(out, \"cannot open\"))", err, out)
	}
}
