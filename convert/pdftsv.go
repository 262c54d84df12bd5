package convert

import (
	"bufio"
	"io"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// PDF text comes as words with their boxes, in the TSV format of
// pdftotext -tsv (which the Go worker writes too):
//
//	level page_num par_num block_num line_num word_num left top width height conf text
//
// with level 1 for a page, 4 for a line and 5 for a word; top grows
// downwards. From the boxes we rebuild rows (the lines of one baseline,
// table cells included) and then paragraphs: Chinese PDFs break lines in
// the middle of sentences, so a row joins the paragraph above unless it is
// indented, the row above ended short, a font size or table starts, or
// it starts with a heading number.

// pdfStats counts what a PDF held.
type pdfStats struct {
	pages int
	chars int // non-space characters kept
}

// pdfWord is one word and its horizontal extent.
type pdfWord struct {
	x0, x1 float64
	h      float64
	text   string
}

// pdfLine is a line of words as the extractor grouped them.
type pdfLine struct {
	x0, x1, top, bottom float64
	words               []pdfWord
}

// pdfRow is a visual line: the lines that share a baseline.
type pdfRow struct {
	text                string
	x0, x1, top, bottom float64
	h                   float64
	table               bool // cells separated by wide gaps
	full                bool // reaches the right margin
	indented            bool // starts right of the left margin
	centred, large      bool // title hints
}

// maxTSVLine is the longest TSV record we accept.
const maxTSVLine = 1 << 20

// readPDFWords reads TSV word records from r and adds the paragraphs to c.
func readPDFWords(r io.Reader, c *collector) (pdfStats, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxTSVLine)
	f := &pdfReflow{c: c}
	var lines []pdfLine
	for sc.Scan() {
		fields := strings.SplitN(sc.Text(), "\t", 12)
		if len(fields) < 12 {
			continue
		}
		left, err1 := strconv.ParseFloat(fields[6], 64)
		top, err2 := strconv.ParseFloat(fields[7], 64)
		width, err3 := strconv.ParseFloat(fields[8], 64)
		height, err4 := strconv.ParseFloat(fields[9], 64)
		if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
			continue // the header
		}
		switch fields[0] {
		case "1":
			if err := f.addPage(lines); err != nil {
				return f.stats, err
			}
			lines = lines[:0]
			f.stats.pages++
		case "4":
			lines = append(lines, pdfLine{x0: left, x1: left + width, top: top, bottom: top + height})
		case "5":
			if len(lines) == 0 || strings.HasPrefix(fields[11], "###") {
				continue
			}
			l := &lines[len(lines)-1]
			l.words = append(l.words, pdfWord{x0: left, x1: left + width, h: height, text: fields[11]})
		}
	}
	if err := sc.Err(); err != nil {
		if err == bufio.ErrTooLong {
			return f.stats, errTooComplex()
		}
		return f.stats, err
	}
	if err := f.addPage(lines); err != nil {
		return f.stats, err
	}
	return f.stats, f.reflow()
}

// pdfReflow joins rows into paragraphs across pages. It holds the rows of
// all pages, since the margins of the body pages tell how to read the
// others (a cover page has no full lines of its own).
type pdfReflow struct {
	c     *collector
	stats pdfStats
	pages []pdfPage
	size  int64 // bytes of text held
}

// pdfPage is the rows of a page and its metrics.
type pdfPage struct {
	rows              []pdfRow
	left, right, body float64
	measured          bool // enough body text for the margins
	indents           int  // rows indented like a paragraph's first line
}

// addPage turns the lines of one page into rows and measures them.
func (f *pdfReflow) addPage(lines []pdfLine) error {
	if f.stats.pages == 0 {
		return nil // lines before the first page record
	}
	rows := dropPageMarks(buildRows(lines))
	for _, r := range rows {
		f.stats.chars += countNonSpace(r.text)
		f.size += int64(len(r.text))
	}
	if f.size > f.c.max {
		return errTextTooLarge(f.c.max)
	}
	f.pages = append(f.pages, pdfPage{rows: rows})
	return nil
}

// measure finds the margins of a page from its rows of body text.
func (p *pdfPage) measure(body float64) {
	p.body = body
	var xs0, xs1 []float64
	for _, r := range p.rows {
		if !r.table && math.Abs(r.h-p.body) <= 0.2*p.body && utf8.RuneCountInString(r.text) >= 5 {
			xs0 = append(xs0, r.x0)
			xs1 = append(xs1, r.x1)
		}
	}
	if len(xs0) < 3 {
		return
	}
	p.measured = true
	p.left = modeOf(xs0)
	sort.Float64s(xs1)
	p.right = xs1[len(xs1)*9/10]
	for _, x := range xs0 {
		if d := x - p.left; d > 1.5*p.body && d < 2.6*p.body {
			p.indents++
		}
	}
}

// reflow classifies the rows of every page and joins them into
// paragraphs.
func (f *pdfReflow) reflow() error {
	var all []pdfRow
	for _, p := range f.pages {
		all = append(all, p.rows...)
	}
	body := bodyHeight(all)
	all = nil
	var widths []float64
	indents := 0
	for i := range f.pages {
		p := &f.pages[i]
		p.measure(body)
		if p.measured {
			widths = append(widths, p.right-p.left)
		}
		indents += p.indents
	}
	width := 0.0
	if len(widths) > 0 {
		sort.Float64s(widths)
		width = widths[len(widths)/2]
	}
	indentStyle := indents >= 2
	var para strings.Builder
	var first, prev *pdfRow
	flush := func() error {
		if para.Len() == 0 {
			return nil
		}
		text := para.String()
		para.Reset()
		return f.c.add(block{text: text, centered: first.centred, bold: first.large})
	}
	for i := range f.pages {
		p := &f.pages[i]
		p.fit(width)
		for j := range p.rows {
			row := &p.rows[j]
			p.classify(row)
			newPage := j == 0
			if prev == nil || startsParagraph(prev, row, newPage, indentStyle) {
				if err := flush(); err != nil {
					return err
				}
				first = row
			}
			appendJoined(&para, row.text)
			prev = row
		}
	}
	return flush()
}

// fit makes the margins of a page usable: a page with little body text,
// or narrower than the document's text width, gets a right margin at the
// document's width from its left.
func (p *pdfPage) fit(width float64) {
	if !p.measured {
		p.left = math.Inf(1)
		for _, r := range p.rows {
			p.left = math.Min(p.left, r.x0)
		}
	}
	if p.body <= 0 {
		p.body = 1
	}
	if width > 0 && (!p.measured || p.right-p.left < 0.8*width) {
		p.right = p.left + width
	}
}

// buildRows merges the lines that share a baseline, left to right, and
// renders each as text: wide gaps become tabs (table cells), narrow ones a
// space between Latin words and nothing between Chinese characters.
func buildRows(lines []pdfLine) []pdfRow {
	var rows []pdfRow
	var cur []pdfLine
	emit := func() {
		if len(cur) > 0 {
			if row, ok := renderRow(cur); ok {
				rows = append(rows, row)
			}
		}
		cur = cur[:0]
	}
	for _, l := range lines {
		if len(l.words) == 0 {
			continue
		}
		if len(cur) > 0 {
			last := cur[len(cur)-1]
			h := math.Min(last.bottom-last.top, l.bottom-l.top)
			if math.Abs(l.top-last.top) > 0.5*h || l.x0 < last.x1-h {
				emit()
			}
		}
		cur = append(cur, l)
	}
	emit()
	return rows
}

// renderRow renders the lines of one row.
func renderRow(lines []pdfLine) (pdfRow, bool) {
	var words []pdfWord
	row := pdfRow{x0: lines[0].x0, x1: lines[0].x1, top: lines[0].top, bottom: lines[0].bottom}
	for _, l := range lines {
		words = append(words, l.words...)
		row.x0, row.x1 = math.Min(row.x0, l.x0), math.Max(row.x1, l.x1)
		row.top, row.bottom = math.Min(row.top, l.top), math.Max(row.bottom, l.bottom)
	}
	sort.SliceStable(words, func(i, j int) bool { return words[i].x0 < words[j].x0 })
	row.h = medianWordHeight(words)
	var cells []string
	var cell strings.Builder
	for i, w := range words {
		if i > 0 {
			gap := w.x0 - words[i-1].x1
			if gap > row.h {
				cells = append(cells, cell.String())
				cell.Reset()
			} else {
				appendWord(&cell, w.text)
				continue
			}
		}
		cell.WriteString(w.text)
	}
	cells = append(cells, cell.String())
	switch {
	case len(cells) == 2 && utf8.RuneCountInString(cells[0]) <= 3:
		// A note number before its note: "1   注：…".
		row.text = cells[0] + " " + cells[1]
	default:
		row.text = strings.Join(cells, "\t")
		row.table = len(cells) > 1
	}
	row.text = strings.TrimSpace(row.text)
	return row, row.text != ""
}

// appendWord appends the next word of a line: with a space between Latin
// words, with nothing next to Chinese characters.
func appendWord(b *strings.Builder, w string) {
	last, _ := utf8.DecodeLastRuneInString(b.String())
	first, _ := utf8.DecodeRuneInString(w)
	if b.Len() > 0 && !isWide(last) && !isWide(first) {
		b.WriteByte(' ')
	}
	b.WriteString(w)
}

// medianWordHeight is the median height of the words, weighted by length.
func medianWordHeight(words []pdfWord) float64 {
	type hw struct{ h, w float64 }
	hs := make([]hw, 0, len(words))
	total := 0.0
	for _, w := range words {
		n := float64(utf8.RuneCountInString(w.text))
		hs = append(hs, hw{w.h, n})
		total += n
	}
	sort.Slice(hs, func(i, j int) bool { return hs[i].h < hs[j].h })
	acc := 0.0
	for _, x := range hs {
		if acc += x.w; acc >= total/2 {
			return x.h
		}
	}
	return 0
}

// pageMark matches page numbers and note reference numbers standing alone
// on a row: "3", "2 3", "- 4 -", "第 5 页", "第 5 页 共 13 页", "5/13".
var pageMark = regexp.MustCompile(`^(?:[-—–－\s]*\d{1,4}[-—–－\s]*|\d{1,3}(?:\s+\d{1,3}){1,2}|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)$`)

// dropPageMarks removes page numbers (a page mark as the first or last
// row) and rows of note reference numbers set small above the text.
func dropPageMarks(rows []pdfRow) []pdfRow {
	body := bodyHeight(rows)
	kept := rows[:0]
	for i, r := range rows {
		if pageMark.MatchString(r.text) && (i == 0 || i == len(rows)-1 || r.h < 0.8*body) {
			continue
		}
		kept = append(kept, r)
	}
	return kept
}

// bodyHeight is the most common row height, weighted by text length.
func bodyHeight(rows []pdfRow) float64 {
	weight := map[float64]int{}
	best, bestW := 0.0, 0
	for _, r := range rows {
		h := math.Round(r.h*2) / 2
		weight[h] += utf8.RuneCountInString(r.text)
		if weight[h] > bestW || weight[h] == bestW && h < best {
			best, bestW = h, weight[h]
		}
	}
	return best
}

// modeOf returns the most common value, to the nearest point, preferring
// the smallest.
func modeOf(xs []float64) float64 {
	count := map[float64]int{}
	best, bestN := 0.0, 0
	for _, x := range xs {
		k := math.Round(x)
		count[k]++
		if count[k] > bestN || count[k] == bestN && k < best {
			best, bestN = k, count[k]
		}
	}
	return best
}

// classify sets the layout hints of a row from the page metrics.
func (p *pdfPage) classify(r *pdfRow) {
	h := math.Max(r.h, 1)
	r.full = r.x1 >= p.right-2*h
	r.indented = r.x0 > p.left+0.8*p.body
	r.centred = !r.full && r.x0-p.left > 2*h && math.Abs((r.x0-p.left)-(p.right-r.x1)) < 2*h
	r.large = r.h >= 1.25*p.body
}

// startsParagraph decides whether row l starts a new paragraph after row
// p; newPage tells that a page break lies between them, indentStyle that
// the document indents the first lines of its paragraphs.
func startsParagraph(p, l *pdfRow, newPage, indentStyle bool) bool {
	h := math.Max(p.h, l.h)
	switch {
	case p.table || l.table:
		return true
	case startsWithMarker(l.text):
		return true
	case math.Abs(p.h-l.h) > 0.2*h:
		return true // a change of font size
	case l.indented || p.centred || !p.full:
		return true
	case endsSentence(p.text) && !indentStyle:
		return true
	case !newPage && l.top-p.bottom > 1.5*h && endsSentence(p.text):
		return true
	}
	return false
}

// countNonSpace counts the runes of s that are not white space.
func countNonSpace(s string) int {
	n := 0
	for _, r := range s {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}
