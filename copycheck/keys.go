package copycheck

import (
	"unicode/utf8"

	"github.com/wengao/wengao/chinese"
)

// The keys of a text are what matching compares: its normalised word runes
// (chinese.NormalizeRunes: traditional to simplified, full width to half,
// Latin lower case) without punctuation, spaces and the particles that
// writers insert or drop without changing a sentence (的 了 和 地 得). A
// changed comma or an added 的 thus leaves the keys alone.

// shingleLen is the number of keys a shingle hashes: long enough that a
// shingle names a phrase rather than a word, short enough that a sentence
// with a character changed every ten still shares some.
const shingleLen = 5

// isFiller reports whether a normalised rune is left out of the keys.
func isFiller(r rune) bool {
	switch r {
	case '的', '了', '和':
		return true
	}
	return false
}

// keyText is a text's keys with, for each, the character (rune) offset
// in the text it comes from.
type keyText struct {
	keys []rune
	pos  []int32
}

// textKeys returns the keys of s. Unmask, when set, rewrites shown forms of
// masked words (the draft may be copied from the site as shown).
func textKeys(s string, unmask func([]rune, []int32) ([]rune, []int32)) keyText {
	var origin []int
	norm := chinese.NormalizeRunes(make([]rune, 0, len(s)/3+8), s, &origin)
	// Byte offsets to rune offsets: walk s once alongside origin, which
	// is non-decreasing.
	kt := keyText{keys: make([]rune, 0, len(norm)), pos: make([]int32, 0, len(norm))}
	byteAt, runeAt := 0, 0
	for i, r := range norm {
		if !chinese.IsWordRune(r) || isFiller(r) {
			continue
		}
		for byteAt < origin[i] {
			_, size := utf8.DecodeRuneInString(s[byteAt:])
			byteAt += size
			runeAt++
		}
		kt.keys = append(kt.keys, r)
		kt.pos = append(kt.pos, int32(runeAt))
	}
	if unmask != nil {
		kt.keys, kt.pos = unmask(kt.keys, kt.pos)
	}
	return kt
}

// shingles returns the hash of every run of shingleLen keys: the i-th
// hashes keys[i : i+shingleLen].
func shingles(keys []rune, dst []uint32) []uint32 {
	dst = dst[:0]
	for i := 0; i+shingleLen <= len(keys); i++ {
		h := uint64(14695981039346656037)
		for _, r := range keys[i : i+shingleLen] {
			h ^= uint64(r)
			h *= 1099511628211
		}
		h ^= h >> 29
		h *= 0xbf58476d1ce4e5b9
		h ^= h >> 32
		dst = append(dst, uint32(h))
	}
	return dst
}

// winnowWindow is the winnowing window w: of every w consecutive shingles
// of a document, the index keeps the smallest (Schleimer, Wilkerson and
// Aiken 2003, "Winnowing"). Any run of w+shingleLen-1 = 12 keys that a
// draft shares with a document thus shares an indexed shingle with it
// (stock shingles aside, see index.fingerprints), while the index holds
// about 2/(w+1) = 22 % of the rare shingles.
const winnowWindow = 8

// winnow appends the selected shingles of hs (the rightmost minimum of
// each window, once per run) to dst.
func winnow(hs []uint32, dst []uint32) []uint32 {
	if len(hs) == 0 {
		return dst
	}
	if len(hs) <= winnowWindow {
		m := 0
		for i, h := range hs {
			if h <= hs[m] {
				m = i
			}
		}
		return append(dst, hs[m])
	}
	last := -1
	for start := 0; start+winnowWindow <= len(hs); start++ {
		m := start
		if last >= start {
			// The previous minimum is still in the window: only the
			// new shingle can beat it.
			m = last
			if end := start + winnowWindow - 1; hs[end] <= hs[m] {
				m = end
			}
		} else {
			for i := start; i < start+winnowWindow; i++ {
				if hs[i] <= hs[m] {
					m = i
				}
			}
		}
		if m != last {
			dst = append(dst, hs[m])
			last = m
		}
	}
	return dst
}
