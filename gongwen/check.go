package gongwen

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Check: the 公文 format check. Check reads a draft's title and paragraphs
// and reports where they depart from the conventions of GB/T 9704-2012
// (党政机关公文格式) and the usage of 《党政机关公文处理工作条例》: the
// numbering of headings, the form of the 发文字号, of dates, paired
// punctuation, the title and the 附件说明. docs/format-check.md describes
// every rule with its source and an example.

// A Finding is one departure from the format conventions.
type Finding struct {
	// Line is the 1-based index of the paragraph; 0 means the title given
	// to Check, when it is not one of the paragraphs.
	Line int `json:"line"`
	// Rule is the stable identifier of the rule, one of the Rule* constants.
	Rule string `json:"rule"`
	// Message says what is wrong, in Chinese.
	Message string `json:"message"`
	// Expected is the expected form, in Chinese ("〔2023〕", "二、").
	Expected string `json:"expected"`
	// Fix, when set, corrects the finding mechanically (see ApplyFixes).
	Fix *Fix `json:"-"`
}

// A Fix replaces the bytes [Start, End) of paragraph Line, which hold Old,
// by New.
type Fix struct {
	Start, End int
	Old, New   string
}

// The rules of Check.
const (
	RuleHeadingJump       = "heading-jump"       // a heading level skipped where the document uses it elsewhere
	RuleHeadingOrder      = "heading-order"      // a lower level before the first of a higher one
	RuleHeadingNumber     = "heading-number"     // gaps, repeats and reversals in numbering
	RuleHeadingPunct      = "heading-punct"      // wrong punctuation after a number: （一）、 一. 1、
	RuleHeadingMixed      = "heading-mixed"      // two styles at one level: 1. and 1．
	RuleDocNumBracket     = "docnum-bracket"     // 发文字号 year not in 〔〕
	RuleDocNumYear        = "docnum-year"        // 发文字号 year not in four digits
	RuleDocNumSerial      = "docnum-serial"      // 发文字号 serial with 第, a leading zero or no 号
	RuleDateChinese       = "date-chinese"       // 成文日期 in Chinese numerals
	RuleDateInvalid       = "date-invalid"       // a date that does not exist
	RuleDateZero          = "date-zero"          // a date with leading zeros
	RulePunctPair         = "punct-pair"         // paired punctuation left open or mismatched
	RulePunctHalfWidth    = "punct-halfwidth"    // half-width punctuation in Chinese text
	RuleTitlePunct        = "title-punct"        // a title that ends with punctuation
	RuleAttachmentMissing = "attachment-missing" // a 附件 referred to but not listed
	RuleAttachmentNumber  = "attachment-number"  // 附件说明 numbered wrongly
)

// CheckRules lists every rule of Check.
var CheckRules = []string{
	RuleHeadingJump, RuleHeadingOrder, RuleHeadingNumber, RuleHeadingPunct, RuleHeadingMixed,
	RuleDocNumBracket, RuleDocNumYear, RuleDocNumSerial,
	RuleDateChinese, RuleDateInvalid, RuleDateZero,
	RulePunctPair, RulePunctHalfWidth, RuleTitlePunct,
	RuleAttachmentMissing, RuleAttachmentNumber,
}

// Limits of Check, so that any input costs bounded time and output.
const (
	// maxFindings is the most findings Check returns; a draft with more
	// has bigger problems than a longer list would show.
	maxFindings = 500
	// maxCheckParagraphs is the most paragraphs checked.
	maxCheckParagraphs = 20_000
	// maxCheckBytes is the most bytes of one paragraph checked.
	maxCheckBytes = 64 << 10
)

// Check returns the format findings of a draft, in the order of its lines.
// title is the draft's title ("" to take it from the first paragraphs);
// paragraphs are its paragraphs in order. At most maxFindings findings are
// returned, from the first maxCheckParagraphs paragraphs (each read up to
// maxCheckBytes).
func Check(title string, paragraphs []string) []Finding {
	if len(paragraphs) > maxCheckParagraphs {
		paragraphs = paragraphs[:maxCheckParagraphs]
	}
	ps := make([]string, len(paragraphs))
	for i, p := range paragraphs {
		if len(p) > maxCheckBytes {
			p = p[:maxCheckBytes]
		}
		ps[i] = p // not made valid UTF-8: fix offsets are offsets in the caller's text
	}
	c := &checker{ps: ps, quoted: make([]bool, len(ps))}
	c.layout = Structure(title, ps)
	c.segments()
	c.attachments()
	c.title(title)
	c.pairs()
	c.outline()
	c.docNumbers()
	c.dates()
	c.halfWidth()
	slices.SortStableFunc(c.out, func(a, b Finding) int { return cmp.Compare(a.Line, b.Line) })
	if len(c.out) > maxFindings {
		c.out = c.out[:maxFindings]
	}
	return c.out
}

// checker holds the state of one Check.
type checker struct {
	ps     []string
	layout Layout
	// seg[i] numbers the part of the document paragraph i belongs to: the
	// main document is 0, each attachment after it the next number.
	seg []int
	// listed holds the numbers of the attachments listed in the 附件说明
	// or labelled ("附件2") above an attachment; skip marks the
	// paragraphs of the 附件说明, which are not headings.
	listed map[int]bool
	skip   map[int]bool
	// quoted[i] is set when paragraph i is inside a quotation opened
	// above it: its numbers belong to the quoted text (set by pairs).
	quoted []bool
	// hasList is set when the document has a 附件说明 or attachment labels.
	hasList bool
	out     []Finding
}

// add records a finding on paragraph i (0-based); i = -1 is the title
// given to Check.
func (c *checker) add(i int, rule, message, expected string, fix *Fix) {
	if len(c.out) >= 4*maxFindings {
		return // enough to fill the report after sorting
	}
	c.out = append(c.out, Finding{Line: i + 1, Rule: rule, Message: message, Expected: expected, Fix: fix})
}

// fix returns a Fix of paragraph i replacing [start, end) by repl.
func (c *checker) fix(i, start, end int, repl string) *Fix {
	return &Fix{Start: start, End: end, Old: c.ps[i][start:end], New: repl}
}

// ApplyFixes returns a copy of paragraphs with the fixes of findings made.
// A fix is made only when its paragraph still holds its Old text at its
// place and it does not overlap a fix already made in that paragraph;
// findings without a fix, or on the title (line 0), are passed over.
func ApplyFixes(paragraphs []string, findings []Finding) []string {
	out := slices.Clone(paragraphs)
	byLine := make(map[int][]Fix)
	for _, f := range findings {
		if f.Fix == nil || f.Line < 1 || f.Line > len(out) {
			continue
		}
		byLine[f.Line-1] = append(byLine[f.Line-1], *f.Fix)
	}
	for i, fixes := range byLine {
		// Make them from the end of the paragraph, so that earlier
		// offsets stay valid; of overlapping fixes, the first listed wins.
		slices.SortStableFunc(fixes, func(a, b Fix) int { return cmp.Compare(a.Start, b.Start) })
		var kept []Fix
		end := -1
		for _, f := range fixes {
			p := paragraphs[i]
			if f.Start < 0 || f.End < f.Start || f.End > len(p) || p[f.Start:f.End] != f.Old || f.Start < end {
				continue
			}
			kept = append(kept, f)
			end = max(f.End, f.Start+1)
		}
		p := paragraphs[i]
		for j := len(kept) - 1; j >= 0; j-- {
			f := kept[j]
			p = p[:f.Start] + f.New + p[f.End:]
		}
		out[i] = p
	}
	return out
}

// isSpaceRune reports whether r is white space or a byte order mark.
func isSpaceRune(r rune) bool { return unicode.IsSpace(r) || r == '\uFEFF' }

// trimPara returns p without surrounding white space and the byte offset
// of what is left in p.
func trimPara(p string) (string, int) {
	t := strings.TrimLeftFunc(p, isSpaceRune)
	off := len(p) - len(t)
	return strings.TrimRightFunc(t, isSpaceRune), off
}

// runeBefore returns the rune that ends s[:i], or 0.
func runeBefore(s string, i int) rune {
	if i <= 0 {
		return 0
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return r
}

// runeAt returns the rune that starts s[i:], or 0.
func runeAt(s string, i int) rune {
	if i >= len(s) {
		return 0
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return r
}
