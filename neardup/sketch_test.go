package neardup

import (
	"math/rand/v2"
	"testing"
)

// equalValues counts the equal values of two signatures.
func equalValues(a, b *Signature) int {
	n := 0
	for i := range a {
		if a[i] == b[i] {
			n++
		}
	}
	return n
}

// equalNibbles counts the equal values of two sketches, one at a time.
func equalNibbles(a, b *Sketch) int {
	n := 0
	for i := range NumHashes {
		w, s := i/16, 4*(i%16)
		if a[w]>>s&15 == b[w]>>s&15 {
			n++
		}
	}
	return n
}

// TestSketchNeverDismissesAMatch checks, over pairs from identical to
// unrelated, that EqualAtLeast agrees with a count of the sketches' equal
// values, and that this count is never below the signatures'.
func TestSketchNeverDismissesAMatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 11))
	for i := range 300 {
		a := synth(rng, 300+rng.IntN(3000), 0, 3000)
		var b []string
		switch i % 3 {
		case 0:
			b = edit(rng, a, rng.Float64()*0.3)
		case 1:
			b = substitute(rng, a, rng.Float64()*0.5)
		default:
			b = synth(rng, 300+rng.IntN(3000), 0, 3000)
		}
		sa, sb := Sign(a), Sign(b)
		ka, kb := sa.Sketch(), sb.Sketch()
		sigEq, skEq := equalValues(&sa, &sb), equalNibbles(&ka, &kb)
		if skEq < sigEq {
			t.Fatalf("pair %d: sketches have %d equal values, signatures %d", i, skEq, sigEq)
		}
		for _, need := range []int{0, 1, sigEq, skEq, skEq + 1, MinEqual(0.8), NumHashes} {
			if got, want := ka.EqualAtLeast(&kb, need), skEq >= need; got != want {
				t.Fatalf("pair %d: EqualAtLeast(%d) = %v with %d equal values", i, need, got, skEq)
			}
		}
		if Similarity(sa, sb) >= 0.8 && !ka.EqualAtLeast(&kb, MinEqual(0.8)) {
			t.Fatalf("pair %d: similarity %.3f dismissed by the sketches", i, Similarity(sa, sb))
		}
	}
}

func TestMinEqual(t *testing.T) {
	n := MinEqual(0.8)
	if got := FromJaccard(float64(n) / NumHashes); got < 0.8 {
		t.Errorf("FromJaccard(%d/128) = %.4f, want ≥ 0.8", n, got)
	}
	if got := FromJaccard(float64(n-1) / NumHashes); got >= 0.8 {
		t.Errorf("FromJaccard(%d/128) = %.4f, want < 0.8", n-1, got)
	}
}

// BenchmarkSketchEqualAtLeast compares two sketches, as a lookup does for
// each candidate.
func BenchmarkSketchEqualAtLeast(b *testing.B) {
	rng := rand.New(rand.NewPCG(12, 12))
	sa, sb := Sign(synth(rng, 2000, 0, 3000)), Sign(synth(rng, 2000, 0, 3000))
	ka, kb := sa.Sketch(), sb.Sketch()
	need := MinEqual(0.8)
	for b.Loop() {
		ka.EqualAtLeast(&kb, need)
	}
}
