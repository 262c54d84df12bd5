package postgres

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wengao/wengao/search"
)

// The search index holds the same Go-made tokens as SQLite's FTS5 tables
// (chinese.AppendTokens: character bigrams, and a word run's last
// character alone) as tsvectors with positions, GIN-indexed:
// title_index the title's, body_index the title's then the body's.
// Phrases are tsquery phrases ('ab' <-> 'bc' <-> 'c':*), found by the
// index and checked on the positions by PostgreSQL.
//
// A tsvector keeps positions up to 16,383 and at most 256 positions per
// lexeme; beyond either, phrases would be missed. So a text's tokens are
// stored in parts: each part holds at most partMax consecutive tokens, with
// positions counted from the part's start, and ends early before any
// token's 257th occurrence in it. Consecutive parts overlap: the next part
// starts partOverlap tokens before the end of the last, or half-way into
// it when the part ended early and was short. Any stretch of up to
// partOverlap+1 tokens (129 where a part ended early) lies whole in one
// part, so a phrase or a NEAR group that long is found exactly in one
// row; queries are 1,000 bytes at most. A document matches a clause when
// any of its parts does: the parts of one document are combined in SQL
// (INTERSECT for AND, EXCEPT for NOT). NEAR, which PostgreSQL's phrase
// operators cannot say (FTS5's "at most N tokens apart", in any order),
// is checked here on the positions of the candidates' lexemes, each
// part's moved by its start (the column start), so that it is exact
// however far apart the phrases are.
const (
	partMax     = 10240
	partOverlap = 2048
	// maxLexemePositions is how many positions a tsvector keeps of one
	// lexeme.
	maxLexemePositions = 256
)

// indexPart is one part of a text's tokens: the tsvector literal of the
// tokens from start on.
type indexPart struct {
	start int
	tsv   string
}

// indexParts returns the parts of the tokens toks (separated by spaces),
// none when there are no tokens.
func indexParts(toks string) []indexPart {
	if toks == "" {
		return nil
	}
	words := strings.Split(toks, " ")
	var parts []indexPart
	for start := 0; ; {
		end, lit := partAt(words, start)
		parts = append(parts, indexPart{start, lit})
		if end >= len(words) {
			return parts
		}
		start = max(end-partOverlap, start+(end-start+1)/2)
	}
}

// partAt returns the end (exclusive) of the part that begins at start,
// and its tsvector literal.
func partAt(words []string, start int) (int, string) {
	pos := map[string][]int{}
	var order []string
	end := start
	for ; end < len(words) && end-start < partMax; end++ {
		w := words[end]
		p := pos[w]
		if len(p) == maxLexemePositions {
			break
		}
		if p == nil {
			order = append(order, w)
		}
		pos[w] = append(p, end-start+1)
	}
	var b strings.Builder
	for i, w := range order {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(quoteLexeme(w))
		for j, p := range pos[w] {
			if j == 0 {
				b.WriteByte(':')
			} else {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(p))
		}
	}
	// The trigrams of the part, without positions.
	seen := map[string]bool{}
	for i := start; i+1 < end; i++ {
		if t, ok := trigram(words[i], words[i+1]); ok && !seen[t] {
			seen[t] = true
			b.WriteByte(' ')
			b.WriteString(quoteLexeme(t))
		}
	}
	return end, b.String()
}

// trigramMark starts a trigram lexeme: no token does, so that no token's
// prefix matches one.
const trigramMark = "~"

// trigram returns the trigram lexeme of the tokens a and b at consecutive
// positions, when both are bigrams: three consecutive characters of one
// run ("国务", "务院": "~国务院").
func trigram(a, b string) (string, bool) {
	if utf8.RuneCountInString(a) != 2 || utf8.RuneCountInString(b) != 2 {
		return "", false
	}
	_, n := utf8.DecodeLastRuneInString(b)
	return trigramMark + a + b[len(b)-n:], true
}

// quoteLexeme quotes a token as a lexeme of a tsvector or tsquery literal.
// Tokens hold only letters and digits; quotes and backslashes are escaped
// all the same.
func quoteLexeme(t string) string {
	if strings.ContainsAny(t, `'\`) {
		t = strings.ReplaceAll(t, `\`, `\\`)
		t = strings.ReplaceAll(t, `'`, `''`)
	}
	return "'" + t + "'"
}

// phraseQuery renders a phrase as a tsquery: its tokens at consecutive
// positions, the last one a prefix when the phrase says so.
func phraseQuery(p search.Phrase) string {
	var trigrams []string
	for i := 0; i+1 < len(p.Tokens); i++ {
		if p.Prefix && i+1 == len(p.Tokens)-1 {
			break
		}
		if t, ok := trigram(p.Tokens[i], p.Tokens[i+1]); ok {
			trigrams = append(trigrams, quoteLexeme(t))
		}
	}
	// Two bigrams at consecutive positions are a trigram: found by the
	// index alone, with no text's positions read.
	if len(p.Tokens) == 2 && len(trigrams) == 1 {
		return "(" + trigrams[0] + ")"
	}
	var b strings.Builder
	b.WriteByte('(')
	// Longer phrases hold their trigrams too: the index finds the texts
	// holding all of them, whose positions are then checked.
	for _, t := range trigrams {
		b.WriteString(t)
		b.WriteString(" & ")
	}
	if len(trigrams) > 0 {
		b.WriteByte('(')
	}
	for i, t := range p.Tokens {
		if i > 0 {
			b.WriteString(" <-> ")
		}
		b.WriteString(quoteLexeme(t))
		if p.Prefix && i == len(p.Tokens)-1 {
			b.WriteString(":*")
		}
	}
	if len(trigrams) > 0 {
		b.WriteByte(')')
	}
	b.WriteByte(')')
	return b.String()
}

// anyQuery renders phrases as a tsquery matching any of them.
func anyQuery(phrases []search.Phrase) string {
	parts := make([]string, len(phrases))
	for i, p := range phrases {
		parts[i] = phraseQuery(p)
	}
	return strings.Join(parts, " | ")
}

// positions are the positions, in one document's text, of the lexemes a
// NEAR check looks at: each part's, moved by the part's start, merged.
type positions map[string][]int

// add adds the positions ps, counted from 1 in the part starting at token
// start, of lexeme lex.
func (pp positions) add(lex string, start int, ps []int) {
	for _, p := range ps {
		pp[lex] = append(pp[lex], start+p)
	}
}

// sorted sorts each lexeme's positions, dropping those the overlap of
// the parts repeats.
func (pp positions) sorted() {
	for lex, ps := range pp {
		sort.Ints(ps)
		pp[lex] = slices.Compact(ps)
	}
}

// starts returns the sorted positions at which phrase p begins.
func (pp positions) starts(p search.Phrase) []int {
	at := func(i int) []int {
		t := p.Tokens[i]
		if !p.Prefix || i < len(p.Tokens)-1 {
			return pp[t]
		}
		var all []int
		for lex, ps := range pp {
			if strings.HasPrefix(lex, t) {
				all = append(all, ps...)
			}
		}
		sort.Ints(all)
		return slices.Compact(all)
	}
	lists := make([][]int, len(p.Tokens))
	for i := range p.Tokens {
		lists[i] = at(i)
	}
	var out []int
	for _, s := range lists[0] {
		ok := true
		for i := 1; i < len(lists) && ok; i++ {
			_, ok = sort.Find(len(lists[i]), func(j int) int { return s + i - lists[i][j] })
		}
		if ok {
			out = append(out, s)
		}
	}
	return out
}

// near reports whether the text holds the phrases as FTS5's NEAR group
// at distance does (fts5ExprNearIsMatch): instances of each, whose latest start M is at most
// len(phrase)+distance tokens after the start of each of the others.
func (pp positions) near(phrases []search.Phrase, distance int) bool {
	starts := make([][]int, len(phrases))
	for i, p := range phrases {
		if starts[i] = pp.starts(p); len(starts[i]) == 0 {
			return false
		}
	}
	for _, list := range starts {
		for _, m := range list {
			ok := true
			for i, s := range starts {
				lo := m - len(phrases[i].Tokens) - distance
				// The first start at or after lo must not be after m.
				j := sort.SearchInts(s, lo)
				if j == len(s) || s[j] > m {
					ok = false
					break
				}
			}
			if ok {
				return true
			}
		}
	}
	return false
}

// parsePositions parses "1,5,9".
func parsePositions(s string) ([]int, error) {
	if s == "" {
		return nil, nil
	}
	f := strings.Split(s, ",")
	out := make([]int, len(f))
	for i, x := range f {
		n, err := strconv.Atoi(x)
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}
