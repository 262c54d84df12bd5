// Package convert extracts the text of uploaded documents (.docx, .doc,
// .pdf, .txt, .md, .html) as paragraphs. It sniffs the real format of each
// file, bounds the memory, time and output that one file may cause, and
// reports every failure as a *wengao.Error with a message in Chinese.
//
// Legacy .doc files are read by antiword and PDF files by pdftotext when
// they are installed. Without pdftotext, PDF files are read by a pure-Go
// reader that runs in a child process (the running executable started
// again, see worker.go), because a hostile PDF can drive a reader into
// unbounded recursion or allocation, which no recover can catch.
package convert

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"time"
	"unicode"

	"github.com/wengao/wengao"
)

// Limits bounds the work that one file may cause. A zero field takes the
// value of DefaultLimits.
type Limits struct {
	// MaxFileSize is the most bytes read from the upload.
	MaxFileSize int64
	// MaxUncompressed is the most bytes decompressed from a .docx archive,
	// counted as they are read (the sizes an archive declares can lie).
	MaxUncompressed int64
	// MaxZipEntries is the most entries a .docx archive may hold.
	MaxZipEntries int
	// ToolTimeout bounds each run of an external tool (antiword,
	// pdftotext, the PDF worker).
	ToolTimeout time.Duration
	// ToolMemory caps the address space of each external tool, in bytes
	// (set with the shell's ulimit -v, where there is a shell).
	ToolMemory int64
	// MaxTextBytes is the most bytes of extracted text. An external
	// tool may print eight times as much (markup, word boxes).
	MaxTextBytes int64
}

// DefaultLimits returns the limits used for uploads: 20 MB files, 200 MB
// decompressed, 2000 archive entries, 30 s and 2 GB for each external
// tool, 20 MB of text.
func DefaultLimits() Limits {
	return Limits{
		MaxFileSize:     20 << 20,
		MaxUncompressed: 200 << 20,
		MaxZipEntries:   2000,
		ToolTimeout:     30 * time.Second,
		ToolMemory:      2 << 30,
		MaxTextBytes:    20 << 20,
	}
}

// withDefaults returns l with its zero fields set from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxFileSize <= 0 {
		l.MaxFileSize = d.MaxFileSize
	}
	if l.MaxUncompressed <= 0 {
		l.MaxUncompressed = d.MaxUncompressed
	}
	if l.MaxZipEntries <= 0 {
		l.MaxZipEntries = d.MaxZipEntries
	}
	if l.ToolTimeout <= 0 {
		l.ToolTimeout = d.ToolTimeout
	}
	if l.ToolMemory <= 0 {
		l.ToolMemory = d.ToolMemory
	}
	if l.MaxTextBytes <= 0 {
		l.MaxTextBytes = d.MaxTextBytes
	}
	return l
}

// Formats of Result.Format.
const (
	FormatDocx = "docx"
	FormatDoc  = "doc"
	FormatPDF  = "pdf"
	FormatText = "txt"
	FormatMD   = "md"
	FormatHTML = "html"
)

// Tools of Result.Tool.
const (
	ToolGo        = "go"
	ToolAntiword  = "antiword"
	ToolPdftotext = "pdftotext"
)

// Result is the text of a converted file.
type Result struct {
	// Format is the format the content was read as: "docx", "doc", "pdf",
	// "txt", "md" or "html".
	Format string
	// Title is a best guess at the document's title (a title or first
	// heading paragraph); it may be "".
	Title string
	// Paragraphs holds the body paragraphs in reading order. A table row
	// is one paragraph with its cells separated by a tab. Footnotes and
	// endnotes follow the body, after a paragraph "注释：", each as
	// "[n] text", with "[n]" marking its place in the body.
	Paragraphs []string
	// Headings holds the indexes into Paragraphs of the paragraphs that
	// were headings in the source: Word heading and title styles or
	// outline levels, HTML h1–h6, Markdown # lines.
	Headings []int
	// Tool says what extracted the text: "antiword", "pdftotext" or "go".
	Tool string
}

// Convert reads a file from r, sniffs its format from its content (name's
// extension only tells .md from .txt and an HTML fragment from text: a
// .docx that is really a PDF is read as a PDF, and an executable renamed
// .docx is refused), and extracts its text.
//
// Every error is a *wengao.Error with a message for the user: EINVALID for
// an empty, unsupported, malformed, encrypted or scanned file, ETOOLARGE
// for a file, archive, structure or text over the limits or a tool that
// timed out, EUNAVAILABLE when a needed tool is missing or ctx ended, and
// EINTERNAL when the server itself fails (no temporary file, a tool that
// cannot start).
func Convert(ctx context.Context, name string, r io.Reader, lim Limits) (res *Result, err error) {
	lim = lim.withDefaults()
	data, err := readUpload(r, lim.MaxFileSize)
	if err != nil {
		return nil, err
	}
	defer func() {
		if !catchPanics {
			return
		}
		if p := recover(); p != nil {
			res, err = nil, errCorrupt()
		}
	}()
	res, err = convertBytes(ctx, name, data, lim)
	if err != nil {
		return nil, asDomainError(ctx, err)
	}
	return res, nil
}

// catchPanics turns a panic in a parser into an error; fuzz tests turn it
// off so that panics are found.
var catchPanics = true

// readUpload reads at most limit bytes of r; more is ETOOLARGE.
func readUpload(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, errorf(wengao.EINVALID, msgReadFailed)
	}
	if int64(len(data)) > limit {
		return nil, errorf(wengao.ETOOLARGE, msgFileTooLarge, wengao.FormatSize(limit))
	}
	return data, nil
}

// asDomainError makes sure that err is a *wengao.Error: what is not
// already one is a failure of the server (a temporary file that cannot be
// written, a tool that cannot be started).
func asDomainError(ctx context.Context, err error) error {
	var e *wengao.Error
	if errors.As(err, &e) {
		return e
	}
	if ctx.Err() != nil {
		return errorf(wengao.EUNAVAILABLE, msgCanceled)
	}
	return errorf(wengao.EINTERNAL, msgInternal)
}

// convertBytes dispatches on the sniffed format.
func convertBytes(ctx context.Context, name string, data []byte, lim Limits) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, errorf(wengao.EUNAVAILABLE, msgCanceled)
	}
	kind, err := sniff(name, data)
	if err != nil {
		return nil, err
	}
	switch kind {
	case FormatPDF:
		return convertPDF(ctx, data, lim)
	case FormatDocx:
		return convertDocx(data, lim)
	case FormatDoc:
		return convertDoc(ctx, data, lim)
	}
	text, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	switch {
	case looksLikeHTML(text, name):
		return convertHTML(text, lim)
	case looksLikeForeignXML(text):
		return nil, errorf(wengao.EINVALID, msgWordXML)
	case hasExt(name, ".md", ".markdown"):
		return convertMarkdown(text, lim)
	}
	return convertText(text, lim)
}

// hasExt reports whether name ends with one of exts, ignoring case.
func hasExt(name string, exts ...string) bool {
	lower := strings.ToLower(name)
	for _, e := range exts {
		if strings.HasSuffix(lower, e) {
			return true
		}
	}
	return false
}

// looksLikeHTML reports whether text is an HTML document: it starts with a
// doctype or an <html> tag, or the file is named .html/.htm and starts with
// a tag.
func looksLikeHTML(text, name string) bool {
	head := strings.ToLower(strings.TrimLeft(firstBytes(text, 1024), " \t\r\n\ufeff"))
	for strings.HasPrefix(head, "<!--") {
		end := strings.Index(head, "-->")
		if end < 0 {
			break
		}
		head = strings.TrimLeft(head[end+3:], " \t\r\n")
	}
	if strings.HasPrefix(head, "<?xml") {
		return strings.Contains(head, "<html")
	}
	if strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html") {
		return true
	}
	return hasExt(name, ".html", ".htm", ".xhtml") && strings.HasPrefix(head, "<")
}

// looksLikeForeignXML reports whether text is an XML document other than
// HTML (such as Word 2003 XML), which we do not read as text.
func looksLikeForeignXML(text string) bool {
	head := strings.TrimLeft(firstBytes(text, 256), " \t\r\n\ufeff")
	return strings.HasPrefix(head, "<?xml")
}

// firstBytes returns at most the first n bytes of s.
func firstBytes(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// block is one paragraph as a parser found it, before Result is built.
type block struct {
	text     string
	heading  bool // a heading in the source
	title    bool // a title paragraph (Word's Title style, HTML h1)
	centered bool // centred or otherwise set apart, a hint for the title
	bold     bool // wholly bold, a hint for the title
}

// collector gathers blocks and footnotes, enforcing the text limit.
type collector struct {
	blocks []block
	notes  []string
	size   int64
	max    int64
}

// add appends b unless its text is empty after cleaning.
func (c *collector) add(b block) error {
	b.text = cleanParagraph(b.text)
	if b.text == "" {
		return nil
	}
	c.size += int64(len(b.text))
	if c.size > c.max {
		return errTextTooLarge(c.max)
	}
	c.blocks = append(c.blocks, b)
	return nil
}

// addNote appends a footnote or endnote text, numbered by the caller.
func (c *collector) addNote(text string) error {
	c.size += int64(len(text))
	if c.size > c.max {
		return errTextTooLarge(c.max)
	}
	c.notes = append(c.notes, text)
	return nil
}

// result builds the Result; metaTitle is a title from the file's metadata,
// used when the text offers none.
func (c *collector) result(format, tool, metaTitle string) (*Result, error) {
	if len(c.blocks) == 0 {
		return nil, errorf(wengao.EINVALID, msgNoText)
	}
	res := &Result{Format: format, Tool: tool, Paragraphs: make([]string, 0, len(c.blocks)+len(c.notes)+1)}
	for i, b := range c.blocks {
		if b.heading || b.title {
			res.Headings = append(res.Headings, i)
		}
		res.Paragraphs = append(res.Paragraphs, b.text)
	}
	if len(c.notes) > 0 {
		res.Paragraphs = append(res.Paragraphs, "注释：")
		res.Paragraphs = append(res.Paragraphs, c.notes...)
	}
	res.Title = guessTitle(c.blocks)
	if res.Title == "" {
		res.Title = titleLike(cleanParagraph(metaTitle))
	}
	return res, nil
}

// cleanParagraph trims white space (U+3000 included, but not the tabs
// that stand for empty leading table cells), drops zero-width and control
// characters and turns no-break spaces into spaces.
func cleanParagraph(s string) string {
	if strings.ContainsFunc(s, isJunkRune) {
		var b strings.Builder
		b.Grow(len(s))
		for _, r := range s {
			switch {
			case r == '\u00a0':
				b.WriteByte(' ')
			case isJunkRune(r):
			default:
				b.WriteRune(r)
			}
		}
		s = b.String()
	}
	if strings.TrimSpace(s) == "" {
		return ""
	}
	s = strings.TrimRightFunc(s, unicode.IsSpace)
	return strings.TrimLeftFunc(s, func(r rune) bool { return r != '\t' && unicode.IsSpace(r) })
}

// isJunkRune reports runes that cleanParagraph removes or replaces.
func isJunkRune(r rune) bool {
	switch {
	case r == '\t':
		return false
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0, r == '\u00a0':
		return true
	case r == '\u200b', r == '\u200c', r == '\u200d', r == '\u2060', r == '\ufeff', r == '\ufffd':
		return true
	}
	return false
}

// bytesHasPrefixAt reports whether data has prefix at offset off.
func bytesHasPrefixAt(data []byte, off int, prefix string) bool {
	return len(data) >= off+len(prefix) && bytes.Equal(data[off:off+len(prefix)], []byte(prefix))
}
