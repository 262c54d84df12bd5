package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/wengao/wengao"
)

// CrossSiteGuard refuses every state-changing request (any method but
// GET, HEAD and OPTIONS) that a browser sent from another site, before
// it reaches next: Sec-Fetch-Site, else Origin against Host, as
// net/http's CrossOriginProtection checks them; and, from an old browser
// that sent neither, a Referer naming another host. Requests with none
// of the three come from programs, not from a page an attacker made a
// visitor open, and pass. The refusal is a 403 in Chinese: a JSON error
// under /api/, the error page elsewhere.
func (s *Core) CrossSiteGuard(next http.Handler) http.Handler {
	p := http.NewCrossOriginProtection()
	p.SetDenyHandler(http.HandlerFunc(s.refuseCrossSite))
	guarded := p.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
			if r.Header.Get("Sec-Fetch-Site") == "" && r.Header.Get("Origin") == "" && crossSiteReferer(r) {
				s.refuseCrossSite(w, r)
				return
			}
		}
		guarded.ServeHTTP(w, r)
	})
}

// crossSiteReferer reports whether r carries a Referer that is not a URL
// of r's own host.
func crossSiteReferer(r *http.Request) bool {
	ref := r.Header.Get("Referer")
	if ref == "" {
		return false
	}
	u, err := url.Parse(ref)
	return err != nil || !strings.EqualFold(u.Host, r.Host)
}

// refuseCrossSite answers a cross-site state change with 403.
func (s *Core) refuseCrossSite(w http.ResponseWriter, r *http.Request) {
	err := wengao.Errorf(wengao.EFORBIDDEN, MsgCrossSite)
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.JSONError(w, r, err)
		return
	}
	s.ErrorPage(w, r, err)
}
