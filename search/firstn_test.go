package search

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

// firstN gives what sorting everything and cutting gives, for every n.
func TestFirstN(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int{0, 1, 2, 7, 100, 1000} {
		items := make([]int, size)
		for i := range items {
			items[i] = r.IntN(size/2 + 1) // with ties
		}
		want := slices.Clone(items)
		slices.Sort(want)
		for _, n := range []int{0, 1, 3, 10, size / 5, size / 4, size, size + 5} {
			got := firstN(slices.Clone(items), n, cmp.Compare[int])
			if w := want[:min(n, size)]; !slices.Equal(got, w) {
				t.Errorf("size %d, n %d: %v, want %v", size, n, got, w)
			}
		}
	}
}
