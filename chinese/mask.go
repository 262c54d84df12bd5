package chinese

import (
	"sort"
	"strings"

	"github.com/wengao/wengao"
)

// Masker applies display masking rules (党委 shown as D委) and gives the
// other forms of a masked word, so that search treats both as one.
type Masker struct {
	display *strings.Replacer
	// toShown and toWord rewrite normalised text between the two forms.
	toShown, toWord *strings.Replacer
	words, shown    []string // normalised forms, for a quick test
}

// NewMasker returns a Masker for the rules, or nil when there are none.
// Longer words are masked first, so that 民主党派 wins over 党派.
func NewMasker(rules []wengao.MaskRule) *Masker {
	if len(rules) == 0 {
		return nil
	}
	rules = append([]wengao.MaskRule(nil), rules...)
	sort.SliceStable(rules, func(i, j int) bool {
		return len([]rune(rules[i].Word)) > len([]rune(rules[j].Word))
	})
	m := &Masker{}
	var disp, toShown, toWord []string
	for _, r := range rules {
		disp = append(disp, r.Word, r.Shown)
		w, s := Normalize(r.Word), Normalize(r.Shown)
		if w == "" || s == "" || w == s {
			continue
		}
		toShown = append(toShown, w, s)
		toWord = append(toWord, s, w)
		m.words = append(m.words, w)
		m.shown = append(m.shown, s)
	}
	m.display = strings.NewReplacer(disp...)
	m.toShown = strings.NewReplacer(toShown...)
	m.toWord = strings.NewReplacer(toWord...)
	return m
}

// Display returns s with every masked word in its shown form. A nil
// Masker returns s.
func (m *Masker) Display(s string) string {
	if m == nil {
		return s
	}
	return m.display.Replace(s)
}

// DisplayAll masks each of ss in place and returns it.
func (m *Masker) DisplayAll(ss []string) []string {
	if m == nil {
		return ss
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = m.display.Replace(s)
	}
	return out
}

// Variants returns the other forms of a normalised query run: with every
// masked word in its shown form, and with every shown form as its word
// (党委 → d委; d委 → 党委). It returns nil when the run holds neither.
func (m *Masker) Variants(run string) []string {
	if m == nil {
		return nil
	}
	var out []string
	add := func(v string) {
		if v == run {
			return
		}
		for _, o := range out {
			if o == v {
				return
			}
		}
		out = append(out, v)
	}
	for _, w := range m.words {
		if strings.Contains(run, w) {
			add(m.toShown.Replace(run))
			break
		}
	}
	for _, s := range m.shown {
		if strings.Contains(run, s) {
			add(m.toWord.Replace(run))
			break
		}
	}
	return out
}

// Unmask rewrites the shown forms in normalised runes as their words (d委
// → 党委), so that a text copied from the site matches the stored one.
// origin[i] is carried along: each rune of a word takes the origin of the
// first rune of the shown form it replaces. A nil Masker returns its
// arguments.
func (m *Masker) Unmask(rs []rune, origin []int32) ([]rune, []int32) {
	if m == nil || len(m.shown) == 0 {
		return rs, origin
	}
	shown := make([][]rune, len(m.shown))
	words := make([][]rune, len(m.words))
	for i := range m.shown {
		shown[i], words[i] = []rune(m.shown[i]), []rune(m.words[i])
	}
	var out []rune
	var outOrigin []int32
	changed := false
	for i := 0; i < len(rs); {
		k := -1
		for j, s := range shown {
			if runesHavePrefix(rs[i:], s) {
				k = j
				break
			}
		}
		if k < 0 {
			out = append(out, rs[i])
			outOrigin = append(outOrigin, origin[i])
			i++
			continue
		}
		changed = true
		out = append(out, words[k]...)
		for range words[k] {
			outOrigin = append(outOrigin, origin[i])
		}
		i += len(shown[k])
	}
	if !changed {
		return rs, origin
	}
	return out, outOrigin
}
