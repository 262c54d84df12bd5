// Package http serves wengao over HTTP: the JSON API under /api/v1 and the
// reading site.
package http

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/wengao/wengao"
)

// Server is wengao's HTTP server.
type Server struct {
	Addr string

	Documents wengao.DocumentService
	Search    wengao.SearchService
	Logger    *slog.Logger

	ln     net.Listener
	server *http.Server
	mux    *http.ServeMux
}

// NewServer returns a server with its routes registered.
func NewServer() *Server {
	s := &Server{mux: http.NewServeMux(), Logger: slog.Default()}
	s.server = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
	s.registerAPIRoutes()
	return s
}

// ServeHTTP passes requests to the router.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

// Open starts listening on Addr and serving in the background.
func (s *Server) Open() error {
	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		return err
	}
	s.ln = ln
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

// Close stops the server, letting in-flight requests finish.
func (s *Server) Close(ctx context.Context) error {
	return s.server.Shutdown(ctx)
}
