package docx_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/wengao/wengao/convert"
	"github.com/wengao/wengao/docx"
)

const nsW = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

// sample is a small 公文 with every kind of paragraph.
func sample() docx.Document {
	return docx.Document{
		Title:    "国务院办公厅关于进一步优化政务服务提升行政效能的通知",
		Subtitle: "国办发〔2024〕1号",
		Paragraphs: []string{
			"各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
			"一、总体要求",
			"以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神。",
			"（一）工作目标",
			"到2025年，政务服务标准化、规范化、便利化水平大幅提升。",
			"1.完善制度",
			"（1）健全清单管理",
			"国务院办公厅",
			"2024年1月1日",
		},
		Headings: map[int]int{1: 1, 3: 2, 5: 3, 6: 4},
		Roles:    map[int]docx.Role{0: docx.Addressee, 7: docx.Signature, 8: docx.Date},
		Source:   "文稿 https://example.org/d/42",
	}
}

// write returns the .docx bytes of d.
func write(t testing.TB, d docx.Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := docx.Write(&buf, d); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return buf.Bytes()
}

// unpack returns the entries of a .docx by name, in archive order.
func unpack(t testing.TB, data []byte) (map[string][]byte, []string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a zip archive: %v", err)
	}
	parts := map[string][]byte{}
	var names []string
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("open %s: %v", f.Name, err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("read %s: %v", f.Name, err)
		}
		if _, dup := parts[f.Name]; dup {
			t.Fatalf("duplicate entry %s", f.Name)
		}
		parts[f.Name] = b
		names = append(names, f.Name)
	}
	return parts, names
}

// checkWellFormed fails unless every part is well-formed XML 1.0 in
// UTF-8 with one root element.
func checkWellFormed(t testing.TB, parts map[string][]byte) {
	t.Helper()
	for name, b := range parts {
		if !utf8.Valid(b) {
			t.Errorf("%s: invalid UTF-8", name)
		}
		d := xml.NewDecoder(bytes.NewReader(b))
		d.Strict = true
		roots, depth := 0, 0
		for {
			tok, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Errorf("%s: not well-formed: %v", name, err)
				break
			}
			switch tok.(type) {
			case xml.StartElement:
				if depth == 0 {
					roots++
				}
				depth++
			case xml.EndElement:
				depth--
			}
		}
		if got := roots; got != 1 {
			t.Errorf("%s: roots = %v, want %v", name, got, 1)
		}
		if got := depth; got != 0 {
			t.Errorf("%s: depth = %v, want %v", name, got, 0)
		}
	}
}

// para is a paragraph of document.xml as read back.
type para struct {
	style   string
	text    string
	outline string // w:outlineLvl of the paragraph's own properties
}

// readParas reads the paragraphs of a WordprocessingML part: w:t text,
// w:tab as a tab, w:br as a line feed.
func readParas(t testing.TB, b []byte) []para {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	var out []para
	var cur *para
	inT := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("document.xml: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if tok.Name.Space != nsW {
				continue
			}
			switch tok.Name.Local {
			case "p":
				cur = &para{}
			case "pStyle":
				cur.style = attr(tok, "val")
			case "outlineLvl":
				cur.outline = attr(tok, "val")
			case "t":
				inT = true
			case "tab":
				cur.text += "\t"
			case "br":
				cur.text += "\n"
			}
		case xml.EndElement:
			switch tok.Name.Local {
			case "t":
				inT = false
			case "p":
				out = append(out, *cur)
				cur = nil
			}
		case xml.CharData:
			if inT {
				cur.text += string(tok)
			}
		}
	}
}

func attr(el xml.StartElement, local string) string {
	for _, a := range el.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

func TestPackage(t *testing.T) {
	parts, names := unpack(t, write(t, sample()))
	checkWellFormed(t, parts)
	for _, name := range []string{
		"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml",
		"word/settings.xml", "word/_rels/document.xml.rels", "docProps/core.xml",
		"docProps/app.xml", "word/footer1.xml", "word/footer2.xml", "word/fontTable.xml",
	} {
		if parts[name] == nil {
			t.Errorf("missing part %s", name)
		}
	}
	if names[0] != "[Content_Types].xml" {
		t.Errorf("first entry is %s, want [Content_Types].xml", names[0])
	}
	// Every part but the relationships has an override, and every
	// relationship target exists.
	ct := string(parts["[Content_Types].xml"])
	for name := range parts {
		if name != "[Content_Types].xml" && !strings.HasSuffix(name, ".rels") && !strings.Contains(ct, `PartName="/`+name+`"`) {
			t.Errorf("no content type for %s", name)
		}
	}
	for relsName, base := range map[string]string{"_rels/.rels": "", "word/_rels/document.xml.rels": "word/"} {
		d := xml.NewDecoder(bytes.NewReader(parts[relsName]))
		for {
			tok, err := d.Token()
			if err != nil {
				break
			}
			if el, ok := tok.(xml.StartElement); ok && el.Name.Local == "Relationship" {
				if target := base + attr(el, "Target"); parts[target] == nil {
					t.Errorf("%s: target %s is missing", relsName, target)
				}
			}
		}
	}
	// The footers that the section refers to are those relationships.
	doc := string(parts["word/document.xml"])
	rels := string(parts["word/_rels/document.xml.rels"])
	for _, id := range []string{"rId4", "rId5"} {
		if !strings.Contains(doc, `r:id="`+id+`"`) {
			t.Errorf("footer relationship %s not wired (want strings.Contains(doc, `r:id=\"`+id+`\"`))", id)
		}
		if !strings.Contains(rels, `Id="`+id+`"`) {
			t.Errorf("footer relationship %s not wired (want strings.Contains(rels, `Id=\"`+id+`\"`))", id)
		}
	}
}

func TestParagraphsInOrder(t *testing.T) {
	d := sample()
	parts, _ := unpack(t, write(t, d))
	got := readParas(t, parts["word/document.xml"])
	want := []para{{"Title", d.Title, ""}, {"Subtitle", d.Subtitle, ""}}
	for i, p := range d.Paragraphs {
		outline := ""
		if lvl, ok := d.Headings[i]; ok {
			outline = fmt.Sprint(lvl - 1)
		}
		want = append(want, para{"", p, outline})
	}
	if !slices.Equal(got, want) {
		t.Errorf("paragraphs:\n got %q\nwant %q", got, want)
	}
	// Styles referenced are defined.
	styles := string(parts["word/styles.xml"])
	for _, p := range got {
		if p.style != "" && !strings.Contains(styles, `w:styleId="`+p.style+`"`) {
			t.Errorf("style %s is not defined", p.style)
		}
	}
}

func TestNoTitle(t *testing.T) {
	for _, d := range []docx.Document{{}, {Paragraphs: []string{"正文"}}, {Subtitle: "副题"}} {
		parts, _ := unpack(t, write(t, d))
		checkWellFormed(t, parts)
		got := readParas(t, parts["word/document.xml"])
		if len(got) == 0 {
			t.Errorf("%+v: a body with no paragraph", d)
		}
		for _, p := range got {
			if p.style == "Title" {
				t.Errorf("%+v: a title paragraph without a title", d)
			}
		}
	}
}

func TestHeadingLevels(t *testing.T) {
	d := docx.Document{
		Paragraphs: []string{"a", "b", "c", "d"},
		Headings:   map[int]int{0: 0, 1: -3, 2: 9, 3: 2, 7: 1, -1: 1},
	}
	parts, _ := unpack(t, write(t, d))
	got := readParas(t, parts["word/document.xml"])
	want := []para{{"", "a", ""}, {"", "b", ""}, {"", "c", "3"}, {"", "d", "1"}}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// style is what the tests check of one style.
type style struct {
	name, basedOn, eastAsia, ascii, size, jc, line, lineRule, firstLineChars, outline, charSpacing string
	bold, keepNext                                                                                 bool
}

func readStyles(t *testing.T, b []byte) (map[string]*style, *style) {
	d := xml.NewDecoder(bytes.NewReader(b))
	styles := map[string]*style{}
	defaults := &style{}
	cur := defaults
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return styles, defaults
		}
		if err != nil {
			t.Fatal(err)
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch el.Name.Local {
		case "style":
			cur = &style{}
			styles[attr(el, "styleId")] = cur
		case "name":
			cur.name = attr(el, "val")
		case "basedOn":
			cur.basedOn = attr(el, "val")
		case "rFonts":
			cur.eastAsia, cur.ascii = attr(el, "eastAsia"), attr(el, "ascii")
		case "sz":
			cur.size = attr(el, "val")
		case "b":
			cur.bold = true
		case "jc":
			cur.jc = attr(el, "val")
		case "spacing":
			if v := attr(el, "line"); v != "" {
				cur.line, cur.lineRule = v, attr(el, "lineRule")
			}
			if v := attr(el, "val"); v != "" {
				cur.charSpacing = v
			}
		case "keepNext":
			cur.keepNext = true
		case "ind":
			cur.firstLineChars = attr(el, "firstLineChars")
		case "outlineLvl":
			cur.outline = attr(el, "val")
		}
	}
}

func TestStyles(t *testing.T) {
	parts, _ := unpack(t, write(t, sample()))
	styles, _ := readStyles(t, parts["word/styles.xml"])
	n := styles["Normal"]
	if n == nil {
		t.Fatalf("no Normal style: n is nil")
	}
	if got := n.name; got != "Normal" {
		t.Fatalf("no Normal style: n.name = %v, want %v", got, "Normal")
	}
	if n.eastAsia != "仿宋_GB2312" || n.ascii != "Times New Roman" || n.size != "32" ||
		n.firstLineChars != "200" || n.line != "579" || n.lineRule != "exact" {
		t.Errorf("Normal = %+v", *n)
	}
	ti := styles["Title"]
	if ti == nil || ti.name != "Title" || ti.eastAsia != "方正小标宋简体" || ti.ascii != "Times New Roman" ||
		ti.size != "44" || ti.jc != "center" || ti.firstLineChars != "0" {
		t.Errorf("Title = %+v", ti)
	}
	// Headings are paragraphs of the body, not heading styles that keep
	// with the next paragraph.
	for id, st := range styles {
		if strings.HasPrefix(id, "Heading") {
			t.Errorf("style %s is defined", id)
		}
		if st.keepNext && id != "Title" && id != "Subtitle" {
			t.Errorf("style %s keeps with the next paragraph", id)
		}
	}
	// 28 characters of 16 pt, narrowed by the character spacing, fit
	// on the 156 mm line.
	if n.charSpacing != "-5" {
		t.Errorf("Normal: character spacing %q, want -5", n.charSpacing)
	}
	{
		s := styles["Subtitle"]
		if s == nil {
			t.Fatalf("Subtitle =: s is nil")
		}
		if got := s.eastAsia; got != "仿宋_GB2312" {
			t.Errorf("Subtitle =: s.eastAsia = %v, want %v", got, "仿宋_GB2312")
		}
		if got := s.jc; got != "center" {
			t.Errorf("Subtitle =: s.jc = %v, want %v", got, "center")
		}
	}
	{
		s := styles["Footer"]
		if s == nil {
			t.Fatalf("Footer =: s is nil")
		}
		if got := s.eastAsia; got != "宋体" {
			t.Errorf("Footer =: s.eastAsia = %v, want %v", got, "宋体")
		}
		if got := s.ascii; got != "宋体" {
			t.Errorf("Footer =: s.ascii = %v, want %v", got, "宋体")
		}
		if got := s.size; got != "28" {
			t.Errorf("Footer =: s.size = %v, want %v", got, "28")
		}
	}
}

func TestPageSetup(t *testing.T) {
	parts, _ := unpack(t, write(t, sample()))
	d := xml.NewDecoder(bytes.NewReader(parts["word/document.xml"]))
	got := map[string]string{}
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		if el, ok := tok.(xml.StartElement); ok && (el.Name.Local == "pgSz" || el.Name.Local == "pgMar") {
			for _, a := range el.Attr {
				got[el.Name.Local+"."+a.Name.Local] = a.Value
			}
		}
	}
	// mm → twips, rounded.
	tw := func(mm float64) string { return fmt.Sprint(int(mm*1440/25.4 + 0.5)) }
	want := map[string]string{
		"pgSz.w": tw(210), "pgSz.h": tw(297),
		"pgMar.top": tw(37), "pgMar.bottom": tw(35), "pgMar.left": tw(28), "pgMar.right": tw(26),
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

func TestFooter(t *testing.T) {
	d := sample()
	parts, _ := unpack(t, write(t, d))
	for _, name := range []string{"word/footer1.xml", "word/footer2.xml"} {
		f := string(parts[name])
		if !strings.Contains(f, "> PAGE </w:instrText>") {
			t.Errorf("%s: no page number field: %s (want strings.Contains(f, \"> PAGE </w:instrText>\"))", name, f)
		}
		if !strings.Contains(f, "— ") {
			t.Errorf("%s: no page number field: %s (want strings.Contains(f, \"— \"))", name, f)
		}
		if !strings.Contains(f, " —") {
			t.Errorf("%s: no page number field: %s (want strings.Contains(f, \" —\"))", name, f)
		}
		// The page number alone: no site address on every page.
		if got := readParas(t, parts[name]); len(got) != 1 {
			t.Errorf("%s: paragraphs %q, want the page number only", name, got)
		}
		if strings.Contains(f, "example.org") {
			t.Errorf("%s: the Source is printed in the footer", name)
		}
	}
	if !strings.Contains(string(parts["word/footer1.xml"]), `<w:jc w:val="right"/>`) || !strings.Contains(string(parts["word/footer2.xml"]), `<w:jc w:val="left"/>`) {
		t.Error("page numbers not on the outer side (odd right, even left)")
	}
	if !strings.Contains(string(parts["word/settings.xml"]), "<w:evenAndOddHeaders/>") {
		t.Error("settings: odd and even footers not enabled")
	}
	// The Source goes to the document properties.
	var app struct {
		Company string
	}
	if err := xml.Unmarshal(parts["docProps/app.xml"], &app); err != nil {
		t.Fatal(err)
	}
	if app.Company != d.Source {
		t.Errorf("app.xml Company = %q, want %q", app.Company, d.Source)
	}
}

func TestCoreTitle(t *testing.T) {
	d := sample()
	d.Title = "关于<某>事项&\"通知\"\n第二行"
	parts, _ := unpack(t, write(t, d))
	var core struct {
		Title string `xml:"http://purl.org/dc/elements/1.1/ title"`
	}
	if err := xml.Unmarshal(parts["docProps/core.xml"], &core); err != nil {
		t.Fatal(err)
	}
	if want := "关于<某>事项&\"通知\" 第二行"; core.Title != want {
		t.Errorf("dc:title = %q, want %q", core.Title, want)
	}
}

func TestDeterministic(t *testing.T) {
	a := write(t, sample())
	b := write(t, sample())
	if !bytes.Equal(a, b) {
		t.Error("the same document gave different bytes")
	}
	zr, err := zip.NewReader(bytes.NewReader(a), int64(len(a)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Modified.Year() != 1980 {
			t.Errorf("%s: modified %v", f.Name, f.Modified)
		}
	}
}

// hostile holds strings that break naive XML writers.
var hostile = []string{
	"<w:p>",
	"</w:t></w:r></w:p><w:p><w:r><w:t>",
	"]]>",
	"<![CDATA[x]]>",
	"&amp; &lt; & &#0; &#x1;",
	`"'<>&`,
	"控制\x00字符\x01\x02\x07\x08\x0b\x0c\x0e\x1b\x1f\x7f\u0080\u0085\u009f",
	"bad utf8 \xff\xfe\xc3\x28 \xe2\x82 end",
	"lone surrogate \xed\xa0\x80 and \xed\xbf\xbf",
	"nonchar \uffff \ufffe ok \ufffd",
	"tab\tnew\nline\r\ncr\rls\u2028ps\u2029",
	"<?xml version=\"1.0\"?>",
	"<!DOCTYPE x [<!ENTITY e \"boom\">]>&e;",
	"emoji 😀 astral 𠀀 \U0010FFFF",
	strings.Repeat("长", 100000),
	"",
	"   ",
}

func TestHostileInput(t *testing.T) {
	d := docx.Document{
		Title:      strings.Join(hostile[:6], ""),
		Subtitle:   "\x00]]>\xff",
		Paragraphs: hostile,
		Headings:   map[int]int{0: 1, 6: 2, 10: 3},
		Source:     "<a href=\"x\">&\x01</a>\n",
	}
	parts, _ := unpack(t, write(t, d))
	checkWellFormed(t, parts)
	got := readParas(t, parts["word/document.xml"])
	if len(got) != 2+len(hostile) {
		t.Fatalf("%d paragraphs, want %d", len(got), 2+len(hostile))
	}
	for i, want := range map[int]string{
		2:  "<w:p>",
		3:  "</w:t></w:r></w:p><w:p><w:r><w:t>",
		4:  "]]>",
		7:  `"'<>&`,
		8:  "控制字符",
		9:  "bad utf8 (  end",
		10: "lone surrogate  and ",
		11: "nonchar   ok \ufffd",
		12: "tab\tnew\nline\ncr\nls\nps\n",
		14: "<!DOCTYPE x [<!ENTITY e \"boom\">]>&e;",
		15: "emoji 😀 astral 𠀀 \U0010FFFF",
		17: "",
		18: "   ",
	} {
		if got[i].text != want {
			t.Errorf("paragraph %d = %q, want %q", i, got[i].text, want)
		}
	}
	if got[1].text != "]]>" {
		t.Errorf("subtitle = %q", got[1].text)
	}
}

func TestManyParagraphs(t *testing.T) {
	d := docx.Document{Title: "长文", Headings: map[int]int{}}
	for i := range 10000 {
		d.Paragraphs = append(d.Paragraphs, fmt.Sprintf("第%d段\x00<w:p>&%s", i, hostile[i%len(hostile)][:min(len(hostile[i%len(hostile)]), 50)]))
		if i%100 == 0 {
			d.Headings[i] = 1 + i/100%4
		}
	}
	parts, _ := unpack(t, write(t, d))
	checkWellFormed(t, parts)
	got := readParas(t, parts["word/document.xml"])
	if len(got) != 1+len(d.Paragraphs) {
		t.Fatalf("%d paragraphs, want %d", len(got), 1+len(d.Paragraphs))
	}
	for i := range d.Paragraphs {
		if prefix := fmt.Sprintf("第%d段<w:p>&", i); !strings.HasPrefix(got[i+1].text, prefix) {
			t.Fatalf("paragraph %d = %q", i, got[i+1].text)
		}
	}
}

// TestRoundTrip reads the written file back with the project's own
// reader.
func TestRoundTrip(t *testing.T) {
	d := sample()
	d.Paragraphs = append(d.Paragraphs, "含有 <标签> & “引号” 的段落", "Latin text, 中英混排 text.")
	res, err := convert.Convert(context.Background(), "doc.docx", bytes.NewReader(write(t, d)), convert.Limits{})
	if err != nil {
		t.Fatalf("Convert: %v", err)
	}
	if res.Format != convert.FormatDocx {
		t.Errorf("format %q", res.Format)
	}
	if res.Title != d.Title {
		t.Errorf("title = %q, want %q", res.Title, d.Title)
	}
	want := append([]string{d.Title, d.Subtitle}, d.Paragraphs...)
	if !slices.Equal(res.Paragraphs, want) {
		t.Errorf("paragraphs:\n got %q\nwant %q", res.Paragraphs, want)
	}
	// The title and the headings are read as headings, shifted by the
	// title and subtitle paragraphs.
	wantHeadings := []int{0}
	for i := range d.Paragraphs {
		if _, ok := d.Headings[i]; ok {
			wantHeadings = append(wantHeadings, i+2)
		}
	}
	if !slices.Equal(res.Headings, wantHeadings) {
		t.Errorf("headings = %v, want %v", res.Headings, wantHeadings)
	}
}

// TestRoundTripHostile checks that the reader accepts a hostile document
// and gets back the text that survived.
func TestRoundTripHostile(t *testing.T) {
	d := docx.Document{Title: "标题\x00<w:p>", Paragraphs: hostile[:14]}
	res, err := convert.Convert(context.Background(), "x.docx", bytes.NewReader(write(t, d)), convert.Limits{})
	if err != nil {
		t.Fatalf("Convert: %v", err)
	}
	if res.Title != "标题<w:p>" {
		t.Errorf("title = %q", res.Title)
	}
	if !slices.Contains(res.Paragraphs, "</w:t></w:r></w:p><w:p><w:r><w:t>") {
		t.Errorf("paragraphs = %q (want slices.Contains(res.Paragraphs, \"</w:t></w:r></w:p><w:p><w:r><w:t>\"))", res.Paragraphs)
	}
	if !slices.Contains(res.Paragraphs, "]]>") {
		t.Errorf("paragraphs = %q (want slices.Contains(res.Paragraphs, \"]]>\"))", res.Paragraphs)
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n -= len(p); f.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestWriteError(t *testing.T) {
	for _, n := range []int{0, 100, 5000} {
		if err := docx.Write(&failWriter{n: n}, sample()); err == nil {
			t.Errorf("budget %d: no error from a failing writer", n)
		}
	}
}

// TestLayout checks the paragraph formatting of the parts of a 公文.
func TestLayout(t *testing.T) {
	parts, _ := unpack(t, write(t, sample()))
	doc := string(parts["word/document.xml"])
	ps := strings.Split(doc, "<w:p>")[1:] // title, subtitle, then the paragraphs
	body := func(i int) string { return ps[2+i] }
	for _, c := range []struct {
		name string
		i    int
		want []string
	}{
		{"主送机关 flush left", 0, []string{`<w:ind w:firstLineChars="0" w:firstLine="0"/>`}},
		{"一、 in 黑体 with outline level 1", 1, []string{`<w:outlineLvl w:val="0"/>`, `<w:rFonts w:eastAsia="黑体"/>`}},
		{"（一） in 楷体 with outline level 2", 3, []string{`<w:outlineLvl w:val="1"/>`, `<w:rFonts w:eastAsia="楷体_GB2312"/>`}},
		{"1. in the body face", 5, []string{`<w:outlineLvl w:val="2"/>`}},
		{"落款 right, a blank line above", 7, []string{`<w:jc w:val="right"/>`, `<w:spacing w:before="579"/>`}},
		{"date right", 8, []string{`<w:jc w:val="right"/>`, `w:right="1260"`}},
	} {
		for _, w := range c.want {
			if !strings.Contains(body(c.i), w) {
				t.Errorf("%s: paragraph %q lacks %s", c.name, body(c.i), w)
			}
		}
	}
	if strings.Contains(body(5), "rFonts") {
		t.Errorf("1. heading has its own font: %s", body(5))
	}
	if strings.Contains(doc, "keepNext") {
		t.Error("a paragraph keeps with the next")
	}
	// No character grid: LibreOffice reads Word's differently.
	if !strings.Contains(doc, `<w:docGrid w:linePitch="579"/>`) {
		t.Errorf("docGrid is not a plain line pitch: %s", doc[strings.Index(doc, "<w:sectPr>"):])
	}
}

// TestRunInHeading sets only the heading sentence of a long heading
// paragraph in the heading face.
func TestRunInHeading(t *testing.T) {
	head := "（一）加强组织领导。"
	rest := strings.Repeat("各地区各部门要把优化政务服务摆在突出位置。", 3)
	parts, _ := unpack(t, write(t, docx.Document{Paragraphs: []string{head + rest}, Headings: map[int]int{0: 2}}))
	doc := string(parts["word/document.xml"])
	want := `<w:r><w:rPr><w:rFonts w:eastAsia="楷体_GB2312"/></w:rPr><w:t xml:space="preserve">` + head + `</w:t></w:r><w:r><w:t xml:space="preserve">` + rest
	if !strings.Contains(doc, want) {
		t.Errorf("run-in heading not split:\n%s", doc)
	}
}

// TestFontTable checks that every fallback font is itself declared, and
// the chains GB/T 9704 documents rely on.
func TestFontTable(t *testing.T) {
	parts, _ := unpack(t, write(t, sample()))
	var table struct {
		Fonts []struct {
			Name string `xml:"name,attr"`
			Alt  struct {
				Val string `xml:"val,attr"`
			} `xml:"altName"`
			Family struct {
				Val string `xml:"val,attr"`
			} `xml:"family"`
			Panose struct {
				Val string `xml:"val,attr"`
			} `xml:"panose1"`
		} `xml:"font"`
	}
	if err := xml.Unmarshal(parts["word/fontTable.xml"], &table); err != nil {
		t.Fatal(err)
	}
	alt, family := map[string]string{}, map[string]string{}
	for _, f := range table.Fonts {
		alt[f.Name], family[f.Name] = f.Alt.Val, f.Family.Val
		if f.Panose.Val == "" {
			t.Errorf("%s: no PANOSE class", f.Name)
		}
	}
	for _, f := range table.Fonts {
		if a := f.Alt.Val; a != "" {
			if _, ok := alt[a]; !ok {
				t.Errorf("%s falls back to %s, which is not declared", f.Name, a)
			}
		}
	}
	chain := func(name string) []string {
		out := []string{name}
		for len(out) < 10 && alt[out[len(out)-1]] != "" {
			out = append(out, alt[out[len(out)-1]])
		}
		return out
	}
	for _, want := range [][]string{
		{"仿宋_GB2312", "仿宋", "FangSong"},
		{"方正小标宋简体", "华文中宋", "宋体", "SimSun"},
		{"楷体_GB2312", "楷体", "KaiTi"},
	} {
		if got := chain(want[0]); !slices.Equal(got, want) {
			t.Errorf("fallbacks of %s = %v, want %v", want[0], got, want)
		}
		for _, f := range want {
			if family[f] != "roman" {
				t.Errorf("%s: family %q, want roman (serif)", f, family[f])
			}
		}
	}
}

// TestLibreOffice converts the file to text with LibreOffice, when it is
// installed.
func TestLibreOffice(t *testing.T) {
	bin := ""
	for _, name := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		t.Skip("LibreOffice is not installed")
	}
	if testing.Short() {
		t.Skip("slow")
	}
	dir := t.TempDir()
	d := sample()
	in := filepath.Join(dir, "doc.docx")
	if err := os.WriteFile(in, write(t, d), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", "txt:Text (encoded):UTF8", "--outdir", dir, in)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	txt, err := os.ReadFile(filepath.Join(dir, "doc.txt"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(txt)
	for _, p := range append([]string{d.Title, d.Subtitle}, d.Paragraphs...) {
		if !strings.Contains(text, p) {
			t.Errorf("LibreOffice lost %q", p)
		}
	}
}

// BenchmarkWrite writes a document of about 10,000 characters.
func BenchmarkWrite(b *testing.B) {
	d := docx.Document{Title: sample().Title, Subtitle: "国办发〔2024〕1号", Headings: map[int]int{}, Source: "文稿"}
	line := "为深入贯彻落实党中央、国务院决策部署，进一步优化政务服务、提升行政效能，现就有关事项通知如下。"
	n := 0
	for i := 0; n < 10000; i++ {
		d.Paragraphs = append(d.Paragraphs, line+line+line)
		n += 3 * utf8.RuneCountInString(line)
		if i%5 == 0 {
			d.Headings[i] = 1 + i/5%4
		}
	}
	size := len(write(b, d))
	b.ReportAllocs()
	for b.Loop() {
		if err := docx.Write(io.Discard, d); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(size), "bytes/doc")
}
