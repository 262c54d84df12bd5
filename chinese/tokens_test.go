package chinese

import "testing"

// BenchmarkAppendTokens measures the bigram tokens alone, over normalised
// text (BenchmarkIndexTokens includes the normalisation).
func BenchmarkAppendTokens(b *testing.B) {
	norm := NormalizeRunes(nil, benchText, nil)
	b.SetBytes(int64(len(benchText)))
	b.ReportAllocs()
	var buf []byte
	for b.Loop() {
		buf = AppendTokens(buf[:0], norm)
	}
}
