package chinese

import (
	_ "embed"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// Traditional to simplified conversion follows OpenCC's tw2s/hk2s chains,
// built from OpenCC's own tables (see opencc/README.md):
//
//  1. Taiwan and Hong Kong variants are mapped to OpenCC's standard
//     traditional forms (TWVariantsRev*, HKVariantsRev*), then
//  2. traditional is mapped to simplified (TSPhrases, TSCharacters).
//
// The two steps are composed into one table at load time: a character maps
// to TS(variant(c)), and the target of a variant phrase is run through
// step 2. Phrases take precedence over characters, the longest phrase
// starting at a position wins, and the text is scanned left to right, as
// OpenCC's maximum forward matching does. Where an entry lists several
// candidates the first is used.
//
// Deviations from plain composition, all chosen so that simplified text is
// never altered and the rune count never changes:
//
//   - Entries whose source and target differ in rune count are dropped.
//   - A variant entry is dropped when its source is itself a simplified
//     character (it appears among TSCharacters' targets, e.g. 么, which
//     TW maps to 幺), or one of simplifiedVariantSources (抬 and 著, which
//     are standard simplified characters that TW maps to 擡 and 着).
//   - When a character is in TSCharacters with a different target, that
//     target wins over the variant chain (顎→颚 rather than tw2s's 腭), so
//     that the traditional and the simplified spelling of a word agree.
//   - Phrases that convert exactly like their characters do and cannot
//     shadow any other phrase are pruned (provably without changing any
//     output), so that common simplified characters such as 一 or 有 do
//     not have to consult the phrase table.

//go:embed opencc/TSCharacters.txt
var tsCharactersTxt string

//go:embed opencc/TSPhrases.txt
var tsPhrasesTxt string

//go:embed opencc/TWVariantsRev.txt
var twVariantsRevTxt string

//go:embed opencc/TWVariantsRevPhrases.txt
var twVariantsRevPhrasesTxt string

//go:embed opencc/HKVariantsRev.txt
var hkVariantsRevTxt string

//go:embed opencc/HKVariantsRevPhrases.txt
var hkVariantsRevPhrasesTxt string

// simplifiedVariantSources lists standard simplified characters that a
// variant table would change although no OpenCC table marks them as
// simplified: TW maps 抬 to 擡 (which TSCharacters keeps) and 著 to 着 (which
// would turn 显著 into 显着).
var simplifiedVariantSources = map[rune]bool{'抬': true, '著': true}

// SimplifyRunes converts traditional (and TW/HK variant) characters in rs to
// simplified Chinese in place. The number of runes never changes.
func SimplifyRunes(rs []rune) {
	t2sTable().simplify(rs)
}

// ToSimplified is SimplifyRunes on a string. When nothing changes it
// returns s itself without allocating; invalid UTF-8 is kept as it is.
func ToSimplified(s string) string {
	t := t2sTable()
	for i, r := range s {
		v := t.lookup(r)
		if v == 0 {
			continue
		}
		if v&startsPhrase != 0 {
			// Nothing changes here unless a phrase matches.
			st := &t.starts[v&^startsPhrase]
			if st.to == r && !st.matchesPrefix(s[i+utf8.RuneLen(r):]) {
				continue
			}
		}
		// The scan up to i changed nothing, so it can restart at i.
		return s[:i] + t.simplifyString(s[i:])
	}
	return s
}

// The fast table covers the CJK unified ideographs of the BMP (extension A
// and the main block) with a flat slice; the few other runes with an entry
// (all in the supplementary planes) are in a small map.
const (
	cjkLo = 0x3400
	cjkHi = 0x9FFF
	// startsPhrase marks, in a table value, a rune that begins a phrase.
	startsPhrase = 1 << 15
)

// t2sTables is the compiled conversion table.
type t2sTables struct {
	// bmp is indexed by r-cjkLo. 0 means no entry. Otherwise, without the
	// startsPhrase bit, the value indexes to; with it, the rest of the
	// value indexes starts.
	bmp    []uint16
	ext    map[rune]uint16 // the same values for runes outside bmp
	extMin rune            // the smallest key of ext
	to     []rune          // to[0] is unused
	starts []t2sStart
	stats  t2sStats
}

// t2sStart is a rune that begins at least one phrase.
type t2sStart struct {
	to      rune        // the rune's conversion when no phrase matches
	phrases []t2sPhrase // longest first
}

// matchesPrefix reports whether one of the phrases of st continues with a
// prefix of s.
func (st *t2sStart) matchesPrefix(s string) bool {
	for _, p := range st.phrases {
		if strings.HasPrefix(s, p.restStr) {
			return true
		}
	}
	return false
}

// t2sPhrase is one phrase entry; its first rune is the key it is filed by.
type t2sPhrase struct {
	rest    []rune // the source after its first rune
	restStr string // rest as a string
	dst     []rune // the target, as long as the source
}

// t2sStats counts what loading did with the tables' entries.
type t2sStats struct {
	chars          int // runes with a conversion
	phrases        int // phrases kept
	phraseStarts   int // runes flagged as starting a phrase
	prunedPhrases  int // phrases pruned as redundant
	droppedLength  int // entries dropped: source and target rune counts differ
	droppedVariant int // variant entries dropped (see simplifiedVariantSources)
}

var (
	t2sOnce sync.Once
	t2sTab  *t2sTables
)

// t2sTable returns the conversion table, building it on first use.
func t2sTable() *t2sTables {
	t2sOnce.Do(func() { t2sTab = buildT2S(buildT2SModel()) })
	return t2sTab
}

// lookup returns the table value of r (0 when r has no entry).
func (t *t2sTables) lookup(r rune) uint16 {
	if r >= cjkLo && r <= cjkHi {
		return t.bmp[r-cjkLo]
	}
	if r >= t.extMin {
		return t.ext[r]
	}
	return 0
}

// simplify converts rs in place (see SimplifyRunes). Runes without an
// entry cost one table lookup; a phrase is tried only at the runes flagged
// as starting one.
func (t *t2sTables) simplify(rs []rune) {
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if r < cjkLo {
			continue
		}
		var v uint16
		if r <= cjkHi {
			v = t.bmp[r-cjkLo]
		} else if r >= t.extMin {
			v = t.ext[r]
		}
		if v == 0 {
			continue
		}
		if v&startsPhrase == 0 {
			rs[i] = t.to[v]
			continue
		}
		st := &t.starts[v&^startsPhrase]
		if n := matchPhrase(st.phrases, rs, i); n > 0 {
			i += n - 1
			continue
		}
		rs[i] = st.to
	}
}

// matchPhrase converts the longest of phrases that matches at rs[i], if
// any, and returns its length (0 when none matches).
func matchPhrase(phrases []t2sPhrase, rs []rune, i int) int {
	rest := rs[i+1:]
	for _, p := range phrases {
		if len(p.rest) <= len(rest) && p.rest[0] == rest[0] && slices.Equal(rest[:len(p.rest)], p.rest) {
			copy(rs[i:], p.dst)
			return len(p.dst)
		}
	}
	return 0
}

// simplifyString converts s, keeping the bytes of every rune that does not
// change (invalid UTF-8 included).
func (t *t2sTables) simplifyString(s string) string {
	rs := []rune(s)
	t.simplify(rs)
	if utf8.ValidString(s) {
		return string(rs)
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	k := 0
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		if rs[k] == r {
			b.WriteString(s[:size])
		} else {
			b.WriteRune(rs[k])
		}
		s = s[size:]
		k++
	}
	return b.String()
}

// t2sModel is the conversion as plain maps: the composed tables before they
// are compiled, and the reference implementation the tests check the fast
// table against.
type t2sModel struct {
	chars   map[rune]rune
	phrases map[string][]rune
	maxLen  int // the longest phrase, in runes
	stats   t2sStats
}

// convert converts rs in place: at each position the longest phrase, else
// the character.
func (m *t2sModel) convert(rs []rune) {
	for i := 0; i < len(rs); {
		n := min(m.maxLen, len(rs)-i)
		for ; n >= 2; n-- {
			if dst, ok := m.phrases[string(rs[i:i+n])]; ok {
				copy(rs[i:], dst)
				break
			}
		}
		if n >= 2 {
			i += n
			continue
		}
		if to, ok := m.chars[rs[i]]; ok {
			rs[i] = to
		}
		i++
	}
}

// charwise converts rs in place with the character table only.
func (m *t2sModel) charwise(rs []rune) {
	for i, r := range rs {
		if to, ok := m.chars[r]; ok {
			rs[i] = to
		}
	}
}

func (m *t2sModel) addPhrase(src string, dst []rune) {
	if _, dup := m.phrases[src]; dup || len(dst) < 2 {
		return
	}
	m.phrases[src] = dst
	m.maxLen = max(m.maxLen, len(dst))
}

// parseOpenCC calls fn for each entry of an OpenCC text table with the
// source and the first candidate, dropping (and counting) those whose rune
// counts differ.
func parseOpenCC(data string, stats *t2sStats, fn func(src, dst string)) {
	for line := range strings.Lines(data) {
		line = strings.TrimRight(line, "\r\n")
		src, targets, ok := strings.Cut(line, "\t")
		if !ok || src == "" || strings.HasPrefix(line, "#") {
			continue
		}
		dst, _, _ := strings.Cut(targets, " ")
		if dst == "" {
			continue
		}
		if utf8.RuneCountInString(src) != utf8.RuneCountInString(dst) {
			stats.droppedLength++
			continue
		}
		fn(src, dst)
	}
}

// firstRune returns the first rune of s and whether s is exactly one rune.
func firstRune(s string) (rune, bool) {
	r, size := utf8.DecodeRuneInString(s)
	return r, size == len(s) && r != utf8.RuneError
}

// buildT2SModel parses the embedded tables and composes them.
func buildT2SModel() *t2sModel {
	var stats t2sStats

	// Step 2 on its own: traditional to simplified.
	ts := &t2sModel{chars: make(map[rune]rune, 4200), phrases: make(map[string][]rune, 300)}
	simplified := make(map[rune]bool, 4200) // every candidate target of TSCharacters
	for line := range strings.Lines(tsCharactersTxt) {
		_, targets, _ := strings.Cut(strings.TrimRight(line, "\r\n"), "\t")
		for _, c := range strings.Fields(targets) {
			if r, ok := firstRune(c); ok {
				simplified[r] = true
			}
		}
	}
	parseOpenCC(tsCharactersTxt, &stats, func(src, dst string) {
		a, ok1 := firstRune(src)
		b, ok2 := firstRune(dst)
		if _, dup := ts.chars[a]; ok1 && ok2 && !dup {
			ts.chars[a] = b
		}
	})
	parseOpenCC(tsPhrasesTxt, &stats, func(src, dst string) {
		ts.addPhrase(src, []rune(dst))
	})

	// The composition. Identity character entries (瞭→瞭) are left out.
	m := &t2sModel{chars: make(map[rune]rune, 4300), phrases: make(map[string][]rune, 500)}
	for a, b := range ts.chars {
		if a != b {
			m.chars[a] = b
		}
	}
	for _, data := range []string{twVariantsRevTxt, hkVariantsRevTxt} {
		parseOpenCC(data, &stats, func(src, dst string) {
			a, ok1 := firstRune(src)
			b, ok2 := firstRune(dst)
			if !ok1 || !ok2 {
				return
			}
			if to, ok := ts.chars[b]; ok {
				b = to
			}
			if _, done := m.chars[a]; done || a == b {
				return // TSCharacters (or an earlier variant table) decides
			}
			if simplified[a] || simplifiedVariantSources[a] {
				stats.droppedVariant++
				return
			}
			m.chars[a] = b
		})
	}
	// Close the character table so that converting twice changes nothing:
	// TSCharacters maps 薴 to 苧 and 苧 to 苎.
	for a, b := range m.chars {
		for range 4 {
			c, ok := m.chars[b]
			if !ok || c == b {
				break
			}
			b = c
		}
		m.chars[a] = b
	}
	for _, data := range []string{twVariantsRevPhrasesTxt, hkVariantsRevPhrasesTxt} {
		parseOpenCC(data, &stats, func(src, dst string) {
			rs := []rune(dst)
			ts.convert(rs)
			m.addPhrase(src, rs)
		})
	}
	for src, dst := range ts.phrases {
		m.addPhrase(src, dst)
	}
	m.stats = stats
	return m
}

// buildT2S compiles the model into the fast table, pruning the phrases that
// cannot make a difference.
func buildT2S(m *t2sModel) *t2sTables {
	t := &t2sTables{
		bmp:    make([]uint16, cjkHi-cjkLo+1),
		ext:    make(map[rune]uint16),
		extMin: utf8.MaxRune + 1,
		to:     make([]rune, 1, len(m.chars)+64),
		stats:  m.stats,
	}
	t.stats.chars = len(m.chars)

	type entry struct {
		src, dst []rune
	}
	var kept, trivial []entry
	for src, dst := range m.phrases {
		e := entry{[]rune(src), dst}
		cw := slices.Clone(e.src)
		m.charwise(cw)
		if slices.Equal(cw, dst) {
			trivial = append(trivial, e)
		} else {
			kept = append(kept, e)
		}
	}
	// A phrase that converts like its characters is redundant unless a kept
	// phrase could match at one of its positions; keeping such a phrase may
	// make others necessary in turn, so iterate to the fixed point.
	byFirst := make(map[rune][][]rune)
	for _, e := range kept {
		byFirst[e.src[0]] = append(byFirst[e.src[0]], e.src)
	}
	overlaps := func(e entry) bool {
		for k, r := range e.src {
			tail := e.src[k:]
			for _, f := range byFirst[r] {
				n := min(len(f), len(tail))
				if slices.Equal(f[:n], tail[:n]) {
					return true
				}
			}
		}
		return false
	}
	for changed := true; changed; {
		changed = false
		trivial = slices.DeleteFunc(trivial, func(e entry) bool {
			if !overlaps(e) {
				return false
			}
			kept = append(kept, e)
			byFirst[e.src[0]] = append(byFirst[e.src[0]], e.src)
			changed = true
			return true
		})
	}
	t.stats.prunedPhrases = len(trivial)
	t.stats.phrases = len(kept)

	set := func(r rune, v uint16) {
		if r >= cjkLo && r <= cjkHi {
			t.bmp[r-cjkLo] = v
			return
		}
		t.ext[r] = v
		t.extMin = min(t.extMin, r)
	}
	byStart := make(map[rune][]t2sPhrase)
	for _, e := range kept {
		byStart[e.src[0]] = append(byStart[e.src[0]], t2sPhrase{rest: e.src[1:], restStr: string(e.src[1:]), dst: e.dst})
	}
	if len(m.chars) >= startsPhrase || len(byStart) >= startsPhrase {
		panic("chinese: too many conversion entries")
	}
	for a, b := range m.chars {
		if _, ok := byStart[a]; !ok {
			set(a, uint16(len(t.to)))
			t.to = append(t.to, b)
		}
	}
	for r, ps := range byStart {
		slices.SortFunc(ps, func(a, b t2sPhrase) int { return len(b.rest) - len(a.rest) })
		to, ok := m.chars[r]
		if !ok {
			to = r
		}
		set(r, startsPhrase|uint16(len(t.starts)))
		t.starts = append(t.starts, t2sStart{to: to, phrases: ps})
	}
	t.stats.phraseStarts = len(t.starts)
	return t
}
