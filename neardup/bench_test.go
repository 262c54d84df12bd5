package neardup

import (
	"math/rand/v2"
	"sync"
	"testing"
)

func textBytes(paras []string) int64 {
	n := 0
	for _, p := range paras {
		n += len(p)
	}
	return int64(n)
}

// BenchmarkSign signs a text of the corpus's median size (4,200 runes).
func BenchmarkSign(b *testing.B) {
	doc := synth(rand.New(rand.NewPCG(7, 7)), 4000, 0, 3000)
	b.SetBytes(textBytes(doc))
	b.ReportAllocs()
	for b.Loop() {
		Sign(doc)
	}
}

// BenchmarkSignTraditional signs the same in traditional characters, which
// takes the slower path of the normalisation.
func BenchmarkSignTraditional(b *testing.B) {
	var doc []string
	for range 12 {
		doc = append(doc, lawTrad...)
	}
	b.SetBytes(textBytes(doc))
	b.ReportAllocs()
	for b.Loop() {
		Sign(doc)
	}
}

var (
	benchOnce    sync.Once
	benchIndex   *Index
	benchQueries []Signature
)

// benchSetup files 10,000 synthetic documents of 2,000 runes and makes 1,000
// queries: 2 %-edited copies of indexed documents and unrelated texts,
// alternately.
func benchSetup() {
	rng := rand.New(rand.NewPCG(8, 8))
	benchIndex = new(Index)
	docs := make([][]string, 10000)
	for i := range docs {
		docs[i] = synth(rng, 2000, 0, 3000)
		benchIndex.Add(int64(i), Sign(docs[i]))
	}
	for i := range 1000 {
		if i%2 == 0 {
			benchQueries = append(benchQueries, Sign(edit(rng, docs[rng.IntN(len(docs))], 0.02)))
		} else {
			benchQueries = append(benchQueries, Sign(synth(rng, 2000, 0, 3000)))
		}
	}
}

// BenchmarkQuery queries an index of 10,000 documents at threshold 0.8.
func BenchmarkQuery(b *testing.B) {
	benchOnce.Do(benchSetup)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		benchIndex.Query(benchQueries[i%len(benchQueries)], 0.8)
		i++
	}
}

// BenchmarkOverlap finds the shared passages of a text of 4,000 runes and a
// 2 %-edited copy.
func BenchmarkOverlap(b *testing.B) {
	rng := rand.New(rand.NewPCG(9, 9))
	a := synth(rng, 4000, 0, 3000)
	e := edit(rng, a, 0.02)
	b.SetBytes(textBytes(a) + textBytes(e))
	b.ReportAllocs()
	for b.Loop() {
		Overlap(a, e, 10)
	}
}
