// Package query parses what a user types into a search box: words (ANDed),
// "exact phrases", -exclusions, OR, and the filters category:, year:, from:
// and to:. Parsing never fails: anything that is not syntax is text.
package query

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wengao/wengao/chinese"
)

// Term is one word or phrase of a query, normalised and split into its word
// runs (see chinese.QueryRuns). A term with no runs matches nothing and is
// dropped by Parse.
type Term struct {
	Text   string   // as typed, without quotes
	Runs   []string // normalised word runs
	Phrase bool     // typed in quotes
	// Alternative marks another form of the term before it, added by
	// AddAlternatives (最高人民法院 for 最高法).
	Alternative bool
}

// Clause is a set of alternatives joined by OR; a query matches a document
// when every clause has at least one alternative in it.
type Clause []Term

// Query is a parsed search query.
type Query struct {
	Clauses  []Clause
	Excluded []Term
	Category string // category prefix, "" for any
	Year     int    // 0 for any
	From, To string // inclusive YYYY-MM-DD bounds, "" for open
}

// Empty reports whether the query has no positive term.
func (q *Query) Empty() bool { return len(q.Clauses) == 0 }

// HasFilter reports whether the query restricts category or date.
func (q *Query) HasFilter() bool {
	return q.Category != "" || q.Year != 0 || q.From != "" || q.To != ""
}

// Terms returns every positive term of the query, for highlighting.
func (q *Query) Terms() []Term {
	var out []Term
	for _, c := range q.Clauses {
		out = append(out, c...)
	}
	return out
}

// maxTerms bounds the work one query can cause.
const maxTerms = 32

// Parse parses s. It never fails.
func Parse(s string) *Query {
	q := &Query{}
	if len(s) > 1000 {
		s = truncate(s, 1000)
	}
	toks := lex(s)
	var pendingOr bool
	for _, t := range toks {
		if !t.quoted {
			switch t.text {
			case "OR", "|", "或":
				if len(q.Clauses) > 0 {
					pendingOr = true
				}
				continue
			case "AND", "&", "&&", "NOT":
				continue
			}
			if !t.negated && q.filter(t.text) {
				continue
			}
		}
		term := Term{Text: t.text, Phrase: t.quoted, Runs: chinese.QueryRuns(t.text)}
		if len(term.Runs) == 0 {
			continue
		}
		if len(q.Clauses)+len(q.Excluded) >= maxTerms {
			break
		}
		if t.negated {
			q.Excluded = append(q.Excluded, term)
			continue
		}
		if pendingOr {
			last := len(q.Clauses) - 1
			q.Clauses[last] = append(q.Clauses[last], term)
			pendingOr = false
			continue
		}
		q.Clauses = append(q.Clauses, Clause{term})
	}
	return q
}

type lexToken struct {
	text    string
	quoted  bool
	negated bool
}

var quotePairs = map[rune]rune{'"': '"', '“': '”', '”': '”', '「': '」', '『': '』', '＂': '＂'}

// lex splits s into words and quoted phrases. An unclosed quote runs to the
// end of the input.
func lex(s string) []lexToken {
	var toks []lexToken
	rs := []rune(s)
	for i := 0; i < len(rs); {
		r := rs[i]
		if unicode.IsSpace(r) {
			i++
			continue
		}
		neg := false
		if (r == '-' || r == '－') && i+1 < len(rs) && !unicode.IsSpace(rs[i+1]) {
			neg = true
			i++
			r = rs[i]
		}
		if closer, ok := quotePairs[r]; ok {
			j := i + 1
			for j < len(rs) && rs[j] != closer && !(closer == '”' && rs[j] == '"') {
				j++
			}
			toks = append(toks, lexToken{text: string(rs[i+1 : min(j, len(rs))]), quoted: true, negated: neg})
			i = j + 1
			continue
		}
		j := i
		for j < len(rs) && !unicode.IsSpace(rs[j]) {
			if _, ok := quotePairs[rs[j]]; ok && j > i {
				break
			}
			j++
		}
		toks = append(toks, lexToken{text: string(rs[i:j]), negated: neg})
		i = j
	}
	return toks
}

// filter applies a field:value filter and reports whether s was one.
func (q *Query) filter(s string) bool {
	s = strings.Replace(s, "：", ":", 1)
	k, v, ok := strings.Cut(s, ":")
	if !ok || v == "" {
		return false
	}
	switch strings.ToLower(k) {
	case "category", "cat", "分类", "类别":
		q.Category = strings.Trim(v, "/")
		return true
	case "year", "年份":
		y, err := strconv.Atoi(strings.TrimSuffix(v, "年"))
		if err != nil || y < 1000 || y > 9999 {
			return false
		}
		q.Year = y
		return true
	case "from", "since", "从":
		if d, ok := parseDate(v, false); ok {
			q.From = d
			return true
		}
	case "to", "until", "至", "到":
		if d, ok := parseDate(v, true); ok {
			q.To = d
			return true
		}
	}
	return false
}

// parseDate accepts YYYY, YYYY-MM and YYYY-MM-DD (also with / or .) and
// returns the first (or, with end, the last) day it covers.
func parseDate(s string, end bool) (string, bool) {
	s = strings.NewReplacer("/", "-", ".", "-").Replace(s)
	parts := strings.Split(s, "-")
	if len(parts) > 3 {
		return "", false
	}
	nums := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return "", false
		}
		nums[i] = n
	}
	y, m, d := nums[0], 1, 1
	if end {
		m, d = 12, 31
	}
	if y < 1000 || y > 9999 {
		return "", false
	}
	if len(nums) > 1 {
		m = nums[1]
		if m < 1 || m > 12 {
			return "", false
		}
		if end {
			d = 31
		}
	}
	if len(nums) > 2 {
		d = nums[2]
		if d < 1 || d > 31 {
			return "", false
		}
	}
	return strconv.Itoa(y) + "-" + pad2(m) + "-" + pad2(d), true
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

func truncate(s string, n int) string {
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
