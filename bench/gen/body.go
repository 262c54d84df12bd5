package main

import (
	"math/rand/v2"
	"strings"

	"github.com/wengao/wengao/bench/internal/corpus"
)

// Body queries: a writer remembers a passage, not the title. For a document
// and a paragraph of at least 60 characters picked at random, two or three
// distinctive words of that paragraph (held by fewer than 2 % of the
// documents, and not in the title); the target is the document.

type bodyItem struct {
	query, target string
	paragraph     int
	matches       int // documents holding every word
}

// maxBodyDF is the share of documents above which a word is not
// distinctive.
const maxBodyDF = 0.02

func (g *gen) bodyItems(rng *rand.Rand, n int) []bodyItem {
	var out []bodyItem
	var words [][]string
	limit := int(maxBodyDF * float64(len(g.docs)))
	seen := map[string]bool{}
	for _, di := range rng.Perm(len(g.docs)) {
		if len(out) == n {
			break
		}
		d := g.docs[di]
		var long []int
		paras := d.Paragraphs()
		for i, p := range paras {
			if runeLen(strings.TrimSpace(p)) >= 60 {
				long = append(long, i)
			}
		}
		if len(long) == 0 {
			continue
		}
		pi := long[rng.IntN(len(long))]
		var cands []string
		for _, w := range g.segment(paras[pi]) {
			pw, ok := g.plain[w]
			if !ok || pw.DF >= limit || strings.Contains(d.Title, w) || containsAny(cands, w) {
				continue
			}
			cands = append(cands, w)
		}
		if len(cands) < 2 {
			continue
		}
		k := 2
		if len(cands) >= 3 && rng.Float64() < 0.5 {
			k = 3
		}
		chosen := pick(rng, cands, k)
		q := strings.Join(chosen, " ")
		if seen[q] {
			continue
		}
		seen[q] = true
		out = append(out, bodyItem{query: q, target: d.ID, paragraph: pi})
		words = append(words, chosen)
	}
	// How many documents hold every word: 1 means the query finds only
	// its target, whatever the ranking.
	var all []string
	for _, ws := range words {
		all = append(all, ws...)
	}
	post := corpus.Postings(g.docs, all)
	for i, ws := range words {
		lists := make([][]int, len(ws))
		for j, w := range ws {
			lists[j] = post[w]
		}
		out[i].matches = len(corpus.Intersect(lists...))
	}
	return out
}

// containsAny reports whether w and one of list hold one another.
func containsAny(list []string, w string) bool {
	for _, x := range list {
		if strings.Contains(x, w) || strings.Contains(w, x) {
			return true
		}
	}
	return false
}
