package gongwen

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wengao/wengao/chinese"
)

// The outline rules: the numbering of headings (层次序数). GB/T 9704-2012
// 7.3.3 sets the order 一、 > （一） > 1. > （1）; laws number 第X编 > 第X章 >
// 第X节 > 第X条 > （一） (项) > 1. (目), as the 立法技术规范 of the NPC
// standing committee does. chinese.Markers finds the markers.

// heading is one numbering marker, with where it stands.
type heading struct {
	kind   chinese.HeadingKind
	n      int
	para   int
	off    int    // byte offset of the marker in its paragraph
	marker string // as written, without the punctuation wrongly put after it
	// bad is the wrong punctuation written after the marker ("、" in
	// "（一）、") or, for 一 with a wrong separator, that separator.
	bad string
}

// headingChain is the sequence of levels that must not be skipped or
// reversed: 一、 （一） 1. （1） in a 公文, 第X条 （一） 1. （1） in a law.
func headingChain(law bool) []chinese.HeadingKind {
	if law {
		return []chinese.HeadingKind{chinese.HeadingTiao, chinese.HeadingHanParen, chinese.HeadingArabicDot, chinese.HeadingArabicParen}
	}
	return []chinese.HeadingKind{chinese.HeadingHanComma, chinese.HeadingHanParen, chinese.HeadingArabicDot, chinese.HeadingArabicParen}
}

// headingRank orders the kinds by depth: 编 is 0. In a law an article
// (第X条) sits below 节 and 一、 and above its items （一）.
func headingRank(k chinese.HeadingKind, law bool) int {
	if !law {
		return int(k)
	}
	switch {
	case k == chinese.HeadingTiao:
		return int(chinese.HeadingHanParen)
	case k >= chinese.HeadingHanParen:
		return int(k) + 1
	}
	return int(k)
}

// headings returns the numbering markers of the document that the
// outline rules look at, and whether the document is a law (has two or
// more articles).
func (c *checker) headings() ([]heading, bool) {
	marks := chinese.Markers(markerText(c.ps))
	var out []heading
	articles := 0
	at := 0 // next mark
	for i, p := range c.ps {
		var h heading
		found := false
		for at < len(marks) && marks[at].Paragraph < i {
			at++
		}
		if at < len(marks) && marks[at].Paragraph == i {
			m := marks[at]
			// A marker without text is a heading whose text is on the
			// next line ("（三）" / "持续发展"); it counts.
			h = heading{kind: m.Kind, n: m.N, para: i, off: m.Offset, marker: m.Text}
			found = true
		} else if hh, ok := badHanComma(p, i); ok {
			h, found = hh, true
		}
		if !found || c.skip[i] || c.quoted[i] || c.layout.Role(i) != RoleBody {
			continue
		}
		if h.kind == chinese.HeadingTiao {
			articles++
		}
		out = append(out, h)
	}
	law := articles >= 2
	if !law {
		// An article cited at the start of a paragraph of a 公文 is not
		// part of its outline.
		kept := out[:0]
		for _, h := range out {
			if h.kind != chinese.HeadingTiao {
				kept = append(kept, h)
			}
		}
		out = kept
	}
	return out, law
}

// markerText returns ps with the private-use and format characters that
// lead some paragraphs of converted text blanked out (with as many bytes
// of spaces, so that offsets stay valid): "\ue003 第一条" is an article.
func markerText(ps []string) []string {
	var out []string
	for i, p := range ps {
		j := 0
		for j < len(p) {
			r, size := utf8.DecodeRuneInString(p[j:])
			if !unicode.Is(unicode.Co, r) && !unicode.Is(unicode.Cf, r) && !isSpaceRune(r) {
				break
			}
			j += size
		}
		if j == 0 || strings.TrimSpace(p[:j]) == "" {
			continue
		}
		if out == nil {
			out = slices.Clone(ps)
		}
		out[i] = strings.Repeat(" ", j) + p[j:]
	}
	if out == nil {
		return ps
	}
	return out
}

// badHanComma recognises a first-level marker written with a wrong
// separator: "一．", "二.", "三，" followed by text.
func badHanComma(p string, i int) (heading, bool) {
	t, off := trimPara(p)
	n, w := chinese.ParseHanNumber(t)
	if n <= 0 || n > 99 || w == 0 {
		return heading{}, false
	}
	sep, size := utf8.DecodeRuneInString(t[w:])
	switch sep {
	case '.', '．', '，', ',':
	default:
		return heading{}, false
	}
	rest := t[w+size:]
	next, _ := utf8.DecodeRuneInString(rest)
	if rest == "" || isDigit(next) || strings.ContainsRune("，。、；：.．", next) {
		return heading{}, false
	}
	return heading{kind: chinese.HeadingHanComma, n: n, para: i, off: off, marker: t[:w], bad: string(sep)}, true
}

// outline runs the outline rules.
func (c *checker) outline() {
	hs, law := c.headings()
	if len(hs) == 0 {
		return
	}
	c.headingPunct(hs)
	// The rules of order and numbering, one part of the document at a time.
	for start := 0; start < len(hs); {
		end := start + 1
		for end < len(hs) && c.seg[hs[end].para] == c.seg[hs[start].para] {
			end++
		}
		c.headingSequence(hs[start:end], law)
		start = end
	}
}

// arabicDot returns the separator of an Arabic-numbered marker ("1." gives
// "."), or "" when it is not "." or "．".
func arabicDot(h heading) string {
	if h.kind != chinese.HeadingArabicDot {
		return ""
	}
	switch {
	case strings.HasSuffix(h.marker, "."):
		return "."
	case strings.HasSuffix(h.marker, "．"):
		return "．"
	}
	return ""
}

// headingPunct flags wrong punctuation after numbers and two styles at
// one level.
func (c *checker) headingPunct(hs []heading) {
	dots := map[string]int{}
	for _, h := range hs {
		if d := arabicDot(h); d != "" {
			dots[d]++
		}
	}
	dot := "."
	if dots["．"] > dots["."] {
		dot = "．"
	}
	for _, h := range hs {
		p := c.ps[h.para]
		end := h.off + len(h.marker)
		want := ""
		switch h.kind {
		case chinese.HeadingHanComma:
			if h.bad != "" {
				want = h.marker + "、"
				end += len(h.bad)
			}
		case chinese.HeadingHanParen, chinese.HeadingArabicParen:
			if !strings.HasPrefix(h.marker, "（") && !strings.HasPrefix(h.marker, "(") {
				continue // ⑴ ㈠
			}
			canon := "（" + strings.TrimRight(strings.TrimLeft(h.marker, "（("), "）)") + "）"
			extra := leadingPunct(p[end:])
			if canon != h.marker || extra != "" {
				want = canon
				end += len(extra)
			}
		case chinese.HeadingArabicDot:
			if strings.HasSuffix(h.marker, "、") {
				want = strings.TrimSuffix(h.marker, "、") + dot
			} else if d := arabicDot(h); d != "" && d != dot && dots["．"] > 0 && dots["."] > 0 {
				want = strings.TrimSuffix(h.marker, d) + dot
				c.add(h.para, RuleHeadingMixed, fmt.Sprintf(msgHeadingMixed, "1"+dot, "1"+d), want,
					c.fix(h.para, h.off, end, want))
				continue
			}
		}
		if want == "" {
			continue
		}
		c.add(h.para, RuleHeadingPunct, fmt.Sprintf(msgHeadingPunct, p[h.off:end]), want,
			c.fix(h.para, h.off, end, want))
	}
}

// leadingPunct returns the punctuation mark that wrongly follows a
// bracketed number at the start of s: "、" in "（一）、加强……".
func leadingPunct(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	switch r {
	case '、', '.', '．', '，', ',':
		return s[:size]
	}
	return ""
}

// headingSequence checks the order and numbering of the headings of one
// part of the document.
func (c *checker) headingSequence(hs []heading, law bool) {
	chain := headingChain(law)
	chainIndex := func(k chinese.HeadingKind) int {
		for i, x := range chain {
			if x == k {
				return i
			}
		}
		return -1
	}
	rank := func(k chinese.HeadingKind) int { return headingRank(k, law) }

	// first[k] is the index in hs of the first heading of kind k.
	var first [chinese.NumHeadingKinds]int
	for k := range first {
		first[k] = -1
	}
	for i, h := range hs {
		if first[h.kind] < 0 {
			first[h.kind] = i
		}
	}

	var (
		stack    []heading                         // the open headings, outermost first
		last     [chinese.NumHeadingKinds]int      // number of the last heading of each kind in the current list
		carry    [chinese.NumHeadingKinds]int      // number of the last heading of the previous list (numbering may go on)
		jumped   = map[int]bool{}                  // parents already reported for a jump
		reported [chinese.NumHeadingKinds]bool     // kinds already reported for reversed order
		example  [chinese.NumHeadingKinds]*heading // a heading of each kind, to show its style
		lastPara [chinese.NumHeadingKinds]int      // paragraph of the last heading of each kind
	)
	for i := range hs {
		if example[hs[i].kind] == nil {
			example[hs[i].kind] = &hs[i]
		}
	}
	for i, h := range hs {
		for len(stack) > 0 && rank(stack[len(stack)-1].kind) >= rank(h.kind) {
			stack = stack[:len(stack)-1]
		}
		ci := chainIndex(h.kind)
		var parent *heading
		if len(stack) > 0 {
			parent = &stack[len(stack)-1]
		}
		pi := -1
		if parent != nil {
			pi = chainIndex(parent.kind)
		}
		switch {
		case ci > 0 && pi >= 0 && ci > pi+1:
			// A level skipped: reported when the document uses the
			// skipped level elsewhere (a short document may leave a
			// level out altogether).
			skipped := chain[pi+1]
			if first[skipped] >= 0 && !jumped[parent.para] {
				jumped[parent.para] = true
				want := markerLike(*example[skipped], 1)
				c.add(h.para, RuleHeadingJump,
					fmt.Sprintf(msgHeadingJump, parent.marker, want, h.marker), want, nil)
			}
		case ci > 0 && pi < 0 && !reported[h.kind]:
			// No higher level open: a higher level of the chain that
			// first comes later means the order is reversed.
			for _, k := range chain[:ci] {
				if first[k] > i {
					reported[h.kind] = true
					c.add(h.para, RuleHeadingOrder,
						fmt.Sprintf(msgHeadingOrder, h.marker, hs[first[k]].marker), hs[first[k]].marker, nil)
					break
				}
			}
		}

		// Numbering. A list starts again under each new parent; it may
		// start at 1 or go on from the previous list (（一）…（二十七）
		// across the parts of a State Council document). A 1 always
		// starts a new list. Items run into the paragraph above
		// ("……职责： （一）……；") fill a gap.
		k := h.kind
		from := h.para
		if last[k] > 0 {
			from = lastPara[k]
		} else if parent != nil {
			from = parent.para
		}
		switch {
		case h.n == 1:
		case last[k] == 0:
			// The previous list may have gone on inline, above the parent.
			if h.n != carry[k]+1 && !c.inlineItems(h, 1, from) && !c.inlineItems(h, carry[k]+1, lastPara[k]) {
				want := markerLike(h, 1)
				c.add(h.para, RuleHeadingNumber, fmt.Sprintf(msgHeadingFirst, want, h.marker), want, nil)
			}
		case h.n == last[k]:
			c.add(h.para, RuleHeadingNumber, fmt.Sprintf(msgHeadingRepeat, h.marker), markerLike(h, last[k]+1), nil)
		case h.n > last[k]+1:
			if !c.inlineItems(h, last[k]+1, from) {
				want := markerLike(h, last[k]+1)
				c.add(h.para, RuleHeadingNumber,
					fmt.Sprintf(msgHeadingGap, markerLike(h, last[k]), want, h.marker), want, nil)
			}
		case h.n < last[k]:
			want := markerLike(h, last[k]+1)
			c.add(h.para, RuleHeadingNumber,
				fmt.Sprintf(msgHeadingBack, markerLike(h, last[k]), want, h.marker), want, nil)
		}
		lastPara[k] = h.para
		last[k] = max(h.n, last[k])
		if h.n == 1 {
			last[k] = 1
		}
		// The lists below this heading start anew (articles are numbered
		// through the whole law).
		for j := range last {
			kj := chinese.HeadingKind(j)
			if rank(kj) > rank(k) && !(law && kj == chinese.HeadingTiao) && last[j] > 0 {
				carry[j], last[j] = last[j], 0
			}
		}
		stack = append(stack, h)
	}
}

// maxInlineParas and maxInlineBytes bound the text searched for items run
// into the paragraphs above a heading.
const (
	maxInlineParas = 20
	maxInlineBytes = 8 << 10
)

// inlineItems reports whether the items before h, from number from on, are
// run into the text of the paragraphs para..h.para-1 rather than starting
// paragraphs of their own: whether the number just before h's is written
// there (the items before it are taken on trust, as the text searched is
// bounded).
func (c *checker) inlineItems(h heading, from, para int) bool {
	if h.n-1 < from {
		return false
	}
	want := markerLike(h, h.n-1)
	size := 0
	for i := h.para - 1; i >= para && i >= h.para-maxInlineParas && size < maxInlineBytes; i-- {
		p := c.ps[i]
		if len(p) > maxInlineBytes-size {
			p = p[len(p)-(maxInlineBytes-size):]
		}
		if strings.Contains(p, want) {
			return true
		}
		size += len(p)
	}
	return false
}

// markerLike writes the marker of number n in the style of h: "（三）"
// for h "（一）", "3." for h "1.".
func markerLike(h heading, n int) string {
	han := hanNumeral(n)
	switch h.kind {
	case chinese.HeadingBian:
		return "第" + han + "编"
	case chinese.HeadingFenbian:
		return "第" + han + "分编"
	case chinese.HeadingZhang:
		return "第" + han + "章"
	case chinese.HeadingJie:
		return "第" + han + "节"
	case chinese.HeadingTiao:
		return "第" + han + "条"
	case chinese.HeadingHanComma:
		return han + "、"
	case chinese.HeadingHanParen:
		return "（" + han + "）"
	case chinese.HeadingArabicDot:
		sep := "."
		for _, d := range []string{"．", "、"} {
			if strings.HasSuffix(h.marker, d) {
				sep = d
			}
		}
		return strconv.Itoa(n) + sep
	case chinese.HeadingArabicParen:
		return "（" + strconv.Itoa(n) + "）"
	case chinese.HeadingCircled:
		if n >= 1 && n <= 20 {
			return string(rune('①' + n - 1))
		}
	}
	return strconv.Itoa(n)
}

// hanNumeral writes n (1 to 9999) in Chinese numerals as headings number
// them: 三, 十二, 二十, 一百零五.
func hanNumeral(n int) string {
	const digits = "零一二三四五六七八九"
	d := func(i int) string { return string([]rune(digits)[i]) }
	if n <= 0 || n > 9999 {
		return strconv.Itoa(n)
	}
	if n < 10 {
		return d(n)
	}
	if n < 20 {
		if n == 10 {
			return "十"
		}
		return "十" + d(n-10)
	}
	var b strings.Builder
	units := []struct {
		v    int
		name string
	}{{1000, "千"}, {100, "百"}, {10, "十"}, {1, ""}}
	zero := false
	started := false
	for _, u := range units {
		q := n / u.v % 10
		if q == 0 {
			zero = started
			continue
		}
		if zero {
			b.WriteString("零")
			zero = false
		}
		b.WriteString(d(q) + u.name)
		started = true
	}
	return b.String()
}
