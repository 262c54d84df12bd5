package postgres

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/wengao/wengao/search"
)

// parsePart reads a part's tsvector literal back: each token's
// positions; the trigrams, which have none, are left out.
func parsePart(t *testing.T, lit string) map[string][]int {
	t.Helper()
	out := map[string][]int{}
	for _, f := range strings.Fields(lit) {
		if strings.HasPrefix(f, "'"+trigramMark) {
			continue
		}
		lex, list, ok := strings.Cut(f, "':")
		if !ok || !strings.HasPrefix(lex, "'") {
			t.Fatalf("malformed lexeme %q", f)
		}
		ps, err := parsePositions(list)
		if err != nil {
			t.Fatalf("lexeme %q: %v", f, err)
		}
		out[lex[1:]] = ps
	}
	return out
}

// TestIndexPartsLimits: every part stays within what a tsvector keeps
// (positions up to 16,383, 256 of a lexeme), every token is held at its
// place, and every stretch of partOverlap+1 tokens (129 where a part
// ended early) lies whole in one part.
func TestIndexPartsLimits(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var texts [][]string
	// Long and varied; long and repetitive; repetitive from the start;
	// short.
	varied := make([]string, 30000)
	for i := range varied {
		varied[i] = fmt.Sprintf("t%d", rng.Intn(5000))
	}
	repetitive := make([]string, 30000)
	for i := range repetitive {
		if i%3 == 0 || i > 20000 {
			repetitive[i] = "工作"
		} else {
			repetitive[i] = fmt.Sprintf("t%d", rng.Intn(50000))
		}
	}
	same := make([]string, 2000)
	for i := range same {
		same[i] = "哈哈"
	}
	texts = append(texts, varied, repetitive, same, []string{"一二", "二"})
	for n, words := range texts {
		parts := indexParts(strings.Join(words, " "))
		held := make([]bool, len(words))
		for i, p := range parts {
			lexemes := parsePart(t, p.tsv)
			length := 0
			for lex, ps := range lexemes {
				if len(ps) > maxLexemePositions {
					t.Errorf("text %d part %d: %q at %d positions, want at most %d", n, i, lex, len(ps), maxLexemePositions)
				}
				for _, pos := range ps {
					if pos < 1 || pos > partMax {
						t.Errorf("text %d part %d: position %d outside 1..%d", n, i, pos, partMax)
						continue
					}
					if got, want := lex, words[p.start+pos-1]; got != want {
						t.Errorf("text %d part %d position %d: %q, want %q", n, i, pos, got, want)
					}
					held[p.start+pos-1] = true
					length = max(length, pos)
				}
			}
			if i > 0 {
				prev := parts[i-1]
				prevEnd := prev.start + partLen(t, prev)
				overlap := prevEnd - p.start
				if want := min(partOverlap, (prevEnd-prev.start)/2); overlap < want || overlap < 128 {
					t.Errorf("text %d: parts %d and %d overlap by %d tokens, want at least %d and 128", n, i-1, i, overlap, want)
				}
			}
		}
		for i, ok := range held {
			if !ok {
				t.Fatalf("text %d: token %d (%q) in no part", n, i, words[i])
			}
		}
	}
	if got := indexParts(""); len(got) != 0 {
		t.Errorf("no tokens: %d parts, want none", len(got))
	}
}

func partLen(t *testing.T, p indexPart) int {
	n := 0
	for _, ps := range parsePart(t, p.tsv) {
		for _, pos := range ps {
			n = max(n, pos)
		}
	}
	return n
}

// nearScan is FTS5's NEAR by its definition, over every combination of
// phrase instances: a start of each phrase such that the latest start
// is at most len(phrase)+distance tokens after each one's.
func nearScan(words []string, phrases []search.Phrase, distance int) bool {
	starts := make([][]int, len(phrases))
	for i, p := range phrases {
		for s := range words {
			ok := s+len(p.Tokens) <= len(words)
			for j := 0; ok && j < len(p.Tokens); j++ {
				if p.Prefix && j == len(p.Tokens)-1 {
					ok = strings.HasPrefix(words[s+j], p.Tokens[j])
				} else {
					ok = words[s+j] == p.Tokens[j]
				}
			}
			if ok {
				starts[i] = append(starts[i], s+1)
			}
		}
	}
	var try func(i, latest int, chosen []int) bool
	try = func(i, latest int, chosen []int) bool {
		if i == len(phrases) {
			for k, s := range chosen {
				if latest-s > len(phrases[k].Tokens)+distance {
					return false
				}
			}
			return true
		}
		for _, s := range starts[i] {
			if try(i+1, max(latest, s), append(chosen, s)) {
				return true
			}
		}
		return false
	}
	return try(0, 0, nil)
}

// TestNearAgreesWithScan checks positions.near against the definition
// on random texts of a small vocabulary, through indexParts (texts long
// enough to be split) and the positions read back from the parts.
func TestNearAgreesWithScan(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	vocab := []string{"ab", "bc", "cd", "de", "ac", "a"}
	for round := range 300 {
		n := 5 + rng.Intn(40)
		if round%50 == 0 {
			n = 12000
		}
		words := make([]string, n)
		for i := range words {
			words[i] = vocab[rng.Intn(len(vocab))]
		}
		var phrases []search.Phrase
		for range 2 + rng.Intn(2) {
			p := search.Phrase{}
			for range 1 + rng.Intn(2) {
				p.Tokens = append(p.Tokens, vocab[rng.Intn(len(vocab))])
			}
			p.Prefix = rng.Intn(4) == 0
			phrases = append(phrases, p)
		}
		distance := rng.Intn(6)
		pos := positions{}
		for _, part := range indexParts(strings.Join(words, " ")) {
			for lex, ps := range parsePart(t, part.tsv) {
				pos.add(lex, part.start, ps)
			}
		}
		pos.sorted()
		if got, want := pos.near(phrases, distance), nearScan(words, phrases, distance); got != want {
			t.Errorf("round %d: %d words, NEAR(%v, %d): got %t, want %t", round, n, phrases, distance, got, want)
		}
	}
}

// TestQueries pins the tsquery forms.
func TestQueries(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{phraseQuery(search.Phrase{Tokens: []string{"国务", "务院"}}), `('~国务院')`},
		{phraseQuery(search.Phrase{Tokens: []string{"国务", "务院", "院"}}), `('~国务院' & ('国务' <-> '务院' <-> '院'))`},
		{phraseQuery(search.Phrase{Tokens: []string{"安全", "全生", "生产"}}), `('~安全生' & '~全生产' & ('安全' <-> '全生' <-> '生产'))`},
		{phraseQuery(search.Phrase{Tokens: []string{"国务", "务"}, Prefix: true}), `('国务' <-> '务':*)`},
		{phraseQuery(search.Phrase{Tokens: []string{"党"}, Prefix: true}), `('党':*)`},
		{anyQuery([]search.Phrase{{Tokens: []string{"ab"}}, {Tokens: []string{"cd", "d"}, Prefix: true}}), `('ab') | ('cd' <-> 'd':*)`},
		{indexParts("国务 务院 院 通知 知")[0].tsv, `'国务':1 '务院':2 '院':3 '通知':4 '知':5 '~国务院'`},
		{quoteLexeme(`it's\`), `'it''s\\'`},
	} {
		if c.got != c.want {
			t.Errorf("got %s, want %s", c.got, c.want)
		}
	}
}
