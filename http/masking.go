package http

import (
	"context"
	"sync"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/chinese"
)

// maskState holds the Masker of the current display masking rules.
type maskState struct {
	mu      sync.Mutex
	version int64
	loaded  bool
	masker  *chinese.Masker
}

// masker returns the Masker of the current rules, or nil when there are
// none. When the rules changed, cached pages are dropped: they show words
// as the old rules did.
func (s *Server) masker(ctx context.Context) *chinese.Masker {
	if s.Masks == nil {
		return nil
	}
	rules, v, err := s.Masks.MaskRules(ctx)
	st := &s.maskState
	st.mu.Lock()
	defer st.mu.Unlock()
	if err != nil {
		s.Logger.Error("read mask rules", "err", err)
		return st.masker
	}
	if !st.loaded || v != st.version {
		if st.loaded {
			s.pages.clear()
		}
		st.masker, st.version, st.loaded = chinese.NewMasker(rules), v, true
	}
	return st.masker
}

// maskBytes returns a rendered page or feed with every masked word in its
// shown form. Rules hold no markup characters, so this cannot change the
// markup.
func (s *Server) maskBytes(ctx context.Context, b []byte) []byte {
	m := s.masker(ctx)
	if m == nil {
		return b
	}
	return []byte(m.Display(string(b)))
}

// maskedDocument returns a copy of doc as the site shows it under m:
// title, text and outline with masked words in their shown form.
func maskedDocument(m *chinese.Masker, doc *wengao.Document) *wengao.Document {
	d := *doc
	d.Title = m.Display(d.Title)
	d.Body = m.DisplayAll(d.Body)
	d.Outline = append([]wengao.OutlineItem(nil), d.Outline...)
	for i := range d.Outline {
		d.Outline[i].Text = m.Display(d.Outline[i].Text)
	}
	return &d
}
