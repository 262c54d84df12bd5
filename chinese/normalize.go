// Package chinese is wengao's one path for Chinese text: normalisation
// (NFKC, full/half width, traditional to simplified, Latin case), the
// character tokens of the search index, the 公文 outline and fingerprints.
// Documents and queries go through the same functions, so what is indexed
// and what is searched always agree.
package chinese

import (
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalize returns the normalised form of s: NFKC (which folds full-width
// Latin letters, digits and punctuation to their ASCII forms), Latin
// lower-case, and traditional Chinese converted to simplified.
func Normalize(s string) string {
	rs := NormalizeRunes(nil, s, nil)
	return string(rs)
}

// NormalizeRunes appends the normalised runes of s to dst and returns it.
// When origin is not nil, it is filled so that origin[i] is the byte offset
// in s of the rune that produced the i-th returned rune (counting from the
// start of the appended part); it lets snippets be cut from the original.
func NormalizeRunes(dst []rune, s string, origin *[]int) []rune {
	base := len(dst)
	for i, r := range s {
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			dst = append(dst, r)
			if origin != nil {
				*origin = append(*origin, i)
			}
			continue
		}
		if isStableRune(r) {
			dst = append(dst, r)
			if origin != nil {
				*origin = append(*origin, i)
			}
			continue
		}
		if m := foldBMP(r); m != 0 {
			dst = append(dst, m)
			if origin != nil {
				*origin = append(*origin, i)
			}
			continue
		}
		var buf [utf8.UTFMax]byte
		n := utf8.EncodeRune(buf[:], r)
		out := norm.NFKC.Bytes(buf[:n])
		for len(out) > 0 {
			q, size := utf8.DecodeRune(out)
			out = out[size:]
			dst = append(dst, unicode.ToLower(q))
			if origin != nil {
				*origin = append(*origin, i)
			}
		}
	}
	SimplifyRunes(dst[base:])
	return dst
}

// foldTable caches, for each rune of the Basic Multilingual Plane, the
// single rune that NFKC and lower-casing turn it into: 0 when not yet
// known, multiRune when the result is not exactly one rune.
var foldTable [0x10000]atomic.Int32

const multiRune = -1

// foldBMP returns the one-rune fold of r, or 0 when r folds to several
// runes (or none) or lies outside the BMP.
func foldBMP(r rune) rune {
	if r >= 0x10000 {
		return 0
	}
	switch v := foldTable[r].Load(); v {
	case multiRune:
		return 0
	case 0:
	default:
		return rune(v)
	}
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	out := norm.NFKC.Bytes(buf[:n])
	q, size := utf8.DecodeRune(out)
	if size == 0 || size != len(out) || q == utf8.RuneError {
		foldTable[r].Store(multiRune)
		return 0
	}
	q = unicode.ToLower(q)
	foldTable[r].Store(int32(q))
	return q
}

// isStableRune reports whether r is unchanged by NFKC and lower-casing:
// the CJK unified ideographs and the CJK punctuation block that make up
// nearly all of a Chinese text.
func isStableRune(r rune) bool {
	return (r >= 0x4E00 && r <= 0x9FFF) || (r >= 0x3001 && r <= 0x303F) || (r >= 0x3400 && r <= 0x4DBF)
}

// IsWordRune reports whether r belongs to a word: a letter (Han characters
// included) or a digit of the normalised text. Everything else separates
// words for the index.
func IsWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') || ('A' <= r && r <= 'Z')
	}
	if r >= 0x4E00 && r <= 0x9FFF {
		return true
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// Runs splits normalised text into its word runs: maximal sequences of
// word runes.
func Runs(rs []rune) [][]rune {
	var runs [][]rune
	start := -1
	for i, r := range rs {
		if IsWordRune(r) {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			runs = append(runs, rs[start:i])
			start = -1
		}
	}
	if start >= 0 {
		runs = append(runs, rs[start:])
	}
	return runs
}

// QueryRuns normalises a query string and returns its word runs as strings.
func QueryRuns(s string) []string {
	rs := NormalizeRunes(nil, s, nil)
	runs := Runs(rs)
	out := make([]string, len(runs))
	for i, r := range runs {
		out[i] = string(r)
	}
	return out
}
