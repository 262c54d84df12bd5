package web

import (
	"context"
	"net/http"

	"github.com/wengao/wengao"
)

// FindPublished returns the document when readers may see it: ELEGAL
// while it is hidden, ENOTFOUND once deleted.
func (s *Core) FindPublished(ctx context.Context, id string) (*wengao.Document, error) {
	doc, err := s.Documents.FindDocumentByID(ctx, id)
	if err != nil {
		return nil, err
	}
	switch doc.Status {
	case "", wengao.DocPublished:
		return doc, nil
	case wengao.DocHidden:
		return nil, wengao.Errorf(wengao.ELEGAL, msgDocumentHidden)
	}
	return nil, wengao.Errorf(wengao.ENOTFOUND, MsgDocumentGone)
}

// PublishedDocument is findPublished for a request.
func (s *Core) PublishedDocument(r *http.Request, id string) (*wengao.Document, error) {
	return s.FindPublished(r.Context(), id)
}
