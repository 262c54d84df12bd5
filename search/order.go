package search

import "slices"

// firstN returns the first n of items in cmp's order, sorted, reusing
// items. Keeping n in a heap while the rest pass by costs n log n plus
// len(items) log n comparisons: the page of a large match set without
// sorting all of it.
func firstN[T any](items []T, n int, cmp func(a, b T) int) []T {
	if n >= len(items)/4 {
		slices.SortFunc(items, cmp)
		return items[:min(n, len(items))]
	}
	if n <= 0 {
		return items[:0]
	}
	// A heap of the best n so far, the worst of them at its root.
	h := items[:n]
	worse := func(i, j int) bool { return cmp(h[i], h[j]) > 0 }
	down := func(i int) {
		for {
			c := 2*i + 1
			if c >= n {
				return
			}
			if c+1 < n && worse(c+1, c) {
				c++
			}
			if !worse(c, i) {
				return
			}
			h[i], h[c] = h[c], h[i]
			i = c
		}
	}
	for i := n/2 - 1; i >= 0; i-- {
		down(i)
	}
	for _, it := range items[n:] {
		if cmp(it, h[0]) < 0 {
			h[0] = it
			down(0)
		}
	}
	slices.SortFunc(h, cmp)
	return h
}

// heapOrder hands out items in cmp's order, a few at a time, sorting no
// more of them than are asked for: a heap built in linear time, then
// log n comparisons an item taken.
type heapOrder[T any] struct {
	h   []T
	cmp func(a, b T) int
}

func newHeapOrder[T any](items []T, cmp func(a, b T) int) *heapOrder[T] {
	o := &heapOrder[T]{h: items, cmp: cmp}
	for i := len(items)/2 - 1; i >= 0; i-- {
		o.down(i)
	}
	return o
}

// Len is the number of items not yet taken.
func (o *heapOrder[T]) Len() int { return len(o.h) }

// Peek returns the next item without taking it. Len must not be 0.
func (o *heapOrder[T]) Peek() T { return o.h[0] }

// Take takes the next n items (fewer when fewer are left), in order.
func (o *heapOrder[T]) Take(n int) []T {
	out := make([]T, 0, min(n, len(o.h)))
	for len(out) < n && len(o.h) > 0 {
		out = append(out, o.h[0])
		last := len(o.h) - 1
		o.h[0] = o.h[last]
		o.h = o.h[:last]
		o.down(0)
	}
	return out
}

func (o *heapOrder[T]) down(i int) {
	n := len(o.h)
	for {
		c := 2*i + 1
		if c >= n {
			return
		}
		if c+1 < n && o.cmp(o.h[c+1], o.h[c]) < 0 {
			c++
		}
		if o.cmp(o.h[c], o.h[i]) >= 0 {
			return
		}
		o.h[i], o.h[c] = o.h[c], o.h[i]
		i = c
	}
}
