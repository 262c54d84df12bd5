package wengao

import "context"

// BlobIndex tells which files of the blob store the records refer to:
// uploads, documents' original files and complaints' evidence. A file no
// record refers to may be removed.
type BlobIndex interface {
	// BlobReferenced reports whether any record refers to the file with
	// the key.
	BlobReferenced(ctx context.Context, key string) (bool, error)

	// BlobKeys returns the keys of every file a record refers to.
	BlobKeys(ctx context.Context) (map[string]bool, error)
}
