package web

import (
	"context"
	"sync"

	"github.com/wengao/wengao"
)

// heldBlobs counts, by key, the requests of this process between storing
// a file and writing the record that refers to it: files are stored by
// their content, so two uploads of the same bytes share one, and the one
// that fails must not remove it under the other.
type heldBlobs struct {
	mu sync.Mutex
	n  map[string]int
}

// holdBlob marks the file with key as about to be referred to, until the
// returned release is called.
func (s *Core) holdBlob(key string) (release func()) {
	h := &s.held
	h.mu.Lock()
	if h.n == nil {
		h.n = map[string]int{}
	}
	h.n[key]++
	h.mu.Unlock()
	return sync.OnceFunc(func() {
		h.mu.Lock()
		if h.n[key]--; h.n[key] <= 0 {
			delete(h.n, key)
		}
		h.mu.Unlock()
	})
}

// blobDeleter is a FileStore that can remove a file.
type blobDeleter interface {
	Delete(ctx context.Context, key string) error
}

// blobIndex returns what tells which files records refer to: BlobIndex,
// or the upload store when it can.
func (s *Core) blobIndex() wengao.BlobIndex {
	if s.BlobIndex != nil {
		return s.BlobIndex
	}
	idx, _ := s.Uploads.(wengao.BlobIndex)
	return idx
}

// removeBlobIfOrphan removes the stored file with key when no record
// refers to it: the file of a failed upload or of a complaint that was
// not recorded. Files are stored by their content, so another upload of
// the same bytes keeps it. Errors are logged: the blob sweep
// (wengao blobs gc) collects what is left.
func (s *Core) removeBlobIfOrphan(ctx context.Context, key string) {
	del, ok := s.Files.(blobDeleter)
	idx := s.blobIndex()
	if key == "" || !ok || idx == nil {
		return
	}
	ctx = context.WithoutCancel(ctx)
	// Under the lock, so that no request holds the key between the check
	// and the removal; a request that stored the same bytes but holds
	// them only after finds the file gone when it opens it, and fails.
	s.held.mu.Lock()
	defer s.held.mu.Unlock()
	if s.held.n[key] > 0 {
		return
	}
	used, err := idx.BlobReferenced(ctx, key)
	if err == nil && !used {
		err = del.Delete(ctx, key)
	}
	if err != nil {
		s.Logger.Warn("remove unused file", "key", key, "err", err)
	}
}
