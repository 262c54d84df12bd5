// Package neardup finds near-duplicate documents: MinHash signatures over
// character shingles of the normalised text, an LSH index over bands of the
// signature, and the shared passages of two texts for a moderator to see.
//
// # Text model
//
// A document is its paragraphs. Each paragraph is normalised the way the
// search index normalises it (chinese.NormalizeRunes: NFKC, full/half
// width, Latin case, traditional to simplified) and reduced to its word
// runes (chinese.IsWordRune: Han characters, letters, digits), so that
// whitespace, punctuation, full-width forms and traditional spellings do
// not make two copies of a text differ. The shingles are the runs of K
// consecutive word runes of a paragraph. They do not cross paragraph
// boundaries, so the shingle set, and hence the signature, does not depend
// on the order of the paragraphs. A paragraph with fewer than K word runes
// (a heading, a signature line, a tiny text) is one shingle of all of them;
// a paragraph without word runes has none, and a text without any shingle
// has the empty signature, which matches nothing.
//
// Each shingle is hashed to 64 bits (a polynomial rolling hash over the
// runes, so that the cost per shingle does not depend on K, finished with
// the MurmurHash3 64-bit mixer and fixed seeds: signatures are the same
// across runs, processes and machines and may be stored).
//
// # Signature
//
// The signature is a one-permutation MinHash (Li, Owen and Zhang 2012)
// with optimal densification (Shrivastava 2017): the top 7 bits of a
// shingle's hash choose one of the NumHashes bins, the low 32 bits are its
// value, and each bin keeps the smallest value it saw. That is one hash and
// one comparison per shingle instead of NumHashes, which makes Sign linear
// in the text and about as fast as normalising it. A bin that no shingle
// fell into (texts with fewer than a few hundred shingles) copies the
// value of another bin, chosen by a fixed probe sequence per bin that is the
// same for every text, which keeps the estimator unbiased. The share of
// equal bins of two signatures estimates the Jaccard similarity J of their
// shingle sets (EstimateJaccard), with a standard deviation of about
// sqrt(J(1-J)/128): 0.044 at J = 0.47.
//
// # Similarity: about the share of characters in common
//
// Similarity is not the Jaccard similarity but what it says of the texts.
// If each character of a text is kept with probability p and otherwise
// replaced, a shingle survives with probability p^K, and the copy and the
// original have a Jaccard similarity of J = p^K / (2 - p^K); so
// p = (2J/(1+J))^(1/K) (FromJaccard), about the share of characters the
// two texts have in common. Insertions and deletions count about like
// substitutions; shuffled paragraphs, punctuation, spacing and traditional
// spellings not at all. A copy with 2 % of its characters edited is 0.975
// similar to its original on average, one with 10 % 0.89. The threshold
// 0.8 (wengao.NearDuplicateThreshold) is a Jaccard of 0.47 for K = 2, where
// the estimate has a standard deviation of 0.026 in similarity.
// ExactSimilarity computes the same from the texts, and Confirm uses it
// for pairs whose estimate is within BorderlineMargin of a threshold.
//
// # Shingle width K = 2
//
// Chosen by measurement on the test corpus (go run ./bench/neardup -sweep,
// 500 documents, seed 1, threshold 0.8, texts signed as sqlite signs them:
// title and paragraphs). Exact similarity: mean / 5th percentile of the
// edited copies, mean / 99th percentile of 1,974 random pairs of unrelated
// documents of the same category; the pairs of the 500 documents and the
// whole corpus at ≥ 0.8 (and the share of the 500 with one or more); and
// the LSH split of at most 128 values that makes pairs at the threshold
// candidates with ≥ 99 % probability, with the candidates a query against
// the corpus then has to verify:
//
//	K  J at 0.8  2 % edited   10 % edited  unrelated    corpus ≥ 0.8   split  candidates
//	2  0.471     0.975 0.968  0.887 0.867  0.414 0.574  305 (10.8 %)   3×42   338
//	3  0.344     0.978 0.972  0.897 0.883  0.432 0.589  759 (14.2 %)   2×37   559
//	4  0.258     0.978 0.974  0.898 0.886  0.463 0.609  1125 (18.6 %)  2×64*  342
//	5  0.196     0.979 0.974  0.899 0.887  0.481 0.631  1426 (21.2 %)  1×22   1774
//	(* 98.8 % only)
//
// Every width keeps all 2 % and 10 % edited copies above 0.8, with the
// estimate's noise too. K = 2 separates them best from unrelated
// documents (0.31 between the 10 %-edited copies' mean and the unrelated
// p99, against 0.31 for K = 3, 0.29 for K = 4 and 0.27 for K = 5), counts
// the fewest corpus pairs as near-duplicates and is the only width with an
// LSH split that meets the 99 % at the threshold without verifying over
// 500 candidates a query. (A larger K measures longer shared runs, but the
// K-th root of FromJaccard lifts the share of common words of unrelated
// texts more.) Even so, documents of one template (the 立法条例 of two
// cities, two 批复 of one procuratorate, the bare adoption records some
// corpus documents are) share most of their wording: 10.8 % of the corpus
// documents have another at ≥ 0.8, four fifths of those pairs below 0.85.
//
// # LSH bands: 42 bands of 3 rows
//
// Bands() cuts the signature into Bands bands of Rows values (the last
// NumHashes - Bands*Rows values only count for Similarity) and hashes
// each band to one key. Two documents become candidates when one key is
// equal; for Jaccard J that happens with probability
// P(J) = 1 - (1 - J^Rows)^Bands. By similarity:
//
//	similarity  0.5    0.6    0.65   0.7    0.75   0.8     0.85    0.9
//	Jaccard     0.143  0.220  0.268  0.325  0.391  0.471   0.566   0.681
//	P           0.115  0.360  0.557  0.768  0.925  0.9902  0.9998  1.0000
//
// So a pair at the threshold 0.8 is a candidate with probability 99.0 %,
// a 10 %-edited copy (0.85 or more) with 99.98 % or more, and an unrelated
// pair at the same-category mean (Jaccard 0.10) with 4 %. With K = 2 only
// 3×42 (99.02 %), 2×19 (99.1 %) and 1×8 (99.4 %) reach 99 % at Jaccard
// 0.471; 2×19 and 1×8 make 4 and 12 times as many candidates. The next
// sharper split, 4×32, makes 8 times fewer but catches only 80 % of the
// pairs at the threshold and 98.9 % of the 10 %-edited copies at their 5th
// percentile. On the corpus a lookup verifies 190 to 300 candidates (the
// wording that documents of one kind share), some 0.1 ms in memory.
// Candidates are then verified against the query threshold (Index.Query;
// Confirm for borderline ones), so the S-curve only decides which pairs
// get looked at. A threshold below about 0.75 misses some of its matches,
// since they do not all become candidates.
package neardup

import (
	"encoding/binary"
	"errors"
	"math"
	"math/bits"
	"slices"
	"sync"

	"github.com/wengao/wengao/chinese"
)

const (
	// K is the shingle width in word runes.
	K = 2
	// NumHashes is the number of MinHash values of a signature.
	NumHashes = 128
	// Rows is the number of signature values per LSH band.
	Rows = 3
	// Bands is the number of LSH bands; Bands*Rows ≤ NumHashes.
	Bands = 42
)

const binShift = 64 - 7 // top 7 bits of a shingle hash choose its bin

func init() {
	if NumHashes != 1<<(64-binShift) || Bands*Rows > NumHashes {
		panic("neardup: inconsistent constants")
	}
}

// Signature is the MinHash signature of a text. The zero value is the
// signature of a text without words; it matches nothing. Every value of a
// non-empty signature is non-zero.
type Signature [NumHashes]uint32

// Empty reports whether s is the signature of a text without any shingle.
func (s Signature) Empty() bool { return s[0] == 0 }

// Fixed seeds: changing any of them changes every stored signature.
const (
	shingleMul  = 0x9E3779B97F4A7C15 // odd multiplier of the rolling hash
	shingleSeed = 0x5851F42D4C957F2D
	shortSeed   = 0x2545F4914F6CDD1D // added, times the length, for paragraphs shorter than k
	bandSeed    = 0xD6E8FEB86659FD93
	probeSeed   = 0xA0761D6478BD642F
)

// mix64 is the finaliser of MurmurHash3: a bijection of 64-bit words in
// which every input bit affects every output bit.
func mix64(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xFF51AFD7ED558CCD
	x ^= x >> 33
	x *= 0xC4CEB9FE1A85EC53
	x ^= x >> 33
	return x
}

// pow returns m^n modulo 2^64.
func pow(m uint64, n int) uint64 {
	p := uint64(1)
	for ; n > 0; n-- {
		p *= m
	}
	return p
}

// eachShingle calls fn with the hash of every shingle of width k of rs (the
// word runes of one paragraph): one per position when len(rs) ≥ k, else
// one for all of rs. Repeated shingles are reported each time.
func eachShingle(rs []rune, k int, fn func(h uint64)) {
	n := len(rs)
	if n == 0 {
		return
	}
	if n < k {
		var h uint64
		for _, r := range rs {
			h = h*shingleMul + uint64(r)
		}
		fn(mix64((h ^ shingleSeed) + uint64(n)*shortSeed))
		return
	}
	var h uint64
	for _, r := range rs[:k] {
		h = h*shingleMul + uint64(r)
	}
	fn(mix64(h ^ shingleSeed))
	top := pow(shingleMul, k-1)
	for i := k; i < n; i++ {
		h = (h-uint64(rs[i-k])*top)*shingleMul + uint64(rs[i])
		fn(mix64(h ^ shingleSeed))
	}
}

// wordRunes appends to dst the normalised word runes of s.
func wordRunes(dst []rune, s string) []rune {
	base := len(dst)
	dst = chinese.NormalizeRunes(dst, s, nil)
	out := dst[:base]
	for _, r := range dst[base:] {
		if chinese.IsWordRune(r) {
			out = append(out, r)
		}
	}
	return out
}

var runePool = sync.Pool{New: func() any { return new([]rune) }}

// probes[i] is the sequence of bins that an empty bin i copies from: the
// first non-empty one; when all are empty, the first non-empty bin after
// the last probe.
var probes = func() (p [NumHashes][8]uint8) {
	for i := range p {
		for a := range p[i] {
			p[i][a] = uint8(mix64(probeSeed^uint64(i)<<8^uint64(a)) >> binShift)
		}
	}
	return p
}()

// Sign returns the signature of the text made of paragraphs. It takes time
// linear in the text and allocates nothing in the steady state.
func Sign(paragraphs []string) Signature {
	var sig Signature
	for i := range sig {
		sig[i] = math.MaxUint32
	}
	var filled [NumHashes / 64]uint64
	add := func(h uint64) {
		b := h >> binShift
		v := uint32(h)
		if v == 0 {
			v = 1
		}
		filled[b/64] |= 1 << (b % 64)
		if v < sig[b] {
			sig[b] = v
		}
	}
	buf := runePool.Get().(*[]rune)
	for _, p := range paragraphs {
		rs := wordRunes((*buf)[:0], p)
		eachShingle(rs, K, add)
		*buf = rs
	}
	runePool.Put(buf)
	return densify(sig, filled)
}

// densify fills the bins of sig that received no shingle.
func densify(sig Signature, filled [NumHashes / 64]uint64) Signature {
	n := 0
	for _, w := range filled {
		n += bits.OnesCount64(w)
	}
	if n == 0 {
		return Signature{}
	}
	if n == NumHashes {
		return sig
	}
	isFilled := func(b int) bool { return filled[b/64]&(1<<(b%64)) != 0 }
	out := sig
	for i := range out {
		if isFilled(i) {
			continue
		}
		from := -1
		for _, b := range probes[i] {
			if isFilled(int(b)) {
				from = int(b)
				break
			}
		}
		if from < 0 {
			b := int(probes[i][len(probes[i])-1])
			for !isFilled(b) {
				b = (b + 1) % NumHashes
			}
			from = b
		}
		out[i] = sig[from]
	}
	return out
}

// EstimateJaccard estimates the Jaccard similarity of the shingle sets of
// the texts signed a and b: the share of equal values. It is 0 when either
// signature is empty.
func EstimateJaccard(a, b Signature) float64 {
	if a.Empty() || b.Empty() {
		return 0
	}
	n := 0
	for i := range a {
		if a[i] == b[i] {
			n++
		}
	}
	return float64(n) / NumHashes
}

// Similarity estimates about the share of characters that the texts signed
// a and b have in common: FromJaccard of EstimateJaccard. It is 1 for
// copies that differ only in what normalisation removes or in the order of
// their paragraphs, about 0.98 for a copy with 2 % of its characters edited,
// 0.9 with 10 %, and 0.3 to 0.65 for unrelated documents of the same kind
// (they share common words). It is 0 when either signature is empty.
func Similarity(a, b Signature) float64 {
	return FromJaccard(EstimateJaccard(a, b))
}

// FromJaccard converts the Jaccard similarity j of two texts' shingle sets
// into about the share of characters the texts have in common. When each
// character of a text is kept with probability p and otherwise replaced,
// a shingle survives with probability p^K and the Jaccard similarity of the
// copy and the original is J = p^K / (2 − p^K); hence
// p = (2J / (1 + J))^(1/K), the K-th root of the share of shingles in common
// (the Dice coefficient). Insertions and deletions count about like
// substitutions.
func FromJaccard(j float64) float64 {
	if j <= 0 {
		return 0
	}
	if j >= 1 {
		return 1
	}
	return math.Pow(2*j/(1+j), 1.0/K)
}

// ToJaccard is the inverse of FromJaccard: the Jaccard similarity of the
// shingle sets of two texts that have a share s of their characters in
// common. A similarity threshold s is a Jaccard threshold ToJaccard(s).
func ToJaccard(s float64) float64 {
	if s <= 0 {
		return 0
	}
	if s >= 1 {
		return 1
	}
	q := math.Pow(s, K)
	return q / (2 - q)
}

// ExactSimilarity returns the similarity that Similarity estimates,
// computed from the texts (as paragraphs): FromJaccard of the Jaccard
// similarity of their shingle sets. It takes time linear in the texts
// (times a logarithm), some ten times Sign.
func ExactSimilarity(a, b []string) float64 {
	sa := Shingles(nil, a, K)
	sb := Shingles(nil, b, K)
	return FromJaccard(Jaccard(sa, sb))
}

// BorderlineMargin is how close to a threshold an estimated similarity
// must be for Confirm to compute the exact one: about twice the standard
// deviation of the estimate near the threshold 0.8 (0.026).
const BorderlineMargin = 0.05

// Confirm returns the similarity to compare with threshold for a pair whose
// estimated similarity is est: est itself when it is further than
// BorderlineMargin from threshold, else exact(), typically ExactSimilarity
// of the two texts when they are at hand (exact may be nil: est is
// returned). A caller that confirms looks up candidates at
// threshold − BorderlineMargin.
func Confirm(est, threshold float64, exact func() float64) float64 {
	if exact == nil || math.Abs(est-threshold) >= BorderlineMargin {
		return est
	}
	return exact()
}

// Bands returns the LSH keys of s: key i hashes band i (values
// i*Rows … i*Rows+Rows-1) together with i, so keys of different bands never
// collide and a store may index the keys alone or (band, key) pairs. Two
// texts are candidate near-duplicates when they share a key. The empty
// signature has no bands: all its keys are 0.
func (s Signature) Bands() [Bands]uint64 {
	var keys [Bands]uint64
	if s.Empty() {
		return keys
	}
	for b := range keys {
		h := bandSeed ^ uint64(b)
		for _, v := range s[b*Rows : b*Rows+Rows] {
			h = mix64(h ^ uint64(v))
		}
		if h == 0 {
			h = 1
		}
		keys[b] = h
	}
	return keys
}

// SignatureVersion is the first byte of an encoded signature. It names the
// whole scheme (normalisation, K, hashes, seeds, bands): a signature or band
// key of another version cannot be compared with this one and must be
// recomputed. Version 1 had K = 3 and 21 bands of 6 rows.
const SignatureVersion = 2

// EncodedLen is the length of MarshalBinary's encoding of a non-empty
// signature; the empty signature encodes as the version byte alone.
const EncodedLen = 1 + 4*NumHashes

// ErrVersion is returned by UnmarshalBinary for a signature made by another
// version of the scheme; the text must be signed again.
var ErrVersion = errors.New("neardup: signature of another version")

// MarshalBinary encodes s as a version byte followed by its values as
// little-endian uint32 (513 bytes), or the version byte alone for the empty
// signature. MinHash values are uniformly random, so nothing smaller would
// keep them exactly.
func (s Signature) MarshalBinary() ([]byte, error) {
	return s.AppendBinary(make([]byte, 0, EncodedLen))
}

// AppendBinary appends the encoding of MarshalBinary to b.
func (s Signature) AppendBinary(b []byte) ([]byte, error) {
	b = append(b, SignatureVersion)
	if s.Empty() {
		return b, nil
	}
	for _, v := range s {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	return b, nil
}

// UnmarshalBinary decodes what MarshalBinary encoded.
func (s *Signature) UnmarshalBinary(data []byte) error {
	if len(data) == 0 {
		return errors.New("neardup: empty signature encoding")
	}
	if data[0] != SignatureVersion {
		return ErrVersion
	}
	if len(data) == 1 {
		*s = Signature{}
		return nil
	}
	if len(data) != EncodedLen {
		return errors.New("neardup: bad signature length")
	}
	var t Signature
	for i := range t {
		t[i] = binary.LittleEndian.Uint32(data[1+4*i:])
		if t[i] == 0 {
			return errors.New("neardup: zero value in signature")
		}
	}
	*s = t
	return nil
}

// Shingles appends to dst the distinct hashes of the width-k shingles of
// the text (k = K for the shingles Sign uses), sorted, and returns the
// extended slice. With Jaccard it gives the exact similarity that
// Similarity estimates, e.g. to verify a match.
func Shingles(dst []uint64, paragraphs []string, k int) []uint64 {
	if k < 1 {
		k = 1
	}
	base := len(dst)
	buf := runePool.Get().(*[]rune)
	for _, p := range paragraphs {
		rs := wordRunes((*buf)[:0], p)
		eachShingle(rs, k, func(h uint64) { dst = append(dst, h) })
		*buf = rs
	}
	runePool.Put(buf)
	slices.Sort(dst[base:])
	tail := slices.Compact(dst[base:])
	return dst[:base+len(tail)]
}

// Jaccard returns |a∩b| / |a∪b| of two sorted sets without repeats, such as
// Shingles returns; 0 when both are empty.
func Jaccard(a, b []uint64) float64 {
	i, j, common := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			common++
			i++
			j++
		}
	}
	union := len(a) + len(b) - common
	if union == 0 {
		return 0
	}
	return float64(common) / float64(union)
}
