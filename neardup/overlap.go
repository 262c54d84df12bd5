package neardup

import (
	"unicode/utf8"

	"github.com/wengao/wengao/chinese"
)

// Span is a stretch of one paragraph of a text:
// paragraphs[Paragraph][Start:End], in byte offsets of the original
// (unnormalised) paragraph string. It starts at the first and ends after
// the last shared word rune, so it includes the punctuation and spaces
// between them but none around them.
type Span struct {
	Paragraph  int
	Start, End int
}

// Passage is a stretch of text that two texts share: A in the first, B in
// the second. Both hold the same word runes once normalised (punctuation,
// spaces, width, case and traditional or simplified spelling may differ).
type Passage struct {
	A, B  Span
	Text  string // the text of A, as written in the first text
	Runes int    // the number of shared word runes
}

// seedRunes is the width of the shingles that seed matches: 3, independent
// of K (a pair of characters is too common a seed).
const seedRunes = 3

// maxCandidates bounds the places of b that are tried for each seed shingle
// of a, so that repetitive texts stay linear.
const maxCandidates = 32

// Overlap returns the passages that texts a and b (as paragraphs) share,
// in the order of a, for a moderator to see what two near-duplicates have
// in common.
//
// Both texts are normalised like Sign does and matched on their word runes
// as one stream each, so a shared passage is found across differences of
// punctuation, spacing and paragraph breaks. Each maximal run of shared
// word runes of at least minRunes runes (at least 1; 3 or more is
// sensible, shorter runs are mostly chance) is one match; a match is
// reported as one Passage per piece of it that lies within one paragraph of
// a and one of b, so the pieces of a match that spans a paragraph break may
// be shorter than minRunes. Where a stretch of a occurs several times in b,
// the longest occurrence (then the first) is taken. The passages do not
// overlap in a (except within a character that normalises to several, such
// as ㍿), but several may map to the same part of b.
//
// The matching seeds on shingles of min(3, minRunes) runes, hash-indexes
// those of b and extends each seed rune by rune, trying at most 32 places
// of b per seed: its time is linear in the sizes of a and b (times
// minRunes where seeds fail to grow to minRunes runes).
func Overlap(a, b []string, minRunes int) []Passage {
	if minRunes < 1 {
		minRunes = 1
	}
	w := min(seedRunes, minRunes)
	sa, sb := newStream(a), newStream(b)
	if len(sa.runes) < minRunes || len(sb.runes) < minRunes {
		return nil
	}

	// Hash table of the seeds of b: head[h&mask] is the first position of
	// a chain through next, in increasing order of position.
	nb := len(sb.runes) - w + 1
	size := 1
	for size < 2*nb {
		size <<= 1
	}
	mask := uint64(size - 1)
	head := make([]int32, size)
	for i := range head {
		head[i] = -1
	}
	next := make([]int32, nb)
	hb := make([]uint64, nb)
	for p := nb - 1; p >= 0; p-- {
		h := seedHash(sb.runes[p:p+w], w)
		hb[p] = h
		next[p] = head[h&mask]
		head[h&mask] = int32(p)
	}

	extend := func(i, p int) int {
		m := 0
		for i+m < len(sa.runes) && p+m < len(sb.runes) && sa.runes[i+m] == sb.runes[p+m] {
			m++
		}
		return m
	}

	var out []Passage
	offset := 0 // p - i of the last match: a substitution keeps it
	haveOffset := false
	for i := 0; i+w <= len(sa.runes); {
		best, bestLen := -1, 0
		try := func(p int) {
			if m := extend(i, p); m > bestLen || (m == bestLen && p < best) {
				best, bestLen = p, m
			}
		}
		hinted := -1
		if haveOffset {
			if p := i + offset; p >= 0 && p < nb {
				hinted = p
				try(p)
			}
		}
		h := seedHash(sa.runes[i:i+w], w)
		tried := 0
		for e := head[h&mask]; e >= 0 && tried < maxCandidates; e = next[e] {
			if hb[e] == h {
				tried++
				if int(e) != hinted {
					try(int(e))
				}
			}
		}
		if bestLen < minRunes || bestLen < w {
			i++
			continue
		}
		out = sa.passages(out, &sb, a, i, best, bestLen)
		offset, haveOffset = best-i, true
		i += bestLen
	}
	return out
}

// seedHash hashes the w runes of rs.
func seedHash(rs []rune, w int) uint64 {
	var h uint64
	for _, r := range rs[:w] {
		h = h*shingleMul + uint64(r)
	}
	return mix64(h ^ shingleSeed)
}

// stream is a text's normalised word runes, each with the paragraph and
// the byte range of the original rune that produced it.
type stream struct {
	runes      []rune
	para       []int32
	start, end []int32
}

func newStream(paragraphs []string) stream {
	var s stream
	var norm []rune
	var origin []int
	for pi, p := range paragraphs {
		origin = origin[:0]
		norm = chinese.NormalizeRunes(norm[:0], p, &origin)
		for j, r := range norm {
			if !chinese.IsWordRune(r) {
				continue
			}
			o := origin[j]
			_, size := utf8.DecodeRuneInString(p[o:])
			s.runes = append(s.runes, r)
			s.para = append(s.para, int32(pi))
			s.start = append(s.start, int32(o))
			s.end = append(s.end, int32(o+size))
		}
	}
	return s
}

// passages appends the passages of the match of s[i:i+m] with b[p:p+m],
// cut at the paragraph breaks of either text.
func (s *stream) passages(out []Passage, b *stream, a []string, i, p, m int) []Passage {
	t0 := 0
	for t := 1; t <= m; t++ {
		if t < m && s.para[i+t] == s.para[i+t-1] && b.para[p+t] == b.para[p+t-1] {
			continue
		}
		x0, x1 := i+t0, i+t-1
		y0, y1 := p+t0, p+t-1
		pa := int(s.para[x0])
		ps := Passage{
			A:     Span{pa, int(s.start[x0]), int(s.end[x1])},
			B:     Span{int(b.para[y0]), int(b.start[y0]), int(b.end[y1])},
			Runes: t - t0,
		}
		ps.Text = a[pa][ps.A.Start:ps.A.End]
		out = append(out, ps)
		t0 = t
	}
	return out
}
