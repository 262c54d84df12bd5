package wengao

import (
	"strings"
	"unicode/utf8"
)

// PreviewRule says how much of a document's text visitors who may not
// read it all are shown: the opening Percent of the body's characters, at
// most MaxChars, ending at the end of a sentence.
type PreviewRule struct {
	Percent  int `json:"preview_percent"`   // 1–100
	MaxChars int `json:"preview_max_chars"` // > 0
}

// DefaultPreviewRule is the preview of a new site: 30%, at most 1,500
// characters.
var DefaultPreviewRule = PreviewRule{Percent: 30, MaxChars: 1500}

// Validate returns EINVALID for a rule outside its ranges.
func (p PreviewRule) Validate() error {
	if p.Percent < 1 || p.Percent > 100 || p.MaxChars < 1 {
		return ErrPreviewInvalid
	}
	return nil
}

// BodyChars returns the number of characters of body that count for the
// preview: those of each paragraph without its surrounding white space.
func BodyChars(body []string) int {
	n := 0
	for _, p := range body {
		n += utf8.RuneCountInString(strings.TrimSpace(p))
	}
	return n
}

// Limit returns the number of characters a preview of a body of total
// characters may hold.
func (p PreviewRule) Limit(total int) int {
	if err := p.Validate(); err != nil {
		p = DefaultPreviewRule
	}
	n := total * p.Percent / 100
	return max(min(n, p.MaxChars), 1)
}

// Cut returns the preview of body: its opening paragraphs, each without
// its surrounding white space, the last one cut at the last sentence end
// within the rule's limit. full reports that nothing was left out.
func (p PreviewRule) Cut(body []string) (shown []string, full bool) {
	return CutPreview(body, p.Limit(BodyChars(body)))
}

// sentenceEnds are the characters after which a preview may end.
const sentenceEnds = "。！？；…!?;"

// closers may follow a sentence end and stay with its sentence.
const closers = "”’」』）)》】"

// CutPreview returns the opening paragraphs of body holding at most limit
// characters (counted as BodyChars counts them), ending at a sentence end:
// a paragraph that does not fit whole is cut after its last sentence end
// within the limit, or dropped when a previous paragraph was shown and it
// has no sentence end within the limit. Only a first paragraph with no
// sentence end is cut at the limit itself. full reports that the whole
// body fits.
func CutPreview(body []string, limit int) (shown []string, full bool) {
	left := limit
	for _, p := range body {
		p = strings.TrimSpace(p)
		n := utf8.RuneCountInString(p)
		if n <= left {
			shown = append(shown, p)
			left -= n
			continue
		}
		if cut := cutAtSentence(p, left); cut != "" {
			shown = append(shown, cut)
		} else if len(shown) == 0 && left > 0 {
			shown = append(shown, cutRunes(p, left))
		}
		return shown, false
	}
	return shown, true
}

// cutAtSentence returns the longest opening of p with at most limit
// characters that ends at a sentence end (with the closing quotes or
// brackets that follow it), or "" when there is none.
func cutAtSentence(p string, limit int) string {
	end := 0
	n := 0
	prevEnd := false
	for i, r := range p {
		if n == limit {
			break
		}
		n++
		switch {
		case strings.ContainsRune(sentenceEnds, r):
			end, prevEnd = i+utf8.RuneLen(r), true
		case prevEnd && strings.ContainsRune(closers, r):
			end = i + utf8.RuneLen(r)
		default:
			prevEnd = false
		}
	}
	return p[:end]
}

// cutRunes returns the first n characters of s.
func cutRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}
