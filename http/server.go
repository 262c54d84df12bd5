// Package http serves wengao over HTTP: the JSON API under /api/v1 and the
// reading site, rendered on the server from embedded templates.
package http

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/search"
	"github.com/wengao/wengao/throttle"
)

// Server is wengao's HTTP server.
type Server struct {
	Addr string
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

	Documents wengao.DocumentService
	Search    wengao.SearchService
	Browse    wengao.BrowseService
	// Reads ranks documents by reads; nil shows no rankings.
	Reads wengao.ReadService
	// Counter counts page views as reads; nil counts none. The server
	// starts it on Open and flushes it on Close.
	Counter *ReadCounter
	// Stats gives the operators' statistics; nil turns them off.
	Stats wengao.StatsService
	// SearchLog counts searches for the statistics; nil counts none. The
	// server starts it on Open and flushes it on Close.
	SearchLog *SearchLog

	// Account services; nil leaves the account API answering that
	// accounts are not available.
	Users     wengao.UserService
	Sessions  wengao.SessionService
	Ledger    wengao.LedgerService
	Favorites wengao.FavoriteService
	// Files holds the original files of uploads and documents; nil turns
	// uploads off and gives every download as a .docx made from the text.
	Files FileStore
	// Uploads keeps uploads and their moderation; nil turns uploads off.
	Uploads wengao.UploadService
	// BlobIndex tells which files records refer to, so that the file of
	// a failed upload is removed; nil takes Uploads when it can tell.
	BlobIndex wengao.BlobIndex
	// Near finds published documents similar to an upload; nil finds none.
	Near wengao.NearDuplicateFinder
	// Masks are the display masking rules; nil shows every word as stored.
	Masks wengao.MaskService
	// Maskers gives the Masker of the rules of Masks, shared with search
	// so that both show words alike; nil makes one over Masks.
	Maskers *search.Maskers
	// The operators' console; nil parts answer that they are unavailable.
	Complaints    wengao.ComplaintService
	DocAdmin      wengao.DocumentAdmin
	UserAdmin     wengao.UserAdmin
	Audit         wengao.AuditLog
	SettingsStore wengao.SettingsService
	// Throttle limits failed logins per account and per IP.
	Throttle *throttle.LoginThrottle
	// Settings are the operator's figures: sign-up bonus, prices.
	Settings wengao.Settings
	// Changes tells the server of committed writes, so that it drops the
	// pages they make stale; nil takes Documents when it can tell (a
	// store implementing wengao.ChangeNotifier). The server subscribes
	// once, when it serves its first request.
	Changes wengao.ChangeNotifier
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

	ln        net.Listener
	server    *http.Server
	mux       *http.ServeMux
	handler   http.Handler
	rankings  rankingCache
	pages     pageCache
	favs      favCounts
	maskState maskState
	limits    limiters
	held      heldBlobs
	// sitemapMax overrides sitemapMaxURLs in tests.
	sitemapMax int
	watchOnce  sync.Once // subscribes to Changes
}

// NewServer returns a server with its routes registered.
func NewServer() *Server {
	s := &Server{mux: http.NewServeMux(), Logger: slog.Default(), Throttle: throttle.New(0, 0, 0, 0), Settings: wengao.DefaultSettings(), limits: newLimiters(),
		Now: time.Now}
	s.server = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
	s.registerAPIRoutes()
	s.registerAccountRoutes()
	s.registerAccountPages()
	s.registerUploadRoutes()
	s.registerComplaintRoutes()
	s.registerAdminRoutes()
	s.registerSourceRoutes()
	s.registerStatsRoutes()
	s.registerSiteRoutes()
	s.mux.HandleFunc("GET /metrics", s.handleMetrics)
	// Every state-changing request from another site is refused
	// (Sec-Fetch-Site, else Origin against Host).
	s.handler = s.middleware(http.NewCrossOriginProtection().Handler(s.mux))
	return s
}

// ServeHTTP passes requests through the middleware to the router.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.watchOnce.Do(s.watchChanges)
	s.handler.ServeHTTP(w, r)
}

// watchChanges subscribes the server's caches to the changes its stores
// commit: a write path cannot forget to drop the pages it made stale,
// since none of them does it.
func (s *Server) watchChanges() {
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
			s.pages.clear()
		}
	})
}

// now returns the current time from the server's clock.
func (s *Server) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// Open starts listening on Addr and serving in the background, and starts
// the read counter.
func (s *Server) Open() error {
	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		return err
	}
	s.ln = ln
	if s.Counter != nil {
		s.Counter.Open()
	}
	if s.SearchLog != nil {
		s.SearchLog.Open()
	}
	go func() {
		if err := s.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.Logger.Error("http serve", "err", err)
		}
	}()
	return nil
}

// URL returns the base URL the server listens on.
func (s *Server) URL() string {
	if s.ln == nil {
		return ""
	}
	addr := s.ln.Addr().(*net.TCPAddr)
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, itoa(addr.Port))
}

// Close stops the server, letting in-flight requests finish, then writes
// the reads still buffered, so that a graceful stop loses none.
func (s *Server) Close(ctx context.Context) error {
	err := s.server.Shutdown(ctx)
	if s.Counter != nil {
		// The reads are written even when the shutdown ran out of time.
		if ferr := s.Counter.Close(context.WithoutCancel(ctx)); ferr != nil {
			s.Logger.Error("flush reads on close", "err", ferr)
			err = errors.Join(err, ferr)
		}
	}
	if s.SearchLog != nil {
		if ferr := s.SearchLog.Close(context.WithoutCancel(ctx)); ferr != nil {
			s.Logger.Error("flush search log on close", "err", ferr)
			err = errors.Join(err, ferr)
		}
	}
	return err
}

// settings returns the operator's current settings: those saved in the
// console, or Settings (from the command line) until any are.
func (s *Server) settings(ctx context.Context) wengao.Settings {
	if s.SettingsStore == nil {
		return s.Settings
	}
	st, v, err := s.SettingsStore.LoadSettings(ctx)
	if err != nil || v == 0 {
		if err != nil && ctx.Err() == nil {
			s.Logger.Error("load settings", "err", err)
		}
		return s.Settings
	}
	return st
}

// baseURL returns the site's public address without a trailing slash:
// BaseURL when set, else the scheme and host of the request.
func (s *Server) baseURL(r *http.Request) string {
	if s.BaseURL != "" {
		return strings.TrimSuffix(s.BaseURL, "/")
	}
	if !s.hostAllowed(r.Host) {
		// A Host anyone may send must not reach cacheable pages.
		return "http://localhost"
	}
	scheme := "http"
	if s.isHTTPS(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
