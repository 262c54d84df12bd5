package convert

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"

	"github.com/wengao/wengao"
)

// convertDoc reads a Word 97–2003 document with antiword. Its DocBook
// output (-x db) keeps tables as rows and cells, which the text output
// wraps into columns; the text output (-w 0, no wrapping) is the fallback
// for DocBook that does not parse.
func convertDoc(ctx context.Context, data []byte, lim Limits) (*Result, error) {
	path, err := exec.LookPath("antiword")
	if err != nil {
		return nil, errorf(wengao.EUNAVAILABLE, msgNoAntiword)
	}
	file, err := writeTemp(data, "wengao-convert-*.doc")
	if err != nil {
		return nil, err
	}
	defer os.Remove(file)
	out, err := runAntiword(ctx, path, lim, "-x", "db", file)
	if err != nil {
		return nil, err
	}
	c := &collector{max: lim.MaxTextBytes}
	err = parseDocBook(bytes.NewReader(out), c)
	if wengao.ErrorCode(err) != wengao.EINVALID {
		if err != nil {
			return nil, err
		}
		return c.result(FormatDoc, ToolAntiword, "")
	}
	out, err = runAntiword(ctx, path, lim, "-m", "UTF-8.txt", "-w", "0", file)
	if err != nil {
		return nil, err
	}
	return antiwordText(string(out), lim)
}

// runAntiword runs antiword and maps its complaints to messages.
func runAntiword(ctx context.Context, path string, lim Limits, args ...string) ([]byte, error) {
	var out []byte
	t := tool{path: path, args: args, env: toolEnv(os.TempDir()), limitMem: true}
	err := runTool(ctx, lim, t, func(r io.Reader) error {
		var err error
		out, err = io.ReadAll(r)
		return err
	})
	var te *toolError
	if errors.As(err, &te) {
		return nil, antiwordError(te.stderr)
	}
	return out, err
}

// antiwordError maps the standard error of a failed antiword run.
func antiwordError(stderr string) error {
	switch {
	case strings.Contains(stderr, "Encrypted"):
		return errorf(wengao.EINVALID, msgEncrypted)
	case strings.Contains(stderr, "not supported"), strings.Contains(stderr, "before Word 6"):
		return errorf(wengao.EINVALID, msgDocVersion)
	}
	return errCorrupt()
}

// antiwordText reads antiword's plain text output: a paragraph per line,
// table rows "|a|b|" as tab-separated cells.
func antiwordText(out string, lim Limits) (*Result, error) {
	c := &collector{max: lim.MaxTextBytes}
	for _, line := range splitLines(out) {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "|") && strings.HasSuffix(line, "|") {
			cells := strings.Split(strings.Trim(line, "|"), "|")
			for i := range cells {
				cells[i] = strings.TrimSpace(cells[i])
			}
			line = strings.Join(cells, "\t")
		}
		if err := c.add(block{text: line}); err != nil {
			return nil, err
		}
	}
	return c.result(FormatDoc, ToolAntiword, "")
}

// docbookParser turns antiword's DocBook into blocks.
type docbookParser struct {
	c      *collector
	skip   int
	titles int // depth inside a chapter or section title
	paras  int // depth inside para elements outside tables and notes
	text   strings.Builder
	bold   int // depth inside bold emphasis
	boldN  int // bytes of text in bold
	entry  int // depth inside table entries
	cell   strings.Builder
	cells  []string
	note   int // depth inside footnotes
	noteB  strings.Builder
	notes  int // footnotes so far
}

// parseDocBook streams antiword's DocBook output into c.
func parseDocBook(r io.Reader, c *collector) error {
	p := &docbookParser{c: c}
	return walkXML(r, func(tok xml.Token) error {
		switch t := tok.(type) {
		case xml.StartElement:
			return p.start(t)
		case xml.EndElement:
			return p.end(t)
		case xml.CharData:
			p.chars(string(t))
		}
		return nil
	})
}

func (p *docbookParser) start(el xml.StartElement) error {
	if p.skip > 0 || el.Name.Local == "bookinfo" {
		p.skip++
		return nil
	}
	switch el.Name.Local {
	case "title":
		if p.entry == 0 && p.note == 0 {
			p.titles++
			return p.flush()
		}
	case "para":
		if p.entry > 0 {
			p.cell.WriteByte(' ')
		} else if p.note == 0 {
			p.paras++
			return p.flush()
		}
	case "informaltable", "table":
		return p.flush()
	case "row":
		p.cells = p.cells[:0]
	case "entry":
		p.entry++
		p.cell.Reset()
	case "footnote":
		p.notes++
		p.target().WriteString(fmt.Sprintf("[%d]", p.notes))
		p.note++
		p.noteB.Reset()
	case "emphasis":
		if attr(el, "role") == "bold" {
			p.bold++
		}
	}
	return nil
}

func (p *docbookParser) end(el xml.EndElement) error {
	if p.skip > 0 {
		p.skip--
		return nil
	}
	switch el.Name.Local {
	case "title":
		if p.titles > 0 && p.entry == 0 && p.note == 0 {
			p.titles--
			text := collapseSpace(p.text.String())
			p.text.Reset()
			p.boldN = 0
			return p.c.add(block{text: text, heading: true})
		}
	case "para":
		if p.entry == 0 && p.note == 0 && p.paras > 0 {
			p.paras--
			return p.flush()
		}
	case "entry":
		if p.entry > 0 {
			p.entry--
			p.cells = append(p.cells, collapseSpace(p.cell.String()))
		}
	case "row":
		cells := p.cells
		for len(cells) > 0 && cells[len(cells)-1] == "" {
			cells = cells[:len(cells)-1]
		}
		if len(cells) > 0 {
			return p.c.add(block{text: strings.Join(cells, "\t")})
		}
	case "footnote":
		if p.note > 0 {
			p.note--
			return p.c.addNote(fmt.Sprintf("[%d] %s", p.notes, cleanParagraph(collapseSpace(p.noteB.String()))))
		}
	case "emphasis":
		if p.bold > 0 {
			p.bold--
		}
	}
	return nil
}

// target is where text goes now.
func (p *docbookParser) target() *strings.Builder {
	switch {
	case p.note > 0:
		return &p.noteB
	case p.entry > 0:
		return &p.cell
	}
	return &p.text
}

func (p *docbookParser) chars(s string) {
	if p.skip > 0 || p.note == 0 && p.entry == 0 && p.titles == 0 && p.paras == 0 {
		return
	}
	t := p.target()
	if t == &p.text && p.bold > 0 {
		p.boldN += len(strings.TrimSpace(s))
	}
	t.WriteString(s)
}

// flush adds the paragraph text gathered so far, split where antiword
// dropped a line break.
func (p *docbookParser) flush() error {
	text := p.text.String()
	p.text.Reset()
	bold := p.boldN > 0 && p.boldN >= len(strings.TrimSpace(text))*9/10
	p.boldN = 0
	for _, part := range splitLostBreaks(text) {
		if err := p.c.add(block{text: collapseSpace(part), bold: bold}); err != nil {
			return err
		}
	}
	return nil
}

// lostBreak matches the run of spaces that antiword leaves where a line
// break (Word's vertical tab) and the next line's indent were.
var lostBreak = regexp.MustCompile(`[ \x{3000}]{2,}`)

// splitLostBreaks splits text at runs of spaces that follow the end of a
// sentence or precede a heading number: "说明：    一、本目录…".
func splitLostBreaks(text string) []string {
	text = strings.TrimSpace(strings.ReplaceAll(text, "\n", " "))
	var parts []string
	last := 0
	for _, m := range lostBreak.FindAllStringIndex(text, -1) {
		left, right := text[last:m[0]], text[m[1]:]
		if strings.TrimSpace(left) != "" && (endsSentence(left) || startsWithMarker(right)) {
			parts = append(parts, left)
			last = m[1]
		}
	}
	return append(parts, text[last:])
}
