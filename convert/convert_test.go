package convert

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"github.com/wengao/wengao"
)

// testStyles defines a heading style the way Chinese Word and WPS do (a
// numeric id, the English built-in name) and a title style.
var testStyles = zipEntry{"word/styles.xml", `<?xml version="1.0" encoding="UTF-8"?><w:styles ` + testNS + `>
<w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:basedOn w:val="a"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="My"><w:name w:val="我的样式"/><w:basedOn w:val="1"/></w:style>
<w:style w:type="paragraph" w:styleId="a3"><w:name w:val="Title"/></w:style>
</w:styles>`}

var testFootnotes = zipEntry{"word/footnotes.xml", `<?xml version="1.0" encoding="UTF-8"?><w:footnotes ` + testNS + `>
<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
<w:footnote w:id="2"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> 这是脚注。</w:t></w:r></w:p></w:footnote>
</w:footnotes>`}

// testDocxBody has a title, headings, a footnote, a table with a
// two-paragraph cell, a line break, tracked changes and a text box whose
// fallback copy must not be read twice.
const testDocxBody = `<w:p><w:pPr><w:pStyle w:val="a3"/><w:jc w:val="center"/></w:pPr><w:r><w:t>关于开展测试工作的通知</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="1"/></w:pPr><w:r><w:t>一、总体要求</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">各单位要高度重视</w:t></w:r><w:r><w:t>测试工作</w:t></w:r><w:r><w:footnoteReference w:id="2"/></w:r><w:r><w:t>。</w:t></w:r></w:p>
<w:tbl><w:tblPr><w:jc w:val="center"/></w:tblPr>
<w:tr><w:tc><w:p><w:r><w:t>序号</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>单位</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>备注</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:p/></w:tc><w:tc><w:p><w:r><w:t>办公厅</w:t></w:r></w:p><w:p><w:r><w:t>（秘书处）</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr>
</w:tbl>
<w:p><w:pPr><w:pStyle w:val="My"/></w:pPr><w:r><w:t>二、工作安排</w:t></w:r></w:p>
<w:p><w:r><w:t>第一行</w:t><w:br/><w:t>第二行</w:t><w:tab/><w:t>Tab</w:t></w:r></w:p>
<w:p><w:r><w:t>保留</w:t></w:r><w:del><w:r><w:delText>删除</w:delText></w:r></w:del><w:ins><w:r><w:t>插入</w:t></w:r></w:ins><w:r><w:instrText> PAGE </w:instrText></w:r></w:p>
<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>
<w:p><w:pPr><w:outlineLvl w:val="1"/></w:pPr><w:r><w:t>（一）大纲级别</w:t></w:r></w:p>`

func TestConvertDocx(t *testing.T) {
	data := makeDocx(t, testDocxBody, testStyles, testFootnotes,
		zipEntry{"docProps/core.xml", `<cp:coreProperties xmlns:cp="x" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>元数据标题</dc:title></cp:coreProperties>`})
	res := mustConvert(t, "通知.docx", data)
	want := []string{
		"关于开展测试工作的通知",
		"一、总体要求",
		"各单位要高度重视测试工作[1]。",
		"序号\t单位\t备注",
		"\t办公厅 （秘书处）",
		"二、工作安排",
		"第一行",
		"第二行 Tab",
		"保留插入",
		"文本框",
		"（一）大纲级别",
		"注释：",
		"[1] 这是脚注。",
	}
	if !reflect.DeepEqual(res.Paragraphs, want) {
		t.Errorf("paragraphs:\n got %q\nwant %q", res.Paragraphs, want)
	}
	if wantH := []int{0, 1, 5, 10}; !reflect.DeepEqual(res.Headings, wantH) {
		t.Errorf("headings = %v, want %v", res.Headings, wantH)
	}
	if got := res.Title; got != "关于开展测试工作的通知" {
		t.Errorf("title, format, tool =: res.Title = %v, want %v", got, "关于开展测试工作的通知")
	}
	if got := res.Format; got != FormatDocx {
		t.Errorf("title, format, tool =: res.Format = %v, want %v", got, FormatDocx)
	}
	if got := res.Tool; got != ToolGo {
		t.Errorf("title, format, tool =: res.Tool = %v, want %v", got, ToolGo)
	}
}

func TestConvertDocxTitleFallbacks(t *testing.T) {
	centred := `<w:p><w:r><w:t>附件1</w:t></w:r></w:p><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:t>某某市</w:t></w:r></w:p><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:t>年度工作报告</w:t></w:r></w:p>` + para(strings.Repeat("正文内容，", 20))
	if got := mustConvert(t, "a.docx", makeDocx(t, centred)).Title; got != "某某市年度工作报告" {
		t.Errorf("centred title = %q", got)
	}
	meta := makeDocx(t, para(strings.Repeat("只有正文，", 30)),
		zipEntry{"docProps/core.xml", `<cp:coreProperties xmlns:cp="x" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>元数据标题</dc:title></cp:coreProperties>`})
	if got := mustConvert(t, "b.docx", meta).Title; got != "元数据标题" {
		t.Errorf("metadata title = %q", got)
	}
}

func TestConvertDocxStrictAndNoStyles(t *testing.T) {
	strict := strings.ReplaceAll(makeDocxXML(`<w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr><w:r><w:t>标题二</w:t></w:r></w:p>`+para("正文。")),
		"http://schemas.openxmlformats.org/wordprocessingml/2006/main", "http://purl.oclc.org/ooxml/wordprocessingml/main")
	data := makeZip(t, zipEntry{"word/document.xml", strict})
	res := mustConvert(t, "strict.docx", data)
	if !reflect.DeepEqual(res.Paragraphs, []string{"标题二", "正文。"}) {
		t.Errorf("got %q headings %v (want reflect.DeepEqual(res.Paragraphs, []string{\"标题二\", \"正文。\"}))", res.Paragraphs, res.Headings)
	}
	if !reflect.DeepEqual(res.Headings, []int{0}) {
		t.Errorf("got %q headings %v (want reflect.DeepEqual(res.Headings, []int{0}))", res.Paragraphs, res.Headings)
	}
}

// makeDocxXML wraps body in a w:document.
func makeDocxXML(body string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><w:document ` + testNS + `><w:body>` + body + `</w:body></w:document>`
}

func TestConvertText(t *testing.T) {
	text := "关于做好春节期间安全工作的通知\r\n\r\n　　各区、各部门：\n　　现将有关事项通知如下。\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"关于做好春节期间安全工作的通知", "各区、各部门：", "现将有关事项通知如下。"}
	for name, data := range map[string]string{
		"utf8.txt":     text,
		"utf8-bom.txt": "\ufeff" + text,
		"gbk.txt":      gbk,
		"utf16.txt":    utf16,
		"noext":        gbk,
	} {
		t.Run(name, func(t *testing.T) {
			res := mustConvert(t, name, []byte(data))
			if !reflect.DeepEqual(res.Paragraphs, want) {
				t.Errorf("paragraphs = %q", res.Paragraphs)
			}
			if got := res.Title; got != want[0] {
				t.Errorf("title: res.Title = %v, want %v", got, want[0])
			}
			if got := res.Format; got != FormatText {
				t.Errorf("title: res.Format = %v, want %v", got, FormatText)
			}
			if got := len(res.Headings); got != 0 {
				t.Errorf("title: len(res.Headings) = %v, want %v", got, 0)
			}
		})
	}
	if bytes.Equal([]byte(gbk), []byte(text)) {
		t.Fatal("GBK encoding did nothing")
	}
}

func TestConvertMarkdown(t *testing.T) {
	md := "# 工作方案\n\n一段**加粗**的文字，\n接着一行，含[链接](http://example.com)和`代码`。\n\n## 一、目标\n\n- 第一项\n- 第二项\n\n1. 有序项\n\n> 引用内容\n\n| 名称 | 数量 |\n| --- | --- |\n| 甲 | 1 |\n\n```\ncode line\n```\n\n副标题\n---\n"
	res := mustConvert(t, "方案.md", []byte(md))
	want := []string{"工作方案", "一段加粗的文字，接着一行，含链接和代码。", "一、目标", "第一项", "第二项", "1. 有序项", "引用内容", "名称\t数量", "甲\t1", "code line", "副标题"}
	if !reflect.DeepEqual(res.Paragraphs, want) {
		t.Errorf("paragraphs:\n got %q\nwant %q", res.Paragraphs, want)
	}
	if !reflect.DeepEqual(res.Headings, []int{0, 2, 10}) {
		t.Errorf("headings %v title %q format %q (want reflect.DeepEqual(res.Headings, []int{0, 2, 10}))", res.Headings, res.Title, res.Format)
	}
	if got := res.Title; got != "工作方案" {
		t.Errorf("headings: res.Title = %v, want %v", got, "工作方案")
	}
	if got := res.Format; got != FormatMD {
		t.Errorf("headings: res.Format = %v, want %v", got, FormatMD)
	}
	// The same content named .txt is plain text.
	{
		res := mustConvert(t, "方案.txt", []byte(md))
		if got := res.Format; got != FormatText {
			t.Errorf("as .txt: res.Format = %v, want %v", got, FormatText)
		}
		if got := res.Paragraphs[0]; got != "# 工作方案" {
			t.Errorf("as .txt: res.Paragraphs[0] = %v, want %v", got, "# 工作方案")
		}
	}
}

func TestConvertHTML(t *testing.T) {
	page := `<!DOCTYPE html><html><head><title>网站标题_某某政府网</title><style>p{color:red}</style><script>alert("不要")</script></head>
<body><header>网站导航</header><nav><a href="/">首页</a></nav>
<h1>关于印发
  工作要点的通知</h1>
<div class="content"><p align="center">某政发〔2024〕1号</p>
<p>各区人民政府，市政府各部门：<br>现将《工作要点》印发给你们，请认真贯彻执行。</p>
<table><tr><th>项目</th><th>负责单位</th></tr><tr><td>一、优化<b>营商</b>环境</td><td><p>发展改革委</p><p>商务局</p></td></tr></table>
<ul><li>第一条&nbsp;内容</li><li>第二条 &amp; 内容</li></ul>
<h2>附件</h2><pre>第一行
第二行</pre>
<script>document.write("不要")</script>
</div><footer>版权所有</footer></body></html>`
	res := mustConvert(t, "page.html", []byte(page))
	want := []string{"关于印发工作要点的通知", "某政发〔2024〕1号", "各区人民政府，市政府各部门：", "现将《工作要点》印发给你们，请认真贯彻执行。", "项目\t负责单位", "一、优化营商环境\t发展改革委 商务局", "第一条 内容", "第二条 & 内容", "附件", "第一行", "第二行"}
	if !reflect.DeepEqual(res.Paragraphs, want) {
		t.Errorf("paragraphs:\n got %q\nwant %q", res.Paragraphs, want)
	}
	if !reflect.DeepEqual(res.Headings, []int{0, 8}) {
		t.Errorf("headings %v title %q format %q (want reflect.DeepEqual(res.Headings, []int{0, 8}))", res.Headings, res.Title, res.Format)
	}
	if got := res.Title; got != "关于印发工作要点的通知" {
		t.Errorf("headings: res.Title = %v, want %v", got, "关于印发工作要点的通知")
	}
	if got := res.Format; got != FormatHTML {
		t.Errorf("headings: res.Format = %v, want %v", got, FormatHTML)
	}
	// A fragment is HTML only when named so; GBK pages are decoded.
	frag, _ := simplifiedchinese.GBK.NewEncoder().String("<p>第一段</p><p>第二段</p>")
	if res := mustConvert(t, "frag.htm", []byte(frag)); !reflect.DeepEqual(res.Paragraphs, []string{"第一段", "第二段"}) {
		t.Errorf("fragment: %q", res.Paragraphs)
	}
	if res := mustConvert(t, "frag.txt", []byte(frag)); res.Format != FormatText {
		t.Errorf("fragment named .txt read as %s", res.Format)
	}
}

// TestConvertHTMLStructure covers pages built in the ways Chinese
// government sites are: the whole body in a form, an article with its own
// header, a head left open, void elements.
func TestConvertHTMLStructure(t *testing.T) {
	page := `<html><head><title>标题</title><meta charset="utf-8"><body><form id="form1"><header>站点页眉</header>
<article><header><h1>文章标题</h1></header><embed src="x.swf"><p>文章正文。</p><footer>责任编辑：某某</footer></article>
</form><footer>版权所有</footer></body></html>`
	res := mustConvert(t, "page.html", []byte(page))
	want := []string{"文章标题", "文章正文。", "责任编辑：某某"}
	if !reflect.DeepEqual(res.Paragraphs, want) {
		t.Errorf("paragraphs %q, want %q", res.Paragraphs, want)
	}
}

// TestSniffing checks that the content, not the name, decides the format.
func TestSniffing(t *testing.T) {
	docx := makeDocx(t, para("正文内容。"))
	if res := mustConvert(t, "report.pdf", docx); res.Format != FormatDocx {
		t.Errorf("docx named .pdf read as %s", res.Format)
	}
	if res := mustConvert(t, "notes.txt", docx); res.Format != FormatDocx {
		t.Errorf("docx named .txt read as %s", res.Format)
	}
	cases := []struct {
		name string
		data []byte
		code string
		msg  string
	}{
		{"app.docx", append([]byte("\x7fELF\x02\x01\x01\x00"), make([]byte, 64)...), wengao.EINVALID, msgUnknownType},
		{"setup.docx", append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 64)...), wengao.EINVALID, msgUnknownType},
		{"photo.doc", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), wengao.EINVALID, msgUnknownType},
		{"sheet.docx", makeZip(t, zipEntry{"xl/workbook.xml", "<workbook/>"}), wengao.EINVALID, msgExcel},
		{"slides.docx", makeZip(t, zipEntry{"ppt/presentation.xml", "<p/>"}), wengao.EINVALID, msgPowerPoint},
		{"text.docx", makeZip(t, zipEntry{"mimetype", "application/vnd.oasis.opendocument.text"}, zipEntry{"content.xml", "<x/>"}), wengao.EINVALID, msgODF},
		{"any.docx", makeZip(t, zipEntry{"readme.txt", "hello"}), wengao.EINVALID, msgZipNotDocx},
		{"old.doc", []byte(`{\rtf1\ansi 文字}`), wengao.EINVALID, msgRTF},
		{"word2003.doc", []byte(`<?xml version="1.0"?><w:wordDocument xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml"/>`), wengao.EINVALID, msgWordXML},
		{"empty.txt", nil, wengao.EINVALID, msgEmpty},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := convertForTest(t, c.name, c.data, Limits{})
			if msg := assertDomainError(t, err, c.code); msg != c.msg {
				t.Errorf("message %q, want %q", msg, c.msg)
			}
		})
	}
}

func TestLimits(t *testing.T) {
	data := []byte(strings.Repeat("一段文字。\n", 1000))
	_, err := convertForTest(t, "big.txt", data, Limits{MaxFileSize: 1000})
	if msg := assertDomainError(t, err, wengao.ETOOLARGE); !strings.Contains(msg, "1000 字节") {
		t.Errorf("message %q does not name the limit", msg)
	}
	_, err = convertForTest(t, "big.txt", data, Limits{MaxTextBytes: 1000})
	assertDomainError(t, err, wengao.ETOOLARGE)
	docx := makeDocx(t, strings.Repeat(para("一段文字。"), 1000))
	_, err = convertForTest(t, "big.docx", docx, Limits{MaxTextBytes: 1000})
	assertDomainError(t, err, wengao.ETOOLARGE)
	_, err = convertForTest(t, "big.docx", docx, Limits{MaxUncompressed: 10000})
	assertDomainError(t, err, wengao.ETOOLARGE)
	{
		got := DefaultLimits()
		if got.MaxFileSize != 20<<20 {
			t.Errorf("DefaultLimits() = %+v (want not got.MaxFileSize != 20<<20)", got)
		}
		if got := got.MaxZipEntries; got != 2000 {
			t.Errorf("DefaultLimits() =: got.MaxZipEntries = %v, want %v", got, 2000)
		}
		if got := got.ToolTimeout; got != 30*time.Second {
			t.Errorf("DefaultLimits() =: got.ToolTimeout = %v, want %v", got, 30*time.Second)
		}
	}
}

func TestCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Convert(ctx, "a.txt", strings.NewReader("文字"), Limits{})
	assertDomainError(t, err, wengao.EUNAVAILABLE)
}

// fakeTools puts shell scripts named like the external tools first on
// PATH. The scripts use only shell builtins, since PATH may hold nothing
// else.
func fakeTools(t *testing.T, scripts map[string]string) {
	t.Helper()
	dir := t.TempDir()
	for name, body := range scripts {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// oleDoc is a compound file with a WordDocument stream, enough for the
// sniffer to hand it to antiword.
func oleDoc(t *testing.T) []byte { return makeOLE(t, "WordDocument") }

func TestToolLimits(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh")
	}
	pdf := minimalPDF("BT /F1 12 Tf 72 720 Td (Hello) Tj ET", false)
	t.Run("timeout", func(t *testing.T) {
		fakeTools(t, map[string]string{"pdftotext": "while :; do :; done"})
		start := time.Now()
		_, err := convertForTest(t, "slow.pdf", pdf, Limits{ToolTimeout: 200 * time.Millisecond})
		if msg := assertDomainError(t, err, wengao.ETOOLARGE); msg != msgTimeout {
			t.Errorf("message %q", msg)
		}
		if d := time.Since(start); d > 4*time.Second {
			t.Errorf("took %v: the tool was not killed", d)
		}
	})
	t.Run("endless output", func(t *testing.T) {
		fakeTools(t, map[string]string{"antiword": "while :; do echo 一二三四五六七八九十; done"})
		_, err := convertForTest(t, "endless.doc", oleDoc(t), Limits{MaxTextBytes: 1 << 20})
		assertDomainError(t, err, wengao.ETOOLARGE)
	})
	t.Run("antiword errors", func(t *testing.T) {
		for stderr, want := range map[string]string{
			"Encrypted documents are not supported":          msgEncrypted,
			"This version of Word is not supported":          msgDocVersion,
			"I'm afraid the text stream of this file is too": msgCorrupt,
		} {
			fakeTools(t, map[string]string{"antiword": "echo '" + stderr + "' >&2; exit 1"})
			_, err := convertForTest(t, "x.doc", oleDoc(t), Limits{})
			if msg := assertDomainError(t, err, wengao.EINVALID); msg != want {
				t.Errorf("%s: message %q, want %q", stderr, msg, want)
			}
		}
	})
	t.Run("antiword missing", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		_, err := convertForTest(t, "x.doc", oleDoc(t), Limits{})
		if msg := assertDomainError(t, err, wengao.EUNAVAILABLE); msg != msgNoAntiword {
			t.Errorf("message %q", msg)
		}
	})
	t.Run("old pdftotext falls back to the Go reader", func(t *testing.T) {
		fakeTools(t, map[string]string{"pdftotext": "echo 'pdftotext version 0.86.1' >&2; echo 'Usage: pdftotext [options] <PDF-file> [<text-file>]' >&2; exit 99"})
		res, err := convertForTest(t, "a.pdf", minimalPDF(helloPDFContent, false), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Tool != ToolGo {
			t.Errorf("tool = %q", res.Tool)
		}
	})
}
