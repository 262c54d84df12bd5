// Package docx writes a Word document (.docx, Office Open XML
// WordprocessingML) from a title and paragraphs, laid out as a Chinese
// official document (公文, after GB/T 9704): A4 paper, margins of 37, 35,
// 28 and 26 mm, the title in 方正小标宋简体 二号, the body in 仿宋_GB2312
// 三号 with a two-character indent and lines exactly 28.95 pt apart (22
// lines of 28 characters a page), headings in 黑体, 楷体_GB2312 and bold
// 仿宋_GB2312, and page numbers "— 1 —" in 宋体 四号, odd pages on the
// right and even pages on the left.
//
// It serves as the download of a document whose original file is not
// kept. The output depends only on the input: the same Document gives the
// same bytes.
package docx

import (
	"archive/zip"
	"bufio"
	"io"
	"strconv"
	"time"
)

// ContentType is the media type of a .docx file.
const ContentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

// Document is the content of a document to write.
type Document struct {
	// Title is the document's title, centred above the text; it is also
	// the title in the file's properties. It may be "".
	Title string
	// Subtitle is an optional line centred under the title in
	// 楷体_GB2312, such as the 发文字号 or a date line.
	Subtitle string
	// Paragraphs are the paragraphs of the text. A tab is kept as a tab
	// and a line break as a line break within the paragraph.
	Paragraphs []string
	// Headings maps indexes into Paragraphs to outline levels 1–4: the
	// paragraph is a heading of that level (一、 （一） 1. （1） in 公文).
	// Levels above 4 are written as 4; levels below 1 and indexes out of
	// range are ignored.
	Headings map[int]int
	// Source is an optional line printed small in the footer of every
	// page, such as the site's name and the document's address.
	Source string
}

// zipTime is the modification time of every archive entry: fixed, so
// that the output is reproducible.
var zipTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// part is one entry of the package.
type part struct {
	name  string
	write func(w *bufio.Writer, d *Document)
}

// parts lists the package's entries in the order they are written
// ([Content_Types].xml first, as most writers do).
var parts = []part{
	{"[Content_Types].xml", constPart(contentTypesXML)},
	{"_rels/.rels", constPart(packageRelsXML)},
	{"docProps/core.xml", writeCore},
	{"docProps/app.xml", constPart(appXML)},
	{"word/_rels/document.xml.rels", constPart(documentRelsXML)},
	{"word/document.xml", writeDocument},
	{"word/styles.xml", constPart(stylesXML)},
	{"word/settings.xml", constPart(settingsXML)},
	{"word/fontTable.xml", constPart(fontTableXML)},
	{"word/footer1.xml", func(w *bufio.Writer, d *Document) { writeFooter(w, d, false) }},
	{"word/footer2.xml", func(w *bufio.Writer, d *Document) { writeFooter(w, d, true) }},
}

// constPart returns a writer of a fixed part.
func constPart(s string) func(*bufio.Writer, *Document) {
	return func(w *bufio.Writer, _ *Document) { w.WriteString(s) }
}

// Write writes d to w as a .docx file. Any text can be written: characters
// that XML cannot hold (control characters, U+FFFE, U+FFFF, invalid UTF-8)
// are dropped. The only errors are those of w.
func Write(w io.Writer, d Document) error {
	zw := zip.NewWriter(w)
	bw := bufio.NewWriterSize(nil, 32<<10)
	for _, p := range parts {
		fh := &zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: zipTime}
		fh.SetMode(0o644)
		fw, err := zw.CreateHeader(fh)
		if err != nil {
			return err
		}
		bw.Reset(fw)
		p.write(bw, &d)
		if err := bw.Flush(); err != nil {
			return err
		}
	}
	return zw.Close()
}

// xmlHeader starts every part.
const xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

// Namespaces.
const (
	nsW = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsR = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
)

// writeCore writes docProps/core.xml with the title.
func writeCore(w *bufio.Writer, d *Document) {
	w.WriteString(xmlHeader)
	w.WriteString(`<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
		`xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ` +
		`xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`)
	w.WriteString("<dc:title>")
	writeEscaped(w, singleLine(d.Title))
	w.WriteString("</dc:title><dc:language>zh-CN</dc:language></cp:coreProperties>")
}

// Page geometry, in twentieths of a point (twips): A4, and the margins of
// GB/T 9704 (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm).
const (
	pageWidth    = 11906
	pageHeight   = 16838
	marginTop    = 2098
	marginBottom = 1984
	marginLeft   = 1587
	marginRight  = 1474
	// footerDistance puts the page number's line about 7 mm below the
	// text; a Source line under it takes about 4 mm more.
	footerDistance       = 1247 // 22 mm
	footerDistanceSource = 1020 // 18 mm
)

// writeDocument writes word/document.xml.
func writeDocument(w *bufio.Writer, d *Document) {
	w.WriteString(xmlHeader)
	w.WriteString(`<w:document xmlns:w="` + nsW + `" xmlns:r="` + nsR + `"><w:body>`)
	empty := true
	// The last paragraph of the heading block is followed by one blank
	// line (spacing after of one line pitch).
	gap := `<w:spacing w:after="579"/>`
	if d.Title != "" {
		extra := ""
		if d.Subtitle == "" {
			extra = gap
		}
		writePara(w, "Title", extra, d.Title)
		empty = false
	}
	if d.Subtitle != "" {
		writePara(w, "Subtitle", gap, d.Subtitle)
		empty = false
	}
	for i, text := range d.Paragraphs {
		style := "" // Normal
		if lvl, ok := d.Headings[i]; ok && lvl >= 1 {
			style = "Heading" + strconv.Itoa(min(lvl, 4))
		}
		writePara(w, style, "", text)
		empty = false
	}
	if empty {
		w.WriteString("<w:p/>")
	}
	footer := footerDistance
	if d.Source != "" {
		footer = footerDistanceSource
	}
	w.WriteString(`<w:sectPr>` +
		`<w:footerReference w:type="default" r:id="rId4"/>` +
		`<w:footerReference w:type="even" r:id="rId5"/>` +
		`<w:pgSz w:w="` + strconv.Itoa(pageWidth) + `" w:h="` + strconv.Itoa(pageHeight) + `"/>` +
		`<w:pgMar w:top="` + strconv.Itoa(marginTop) + `" w:right="` + strconv.Itoa(marginRight) +
		`" w:bottom="` + strconv.Itoa(marginBottom) + `" w:left="` + strconv.Itoa(marginLeft) +
		`" w:header="851" w:footer="` + strconv.Itoa(footer) + `" w:gutter="0"/>` +
		`<w:pgNumType w:fmt="decimal"/>` +
		`<w:cols w:space="425"/>` +
		// 22 lines of 28 characters: a line pitch of 28.95 pt, and
		// characters 16 pt wide less 0.207 pt (in 4096ths of a point).
		`<w:docGrid w:type="linesAndChars" w:linePitch="579" w:charSpace="-849"/>` +
		`</w:sectPr></w:body></w:document>`)
}

// writePara writes one paragraph of the given style ("" for Normal), with
// extra paragraph properties (which must come after w:pStyle and before
// w:ind in the schema's order) and text.
func writePara(w *bufio.Writer, style, extra, text string) {
	w.WriteString("<w:p>")
	if style != "" || extra != "" {
		w.WriteString("<w:pPr>")
		if style != "" {
			w.WriteString(`<w:pStyle w:val="` + style + `"/>`)
		}
		w.WriteString(extra)
		w.WriteString("</w:pPr>")
	}
	writeRun(w, "", text)
	w.WriteString("</w:p>")
}

// writeFooter writes a footer: the page number, right-aligned (odd pages)
// or left-aligned (even pages) one character in from the margin, then the
// Source line if any.
func writeFooter(w *bufio.Writer, d *Document, even bool) {
	w.WriteString(xmlHeader)
	w.WriteString(`<w:ftr xmlns:w="` + nsW + `" xmlns:r="` + nsR + `">`)
	if even {
		w.WriteString(`<w:p><w:pPr><w:pStyle w:val="Footer"/><w:ind w:left="280" w:leftChars="100"/><w:jc w:val="left"/></w:pPr>`)
	} else {
		w.WriteString(`<w:p><w:pPr><w:pStyle w:val="Footer"/><w:ind w:right="280" w:rightChars="100"/><w:jc w:val="right"/></w:pPr>`)
	}
	w.WriteString(`<w:r><w:t xml:space="preserve">— </w:t></w:r>` +
		`<w:r><w:fldChar w:fldCharType="begin"/></w:r>` +
		`<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>` +
		`<w:r><w:fldChar w:fldCharType="separate"/></w:r>` +
		`<w:r><w:t>1</w:t></w:r>` +
		`<w:r><w:fldChar w:fldCharType="end"/></w:r>` +
		`<w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p>`)
	if d.Source != "" {
		w.WriteString(`<w:p><w:pPr><w:pStyle w:val="FooterSource"/></w:pPr>`)
		writeRun(w, "", singleLine(d.Source))
		w.WriteString(`</w:p>`)
	}
	w.WriteString(`</w:ftr>`)
}
