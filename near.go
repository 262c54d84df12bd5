package wengao

import "context"

// NearMatch is a published document similar to a text.
type NearMatch struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Similarity is about the share of characters the document and the
	// text have in common, from 0 to 1 (see package neardup).
	Similarity float64 `json:"similarity"`
}

// NearDuplicateThreshold is the similarity from which a text counts as a
// near-duplicate: an upload at least this similar to a published document
// goes to a moderator. A copy with 10 % of its characters edited is about
// 0.9 similar to its original; unrelated documents of the same kind, which
// share common wording, about 0.4 (rarely above 0.65).
const NearDuplicateThreshold = 0.8

// NearDuplicateFinder finds documents similar to a text.
type NearDuplicateFinder interface {
	// FindNearDuplicates returns up to limit documents at least threshold
	// similar to the text (title + paragraphs), most similar first,
	// excluding excludeID ("" for none).
	FindNearDuplicates(ctx context.Context, title string, paragraphs []string, threshold float64, excludeID string, limit int) ([]NearMatch, error)
}
