package convert

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// isWide reports whether r is a Han character or full-width punctuation:
// text where no space separates words.
func isWide(r rune) bool {
	switch {
	case unicode.Is(unicode.Han, r):
		return true
	case r >= 0x3000 && r <= 0x303f: // CJK punctuation
		return true
	case r >= 0xff00 && r <= 0xffef: // full-width forms
		return true
	case r >= 0x2018 && r <= 0x201d, r == 0x2026, r == 0x2014, r == 0x00b7: // quotes, …, —, ·
		return true
	case unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Hangul, unicode.Bopomofo):
		return true
	}
	return false
}

// joinLines joins the lines of one paragraph: with nothing between two
// wide characters, with a space otherwise.
func joinLines(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		appendJoined(&b, l)
	}
	return b.String()
}

// appendJoined appends s to b as the next line of the same paragraph.
func appendJoined(b *strings.Builder, s string) {
	if b.Len() > 0 {
		last, _ := utf8.DecodeLastRuneInString(b.String())
		first, _ := utf8.DecodeRuneInString(s)
		if !(isWide(last) || isWide(first)) && !unicode.IsSpace(last) {
			b.WriteByte(' ')
		}
	}
	b.WriteString(s)
}

// collapseSpace collapses each run of white space to one space, or to
// nothing when it stands between two wide characters or at either end: as
// a browser renders HTML, but without the spaces that line breaks put
// between Chinese characters. A run with a no-break space always gives a
// space.
func collapseSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	pending, hard := false, false
	var last rune
	for _, r := range s {
		if r == '\u00a0' || unicode.IsSpace(r) && r != '\u3000' {
			pending = b.Len() > 0
			hard = hard || r == '\u00a0'
			continue
		}
		if pending && (hard || !(isWide(last) && isWide(r))) {
			b.WriteByte(' ')
		}
		pending, hard = false, false
		b.WriteRune(r)
		last = r
	}
	return b.String()
}

// headingMarker matches the numbering that starts a heading or a list item
// in Chinese official writing: 第一章, 一、, （一）, 1. 1、, （1）, ①.
var headingMarker = regexp.MustCompile(`^[\s\x{3000}]*(?:第[一二三四五六七八九十百千零〇两\d]+[编章节条部篇款]|[一二三四五六七八九十]+[、．.]|[（(][一二三四五六七八九十]+[）)]|\d{1,3}(?:[、．]|\.[^\d])|[（(]\d{1,3}[）)]|[\x{2460}-\x{2473}\x{2776}-\x{277f}])`)

// startsWithMarker reports whether s starts with a heading marker.
func startsWithMarker(s string) bool { return headingMarker.MatchString(s) }

// endsSentence reports whether s ends with sentence-final punctuation,
// possibly followed by a closing quote or bracket.
func endsSentence(s string) bool {
	s = strings.TrimRightFunc(s, unicode.IsSpace)
	s = strings.TrimRight(s, "”’」』）)\"'")
	r, _ := utf8.DecodeLastRuneInString(s)
	switch r {
	case '。', '！', '？', '：', '；', '…', '!', '?', ':', ';':
		return true
	}
	return false
}

// attachmentMarker matches paragraphs such as "附件1", "附件：", "大纲3"
// that precede a title without being one.
var attachmentMarker = regexp.MustCompile(`^(?:附件|附表|附录|附|大纲|件)\s*[\d一二三四五六七八九十]*\s*[:：]?$`)

// titleMaxRunes is the longest a title paragraph may be.
const titleMaxRunes = 80

// titleLike returns s when it could be a title: short enough and not
// ending like a sentence in the middle of a text; else "".
func titleLike(s string) string {
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	if n < 2 || n > titleMaxRunes || strings.Contains(s, "\t") {
		return ""
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	switch r {
	case '，', '、', '；', '：', ',', ';', ':':
		return ""
	}
	if strings.HasSuffix(s, "。") && n > 30 {
		return ""
	}
	return s
}

// guessTitle picks the title among the first blocks: a title paragraph,
// else the first run of centred or bold short paragraphs (a title set on
// several lines), else the first heading, else a first short paragraph.
func guessTitle(blocks []block) string {
	const look = 8
	head := blocks[:min(len(blocks), look)]
	for i, b := range head {
		if b.title && titleLike(b.text) != "" {
			return joinRun(head[i:], func(b block) bool { return b.title })
		}
	}
	for i, b := range head {
		if attachmentMarker.MatchString(b.text) {
			continue
		}
		if (b.centered || b.bold) && titleLike(b.text) != "" && !startsWithMarker(b.text) {
			return joinRun(head[i:], func(n block) bool {
				return n.centered == b.centered && n.bold == b.bold && n.heading == b.heading
			})
		}
		if len([]rune(b.text)) > titleMaxRunes {
			break
		}
	}
	for _, b := range head {
		if b.heading && !attachmentMarker.MatchString(b.text) && titleLike(b.text) != "" {
			return b.text
		}
	}
	seen := 0
	for _, b := range head {
		if attachmentMarker.MatchString(b.text) {
			continue
		}
		if seen++; seen > 2 {
			break
		}
		if t := titleLike(b.text); t != "" && !startsWithMarker(t) && !endsSentence(t) {
			return t
		}
	}
	return ""
}

// joinRun joins the text of the leading blocks that satisfy same (at most
// four, within the title length), a title set on several lines.
func joinRun(blocks []block, same func(block) bool) string {
	var parts []string
	n := 0
	for _, b := range blocks {
		if len(parts) == 4 || !same(b) || titleLike(b.text) == "" {
			break
		}
		n += utf8.RuneCountInString(b.text)
		if n > titleMaxRunes && len(parts) > 0 {
			break
		}
		parts = append(parts, b.text)
	}
	return joinLines(parts)
}
