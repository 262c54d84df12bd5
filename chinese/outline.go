package chinese

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wengao/wengao"
)

// The 公文 outline. A heading is a paragraph that starts with one of the
// numbering markers below (after leading white space, U+3000 included).
// The kinds nest in the fixed order of 公文 numbering:
//
//	第X编 > 第X分编 > 第X章 > 第X节 > 一、 > （一） > 1. > （1） > ① (> 第X条)
//
// Levels are relative: an item's level is one more than that of the
// nearest preceding item of an outer kind, or 1 when there is none. So the
// outermost kind present is level 1 and, in a regular document, each next
// kind present is one level deeper; where a part skips a kind (a 编 of the
// 民法典 without 分编) its chapters are still one level below it, so that
// no level is ever left empty.
//
// Rules that keep body text out of the outline:
//
//   - A marker must be followed by text. 第X编/分编/章/节 must be followed
//     by white space (or be a short heading line); when such a paragraph
//     holds only the marker, a short following paragraph is its text.
//     第X条 must be followed by white space. An Arabic number must not be
//     followed by another digit ("1.5亿", "2024.1" are not headings).
//   - Numbering must be plausible: an item numbered n is kept when n is 1
//     (a new list) or follows the previous item of its kind by a step of
//     1 to 3 (tolerating a missed paragraph); otherwise it is dropped.
//   - Arabic (1.), parenthesised Arabic ((1)) and circled (①) items are
//     dropped when their list has only one item; circled items that look
//     like footnotes (a book title and a page number) are dropped.
//   - A document with articles (two or more 第X条) is a law: its
//     enumerations （一）, 1., （1） and ① are items of articles, not
//     headings, and are left out.
//   - Articles (第X条) themselves are only listed when nothing else is
//     found: a law's outline is its 编/章/节 (or its 一、 parts), and an
//     outline of hundreds of articles would be useless. A short law without
//     chapters gets its articles as the outline.
//   - The entries of a table of contents (the chapter-like markers that
//     follow a 目录 paragraph, up to the first marker that repeats one of
//     them, where the body begins) are skipped.
//
// The heading text is the paragraph after its marker, cut at the first
// sentence end (。！？；： outside brackets and quotes) so that run-in
// headings ("（一）加强组织领导。各地要…") give only their heading, and
// capped at outlineTextMax runes with "…". White space between Han
// characters is removed ("总　则" gives "总则").

// outlineTextMax is the longest heading text, in runes, before "…".
const outlineTextMax = 40

// outlineKind is a kind of numbering marker, in nesting order.
type outlineKind uint8

const (
	kindBian        outlineKind = iota // 第X编
	kindFenbian                        // 第X分编
	kindZhang                          // 第X章
	kindJie                            // 第X节
	kindHanComma                       // 一、
	kindHanParen                       // （一）
	kindArabicDot                      // 1. 1． 1、
	kindArabicParen                    // （1）
	kindCircled                        // ①
	kindTiao                           // 第X条
	numOutlineKinds
)

// chapterLike reports whether k is one of the 编/分编/章/节 kinds.
func (k outlineKind) chapterLike() bool { return k <= kindJie }

// enumeration reports whether k is a kind that laws use for the items of
// an article.
func (k outlineKind) enumeration() bool { return k >= kindHanParen && k <= kindCircled }

// outlineCandidate is a paragraph that starts with a marker.
type outlineCandidate struct {
	kind   outlineKind
	n      int    // the number of the marker
	marker string // as written
	rest   string // the paragraph after the marker (or the title line after it)
	para   int
	// hasText is set when the marker is followed by a heading text.
	hasText bool
}

// Outline returns the headings of a 公文's structure found in paragraphs.
func Outline(paragraphs []string) []wengao.OutlineItem {
	var (
		cands []outlineCandidate
		last  [numOutlineKinds]int
	)
	for _, c := range scanOutline(paragraphs) {
		if !c.hasText {
			continue
		}
		if c.n != 1 && (c.n <= last[c.kind] || c.n > last[c.kind]+3) {
			continue // implausible numbering
		}
		last[c.kind] = c.n
		cands = append(cands, c)
	}

	// Drop one-item lists of the Arabic and circled kinds: a stray "1."
	// at the start of a paragraph does not make a list.
	var (
		runStart [numOutlineKinds]int // index in cands of the current list's first item
		runLen   [numOutlineKinds]int
		drop     = make([]bool, len(cands))
	)
	endRun := func(k outlineKind) {
		if runLen[k] == 1 && (k == kindArabicDot || k == kindArabicParen || k == kindCircled) {
			drop[runStart[k]] = true
		}
	}
	for j, c := range cands {
		if c.n == 1 || runLen[c.kind] == 0 {
			endRun(c.kind)
			runStart[c.kind], runLen[c.kind] = j, 0
		}
		runLen[c.kind]++
	}
	for k := range numOutlineKinds {
		endRun(k)
	}

	var count [numOutlineKinds]int
	for j, c := range cands {
		if !drop[j] {
			count[c.kind]++
		}
	}
	law := count[kindTiao] >= 2
	var use [numOutlineKinds]bool
	others := false
	for k := range kindTiao {
		use[k] = count[k] > 0 && !(law && k.enumeration())
		others = others || use[k]
	}
	use[kindTiao] = count[kindTiao] > 0 && !others

	var (
		items []wengao.OutlineItem
		open  []outlineKind // the kinds enclosing the current item, outermost first
	)
	for j, c := range cands {
		if drop[j] || !use[c.kind] {
			continue
		}
		for len(open) > 0 && open[len(open)-1] >= c.kind {
			open = open[:len(open)-1]
		}
		open = append(open, c.kind)
		items = append(items, wengao.OutlineItem{
			Level:     len(open),
			Marker:    c.marker,
			Text:      headingText(c.rest),
			Paragraph: c.para,
		})
	}
	return items
}

// scanOutline returns every paragraph that starts with a numbering
// marker, in order, leaving out the entries of a table of contents. A
// 第X章 (编, 分编, 节) alone on its line takes the short line below it as
// its text. Numbering is not checked.
func scanOutline(paragraphs []string) []outlineCandidate {
	var (
		cands   []outlineCandidate
		inTOC   bool
		tocSeen map[string]bool // the markers of the table of contents
		tocBare bool            // the last entry of the table had no title
	)
	for i, p := range paragraphs {
		p = trimOutlineSpace(p)
		if p == "" {
			continue
		}
		if isTOCHeading(p) {
			inTOC, tocSeen = true, make(map[string]bool)
			continue
		}
		c, ok := parseOutlineMarker(p)
		if inTOC {
			if ok && c.kind.chapterLike() && !tocSeen[c.marker] {
				tocSeen[c.marker] = true
				tocBare = headingTextEmpty(c.rest)
				continue
			}
			if !ok && tocBare && isHeadingLine(p) {
				tocBare = false // the title of a bare "第一章" entry
				continue
			}
			inTOC = false
		}
		if !ok {
			continue
		}
		c.hasText = !headingTextEmpty(c.rest)
		if !c.hasText && c.kind.chapterLike() && i+1 < len(paragraphs) {
			// "第一章" on its own line, its title on the next.
			next := trimOutlineSpace(paragraphs[i+1])
			if _, isMarker := parseOutlineMarker(next); !isMarker && isHeadingLine(next) {
				c.rest = next
				c.hasText = !headingTextEmpty(next)
			}
		}
		c.para = i
		cands = append(cands, c)
	}
	return cands
}

// trimOutlineSpace trims white space (U+3000 included) and byte order
// marks from both ends of s.
func trimOutlineSpace(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '\uFEFF' })
}

// isTOCHeading reports whether p is the heading of a table of contents.
func isTOCHeading(p string) bool {
	if len(p) > 24 || !strings.HasPrefix(p, "目") {
		return false
	}
	return strings.Join(strings.Fields(p), "") == "目录"
}

// parseOutlineMarker recognises the marker at the start of the trimmed
// paragraph p. It fills kind, n, marker and rest.
func parseOutlineMarker(p string) (outlineCandidate, bool) {
	var c outlineCandidate
	r, size := utf8.DecodeRuneInString(p)
	switch {
	case r == '第':
		return parseOrdinalMarker(p, size)

	case isHanDigit(r):
		n, w := parseHanNumber(p)
		if n <= 0 || !strings.HasPrefix(p[w:], "、") {
			return c, false
		}
		rest := p[w+len("、"):]
		// "一、二月份…" counts months, not headings.
		if r2, s2 := utf8.DecodeRuneInString(rest); isHanDigit(r2) && strings.HasPrefix(rest[s2:], "月") {
			return c, false
		}
		c.kind, c.n, c.marker = kindHanComma, n, p[:w+len("、")]
		c.rest = rest
		return c, true

	case r == '（' || r == '(':
		inner := p[size:]
		n, w := parseHanNumber(inner)
		kind := kindHanParen
		if w == 0 {
			n, w = parseArabicNumber(inner)
			kind = kindArabicParen
		}
		if n <= 0 {
			return c, false
		}
		closing, cs := utf8.DecodeRuneInString(inner[w:])
		if closing != '）' && closing != ')' {
			return c, false
		}
		end := size + w + cs
		c.kind, c.n, c.marker = kind, n, p[:end]
		c.rest = p[end:]
		return c, true

	case isArabicDigit(r):
		n, w := parseArabicNumber(p)
		if n <= 0 {
			return c, false
		}
		sep, ss := utf8.DecodeRuneInString(p[w:])
		if sep != '.' && sep != '．' && sep != '、' {
			return c, false
		}
		rest := p[w+ss:]
		if r2, _ := utf8.DecodeRuneInString(rest); isArabicDigit(r2) {
			return c, false // 1.5亿, 2024.1
		}
		c.kind, c.n, c.marker = kindArabicDot, n, p[:w+ss]
		c.rest = rest
		return c, true
	}

	// Single-character markers.
	switch {
	case r >= '①' && r <= '⑳':
		c.kind, c.n = kindCircled, int(r-'①')+1
	case r >= '㉑' && r <= '㉟':
		c.kind, c.n = kindCircled, int(r-'㉑')+21
	case r >= '㊱' && r <= '㊿':
		c.kind, c.n = kindCircled, int(r-'㊱')+36
	case r >= '⑴' && r <= '⒇':
		c.kind, c.n = kindArabicParen, int(r-'⑴')+1
	case r >= '⒈' && r <= '⒛':
		c.kind, c.n = kindArabicDot, int(r-'⒈')+1
	case r >= '㈠' && r <= '㈩':
		c.kind, c.n = kindHanParen, int(r-'㈠')+1
	default:
		return c, false
	}
	if c.kind == kindCircled && isFootnote(p) {
		return c, false
	}
	c.marker = p[:size]
	c.rest = p[size:]
	return c, true
}

// parseOrdinalMarker recognises 第X编, 第X分编, 第X章, 第X节 and 第X条;
// the 第 is p[:size].
func parseOrdinalMarker(p string, size int) (outlineCandidate, bool) {
	var c outlineCandidate
	rest := p[size:]
	n, w := parseHanNumber(rest)
	if w == 0 {
		n, w = parseArabicNumber(rest)
	}
	if n <= 0 {
		return c, false
	}
	rest = rest[w:]
	var unit string
	for _, u := range [...]struct {
		s    string
		kind outlineKind
	}{{"编", kindBian}, {"分编", kindFenbian}, {"章", kindZhang}, {"节", kindJie}, {"条", kindTiao}} {
		if strings.HasPrefix(rest, u.s) {
			unit, c.kind = u.s, u.kind
			break
		}
	}
	if unit == "" {
		return c, false
	}
	rest = rest[len(unit):]
	c.n, c.marker = n, p[:len(p)-len(rest)]
	next, _ := utf8.DecodeRuneInString(rest)
	spaced := unicode.IsSpace(next)
	switch {
	case c.kind == kindTiao && !spaced:
		return c, false // "第三条规定的…" is body text
	case c.kind != kindTiao && !spaced && rest != "" && !isHeadingLine(rest):
		return c, false
	}
	c.rest = rest
	return c, true
}

// isHeadingLine reports whether s looks like a heading of its own: short
// and without sentence punctuation.
func isHeadingLine(s string) bool {
	if s == "" || utf8.RuneCountInString(s) > 30 {
		return false
	}
	return !strings.ContainsAny(s, "，。；：！？,;")
}

// isFootnote reports whether the circled-number paragraph p looks like a
// note: it cites a book and a page ("①列宁：《…》，第269页。").
func isFootnote(p string) bool {
	if !strings.Contains(p, "《") {
		return false
	}
	for i := strings.Index(p, "页"); i > 0; {
		r, _ := utf8.DecodeLastRuneInString(p[:i])
		if isArabicDigit(r) || isHanDigit(r) {
			return true
		}
		j := strings.Index(p[i+len("页"):], "页")
		if j < 0 {
			break
		}
		i += len("页") + j
	}
	return false
}

// headingText returns the heading text in rest, the paragraph after its
// marker: up to the first sentence end outside brackets, cleaned of white
// space between Han characters and of commas at either end, and capped at
// outlineTextMax runes.
func headingText(rest string) string {
	rest = trimOutlineSpace(rest)
	depth := 0
	end := len(rest)
scan:
	for i, r := range rest {
		switch r {
		case '（', '(', '《', '“', '‘', '「', '『', '【', '〔', '[':
			depth++
		case '）', ')', '》', '”', '’', '」', '』', '】', '〕', ']':
			if depth > 0 {
				depth--
			}
		case '。', '！', '？', '；', '：', '!', '?', ';':
			if depth == 0 {
				end = i
				break scan
			}
		case ':':
			// A half-width colon ends the sentence unless it is in a time.
			if depth == 0 && !(i > 0 && isArabicDigit(rune(rest[i-1])) && i+1 < len(rest) && isArabicDigit(rune(rest[i+1]))) {
				end = i
				break scan
			}
		}
	}
	text := cleanHeadingSpace(rest[:end])
	text = strings.TrimFunc(text, func(r rune) bool {
		return unicode.IsSpace(r) || r == '，' || r == '、' || r == ','
	})
	if utf8.RuneCountInString(text) > outlineTextMax {
		text = FirstRunes(text, outlineTextMax) + "…"
	}
	return text
}

// headingTextEmpty reports whether headingText(rest) is "", without
// building the text: whether rest has nothing but white space and commas
// before its first sentence end.
func headingTextEmpty(rest string) bool {
	for _, r := range rest {
		switch r {
		case ' ', '\t', '\u3000', '，', '、', ',':
			continue
		case '。', '！', '？', '；', '：', '!', '?', ';', ':':
			return true
		}
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// cleanHeadingSpace removes white space between two Han characters and
// turns other runs of white space into one space.
func cleanHeadingSpace(s string) string {
	if !strings.ContainsFunc(s, unicode.IsSpace) {
		return s
	}
	var b strings.Builder
	var prev rune
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			b.WriteRune(r)
			prev = r
			i += size
			continue
		}
		j := i
		for j < len(s) {
			q, qs := utf8.DecodeRuneInString(s[j:])
			if !unicode.IsSpace(q) {
				break
			}
			j += qs
		}
		next, _ := utf8.DecodeRuneInString(s[j:])
		if !(unicode.Is(unicode.Han, prev) && unicode.Is(unicode.Han, next)) {
			b.WriteByte(' ')
		}
		i = j
	}
	return b.String()
}

// isArabicDigit reports whether r is an ASCII or full-width digit.
func isArabicDigit(r rune) bool {
	return ('0' <= r && r <= '9') || ('０' <= r && r <= '９')
}

// parseArabicNumber reads up to three ASCII or full-width digits at the
// start of s; it returns the number and the bytes read. Longer numbers
// (years, amounts) are not list numbers and give 0.
func parseArabicNumber(s string) (n, size int) {
	digits := 0
	for size < len(s) {
		r, w := utf8.DecodeRuneInString(s[size:])
		switch {
		case '0' <= r && r <= '9':
			n = n*10 + int(r-'0')
		case '０' <= r && r <= '９':
			n = n*10 + int(r-'０')
		default:
			if digits > 3 {
				return 0, 0
			}
			return n, size
		}
		digits++
		size += w
	}
	if digits > 3 {
		return 0, 0
	}
	return n, size
}

// FirstRunes returns the first n characters (runes) of s.
func FirstRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// hanDigit returns the value of a Chinese numeral digit.
func hanDigit(r rune) (int, bool) {
	switch r {
	case '〇', '零':
		return 0, true
	case '一':
		return 1, true
	case '二', '两':
		return 2, true
	case '三':
		return 3, true
	case '四':
		return 4, true
	case '五':
		return 5, true
	case '六':
		return 6, true
	case '七':
		return 7, true
	case '八':
		return 8, true
	case '九':
		return 9, true
	}
	return 0, false
}

// hanUnit returns the value of a Chinese numeral unit (十百千), or 0.
func hanUnit(r rune) int {
	switch r {
	case '十':
		return 10
	case '百':
		return 100
	case '千':
		return 1000
	}
	return 0
}

// isHanDigit reports whether r is a Chinese numeral (digit or 十百千).
func isHanDigit(r rune) bool {
	_, ok := hanDigit(r)
	return ok || hanUnit(r) != 0
}

// parseHanNumber reads a Chinese numeral at the start of s ("三", "十二",
// "一百零三", "一〇三") and returns its value and the bytes read; size is
// 0 when s does not start with one.
func parseHanNumber(s string) (n, size int) {
	section, digit := 0, 0
	prevDigit := false
	for size < len(s) {
		r, w := utf8.DecodeRuneInString(s[size:])
		if d, ok := hanDigit(r); ok {
			if prevDigit {
				digit = digit*10 + d // 一〇三
			} else {
				digit = d
			}
			prevDigit = true
		} else if unit := hanUnit(r); unit != 0 {
			if digit == 0 && unit == 10 {
				digit = 1 // 十二
			}
			section += digit * unit
			digit, prevDigit = 0, false
		} else {
			break
		}
		size += w
		if section+digit > 100_000 {
			return 0, 0
		}
	}
	return section + digit, size
}
