package search

import (
	"context"
	"slices"
	"strings"

	"github.com/wengao/wengao/chinese"
	"github.com/wengao/wengao/query"
)

// The paragraph tier: candidates are documents whose words lie within
// nearDistance tokens of each other; the best nearCandidates of them, by
// title evidence and then shortness, are read and checked.
const (
	nearDistance   = 240
	nearCandidates = 20
)

// Ranking weights. A document whose title holds every clause scores in
// [2, 3), above every other; any other match scores 1 plus bonuses: up to
// 0.5 for the share of the clauses in its title, 0.3 to 0.45 when every
// single-term clause lies within one paragraph, and up to 0.04 for
// shortness. Shortness is shortnessScale/(shortnessScale+size), in (0, 1],
// the higher the shorter the body.
const (
	// baseScore is the score of a document with no evidence but a match.
	baseScore = 1
	// shortnessWeight lifts shorter documents, where the words weigh more.
	shortnessWeight = 0.04
	// shortnessScale is the body length, in characters, at which
	// shortness is one half.
	shortnessScale = 1000

	// titleTier is the score of a document whose title holds every
	// clause, before its bonuses.
	titleTier = 2
	// titleShareWeight is given in proportion to the share of the clauses
	// in the title (a clause found only inside 《》 counts half): in both
	// the title tier and below it.
	titleShareWeight = 0.5
	// titleShortWeight lifts short titles in the title tier: the query
	// is then most of the title.
	titleShortWeight = 0.4
	// titleShortScale is the title length, in characters, at which the
	// short-title bonus is one half.
	titleShortScale = 10
	// titleShortnessWeight breaks ties in the title tier by body length.
	titleShortnessWeight = 0.001

	// togetherWeight is given when every single-term clause lies within
	// one paragraph.
	togetherWeight = 0.3
	// spanWeight lifts the tighter of such paragraphs.
	spanWeight = 0.15
	// spanScale is the span, in bytes, at which the span bonus is one
	// half.
	spanScale = 60
)

// rank orders the matching ids by relevance and returns the first need. The evidence, strongest
// first: every word in the title (words inside 《》 name another document
// and count half); then more of the words in the title; then every word
// within one paragraph, the tighter the better; then shorter documents,
// where the words weigh more. It needs no term statistics from the index,
// whose lists for common words cost more to read than all the rest.
func (e *Engine) rank(ctx context.Context, cat *Catalog, q *query.Query, ids []int64, need int) ([]scored, error) {
	// Documents with any of the words in their title.
	var anyTerm []Phrase
	for _, c := range clauses(q) {
		anyTerm = append(anyTerm, c...)
	}
	titled, err := e.store.Match(ctx, FieldTitle, [][]Phrase{anyTerm}, nil)
	if err != nil {
		return nil, err
	}
	inSet := make(map[int64]bool, len(ids))
	for _, id := range ids {
		inSet[id] = true
	}
	nclauses := float64(len(q.Clauses))
	ev := make(map[int64]*evidence, len(titled))
	cat.RLock()
	for _, id := range titled {
		if m, ok := cat.Get(id); ok && inSet[id] {
			ev[id] = titleEvidence(q, m.Title)
		}
	}
	cat.RUnlock()

	// The paragraph test, for the documents whose words lie within a
	// paragraph's reach of each other, most promising first.
	if near := nearPhrases(q); near != nil {
		var cands []int64
		if nearByText(near) {
			// A word of one character: the first documents, in the
			// same order, whose texts hold the words in one paragraph.
			for _, id := range ids {
				if ev[id] == nil || !ev[id].all {
					cands = append(cands, id)
				}
			}
			cat.RLock()
			slices.SortFunc(cands, func(a, b int64) int { return cmpNear(cat, ev, a, b) })
			cat.RUnlock()
			var err error
			if cands, err = e.firstParagraphs(ctx, q, cands, nil); err != nil {
				return nil, err
			}
		} else {
			cat.RLock()
			library := cat.Len()
			cat.RUnlock()
			within, err := e.matchNear(ctx, near, ids, library)
			if err != nil {
				return nil, err
			}
			// The first nearCandidates in cmpNear's order, kept sorted
			// as they come: no sort of thousands for twenty.
			cat.RLock()
			for _, id := range within {
				if !inSet[id] || (ev[id] != nil && ev[id].all) {
					continue
				}
				if len(cands) == nearCandidates && cmpNear(cat, ev, id, cands[len(cands)-1]) >= 0 {
					continue
				}
				i, _ := slices.BinarySearchFunc(cands, id, func(a, b int64) int { return cmpNear(cat, ev, a, b) })
				cands = slices.Insert(cands, i, id)
				if len(cands) > nearCandidates {
					cands = cands[:nearCandidates]
				}
			}
			cat.RUnlock()
		}
		if len(cands) > nearCandidates {
			cands = cands[:nearCandidates]
		}
		spans, err := e.paragraphSpans(ctx, q, cands)
		if err != nil {
			return nil, err
		}
		for id, span := range spans {
			if ev[id] == nil {
				ev[id] = &evidence{}
			}
			ev[id].together = true
			ev[id].span = span
		}
	}

	cat.RLock()
	defer cat.RUnlock()
	out := make([]scored, 0, len(ids))
	for _, id := range ids {
		m, ok := cat.Get(id)
		if !ok {
			continue
		}
		out = append(out, scored{id, score(ev[id], &m, nclauses)})
	}
	return firstN(out, need, func(a, b scored) int { return cmpScored(cat, a, b) }), nil
}

// score is the relevance of a document from its evidence (nil for none)
// and metadata, for a query of nclauses clauses.
func score(e *evidence, m *Meta, nclauses float64) float64 {
	shortness := shortnessScale / float64(shortnessScale+m.Size)
	s := baseScore + shortnessWeight*shortness
	if e == nil {
		return s
	}
	if e.all {
		return titleTier + titleShareWeight*e.weight/nclauses + titleShortWeight*titleShortScale/float64(titleShortScale+m.TitleLen) + titleShortnessWeight*shortness
	}
	s += titleShareWeight * e.weight / nclauses
	if e.together {
		s += togetherWeight + spanWeight*spanScale/float64(spanScale+e.span)
	}
	return s
}

// evidence is what ranking knows of one document.
type evidence struct {
	all      bool    // every clause in the title
	weight   float64 // clauses in the title, half for those only inside 《》
	together bool    // every single-term clause within one paragraph
	span     int     // bytes of the tightest such stretch
}

// titleEvidence finds the query's clauses in a title. A clause naming an
// article (第36条 of 劳动法 第36条) points into a text and is seldom in its
// title: the title holds every clause without it, and weighs more with it
// (全国人大常委会 第三十条 finds the 解释 of 第三十条 first).
func titleEvidence(q *query.Query, title string) *evidence {
	norm := chinese.Normalize(title)
	outer := stripBookTitles(norm)
	e := &evidence{all: true}
	optional := len(titleClauses(q)) < len(q.Clauses)
	for _, c := range q.Clauses {
		in, out := false, false
		for _, t := range c {
			if holdsRuns(norm, t.Runs) {
				in = true
				out = out || holdsRuns(outer, t.Runs)
			}
		}
		switch {
		case out:
			e.weight++
		case in:
			e.weight += 0.5
		case optional && isArticleClause(c):
		default:
			e.all = false
		}
	}
	return e
}

// holdsRuns reports whether s holds the runs in order.
func holdsRuns(s string, runs []string) bool {
	for _, r := range runs {
		i := strings.Index(s, r)
		if i < 0 {
			return false
		}
		s = s[i+len(r):]
	}
	return len(runs) > 0
}

// stripBookTitles removes the 《…》 parts of s: the names of other
// documents that a title cites.
func stripBookTitles(s string) string {
	if !strings.Contains(s, "《") {
		return s
	}
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '《':
			depth++
		case r == '》' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// paragraphSpans returns, for the given documents that hold every
// single-term clause of q within one paragraph, the tightest span.
func (e *Engine) paragraphSpans(ctx context.Context, q *query.Query, ids []int64) (map[int64]int, error) {
	spans := map[int64]int{}
	if len(ids) == 0 {
		return spans, nil
	}
	var runs [][]string
	for _, c := range q.Clauses {
		if t, ok := singleTerm(c); ok {
			runs = append(runs, t.Runs)
		}
	}
	texts, err := e.store.Texts(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, t := range texts {
		if span, ok := chinese.ParagraphSpan(t.Body, runs, t.Plain); ok {
			spans[t.Row] = span
		}
	}
	return spans, nil
}

// titleClauses returns the clauses of q that a title must hold to be in
// the title tier: all but those naming an article (第36条 of 劳动法
// 第36条). A query of articles alone keeps them.
func titleClauses(q *query.Query) []query.Clause {
	out := make([]query.Clause, 0, len(q.Clauses))
	for _, c := range q.Clauses {
		if !isArticleClause(c) {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return q.Clauses
	}
	return out
}

// isArticleClause reports whether every term of c names an article.
func isArticleClause(c query.Clause) bool {
	for _, t := range c {
		if _, ok := articleNumber(t); !ok {
			return false
		}
	}
	return len(c) > 0
}

// articleNumber returns the number of the article that t names (第36条,
// 第三十六条), or false.
func articleNumber(t query.Term) (int, bool) {
	if len(t.Runs) != 1 || !strings.HasPrefix(t.Runs[0], "第") || !strings.HasSuffix(t.Runs[0], "条") {
		return 0, false
	}
	return chinese.ArticleNumber(t.Runs[0])
}

// nearAmongMax is the most matches whose paragraph-tier candidates are
// looked up by row (MatchNearAmong) rather than listed from the whole
// index (MatchNear), whose lists for common words cost more to read than
// some thousand lookups.
const nearAmongMax = 4096

// nearAmongShare bounds the row lookups by the library's size: FTS5 looks
// a row up for some 40 µs whatever the library, while listing the whole
// index costs about what the query's own match did, at most some 0.7 µs a
// document of the library for the commonest words (measured at 8,925 and
// 1,000,000 documents). Past library/nearAmongShare matches the listing
// is the cheaper: at 8,925 documents a pair of words in 1,376 documents
// took 45 ms by rows and 0.4 ms listed; at a million, rows win up to
// nearAmongMax.
const nearAmongShare = 64

// matchNear returns those of ids (and, for many ids, others) whose text
// holds the near phrases within nearDistance tokens of each other, in a
// library of the given number of documents.
func (e *Engine) matchNear(ctx context.Context, near []Phrase, ids []int64, library int) ([]int64, error) {
	if len(ids) > min(nearAmongMax, library/nearAmongShare) {
		return e.store.MatchNear(ctx, near, nearDistance)
	}
	var out []int64
	for len(ids) > 0 {
		n := min(len(ids), 1024)
		found, err := e.store.MatchNearAmong(ctx, near, nearDistance, ids[:n])
		if err != nil {
			return nil, err
		}
		out = append(out, found...)
		ids = ids[n:]
	}
	return out, nil
}
