package copycheck

import (
	"slices"
	"sort"
)

// table is the sorted part of the passage index: for each shingle hash,
// the slots whose documents hold it, in 4 bytes an entry. A hash is cut
// in two: its top bits pick a bucket, and the rest is kept in the entry
// above the slot (residual<<bits | slot), the entries of a bucket sorted.
// Buckets hold about 16 entries, so the offsets cost a quarter of a byte
// an entry; at a million documents (760 M fingerprints) the table takes
// about 3.3 GB where one uint64 an entry took 6.1 GB.
type table struct {
	bits    uint     // bucket bits; slots are below 1<<bits
	offsets []uint32 // bucket b is entries[offsets[b]:offsets[b+1]]
	entries []uint32
}

// tableBits returns the bucket bits of a table of n entries whose slots
// are below slots: about 16 entries a bucket, and room for every slot.
func tableBits(n, slots int) uint {
	k := uint(8)
	for k < 30 && (1<<k)*16 < n {
		k++
	}
	for k < 30 && 1<<k <= slots {
		k++
	}
	return k
}

// newTable builds the table of n (hash, slot) pairs with slots below
// slots. each calls fn with every pair; it is called twice (to count the
// buckets, then to fill them) and must give the same pairs both times.
func newTable(n, slots int, each func(fn func(h, slot uint32))) table {
	k := tableBits(n, slots)
	shift := 32 - k
	t := table{bits: k, offsets: make([]uint32, 1<<k+1), entries: make([]uint32, n)}
	each(func(h, _ uint32) { t.offsets[h>>shift+1]++ })
	for b := 1; b < len(t.offsets); b++ {
		t.offsets[b] += t.offsets[b-1]
	}
	// Fill each bucket from its start; offsets[b] moves to its end, the
	// start of the next, and is shifted back after.
	mask := uint32(1)<<shift - 1
	each(func(h, slot uint32) {
		b := h >> shift
		t.entries[t.offsets[b]] = (h&mask)<<k | slot
		t.offsets[b]++
	})
	copy(t.offsets[1:], t.offsets[:len(t.offsets)-1])
	t.offsets[0] = 0
	for b := 0; b+1 < len(t.offsets); b++ {
		if lo, hi := t.offsets[b], t.offsets[b+1]; hi-lo > 1 {
			slices.Sort(t.entries[lo:hi])
		}
	}
	return t
}

// lookup calls fn with each slot holding hash h until fn returns false.
func (t *table) lookup(h uint32, fn func(slot uint32) bool) {
	if len(t.offsets) == 0 {
		return
	}
	shift := 32 - t.bits
	b, r := h>>shift, h&(uint32(1)<<shift-1)
	es := t.entries[t.offsets[b]:t.offsets[b+1]]
	i := sort.Search(len(es), func(i int) bool { return es[i]>>t.bits >= r })
	slotMask := uint32(1)<<t.bits - 1
	for ; i < len(es) && es[i]>>t.bits == r; i++ {
		if !fn(es[i] & slotMask) {
			return
		}
	}
}

// each calls fn with every (hash, slot) pair of the table.
func (t *table) each(fn func(h, slot uint32)) {
	if len(t.offsets) == 0 {
		return
	}
	shift := 32 - t.bits
	slotMask := uint32(1)<<t.bits - 1
	for b := 0; b+1 < len(t.offsets); b++ {
		for _, e := range t.entries[t.offsets[b]:t.offsets[b+1]] {
			fn(uint32(b)<<shift|e>>t.bits, e&slotMask)
		}
	}
}

// len returns the number of entries.
func (t *table) len() int { return len(t.entries) }

// bytes returns the memory the table holds.
func (t *table) bytes() int64 { return int64(cap(t.offsets))*4 + int64(cap(t.entries))*4 }
