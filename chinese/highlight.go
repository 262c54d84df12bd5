package chinese

import (
	"html"
	"sort"
	"strings"
	"unicode/utf8"
)

// IsPlain reports whether the word runes of s are already in normal form,
// but for ASCII letter case, and normalisation keeps every rune in place.
// For plain text, a query run is found by a byte search of the original
// text (lower-cased for ASCII only), with no normalisation.
func IsPlain(s string) bool {
	return IsPlainAs(s, NormalizeRunes(nil, s, nil))
}

// IsPlainAs is IsPlain for s whose normalised runes n are known.
func IsPlainAs(s string, n []rune) bool {
	i := 0
	for _, r := range s {
		if i >= len(n) {
			return false
		}
		if n[i] != r && (IsWordRune(r) || IsWordRune(n[i])) && !('A' <= r && r <= 'Z' && n[i] == r+('a'-'A')) {
			return false
		}
		i++
	}
	return i == len(n)
}

// Highlighter finds the runs of a query in original text and marks them.
type Highlighter struct {
	runs  []string // normalised query runs, distinct, longest first
	latin bool     // some run has ASCII letters, so text needs case folding
}

// NewHighlighter returns a Highlighter for the given normalised runs.
func NewHighlighter(runs []string) *Highlighter {
	seen := map[string]bool{}
	h := &Highlighter{}
	for _, r := range runs {
		if r != "" && !seen[r] {
			seen[r] = true
			h.runs = append(h.runs, r)
		}
	}
	sort.SliceStable(h.runs, func(i, j int) bool { return len(h.runs[i]) > len(h.runs[j]) })
	h.latin = hasLatin(h.runs)
	return h
}

// span is a byte range of the original text.
type span struct{ start, end int }

// matches returns the byte ranges of s holding a query run, sorted and
// merged, and how many distinct runs were found. plain says s is known to
// be plain (see IsPlain); otherwise s is normalised with an offset map.
func (h *Highlighter) matches(s string, plain bool) ([]span, int) {
	var spans []span
	found := 0
	if plain || quickPlain(s) {
		if h.latin {
			s = asciiLower(s)
		}
		for _, run := range h.runs {
			hit := false
			for off := 0; ; {
				i := strings.Index(s[off:], run)
				if i < 0 {
					break
				}
				hit = true
				spans = append(spans, span{off + i, off + i + len(run)})
				off += i + len(run)
			}
			if hit {
				found++
			}
		}
		return mergeSpans(spans), found
	}
	var origin []int
	norm := NormalizeRunes(nil, s, &origin)
	for _, run := range h.runs {
		rr := []rune(run)
		hit := false
		for i := 0; i+len(rr) <= len(norm); i++ {
			if norm[i] != rr[0] || !runesHavePrefix(norm[i:], rr) {
				continue
			}
			hit = true
			start := origin[i]
			last := origin[i+len(rr)-1]
			_, size := utf8.DecodeRuneInString(s[last:])
			spans = append(spans, span{start, last + size})
			i += len(rr) - 1
		}
		if hit {
			found++
		}
	}
	return mergeSpans(spans), found
}

func runesHavePrefix(s, p []rune) bool {
	if len(s) < len(p) {
		return false
	}
	for i := range p {
		if s[i] != p[i] {
			return false
		}
	}
	return true
}

func mergeSpans(spans []span) []span {
	if len(spans) < 2 {
		return spans
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	out := spans[:1]
	for _, sp := range spans[1:] {
		last := &out[len(out)-1]
		if sp.start <= last.end {
			if sp.end > last.end {
				last.end = sp.end
			}
			continue
		}
		out = append(out, sp)
	}
	return out
}

// Count returns how many distinct query runs s holds.
func (h *Highlighter) Count(s string, plain bool) int {
	_, n := h.matches(s, plain)
	return n
}

// Mark returns s as HTML with every query run wrapped in <mark>.
func (h *Highlighter) Mark(s string, plain bool) string {
	spans, _ := h.matches(s, plain)
	return markHTML(s, spans)
}

func markHTML(s string, spans []span) string {
	var b strings.Builder
	b.Grow(len(s) + 13*len(spans))
	prev := 0
	for _, sp := range spans {
		b.WriteString(html.EscapeString(s[prev:sp.start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(s[sp.start:sp.end]))
		b.WriteString("</mark>")
		prev = sp.end
	}
	b.WriteString(html.EscapeString(s[prev:]))
	return b.String()
}

// BestParagraph returns the index of the paragraph that holds the most
// distinct query runs (the first such), and that number.
func (h *Highlighter) BestParagraph(paragraphs []string, plain bool) (int, int) {
	best, bestN := 0, 0
	for i, p := range paragraphs {
		if n := h.Count(p, plain); n > bestN {
			best, bestN = i, n
			if n == len(h.runs) {
				break
			}
		}
	}
	return best, bestN
}

// Snippet returns an HTML excerpt of about width runes from the paragraph
// that best matches the query, with the matched runs marked. Without any
// match it returns the start of the text.
func (h *Highlighter) Snippet(paragraphs []string, plain bool, width int) string {
	if len(paragraphs) == 0 {
		return ""
	}
	best, n := 0, 0
	if len(h.runs) > 0 {
		best, n = h.BestParagraph(paragraphs, plain)
	}
	if n == 0 {
		// No match in the body: show the opening, skipping empty lines.
		var b strings.Builder
		for _, p := range paragraphs {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			if b.Len() > 0 {
				b.WriteString(" ")
			}
			b.WriteString(p)
			if utf8.RuneCountInString(b.String()) >= width {
				break
			}
		}
		return html.EscapeString(cutRunes(b.String(), width, true))
	}
	p := paragraphs[best]
	spans, _ := h.matches(p, plain)
	// Centre the window on the first match, starting a little before it.
	first := spans[0].start
	startRune := utf8.RuneCountInString(p[:first]) - width/4
	if startRune < 0 {
		startRune = 0
	}
	start := byteOffset(p, startRune)
	// Prefer to start at a sentence boundary close before the match.
	if k := strings.LastIndexAny(p[start:first], "。；！？;!?"); k >= 0 {
		start += k + len(string([]rune(p[start+k:])[0]))
	}
	end := byteOffset(p[start:], width) + start
	var b strings.Builder
	if start > 0 {
		b.WriteString("…")
	}
	var inner []span
	for _, sp := range spans {
		if sp.end <= start || sp.start >= end {
			continue
		}
		inner = append(inner, span{max(sp.start, start) - start, min(sp.end, end) - start})
	}
	b.WriteString(markHTML(p[start:end], inner))
	if end < len(p) {
		b.WriteString("…")
	}
	return b.String()
}

// byteOffset returns the byte offset of the n-th rune of s (len(s) if s is
// shorter).
func byteOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}

func cutRunes(s string, n int, ellipsis bool) string {
	i := byteOffset(s, n)
	if i == len(s) {
		return s
	}
	if ellipsis {
		return s[:i] + "…"
	}
	return s[:i]
}

// ParagraphSpan finds the paragraph of text (paragraphs are separated by
// newlines) that holds every term, each term given as its normalised runs,
// and returns the length in bytes of the shortest stretch of it that holds
// one occurrence of each term. ok is false when no paragraph holds them
// all.
func ParagraphSpan(text string, terms [][]string, plain bool) (span int, ok bool) {
	if !plain {
		text = Normalize(text)
	} else if hasLatin(terms...) {
		text = asciiLower(text)
	}
	if len(terms) == 0 || len(terms[0]) == 0 {
		return 0, false
	}
	// Only paragraphs holding the first term can hold them all: visit
	// those, found by one search of the whole text.
	best := -1
	anchor := terms[0][0]
	for off := 0; off < len(text); {
		i := strings.Index(text[off:], anchor)
		if i < 0 {
			break
		}
		i += off
		start := strings.LastIndexByte(text[:i], '\n') + 1
		end := strings.IndexByte(text[i:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += i
		}
		if s, ok := paragraphSpan(text[start:end], terms); ok && (best < 0 || s < best) {
			best = s
		}
		off = end + 1
	}
	return best, best >= 0
}

// occurrence is where one term occurs in a paragraph.
type occurrence struct{ start, end, term int }

// paragraphSpan is ParagraphSpan for one paragraph, already normalised
// (or plain and lower-cased).
func paragraphSpan(p string, terms [][]string) (int, bool) {
	var occ []occurrence
	for ti, runs := range terms {
		if len(runs) == 0 {
			continue
		}
		found := false
		for off := 0; off < len(p); {
			i := strings.Index(p[off:], runs[0])
			if i < 0 {
				break
			}
			start := off + i
			end := start + len(runs[0])
			// Later runs of a term must follow in order.
			for _, run := range runs[1:] {
				j := strings.Index(p[end:], run)
				if j < 0 {
					end = -1
					break
				}
				end += j + len(run)
			}
			if end < 0 {
				break
			}
			occ = append(occ, occurrence{start, end, ti})
			found = true
			off = start + len(runs[0])
		}
		if !found {
			return 0, false
		}
	}
	// The shortest window over the occurrences sorted by start that covers
	// every term.
	sort.Slice(occ, func(i, j int) bool { return occ[i].start < occ[j].start })
	count := make([]int, len(terms))
	need := 0
	for _, runs := range terms {
		if len(runs) > 0 {
			need++
		}
	}
	best := -1
	have, lo := 0, 0
	maxEnd := func(a, b int) int {
		m := 0
		for _, o := range occ[a:b] {
			m = max(m, o.end)
		}
		return m
	}
	for hi := range occ {
		if count[occ[hi].term] == 0 {
			have++
		}
		count[occ[hi].term]++
		for have == need {
			if w := maxEnd(lo, hi+1) - occ[lo].start; best < 0 || w < best {
				best = w
			}
			count[occ[lo].term]--
			if count[occ[lo].term] == 0 {
				have--
			}
			lo++
		}
	}
	return best, best >= 0
}

// asciiLower lower-cases the ASCII letters of s, keeping every byte offset.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// quickPlain reports, without normalising, whether s is plain (see
// IsPlain): ASCII, stable Han characters and punctuation only, and nothing
// that traditional-to-simplified conversion would change. Most paragraphs
// of a document that is not plain as a whole still are.
func quickPlain(s string) bool {
	for _, r := range s {
		if r < utf8.RuneSelf || isStableRune(r) {
			continue
		}
		if IsWordRune(r) {
			return false
		}
		if m := foldBMP(r); m == 0 || IsWordRune(m) {
			return false
		}
	}
	return ToSimplified(s) == s
}

// hasLatin reports whether any of the runs holds an ASCII letter.
func hasLatin(runs ...[]string) bool {
	for _, rs := range runs {
		for _, r := range rs {
			for i := 0; i < len(r); i++ {
				if 'a' <= r[i] && r[i] <= 'z' {
					return true
				}
			}
		}
	}
	return false
}
