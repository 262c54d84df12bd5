package gongwen

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Layout tells which paragraphs of a 公文's text are the parts that GB/T
// 9704 sets apart from the body: the title lines repeated at the top, the
// 发文字号 (centred under the title), the 主送机关 (flush left), the 附件说明,
// the 发文机关署名 and 成文日期 of the 落款 (right) and the 附注 below them.
// Paragraph indexes are those of the paragraphs given to Structure; a
// part not found is -1 (or nil).
type Layout struct {
	// Title lists the leading paragraphs that repeat the title.
	Title []int
	// DocNumber is the paragraph of the 发文字号 near the top.
	DocNumber int
	// Addressee is the paragraph of the 主送机关 ("各省、自治区……：").
	Addressee int
	// Attachments lists the paragraphs of the 附件说明 ("附件：1. ……").
	Attachments []int
	// Signature lists the paragraphs of the 发文机关署名 above the date.
	Signature []int
	// Date is the paragraph of the 成文日期; DateValue is its date. When
	// the issuer and the date share one paragraph, Date is that paragraph
	// and Signature is empty.
	Date      int
	DateValue time.Time
	// Note is the paragraph of the 附注 under the date ("（此件公开发布）").
	Note int
}

// Role names the part a paragraph plays in the layout.
type Role uint8

// The roles of paragraphs; RoleBody is the zero value.
const (
	RoleBody       Role = iota
	RoleTitle           // a repeat of the title
	RoleDocNumber       // 发文字号
	RoleAddressee       // 主送机关
	RoleAttachment      // 附件说明
	RoleSignature       // 发文机关署名
	RoleDate            // 成文日期
	RoleNote            // 附注
)

// Role returns the role of paragraph i.
func (l Layout) Role(i int) Role {
	switch {
	case i < 0:
		return RoleBody
	case i == l.DocNumber:
		return RoleDocNumber
	case i == l.Addressee:
		return RoleAddressee
	case i == l.Date:
		return RoleDate
	case i == l.Note:
		return RoleNote
	}
	for _, j := range l.Title {
		if i == j {
			return RoleTitle
		}
	}
	for _, j := range l.Signature {
		if i == j {
			return RoleSignature
		}
	}
	for _, j := range l.Attachments {
		if i == j {
			return RoleAttachment
		}
	}
	return RoleBody
}

// Limits of Structure: it looks at this many paragraphs from each end.
const (
	layoutHead = 12
	layoutTail = 12
	// addresseeMax is the longest 主送机关 line, in runes.
	addresseeMax = 120
	// noteMax is the longest 附注, in runes.
	noteMax = 60
)

// Structure finds the parts of a 公文 in its paragraphs. title is the
// document's title (it is matched against the first paragraphs to find
// a repeat). Like Detect, it looks at a bounded number of paragraphs at
// each end, each capped in length, and takes bounded time on any input.
func Structure(title string, paragraphs []string) Layout {
	l := Layout{DocNumber: -1, Addressee: -1, Date: -1, Note: -1}
	n := len(paragraphs)
	clean := func(i int) line {
		ln, _ := newLine(paragraphs[i], i, 0)
		return ln
	}

	// The head: the title's repeat, the 发文字号 and the 主送机关.
	want := strings.ReplaceAll(cleanText(title), " ", "")
	next := 0 // the first paragraph after the head's parts
	seen := 0
	for i := 0; i < n && i < maxScanParas && seen < layoutHead; i++ {
		c := clean(i)
		if c.text == "" {
			continue
		}
		seen++
		if l.Title == nil && want != "" && strings.HasPrefix(want, c.compact) && i < 6 {
			// The title, possibly over up to four paragraphs.
			joined, j, ids := "", i, []int(nil)
			for ; j < n && len(ids) < 4; j++ {
				cj := clean(j)
				if cj.text == "" {
					continue
				}
				if !strings.HasPrefix(want, joined+cj.compact) {
					break
				}
				joined += cj.compact
				ids = append(ids, j)
				if joined == want {
					break
				}
			}
			if joined == want {
				l.Title = ids
				i = ids[len(ids)-1]
				next = i + 1
				continue
			}
		}
		if l.DocNumber < 0 && seen <= 6 {
			if _, ok := parseDocNumber(c.compact); ok {
				l.DocNumber = i
				next = i + 1
				continue
			}
		}
		if l.Addressee < 0 && isAddressee(c) {
			l.Addressee = i
			next = i + 1
		}
		break
	}

	// The tail: 附注, date, signature, 附件说明, from the end upwards.
	end := n - 1
	for end >= next && end >= n-layoutTail && clean(end).text == "" {
		end--
	}
	if end >= next && end > l.Addressee {
		if c := clean(end); isNote(c) && end-1 >= next {
			l.Note = end
			end--
			for end >= next && end >= n-layoutTail && clean(end).text == "" {
				end--
			}
		}
	}
	if end >= next && end > l.Addressee && end > 0 {
		c := clean(end)
		if d, ok := standaloneDate(c.compact); ok {
			l.Date, l.DateValue = end, d
			for j := end - 1; j >= next && j >= end-4; j-- {
				cj := clean(j)
				if _, ok := orgList(cj.text); !ok {
					break
				}
				l.Signature = append([]int{j}, l.Signature...)
			}
		} else if prefix, d, ok := trailingDate(c); ok {
			if _, ok := orgList(textPrefix(c.text, utf8.RuneCountInString(prefix))); ok {
				l.Date, l.DateValue = end, d
			}
		}
	}
	if l.Date < 0 {
		l.Note = -1 // a bracketed last line is a 附注 only under a date
	}
	// The 附件说明 stands right above the 落款.
	if l.Date >= 0 {
		top := l.Date
		if len(l.Signature) > 0 {
			top = l.Signature[0]
		}
		for j := top - 1; j >= next && j >= top-layoutTail; j-- {
			c := clean(j)
			if hasAnyPrefix(c.compact, "附件：", "附件:") {
				for k := j; k < top; k++ {
					l.Attachments = append(l.Attachments, k)
				}
				break
			}
			if !isAttachmentItem(c) {
				break
			}
		}
	}
	return l
}

// isAddressee reports whether c is a 主送机关 line: short, ending in a
// colon, with no sentence in it and no heading marker.
func isAddressee(c line) bool {
	s := c.compact
	if !strings.HasSuffix(s, "：") && !strings.HasSuffix(s, ":") {
		return false
	}
	if utf8.RuneCountInString(s) > addresseeMax || strings.ContainsAny(s, "。！？；") {
		return false
	}
	if hasAnyPrefix(s, "附件", "一、", "（一）", "第一") || startsWithDate(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s)
	return isHan(r)
}

// isNote reports whether c is a 附注: a short line wholly in brackets.
func isNote(c line) bool {
	s := c.compact
	if utf8.RuneCountInString(s) > noteMax {
		return false
	}
	return (strings.HasPrefix(s, "（") && strings.HasSuffix(s, "）")) ||
		(strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")"))
}

// isAttachmentItem reports whether c is one item of a 附件说明 list after
// the first: "2.……", "3．……".
func isAttachmentItem(c line) bool {
	s := c.compact
	if utf8.RuneCountInString(s) > 80 || strings.ContainsAny(s, "。；") {
		return false
	}
	i := 0
	for i < len(s) && isDigit(rune(s[i])) {
		i++
	}
	return i > 0 && i < len(s) && (strings.HasPrefix(s[i:], ".") || strings.HasPrefix(s[i:], "．") || strings.HasPrefix(s[i:], "、"))
}

// FormatDate writes t the way the 成文日期 is printed: in Arabic numerals,
// without leading zeros ("2018年12月4日").
func FormatDate(t time.Time) string {
	return strconv.Itoa(t.Year()) + "年" + strconv.Itoa(int(t.Month())) + "月" + strconv.Itoa(t.Day()) + "日"
}
