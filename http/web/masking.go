package web

import (
	"context"
	"sync"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/chinese"
	"github.com/wengao/wengao/search"
)

// maskState remembers which version of the display masking rules the
// cached pages show.
type maskState struct {
	mu      sync.Mutex
	version int64
	loaded  bool
	// own is the Maskers over ownOf, when Core.Maskers is not set.
	own   *search.Maskers
	ownOf wengao.MaskService
}

// maskers returns Core.Maskers, or else one kept over Core.Masks, or
// nil when there are no rules.
func (s *Core) maskers() *search.Maskers {
	if s.Maskers != nil {
		return s.Maskers
	}
	st := &s.maskState
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.own == nil || st.ownOf != s.Masks {
		st.own, st.ownOf = search.NewMaskers(s.Masks), s.Masks
	}
	return st.own
}

// Masker returns the Masker of the current rules, or nil when there are
// none. When the rules changed, cached pages are dropped: they show words
// as the old rules did.
func (s *Core) Masker(ctx context.Context) *chinese.Masker {
	m, v, err := s.maskers().Masker(ctx)
	if err != nil {
		s.Logger.Error("read mask rules", "err", err)
		return m
	}
	st := &s.maskState
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.loaded && v != st.version {
		s.Pages.clear()
	}
	st.version, st.loaded = v, true
	return m
}

// MaskBytes returns a rendered page or feed with every masked word in its
// shown form. Rules hold no markup characters, so this cannot change the
// markup.
func (s *Core) MaskBytes(ctx context.Context, b []byte) []byte {
	m := s.Masker(ctx)
	if m == nil {
		return b
	}
	return []byte(m.Display(string(b)))
}

// MaskedDocument returns a copy of doc as the site shows it under m:
// title, text and outline with masked words in their shown form.
func MaskedDocument(m *chinese.Masker, doc *wengao.Document) *wengao.Document {
	d := *doc
	d.Title = m.Display(d.Title)
	d.Body = m.DisplayAll(d.Body)
	d.Outline = append([]wengao.OutlineItem(nil), d.Outline...)
	for i := range d.Outline {
		d.Outline[i].Text = m.Display(d.Outline[i].Text)
	}
	return &d
}
