package copycheck

import (
	"context"
	"hash/fnv"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/wengao/wengao/search"
)

// Store is what the checker reads of the library: the shown documents
// (search.Store's Catalog, kept current by the store) and their texts.
// search.Store satisfies it.
type Store interface {
	Catalog(ctx context.Context) (*search.Catalog, error)
	Texts(ctx context.Context, rows []int64) ([]search.Text, error)
}

// The passage index lives in memory. It holds, for every shown document,
// the winnowed shingles of its body (see winnow) in a compact table of
// hash → slots (table.go, 4 bytes a fingerprint), plus the documents added
// since it was built in a map, and
// the document frequency of every shingle of the library in a table of
// counters. A slot is one indexed version of a document: an edited
// document gets a new slot and its old one is marked dead, so that the
// table is only rewritten when a quarter of it is stale.
//
// It follows the store's Catalog: each check first compares the catalog
// with what is indexed (cheap when the catalog's version has not moved) and
// indexes the documents published or edited since, and forgets the hidden
// and deleted ones. Change notifications (Watch) name the edited documents
// whose size and title stayed the same.
type index struct {
	mu sync.RWMutex

	base          table               // fingerprints at the last build or compaction
	delta         map[uint32][]uint32 // hash → slots, of documents added since base was built
	nDelta, nDead int

	slotRow []int64  // slot → store row
	slotSig []uint64 // slot → textSig of the Meta indexed
	alive   []bool   // slot → still shown, in this version
	rowSlot []int32  // store row → its live slot, -1 for none (rows are dense)
	docs    int      // alive slots

	// df counts, for each shingle hash (modulo the table), the documents
	// that hold it. Counts are added as documents are indexed and not
	// taken back when they leave (their shingles are not kept), so that
	// they drift slightly upwards with edits, which only makes a phrase
	// count as stock a little sooner.
	df     []uint32
	dfMask uint32

	version int64 // the catalog version indexed
	gen     int64 // the catalog generation indexed
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
	row  int64
	meta search.Meta
	fps  []uint32 // winnowed shingles, distinct
}

// distinctShingles returns the distinct shingles of a document body.
func distinctShingles(body string) []uint32 {
	hs := shingles(textKeys(body, nil).keys, nil)
	slices.Sort(hs)
	return slices.Compact(hs)
}

// fingerprints returns the winnowed shingles of a document body, stock
// shingles left out: they are never looked up, so the window's choice
// falls on a rare one wherever the window holds one.
func (x *index) fingerprints(body string, stock uint32) []uint32 {
	hs := shingles(textKeys(body, nil).keys, nil)
	for i, h := range hs {
		if x.dfOf(h) >= stock {
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
func printRows(ctx context.Context, st Store, rows []int64, metas map[int64]search.Meta, print func(t *search.Text) docPrint, fn func([]docPrint)) error {
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
					p.row, p.meta = j.texts[i].Row, metas[j.texts[i].Row]
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
// its size and title (an edit in place in this process is told by Watch).
func textSig(m search.Meta) uint64 {
	h := fnv.New64a()
	h.Write([]byte(m.Title))
	return h.Sum64() ^ uint64(m.Size)*0x9e3779b97f4a7c15
}

// addSlot gives row a new slot. The caller holds the write lock.
func (x *index) addSlot(row int64, m search.Meta) uint32 {
	if old, ok := x.slotOf(row); ok {
		x.alive[old] = false
		x.nDead++
		x.docs--
	}
	s := uint32(len(x.slotRow))
	x.slotRow = append(x.slotRow, row)
	x.slotSig = append(x.slotSig, textSig(m))
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

// countDF adds a document's distinct shingles to the frequency table.
func (x *index) countDF(hs []uint32) {
	for _, h := range hs {
		atomic.AddUint32(&x.df[h&x.dfMask], 1)
	}
}

// build indexes every shown document anew.
func (x *index) build(ctx context.Context, st Store) error {
	cat, err := st.Catalog(ctx)
	if err != nil {
		return err
	}
	cat.RLock()
	version, gen := cat.Version, cat.Gen()
	n := cat.Len()
	rows := make([]int64, 0, n)
	metas := make(map[int64]search.Meta, n)
	cat.Each(func(id int64, m search.Meta) {
		rows = append(rows, id)
		metas[id] = m
	})
	cat.RUnlock()

	bits := dfBits(n)
	nx := &index{
		delta:  map[uint32][]uint32{},
		df:     make([]uint32, 1<<bits),
		dfMask: 1<<bits - 1,
	}
	// First the document frequencies, then the fingerprints, which
	// leave out the stock shingles.
	err = printRows(ctx, st, rows, metas, func(t *search.Text) docPrint {
		nx.countDF(distinctShingles(t.Body))
		return docPrint{}
	}, func([]docPrint) {})
	if err != nil {
		return err
	}
	stock := stockDF(n)
	var slotFps [][]uint32 // slot → its fingerprints, until the table is made
	total := 0
	err = printRows(ctx, st, rows, metas, func(t *search.Text) docPrint {
		return docPrint{fps: nx.fingerprints(t.Body, stock)}
	}, func(ps []docPrint) {
		for _, p := range ps {
			s := nx.addSlot(p.row, p.meta)
			for len(slotFps) <= int(s) {
				slotFps = append(slotFps, nil)
			}
			slotFps[s] = slices.Clone(p.fps) // exact size: they are held until the table is made
			total += len(p.fps)
		}
	})
	if err != nil {
		return err
	}
	nx.base = newTable(total, len(nx.slotRow), func(fn func(h, slot uint32)) {
		for s, fps := range slotFps {
			for _, h := range fps {
				fn(h, uint32(s))
			}
		}
	})
	slotFps = nil
	nx.version, nx.gen, nx.built = version, gen, true

	x.mu.Lock()
	defer x.mu.Unlock()
	x.base, x.delta, x.nDelta, x.nDead = nx.base, nx.delta, 0, 0
	x.slotRow, x.slotSig, x.alive, x.rowSlot, x.docs = nx.slotRow, nx.slotSig, nx.alive, nx.rowSlot, nx.docs
	x.df, x.dfMask = nx.df, nx.dfMask
	x.version, x.gen, x.built = version, gen, true
	return nil
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
	same := cat.Version == x.version && cat.Gen() == x.gen && len(changed) == 0
	x.mu.RUnlock()
	if same {
		cat.RUnlock()
		return nil
	}
	version, gen := cat.Version, cat.Gen()
	var add []int64
	metas := map[int64]search.Meta{}
	x.mu.Lock()
	cat.Each(func(id int64, m search.Meta) {
		if s, ok := x.slotOf(id); ok && x.slotSig[s] == textSig(m) && !changed[m.ID] {
			return // reads or category changed: the text is the same
		}
		add = append(add, id)
		metas[id] = m
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

	err = printRows(ctx, st, add, metas, func(t *search.Text) docPrint {
		x.countDF(distinctShingles(t.Body)) // atomic: safe beside readers
		x.mu.RLock()
		stock := stockDF(x.docs)
		x.mu.RUnlock()
		return docPrint{fps: x.fingerprints(t.Body, stock)}
	}, func(ps []docPrint) {
		x.mu.Lock()
		defer x.mu.Unlock()
		for _, p := range ps {
			s := x.addSlot(p.row, p.meta)
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
	x.version, x.gen = version, gen
	if x.nDelta+x.nDead*x.base.len()/max(1, len(x.slotRow)) > x.base.len()/4 {
		x.compact()
	}
	return nil
}

// compact rewrites the table with the entries of live slots of both the
// table and the map. The caller holds the write lock.
func (x *index) compact() {
	live := func(fn func(h, slot uint32)) {
		x.base.each(func(h, s uint32) {
			if x.alive[s] {
				fn(h, s)
			}
		})
		for h, slots := range x.delta {
			for _, s := range slots {
				if x.alive[s] {
					fn(h, s)
				}
			}
		}
	}
	n := 0
	live(func(uint32, uint32) { n++ })
	x.base = newTable(n, len(x.slotRow), live)
	x.delta = map[uint32][]uint32{}
	x.nDelta, x.nDead = 0, 0
}

// postings calls fn with the live slots that hold shingle h, and returns
// how many there were; it stops at limit (returning limit+1) so that a
// common shingle costs little.
func (x *index) postings(h uint32, limit int, fn func(slot uint32)) int {
	n := 0
	x.base.lookup(h, func(s uint32) bool {
		if !x.alive[s] {
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
	Bytes     int64 // memory of the index: entries, slots and frequency table
}

// stats returns the index's size. The caller holds a lock.
func (x *index) stats() Stats {
	st := Stats{Documents: x.docs, Entries: x.base.len() + x.nDelta}
	b := x.base.bytes()
	b += int64(x.nDelta)*4 + int64(len(x.delta))*48
	b += int64(cap(x.slotRow))*8 + int64(cap(x.slotSig))*8 + int64(cap(x.alive))
	b += int64(cap(x.rowSlot)) * 4
	b += int64(len(x.df)) * 4
	st.Bytes = b
	return st
}

// dfOf returns the document frequency of shingle h. Counts are added
// atomically while readers hold the read lock, so they are read atomically.
func (x *index) dfOf(h uint32) uint32 {
	return atomic.LoadUint32(&x.df[h&x.dfMask])
}
