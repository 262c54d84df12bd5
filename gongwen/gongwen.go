// Package gongwen detects the metadata of a Chinese official document (公文)
// from its text: title, issuer (发文机关), document number (发文字号), date
// (成文日期), genre (文种) and a library category.
//
// Detection is heuristic and follows the layout rules of GB/T 9704 (党政机关
// 公文格式) as far as plain text shows them: the 版头 with 发文字号 above the
// title, the title (often split over two or three lines), the 主送机关 line
// ending in "：", the body, and the 落款 (issuer, then date) at the end. Laws,
// regulations and judicial interpretations are also handled: their header
// notes ("2019年3月22日…会议通过") give the date.
//
// Only a bounded number of lines at the start and at the end of the text are
// looked at, and every line is capped in length, so Detect takes bounded time
// and memory whatever it is given (huge texts, millions of paragraphs, invalid
// UTF-8, binary data).
package gongwen

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Metadata is what can be read off a 公文's text.
type Metadata struct {
	Title     string    // 标题, e.g. "国务院办公厅关于印发……的通知"
	Issuer    string    // 发文机关, e.g. "国务院办公厅" (several are joined by "、")
	DocNumber string    // 发文字号, normalised to "国办发〔2019〕4号"; 令 numbers as found, e.g. "国务院令第708号"
	Date      time.Time // 成文日期 at 00:00 UTC; zero when none is found
	Genre     string    // 文种, e.g. "通知", "意见", "讲话", "条例"; "" when unknown
	Category  string    // library category: one of the Category* constants
}

// Library categories guessed by Detect.
const (
	CategorySpeech     = "讲话"
	CategoryLaw        = "法律法规"
	CategoryGovernment = "政府文件"
	CategoryReport     = "工作报告"
	CategoryPlan       = "规划计划"
	CategoryOther      = "其他"
)

// Categories lists every category Detect may return.
var Categories = []string{CategorySpeech, CategoryLaw, CategoryGovernment, CategoryReport, CategoryPlan, CategoryOther}

// Limits on how much of the input is examined.
const (
	headLines     = 12   // non-empty lines examined at the start
	tailLines     = 10   // non-empty lines examined at the end
	maxScanParas  = 400  // paragraphs (or line segments) visited from each end
	maxChunkBytes = 8192 // bytes of one paragraph examined from the relevant end
	maxLineBytes  = 2048 // bytes of one line kept after splitting
	maxTitleRunes = 200  // longest title returned
	numberLines   = 10   // head lines searched for a standalone 发文字号
	tailDateLines = 8    // tail lines searched for the 落款 date
)

// Detect reads the metadata of a document off its text. title may be empty,
// in which case it is detected from the opening paragraphs. paragraphs are
// the document's paragraphs in order (a paragraph that still contains line
// breaks is split at them).
func Detect(title string, paragraphs []string) Metadata {
	head := collectHead(paragraphs)
	tail := collectTail(paragraphs)

	var m Metadata
	h := readHeader(head)
	m.Title = cleanTitle(title)
	var afterTitle *line // the 落款 is looked for only below the title lines
	var subtitle string
	if m.Title == "" {
		var last int
		m.Title, last, subtitle = detectTitle(head, h)
		if m.Title != "" && last >= 0 && last < len(head) {
			afterTitle = &head[last]
		}
	}

	m.DocNumber = findDocNumber(head, tail)

	var issuerLines []line
	if d, lines, ok := tailDate(tail, afterTitle); ok {
		m.Date, issuerLines = d, lines
	} else if !h.date.IsZero() {
		m.Date = h.date
	} else if d, lines, ok := headStandaloneDate(head, h); ok {
		m.Date, issuerLines = d, lines
	}

	m.Issuer = issuerFromTitle(m.Title)
	if m.Issuer == "" {
		m.Issuer = issuerFromLines(issuerLines)
	}

	m.Genre = genreOf(m.Title)
	if m.Genre == "" && subtitle != "" {
		m.Genre = genreOf(subtitle)
	}
	if m.Genre == "" && strings.Contains(m.DocNumber, "令") {
		m.Genre = "命令"
	}
	m.Category = categoryOf(m.Genre, m.Issuer, m.Title)
	return m
}

// line is one non-empty line of the input, cleaned.
type line struct {
	para, seg int    // position: paragraph index and line index within it
	text      string // valid UTF-8, whitespace runs collapsed to one ' ', full-width digits made ASCII, trimmed
	compact   string // text without any whitespace
}

// before reports whether l comes before o in the document.
func (l line) before(o line) bool {
	return l.para < o.para || l.para == o.para && l.seg < o.seg
}

// collectHead returns the first non-empty lines of the document.
func collectHead(ps []string) []line {
	var out []line
	visited := 0
	for i := 0; i < len(ps) && visited < maxScanParas && len(out) < headLines; i++ {
		p := ps[i]
		if len(p) > maxChunkBytes {
			p = p[:maxChunkBytes]
		}
		seg := 0
		for visited < maxScanParas && len(out) < headLines {
			visited++
			s, rest, more := cutLine(p)
			if l, ok := newLine(s, i, seg); ok {
				out = append(out, l)
			}
			seg++
			if !more {
				break
			}
			p = rest
		}
	}
	return out
}

// collectTail returns the last non-empty lines of the document, in order.
func collectTail(ps []string) []line {
	var rev []line
	visited := 0
	for i := len(ps) - 1; i >= 0 && visited < maxScanParas && len(rev) < tailLines; i-- {
		p := ps[i]
		// Number the lines as collectHead does. Line indexes within a long
		// paragraph are not known when only its end is read; they only
		// have to order lines, so then count down from a large base.
		seg := strings.Count(p, "\n") + strings.Count(p, "\r")
		if len(p) > maxChunkBytes {
			p = p[len(p)-maxChunkBytes:]
			seg = 1 << 30
		}
		for visited < maxScanParas && len(rev) < tailLines {
			visited++
			rest, s, more := cutLastLine(p)
			if l, ok := newLine(s, i, seg); ok {
				rev = append(rev, l)
			}
			seg--
			if !more {
				break
			}
			p = rest
		}
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev
}

// cutLine splits off the first line of p (at \n or \r).
func cutLine(p string) (first, rest string, more bool) {
	if i := strings.IndexAny(p, "\n\r"); i >= 0 {
		return p[:i], p[i+1:], true
	}
	return p, "", false
}

// cutLastLine splits off the last line of p (at \n or \r).
func cutLastLine(p string) (rest, last string, more bool) {
	if i := strings.LastIndexAny(p, "\n\r"); i >= 0 {
		return p[:i], p[i+1:], true
	}
	return "", p, false
}

// newLine cleans s; ok is false when nothing is left.
func newLine(s string, para, seg int) (line, bool) {
	if len(s) > maxLineBytes {
		s = s[:maxLineBytes]
	}
	t := cleanText(s)
	if t == "" {
		return line{}, false
	}
	return line{para: para, seg: seg, text: t, compact: strings.ReplaceAll(t, " ", "")}, true
}

// cleanText returns s as valid UTF-8 with control and format characters
// dropped, every run of white space turned into one ' ', full-width digits
// made ASCII, and no leading or trailing space.
func cleanText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		orig := r
		switch {
		case 0x4E00 <= r && r <= 0x9FFF, 0x21 <= r && r <= 0x7E:
			// Common Chinese characters and printable ASCII: kept as they are.
		case r == utf8.RuneError && n <= 1:
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r), r == '\uFFFD',
			unicode.Is(unicode.Cs, r), unicode.Is(unicode.Co, r), r == '\uFFFE', r == '\uFFFF':
			continue
		case '０' <= r && r <= '９':
			r = '0' + (r - '０')
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		if r == orig {
			b.WriteString(s[i-n : i]) // unchanged: copy the bytes
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isHan reports whether r is a Chinese character (including 〇).
func isHan(r rune) bool {
	return unicode.Is(unicode.Han, r) || r == '〇'
}

// allHan reports whether s is non-empty and made of Chinese characters only.
func allHan(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !isHan(r) {
			return false
		}
	}
	return true
}

// hasAnySuffix reports whether s ends with one of the suffixes.
func hasAnySuffix(s string, suffixes ...string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}

// hasAnyPrefix reports whether s starts with one of the prefixes.
func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, x := range prefixes {
		if strings.HasPrefix(s, x) {
			return true
		}
	}
	return false
}
