package copycheck

import (
	"math/rand"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"
)

// TestTable checks that a table gives back, for every hash, exactly the
// slots it was built with, across bucket sizes (hashes crowding one
// bucket, hashes differing only in their low bits) and slot counts.
func TestTable(t *testing.T) {
	rng := rand.New(rand.NewSource(17))
	for _, tc := range []struct {
		name         string
		pairs, slots int
		hash         func() uint32
	}{
		{"empty", 0, 0, rng.Uint32},
		{"few", 50, 10, rng.Uint32},
		{"many slots", 20_000, 3_000_000, rng.Uint32},
		{"one bucket", 5_000, 100, func() uint32 { return 0xABC00000 | rng.Uint32()&0xFF }},
		{"largest hashes", 1_000, 50, func() uint32 { return ^uint32(0) - rng.Uint32()&0x3 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := map[uint32][]uint32{}
			type pair struct{ h, s uint32 }
			var pairs []pair
			for i := 0; i < tc.pairs; i++ {
				p := pair{tc.hash(), uint32(rng.Intn(max(1, tc.slots)))}
				pairs = append(pairs, p)
				want[p.h] = append(want[p.h], p.s)
			}
			tab := newTable(len(pairs), tc.slots, func(fn func(h, s uint32)) {
				for _, p := range pairs {
					fn(p.h, p.s)
				}
			})
			if got := tab.len(); got != len(pairs) {
				t.Errorf("len = %d, want %d", got, len(pairs))
			}
			for h, slots := range want {
				var got []uint32
				tab.lookup(h, func(s uint32) bool { got = append(got, s); return true })
				slices.Sort(got)
				slices.Sort(slots)
				if !slices.Equal(got, slots) {
					t.Fatalf("lookup(%#x) = %v, want %v", h, got, slots)
				}
			}
			// Hashes not in the table find nothing.
			for i := 0; i < 1000; i++ {
				h := rng.Uint32()
				if _, ok := want[h]; ok {
					continue
				}
				tab.lookup(h, func(s uint32) bool {
					t.Fatalf("lookup(%#x) found slot %d, want none", h, s)
					return false
				})
			}
			// each gives back every pair.
			n := 0
			tab.each(func(h, s uint32) {
				n++
				if !slices.Contains(want[h], s) {
					t.Fatalf("each gave (%#x, %d), not in the table", h, s)
				}
			})
			if n != len(pairs) {
				t.Errorf("each gave %d pairs, want %d", n, len(pairs))
			}
		})
	}
}

// BenchmarkTableBuild builds a table of $COPYCHECK_TABLE_N random
// fingerprints (default 6,000,000, the corpus's; 760,000,000 is a million
// documents') over N/760 slots, and reports its memory, build time and the
// time of a lookup.
func BenchmarkTableBuild(b *testing.B) {
	n := 6_000_000
	if v, err := strconv.Atoi(os.Getenv("COPYCHECK_TABLE_N")); err == nil && v > 0 {
		n = v
	}
	slots := max(1, n/760)
	pairs := func(fn func(h, s uint32)) {
		rng := rand.New(rand.NewSource(17))
		for i := 0; i < n; i++ {
			fn(rng.Uint32(), uint32(rng.Intn(slots)))
		}
	}
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		tab := newTable(n, slots, pairs)
		build := time.Since(t0)
		rng := rand.New(rand.NewSource(1))
		const lookups = 1_000_000
		found := 0
		t0 = time.Now()
		for k := 0; k < lookups; k++ {
			tab.lookup(rng.Uint32(), func(uint32) bool { found++; return true })
		}
		b.ReportMetric(build.Seconds(), "build-s")
		b.ReportMetric(float64(tab.bytes())/(1<<20), "table-MB")
		b.ReportMetric(float64(time.Since(t0).Nanoseconds())/lookups, "ns/lookup")
		b.ReportMetric(float64(tab.bits), "bucket-bits")
	}
}
