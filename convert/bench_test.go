package convert

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wengao/wengao/sharedtest"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// BenchmarkConvert measures the throughput of each format, on the real
// files of the corpus where there are any (the largest of each kind) and
// on generated files otherwise.
func BenchmarkConvert(b *testing.B) {
	body := strings.Repeat("　　为深入贯彻落实党中央、国务院决策部署，进一步做好各项工作，现将有关事项通知如下。\n", 2000)
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(body)
	if err != nil {
		b.Fatal(err)
	}
	var rows strings.Builder
	for range 500 {
		rows.WriteString(`<w:tr><w:tc>` + para("序号") + `</w:tc><w:tc>` + para("单位名称与工作内容") + `</w:tc></w:tr>`)
	}
	generatedDocx := makeDocx(b, strings.Repeat(para(strings.TrimSpace(strings.Split(body, "\n")[0])), 2000)+`<w:tbl>`+rows.String()+`</w:tbl>`)
	html := "<!doctype html><html><body>" + strings.ReplaceAll("<p>"+body, "\n", "</p><p>") + "</p></body></html>"

	cases := []struct {
		name, file, tool string
		data             []byte
		goPDF            bool
	}{
		{name: "docx", file: "a.docx", data: largestCorpusFile(b, ".docx", generatedDocx)},
		{name: "docx-generated", file: "a.docx", data: generatedDocx},
		{name: "doc", file: "a.doc", tool: "antiword", data: largestCorpusFile(b, ".doc", nil)},
		{name: "pdf", file: "a.pdf", tool: "pdftotext", data: largestCorpusFile(b, ".pdf", nil)},
		{name: "pdf-go", file: "a.pdf", goPDF: true, data: largestCorpusFile(b, ".pdf", nil)},
		{name: "txt-gbk", file: "a.txt", data: []byte(gbk)},
		{name: "md", file: "a.md", data: []byte("# 标题\n\n" + strings.ReplaceAll(body, "\n", "\n\n"))},
		{name: "html", file: "a.html", data: []byte(html)},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			if c.data == nil {
				b.Skip("no corpus file")
			}
			if c.tool != "" {
				requireTool(b, c.tool)
			}
			if c.goPDF {
				b.Setenv("PATH", "/nonexistent")
			}
			b.SetBytes(int64(len(c.data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Convert(context.Background(), c.file, bytes.NewReader(c.data), Limits{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// largestCorpusFile returns the largest corpus file with the extension,
// or def when there is no corpus.
func largestCorpusFile(b *testing.B, ext string, def []byte) []byte {
	b.Helper()
	dir := os.Getenv("WENGAO_CORPUS_FILES")
	if dir == "" {
		var ok bool
		if dir, ok = sharedtest.Find("corpus/files"); !ok {
			return def
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"+ext))
	var best []byte
	for _, f := range files {
		if data, err := os.ReadFile(f); err == nil && len(data) > len(best) {
			best = data
		}
	}
	if best == nil {
		return def
	}
	return best
}
