package gongwen

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The rules on the text: 发文字号, dates, paired and half-width
// punctuation, the title and the 附件说明.

// segments numbers the parts of the document: a part ends at the 成文日期
// of a 落款 (a date on a line of its own) and at the label of an
// attachment ("附件2"); what follows is another document, with its own
// outline.
func (c *checker) segments() {
	c.seg = make([]int, len(c.ps))
	s := 0
	for i, p := range c.ps {
		if _, ok := attachmentLabel(p); ok && i > 0 && !c.listOpener(i) {
			s++
		}
		c.seg[i] = s
		if i > 0 && len(p) < 200 && strings.Contains(p, "年") {
			if _, ok := standaloneDate(strings.ReplaceAll(cleanText(p), " ", "")); ok {
				s++
			}
		}
	}
}

// listOpener reports whether paragraph i is a bare "附件：" whose items
// follow on the lines below: the 附件说明, not an attachment's label.
func (c *checker) listOpener(i int) bool {
	t, _ := trimPara(c.ps[i])
	if t != "附件：" && t != "附件:" || i+1 >= len(c.ps) {
		return false
	}
	next, _ := trimPara(c.ps[i+1])
	return reAttachmentItem.MatchString(next)
}

// reAttachmentLabel matches the label above an attachment: "附件", "附件2",
// "附件 二：".
var reAttachmentLabel = regexp.MustCompile(`^附\s*件\s*(\d{1,2}|[一二三四五六七八九十]{1,3})?\s*[.．：:]?$`)

// reAttachmentTitled matches a label followed by the attachment's title on
// the same line: "附件1.某某方案", "附件2：某某名单".
var reAttachmentTitled = regexp.MustCompile(`^附件\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*[.．：:、]`)

// attachmentLabel returns the number of the attachment labelled by
// paragraph p (1 for a bare "附件").
func attachmentLabel(p string) (int, bool) {
	t, _ := trimPara(p)
	if len(t) > 40 {
		return 0, false
	}
	m := reAttachmentLabel.FindStringSubmatch(t)
	if m == nil {
		return 0, false
	}
	if m[1] == "" {
		return 1, true
	}
	return attachmentNumber(m[1]), true
}

// attachmentNumber reads "2" or "二".
func attachmentNumber(s string) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	r := []rune(s)
	n, w := cnSmall(r, 0)
	if w != len(r) {
		return 0
	}
	return n
}

// reAttachmentItem matches an item of the 附件说明 after "附件：" or on a
// line of its own: its number (maybe none) and separator.
var reAttachmentItem = regexp.MustCompile(`^(\d{1,2})\s*([.．、])\s*`)

// attachments reads the 附件说明 ("附件：1. ……" and the items below it),
// checks its numbering, and flags references in the body ("见附件3") to
// attachments it does not list.
func (c *checker) attachments() {
	c.listed = map[int]bool{}
	c.skip = map[int]bool{}
	type item struct {
		para, off int // paragraph and byte offset of the item's text
		n         int // its number, 0 if none
		numEnd    int // byte offset after its number and separator
		sep       string
	}
	var lists [][]item
	for i := 0; i < len(c.ps); i++ {
		if c.seg[i] != 0 {
			break
		}
		t, off := trimPara(c.ps[i])
		rest, ok := strings.CutPrefix(t, "附件：")
		if !ok {
			rest, ok = strings.CutPrefix(t, "附件:")
		}
		if !ok {
			continue
		}
		off += len(t) - len(rest)
		if strings.TrimSpace(rest) == "" {
			if !c.listOpener(i) {
				continue
			}
			// "附件：" alone, its items on the lines below.
			c.skip[i] = true
			i++
			rest, off = trimPara(c.ps[i])
		}
		var items []item
		for j := i; j < len(c.ps); j++ {
			s, o := rest, off
			if j > i {
				s, o = trimPara(c.ps[j])
				if s == "" || utf8.RuneCountInString(s) > 80 || strings.ContainsAny(s, "。；") {
					break
				}
			}
			it := item{para: j, off: o}
			if m := reAttachmentItem.FindStringSubmatchIndex(s); m != nil && !isDigit(runeAt(s, m[1])) {
				it.n, _ = strconv.Atoi(s[m[2]:m[3]])
				it.sep = s[m[4]:m[5]]
				it.numEnd = o + m[1]
			} else if j > i {
				// A line without a number ends the list, unless it goes
				// on with the title of the item above it (a long title
				// over two lines has no number).
				break
			}
			items = append(items, it)
			c.skip[j] = true
			i = j
		}
		lists = append(lists, items)
	}
	for _, items := range lists {
		c.hasList = true
		for k := range items {
			c.listed[k+1] = true
		}
		if len(items) == 1 {
			if it := items[0]; it.n > 0 {
				c.add(it.para, RuleAttachmentNumber, msgAttachSingle, "附件："+c.ps[it.para][it.numEnd:],
					c.fix(it.para, it.off, it.numEnd, ""))
			}
			continue
		}
		for k, it := range items {
			want := strconv.Itoa(k + 1)
			switch {
			case it.n != k+1:
				got := "无序号"
				if it.n > 0 {
					got = strconv.Itoa(it.n)
				}
				c.add(it.para, RuleAttachmentNumber, fmt.Sprintf(msgAttachNumber, want+".", got), want+".", nil)
			case it.sep != "." && it.sep != "．":
				got := c.ps[it.para][it.off:it.numEnd]
				c.add(it.para, RuleAttachmentNumber, fmt.Sprintf(msgAttachNumberForm, want+".", strings.TrimSpace(got)), want+".",
					c.fix(it.para, it.off, it.numEnd, want+"."))
			}
		}
	}
	for i, p := range c.ps {
		if c.skip[i] {
			continue // the 附件说明
		}
		if n, ok := attachmentLabel(p); ok {
			c.hasList = true
			c.listed[n] = true
			c.skip[i] = true
		} else if t, _ := trimPara(p); utf8.RuneCountInString(t) <= 80 && !strings.Contains(t, "。") {
			if m := reAttachmentTitled.FindStringSubmatch(t); m != nil {
				c.hasList = true
				c.listed[attachmentNumber(m[1])] = true
				c.skip[i] = true
			}
		}
	}

	// References in the body.
	reported := map[int]bool{}
	noList := false
	for i, p := range c.ps {
		if c.skip[i] || c.layout.Role(i) != RoleBody || !strings.Contains(p, "附件") {
			continue
		}
		for _, m := range reAttachmentRef.FindAllStringSubmatchIndex(p, -1) {
			if m[2] < 0 {
				if !c.hasList && !noList && strings.HasPrefix(p[m[0]:], "见") {
					noList = true
					c.add(i, RuleAttachmentMissing, msgAttachNoList, expAttachRef, nil)
				}
				continue
			}
			n := attachmentNumber(p[m[2]:m[3]])
			if n <= 0 || c.listed[n] || reported[n] || otherAnnex(p[:m[0]]) || strings.HasPrefix(p[m[1]:], "第") {
				continue
			}
			reported[n] = true
			c.add(i, RuleAttachmentMissing, fmt.Sprintf(msgAttachMissing, strings.TrimPrefix(p[m[0]:m[1]], "见")), expAttachRef, nil)
		}
	}
}

// otherAnnex reports whether the text before a reference to "附件一"
// names another document, whose annex it is: "《……基本法》附件一",
// "基本法附件二".
func otherAnnex(before string) bool {
	if strings.HasSuffix(before, "》") || strings.HasSuffix(before, "〉") {
		return true
	}
	for _, w := range []string{"法", "条例", "公约", "协定", "议定书", "章程"} {
		if strings.HasSuffix(before, w) {
			// "本法附件一" is this document's own annex; "基本法附件一" is not.
			return !strings.HasSuffix(before, "本"+w) || strings.HasSuffix(before, "基本法")
		}
	}
	return false
}

// reAttachmentRef matches a reference to an attachment: "附件3", "附件二",
// or "见附件" without a number.
var reAttachmentRef = regexp.MustCompile(`见?附件\s?(\d{1,2}|[一二三四五六七八九十]{1,3})?`)

// title flags a title that ends with punctuation. Without a title given,
// the first paragraph is taken when it reads like one (short, naming a
// 文种).
func (c *checker) title(title string) {
	line := -1
	t := strings.TrimSpace(title)
	if len(c.layout.Title) > 0 {
		line = c.layout.Title[len(c.layout.Title)-1]
	}
	if t == "" {
		for i, p := range c.ps {
			s, _ := trimPara(p)
			if s == "" {
				continue
			}
			if utf8.RuneCountInString(s) <= 60 && !strings.ContainsAny(strings.TrimRight(s, titleEnd), "。！？；") &&
				genreOf(strings.TrimRight(s, titleEnd)) != "" {
				t, line = s, i
			}
			break
		}
	}
	if t == "" {
		return
	}
	last, _ := utf8.DecodeLastRuneInString(t)
	if !strings.ContainsRune(titleEnd, last) {
		return
	}
	punct := strings.TrimRight(t, titleEnd)
	punct = t[len(punct):]
	var fix *Fix
	if line >= 0 {
		if p := strings.TrimRightFunc(c.ps[line], isSpaceRune); strings.HasSuffix(p, punct) {
			fix = c.fix(line, len(p)-len(punct), len(p), "")
		}
	}
	c.add(line, RuleTitlePunct, fmt.Sprintf(msgTitlePunct, punct), expNoPunct, fix)
}

// titleEnd are the marks a title must not end with; closing brackets and
// quotes may end it.
const titleEnd = "。，、；：！？…,.;:!?．"

// Patterns of 发文字号 with brackets of any kind around the year.
var (
	// The 发文字号 on a line of its own in the head.
	reHeadNumber = regexp.MustCompile(`^(\p{Han}{1,16})([〔\[【（(［﹝〖{｛〈<])(\d{1,4})([〕\]】）)］﹞〗}｝〉>])(第?)(\d{1,6})(号?)$`)
	// A 发文字号 of 2000 or later cited in the body with the wrong
	// brackets. Older numbers are cited as they were issued ("京高法
	// （1992）12号"), and a number with 第 is an announcement's, not a
	// 发文字号 ("公告（2019）第8号").
	reCitedBracket = regexp.MustCompile(`\p{Han}([\[【（(［﹝〖])(20\d\d)([\]】）)］﹞〗])\d{1,6}号`)
)

// docNumbers checks the 发文字号 in the head and those cited in the body.
func (c *checker) docNumbers() {
	head := -1
	seen := 0
	for i := 0; i < len(c.ps) && seen < 8; i++ {
		t, off := trimPara(c.ps[i])
		if t == "" {
			continue
		}
		seen++
		m := reHeadNumber.FindStringSubmatchIndex(t)
		if m == nil {
			continue
		}
		head = i
		g := func(k int) string { return t[m[2*k]:m[2*k+1]] }
		serial := strings.TrimLeft(g(6), "0")
		if serial == "" {
			serial = "0"
		}
		year := g(3)
		want := g(1) + "〔" + year + "〕" + serial + "号"
		if g(2) != "〔" || g(4) != "〕" {
			c.add(i, RuleDocNumBracket, fmt.Sprintf(msgDocNumBracket, g(2)+year+g(4)), want,
				c.fix(i, off+m[4], off+m[9], "〔"+year+"〕"))
		}
		if len(year) != 4 {
			c.add(i, RuleDocNumYear, fmt.Sprintf(msgDocNumYear, year), want, nil)
		}
		if g(5) != "" {
			c.add(i, RuleDocNumSerial, msgDocNumDi, want, c.fix(i, off+m[10], off+m[11], ""))
		}
		if serial != g(6) {
			c.add(i, RuleDocNumSerial, msgDocNumZero, want, c.fix(i, off+m[12], off+m[13], serial))
		}
		if g(7) == "" {
			c.add(i, RuleDocNumSerial, msgDocNumHao, want, c.fix(i, off+m[13], off+m[13], "号"))
		}
		break
	}
	for i, p := range c.ps {
		if i == head || !strings.Contains(p, "号") {
			continue
		}
		for _, m := range reCitedBracket.FindAllStringSubmatchIndex(p, -1) {
			year := p[m[4]:m[5]]
			got := p[m[2]:m[3]] + year + p[m[6]:m[7]]
			c.add(i, RuleDocNumBracket, fmt.Sprintf(msgDocNumBracket, got), "〔"+year+"〕",
				c.fix(i, m[2], m[7], "〔"+year+"〕"))
		}
	}
}

// Dates: Arabic (2023年5月6日, 5月6日) and Chinese (二〇二三年五月六日).
var (
	reChineseDate = regexp.MustCompile(`([〇○零一二三四五六七八九Ｏ]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十廿卅]{1,3})[日号]`)
)

// arabicDates finds the dates 2023年5月6日 and 5月6日 in p. Each is given
// as byte offsets: the date [0:2), the year [2:4) (-1 when none), the
// month [4:6) and the day [6:8). A number run into other digits
// ("12023年", "112月") is not a date.
func arabicDates(p string) [][8]int {
	var out [][8]int
	for at := 0; ; {
		k := strings.Index(p[at:], "月")
		if k < 0 {
			return out
		}
		k += at
		at = k + len("月")
		ms := k
		for ms > 0 && k-ms < 3 && isDigit(rune(p[ms-1])) {
			ms--
		}
		ds, de := at, at
		for de < len(p) && de-ds < 3 && isDigit(rune(p[de])) {
			de++
		}
		if k-ms == 0 || k-ms > 2 || de == ds || de-ds > 2 || !strings.HasPrefix(p[de:], "日") {
			continue
		}
		m := [8]int{ms, de + len("日"), -1, -1, ms, k, ds, de}
		if ys := ms - len("年"); ys >= 4 && strings.HasSuffix(p[:ms], "年") &&
			strings.Trim(p[ys-4:ys], "0123456789") == "" {
			m[0], m[2], m[3] = ys-4, ys-4, ys
		}
		if isDigit(runeBefore(p, m[0])) {
			continue
		}
		out = append(out, m)
	}
}

// daysIn returns the days of month m of year y (any leap year when y is 0).
func daysIn(y, m int) int {
	if y == 0 {
		y = 2000
	}
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// dates flags dates that do not exist, leading zeros in month and day,
// and a 成文日期 in Chinese numerals.
func (c *checker) dates() {
	for i, p := range c.ps {
		if !strings.Contains(p, "月") {
			continue
		}
		for _, m := range arabicDates(p) {
			y := 0
			if m[2] >= 0 {
				y, _ = strconv.Atoi(p[m[2]:m[3]])
			}
			ms, ds := p[m[4]:m[5]], p[m[6]:m[7]]
			mo, _ := strconv.Atoi(ms)
			d, _ := strconv.Atoi(ds)
			if mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) {
				c.invalidDate(i, p[m[0]:m[1]], mo)
				continue
			}
			if (len(ms) == 2 && ms[0] == '0') || (len(ds) == 2 && ds[0] == '0') {
				want := strconv.Itoa(mo) + "月" + strconv.Itoa(d) + "日"
				if y > 0 {
					want = strconv.Itoa(y) + "年" + want
				}
				c.add(i, RuleDateZero, msgDateZero, want, c.fix(i, m[0], m[1], want))
			}
		}
		var official bool // the paragraph is a 成文日期
		if strings.ContainsAny(p, "年") && len(p) < 200 {
			_, official = standaloneDate(strings.ReplaceAll(cleanText(p), " ", ""))
			official = official || c.layout.Role(i) == RoleDate
		}
		for _, m := range reChineseDate.FindAllStringSubmatchIndex(p, -1) {
			r := []rune(p[m[0]:m[1]])
			y := 0
			for _, d := range r[:4] {
				y = y*10 + cnDigit[d]
			}
			mo, mw := cnSmall(r, 5)
			d, dw := cnSmall(r, 6+mw)
			if mw == 0 || dw == 0 || 5+mw >= len(r) || r[5+mw] != '月' || 6+mw+dw != len(r)-1 {
				continue // 十十 and other non-numbers
			}
			if mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) {
				c.invalidDate(i, p[m[0]:m[1]], mo)
				continue
			}
			if official {
				want := FormatDate(time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC))
				c.add(i, RuleDateChinese, msgDateChinese, want, c.fix(i, m[0], m[1], want))
			}
		}
	}
}

// invalidDate records a date that does not exist.
func (c *checker) invalidDate(i int, date string, month int) {
	exp := "存在的日期"
	if month >= 1 && month <= 12 {
		exp = fmt.Sprintf(expDateValid, month, daysIn(2001, month))
		if month == 2 {
			exp = "存在的日期（2月共28天，闰年29天）"
		}
	}
	c.add(i, RuleDateInvalid, fmt.Sprintf(msgDateInvalid, date), exp, nil)
}

// Paired punctuation.
var (
	pairOpen  = map[rune]rune{'《': '》', '“': '”', '‘': '’', '（': '）', '(': ')', '〔': '〕', '【': '】'}
	pairClose = map[rune]rune{'》': '《', '”': '“', '’': '‘', '）': '（', ')': '(', '〕': '〔', '】': '【'}
)

// pairFamily makes full-width and half-width brackets one family.
func pairFamily(r rune) rune {
	switch r {
	case '(':
		return '（'
	case ')':
		return '）'
	}
	return r
}

// maxPairFindings is the most punct-pair findings of one paragraph;
// maxOpenMarks is the most marks kept open at once.
const (
	maxPairFindings = 3
	maxOpenMarks    = 64
)

// How many paragraphs down a mark may be closed: a title or a header note
// over several lines closes on a later line, a quotation of several
// paragraphs in its last one.
const (
	pairCarry  = 6
	quoteCarry = 30
)

// pairMark is an opening mark of a pair, with its paragraph.
type pairMark struct {
	r    rune
	para int
}

// markQuoted marks the paragraphs after o's down to para as quoted when o
// opens a quotation.
func (c *checker) markQuoted(o pairMark, para int) {
	if o.r != '“' {
		return
	}
	for k := o.para + 1; k <= para; k++ {
		c.quoted[k] = true
	}
}

// pairs flags paired punctuation left open, closed without opening or
// closed by the wrong mark, and marks the paragraphs inside a quotation
// opened above them (c.quoted). A mark may be closed a few paragraphs further
// down (pairCarry, quoteCarry), and a quotation that goes on over several
// paragraphs may open each of them with “ and close only the last. Table
// rows (with tabs or "|") are skipped.
func (c *checker) pairs() {
	var stack []pairMark
	count := map[int]int{}
	report := func(i int, format string, a, b rune) {
		if count[i] < maxPairFindings {
			c.add(i, RulePunctPair, fmt.Sprintf(format, string(a), string(b)), "", nil)
		}
		count[i]++
	}
	reportOpen := func(o pairMark) { report(o.para, msgPairOpen, o.r, pairOpen[o.r]) }
	for i, p := range c.ps {
		kept := stack[:0]
		for _, o := range stack {
			limit := pairCarry
			if o.r == '“' || o.r == '‘' {
				limit = quoteCarry
			}
			if i-o.para > limit {
				reportOpen(o)
			} else {
				kept = append(kept, o)
			}
		}
		stack = kept
		t, start := trimPara(p)
		if strings.HasPrefix(t, "|") || strings.Contains(t, "\t") ||
			!strings.ContainsAny(t, "《》“”‘’（）()〔〕【】") {
			continue
		}
		if strings.HasPrefix(t, "“") && len(stack) > 0 && stack[len(stack)-1].r == '“' {
			start += len("“") // the quotation goes on
		} else {
			start = 0
		}
		for off, r := range p[start:] {
			off += start
			if _, ok := pairOpen[r]; ok {
				if prev := runeBefore(p, off); r == '“' && (prev == '：' || prev == ':') {
					// A new quotation ("修改为：“") while one of an
					// earlier paragraph is still open: that one was left
					// open by mistake.
					for k := 0; k < len(stack); k++ {
						if stack[k].r == '“' && stack[k].para < i {
							reportOpen(stack[k])
							stack = slices.Delete(stack, k, k+1)
							k--
						}
					}
				}
				if len(stack) == maxOpenMarks {
					reportOpen(stack[0]) // nested too deep to be prose
					stack = slices.Delete(stack, 0, 1)
				}
				stack = append(stack, pairMark{r, i})
				continue
			}
			want, ok := pairClose[r]
			if !ok {
				continue
			}
			if r == '’' && isLatin(runeBefore(p, off)) {
				continue // an apostrophe
			}
			j := len(stack) - 1
			for j >= 0 && pairFamily(stack[j].r) != pairFamily(want) {
				j--
			}
			if j < 0 && (r == ')' || r == '）') && enumeratorBefore(p, off) {
				continue // "1）", "a)"
			}
			top := len(stack) - 1
			switch {
			case j < 0 && top >= 0 && stack[top].para == i && stack[top].r != '“' && stack[top].r != '‘' &&
				r != '”' && r != '’':
				// "（……】": one bracket closed by another.
				report(i, msgPairMismatch, stack[top].r, r)
				stack = stack[:top]
			case j < 0:
				report(i, msgPairClose, r, want)
			case j == len(stack)-1:
				c.markQuoted(stack[j], i)
				stack = stack[:j]
			default:
				report(i, msgPairMismatch, stack[len(stack)-1].r, r)
				c.markQuoted(stack[j], i)
				stack = stack[:j]
			}
		}
	}
	for _, o := range stack {
		reportOpen(o)
	}
}

// enumeratorBefore reports whether the closing bracket at p[off] ends a
// list number such as "1）" or "a)" (up to two letters or digits after
// the start, white space or punctuation).
func enumeratorBefore(p string, off int) bool {
	i := off
	for k := 0; k < 3; k++ {
		r := runeBefore(p, i)
		if r == 0 || isSpaceRune(r) || strings.ContainsRune("，。；：、,;:", r) {
			return k > 0
		}
		if !(isDigit(r) || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('０' <= r && r <= '９') ||
			strings.ContainsRune("一二三四五六七八九十", r)) {
			return false
		}
		i -= utf8.RuneLen(r)
	}
	return false
}

// isLatin reports whether r is an ASCII letter.
func isLatin(r rune) bool { return ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') }

// halfWidthFull maps half-width punctuation to its full-width form.
var halfWidthFull = map[byte]string{',': "，", ';': "；", ':': "：", '?': "？", '!': "！", '(': "（", ')': "）"}

// halfWidth flags half-width punctuation in Chinese text: , ; : after a
// Chinese character and before one (or a digit, or an opening mark), ? !
// after a Chinese character, and ( ) around or next to Chinese text. It
// gives one finding per paragraph, whose fix covers every mark.
func (c *checker) halfWidth() {
	for i, p := range c.ps {
		if !strings.ContainsAny(p, ",;:?!()") {
			continue
		}
		var at []int // byte offsets of the marks to replace
		var parens []int
		for off := 0; off < len(p); off++ {
			b := p[off]
			switch b {
			case ',', ';', ':':
				next := runeAt(p, off+1)
				if isHan(runeBefore(p, off)) && (isHan(next) || isDigit(next) || strings.ContainsRune("“《（", next)) {
					at = append(at, off)
				}
			case '?', '!':
				next := runeAt(p, off+1)
				if isHan(runeBefore(p, off)) && (next == 0 || isHan(next) || isSpaceRune(next) || strings.ContainsRune("”》）", next)) {
					at = append(at, off)
				}
			case '(':
				parens = append(parens, off)
			case ')':
				if len(parens) == 0 {
					continue
				}
				o := parens[len(parens)-1]
				parens = parens[:len(parens)-1]
				inner := p[o+1 : off]
				if t, toff := trimPara(p); toff == o && len(inner) <= 3 && strings.Trim(inner, "0123456789一二三四五六七八九十") == "" && len(t) > 0 {
					continue // a heading marker "(1)": heading-punct
				}
				if len(inner) == 4 && strings.Trim(inner, "0123456789") == "" && isDigit(runeAt(p, off+1)) {
					continue // the year of a 发文字号 "国发(2019)4号": docnum-bracket
				}
				if isHan(runeBefore(p, o)) || isHan(runeAt(p, off+1)) || strings.ContainsFunc(inner, isHan) {
					at = append(at, o, off)
				}
			}
		}
		if len(at) == 0 {
			continue
		}
		slices.Sort(at)
		start, end := at[0], at[len(at)-1]+1
		var b strings.Builder
		seen := map[string]bool{}
		var got, want []string
		last := start
		for _, off := range at {
			b.WriteString(p[last:off])
			b.WriteString(halfWidthFull[p[off]])
			last = off + 1
			if !seen[p[off:off+1]] {
				seen[p[off:off+1]] = true
				got = append(got, p[off:off+1])
				want = append(want, halfWidthFull[p[off]])
			}
		}
		c.add(i, RulePunctHalfWidth, fmt.Sprintf(msgHalfWidth, strings.Join(want, ""), strings.Join(got, "")),
			strings.Join(want, ""), c.fix(i, start, end, b.String()))
	}
}
