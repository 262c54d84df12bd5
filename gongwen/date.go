package gongwen

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Dates outside these years are not taken as a document's date.
const (
	minYear = 1949
	maxYear = 2100
)

// cnDigit maps the digits used in Chinese-numeral years (二〇一九) to values;
// it includes the look-alikes found in real text for zero: ○ (U+25CB), O, o,
// Ｏ, 0 and Ο (Greek).
var cnDigit = map[rune]int{
	'〇': 0, '○': 0, '零': 0, 'O': 0, 'o': 0, 'Ｏ': 0, '0': 0, '０': 0, 'Ο': 0, '◯': 0,
	'一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9,
}

func isDigit(r rune) bool { return '0' <= r && r <= '9' }

// digits reads up to max ASCII digits at r[i:]; n is how many were read.
func digits(r []rune, i, max int) (v, n int) {
	for n < max && i+n < len(r) && isDigit(r[i+n]) {
		v = v*10 + int(r[i+n]-'0')
		n++
	}
	return v, n
}

// cnSmall reads a Chinese number from 1 to 39 (一, 十二, 二十一, 廿三, 卅一) at r[i:].
func cnSmall(r []rune, i int) (v, n int) {
	at := func(k int) rune {
		if i+k < len(r) {
			return r[i+k]
		}
		return 0
	}
	unit := func(c rune) int {
		if d, ok := cnDigit[c]; ok && d > 0 {
			return d
		}
		return 0
	}
	switch c := at(0); {
	case c == '十':
		v, n = 10, 1
	case c == '廿':
		v, n = 20, 1
	case c == '卅':
		v, n = 30, 1
	case unit(c) > 0:
		v, n = unit(c), 1
		if at(1) != '十' {
			return v, n
		}
		v, n = v*10, 2
	default:
		return 0, 0
	}
	if d := unit(at(n)); d > 0 {
		v += d
		n++
	}
	return v, n
}

// validDate returns the date y-m-d when it exists in the calendar and lies
// within [minYear, maxYear].
func validDate(y, m, d int) (time.Time, bool) {
	if y < minYear || y > maxYear || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || int(t.Month()) != m {
		return time.Time{}, false
	}
	return t, true
}

// parseDateAt parses a date starting at r[i]: 2019年3月4日, 二〇一九年三月四日,
// 2019-03-04, 2019.3.4 or 2019/3/4. end is the index just after the date.
func parseDateAt(r []rune, i int) (t time.Time, end int, ok bool) {
	if i >= len(r) {
		return t, 0, false
	}
	if isDigit(r[i]) {
		if i > 0 && isDigit(r[i-1]) {
			return t, 0, false
		}
		y, n := digits(r, i, 5)
		if n != 4 {
			return t, 0, false
		}
		j := i + 4
		if j >= len(r) {
			return t, 0, false
		}
		sep := r[j]
		switch sep {
		case '年':
			j++
			mo, n := digits(r, j, 3)
			if n == 0 || n > 2 || j+n >= len(r) || r[j+n] != '月' {
				return t, 0, false
			}
			j += n + 1
			d, n := digits(r, j, 3)
			if n == 0 || n > 2 || j+n >= len(r) || (r[j+n] != '日' && r[j+n] != '号') {
				return t, 0, false
			}
			t, ok = validDate(y, mo, d)
			return t, j + n + 1, ok
		case '-', '.', '/', '－', '．', '／':
			j++
			mo, n := digits(r, j, 3)
			if n == 0 || n > 2 || j+n >= len(r) || r[j+n] != sep {
				return t, 0, false
			}
			j += n + 1
			d, n := digits(r, j, 3)
			if n == 0 || n > 2 {
				return t, 0, false
			}
			j += n
			if j < len(r) && r[j] == '日' {
				j++
			}
			t, ok = validDate(y, mo, d)
			return t, j, ok
		}
		return t, 0, false
	}
	// Chinese numerals: four digits, 年, month, 月, day, 日.
	if _, isD := cnDigit[r[i]]; !isD {
		return t, 0, false
	}
	if i > 0 {
		if _, prevD := cnDigit[r[i-1]]; prevD || isDigit(r[i-1]) {
			return t, 0, false
		}
	}
	y := 0
	j := i
	for ; j < i+4; j++ {
		if j >= len(r) {
			return t, 0, false
		}
		d, ok := cnDigit[r[j]]
		if !ok {
			return t, 0, false
		}
		y = y*10 + d
	}
	if j >= len(r) || r[j] != '年' {
		return t, 0, false
	}
	j++
	mo, n := cnSmall(r, j)
	if n == 0 || j+n >= len(r) || r[j+n] != '月' {
		return t, 0, false
	}
	j += n + 1
	d, n := cnSmall(r, j)
	if n == 0 || j+n >= len(r) || (r[j+n] != '日' && r[j+n] != '号') {
		return t, 0, false
	}
	t, ok = validDate(y, mo, d)
	return t, j + n + 1, ok
}

// dateLabels precede a date on a line of its own in some layouts.
var dateLabels = []string{"成文日期：", "成文日期:", "发文日期：", "发文日期:", "日期：", "日期:", "时间：", "时间:"}

// leadTrim and tailTrim are the wrappers around a date on its own line:
// "（2023年3月1日）", "——2024年3月5日在……上", "〔2019年3月4日〕".
const (
	leadTrim = "（(〔[【［—-－–―─ "
	tailTrim = "）)〕]】］ 。."
)

// standaloneDate parses a line that is nothing but a date (possibly in
// brackets or after a label).
func standaloneDate(compact string) (time.Time, bool) {
	s := compact
	for _, l := range dateLabels {
		if strings.HasPrefix(s, l) {
			s = s[len(l):]
			break
		}
	}
	s = strings.TrimLeft(s, leadTrim)
	s = strings.TrimRight(s, tailTrim)
	if s == "" || len(s) > 64 {
		return time.Time{}, false
	}
	r := []rune(s)
	t, end, ok := parseDateAt(r, 0)
	if !ok || end != len(r) {
		return time.Time{}, false
	}
	return t, true
}

// trailingDate parses a line that ends in a date preceded by other text,
// such as "国务院办公厅 2019年1月22日"; prefix is the text before the date.
func trailingDate(l line) (prefix string, t time.Time, ok bool) {
	r := []rune(strings.TrimRight(l.compact, tailTrim))
	// A date is at most 11 runes (二〇一九年十二月二十一日 is 12).
	for i := len(r) - 8; i >= 0 && i >= len(r)-13; i-- {
		if d, end, ok := parseDateAt(r, i); ok && end == len(r) {
			if i == 0 {
				return "", time.Time{}, false
			}
			return string(r[:i]), d, true
		}
	}
	return "", time.Time{}, false
}

// narrativeAfter are what follows a date in a sentence rather than in a
// header note: "2019年3月5日，国务院……", "2019年3月5日至7日".
var narrativeAfter = []string{"，", ",", "、", "：", ":", "至", "到", "上午", "下午", "晚上", "凌晨", "前", "后", "以来", "起", "—"}

// headerEndings end the header notes of laws and the subtitles of speeches:
// "……会议通过", "……公布", "——2024年3月5日在……会议上".
var headerEndings = []string{
	"通过", "批准", "修正", "修订", "公布", "发布", "颁布", "印发", "施行", "实施", "签署", "制定", "核准",
	"决定修改", "批准修改", "通过修改", "次修改", "修改决定", "批准的", "通过的",
	"讲话", "发言", "报告", "致辞", "上", "并经", "经",
}

// dateLed parses a line that starts with a date, after an optional opening
// bracket or dash; rest is what follows the date (compact).
func dateLed(compact string) (t time.Time, rest string, ok bool) {
	s := strings.TrimLeft(compact, leadTrim)
	if s == "" {
		return t, "", false
	}
	r := []rune(s)
	t, end, ok := parseDateAt(r, 0)
	if !ok {
		return t, "", false
	}
	return t, string(r[end:]), true
}

// noteComplete reports whether rest, the text after the date of a header
// note (possibly joined with the lines below it), completes the note.
func noteComplete(rest string) bool {
	s := strings.TrimRight(rest, tailTrim+"，,；;")
	if s == "" {
		return true // a date alone: "（2023年3月1日）"
	}
	if _, ok := parseDocNumber(s); ok {
		return true // "1989年1月3日 法（经）复〔1989〕1号"
	}
	if hasAnySuffix(s, headerEndings...) {
		return true
	}
	// "2026年1月27日在陕西省……会议上 陕西省省长 赵刚"
	return strings.HasPrefix(s, "在") && (strings.Contains(s, "会上") || strings.Contains(s, "会议上"))
}

// noteWords mark a bracketed header note of a law:
// "（2002年8月16日……公告公布 自2002年8月23日起施行）".
var noteWords = []string{"通过", "批准", "修正", "修订", "公布", "发布", "颁布", "决定修改", "批准修改", "次修改"}

// maxNoteLines is the most lines one header note is spread over.
const maxNoteLines = 6

// header describes the header notes at the start of a document.
type header struct {
	note []bool    // note[i]: head[i] is part of a header note
	date time.Time // latest date of the notes (zero if none)
}

// readHeader finds the header notes of a law ("2019年3月22日……会议通过",
// possibly over several lines; "（……通过 根据2010年9月17日……修正）") and
// the date under the title of a speech ("（2023年3月1日）", "——2024年3月5日
// 在……上"), in the lines before the body starts. The date is the latest
// one given, not counting effective dates ("自……起施行").
func readHeader(head []line) header {
	h := header{note: make([]bool, len(head))}
	take := func(s string) {
		for _, d := range datesIn(s) {
			if d.After(h.date) {
				h.date = d
			}
		}
	}
	for i := 0; i < len(head); i++ {
		c := head[i].compact
		rest, full, ok := noteStart(c)
		if !ok {
			if hasAnyPrefix(c, "（", "(") && containsAny(c, noteWords) && utf8.RuneCountInString(c) > 8 {
				// "（上海市……通过 根据2010年9月17日……修正）"
				h.note[i] = true
				take(c)
				continue
			}
			if startsBody(head[i]) {
				break
			}
			continue
		}
		if full && hasAnyPrefix(rest, narrativeAfter...) && !listsDates(rest) {
			if startsBody(head[i]) {
				break // "2019年3月5日，国务院召开……。"
			}
			continue
		}
		done := func(rest string) bool {
			if full {
				return noteComplete(rest)
			}
			return hasAnySuffix(strings.TrimRight(rest, tailTrim+"，,；;"), noteWords...)
		}
		// gather adds the lines below i to the note until it is done.
		gather := func(rest string) (int, string, bool) {
			j := i
			for !done(rest) && j+1 < len(head) && j+1 < i+maxNoteLines {
				n := head[j+1]
				if _, _, start := noteStart(n.compact); start || hasAnySuffix(n.compact, "：", ":") ||
					strings.Contains(n.compact, "。") {
					break
				}
				rest += n.compact
				j++
			}
			return j, rest, done(rest)
		}
		j, rest, ok := gather(rest)
		if !ok {
			if startsBody(head[i]) {
				break // "2022年是……。"
			}
			continue
		}
		if full && strings.TrimRight(rest, tailTrim) == "" {
			// A date alone may head a note on the lines below it:
			// "2022年9月28日" / "内蒙古自治区……常务" / "委员会第三十七次会议批准".
			full = false
			if k, _, ok := gather(""); ok && k > i {
				j = k
			}
		}
		block := ""
		for k := i; k <= j; k++ {
			h.note[k] = true
			block += head[k].compact
		}
		take(block)
		i = j
	}
	return h
}

// noteStart reports whether c may start a header note: it starts with a
// date (full), or with a year whose date goes on on the next line
// ("根据2021年7月" / "29日……修正"). rest is what follows the date, or c
// when the date is not complete.
func noteStart(c string) (rest string, full, ok bool) {
	s := strings.TrimLeft(c, leadTrim)
	s = strings.TrimPrefix(s, "根据")
	if s == "" {
		return "", false, false
	}
	if len(s) > maxLineBytes {
		s = s[:maxLineBytes]
	}
	r := []rune(s)
	if _, end, ok := parseDateAt(r, 0); ok {
		return string(r[end:]), true, true
	}
	if len(r) >= 5 && r[4] == '年' {
		y := 0
		for _, d := range r[:4] {
			switch {
			case isDigit(d):
				y = y*10 + int(d-'0')
			case cnDigit[d] > 0 || d == '〇' || d == '○' || d == '零':
				y = y*10 + cnDigit[d]
			default:
				return "", false, false
			}
		}
		if y >= minYear && y <= maxYear {
			return c, false, true
		}
	}
	return "", false, false
}

// containsAny reports whether s contains one of words.
func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// headStandaloneDate returns the last date standing on a line of its own
// in the first lines, outside the header notes: the 落款 of a short notice
// whose attachment follows.
func headStandaloneDate(head []line, h header) (time.Time, []line, bool) {
	for i := len(head) - 1; i >= 0; i-- {
		if h.note[i] {
			continue
		}
		if d, ok := standaloneDate(head[i].compact); ok {
			var lines []line
			for j := i - 1; j >= 0 && j >= i-4 && !h.note[j]; j-- {
				if _, ok := orgList(head[j].text); !ok {
					break
				}
				lines = append([]line{head[j]}, lines...)
			}
			return d, lines, true
		}
	}
	return time.Time{}, nil, false
}

// tailDate finds the 落款 date: the last line near the end that is a date
// alone or an issuer followed by a date. lines are the issuer lines above it
// (or the issuer text on the same line). Lines not after the title
// (afterTitle) are not used.
func tailDate(tail []line, afterTitle *line) (t time.Time, issuer []line, ok bool) {
	start := max(0, len(tail)-tailDateLines)
	for i := len(tail) - 1; i >= start; i-- {
		l := tail[i]
		if afterTitle != nil && !afterTitle.before(l) {
			break
		}
		if d, ok := standaloneDate(l.compact); ok {
			var lines []line
			for j := i - 1; j >= 0 && j >= i-4; j-- {
				if afterTitle != nil && !afterTitle.before(tail[j]) {
					break
				}
				if _, ok := orgList(tail[j].text); !ok {
					break
				}
				lines = append([]line{tail[j]}, lines...)
			}
			return d, lines, true
		}
		if prefix, d, ok := trailingDate(l); ok {
			// Keep the spacing of the original text for splitting issuers.
			text := textPrefix(l.text, len([]rune(prefix)))
			if _, ok := orgList(text); ok {
				return d, []line{{text: text, compact: prefix}}, true
			}
		}
	}
	return t, nil, false
}

// textPrefix returns the part of text that holds its first n runes other
// than spaces.
func textPrefix(text string, n int) string {
	for i, r := range text {
		if n == 0 {
			return strings.TrimSpace(text[:i])
		}
		if r != ' ' {
			n--
		}
	}
	return text
}

// datesIn returns the dates in s that are not effective dates
// ("自2013年1月1日起施行", "2013年1月1日施行").
func datesIn(s string) []time.Time {
	r := []rune(s)
	var out []time.Time
	for i := 0; i < len(r); i++ {
		t, end, ok := parseDateAt(r, i)
		if !ok {
			continue
		}
		after := string(r[end:min(end+3, len(r))])
		if !(i > 0 && r[i-1] == '自') && !hasAnyPrefix(after, "起", "施行", "实施", "生效") {
			out = append(out, t)
		}
		i = end - 1
	}
	return out
}

// listsDates reports whether rest goes on with another date: "1993年12月24日，2020年12月23日……修正".
func listsDates(rest string) bool {
	r := []rune(strings.TrimLeft(rest, "，,、"))
	_, _, ok := parseDateAt(r, 0)
	return ok
}

// startsWithDate reports whether s starts with a date.
func startsWithDate(s string) bool {
	if len(s) > 64 {
		s = s[:64]
	}
	_, _, ok := parseDateAt([]rune(s), 0)
	return ok
}
