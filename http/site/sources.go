package site

import (
	"context"

	"github.com/wengao/wengao"
)

// showSource returns the name and link a document's Source is shown as.
func (s *Handler) showSource(ctx context.Context, source string) (name, link string) {
	return wengao.ShowSource(s.CurrentSettings(ctx).Sources, source)
}
