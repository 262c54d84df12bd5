package http

import (
	"context"

	"github.com/wengao/wengao"
)

// blobDeleter is a FileStore that can remove a file.
type blobDeleter interface {
	Delete(ctx context.Context, key string) error
}

// blobIndex returns what tells which files records refer to: BlobIndex,
// or the upload store when it can.
func (s *Server) blobIndex() wengao.BlobIndex {
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
func (s *Server) removeBlobIfOrphan(ctx context.Context, key string) {
	del, ok := s.Files.(blobDeleter)
	idx := s.blobIndex()
	if key == "" || !ok || idx == nil {
		return
	}
	ctx = context.WithoutCancel(ctx)
	used, err := idx.BlobReferenced(ctx, key)
	if err == nil && !used {
		err = del.Delete(ctx, key)
	}
	if err != nil {
		s.Logger.Warn("remove unused file", "key", key, "err", err)
	}
}
