package copycheck

import (
	"bufio"
	"context"
	"encoding/binary"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"time"

	"github.com/wengao/wengao/search"
)

// Building the index file in bounded memory. The first pass over the
// library's texts counts shingle frequencies (the df table, 2^27 counters
// at a million documents: 512 MiB); the second winnows each document and
// streams its fingerprints to a temporary file (4 bytes each, in slot
// order) while counting them by their top 16 bits. The table is then
// written in ranges of hashes of at most fillChunk entries: each range
// reads the temporary file again, sorts its pairs and appends them to the
// table (tableSink). Memory peaks near the df table plus one range
// (fillChunk × 8 bytes), whatever the library's size.

// fillChunk is the most (hash, slot) pairs sorted in memory at a time.
const fillChunk = 1 << 25

// leftoverAge is how old a temporary file of a build must be to be
// removed as left by a build that was killed.
const leftoverAge = time.Hour

// built is an index file made by buildFile, with the catalog it indexed.
type built struct {
	file                *indexFile
	version, gen, edits int64
}

// buildFile indexes every shown document into a new index file at path,
// replacing the one there once it is complete; with no path the file is
// a temporary one, removed once mapped.
func buildFile(ctx context.Context, st Store, path string, log *slog.Logger) (b built, err error) {
	start := time.Now()
	cat, err := st.Catalog(ctx)
	if err != nil {
		return b, err
	}
	cat.RLock()
	b.version, b.gen, b.edits = cat.Version, cat.Gen(), cat.Edits()
	n := cat.Len()
	rows := make([]int64, 0, n)
	sigs := make(map[int64]uint64, n)
	cat.Each(func(id int64, m search.Meta) {
		rows = append(rows, id)
		sigs[id] = textSig(m)
	})
	cat.RUnlock()

	temporary := path == ""
	if temporary {
		f, err := os.CreateTemp("", "copycheck-*.idx")
		if err != nil {
			return b, err
		}
		path = f.Name()
		f.Close()
		defer os.Remove(path)
	}
	removeLeftovers(path)

	// First the document frequencies, then the fingerprints, which
	// leave out the stock shingles.
	bits := dfBits(n)
	dfMem, err := allocOffHeap(4 << bits)
	if err != nil {
		return b, err
	}
	defer func() { freeOffHeap(dfMem) }()
	df := u32View(dfMem)
	mask := uint32(1)<<bits - 1
	err = printRows(ctx, st, rows, sigs, func(t *search.Text) docPrint {
		for _, h := range distinctShingles(t.Body) {
			atomic.AddUint32(&df[h&mask], 1)
		}
		return docPrint{}
	}, func([]docPrint) {})
	if err != nil {
		return b, err
	}
	log.Info("copy check index: frequencies counted", "documents", n, "took", time.Since(start).Round(time.Second))
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.fps.tmp")
	if err != nil {
		return b, err
	}
	defer func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}()
	stock := stockDF(n)
	dfOf := func(h uint32) uint32 { return df[h&mask] }
	var (
		slotRow []int64
		slotSig []uint64
		byTop   [1 << 16]int64 // fingerprints by their top 16 bits
		total   int64
		werr    error
		rec     []byte
	)
	tw := bufio.NewWriterSize(tmp, 1<<20)
	err = printRows(ctx, st, rows, sigs, func(t *search.Text) docPrint {
		return docPrint{fps: fingerprints(t.Body, dfOf, stock)}
	}, func(ps []docPrint) {
		for _, p := range ps {
			slotRow = append(slotRow, p.row)
			slotSig = append(slotSig, p.sig)
			rec = binary.NativeEndian.AppendUint32(rec[:0], uint32(len(p.fps)))
			for _, h := range p.fps {
				rec = binary.NativeEndian.AppendUint32(rec, h)
				byTop[h>>16]++
			}
			total += int64(len(p.fps))
			if _, err := tw.Write(rec); err != nil && werr == nil {
				werr = err
			}
		}
	})
	if err == nil {
		err = werr
	}
	if err == nil {
		err = tw.Flush()
	}
	if err != nil {
		return b, err
	}
	slots := len(slotRow)
	log.Info("copy check index: fingerprints taken", "fingerprints", total, "took", time.Since(start).Round(time.Second))
	w, err := createIndexFile(path, bits, tableBits(int(total), slots), slots)
	if err != nil {
		return b, err
	}
	defer w.abort()
	alive := make([]byte, slots)
	for i := range alive {
		alive[i] = 1
	}
	for _, s := range []struct {
		sec  int
		data []byte
	}{{secDF, bytesOf(df)}, {secSlotRow, bytesOf(slotRow)}, {secSlotSig, bytesOf(slotSig)}, {secAlive, alive}} {
		if _, err := w.section(s.sec).Write(s.data); err != nil {
			return b, err
		}
	}
	freeOffHeap(dfMem)
	df, dfMem, slotRow, slotSig, alive = nil, nil, nil, nil, nil
	sink := newTableSink(uint(w.h.TableBits), w.section(secOffsets), w.section(secEntries))
	var pairs []uint64
	var most int64
	for _, m := range byTop {
		most = max(most, m)
	}
	pairsMem, err := allocOffHeap(8 * int(min(total, max(most, fillChunk))))
	if err != nil {
		return b, err
	}
	defer freeOffHeap(pairsMem)
	pairs = u64View(pairsMem)[:0]
	for lo := 0; lo < len(byTop); {
		hi, m := lo, int64(0)
		for hi < len(byTop) && (hi == lo || m+byTop[hi] <= fillChunk) {
			m += byTop[hi]
			hi++
		}
		if m > 0 {
			if pairs, err = fillRange(ctx, tmp, uint32(lo), uint32(hi), pairs[:0]); err != nil {
				return b, err
			}
			for _, p := range pairs {
				sink.add(uint32(p>>32), uint32(p))
			}
		}
		lo = hi
	}
	pairs = nil
	if err := sink.finish(); err != nil {
		return b, err
	}
	if err := w.commit(slots, b.version); err != nil {
		return b, err
	}
	b.file, err = openIndexFile(path)
	return b, err
}

// fillRange reads the fingerprints file and returns, sorted, the pairs
// hash<<32 | slot of the hashes whose top 16 bits are in [lo, hi).
func fillRange(ctx context.Context, f *os.File, lo, hi uint32, pairs []uint64) ([]uint64, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r := bufio.NewReaderSize(io.NewSectionReader(f, 0, 1<<62), 1<<20)
	var head [4]byte
	var rec []byte
	for slot := uint64(0); ; slot++ {
		if _, err := io.ReadFull(r, head[:]); err == io.EOF {
			break
		} else if err != nil {
			return nil, err
		}
		n := int(binary.NativeEndian.Uint32(head[:]))
		rec = slices.Grow(rec[:0], 4*n)[:4*n]
		if _, err := io.ReadFull(r, rec); err != nil {
			return nil, err
		}
		for i := 0; i < n; i++ {
			h := binary.NativeEndian.Uint32(rec[4*i:])
			if top := h >> 16; top >= lo && top < hi {
				pairs = append(pairs, uint64(h)<<32|slot)
			}
		}
	}
	slices.Sort(pairs)
	return pairs, nil
}

// removeLeftovers removes the temporary files of builds of path killed
// before they ended (an hour old: a build in progress writes to its own).
func removeLeftovers(path string) {
	for _, pat := range []string{".*.tmp"} {
		names, _ := filepath.Glob(path + pat)
		for _, name := range names {
			if fi, err := os.Stat(name); err == nil && time.Since(fi.ModTime()) > leftoverAge {
				os.Remove(name)
			}
		}
	}
}

// compactFile writes the index anew, as it is now, into a new file at
// the index's path (or a temporary one): the table's live entries merged
// with those added since, the frequencies with those counted since. It
// holds the read lock only to take a snapshot: checks and syncs go on
// meanwhile, on the mapped file, which stays valid until replaced. It
// returns the snapshot's number of slots and added frequencies, for
// swap.
func (x *index) compactFile(ctx context.Context, path string) (f *indexFile, snap compactSnap, err error) {
	x.mu.RLock()
	base, old := x.base, x.file
	slots := len(x.slotRow)
	slotRow := slices.Clone(x.slotRow)
	slotSig := slices.Clone(x.slotSig)
	alive := make([]byte, slots)
	for s, a := range x.alive {
		if a {
			alive[s] = 1
		}
	}
	var delta []uint64
	for h, ss := range x.delta {
		for _, s := range ss {
			if x.alive[s] {
				delta = append(delta, uint64(h)<<32|uint64(s))
			}
		}
	}
	dfAdd := make(map[uint32]uint32, len(x.dfAdd))
	for k, v := range x.dfAdd {
		dfAdd[k] = v
	}
	docs, version := x.docs, x.version
	df, dfBitsOf := x.df, uint(old.h.DFBits)
	x.mu.RUnlock()
	snap = compactSnap{slots: slots, dfAdd: dfAdd, alive: alive}
	slices.Sort(delta)

	temporary := path == ""
	if temporary {
		t, err := os.CreateTemp("", "copycheck-*.idx")
		if err != nil {
			return nil, snap, err
		}
		path = t.Name()
		t.Close()
		defer os.Remove(path)
	}
	w, err := createIndexFile(path, dfBitsOf, tableBits(base.len()+len(delta), slots), slots)
	if err != nil {
		return nil, snap, err
	}
	defer w.abort()

	// Frequencies, a chunk at a time, with those added since.
	adds := make([]uint64, 0, len(dfAdd))
	for k, v := range dfAdd {
		adds = append(adds, uint64(k)<<32|uint64(v))
	}
	slices.Sort(adds)
	const chunk = 1 << 20
	buf := make([]uint32, chunk)
	dw := w.section(secDF)
	for lo := 0; lo < len(df); lo += chunk {
		hi := min(lo+chunk, len(df))
		c := buf[:hi-lo]
		copy(c, df[lo:hi])
		for len(adds) > 0 && int(adds[0]>>32) < hi {
			c[int(adds[0]>>32)-lo] += uint32(adds[0])
			adds = adds[1:]
		}
		if _, err := dw.Write(bytesOf(c)); err != nil {
			return nil, snap, err
		}
		release(bytesOf(df[lo:hi]))
	}
	for _, s := range []struct {
		sec  int
		data []byte
	}{{secSlotRow, bytesOf(slotRow)}, {secSlotSig, bytesOf(slotSig)}, {secAlive, alive}} {
		if _, err := w.section(s.sec).Write(s.data); err != nil {
			return nil, snap, err
		}
	}
	// The table: its live entries merged with those added since, both
	// in (hash, slot) order.
	sink := newTableSink(uint(w.h.TableBits), w.section(secOffsets), w.section(secEntries))
	emitted := 0
	base.each(func(h, s uint32) {
		p := uint64(h)<<32 | uint64(s)
		for len(delta) > 0 && delta[0] < p {
			sink.add(uint32(delta[0]>>32), uint32(delta[0]))
			delta = delta[1:]
		}
		if int(s) < slots && alive[s] == 1 {
			sink.add(h, s)
		}
		if emitted++; emitted%(1<<24) == 0 {
			if err := ctx.Err(); err != nil && sink.err == nil {
				sink.err = err
			}
			// Entries read so far need not stay resident.
			release(bytesOf(base.entries[:max(0, emitted-1<<20)]))
		}
	})
	for _, p := range delta {
		sink.add(uint32(p>>32), uint32(p))
	}
	release(bytesOf(base.entries))
	release(bytesOf(base.offsets))
	if err := sink.finish(); err != nil {
		return nil, snap, err
	}
	if err := w.commit(docs, version); err != nil {
		return nil, snap, err
	}
	f, err = openIndexFile(path)
	return f, snap, err
}

// compactSnap is what compactFile took of the index.
type compactSnap struct {
	slots int               // slots at the snapshot: those below are in the new file
	dfAdd map[uint32]uint32 // frequencies added since the old file, now in the new one
	alive []byte
}

// swap makes the compacted file the index's base. Slots made since the
// snapshot stay in the delta map, their frequencies in dfAdd; slots that
// died since stay dead.
func (x *index) swap(f *indexFile, snap compactSnap) {
	x.mu.Lock()
	defer x.mu.Unlock()
	old := x.file
	x.file = f
	x.base = table{bits: uint(f.h.TableBits), offsets: u32View(f.section(secOffsets)), entries: u32View(f.section(secEntries))}
	x.df = u32View(f.section(secDF))
	nDelta := 0
	for h, ss := range x.delta {
		keep := ss[:0]
		for _, s := range ss {
			if int(s) >= snap.slots {
				keep = append(keep, s)
			}
		}
		if len(keep) == 0 {
			delete(x.delta, h)
		} else {
			x.delta[h] = keep
			nDelta += len(keep)
		}
	}
	x.nDelta = nDelta
	for k, v := range snap.dfAdd {
		if x.dfAdd[k] -= v; x.dfAdd[k] == 0 {
			delete(x.dfAdd, k)
		}
	}
	x.nDead = 0
	for s := 0; s < snap.slots; s++ {
		if snap.alive[s] == 1 && !x.alive[s] {
			x.nDead++ // died since: still in the table
		}
	}
	if old != nil && old != f {
		old.close()
	}
}
