package convert

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// HTML is read with the tokenizer of golang.org/x/net/html: nothing is
// executed or fetched, and the content of scripts, styles, navigation and
// the page's header and footer is dropped (an article's own header, which
// often holds its title, is kept).

// htmlSkipped are the elements whose content is not document text. They
// all have end tags: a void element here would skip the rest of the page.
var htmlSkipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Iframe: true, atom.Object: true, atom.Svg: true, atom.Math: true,
	atom.Nav: true, atom.Header: true, atom.Footer: true, atom.Aside: true,
	atom.Button: true, atom.Select: true, atom.Textarea: true, atom.Head: true,
}

// htmlBlocks are the elements that break paragraphs.
var htmlBlocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Li: true, atom.Ul: true, atom.Ol: true,
	atom.Dl: true, atom.Dt: true, atom.Dd: true, atom.Blockquote: true,
	atom.Section: true, atom.Article: true, atom.Main: true, atom.Pre: true,
	atom.Table: true, atom.Caption: true, atom.Br: true, atom.Hr: true,
	atom.Figure: true, atom.Figcaption: true, atom.Address: true, atom.Center: true,
	atom.Body: true, atom.Html: true, atom.Tbody: true, atom.Thead: true, atom.Tfoot: true,
}

// htmlHeadings maps h1–h6.
var htmlHeadings = map[atom.Atom]bool{
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
}

// htmlReader gathers the paragraphs of an HTML document.
type htmlReader struct {
	c       *collector
	text    strings.Builder
	heading atom.Atom // the open heading, or 0
	center  bool
	skip    []atom.Atom // open skipped elements
	pre     int
	row     []string // cells of the open table row
	inRow   bool
	cell    strings.Builder
	inCell  bool
	title   strings.Builder
	inTitle bool
	article int // depth inside article or main elements
}

// convertHTML reads an HTML document.
func convertHTML(text string, lim Limits) (*Result, error) {
	h := &htmlReader{c: &collector{max: lim.MaxTextBytes}}
	z := html.NewTokenizer(strings.NewReader(text))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break // io.EOF: the input is in memory
		}
		if err := h.token(tt, z); err != nil {
			return nil, err
		}
	}
	if err := h.endRow(); err != nil {
		return nil, err
	}
	if err := h.flush(); err != nil {
		return nil, err
	}
	return h.c.result(FormatHTML, ToolGo, collapseSpace(h.title.String()))
}

// token handles one token.
func (h *htmlReader) token(tt html.TokenType, z *html.Tokenizer) error {
	switch tt {
	case html.TextToken:
		h.textToken(z.Text())
	case html.StartTagToken, html.SelfClosingTagToken:
		name, _ := z.TagName()
		a := atom.Lookup(name)
		if a == atom.Title && len(h.skip) <= 1 {
			h.inTitle = tt == html.StartTagToken
			return nil
		}
		if a == atom.Body {
			h.skip = h.skip[:0] // a head left open ends here
		}
		if htmlSkipped[a] && !(h.article > 0 && (a == atom.Header || a == atom.Footer)) {
			if tt == html.StartTagToken {
				h.skip = append(h.skip, a)
			}
			return nil
		}
		if len(h.skip) > 0 {
			return nil
		}
		return h.start(a, tt == html.SelfClosingTagToken, z)
	case html.EndTagToken:
		name, _ := z.TagName()
		a := atom.Lookup(name)
		if a == atom.Title {
			h.inTitle = false
			return nil
		}
		if n := len(h.skip); n > 0 {
			if h.skip[n-1] == a {
				h.skip = h.skip[:n-1]
			}
			return nil
		}
		return h.end(a)
	}
	return nil
}

// textToken adds text where it belongs.
func (h *htmlReader) textToken(b []byte) {
	switch {
	case h.inTitle:
		if h.title.Len() < 1024 {
			h.title.Write(b)
		}
	case len(h.skip) > 0:
	case h.inCell:
		h.cell.Write(b)
	case h.inRow:
	default:
		h.text.Write(b)
	}
}

func (h *htmlReader) start(a atom.Atom, selfClosing bool, z *html.Tokenizer) error {
	if (a == atom.Article || a == atom.Main) && !selfClosing {
		h.article++
	}
	switch {
	case a == atom.Tr:
		if err := h.endRow(); err != nil {
			return err
		}
		h.inRow = true
		return h.flush()
	case a == atom.Td || a == atom.Th:
		if !h.inRow {
			if err := h.flush(); err != nil {
				return err
			}
			h.inRow = true
		}
		h.endCell()
		h.inCell = true
	case h.inCell && (htmlBlocks[a] || htmlHeadings[a]):
		h.cell.WriteString("\u00a0") // keeps the parts of a cell apart
	case htmlHeadings[a]:
		if err := h.flush(); err != nil {
			return err
		}
		h.heading = a
	case a == atom.Pre:
		if err := h.flush(); err != nil {
			return err
		}
		h.pre++
	case htmlBlocks[a]:
		if err := h.flush(); err != nil {
			return err
		}
		h.center = a == atom.Center || htmlCentred(z)
	}
	return nil
}

func (h *htmlReader) end(a atom.Atom) error {
	if (a == atom.Article || a == atom.Main) && h.article > 0 {
		h.article--
	}
	switch {
	case a == atom.Td || a == atom.Th:
		h.endCell()
	case a == atom.Tr || a == atom.Table:
		return h.endRow()
	case h.inCell:
	case htmlHeadings[a]:
		err := h.flush()
		h.heading = 0
		return err
	case a == atom.Pre:
		err := h.flush()
		h.pre = max(0, h.pre-1)
		return err
	case htmlBlocks[a]:
		return h.flush()
	}
	return nil
}

// htmlCentred reports whether the open tag asks for centred text.
func htmlCentred(z *html.Tokenizer) bool {
	for {
		key, val, more := z.TagAttr()
		k := strings.ToLower(string(key))
		v := strings.ToLower(string(val))
		if k == "align" && v == "center" || k == "style" && strings.Contains(strings.ReplaceAll(v, " ", ""), "text-align:center") {
			return true
		}
		if !more {
			return false
		}
	}
}

// endCell closes the open table cell.
func (h *htmlReader) endCell() {
	if h.inCell {
		h.row = append(h.row, collapseSpace(h.cell.String()))
		h.cell.Reset()
		h.inCell = false
	}
}

// endRow adds the open table row as a paragraph of tab-separated cells.
func (h *htmlReader) endRow() error {
	h.endCell()
	if !h.inRow {
		return nil
	}
	h.inRow = false
	cells := h.row
	h.row = h.row[:0]
	for len(cells) > 0 && cells[len(cells)-1] == "" {
		cells = cells[:len(cells)-1]
	}
	if len(cells) == 0 {
		return nil
	}
	return h.c.add(block{text: strings.Join(cells, "\t")})
}

// flush adds the open paragraph (one per line inside pre).
func (h *htmlReader) flush() error {
	text := h.text.String()
	h.text.Reset()
	if h.pre > 0 {
		for _, line := range splitLines(text) {
			if err := h.c.add(block{text: line}); err != nil {
				return err
			}
		}
		return nil
	}
	b := block{text: collapseSpace(text), centered: h.center}
	if h.heading != 0 {
		b.heading, b.title = true, h.heading == atom.H1
	}
	return h.c.add(b)
}
