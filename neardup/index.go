package neardup

import (
	"cmp"
	"slices"
	"sync"
)

// Match is a document found by Index.Query.
type Match struct {
	ID         int64
	Similarity float64 // estimated share of characters in common (Similarity)
}

// Index is an in-memory LSH index of signatures: each document is filed
// under its Bands keys, a query looks up its own keys and verifies the
// documents found there with Similarity. A database keeps the same keys in
// a table of (key, document) rows, or (band, key, document), and the
// signatures beside the documents.
//
// The zero Index is empty and ready to use. It is safe for concurrent use.
type Index struct {
	mu      sync.RWMutex
	sigs    map[int64]*Signature
	buckets map[uint64][]int64 // band key → documents
}

// Len returns the number of documents in the index.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.sigs)
}

// Add files document id under signature s, replacing what was filed under
// id before. An empty signature is not filed (it matches nothing).
func (x *Index) Add(id int64, s Signature) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.remove(id)
	if s.Empty() {
		return
	}
	if x.sigs == nil {
		x.sigs = make(map[int64]*Signature)
		x.buckets = make(map[uint64][]int64)
	}
	x.sigs[id] = &s
	for _, k := range s.Bands() {
		ids := x.buckets[k]
		if len(ids) >= MaxBucket {
			// The oldest leaves; it stays in the other buckets.
			ids = append(ids[:0], ids[1:]...)
		}
		x.buckets[k] = append(ids, id)
	}
}

// MaxBucket bounds the documents filed under one band key, so that a
// query verifies at most Bands*MaxBucket candidates however large the
// library: a key shared by more documents (the wording of a template,
// issued thousands of times) keeps the most recently added. A document
// near a template's copies still shares other keys with them. Few keys
// reach the bound: 99 of 306,655 in 10,000 generated documents (the
// largest held 1,222); importing 50,000 of them reports 1,994
// near-duplicates with it, 1,995 without. The database keeps every key
// and reads the same most recent MaxBucket documents of each
// (dupCandidatesSQL in package sqlite).
const MaxBucket = 64

// Remove takes document id out of the index, if it is there.
func (x *Index) Remove(id int64) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.remove(id)
}

func (x *Index) remove(id int64) {
	s, ok := x.sigs[id]
	if !ok {
		return
	}
	delete(x.sigs, id)
	for _, k := range s.Bands() {
		ids := x.buckets[k]
		if i := slices.Index(ids, id); i >= 0 {
			ids[i] = ids[len(ids)-1]
			ids = ids[:len(ids)-1]
		}
		if len(ids) == 0 {
			delete(x.buckets, k)
		} else {
			x.buckets[k] = ids
		}
	}
}

// Query returns the documents that share a band key with s and whose
// estimated similarity to s (Similarity) is at least threshold, most
// similar first (then by id). Documents that share no key are not looked
// at: with 42 bands of 3 rows that loses 1 % of the documents at
// similarity 0.8, 0.02 % at 0.85, 7 % at 0.75 and 23 % at 0.7, so
// thresholds below about 0.75 miss matches.
func (x *Index) Query(s Signature, threshold float64) []Match {
	m, _ := x.query(s, threshold)
	return m
}

// QueryStats is Query that also returns the number of distinct candidates
// that were verified.
func (x *Index) QueryStats(s Signature, threshold float64) (matches []Match, candidates int) {
	return x.query(s, threshold)
}

func (x *Index) query(s Signature, threshold float64) ([]Match, int) {
	if s.Empty() {
		return nil, 0
	}
	keys := s.Bands()
	x.mu.RLock()
	defer x.mu.RUnlock()
	var cand []int64
	for _, k := range keys {
		cand = append(cand, x.buckets[k]...)
	}
	slices.Sort(cand)
	cand = slices.Compact(cand)
	var out []Match
	need := minEqual(threshold)
	for _, id := range cand {
		if n, ok := equalAtLeast(&s, x.sigs[id], need); ok {
			out = append(out, Match{id, FromJaccard(float64(n) / NumHashes)})
		}
	}
	slices.SortFunc(out, func(a, b Match) int {
		if c := cmp.Compare(b.Similarity, a.Similarity); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, len(cand)
}

// minEqual returns the fewest equal values that two signatures must have
// for their Similarity to reach threshold (NumHashes+1 when none do).
func minEqual(threshold float64) int {
	for n := 0; n <= NumHashes; n++ {
		if FromJaccard(float64(n)/NumHashes) >= threshold {
			return n
		}
	}
	return NumHashes + 1
}

// equalAtLeast returns the number of equal values of a and b, and whether
// it is at least need; it stops counting, returning false, as soon as it
// cannot be. Most candidates of a query are far below the threshold, and
// are dismissed after half their values or so.
func equalAtLeast(a, b *Signature, need int) (int, bool) {
	const chunk = 16
	n := 0
	for i := 0; i < NumHashes; i += chunk {
		if n+NumHashes-i < need {
			return n, false
		}
		for j := i; j < i+chunk; j++ {
			if a[j] == b[j] {
				n++
			}
		}
	}
	return n, n >= need
}
