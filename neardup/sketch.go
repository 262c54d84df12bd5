package neardup

import "math/bits"

// SketchBits is how many low bits of each signature value a Sketch keeps.
const SketchBits = 4

// Sketch is a signature cut to the low SketchBits bits of each of its
// values: 64 bytes instead of 512, small enough to keep in memory for
// millions of documents. Two values that are equal have equal low bits, so
// the number of equal values of two sketches is at least that of their
// signatures: a pair whose sketches have fewer than MinEqual(threshold)
// equal values cannot reach the threshold (MayReach), and needs no look at
// the full signatures. Unrelated values agree by chance on 1 in 16
// positions, so a pair far below the threshold is dismissed by its
// sketches; one close to it must be verified with Similarity.
type Sketch [NumHashes * SketchBits / 64]uint64

// Sketch returns the sketch of s. The empty signature's is all zeros.
func (s *Signature) Sketch() Sketch {
	var k Sketch
	const perWord = 64 / SketchBits
	for i, v := range s {
		k[i/perWord] |= uint64(v&(1<<SketchBits-1)) << (SketchBits * (i % perWord))
	}
	return k
}

// nibbleLow has the lowest bit of every 4-bit field set.
const nibbleLow = 0x1111111111111111

// EqualAtLeast reports whether sketches a and b have at least need equal
// values; it is false for every pair of signatures with fewer than need
// equal values only if their sketches are too (never the other way).
func (a *Sketch) EqualAtLeast(b *Sketch, need int) bool {
	differ := 0
	for i := range a {
		x := a[i] ^ b[i]
		// One bit per 4-bit field that differs.
		x |= x >> 2
		x |= x >> 1
		differ += bits.OnesCount64(x & nibbleLow)
	}
	return NumHashes-differ >= need
}

// MinEqual returns the fewest equal values two signatures must have for
// their Similarity to reach threshold (NumHashes+1 when none do).
func MinEqual(threshold float64) int { return minEqual(threshold) }
