// Package docx writes a Word document (.docx, Office Open XML
// WordprocessingML) from a title and paragraphs, laid out as a Chinese
// official document (公文) after GB/T 9704-2012: A4 paper with a 版心 of
// 156 × 225 mm (margins of 37, 35, 28 and 26 mm), 22 lines of 28
// characters of 三号 仿宋 a page, the title in 二号 小标宋 centred, the
// 发文字号 centred under it, the 主送机关 flush left, the body with a
// two-character indent, the 一、 and （一） headings in 黑体 and 楷体, the
// 附件说明, the 落款 and 成文日期 on the right, and page numbers "— 1 —" in
// 四号 宋体 on the outer side of the page.
//
// The layout holds in LibreOffice, WPS and Word alike: it uses no
// document grid (LibreOffice reads Word's character grid differently)
// but exact line spacing and a character spacing that puts 28 三号
// characters on a 156 mm line; headings are paragraphs of the body with
// an outline level, not heading styles that keep with the next paragraph.
// Fonts are named as government templates name them, with fallbacks
// declared in the font table (仿宋_GB2312 → 仿宋 → FangSong, 方正小标宋简体 →
// 华文中宋 → 宋体), all serif faces.
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
	"strings"
	"time"
	"unicode/utf8"
)

// ContentType is the media type of a .docx file.
const ContentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

// Document is the content of a document to write.
type Document struct {
	// Title is the document's title, centred above the text; it is also
	// the title in the file's properties. It may be "".
	Title string
	// Subtitle is an optional line centred under the title in the body
	// face: the 发文字号.
	Subtitle string
	// Paragraphs are the paragraphs of the text. A tab is kept as a tab
	// and a line break as a line break within the paragraph.
	Paragraphs []string
	// Headings maps indexes into Paragraphs to outline levels 1–4: the
	// paragraph is a heading of that level (一、 （一） 1. （1） in 公文),
	// set in 黑体 (1), 楷体 (2) or the body face (3, 4) and given that
	// outline level. Levels above 4 are written as 4; levels below 1 and
	// indexes out of range are ignored.
	Headings map[int]int
	// Roles maps indexes into Paragraphs to the part of the 公文 they are;
	// paragraphs not in it are body text.
	Roles map[int]Role
	// Source names where the document comes from, such as the site's
	// name. It is written in the document's properties (as the company),
	// not on its pages.
	Source string
}

// Role is the part of a 公文 a paragraph is, which decides its layout.
type Role uint8

// Roles of paragraphs.
const (
	Body       Role = iota // body text: two-character indent
	Addressee              // 主送机关: flush left
	Attachment             // 附件说明: a blank line above, names aligned
	Signature              // 发文机关署名: right, centred over the date
	Date                   // 成文日期: right, four characters in
	Note                   // 附注: indented like the body
)

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
	{"docProps/app.xml", writeApp},
	{"word/_rels/document.xml.rels", constPart(documentRelsXML)},
	{"word/document.xml", writeDocument},
	{"word/styles.xml", constPart(stylesXML)},
	{"word/settings.xml", constPart(settingsXML)},
	{"word/fontTable.xml", constPart(fontTableXML)},
	{"word/footer1.xml", func(w *bufio.Writer, d *Document) { writeFooter(w, false) }},
	{"word/footer2.xml", func(w *bufio.Writer, d *Document) { writeFooter(w, true) }},
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

// writeApp writes docProps/app.xml, with the Source as the company.
func writeApp(w *bufio.Writer, d *Document) {
	w.WriteString(xmlHeader)
	w.WriteString(`<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" ` +
		`xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">` +
		`<Application>wengao</Application><DocSecurity>0</DocSecurity>`)
	if d.Source != "" {
		w.WriteString("<Company>")
		writeEscaped(w, singleLine(d.Source))
		w.WriteString("</Company>")
	}
	w.WriteString(`</Properties>`)
}

// Page geometry, in twentieths of a point (twips): A4, and the margins of
// GB/T 9704 (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm), which
// leave a 版心 of 156 × 225 mm.
const (
	pageWidth    = 11906
	pageHeight   = 16838
	marginTop    = 2098
	marginBottom = 1984
	marginLeft   = 1587
	marginRight  = 1474
	// footerDistance puts the page number's line about 7 mm below the
	// text.
	footerDistance = 1247 // 22 mm
	// linePitch is the body's line spacing: 225 mm over 22 lines, 28.95 pt.
	linePitch = 579
	// charWidth is the advance of one 三号 character: 16 pt less the
	// character spacing (charSpacing, -0.25 pt), so that 28 fit in 156 mm.
	charWidth = 315
)

// writeDocument writes word/document.xml.
func writeDocument(w *bufio.Writer, d *Document) {
	w.WriteString(xmlHeader)
	w.WriteString(`<w:document xmlns:w="` + nsW + `" xmlns:r="` + nsR + `"><w:body>`)
	empty := true
	// The heading block is followed by one blank line (spacing after of
	// one line pitch).
	gap := `<w:spacing w:after="` + strconv.Itoa(linePitch) + `"/>`
	if d.Title != "" {
		extra := ""
		if d.Subtitle == "" {
			extra = gap
		}
		writePara(w, "Title", extra, "", d.Title)
		empty = false
	}
	if d.Subtitle != "" {
		writePara(w, "Subtitle", gap, "", d.Subtitle)
		empty = false
	}
	// The 落款 is centred: the issuer over the date (GB/T 9704 7.3.5.1),
	// the date four characters in from the right.
	issuerWidth, dateWidth := 0, 0
	for i, text := range d.Paragraphs {
		switch d.Roles[i] {
		case Signature:
			issuerWidth = max(issuerWidth, halfWidths(text))
		case Date:
			dateWidth = max(dateWidth, halfWidths(text))
		}
	}
	prev := Body
	for i, text := range d.Paragraphs {
		role := d.Roles[i]
		pPr, lead := "", ""
		switch role {
		case Addressee:
			pPr = `<w:ind w:firstLineChars="0" w:firstLine="0"/>`
		case Attachment:
			if prev != Attachment {
				// "附件：1. ……": a blank line above, two characters in.
				pPr = `<w:spacing w:before="` + strconv.Itoa(linePitch) + `"/>`
			} else {
				// Later items line up with the first name, after "附件：".
				pPr = `<w:ind w:left="` + strconv.Itoa(5*charWidth) + `" w:firstLineChars="0" w:firstLine="0"/>`
			}
		case Signature, Date:
			before := ""
			if prev != Signature && prev != Date {
				before = `<w:spacing w:before="` + strconv.Itoa(linePitch) + `"/>`
			}
			right := signatureIndent(role, issuerWidth, dateWidth)
			pPr = before + `<w:ind w:right="` + strconv.Itoa(right*charWidth/2) + `" w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="right"/>`
		default:
			if lvl, ok := d.Headings[i]; ok && lvl >= 1 {
				lvl = min(lvl, 4)
				pPr = `<w:outlineLvl w:val="` + strconv.Itoa(lvl-1) + `"/>`
				switch lvl {
				case 1:
					lead = fontHei
				case 2:
					lead = fontKai
				}
			}
		}
		prev = role
		w.WriteString("<w:p>")
		if pPr != "" {
			w.WriteString("<w:pPr>" + pPr + "</w:pPr>")
		}
		if lead != "" {
			// The heading's own words in its face; a run-in heading's
			// text after them in the body face.
			head, rest := splitRunIn(text)
			writeRun(w, `<w:rPr>`+eastAsiaOf+lead+fontsClose+`</w:rPr>`, head)
			writeRun(w, "", rest)
		} else {
			writeRun(w, "", text)
		}
		w.WriteString("</w:p>")
		empty = false
	}
	if empty {
		w.WriteString("<w:p/>")
	}
	w.WriteString(`<w:sectPr>` +
		`<w:footerReference w:type="default" r:id="rId4"/>` +
		`<w:footerReference w:type="even" r:id="rId5"/>` +
		`<w:pgSz w:w="` + strconv.Itoa(pageWidth) + `" w:h="` + strconv.Itoa(pageHeight) + `"/>` +
		`<w:pgMar w:top="` + strconv.Itoa(marginTop) + `" w:right="` + strconv.Itoa(marginRight) +
		`" w:bottom="` + strconv.Itoa(marginBottom) + `" w:left="` + strconv.Itoa(marginLeft) +
		`" w:header="851" w:footer="` + strconv.Itoa(footerDistance) + `" w:gutter="0"/>` +
		`<w:pgNumType w:fmt="decimal"/>` +
		`<w:cols w:space="425"/>` +
		// No grid: lines are spaced exactly and characters by their
		// spacing, which every word processor honours alike.
		`<w:docGrid w:linePitch="` + strconv.Itoa(linePitch) + `"/>` +
		`</w:sectPr></w:body></w:document>`)
}

// signatureIndent returns the right indent, in half characters, of the
// issuer (role Signature) or the date of a 落款 whose widest lines are
// issuer and date half characters wide: the date four characters in from
// the right with the issuer centred over it, or, for an issuer wider than
// the date, the issuer two characters in with the date centred under it.
func signatureIndent(role Role, issuer, date int) int {
	if issuer <= date {
		if role == Date {
			return 8
		}
		return 8 + (date-issuer)/2
	}
	if role == Signature {
		return 4
	}
	return max(4+(issuer-date)/2, 8)
}

// halfWidths returns the width of s in half characters: ASCII letters
// and digits are half as wide as Chinese characters.
func halfWidths(s string) int {
	n := 0
	for _, r := range s {
		if r < utf8.RuneSelf {
			n++
		} else {
			n += 2
		}
	}
	return n
}

// runInMax is the longest heading paragraph set wholly in the heading
// face; a longer one is a run-in heading, whose first sentence alone is.
const runInMax = 40

// splitRunIn splits a heading paragraph into its heading and the text
// that runs on after it.
func splitRunIn(p string) (head, rest string) {
	if utf8.RuneCountInString(p) <= runInMax {
		return p, ""
	}
	i := strings.IndexAny(p, "。！？")
	if i < 0 {
		return p, ""
	}
	_, size := utf8.DecodeRuneInString(p[i:])
	return p[:i+size], p[i+size:]
}

// writePara writes one paragraph of the given style ("" for Normal), with
// extra paragraph properties (which must come after w:pStyle and before
// w:ind in the schema's order), run properties and text.
func writePara(w *bufio.Writer, style, extra, rPr, text string) {
	w.WriteString("<w:p>")
	if style != "" || extra != "" {
		w.WriteString("<w:pPr>")
		if style != "" {
			w.WriteString(`<w:pStyle w:val="` + style + `"/>`)
		}
		w.WriteString(extra)
		w.WriteString("</w:pPr>")
	}
	writeRun(w, rPr, text)
	w.WriteString("</w:p>")
}

// writeFooter writes a footer: the page number "— N —", right-aligned
// (odd pages) or left-aligned (even pages) one character in from the
// margin.
func writeFooter(w *bufio.Writer, even bool) {
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
	w.WriteString(`</w:ftr>`)
}
