package search

import (
	"context"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/chinese"
	"github.com/wengao/wengao/query"
)

// Words of one character (税, 法, 党 建): the index holds bigrams, so a
// character alone is the prefix of every bigram it starts, and the index
// finds it by merging all their lists, whatever rows it is asked about:
// the work of the whole library for every lookup (175 ms for 的 at 8,925
// documents, growing with the library). A common character is found
// without the merge: a search checks the texts of the rows it walks for
// it (charClauses), and estimates its total from a sample of them. A rare
// one is merged as before: few lists, short ones.
const (
	// charSampleRows is how many of the newest rows a search samples to
	// tell whether its characters are common, and to estimate its total.
	charSampleRows = 32
	// charMinShare is the share of the sample that must match for the
	// texts to be checked: a walk then reads some 1/charMinShare texts a
	// hit at most.
	charMinShare = 0.05
	// charMergeDocs is the most documents a query of characters may be
	// estimated to match for the index to merge their lists: below it,
	// the merge costs less than reading texts (at 8,925 documents, 1 ms
	// for 税 in 1,583 documents, 175 ms for 的 in 8,776).
	charMergeDocs = 4000
	// charSampleVisit is how many rows, evenly spaced, are looked at for
	// the share of the library that passes a search's filters.
	charSampleVisit = 4096
)

// matcher tells, besides the index, which rows match a search's query: a
// list of every match (set), or the clauses of common characters that
// are checked in the texts (chars). Nil asks the index alone.
type matcher struct {
	set   map[int64]bool
	chars *charClauses
	cat   *Catalog // the titles, for chars
}

// charClauses are the clauses of a query made of one-character words
// alone, checked in texts, and the others, checked by the index.
type charClauses struct {
	chars [][]string // each clause's characters: a text holds one of each
	other [][]Phrase // the other clauses
}

// holds reports whether a text holds a character of every clause, as
// the index would: in its normal form.
func (cc *charClauses) holds(t *Text) bool {
	var norm string
	normalised := false
	for _, c := range cc.chars {
		found := false
		for _, ch := range c {
			// The query's characters are in normal form: one in the raw
			// text is one in its normal form, and a text holding none of
			// the characters that normalise to it holds none there.
			if strings.Contains(t.Title, ch) || strings.Contains(t.Body, ch) {
				found = true
				break
			}
			if !t.Plain && hasVariant(t.Title+t.Body, ch) {
				if !normalised {
					norm, normalised = chinese.Normalize(t.Title+"\n"+t.Body), true
				}
				if strings.Contains(norm, ch) {
					found = true
					break
				}
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// variants maps each Han character to the other characters whose normal
// form holds it (its traditional forms, compatibility ideographs), built
// on first use.
var variants = sync.OnceValue(func() map[rune]string {
	m := map[rune]string{}
	var buf []rune
	add := func(r rune) {
		buf = chinese.NormalizeRunes(buf[:0], string(r), nil)
		if len(buf) == 1 && buf[0] == r {
			return
		}
		for _, n := range buf {
			if n != r && unicode.Is(unicode.Han, n) {
				m[n] += string(r)
			}
		}
	}
	for r := rune(0x80); r < 0x10000; r++ {
		if r < 0xd800 || r > 0xdfff {
			add(r)
		}
	}
	for r := rune(0x20000); r < 0x30000; r++ {
		add(r)
	}
	return m
})

// hasVariant reports whether s holds a character other than ch whose
// normal form holds ch.
func hasVariant(s, ch string) bool {
	r, _ := utf8.DecodeRuneInString(ch)
	v := variants()[r]
	return v != "" && strings.ContainsAny(s, v)
}

// isChar reports whether p is a word of one Han character.
func isChar(p Phrase) bool {
	if !p.Prefix || len(p.Tokens) != 1 || utf8.RuneCountInString(p.Tokens[0]) != 1 {
		return false
	}
	r, _ := utf8.DecodeRuneInString(p.Tokens[0])
	return unicode.Is(unicode.Han, r)
}

// splitChars returns the clauses of one-character words of cls, or nil
// when there are none, or when another prefix (a phrase ending in one
// character, an exclusion) would still ask the index to merge.
func splitChars(cls [][]Phrase, not []Phrase) *charClauses {
	if hasPrefix(nil, not) {
		return nil
	}
	cc := &charClauses{}
	for _, c := range cls {
		n := 0
		for _, p := range c {
			if isChar(p) {
				n++
			} else if p.Prefix {
				return nil
			}
		}
		switch {
		case n == 0:
			cc.other = append(cc.other, c)
		case n < len(c):
			return nil // a character or a word: the index, as before
		default:
			chars := make([]string, len(c))
			for i, p := range c {
				chars[i] = p.Tokens[0]
			}
			cc.chars = append(cc.chars, chars)
		}
	}
	if len(cc.chars) == 0 {
		return nil
	}
	return cc
}

// matchChars returns, in their order, those of rows that match q, its
// characters checked in the texts.
func (e *Engine) matchChars(ctx context.Context, cat *Catalog, q *query.Query, cc *charClauses, rows []int64) ([]int64, error) {
	ex := excluded(q)
	cand := rows
	switch {
	case len(cc.other) > 0:
		found, err := e.store.MatchAmong(ctx, cc.other, ex, rows)
		if err != nil {
			return nil, err
		}
		cand = inOrder(rows, found)
	case len(ex) > 0:
		out, err := e.store.MatchAmong(ctx, [][]Phrase{ex}, nil, rows)
		if err != nil {
			return nil, err
		}
		cand = subtractIDs(slices.Clone(rows), out)
	}
	if len(cand) == 0 {
		return nil, nil
	}
	// A title holding the characters decides without the text.
	hold := make(map[int64]bool, len(cand))
	var read []int64
	cat.RLock()
	for _, id := range cand {
		if m, ok := cat.Get(id); ok && cc.holds(&Text{Title: m.Title, Plain: true}) {
			hold[id] = true
		} else {
			read = append(read, id)
		}
	}
	cat.RUnlock()
	if len(read) > 0 {
		texts, err := e.store.Texts(ctx, read)
		if err != nil {
			return nil, err
		}
		for i := range texts {
			if cc.holds(&texts[i]) {
				hold[texts[i].Row] = true
			}
		}
	}
	out := make([]int64, 0, len(hold))
	for _, id := range cand {
		if hold[id] {
			out = append(out, id)
		}
	}
	return out, nil
}

// charSearch returns the clauses of common characters of q and the sample
// that estimates its total, or nil when q is searched as before: it has
// no word of one character, the library is small enough to count
// exactly, or its characters are rare (the index merges their lists
// quickly, and a walk would read many texts a hit).
func (e *Engine) charSearch(ctx context.Context, cat *Catalog, q *query.Query, cls [][]Phrase) (*charClauses, *sampleCount, error) {
	cc := splitChars(cls, excluded(q))
	if cc == nil {
		return nil, nil, nil
	}
	cat.RLock()
	library := cat.Len()
	// Rows spread over the library, the same ones each time: those
	// passing the filters among charSampleVisit evenly spaced, and
	// charSampleRows of them evenly spaced.
	var passing []int64
	step := max(1, cat.MaxRow()/charSampleVisit)
	visited := 0
	for id := cat.MaxRow(); id >= 0; id -= step {
		if !cat.Has(id) {
			continue
		}
		visited++
		if m, _ := cat.Get(id); passes(&m, q) {
			passing = append(passing, id)
		}
	}
	cat.RUnlock()
	if e.limits.Exact >= 0 && library <= e.limits.Exact || len(passing) == 0 {
		return nil, nil, nil
	}
	rows := passing
	if len(rows) > charSampleRows {
		rows = make([]int64, charSampleRows)
		for i := range rows {
			rows[i] = passing[i*len(passing)/charSampleRows]
		}
	}
	ids, err := e.matchChars(ctx, cat, q, cc, rows)
	if err != nil {
		return nil, nil, err
	}
	share := float64(len(ids)) / float64(len(rows))
	scale := float64(library) * float64(len(passing)) / float64(visited) / float64(len(rows))
	if share < charMinShare || (e.limits.Exact >= 0 && float64(len(ids))*scale < charMergeDocs) {
		return nil, nil, nil
	}
	cat.RLock()
	defer cat.RUnlock()
	s := &sampleCount{ids: ids, library: library, facets: facets(cat, ids)}
	s.estimate = roughly(float64(len(ids)) * scale)
	for _, fs := range [][]wengao.FacetCount{s.facets.Category, s.facets.CategoryTop, s.facets.Year} {
		for i := range fs {
			fs[i].Count = roughly(float64(fs[i].Count) * scale)
		}
	}
	return cc, s, nil
}

// nearByText reports whether the paragraph test's candidates are found in
// the texts rather than by the index: a word of one character would have
// the index merge the lists of every bigram it starts.
func nearByText(near []Phrase) bool {
	return hasPrefix([][]Phrase{near}, nil)
}

// firstParagraphs appends to list, up to nearCandidates, those of rows
// (in their order) whose texts hold q's single-term clauses in one
// paragraph, reading them a few at a time.
func (e *Engine) firstParagraphs(ctx context.Context, q *query.Query, rows, list []int64) ([]int64, error) {
	for i := 0; i < len(rows) && len(list) < nearCandidates; {
		// As many as are still wanted, and a few more: texts are long.
		n := min(amongBatch, nearCandidates-len(list)+4)
		batch := rows[i:min(i+n, len(rows))]
		i += len(batch)
		spans, err := e.paragraphSpans(ctx, q, batch)
		if err != nil {
			return nil, err
		}
		for _, id := range batch {
			if _, ok := spans[id]; ok && len(list) < nearCandidates {
				list = append(list, id)
			}
		}
	}
	return list, nil
}
