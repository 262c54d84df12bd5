package convert

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wengao/wengao"
)

// Fuzz targets: go test -run '^$' -fuzz '^FuzzDocx$' -fuzztime 10s ./convert
// (likewise FuzzText, FuzzHTML, FuzzMarkdown, FuzzOLE, FuzzPDFWords,
// FuzzDocBook). Inputs that sniff as PDF or .doc are skipped: those go to
// external tools.

// fuzzLimits keeps each fuzz run small.
var fuzzLimits = Limits{MaxFileSize: 1 << 20, MaxUncompressed: 4 << 20, MaxZipEntries: 100, MaxTextBytes: 1 << 20}

// noCatch lets panics through Convert for the rest of the fuzz test.
func noCatch(f *testing.F) {
	catchPanics = false
	f.Cleanup(func() { catchPanics = true })
}

// fuzzConvert converts data and checks the invariants of the result.
func fuzzConvert(t *testing.T, name string, data []byte) {
	if kind, _ := sniff(name, data); kind == FormatPDF || kind == FormatDoc {
		t.Skip("handled by an external tool")
	}
	res, err := Convert(context.Background(), name, bytes.NewReader(data), fuzzLimits)
	if err != nil {
		var we *wengao.Error
		if !errors.As(err, &we) {
			t.Fatalf("error %v (%T) is not a *wengao.Error with a message (want errors.As(err, &we))", err, err)
		}
		if we.Message == "" {
			t.Fatalf("error %v (%T) is not a *wengao.Error with a message (want not we.Message == \"\")", err, err)
		}
		return
	}
	checkResult(t, res)
}

// checkResult checks the invariants of a Result.
func checkResult(t *testing.T, res *Result) {
	if len(res.Paragraphs) == 0 {
		t.Fatal("a result without paragraphs")
	}
	for i, p := range res.Paragraphs {
		if p == "" {
			t.Fatalf("paragraph %d is %q (want not p == \"\")", i, p)
		}
		if strings.TrimSpace(p) == "" {
			t.Fatalf("paragraph %d is %q (want not strings.TrimSpace(p) == \"\")", i, p)
		}
		if !utf8.ValidString(p) {
			t.Fatalf("paragraph %d is %q (want utf8.ValidString(p))", i, p)
		}
	}
	last := -1
	for _, h := range res.Headings {
		if h <= last {
			t.Fatalf("headings %v for %d paragraphs (want not h <= last)", res.Headings, len(res.Paragraphs))
		}
		if h >= len(res.Paragraphs) {
			t.Fatalf("headings %v for %d paragraphs (want not h >= len(res.Paragraphs))", res.Headings, len(res.Paragraphs))
		}
		last = h
	}
}

func FuzzDocx(f *testing.F) {
	noCatch(f)
	f.Add(makeDocx(f, testDocxBody, testStyles, testFootnotes))
	f.Add(makeDocx(f, para("正文。")+`<w:tbl><w:tr><w:tc><w:tbl><w:tr><w:tc>`+para("嵌套")+`</w:tc></w:tr></w:tbl></w:tc></w:tr></w:tbl>`))
	f.Add(makeZip(f, zipEntry{"word/document.xml", "<w:document/>"}))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzConvert(t, "fuzz.docx", data)
	})
}

func FuzzText(f *testing.F) {
	noCatch(f)
	f.Add([]byte("关于做好工作的通知\n\n　　各单位：\r\n现将有关事项通知如下。"))
	f.Add([]byte("\xb9\xd8\xd3\xda\xd7\xf6\xba\xc3")) // GBK
	f.Add([]byte("\xff\xfe\x73\x51\x8e\x4e"))         // UTF-16LE
	f.Add([]byte("\x00\x01binary"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzConvert(t, "fuzz.txt", data)
	})
}

func FuzzHTML(f *testing.F) {
	noCatch(f)
	f.Add("<!doctype html><title>标题</title><h1>一</h1><p>段落<br>二</p><table><tr><td>甲<td>乙</table>")
	f.Add("<html><script>x</script><nav><p>导航</nav><pre>a\nb</pre><div style='text-align:center'>居中</div>")
	f.Add("<html><td><p>未闭合<li>")
	f.Fuzz(func(t *testing.T, page string) {
		fuzzConvert(t, "fuzz.html", []byte(page))
	})
}

func FuzzMarkdown(f *testing.F) {
	noCatch(f)
	f.Add("# 标题\n\n**加粗** [链接](x) `代码`\n\n- 项\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode\n```\n标题\n===\n")
	f.Fuzz(func(t *testing.T, md string) {
		fuzzConvert(t, "fuzz.md", []byte(md))
	})
}

// FuzzOLE fuzzes the directory reader of compound files, the metadata
// that tells a .doc from an encrypted .docx or a spreadsheet.
func FuzzOLE(f *testing.F) {
	f.Add(makeOLE(f, "WordDocument", "1Table"))
	f.Add(makeOLE(f, "EncryptionInfo", "EncryptedPackage"))
	f.Fuzz(func(t *testing.T, data []byte) {
		names, err := oleEntryNames(data)
		if err == nil && len(names) == 0 {
			t.Fatal("no names and no error")
		}
		if _, err := sniffOLE(data); err != nil {
			var we *wengao.Error
			if !errors.As(err, &we) {
				t.Fatalf("error %v is not a *wengao.Error", err)
			}
		}
	})
}

// FuzzPDFWords fuzzes the reading of word boxes and the rebuilding of
// paragraphs from them.
func FuzzPDFWords(f *testing.F) {
	f.Add("level\tpage_num\tpar_num\tblock_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n" +
		"1\t1\t0\t0\t0\t0\t0\t0\t595\t842\t-1\t###PAGE###\n" +
		"4\t1\t0\t0\t0\t0\t90\t100\t400\t16\t-1\t###LINE###\n" +
		"5\t1\t0\t0\t0\t0\t90\t100\t200\t16\t100\t第一行文字\n" +
		"5\t1\t0\t0\t0\t1\t350\t100\t140\t16\t100\t表格\n" +
		"4\t1\t0\t0\t1\t0\t90\t120\t100\t16\t-1\t###LINE###\n" +
		"5\t1\t0\t0\t1\t0\t90\t120\t100\t16\t100\t第二行。\n")
	f.Fuzz(func(t *testing.T, tsv string) {
		c := &collector{max: 1 << 20}
		_, err := readPDFWords(strings.NewReader(tsv), c)
		if err != nil {
			var we *wengao.Error
			if !errors.As(err, &we) {
				t.Fatalf("error %v is not a *wengao.Error", err)
			}
		}
	})
}

// FuzzDocBook fuzzes the reading of antiword's DocBook output.
func FuzzDocBook(f *testing.F) {
	f.Add(`<?xml version="1.0"?><book><bookinfo><title>x</title></bookinfo><chapter><title>标题</title><para>说明：    一、条目<footnote><para>注</para></footnote></para><para><informaltable><tgroup><tbody><row><entry>甲</entry><entry><para>乙</para></entry></row></tbody></tgroup></informaltable></para></chapter></book>`)
	f.Fuzz(func(t *testing.T, doc string) {
		c := &collector{max: 1 << 20}
		if err := parseDocBook(strings.NewReader(doc), c); err != nil {
			var we *wengao.Error
			if !errors.As(err, &we) {
				t.Fatalf("error %v is not a *wengao.Error", err)
			}
		}
	})
}
