package chinese

import (
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Equivalences are the other ways a writer types the same words: an
// issuer's abbreviation for its full name (and back), numbers in Arabic for
// Chinese numerals (and back) in 第N条, years and dates, a 发文字号 with
// any brackets. Search adds the other forms of a query word as
// alternatives, so a query finds the text whichever form either uses.
// An Equivalences is read-only once made and safe for concurrent use.
type Equivalences struct {
	forms  map[string][]string // a form → its other forms
	maxLen int                 // runes of the longest form
}

// Abbreviation is one entry of the table: a short form and the full form
// texts print.
type Abbreviation struct {
	Short, Full string
}

//go:embed equiv.tsv
var equivTSV string

// BuiltinAbbreviations returns the abbreviations shipped with wengao
// (equiv.tsv), in file order.
func BuiltinAbbreviations() []Abbreviation {
	out, err := ParseAbbreviations(equivTSV)
	if err != nil {
		panic(err) // the embedded file is checked by the tests
	}
	return out
}

// ParseAbbreviations reads a table of abbreviations: one "short<TAB>full"
// a line, "#" starting a comment line.
func ParseAbbreviations(s string) ([]Abbreviation, error) {
	var out []Abbreviation
	for i, line := range strings.Split(s, "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		short, full, ok := strings.Cut(line, "\t")
		if !ok {
			return nil, fmt.Errorf("line %d: want short<TAB>full", i+1)
		}
		a := Abbreviation{Short: strings.TrimSpace(short), Full: strings.TrimSpace(full)}
		if err := a.Validate(); err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
		out = append(out, a)
	}
	return out, nil
}

// Validate reports whether a can be an entry: two different forms, each
// of 2 to 40 characters holding a word character.
func (a Abbreviation) Validate() error {
	for _, f := range []string{a.Short, a.Full} {
		n := utf8.RuneCountInString(f)
		if n < 2 || n > 40 || len(QueryRuns(f)) == 0 {
			return fmt.Errorf("%q: a form has 2 to 40 characters", f)
		}
	}
	if Normalize(a.Short) == Normalize(a.Full) {
		return fmt.Errorf("%q: the two forms are the same", a.Short)
	}
	return nil
}

// NewEquivalences returns the equivalences of the given abbreviations
// (usually BuiltinAbbreviations plus an operator's entries) and of
// numbers. A short form finds its full form always; a full form finds its
// short form when that has three characters or more, as two characters
// (人大, 国办) occur inside too many unrelated words (个人大额, 全国办理).
func NewEquivalences(abbrs []Abbreviation) *Equivalences {
	e := &Equivalences{forms: map[string][]string{}}
	add := func(from, to string) {
		if !slices.Contains(e.forms[from], to) {
			e.forms[from] = append(e.forms[from], to)
		}
		e.maxLen = max(e.maxLen, utf8.RuneCountInString(from))
	}
	for _, a := range abbrs {
		short, full := Normalize(a.Short), Normalize(a.Full)
		add(short, full)
		if utf8.RuneCountInString(short) >= 3 {
			add(full, short)
		}
	}
	return e
}

// maxAlternatives bounds the other forms one query word gets, and so the
// work it adds to a search.
const maxAlternatives = 4

// Alternatives returns the other forms of a query word as typed (not
// normalised), each normalised, at most maxAlternatives, or nil. A nil
// Equivalences knows only numbers and document numbers.
func (e *Equivalences) Alternatives(word string) []string {
	norm := Normalize(word)
	if len(norm) > 200 {
		return nil
	}
	var out []string
	add := func(s string) {
		if s != "" && s != norm && !slices.Contains(out, s) && len(out) < maxAlternatives {
			out = append(out, s)
		}
	}
	// A document number is one: its canonical form replaces the rest.
	if dn, ok := DocNumber(norm); ok {
		add(dn)
		if i := strings.LastIndex(dn, "〕"); i >= 0 {
			add(dn[:i+len("〕")] + "第" + dn[i+len("〕"):])
		}
		return out
	}
	bases := []string{norm}
	if n := NumeralsToChinese(norm); n != norm {
		bases = append(bases, n)
	}
	if n := NumeralsToArabic(norm); n != norm {
		bases = append(bases, n)
	}
	for _, b := range bases[1:] {
		add(b)
	}
	if e != nil {
		for _, b := range bases {
			for _, v := range e.replace(b) {
				add(v)
			}
		}
	}
	return out
}

// replace returns s with its forms replaced by their other forms: one
// string for each other form of the first form found, every later form
// replaced by its first other form. Forms are found longest first, left to
// right; one of two characters only at the start or end of s.
func (e *Equivalences) replace(s string) []string {
	rs := []rune(s)
	type hit struct {
		at, n int
		to    []string
	}
	var hits []hit
	for i := 0; i < len(rs); {
		found := false
		for n := min(e.maxLen, len(rs)-i); n >= 2; n-- {
			// A two-character form inside a word is mostly part of
			// other words (个人大额): it counts at either end alone.
			if n == 2 && i > 0 && i+n < len(rs) {
				continue
			}
			if to, ok := e.forms[string(rs[i:i+n])]; ok {
				hits = append(hits, hit{i, n, to})
				i += n
				found = true
				break
			}
		}
		if !found {
			i++
		}
	}
	if len(hits) == 0 {
		return nil
	}
	var out []string
	for k := range hits[0].to {
		var b strings.Builder
		last := 0
		for j, h := range hits {
			b.WriteString(string(rs[last:h.at]))
			if j == 0 {
				b.WriteString(h.to[k])
			} else {
				b.WriteString(h.to[0])
			}
			last = h.at + h.n
		}
		b.WriteString(string(rs[last:]))
		out = append(out, b.String())
	}
	return out
}

// Patterns of numbers as typed, in normalised text.
var (
	reOrdinalArabic  = regexp.MustCompile(`第(\d{1,4})(条|章|节|款|项|目|编|届|次|批|期|部分)`)
	reOrdinalChinese = regexp.MustCompile(`第([零〇一二两三四五六七八九十百千]{1,8})(条|章|节|款|项|目|编|届|次|批|期|部分)`)
	reYearArabic     = regexp.MustCompile(`((?:19|20)\d\d)年`)
	reYearChinese    = regexp.MustCompile(`([〇○零一二三四五六七八九]{4})年`)
	reMonthDayArabic = regexp.MustCompile(`(\d{1,2})(月|日)`)
	reMonthDayChines = regexp.MustCompile(`([一二三四五六七八九十]{1,3})(月|日)`)
)

// NumeralsToChinese returns s with the numbers of 第N条 (章, 节, 款, 项,
// 编, 届, 次, 批, 期), years and dates written in Chinese numerals, as
// texts print them: 第36条 → 第三十六条, 2023年5月1日 → 二〇二三年五月一日.
func NumeralsToChinese(s string) string {
	if !strings.ContainsAny(s, "0123456789") {
		return s
	}
	s = reOrdinalArabic.ReplaceAllStringFunc(s, func(m string) string {
		sub := reOrdinalArabic.FindStringSubmatch(m)
		n, _ := strconv.Atoi(sub[1])
		if n == 0 {
			return m
		}
		return "第" + ChineseNumber(n) + sub[2]
	})
	s = reYearArabic.ReplaceAllStringFunc(s, func(m string) string {
		var b strings.Builder
		for _, d := range m[:4] {
			b.WriteRune(chineseDigits[d-'0'])
		}
		return b.String() + "年"
	})
	return reMonthDayArabic.ReplaceAllStringFunc(s, func(m string) string {
		sub := reMonthDayArabic.FindStringSubmatch(m)
		n, _ := strconv.Atoi(sub[1])
		if n == 0 || (sub[2] == "月" && n > 12) || n > 31 {
			return m
		}
		return ChineseNumber(n) + sub[2]
	})
}

// NumeralsToArabic is the reverse of NumeralsToChinese: 第三十六条 → 第36条,
// 二〇二三年 → 2023年.
func NumeralsToArabic(s string) string {
	s = reOrdinalChinese.ReplaceAllStringFunc(s, func(m string) string {
		sub := reOrdinalChinese.FindStringSubmatch(m)
		n, ok := ParseChineseNumber(sub[1])
		if !ok {
			return m
		}
		return "第" + strconv.Itoa(n) + sub[2]
	})
	s = reYearChinese.ReplaceAllStringFunc(s, func(m string) string {
		var b strings.Builder
		for _, r := range strings.TrimSuffix(m, "年") {
			b.WriteByte(byte('0' + digitValue(r)))
		}
		return b.String() + "年"
	})
	if !strings.ContainsAny(s, "月日") {
		return s
	}
	return reMonthDayChines.ReplaceAllStringFunc(s, func(m string) string {
		sub := reMonthDayChines.FindStringSubmatch(m)
		n, ok := ParseChineseNumber(sub[1])
		if !ok || n > 31 {
			return m
		}
		return strconv.Itoa(n) + sub[2]
	})
}

var chineseDigits = []rune("〇一二三四五六七八九")

func digitValue(r rune) int {
	switch r {
	case '〇', '○', '零':
		return 0
	case '两':
		return 2
	}
	if i := slices.Index(chineseDigits, r); i > 0 {
		return i
	}
	return -1
}

// ChineseNumber writes n (1 to 9999) in Chinese numerals as laws number
// their articles: 十, 十一, 二十, 一百零五, 一百一十, 一千零一.
func ChineseNumber(n int) string {
	if n <= 0 || n > 9999 {
		return strconv.Itoa(n)
	}
	units := []string{"千", "百", "十", ""}
	vals := []int{1000, 100, 10, 1}
	var b strings.Builder
	zero := false
	for i, v := range vals {
		d := n / v % 10
		if d == 0 {
			if b.Len() > 0 {
				zero = true
			}
			continue
		}
		if zero {
			b.WriteRune('零')
			zero = false
		}
		if !(d == 1 && v == 10 && b.Len() == 0) { // 十一, not 一十一
			b.WriteRune(chineseDigits[d])
		}
		b.WriteString(units[i])
	}
	return b.String()
}

// ParseChineseNumber reads a number written in Chinese numerals (1 to
// 9999): 三十六, 一百零五, 十.
func ParseChineseNumber(s string) (int, bool) {
	total, digit := 0, -1
	seen := false
	for _, r := range s {
		seen = true
		switch r {
		case '十', '百', '千':
			unit := map[rune]int{'十': 10, '百': 100, '千': 1000}[r]
			if digit < 0 {
				if r != '十' || total != 0 {
					return 0, false
				}
				digit = 1
			}
			total += digit * unit
			digit = -1
		default:
			d := digitValue(r)
			if d < 0 || digit > 0 {
				return 0, false
			}
			digit = d
		}
	}
	if digit > 0 {
		total += digit
	}
	if !seen || total <= 0 || total > 9999 {
		return 0, false
	}
	return total, true
}

// reDocNumber is a 发文字号 as typed, normalised: the issuer's code, the
// year in any brackets or none (2019年 too), 第 or not, the number, 号 or
// not.
var reDocNumber = regexp.MustCompile(`^(\p{Han}{1,12}?)[\[\(（〔【［〖{<〈﹝]?((?:19|20)\d\d)(?:[\]\)）〕】］〗}>〉﹞]|年)?第?(\d{1,5})号?$`)

// DocNumber returns the 发文字号 that s (normalised) is typed as, in the
// printed form 国办发〔2019〕4号, or false when s is not one.
func DocNumber(s string) (string, bool) {
	s = strings.ReplaceAll(s, " ", "")
	m := reDocNumber.FindStringSubmatch(s)
	if m == nil || !(strings.HasSuffix(s, "号") || strings.ContainsAny(s, "[(（〔【［〖{<〈﹝")) {
		return "", false // 规划2021年3 is not one
	}
	n, _ := strconv.Atoi(m[3])
	return m[1] + "〔" + m[2] + "〕" + strconv.Itoa(n) + "号", true
}

// reArticle is a reference to an article typed as one word: 第36条,
// 第三十六条.
var reArticle = regexp.MustCompile(`^第([0-9]{1,4}|[零〇一二两三四五六七八九十百千]{1,8})条$`)

// ArticleNumber returns the number of the article s (normalised) names,
// or false when s is not a 第N条 alone.
func ArticleNumber(s string) (int, bool) {
	m := reArticle.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	if n, err := strconv.Atoi(m[1]); err == nil {
		return n, n > 0
	}
	return ParseChineseNumber(m[1])
}
