package copycheck

import (
	"bufio"
	"encoding/binary"
	"io"
	"slices"
	"sort"
	"unsafe"
)

// table is the sorted part of the passage index: for each shingle hash,
// the slots whose documents hold it, in 4 bytes an entry. A hash is cut
// in two: its top bits pick a bucket, and the rest is kept in the entry
// above the slot (residual<<bits | slot), the entries of a bucket sorted.
// Buckets hold about 16 entries, so the offsets cost a quarter of a byte
// an entry; at a million documents (760 M fingerprints) the table takes
// about 3.3 GB where one uint64 an entry took 6.1 GB.
//
// The entries are in (hash, slot) order overall, whatever the bucket
// bits, so a table is written in one sequential pass (tableSink) and two
// tables merge without sorting. Its slices usually map the index file
// (file.go): lookups check every offset and slot they read, so that a
// damaged file loses passages but never crashes a check.
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

// newTable builds a table in memory from n (hash, slot) pairs with slots
// below slots; each calls fn with every pair. The index itself is built
// into a file (build.go); this is the same layout, for tests.
func newTable(n, slots int, each func(fn func(h, slot uint32))) table {
	pairs := make([]uint64, 0, n)
	each(func(h, s uint32) { pairs = append(pairs, uint64(h)<<32|uint64(s)) })
	slices.Sort(pairs)
	k := tableBits(n, slots)
	var offs, ents sliceWriter
	sink := newTableSink(k, &offs, &ents)
	for _, p := range pairs {
		sink.add(uint32(p>>32), uint32(p))
	}
	if err := sink.finish(); err != nil {
		panic(err) // writes to memory do not fail
	}
	return table{bits: k, offsets: offs.u32s(), entries: ents.u32s()}
}

// lookup calls fn with each slot holding hash h until fn returns false.
func (t *table) lookup(h uint32, fn func(slot uint32) bool) {
	if len(t.offsets) == 0 {
		return
	}
	shift := 32 - t.bits
	b, r := h>>shift, h&(uint32(1)<<shift-1)
	lo, hi := t.offsets[b], t.offsets[b+1]
	if lo > hi || int(hi) > len(t.entries) {
		return // a damaged file: see table
	}
	es := t.entries[lo:hi]
	i := sort.Search(len(es), func(i int) bool { return es[i]>>t.bits >= r })
	slotMask := uint32(1)<<t.bits - 1
	for ; i < len(es) && es[i]>>t.bits == r; i++ {
		if !fn(es[i] & slotMask) {
			return
		}
	}
}

// each calls fn with every (hash, slot) pair of the table, in order.
func (t *table) each(fn func(h, slot uint32)) {
	if len(t.offsets) == 0 {
		return
	}
	shift := 32 - t.bits
	slotMask := uint32(1)<<t.bits - 1
	for b := 0; b+1 < len(t.offsets); b++ {
		lo, hi := t.offsets[b], t.offsets[b+1]
		if lo > hi || int(hi) > len(t.entries) {
			continue
		}
		for _, e := range t.entries[lo:hi] {
			fn(uint32(b)<<shift|e>>t.bits, e&slotMask)
		}
	}
}

// len returns the number of entries.
func (t *table) len() int { return len(t.entries) }

// bytes returns the size of the table.
func (t *table) bytes() int64 { return int64(len(t.offsets))*4 + int64(len(t.entries))*4 }

// tableSink writes a table with the given bucket bits from (hash, slot)
// pairs given in increasing order: the offsets (1<<bits + 1 of them) to
// one writer, the entries to another, both as native-endian uint32s.
type tableSink struct {
	bits, shift uint
	offs, ents  *bufio.Writer
	next        uint64 // the next bucket whose offset is to be written
	n           uint64 // entries written
	last        uint64 // the last pair, to check the order
	buf         [4]byte
	err         error
}

func newTableSink(bits uint, offsets, entries io.Writer) *tableSink {
	return &tableSink{bits: bits, shift: 32 - bits, offs: bufio.NewWriterSize(offsets, 1<<16), ents: bufio.NewWriterSize(entries, 1<<16)}
}

func (s *tableSink) put(w *bufio.Writer, v uint32) {
	binary.NativeEndian.PutUint32(s.buf[:], v)
	if _, err := w.Write(s.buf[:]); err != nil && s.err == nil {
		s.err = err
	}
}

// add writes the pair (h, slot); pairs must come in order (not decreasing) and
// slots below 1<<bits.
func (s *tableSink) add(h, slot uint32) {
	p := uint64(h)<<32 | uint64(slot)
	if (s.n > 0 && p < s.last) || slot>>s.bits != 0 {
		if s.err == nil {
			s.err = errTableOrder
		}
		return
	}
	s.last = p
	for b := uint64(h >> s.shift); s.next <= b; s.next++ {
		s.put(s.offs, uint32(s.n))
	}
	s.put(s.ents, (h&(uint32(1)<<s.shift-1))<<s.bits|slot)
	s.n++
	if s.n > 1<<32-1 && s.err == nil {
		s.err = errTableFull
	}
}

// finish writes the remaining offsets and flushes both writers.
func (s *tableSink) finish() error {
	for ; s.next <= 1<<s.bits; s.next++ {
		s.put(s.offs, uint32(s.n))
	}
	if err := s.offs.Flush(); err != nil && s.err == nil {
		s.err = err
	}
	if err := s.ents.Flush(); err != nil && s.err == nil {
		s.err = err
	}
	return s.err
}

// sliceWriter collects bytes written, for tables built in memory.
type sliceWriter struct{ b []byte }

func (w *sliceWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

// u32s returns the bytes written as uint32s.
func (w *sliceWriter) u32s() []uint32 {
	u := make([]uint32, len(w.b)/4)
	for i := range u {
		u[i] = binary.NativeEndian.Uint32(w.b[4*i:])
	}
	return u
}

// u32View returns b (4-byte aligned, as mapped sections are) as uint32s
// without copying.
func u32View(b []byte) []uint32 {
	if len(b) < 4 {
		return nil
	}
	return unsafe.Slice((*uint32)(unsafe.Pointer(&b[0])), len(b)/4)
}
