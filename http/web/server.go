// Package web is the core the HTTP front ends share: the services and
// settings, the clock, sessions and the current user, client addresses,
// rate limits, template rendering and error pages, the page cache, the
// read counter, the search log, metrics, display masking, static files,
// and the actions more than one front end takes (actions.go:
// ModerateUpload, ChangeDocumentStatus, ResolveComplaint). The api, site
// and console packages mount their routes on it.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/throttle"
)

// Core is the state every front end shares. Set its fields before it
// serves its first request.
type Core struct {
	// BaseURL is the site's public address, such as
	// "https://wengao.example.org", used in canonical links, the sitemap,
	// the feed and share codes. When empty it is taken from each request
	// whose Host is a loopback address or one of AllowedHosts, and is
	// "http://localhost" otherwise.
	BaseURL string
	// AllowedHosts are the Host header values (with or without a port)
	// believed for the site's address when BaseURL is empty.
	AllowedHosts []string
	// TrustedProxies are the peers whose X-Forwarded-For and
	// X-Forwarded-Proto headers are believed; none by default.
	TrustedProxies []netip.Prefix

	// Services are the stores the core serves from, given to NewCore;
	// the front ends choose their routes by them when they register.
	// Tests may swap one for a fake before the core serves.
	Services

	// Counter counts page views as reads; nil counts none. The server
	// starts it on Open and flushes it on Close.
	Counter *ReadCounter
	// SearchLog counts searches for the statistics; nil counts none. The
	// server starts it on Open and flushes it on Close.
	SearchLog *SearchLog
	// Throttle limits failed logins per account and per IP: a
	// *throttle.LoginThrottle in memory, or shared by the instances
	// serving one library (ShareLimits).
	Throttle throttle.LoginGuard
	// Settings are the operator's figures: sign-up bonus, prices.
	Settings wengao.Settings
	// Now returns the current time; tests set it to move time on. Set it
	// before the server is used.
	Now func() time.Time

	// Attribution is Markdown shown on the about page: where the sample
	// library's documents come from.
	Attribution string
	// Contact is how readers reach the site's operators (an e-mail
	// address), shown on the contact page.
	Contact string

	Logger *slog.Logger
	// Metrics records requests and serves GET /metrics; nil records
	// nothing.
	Metrics *Metrics

	// Pages caches rendered pages; the site serves documents from it,
	// and the core drops them when the stores change (WatchChanges).
	Pages pageCache

	rankings   rankingCache
	favs       favCounts
	maskState  maskState
	limits     limiters
	held       heldBlobs
	checkState checkState
	// SitemapMax overrides sitemapMaxURLs; tests lower it to reach a
	// sitemap index with few documents.
	SitemapMax int
	watchOnce  sync.Once // subscribes to Changes
}

// NewCore returns a core over svc with the default settings, a login
// throttle, rate limiters, the default logger and the system clock, or an
// error naming the required services svc lacks.
func NewCore(svc Services) (*Core, error) {
	if err := svc.check(); err != nil {
		return nil, err
	}
	return &Core{Services: svc, Logger: slog.Default(), Throttle: throttle.New(0, 0, 0, 0), Settings: wengao.DefaultSettings(), limits: newLimiters(),
		Now: time.Now}, nil
}

// WatchChanges subscribes the core's caches, once, to the changes its
// stores commit: a write path cannot forget to drop the pages it made
// stale, since none of them does it.
func (s *Core) WatchChanges() { s.watchOnce.Do(s.watchChanges) }

func (s *Core) watchChanges() {
	n := s.Changes
	if n == nil {
		n, _ = s.Documents.(wengao.ChangeNotifier)
	}
	if n == nil {
		return
	}
	n.OnChange(func(c wengao.Change) {
		switch c.Kind {
		case wengao.ChangeDocuments, wengao.ChangeSettings:
			// Lists, categories and the home page show documents too,
			// and the settings show on every page: all go.
			s.Pages.clear()
		}
	})
}

// Time returns the current time from the server's clock.
func (s *Core) Time() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// CurrentSettings returns the operator's current settings: those saved in the
// console, or Settings (from the command line) until any are.
func (s *Core) CurrentSettings(ctx context.Context) wengao.Settings {
	st, v, err := s.SettingsStore.LoadSettings(ctx)
	if err != nil || v == 0 {
		if err != nil && ctx.Err() == nil {
			s.Logger.Error("load settings", "err", err)
		}
		return s.Settings
	}
	return st
}

// SiteURL returns the site's public address without a trailing slash:
// BaseURL when set, else the scheme and host of the request.
func (s *Core) SiteURL(r *http.Request) string {
	if s.BaseURL != "" {
		return strings.TrimSuffix(s.BaseURL, "/")
	}
	if !s.hostAllowed(r.Host) {
		// A Host anyone may send must not reach cacheable pages.
		return "http://localhost"
	}
	scheme := "http"
	if s.IsHTTPS(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
