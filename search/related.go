package search

import (
	"context"
	"math"
	"sort"
	"strings"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/chinese"
)

// Related-reading parameters.
const (
	relatedTitleTerms = 12   // distinctive title terms a document is matched by
	relatedBodyTerms  = 12   // distinctive body terms a document is matched by
	relatedBodyCands  = 150  // most frequent body terms considered
	relatedCacheMax   = 4096 // cached lists before the cache is emptied
	// relatedTitleWeight is how much more a shared term counts in titles.
	relatedTitleWeight = 2
	// relatedLengthWeight damps long documents, which share more terms by
	// their length alone.
	relatedLengthWeight = 0.25
	relatedLengthScale  = 4000 // characters
)

type relatedKey struct {
	id  int64
	n   int
	gen int64 // the catalog's generation: which documents are shown
}

// Source is the document whose related reading is wanted.
type Source struct {
	Row   int64
	Title string
	Body  string // the paragraphs, joined by "\n"
	Hash  string
}

// Related returns up to n shown documents sharing the most distinctive
// terms with src: the terms of its title (weighted twice) and the body
// terms that are frequent in it and rare in the library. The document
// itself and exact duplicates of it are never returned. Results are cached
// until a document is shown or hidden, or ForgetRelated.
func (e *Engine) Related(ctx context.Context, src Source, n int) ([]wengao.DocumentRef, error) {
	cat, err := e.store.Catalog(ctx)
	if err != nil {
		return nil, err
	}
	// A document hidden, published again, imported or purged by any
	// process changes the generation, and with it the key.
	cat.RLock()
	key := relatedKey{src.Row, n, cat.Gen()}
	cat.RUnlock()
	e.relatedMu.Lock()
	entries, ok := e.relatedCache[key]
	e.relatedMu.Unlock()
	if !ok {
		if entries, err = e.related(ctx, cat, src, n); err != nil {
			return nil, err
		}
		e.relatedMu.Lock()
		if len(e.relatedCache) >= relatedCacheMax {
			clear(e.relatedCache)
		}
		e.relatedCache[key] = entries
		e.relatedMu.Unlock()
	}
	refs := make([]wengao.DocumentRef, 0, len(entries))
	cat.RLock()
	defer cat.RUnlock()
	for _, e := range entries {
		if m := cat.Get(e.id); m != nil {
			refs = append(refs, wengao.DocumentRef{ID: m.ID, Title: m.Title, Date: m.Date})
		}
	}
	return refs, nil
}

// ForgetRelated empties the cache of related reading, after a write that
// changes documents' texts.
func (e *Engine) ForgetRelated() {
	e.relatedMu.Lock()
	clear(e.relatedCache)
	e.relatedMu.Unlock()
}

func (e *Engine) related(ctx context.Context, cat *Catalog, src Source, n int) ([]scored, error) {
	titleTerms := DistinctTokens(chinese.IndexTokens(src.Title), relatedTitleTerms*3)
	bodyTF := map[string]int{}
	for _, t := range strings.Fields(chinese.IndexTokens(src.Body)) {
		if len([]rune(t)) == 2 {
			bodyTF[t]++
		}
	}
	// Document frequencies of the candidate terms.
	cands := make([]string, 0, len(bodyTF))
	for t, c := range bodyTF {
		if c >= 2 {
			cands = append(cands, t)
		}
	}
	sort.Slice(cands, func(i, j int) bool { return bodyTF[cands[i]] > bodyTF[cands[j]] })
	if len(cands) > relatedBodyCands {
		cands = cands[:relatedBodyCands]
	}
	df, total, err := e.store.DocFreqs(ctx, FieldText, append(append([]string{}, cands...), titleTerms...))
	if err != nil {
		return nil, err
	}
	idf := func(t string) float64 {
		return math.Log(1 + float64(total)/float64(1+df[t]))
	}
	// Title terms are judged by how common they are among titles, where
	// 关于, 印发 and 通知 are everywhere.
	tdf, _, err := e.store.DocFreqs(ctx, FieldTitle, titleTerms)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(titleTerms, func(i, j int) bool { return tdf[titleTerms[i]] < tdf[titleTerms[j]] })
	titleTerms = keepInformative(titleTerms, tdf, total, relatedTitleTerms)
	sort.Slice(cands, func(i, j int) bool {
		return float64(bodyTF[cands[i]])*idf(cands[i]) > float64(bodyTF[cands[j]])*idf(cands[j])
	})
	bodyTerms := keepInformative(cands, df, total, relatedBodyTerms)

	// Score every document by the idf of the terms it shares, title terms
	// twice in titles; each term's document list is one cheap index read.
	scores := map[int64]float64{}
	share := func(field Field, term string, weight float64) error {
		ids, err := e.store.Match(ctx, field, [][]Phrase{{{Tokens: []string{term}}}}, nil)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if id != src.Row {
				scores[id] += weight
			}
		}
		return nil
	}
	tidf := func(t string) float64 { return math.Log(1 + float64(total)/float64(1+tdf[t])) }
	for _, t := range titleTerms {
		if err := share(FieldTitle, t, relatedTitleWeight*tidf(t)); err != nil {
			return nil, err
		}
	}
	for _, t := range append(append([]string{}, titleTerms...), bodyTerms...) {
		if err := share(FieldText, t, idf(t)); err != nil {
			return nil, err
		}
	}
	// Long documents share more terms by their length alone. Documents
	// not in the catalog are not shown (hidden or deleted).
	cat.RLock()
	for id := range scores {
		if m := cat.Get(id); m != nil {
			scores[id] /= 1 + relatedLengthWeight*math.Log1p(float64(m.Size)/relatedLengthScale)
		} else {
			delete(scores, id)
		}
	}
	cat.RUnlock()
	entries := make([]scored, 0, len(scores))
	for id, s := range scores {
		entries = append(entries, scored{id, s})
	}
	sort.Slice(entries, func(i, j int) bool {
		if entries[i].score != entries[j].score {
			return entries[i].score > entries[j].score
		}
		return entries[i].id < entries[j].id
	})
	// Drop exact duplicates of the document and of each other.
	out := make([]scored, 0, n)
	seen := map[string]bool{src.Hash: true}
	for _, s := range entries {
		if len(out) == n {
			break
		}
		h, err := e.store.Hash(ctx, s.id)
		if err != nil {
			continue
		}
		if seen[h] {
			continue
		}
		seen[h] = true
		out = append(out, s)
	}
	return out, nil
}

// keepInformative returns up to n terms that occur in fewer than a tenth
// of the documents (all of them if the library is tiny).
func keepInformative(terms []string, df map[string]int, total, n int) []string {
	var out []string
	for _, t := range terms {
		if total >= 50 && df[t]*10 > total {
			continue
		}
		out = append(out, t)
		if len(out) == n {
			break
		}
	}
	return out
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
