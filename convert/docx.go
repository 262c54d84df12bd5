package convert

import (
	"archive/zip"
	"encoding/xml"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/wengao/wengao"
)

// XML namespaces of Office Open XML documents.
const (
	nsWord       = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsWordStrict = "http://purl.oclc.org/ooxml/wordprocessingml/main"
	nsMarkupComp = "http://schemas.openxmlformats.org/markup-compatibility/2006"
	nsDublinCore = "http://purl.org/dc/elements/1.1/"
)

// convertDocx reads a Word 2007+ document: the paragraphs and tables of
// its main part, then its footnotes and endnotes.
func convertDocx(data []byte, lim Limits) (*Result, error) {
	zr, err := openZip(data, lim.MaxZipEntries)
	if err != nil {
		return nil, err
	}
	zb := &zipBudget{left: lim.MaxUncompressed}
	mainName, err := docxMainPart(zr, zb)
	if err != nil {
		return nil, err
	}
	main := findZipFile(zr, mainName)
	if main == nil {
		return nil, notDocxError(zr)
	}
	dir := path.Dir(mainName)
	styles, err := readDocxStyles(zr, zb, path.Join(dir, "styles.xml"))
	if err = optionalPart(err); err != nil {
		return nil, err
	}
	p := &docxParser{c: &collector{max: lim.MaxTextBytes}, styles: styles, notes: map[string]string{}}
	if err := p.parsePart(zb, main, false); err != nil {
		return nil, err
	}
	for _, name := range []string{"footnotes.xml", "endnotes.xml"} {
		if f := findZipFile(zr, path.Join(dir, name)); f != nil && len(p.refs) > 0 {
			if err := optionalPart(p.parsePart(zb, f, true)); err != nil {
				return nil, err
			}
		}
	}
	if err := p.addNotes(); err != nil {
		return nil, err
	}
	title, err := readCoreTitle(zr, zb)
	if err = optionalPart(err); err != nil {
		return nil, err
	}
	return p.c.result(FormatDocx, ToolGo, title)
}

// optionalPart ignores a malformed optional part (styles, notes,
// properties): the text can be read without it. Limits still apply.
func optionalPart(err error) error {
	if wengao.ErrorCode(err) == wengao.EINVALID {
		return nil
	}
	return err
}

// walkZipXML streams the XML of one archive entry to visit.
func walkZipXML(zb *zipBudget, f *zip.File, visit func(xml.Token) error) error {
	rc, err := zb.open(f)
	if err != nil {
		return err
	}
	defer rc.Close()
	return walkXML(rc, visit)
}

// docxMainPart finds the main document part through the package
// relationships, defaulting to word/document.xml (also when they are
// malformed).
func docxMainPart(zr *zip.Reader, zb *zipBudget) (string, error) {
	const def = "word/document.xml"
	f := findZipFile(zr, "_rels/.rels")
	if f == nil {
		return def, nil
	}
	target := ""
	err := walkZipXML(zb, f, func(tok xml.Token) error {
		if el, ok := tok.(xml.StartElement); ok && el.Name.Local == "Relationship" && target == "" {
			if strings.HasSuffix(attr(el, "Type"), "/officeDocument") {
				target = attr(el, "Target")
			}
		}
		return nil
	})
	if err = optionalPart(err); err != nil {
		return "", err
	}
	target = strings.TrimPrefix(path.Clean("/"+target), "/")
	if target == "" || target == "." {
		return def, nil
	}
	return target, nil
}

// readCoreTitle returns the dc:title of docProps/core.xml, or "".
func readCoreTitle(zr *zip.Reader, zb *zipBudget) (string, error) {
	f := findZipFile(zr, "docProps/core.xml")
	if f == nil {
		return "", nil
	}
	var b strings.Builder
	in := false
	err := walkZipXML(zb, f, func(tok xml.Token) error {
		switch t := tok.(type) {
		case xml.StartElement:
			in = t.Name.Space == nsDublinCore && t.Name.Local == "title"
		case xml.EndElement:
			in = false
		case xml.CharData:
			if in && b.Len() < 1024 {
				b.Write(t)
			}
		}
		return nil
	})
	return b.String(), err
}

// docxStyle is what we need of one paragraph style.
type docxStyle struct {
	name    string
	basedOn string
	outline int // outline level 0–8, or -1
}

// docxStyles maps style ids to paragraph styles.
type docxStyles map[string]docxStyle

var (
	headingStyleName = regexp.MustCompile(`^(?:heading|标题)\s*\d*$|^heading\b`)
	titleStyleName   = regexp.MustCompile(`^(?:title|标题)$`)
)

// readDocxStyles reads the paragraph styles of styles.xml; a missing part
// gives no styles.
func readDocxStyles(zr *zip.Reader, zb *zipBudget, name string) (docxStyles, error) {
	styles := docxStyles{}
	f := findZipFile(zr, name)
	if f == nil {
		return styles, nil
	}
	var id string
	var cur docxStyle
	var parents []string
	err := walkZipXML(zb, f, func(tok xml.Token) error {
		switch t := tok.(type) {
		case xml.StartElement:
			parent := ""
			if len(parents) > 0 {
				parent = parents[len(parents)-1]
			}
			parents = append(parents, t.Name.Local)
			switch t.Name.Local {
			case "style":
				id, cur = "", docxStyle{outline: -1}
				if attr(t, "type") == "paragraph" || attr(t, "type") == "" {
					id = attr(t, "styleId")
				}
			case "name":
				if parent == "style" {
					cur.name = attr(t, "val")
				}
			case "basedOn":
				cur.basedOn = attr(t, "val")
			case "outlineLvl":
				if parent == "pPr" {
					cur.outline = outlineLevel(attr(t, "val"))
				}
			}
		case xml.EndElement:
			parents = parents[:len(parents)-1]
			if t.Name.Local == "style" && id != "" {
				styles[id] = cur
				id = ""
			}
		}
		return nil
	})
	return styles, err
}

// outlineLevel parses a w:outlineLvl value: 0–8 are headings, anything
// else (9 is body text) is -1.
func outlineLevel(v string) int {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 8 {
		return -1
	}
	return n
}

// kind tells whether the style id is a heading or a title style, following
// basedOn links.
func (s docxStyles) kind(id string) (heading, title bool) {
	for range 10 {
		if id == "" {
			return
		}
		st, ok := s[id]
		name := strings.ToLower(strings.TrimSpace(st.name))
		if !ok || name == "" {
			name = strings.ToLower(id)
		}
		switch {
		case titleStyleName.MatchString(name):
			return false, true
		case headingStyleName.MatchString(name), st.outline >= 0:
			return true, false
		}
		id = st.basedOn
	}
	return
}

// docxParser turns the WordprocessingML of a main part and its notes into
// blocks.
type docxParser struct {
	c      *collector
	styles docxStyles
	stack  []string // local names of the open elements ("" outside WordprocessingML)
	skip   int      // depth inside a subtree being skipped
	inText bool
	paras  []*docxPara
	tables []*docxTable

	notesMode bool
	noteKey   string            // key of the note being read
	note      []string          // its paragraphs
	notes     map[string]string // "footnote:2" → text
	refs      []string          // note keys in order of reference
}

// docxPara is an open paragraph.
type docxPara struct {
	b        strings.Builder
	style    string
	outline  int
	centered bool
}

// docxTable is an open table.
type docxTable struct {
	cells  []string
	cell   []string
	inCell bool
}

// parsePart streams one part (the main document, or a notes part).
func (p *docxParser) parsePart(zb *zipBudget, f *zip.File, notes bool) error {
	p.notesMode = notes
	p.stack, p.paras, p.tables, p.skip, p.inText = p.stack[:0], nil, nil, 0, false
	return walkZipXML(zb, f, func(tok xml.Token) error {
		switch t := tok.(type) {
		case xml.StartElement:
			return p.start(t)
		case xml.EndElement:
			return p.end(t)
		case xml.CharData:
			if p.skip == 0 && p.inText && len(p.paras) > 0 {
				p.paras[len(p.paras)-1].b.Write(t)
			}
		}
		return nil
	})
}

// isWordNS reports whether space is a WordprocessingML namespace.
func isWordNS(space string) bool { return space == nsWord || space == nsWordStrict }

func (p *docxParser) start(el xml.StartElement) error {
	if p.skip > 0 {
		p.skip++
		return nil
	}
	if !isWordNS(el.Name.Space) {
		if el.Name.Space == nsMarkupComp && el.Name.Local == "Fallback" {
			p.skip = 1 // the same content as mc:Choice, for older readers
			return nil
		}
		p.stack = append(p.stack, "")
		return nil
	}
	local := el.Name.Local
	parent := ""
	if len(p.stack) > 0 {
		parent = p.stack[len(p.stack)-1]
	}
	para := p.para()
	switch local {
	case "del", "moveFrom":
		p.skip = 1 // tracked deletions are not part of the text
		return nil
	case "footnote", "endnote":
		if p.notesMode {
			switch attr(el, "type") {
			case "separator", "continuationSeparator", "continuationNotice":
				p.skip = 1
				return nil
			}
			p.noteKey, p.note = local+":"+attr(el, "id"), nil
		}
	case "p":
		p.paras = append(p.paras, &docxPara{outline: -1})
	case "pStyle":
		if parent == "pPr" && para != nil {
			para.style = attr(el, "val")
		}
	case "outlineLvl":
		if parent == "pPr" && para != nil {
			para.outline = outlineLevel(attr(el, "val"))
		}
	case "jc":
		if parent == "pPr" && para != nil {
			para.centered = attr(el, "val") == "center"
		}
	case "t":
		p.inText = parent == "r"
	case "tab", "ptab":
		if parent == "r" && para != nil {
			para.b.WriteByte(' ')
		}
	case "br", "cr":
		if parent == "r" && para != nil {
			para.b.WriteByte('\n')
		}
	case "noBreakHyphen":
		if para != nil {
			para.b.WriteByte('-')
		}
	case "footnoteReference", "endnoteReference":
		if para != nil && !p.notesMode {
			kind := strings.TrimSuffix(local, "Reference")
			p.refs = append(p.refs, kind+":"+attr(el, "id"))
			fmt.Fprintf(&para.b, "[%d]", len(p.refs))
		}
	case "tbl":
		p.tables = append(p.tables, &docxTable{})
	case "tr":
		if t := p.table(); t != nil {
			t.cells = t.cells[:0]
		}
	case "tc":
		if t := p.table(); t != nil {
			t.cell, t.inCell = nil, true
		}
	}
	p.stack = append(p.stack, local)
	return nil
}

func (p *docxParser) end(el xml.EndElement) error {
	if p.skip > 0 {
		p.skip--
		return nil
	}
	if len(p.stack) > 0 {
		p.stack = p.stack[:len(p.stack)-1]
	}
	if !isWordNS(el.Name.Space) {
		return nil
	}
	switch el.Name.Local {
	case "t":
		p.inText = false
	case "p":
		if len(p.paras) == 0 {
			return nil
		}
		para := p.paras[len(p.paras)-1]
		p.paras = p.paras[:len(p.paras)-1]
		return p.endPara(para)
	case "tc":
		if t := p.table(); t != nil && t.inCell {
			t.cells = append(t.cells, strings.TrimSpace(strings.Join(t.cell, " ")))
			t.inCell = false
		}
	case "tr":
		if t := p.table(); t != nil {
			return p.emitRow(t.cells)
		}
	case "tbl":
		if len(p.tables) > 0 {
			p.tables = p.tables[:len(p.tables)-1]
		}
	case "footnote", "endnote":
		if p.notesMode && p.noteKey != "" {
			p.notes[p.noteKey] = strings.Join(p.note, " ")
			p.noteKey = ""
		}
	}
	return nil
}

// para returns the innermost open paragraph, or nil.
func (p *docxParser) para() *docxPara {
	if len(p.paras) == 0 {
		return nil
	}
	return p.paras[len(p.paras)-1]
}

// table returns the innermost open table, or nil.
func (p *docxParser) table() *docxTable {
	if len(p.tables) == 0 {
		return nil
	}
	return p.tables[len(p.tables)-1]
}

// endPara puts a finished paragraph where it belongs: into a table cell,
// a note, or the body (split at line breaks, except for headings).
func (p *docxParser) endPara(para *docxPara) error {
	text := para.b.String()
	if t := p.table(); t != nil && t.inCell {
		t.cell = append(t.cell, collapseSpace(text))
		return nil
	}
	if p.notesMode {
		if p.noteKey != "" {
			p.note = append(p.note, collapseSpace(text))
		}
		return nil
	}
	heading, title := p.styles.kind(para.style)
	heading = heading || para.outline >= 0
	if heading || title {
		return p.c.add(block{text: collapseSpace(text), heading: heading, title: title, centered: para.centered})
	}
	for _, line := range strings.Split(text, "\n") {
		if err := p.c.add(block{text: line, centered: para.centered}); err != nil {
			return err
		}
	}
	return nil
}

// emitRow adds a table row as one paragraph of tab-separated cells, or
// into the enclosing cell for a nested table.
func (p *docxParser) emitRow(cells []string) error {
	for len(cells) > 0 && cells[len(cells)-1] == "" {
		cells = cells[:len(cells)-1]
	}
	if len(cells) == 0 {
		return nil
	}
	row := strings.Join(cells, "\t")
	if len(p.tables) > 1 {
		if outer := p.tables[len(p.tables)-2]; outer.inCell {
			outer.cell = append(outer.cell, strings.ReplaceAll(row, "\t", " "))
			return nil
		}
	}
	if p.notesMode {
		if p.noteKey != "" {
			p.note = append(p.note, row)
		}
		return nil
	}
	return p.c.add(block{text: row})
}

// addNotes appends the referenced notes in the order of their references.
func (p *docxParser) addNotes() error {
	for i, key := range p.refs {
		text, ok := p.notes[key]
		if !ok {
			continue
		}
		text = cleanParagraph(text)
		if err := p.c.addNote(fmt.Sprintf("[%d] %s", i+1, text)); err != nil {
			return err
		}
	}
	return nil
}
