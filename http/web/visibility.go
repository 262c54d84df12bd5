package web

import (
	"net/http"
	"strconv"

	"github.com/wengao/wengao"
)

// Visibility is how much of a document's text a visitor may read.
type Visibility struct {
	// Full shows the whole text; otherwise the preview that Rule allows.
	Full bool
	Rule wengao.PreviewRule
}

// VisibilityFor decides how much of a document the visitor of r may
// read: logged-in readers the whole text, everyone else the preview. This
// is the one place where that is decided; every route that shows text
// (page, API, search snippets, feed, lists) cuts it through visible.
func (s *Core) VisibilityFor(r *http.Request) Visibility {
	if s.CurrentUser(r) != nil {
		return Visibility{Full: true}
	}
	return Visibility{Rule: s.CurrentSettings(r.Context()).PreviewRule}
}

// Visible returns the paragraphs of body that v shows and whether they are
// all of it.
func (v Visibility) Visible(body []string) (shown []string, full bool) {
	if v.Full {
		return body, true
	}
	return v.Rule.Cut(body)
}

// PreviewRule returns the rule for search snippets and summaries: nil for
// the whole text.
func (v Visibility) PreviewRule() *wengao.PreviewRule {
	if v.Full {
		return nil
	}
	return &v.Rule
}

// Key names the visibility in cache keys.
func (v Visibility) Key() string {
	if v.Full {
		return "full"
	}
	if v.Rule == wengao.DefaultPreviewRule {
		return "preview"
	}
	return strconv.Itoa(v.Rule.Percent) + "/" + strconv.Itoa(v.Rule.MaxChars)
}
