// Package http serves wengao over HTTP: it assembles the JSON API
// (package api), the reading site (package site) and the operators'
// console (package console) on their shared core (package web), behind
// the middleware, and runs the listener.
package http

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/wengao/wengao/http/api"
	"github.com/wengao/wengao/http/console"
	"github.com/wengao/wengao/http/site"
	"github.com/wengao/wengao/http/web"
)

// Server is wengao's HTTP server: the shared core, whose fields wire the
// services, and the three front ends mounted on it.
type Server struct {
	*web.Core
	Addr string

	ln      net.Listener
	server  *http.Server
	handler http.Handler
}

// Services are the stores a server serves from; see web.Services for
// which are required.
type Services = web.Services

// NewServer returns a server over svc with its routes registered, or an
// error naming the required services svc lacks. Set the server's other
// fields (Addr, BaseURL, Settings, Logger…) before it serves.
func NewServer(svc Services) (*Server, error) {
	c, err := web.NewCore(svc)
	if err != nil {
		return nil, err
	}
	s := &Server{Core: c}
	s.server = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
	mux := http.NewServeMux()
	api.New(c).Register(mux)
	site.New(c).Register(mux)
	console.New(c).Register(mux)
	mux.HandleFunc("GET /metrics", c.HandleMetrics)
	// Every state-changing request from another site is refused
	// (Sec-Fetch-Site, else Origin against Host, else Referer).
	s.handler = c.Middleware(c.CrossSiteGuard(mux))
	return s, nil
}

// ServeHTTP passes requests through the middleware to the router.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.WatchChanges()
	s.handler.ServeHTTP(w, r)
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
	return "http://" + net.JoinHostPort(host, strconv.Itoa(addr.Port))
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
