package copycheck

import (
	"context"
	"hash/fnv"
	"runtime"
	"slices"
	"sync"

	"github.com/wengao/wengao/search"
)

// Store is what the checker reads of the library: the shown documents
// (search.Store's Catalog, kept current by the store) and their texts.
// search.Store satisfies it.
type Store interface {
	Catalog(ctx context.Context) (*search.Catalog, error)
	Texts(ctx context.Context, rows []int64) ([]search.Text, error)
}

// The passage index holds, for every shown document, the winnowed
// shingles of its body (see winnow) in a compact table of hash → slots
// (table.go, 4 bytes a fingerprint), and the document frequency of every
// shingle of the library in a table of counters. Both are built into one
// file (build.go, file.go), kept in the data folder when Options.Path is
// set, and mapped read-only. Documents added since the file was written
// are in a map (delta), and their frequencies in another (dfAdd). A slot
// is one indexed version of a document: an edited document gets a new
// slot and its old one is marked dead, so that the file is only rewritten
// (compacted) when a quarter of it is stale or the maps grow large.
//
// It follows the store's Catalog: each check first compares the catalog
// with what is indexed (cheap when the catalog's edits have not moved) and
// indexes the documents published or edited since, and forgets the hidden
// and deleted ones. Change notifications (Watch) name the edited documents
// whose size and title stayed the same.
type index struct {
	mu sync.RWMutex

	file          *indexFile          // the mapped file holding base and df
	base          table               // fingerprints at the last build or compaction
	delta         map[uint32][]uint32 // hash → slots, of documents added since base was built
	nDelta, nDead int

	slotRow []int64  // slot → store row
	slotSig []uint64 // slot → textSig of the Meta indexed
	alive   []bool   // slot → still shown, in this version
	rowSlot []int32  // store row → its live slot, -1 for none (rows are dense)
	docs    int      // alive slots

	// df counts, for each shingle hash (modulo the table), the documents
	// that hold it: the file's counts plus dfAdd, those of the documents
	// indexed since. Counts are not taken back when documents leave
	// (their shingles are not kept), so that they drift slightly upwards
	// with edits, which only makes a phrase count as stock a little
	// sooner.
	df     []uint32
	dfMask uint32
	dfAdd  map[uint32]uint32

	version int64 // the catalog version indexed
	gen     int64 // the catalog generation indexed
	edits   int64 // the catalog edits indexed (see search.Catalog.Edits)
	built   bool
}

// dfBits returns the size of the document-frequency table for a library
// of n documents: about 2,000 shingles per slot at 5,000 characters a
// document, so that chance collisions stay far below the stock threshold
// (at a million documents, 2^27 counters add about 15 to a count on
// average, against a threshold of 2,500).
func dfBits(n int) uint {
	switch {
	case n <= 20_000:
		return 24
	case n <= 200_000:
		return 26
	default:
		return 27
	}
}

// docPrint is what indexing one document gives.
type docPrint struct {
	row int64
	sig uint64   // textSig of the document's Meta
	fps []uint32 // winnowed shingles, distinct
}

// distinctShingles returns the distinct shingles of a document body.
func distinctShingles(body string) []uint32 {
	hs := shingles(textKeys(body, nil).keys, nil)
	slices.Sort(hs)
	return slices.Compact(hs)
}

// fingerprints returns the winnowed shingles of a document body, stock
// shingles (by dfOf) left out: they are never looked up, so the window's
// choice falls on a rare one wherever the window holds one.
func fingerprints(body string, dfOf func(h uint32) uint32, stock uint32) []uint32 {
	return winnowRare(shingles(textKeys(body, nil).keys, nil), dfOf, stock)
}

// winnowRare winnows a document's shingles hs (overwritten), stock ones
// left out, and returns the distinct fingerprints, sorted.
func winnowRare(hs []uint32, dfOf func(h uint32) uint32, stock uint32) []uint32 {
	for i, h := range hs {
		if dfOf(h) >= stock {
			hs[i] = stockHash
		}
	}
	fps := winnow(hs, nil)
	slices.Sort(fps)
	fps = slices.Compact(fps)
	if n := len(fps); n > 0 && fps[n-1] == stockHash {
		fps = fps[:n-1]
	}
	return fps
}

// stockHash stands for a stock shingle in winnowing: the largest hash, so
// that a window picks it only when it holds nothing else, and then it is
// dropped. (A rare shingle hashing to it is lost: one in four billion.)
const stockHash = ^uint32(0)

// stockDF is the document frequency from which a shingle is a stock
// phrase in a library of n documents.
func stockDF(n int) uint32 {
	return max(uint32(minStockDF), uint32(n/stockShare))
}

// textBatch is how many documents are read from the store at a time.
const textBatch = 256

// printRows reads the rows' texts and computes their prints on up to
// GOMAXPROCS workers, calling fn (serialised) with each batch.
func printRows(ctx context.Context, st Store, rows []int64, sigs map[int64]uint64, print func(t *search.Text) docPrint, fn func([]docPrint)) error {
	workers := runtime.GOMAXPROCS(0)
	type job struct {
		texts []search.Text
	}
	jobs := make(chan job)
	var fnMu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				out := make([]docPrint, 0, len(j.texts))
				for i := range j.texts {
					p := print(&j.texts[i])
					p.row, p.sig = j.texts[i].Row, sigs[j.texts[i].Row]
					out = append(out, p)
				}
				fnMu.Lock()
				fn(out)
				fnMu.Unlock()
			}
		}()
	}
	var err error
	for lo := 0; lo < len(rows) && err == nil; lo += textBatch {
		hi := min(lo+textBatch, len(rows))
		var texts []search.Text
		texts, err = st.Texts(ctx, rows[lo:hi])
		if err == nil {
			select {
			case jobs <- job{texts}:
			case <-ctx.Done():
				err = ctx.Err()
			}
		}
	}
	close(jobs)
	wg.Wait()
	return err
}

// textSig stands for what of a document's Meta tells its text changed:
// its size and title (an edit in place in this process is told by Watch),
// and its id, in case a row is given to another document.
func textSig(m search.Meta) uint64 {
	h := fnv.New64a()
	h.Write([]byte(m.ID))
	h.Write([]byte{0})
	h.Write([]byte(m.Title))
	return h.Sum64() ^ uint64(m.Size)*0x9e3779b97f4a7c15
}

// addSlot gives row a new slot. The caller holds the write lock.
func (x *index) addSlot(row int64, sig uint64) uint32 {
	if old, ok := x.slotOf(row); ok {
		x.alive[old] = false
		x.nDead++
		x.docs--
	}
	s := uint32(len(x.slotRow))
	x.slotRow = append(x.slotRow, row)
	x.slotSig = append(x.slotSig, sig)
	x.alive = append(x.alive, true)
	for int64(len(x.rowSlot)) <= row {
		x.rowSlot = append(x.rowSlot, -1)
	}
	x.rowSlot[row] = int32(s)
	x.docs++
	return s
}

// slotOf returns the live slot of row.
func (x *index) slotOf(row int64) (uint32, bool) {
	if row < 0 || row >= int64(len(x.rowSlot)) || x.rowSlot[row] < 0 {
		return 0, false
	}
	s := uint32(x.rowSlot[row])
	return s, x.alive[s]
}

// countDF adds a document's distinct shingles to the frequencies of the
// documents indexed since the file. The caller holds the write lock.
func (x *index) countDF(hs []uint32) {
	for _, h := range hs {
		x.dfAdd[h&x.dfMask]++
	}
}

// install makes the opened file the index's base, replacing (and
// unmapping) the one in use: its slots, alive or not, and its
// frequencies; the documents added since are dropped (sync indexes them
// again). version and gen are the catalog's when the file was built; -1
// makes the next sync compare every document.
func (x *index) install(f *indexFile, version, gen, edits int64) error {
	rows := i64View(f.section(secSlotRow))
	slotRow := slices.Clone(rows)
	slotSig := slices.Clone(u64View(f.section(secSlotSig)))
	alive := make([]bool, len(slotRow))
	var maxRow int64 = -1
	for s, a := range f.section(secAlive) {
		alive[s] = a == 1
		if r := slotRow[s]; r < 0 || r >= 1<<31 {
			return badIndex("slot %d: row %d", s, r)
		} else if alive[s] {
			maxRow = max(maxRow, r)
		}
	}
	// Copied: the mapped pages need not stay resident.
	release(f.section(secSlotRow))
	release(f.section(secSlotSig))
	release(f.section(secAlive))
	rowSlot := make([]int32, maxRow+1)
	for i := range rowSlot {
		rowSlot[i] = -1
	}
	docs := 0
	for s, a := range alive {
		if !a {
			continue
		}
		if old := rowSlot[slotRow[s]]; old >= 0 {
			alive[old] = false // cannot happen in a file we wrote
			docs--
		}
		rowSlot[slotRow[s]] = int32(s)
		docs++
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	old := x.file
	x.file = f
	x.base = table{bits: uint(f.h.TableBits), offsets: u32View(f.section(secOffsets)), entries: u32View(f.section(secEntries))}
	x.delta, x.nDelta, x.nDead = map[uint32][]uint32{}, 0, 0
	x.slotRow, x.slotSig, x.alive, x.rowSlot, x.docs = slotRow, slotSig, alive, rowSlot, docs
	for _, a := range alive {
		if !a {
			x.nDead++
		}
	}
	x.df, x.dfMask, x.dfAdd = u32View(f.section(secDF)), uint32(1)<<f.h.DFBits-1, map[uint32]uint32{}
	x.version, x.gen, x.edits, x.built = version, gen, edits, true
	if old != nil && old != f {
		old.close()
	}
	return nil
}

// unload drops the index (a file found damaged): checks wait for a build.
func (x *index) unload() {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.file != nil {
		x.file.close()
	}
	x.file, x.base, x.delta, x.nDelta, x.nDead = nil, table{}, nil, 0, 0
	x.slotRow, x.slotSig, x.alive, x.rowSlot, x.docs = nil, nil, nil, nil, 0
	x.df, x.dfMask, x.dfAdd = nil, 0, nil
	x.version, x.gen, x.edits, x.built = 0, 0, 0, false
}

// sync brings a built index up to date with the catalog: documents shown
// since are indexed, documents changed (their Meta replaced with another
// size or title, or named in changed) indexed again, documents gone
// marked dead.
func (x *index) sync(ctx context.Context, st Store, changed map[string]bool) error {
	cat, err := st.Catalog(ctx)
	if err != nil {
		return err
	}
	cat.RLock()
	x.mu.RLock()
	// The catalog's edits, not its version, which every flush of read
	// counts moves: a walk of a million documents for no new text.
	same := cat.Edits() == x.edits && cat.Gen() == x.gen && len(changed) == 0
	x.mu.RUnlock()
	if same {
		cat.RUnlock()
		return nil
	}
	version, gen, edits := cat.Version, cat.Gen(), cat.Edits()
	var add []int64
	sigs := map[int64]uint64{}
	x.mu.Lock()
	cat.Each(func(id int64, m search.Meta) {
		sig := textSig(m)
		if s, ok := x.slotOf(id); ok && x.slotSig[s] == sig && !changed[m.ID] {
			return // reads or category changed: the text is the same
		}
		add = append(add, id)
		sigs[id] = sig
	})
	for s, row := range x.slotRow {
		if x.alive[s] && !cat.Has(row) {
			x.alive[s] = false
			x.nDead++
			x.docs--
			x.rowSlot[row] = -1
		}
	}
	cat.RUnlock()
	x.mu.Unlock()

	err = printRows(ctx, st, add, sigs, func(t *search.Text) docPrint {
		hs := shingles(textKeys(t.Body, nil).keys, nil)
		distinct := slices.Clone(hs)
		slices.Sort(distinct)
		x.mu.Lock()
		x.countDF(slices.Compact(distinct))
		x.mu.Unlock()
		x.mu.RLock()
		defer x.mu.RUnlock()
		return docPrint{fps: winnowRare(hs, x.dfOf, stockDF(x.docs))}
	}, func(ps []docPrint) {
		x.mu.Lock()
		defer x.mu.Unlock()
		for _, p := range ps {
			s := x.addSlot(p.row, p.sig)
			for _, h := range p.fps {
				x.delta[h] = append(x.delta[h], s)
			}
			x.nDelta += len(p.fps)
		}
	})
	if err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.version, x.gen, x.edits = version, gen, edits
	return nil
}

// maxDFAdd is the most frequencies kept beside the file's (about 16 bytes
// each) before the file is rewritten with them; minCompact the fewest
// entries added or dead that are worth rewriting it for. (Variables for
// the tests.)
var (
	maxDFAdd   = 1 << 22
	minCompact = 1 << 16
)

// stale reports whether the file should be rewritten (compacted): the
// documents added since or dead pass a quarter of it, or the frequencies
// added since grow large. The caller holds a lock.
func (x *index) stale() bool {
	if !x.built {
		return false
	}
	deadEntries := x.nDead * x.base.len() / max(1, len(x.slotRow))
	return x.nDelta+deadEntries > max(x.base.len()/4, minCompact) || len(x.dfAdd) > maxDFAdd
}

// postings calls fn with the live slots that hold shingle h, and returns
// how many there were; it stops at limit (returning limit+1) so that a
// common shingle costs little.
func (x *index) postings(h uint32, limit int, fn func(slot uint32)) int {
	n := 0
	x.base.lookup(h, func(s uint32) bool {
		if int(s) >= len(x.alive) || !x.alive[s] {
			return true
		}
		if n++; n > limit {
			return false
		}
		fn(s)
		return true
	})
	if n > limit {
		return n
	}
	for _, s := range x.delta[h] {
		if !x.alive[s] {
			continue
		}
		if n++; n > limit {
			return n
		}
		fn(s)
	}
	return n
}

// Stats describes the passage index.
type Stats struct {
	Documents int   // documents indexed (shown)
	Entries   int   // shingles held (live or not yet compacted)
	Bytes     int64 // size of the index: Mapped plus Heap
	Mapped    int64 // of the index file, mapped: resident only as far as checks touch it
	Heap      int64 // in memory: slots and what was added since the file
}

// stats returns the index's size. The caller holds a lock.
func (x *index) stats() Stats {
	st := Stats{Documents: x.docs, Entries: x.base.len() + x.nDelta}
	if x.file != nil {
		st.Mapped = int64(x.file.h.Size)
	}
	h := int64(x.nDelta)*4 + int64(len(x.delta))*48 + int64(len(x.dfAdd))*16
	h += int64(cap(x.slotRow))*8 + int64(cap(x.slotSig))*8 + int64(cap(x.alive))
	h += int64(cap(x.rowSlot)) * 4
	st.Heap = h
	st.Bytes = st.Mapped + st.Heap
	return st
}

// dfOf returns the document frequency of shingle h. The caller holds a
// lock.
func (x *index) dfOf(h uint32) uint32 {
	i := h & x.dfMask
	return x.df[i] + x.dfAdd[i]
}
