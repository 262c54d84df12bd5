package wengao

// ChangeKind says what part of the library a committed write changed.
type ChangeKind string

// Kinds of change.
const (
	// ChangeDocuments: documents were published, edited, hidden,
	// restored, deleted, repriced or moved to another category.
	ChangeDocuments ChangeKind = "documents"
	// ChangeSettings: the operator's settings were saved, or the
	// abbreviations search uses.
	ChangeSettings ChangeKind = "settings"
)

// A Change is what one committed write changed that others may have
// cached: rendered pages, related reading, rankings.
type Change struct {
	Kind ChangeKind
	// DocumentIDs are the external ids of the documents changed, when
	// known; empty when many or all may have changed (a category
	// renamed).
	DocumentIDs []string
}

// ChangeNotifier tells its subscribers of every change once it is
// committed, and never of one rolled back, so that whoever keeps a cache
// subscribes once instead of each write path remembering to forget.
type ChangeNotifier interface {
	// OnChange adds fn to the subscribers. fn runs on the goroutine
	// that committed, after the commit and before the write returns to
	// its caller; it must be quick and must not write to the store.
	OnChange(fn func(Change))
}
