package search

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/wengao/wengao/chinese"
)

// Related reading (推荐阅读) scores documents by the distinctive terms they
// share with a source document: the inverse document frequency of each
// shared term, title terms counted again (twice) when in the candidate's
// title, damped by the candidate's length. Exact duplicates (of the source
// or of each other) are left out.
//
// The candidates come from probes of the index: for each of a few
// distinctive terms, the Probe newest documents holding it. A term held by
// fewer documents yields all of them and its exact document frequency; a
// common term's frequency is estimated from the span of rows its newest
// rows cover. With BoundedRelated the cost of a list is at most
// 2·TitleTerms + TitleTerms + BodyCands probes of Probe rows, whatever the
// size of the library; ExhaustiveRelated reads every row of every term and
// is the reference the bounded lists are measured against.

// RelatedLimits bound the work of one related list.
type RelatedLimits struct {
	Probe      int // rows read per term, newest first; 0 reads them all
	TitleTerms int // distinctive title terms a document is matched by
	BodyTerms  int // distinctive body terms a document is matched by
	BodyCands  int // most frequent body terms probed
	BodyRunes  int // characters of the body its terms are taken from; 0 all
	Rescored   int // best candidates whose length and hash are read; 0 all
	Keep       int // entries of a list
}

// BoundedRelated are the limits of the lists shown and stored.
var BoundedRelated = RelatedLimits{Probe: 200, TitleTerms: 10, BodyTerms: 12, BodyCands: 16, BodyRunes: 6000, Rescored: 80, Keep: 20}

// ExhaustiveRelated scores every document sharing a term: the reference of
// tests and evaluations, never of a request.
var ExhaustiveRelated = RelatedLimits{TitleTerms: 12, BodyTerms: 12, BodyCands: 150, Keep: 20}

// Weights of related reading.
const (
	// relatedTitleWeight is how much more a shared term counts in titles.
	relatedTitleWeight = 2
	// relatedLengthWeight damps long documents, which share more terms by
	// their length alone.
	relatedLengthWeight = 0.25
	relatedLengthScale  = 4000 // characters
	// relatedInformative: a term held by more than this share of the
	// documents does not count (unless the library is tiny).
	relatedInformative = 0.1
	relatedTinyLibrary = 50
)

// Source is the document whose related reading is wanted.
type Source struct {
	Row   int64
	Title string
	Body  string // the paragraphs, joined by "\n"
	Hash  string
	Size  int // characters, which damp its score in others' lists
}

// RelatedEntry is one document of a related list and its score.
type RelatedEntry struct {
	Row   int64
	Score float64
}

// RelatedList is the related reading of a source document.
type RelatedList struct {
	// Entries are best first, scores rounded to six significant digits
	// so that a list stored as text and read back orders alike.
	Entries []RelatedEntry
	// Reverse is the source's score in the list of each entry's document,
	// for merging it into lists computed before it existed.
	Reverse map[int64]float64
}

// RelatedIndex is what a store gives related reading.
type RelatedIndex interface {
	// Probe returns, for each term, the rows of the documents whose field
	// holds it, newest (highest row) first: at most limit, or all of them
	// when limit is 0. Hidden and deleted documents count too.
	Probe(ctx context.Context, field Field, terms []string, limit int) ([][]int64, error)
	// Stats returns the size and text hash of each of rows that exists.
	Stats(ctx context.Context, rows []int64) (map[int64]DocStat, error)
}

// DocStat is what related reading reads of a candidate.
type DocStat struct {
	Size int
	Hash string
}

// termProbe is what one term's probe found.
type termProbe struct {
	rows []int64
	df   float64 // documents holding the term, exact or estimated
}

// probe runs idx.Probe and estimates each term's document frequency among
// maxRow rows.
func probe(ctx context.Context, idx RelatedIndex, field Field, terms []string, maxRow int64, lim RelatedLimits) ([]termProbe, error) {
	if len(terms) == 0 {
		return nil, nil
	}
	lists, err := idx.Probe(ctx, field, terms, lim.Probe)
	if err != nil {
		return nil, err
	}
	out := make([]termProbe, len(terms))
	for i := range out {
		p := &out[i]
		if i < len(lists) {
			p.rows = lists[i]
		}
		p.df = float64(len(p.rows))
		if lim.Probe > 0 && len(p.rows) >= lim.Probe {
			// The newest rows holding it spread over (oldest, maxRow]:
			// as dense over the whole library.
			span := float64(maxRow - slices.Min(p.rows) + 1)
			p.df = max(p.df, p.df*float64(maxRow)/span)
		}
	}
	return out, nil
}

// Related computes the related reading of src in a library whose highest
// row is maxRow, within lim. Hidden and deleted documents may be listed:
// they are left out when the list is shown, so that a document published
// again is back in the lists.
func Related(ctx context.Context, idx RelatedIndex, src Source, maxRow int64, lim RelatedLimits) (RelatedList, error) {
	var out RelatedList
	total := float64(maxRow)
	idf := func(df float64) float64 { return math.Log(1 + total/(1+df)) }
	informative := func(df float64) bool {
		return total < relatedTinyLibrary || df <= relatedInformative*total
	}
	scores := map[int64]float64{}
	add := func(p termProbe, w float64) {
		for _, r := range p.rows {
			if r != src.Row {
				scores[r] += w
			}
		}
	}

	// Title terms, judged by how common they are among titles, where 关于,
	// 印发 and 通知 are everywhere.
	titleTerms := DistinctTokens(chinese.IndexTokens(src.Title), 2*lim.TitleTerms)
	tps, err := probe(ctx, idx, FieldTitle, titleTerms, maxRow, lim)
	if err != nil {
		return out, err
	}
	type titleTerm struct {
		term string
		p    termProbe
	}
	var tts []titleTerm
	for i, t := range titleTerms {
		if informative(tps[i].df) {
			tts = append(tts, titleTerm{t, tps[i]})
		}
	}
	slices.SortStableFunc(tts, func(a, b titleTerm) int { return cmp.Compare(a.p.df, b.p.df) })
	tts = tts[:min(len(tts), lim.TitleTerms)]

	// Body terms: the most frequent in the text, weighed by rarity.
	body := src.Body
	if lim.BodyRunes > 0 {
		body = chinese.FirstRunes(body, lim.BodyRunes)
	}
	tf := map[string]int{}
	for _, t := range strings.Fields(chinese.IndexTokens(body)) {
		if len([]rune(t)) == 2 {
			tf[t]++
		}
	}
	inTitle := map[string]bool{}
	for _, t := range titleTerms {
		inTitle[t] = true
	}
	var cands []string
	for t, n := range tf {
		if n >= 2 && !inTitle[t] {
			cands = append(cands, t)
		}
	}
	slices.SortFunc(cands, func(a, b string) int {
		if c := cmp.Compare(tf[b], tf[a]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	cands = cands[:min(len(cands), lim.BodyCands)]

	// The title terms in texts, then the body terms, in one probe.
	terms := make([]string, 0, len(tts)+len(cands))
	for _, tt := range tts {
		terms = append(terms, tt.term)
	}
	bps, err := probe(ctx, idx, FieldText, append(terms, cands...), maxRow, lim)
	if err != nil {
		return out, err
	}
	for i, tt := range tts {
		add(tt.p, relatedTitleWeight*idf(tt.p.df))
		add(bps[i], idf(bps[i].df))
	}
	type bodyTerm struct {
		p      termProbe
		weight float64
	}
	var bts []bodyTerm
	for i, t := range cands {
		p := bps[len(tts)+i]
		if informative(p.df) {
			bts = append(bts, bodyTerm{p, float64(tf[t]) * idf(p.df)})
		}
	}
	slices.SortStableFunc(bts, func(a, b bodyTerm) int { return cmp.Compare(b.weight, a.weight) })
	for _, bt := range bts[:min(len(bts), lim.BodyTerms)] {
		add(bt.p, idf(bt.p.df))
	}

	// The best candidates by shared terms, then by length.
	best := make([]RelatedEntry, 0, len(scores))
	for r, s := range scores {
		best = append(best, RelatedEntry{r, s})
	}
	SortRelated(best)
	if lim.Rescored > 0 {
		best = best[:min(len(best), lim.Rescored)]
	}
	if len(best) == 0 {
		return out, nil
	}
	rows := make([]int64, len(best))
	for i, e := range best {
		rows[i] = e.Row
	}
	stats, err := idx.Stats(ctx, rows)
	if err != nil {
		return out, err
	}
	ranked := make([]RelatedEntry, 0, len(best))
	for _, e := range best {
		if st, ok := stats[e.Row]; ok {
			ranked = append(ranked, RelatedEntry{e.Row, e.Score / lengthDamping(st.Size)})
		}
	}
	SortRelated(ranked)
	out.Reverse = map[int64]float64{}
	seen := map[string]bool{src.Hash: true}
	for _, e := range ranked {
		if len(out.Entries) == lim.Keep {
			break
		}
		h := stats[e.Row].Hash
		if seen[h] {
			continue
		}
		seen[h] = true
		out.Entries = append(out.Entries, RelatedEntry{e.Row, RoundScore(e.Score)})
		out.Reverse[e.Row] = RoundScore(scores[e.Row] / lengthDamping(src.Size))
	}
	return out, nil
}

// SortRelated orders entries best first, ties by row.
func SortRelated(entries []RelatedEntry) {
	slices.SortFunc(entries, func(a, b RelatedEntry) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.Row, b.Row)
	})
}

// RoundScore rounds a related score to six significant digits, the
// precision lists are stored with.
func RoundScore(f float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 6, 64), 64)
	return r
}

// lengthDamping is what a candidate's score is divided by for its size.
func lengthDamping(size int) float64 {
	return 1 + relatedLengthWeight*math.Log1p(float64(size)/relatedLengthScale)
}

// DistinctTokens returns up to n distinct bigram tokens of the index
// tokens s, in order: the terms related reading looks for.
func DistinctTokens(s string, n int) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range strings.Fields(s) {
		if len([]rune(t)) == 2 && !seen[t] {
			seen[t] = true
			out = append(out, t)
			if len(out) == n {
				break
			}
		}
	}
	return out
}
