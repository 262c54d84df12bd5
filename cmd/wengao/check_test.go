package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wengao/wengao"
)

func TestCheckCommand(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	lib := filepath.Join(dir, "lib.jsonl")
	writeFile(t, lib, `{"id":"river","title":"关于加强河湖管理的通知","date":"2023-05-01","category":"公文/通知","body":"各县区人民政府：\n各地要按照一河一策的要求，组织编制河湖管理保护方案，明确河湖管理范围和保护责任。"}`)
	if out, err := runCLI(t, "import", "--data", data, lib); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	draft := filepath.Join(dir, "draft.txt")
	writeFile(t, draft, "关于河湖管理的汇报\n我们认为，各地要按照一河一策要求，组织编制河湖管理保护方案、明确河湖管理范围和保护责任。\n下一步将加强巡查。")

	out, err := runCLI(t, "check", "--data", data, "--json", draft)
	if err != nil {
		t.Fatalf("check --json: %v\n%s", err, out)
	}
	var r wengao.CopyReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("check --json output is not the report: %v\n%s", err, out)
	}
	if got := len(r.Passages); got != 1 {
		t.Fatalf("passages = %d, want 1:\n%s", got, out)
	}
	if got := r.Passages[0].DocumentID; got != "river" {
		t.Errorf("document_id = %q, want river", got)
	}
	if r.Copied <= 0.3 || r.Copied >= 1 {
		t.Errorf("copied = %v, want between 0.3 and 1", r.Copied)
	}

	html := filepath.Join(dir, "r.html")
	docxFile := filepath.Join(dir, "r.docx")
	out, err = runCLI(t, "check", "--data", data, "--html", html, "--docx", docxFile, draft)
	if err != nil {
		t.Fatalf("check: %v\n%s", err, out)
	}
	if !strings.Contains(out, "关于加强河湖管理的通知") {
		t.Errorf("text report lacks the source title:\n%s", out)
	}
	for _, f := range []string{html, docxFile} {
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Errorf("%s not written: %v", f, err)
		}
	}

	binary := filepath.Join(dir, "bin.txt")
	writeFile(t, binary, "\x00\x01\x02PK")
	if _, err := runCLI(t, "check", "--data", data, binary); wengao.ErrorCode(err) != wengao.EINVALID {
		t.Errorf("check of a binary file: error %v, want EINVALID", err)
	}
}
