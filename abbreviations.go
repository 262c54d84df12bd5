package wengao

import (
	"context"
	"time"
)

// Abbreviation is an operator's entry for search: Short (人社厅) is found
// as Full (人力资源和社会保障厅) and back, besides the built-in table of
// issuers and policy terms (chinese/equiv.tsv). Stored texts never change.
type Abbreviation struct {
	Short     string    `json:"short"`
	Full      string    `json:"full"`
	CreatedAt time.Time `json:"created_at"`
}

// AbbreviationMaxRunes is the longest form an entry may have.
const AbbreviationMaxRunes = 40

// Validate returns EINVALID unless both forms are 2–40 characters without
// spaces or markup characters, and differ.
func (a Abbreviation) Validate() error {
	return validPair(a.Short, a.Full, 2, AbbreviationMaxRunes, ErrAbbreviationInvalid, ErrAbbreviationSame)
}

// AbbreviationService keeps the operator's abbreviations.
type AbbreviationService interface {
	// Abbreviations returns the entries, by short form, and a version
	// that changes whenever they do. It is cheap to call often.
	Abbreviations(ctx context.Context) ([]Abbreviation, int64, error)

	// AddAbbreviation adds an entry or changes the full form of its short
	// form. Returns EINVALID for a malformed entry.
	AddAbbreviation(ctx context.Context, a Abbreviation) error

	// RemoveAbbreviation removes the entry of a short form. Returns
	// ENOTFOUND when there is none.
	RemoveAbbreviation(ctx context.Context, short string) error
}
