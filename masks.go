package wengao

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// MaskRule is a display masking rule: Word is shown as Shown wherever the
// site shows text (党委 as D委). Stored texts are never changed, and
// search treats both forms as one.
type MaskRule struct {
	Word      string    `json:"word"`
	Shown     string    `json:"shown"`
	CreatedAt time.Time `json:"created_at"`
}

// MaskWordMaxRunes is the longest word a rule may mask.
const MaskWordMaxRunes = 20

// Validate returns EINVALID unless both forms are 1–20 characters without
// spaces or markup characters, and differ.
func (m MaskRule) Validate() error {
	return validPair(m.Word, m.Shown, 1, MaskWordMaxRunes, ErrMaskWordInvalid, ErrMaskSameAsWord)
}

// validPair returns invalid unless a and b are words of minRunes to
// maxRunes characters without spaces or markup characters, and same when
// they are equal: an operator's pair of forms (a masking rule, an
// abbreviation), which pages show and search matches.
func validPair(a, b string, minRunes, maxRunes int, invalid, same error) error {
	for _, s := range []string{a, b} {
		n := utf8.RuneCountInString(s)
		if n < minRunes || n > maxRunes || !utf8.ValidString(s) || strings.ContainsAny(s, "<>&\"' \t\r\n\u3000") {
			return invalid
		}
	}
	if a == b {
		return same
	}
	return nil
}

// MaskService keeps the display masking rules.
type MaskService interface {
	// MaskRules returns the rules, longest word first, and a version that
	// changes whenever they do. It is cheap to call often.
	MaskRules(ctx context.Context) ([]MaskRule, int64, error)

	// AddMask adds a rule or changes how its word is shown. Returns
	// EINVALID for a malformed rule.
	AddMask(ctx context.Context, m MaskRule) error

	// RemoveMask removes the rule of a word. Returns ENOTFOUND when there
	// is none.
	RemoveMask(ctx context.Context, word string) error
}
