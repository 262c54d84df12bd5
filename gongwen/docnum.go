package gongwen

import (
	"regexp"
	"strings"
)

// Parts of a 发文字号: the issuer's code, which may hold a bracketed part
// ("法（经）复", "法〔民〕法"), and the year in brackets of any kind.
const (
	numberPrefix = `(?:\p{Han}|[（(〔【〈\[]\p{Han}{1,4}[）)〕】〉\]]){1,16}`
	yearBracket  = `[〔\[【（(［﹝〖{｛〈<]((?:19|20)?\d\d)[〕\]】）)］﹞〗}｝〉>]`
)

// Patterns of a 发文字号, matched against a whole line without white space.
var (
	// 国办发〔2019〕4号, 财预[2020]10号, 法（经）复〔1989〕1号, 京政发〔2019〕第3号.
	reNumber = regexp.MustCompile(`^(` + numberPrefix + `)` + yearBracket + `(第?)(\d{1,6})号$`)
	// 〔1990〕法民字第2号, 〔89〕高检会（研）字第12号 (older order: year first).
	reNumberYearFirst = regexp.MustCompile(`^` + yearBracket + `(` + numberPrefix + `?)(第?)(\d{1,6})号$`)
	// 国务院令第708号, 中华人民共和国主席令第三十一号.
	reOrder = regexp.MustCompile(`^\p{Han}{1,30}令第[0-9〇零一二三四五六七八九十百千]{1,10}号$`)
	// 第708号令.
	reOrderAfter = regexp.MustCompile(`^第[0-9〇零一二三四五六七八九十百千]{1,10}号令$`)
	// 第708号 on the line below "中华人民共和国国务院令".
	reOrderNumber = regexp.MustCompile(`^第[0-9〇零一二三四五六七八九十百千]{1,10}号$`)
)

// numberLabels precede a 发文字号 in web page layouts.
var numberLabels = []string{"发文字号：", "发文字号:", "文号：", "文号:", "字号：", "字号:"}

// parseDocNumber parses a line (without white space) that is a 发文字号 and
// returns it in normal form.
func parseDocNumber(s string) (string, bool) {
	if len(s) > 160 || !strings.Contains(s, "号") {
		return "", false
	}
	for _, l := range numberLabels {
		if strings.HasPrefix(s, l) {
			s = s[len(l):]
			break
		}
	}
	// "国发〔2019〕5号 签发人：李克强" in the 版头 of a 上行文.
	if i := strings.Index(s, "签发人"); i > 0 {
		s = s[:i]
	}
	if n, ok := matchDocNumber(s); ok {
		return n, true
	}
	// "（国发〔2019〕4号）" under a reprinted title.
	for _, w := range [][2]string{{"（", "）"}, {"(", ")"}, {"〔", "〕"}, {"[", "]"}, {"【", "】"}} {
		if strings.HasPrefix(s, w[0]) && strings.HasSuffix(s, w[1]) && len(s) > len(w[0])+len(w[1]) {
			if n, ok := matchDocNumber(s[len(w[0]) : len(s)-len(w[1])]); ok {
				return n, true
			}
		}
	}
	return "", false
}

// notInNumber are words of a sentence, not of a 发文字号's issuer code.
var notInNumber = []string{"关于", "的", "适用", "根据", "按照", "依据", "见", "号", "和", "及"}

func matchDocNumber(s string) (string, bool) {
	if m := reNumber.FindStringSubmatch(s); m != nil && !containsAny(m[1], notInNumber) {
		return m[1] + "〔" + m[2] + "〕" + m[3] + m[4] + "号", true
	}
	if m := reNumberYearFirst.FindStringSubmatch(s); m != nil && !containsAny(m[2], notInNumber) {
		return "〔" + m[1] + "〕" + m[2] + m[3] + m[4] + "号", true
	}
	if reOrder.MatchString(s) || reOrderAfter.MatchString(s) {
		return s, true
	}
	return "", false
}

// isOrderHeader reports whether s is the 版头 of an order, such as
// "中华人民共和国国务院令", whose number is on the next line.
func isOrderHeader(s string) bool {
	n := len([]rune(s))
	if !strings.HasSuffix(s, "令") || n < 3 || n > 30 {
		return false
	}
	return strings.HasSuffix(s, "主席令") || isOrgs(strings.TrimSuffix(s, "令"))
}

// findDocNumber returns the document's own 发文字号: a number that stands on
// a line of its own near the top (or on the date line of a header note), else
// one on a line of its own near the end. Numbers cited inside sentences are
// never taken.
func findDocNumber(head, tail []line) string {
	for i, l := range head {
		if i >= numberLines {
			break
		}
		if n, ok := parseDocNumber(l.compact); ok {
			return n
		}
		if isOrderHeader(l.compact) && i+1 < len(head) && reOrderNumber.MatchString(head[i+1].compact) {
			return l.compact + head[i+1].compact
		}
		if _, rest, ok := dateLed(l.compact); ok {
			rest = strings.TrimRight(rest, tailTrim)
			rest = strings.TrimSuffix(rest, "公布")
			rest = strings.TrimSuffix(rest, "发布")
			if n, ok := parseDocNumber(rest); ok {
				return n
			}
		}
	}
	for i := len(tail) - 1; i >= 0 && i >= len(tail)-tailDateLines; i-- {
		if n, ok := parseDocNumber(tail[i].compact); ok {
			return n
		}
	}
	return ""
}
