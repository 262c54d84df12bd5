package chinese

import (
	"strings"
	"unicode"
)

// HeadingKind is a kind of 公文 numbering marker. The kinds are declared in
// their nesting order (see Outline), 第X条 last.
type HeadingKind = outlineKind

// The kinds of numbering markers.
const (
	HeadingBian        = kindBian        // 第X编
	HeadingFenbian     = kindFenbian     // 第X分编
	HeadingZhang       = kindZhang       // 第X章
	HeadingJie         = kindJie         // 第X节
	HeadingHanComma    = kindHanComma    // 一、
	HeadingHanParen    = kindHanParen    // （一）
	HeadingArabicDot   = kindArabicDot   // 1. 1． 1、
	HeadingArabicParen = kindArabicParen // （1）
	HeadingCircled     = kindCircled     // ①
	HeadingTiao        = kindTiao        // 第X条
	NumHeadingKinds    = numOutlineKinds
)

// ChapterLike reports whether k is one of the 编/分编/章/节 kinds.
func (k outlineKind) ChapterLike() bool { return k.chapterLike() }

// A Marker is a numbering marker at the start of a paragraph, such as
// "一、", "（二）", "3." or "第四条".
type Marker struct {
	Kind HeadingKind
	// N is the number of the marker (2 for "（二）").
	N int
	// Text is the marker as written: "（二）", "(2)", "3．", "第四章".
	Text string
	// Paragraph is the index of the paragraph; Offset is the byte offset
	// of the marker in it (after leading white space).
	Paragraph int
	Offset    int
	// HasText is set when a heading text follows the marker (for a
	// 第X章 alone on its line, when a short title line follows it).
	HasText bool
}

// Markers returns the numbering markers that start paragraphs, in order,
// as Outline recognises them but without judging their numbering: every
// marker is listed, whether its number follows the previous one or not.
// The entries of a table of contents are left out. Use it to check a
// document's numbering; use Outline to show its structure.
func Markers(paragraphs []string) []Marker {
	cands := scanOutline(paragraphs)
	out := make([]Marker, 0, len(cands))
	for _, c := range cands {
		p := paragraphs[c.para]
		offset := len(p) - len(strings.TrimLeftFunc(p, func(r rune) bool { return unicode.IsSpace(r) || r == '\uFEFF' }))
		out = append(out, Marker{
			Kind:      c.kind,
			N:         c.n,
			Text:      c.marker,
			Paragraph: c.para,
			Offset:    offset,
			HasText:   c.hasText,
		})
	}
	return out
}

// ParseHanNumber reads a Chinese numeral at the start of s ("三", "十二",
// "一百零三") and returns its value and the bytes read; size is 0 when s
// does not start with one.
func ParseHanNumber(s string) (n, size int) { return parseHanNumber(s) }
