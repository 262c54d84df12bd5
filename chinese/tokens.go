package chinese

import "unicode/utf8"

// The search index is built over overlapping character bigrams. Every word
// rune of the normalised text starts exactly one token: the bigram of itself
// and the next rune of its run, or, for the last rune of a run, the rune
// alone. So any substring of a run is found by the phrase of its bigrams,
// and a single character by the prefix of a token, which gives phrase
// search the recall of grep, including phrases that cut through words.

// AppendTokens appends the index tokens of normalised text to dst,
// separated by spaces, and returns the extended slice.
func AppendTokens(dst []byte, norm []rune) []byte {
	word := false // whether norm[i] is a word rune; computed one ahead
	if len(norm) > 0 {
		word = IsWordRune(norm[0])
	}
	for i, r := range norm {
		if !word {
			if i+1 < len(norm) {
				word = IsWordRune(norm[i+1])
			}
			continue
		}
		if len(dst) > 0 {
			dst = append(dst, ' ')
		}
		dst = utf8.AppendRune(dst, r)
		word = i+1 < len(norm) && IsWordRune(norm[i+1])
		if word {
			dst = utf8.AppendRune(dst, norm[i+1])
		}
	}
	return dst
}

// IndexTokens returns the index tokens of s separated by spaces.
func IndexTokens(s string) string {
	return string(AppendTokens(nil, NormalizeRunes(nil, s, nil)))
}

// PhraseTokens returns the tokens whose sequence, at consecutive positions,
// matches the phrase in indexed text, and whether the last token is to be
// matched as a prefix. Runs of the phrase must be given in order, as from
// QueryRuns. It returns no tokens when the phrase holds no word runes.
//
// A run that is followed by another run of the phrase must end where the
// text's run ends, so it contributes its bigrams and its final unigram; the
// last run may continue in the text, so it contributes its bigrams only, or
// a one-rune prefix when it is a single rune.
func PhraseTokens(runs []string) (tokens []string, prefix bool) {
	for i, run := range runs {
		rs := []rune(run)
		last := i == len(runs)-1
		for j := 0; j+1 < len(rs); j++ {
			tokens = append(tokens, string(rs[j:j+2]))
		}
		if !last {
			tokens = append(tokens, string(rs[len(rs)-1]))
		} else if len(rs) == 1 {
			tokens = append(tokens, run)
			prefix = true
		}
	}
	return tokens, prefix
}
