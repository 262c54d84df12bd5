package search

import (
	"context"
	"regexp"
	"slices"
	"strconv"

	"github.com/wengao/wengao/chinese"
	"github.com/wengao/wengao/query"
)

// A 文号 typed with a wrong number (国办发〔2019〕5号 for 〔2019〕4号)
// finds nothing; the numbers of that issuer and year that the library
// holds are offered instead, nearest first. The work is bounded: the text
// index lists the documents holding the issuer's code and year, and at
// most docNumberDocs of them are read, the head of each (a document's
// own 文号 stands above its text; those it cites are not its own).
const (
	docNumberDocs        = 40
	docNumberHead        = 1000 // bytes
	docNumberSuggestions = 3
)

// rePrintedNumber splits a 文号 in DocNumber's printed form.
var rePrintedNumber = regexp.MustCompile(`^(\p{Han}+)〔(\d{4})〕(\d+)号$`)

// typedDocNumber returns the 文号 a query is typed as, alone, in its
// printed form, or false.
func typedDocNumber(q *query.Query) (string, bool) {
	if len(q.Clauses) != 1 || len(q.Excluded) > 0 {
		return "", false
	}
	t, ok := singleTerm(q.Clauses[0])
	if !ok || t.Phrase {
		return "", false
	}
	return chinese.DocNumber(chinese.Normalize(t.Text))
}

// docNumberSuggestions returns up to docNumberSuggestions 文号 of the
// library with the issuer's code and year of the one q is typed as, the
// nearest numbers first, or nil when q is not a 文号.
func (e *Engine) docNumberSuggestions(ctx context.Context, cat *Catalog, q *query.Query) ([]string, error) {
	dn, ok := typedDocNumber(q)
	if !ok {
		return nil, nil
	}
	m := rePrintedNumber.FindStringSubmatch(dn)
	if m == nil {
		return nil, nil
	}
	code, year := m[1], m[2]
	want, _ := strconv.Atoi(m[3])
	p, ok := phrase(query.Term{Runs: chinese.QueryRuns(code + "〔" + year + "〕")})
	if !ok {
		return nil, nil
	}
	ids, err := e.store.Match(ctx, FieldText, [][]Phrase{{p}}, nil)
	if err != nil {
		return nil, err
	}
	cat.RLock()
	ids = filterIDs(cat, ids, q)
	cat.RUnlock()
	// The newest rows first: any docNumberDocs of them, the same each time.
	slices.SortFunc(ids, func(a, b int64) int { return cmpInt64(b, a) })
	if len(ids) > docNumberDocs {
		ids = ids[:docNumberDocs]
	}
	if len(ids) == 0 {
		return nil, nil
	}
	texts, err := e.store.Texts(ctx, ids)
	if err != nil {
		return nil, err
	}
	// The 文号 as printed, in any brackets, normalised (NFKC folds the
	// full-width ones to ASCII).
	re := regexp.MustCompile(regexp.QuoteMeta(code) + `\s*[\[\(〔【〖{<〈﹝]\s*` + year + `\s*[\]\)〕】〗}>〉﹞]\s*第?(\d{1,5})\s*号`)
	seen := map[int]bool{}
	for _, t := range texts {
		body := t.Body
		if len(body) > docNumberHead {
			body = body[:docNumberHead] // a byte or two of a character cut: no digit
		}
		if !t.Plain {
			body = chinese.Normalize(body)
		}
		for _, f := range re.FindAllStringSubmatch(body, -1) {
			if n, err := strconv.Atoi(f[1]); err == nil && n != want {
				seen[n] = true
			}
		}
	}
	nums := make([]int, 0, len(seen))
	for n := range seen {
		nums = append(nums, n)
	}
	slices.SortFunc(nums, func(a, b int) int {
		da, db := abs(a-want), abs(b-want)
		if da != db {
			return da - db
		}
		return a - b
	})
	out := make([]string, 0, docNumberSuggestions)
	for _, n := range nums[:min(len(nums), docNumberSuggestions)] {
		out = append(out, code+"〔"+year+"〕"+strconv.Itoa(n)+"号")
	}
	return out, nil
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// mergeSuggestions returns first then the others of then, without
// repeats, at most relaxSuggestions in all but first's.
func mergeSuggestions(first, then []string) []string {
	out := slices.Clone(first)
	for _, s := range then {
		if len(out) >= max(len(first), relaxSuggestions) {
			break
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
