package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/blob"
	"github.com/wengao/wengao/config"
	"github.com/wengao/wengao/copycheck"
	"github.com/wengao/wengao/http"
	"github.com/wengao/wengao/http/web"
	"github.com/wengao/wengao/importer"
	"github.com/wengao/wengao/metrics"
	"github.com/wengao/wengao/sample"
	"github.com/wengao/wengao/sqlite"
	"golang.org/x/term"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := config.Load("serve", args, os.LookupEnv, stderr)
	if err != nil {
		return err
	}
	logOut := newLogWriter(stderr)
	defer logOut.Close()
	logger := newLogger(cfg.LogFormat, logOut)
	db, err := sqlite.Open(cfg.Data)
	if err != nil {
		return err
	}
	defer db.Close()
	// Changes committed by other processes on the library (wengao
	// import, mask, user…) reach the caches within half a second,
	// through the change log. Login throttling and read dedupe stay in
	// memory: a SQLite library has one serving process, and sharing
	// them would turn each login attempt and flush into more writes on
	// its single writer (docs/stores.md, "Running several instances").
	db.FollowChanges(0)
	reg := metrics.NewRegistry()
	reg.RegisterRuntime()
	if cfg.Seed {
		if err := seedSample(ctx, web.InstrumentImports(db, reg), logger); err != nil {
			return fmt.Errorf("seed sample library: %w", err)
		}
	}

	// Most of the heap of a large library is its metadata catalog, which
	// holds no pointers: a collection costs little, and collecting at half
	// the default growth keeps an idle 1,000,000-document site at 260 MB
	// resident instead of 330 MB. GOGC, when set, decides.
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(50)
	}
	go func() {
		if err := db.Warm(ctx); err != nil {
			logger.Warn("warm-up", "err", err)
		}
		// Loading the metadata of a large library leaves about twice its
		// size in freed heap that the runtime would return to the system
		// only slowly: at 1,000,000 documents, 480 MB resident instead
		// of 180 MB. Return it now, once.
		debug.FreeOSMemory()
	}()
	go precomputeRelated(ctx, db, logger)

	files, err := openFiles(ctx, cfg.Blob, cfg.Data)
	if err != nil {
		return err
	}
	if local, ok := files.(*blob.Local); ok {
		if n, err := local.Clean(ctx); err != nil {
			logger.Warn("clean unfinished files", "err", err)
		} else if n > 0 {
			logger.Info("removed unfinished files", "count", n)
		}
	}
	// 查重: the passage index is opened from the data folder (or built
	// there when missing) in the background; until it is ready, checks
	// are refused with 503 rather than kept waiting.
	checker := copycheck.New(db.SearchStore(), copycheck.Options{
		Maskers: db.Maskers(), Background: true,
		Path: filepath.Join(cfg.Data, copycheck.FileName), Logger: logger,
	})
	checker.Watch(db)
	go buildCheckIndex(ctx, checker, logger)
	srv, err := http.NewServer(http.Services{
		Documents: db, Search: web.InstrumentSearch(db, reg), Browse: db,
		Users: db, Sessions: db, Ledger: db, Favorites: db,
		Uploads: db, Files: files, Near: db,
		Complaints: db, DocAdmin: db, UserAdmin: db, Audit: db, SettingsStore: db,
		Masks: db, Abbreviations: db, Maskers: db.Maskers(),
		Reads: db, Stats: db,
		Changes:     db, // drops cached pages after writes
		CopyChecker: checker, CheckQuota: db,
	})
	if err != nil {
		return err
	}
	srv.Addr = cfg.Addr
	srv.BaseURL = cfg.BaseURL
	if srv.TrustedProxies, err = web.ParseTrustedProxies(cfg.TrustedProxies); err != nil {
		return fmt.Errorf("trusted_proxies: %w", err)
	}
	srv.AllowedHosts = strings.FieldsFunc(cfg.AllowedHosts, func(r rune) bool { return r == ',' || r == ' ' })
	if cfg.BaseURL == "" {
		logger.Warn("base_url is not set: canonical links, robots.txt, the sitemap and the feed use the request's Host only when it is a loopback address or in allowed_hosts, else http://localhost; set base_url to the site's public address")
	}
	srv.Contact = cfg.Contact
	srv.Settings = cfg.Settings
	srv.Counter = web.NewReadCounter(db)
	srv.Counter.Logger = logger
	// Reads counted and shown survive a crash (kill -9): the counter
	// journals them until they are written.
	srv.Counter.Journal = filepath.Join(cfg.Data, "reads.journal")
	if n, err := srv.Counter.RecoverJournal(ctx); err != nil {
		return fmt.Errorf("recover the reads of the last run: %w", err)
	} else if n > 0 {
		logger.Info("recovered reads a crash left unwritten", "reads", n)
	}
	srv.SearchLog = web.NewSearchLog(db)
	srv.SearchLog.Logger = logger
	srv.Attribution = sample.Attribution()
	srv.Logger = logger
	srv.Metrics = web.NewMetrics(reg)
	srv.Metrics.Token = cfg.MetricsToken
	web.RegisterLibraryMetrics(reg, db, web.FileSizes(db.Path, db.Path+"-wal"))
	if err := srv.Open(); err != nil {
		return err
	}
	logger.Info("wengao serving", "url", srv.URL(), "data", cfg.Data, "files", fmt.Sprint(files))
	fmt.Fprintf(stdout, "wengao is serving at %s\n", srv.URL())

	<-ctx.Done()
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	// Close stops the server, then writes the reads it still buffers.
	return srv.Close(shutdownCtx)
}

// buildCheckIndex builds the copy check's passage index, trying again a
// minute after a failure, until ctx ends.
func buildCheckIndex(ctx context.Context, c *copycheck.Checker, logger *slog.Logger) {
	for {
		start := time.Now()
		err := c.Build(ctx)
		if err == nil {
			st := c.Stats()
			logger.Info("copy check index ready", "documents", st.Documents, "mapped", st.Mapped, "heap", st.Heap, "took", time.Since(start).Round(time.Millisecond))
			return
		}
		if ctx.Err() != nil {
			return
		}
		logger.Error("build the copy check index", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Minute):
		}
	}
}

// newLogger returns a logger writing to w in format: json, text, or
// auto: text on a terminal and JSON otherwise.
func newLogger(format string, w io.Writer) *slog.Logger {
	switch format {
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil))
	case "text":
		return slog.New(slog.NewTextHandler(w, nil))
	}
	out := w
	if lw, ok := w.(*logWriter); ok {
		out = lw.w
	}
	if f, ok := out.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return slog.New(slog.NewTextHandler(w, nil))
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}

// logWriter batches log output that does not go to a terminal: a line for
// every request would otherwise cost a system call each. It writes what it
// holds every logFlushInterval, when it holds logBufferSize bytes, and on
// Close.
type logWriter struct {
	w    io.Writer
	mu   sync.Mutex
	buf  *bufio.Writer
	stop chan struct{}
	done chan struct{}
}

const (
	logFlushInterval = 200 * time.Millisecond
	logBufferSize    = 64 << 10
)

// newLogWriter returns a logWriter writing to w; on a terminal, it
// writes each line at once.
func newLogWriter(w io.Writer) *logWriter {
	lw := &logWriter{w: w}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return lw
	}
	lw.buf = bufio.NewWriterSize(w, logBufferSize)
	lw.stop, lw.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(lw.done)
		t := time.NewTicker(logFlushInterval)
		defer t.Stop()
		for {
			select {
			case <-lw.stop:
				return
			case <-t.C:
				lw.mu.Lock()
				lw.buf.Flush()
				lw.mu.Unlock()
			}
		}
	}()
	return lw
}

func (lw *logWriter) Write(p []byte) (int, error) {
	if lw.buf == nil {
		return lw.w.Write(p)
	}
	lw.mu.Lock()
	defer lw.mu.Unlock()
	return lw.buf.Write(p)
}

// Close writes what is buffered and stops the flushing.
func (lw *logWriter) Close() error {
	if lw.buf == nil {
		return nil
	}
	close(lw.stop)
	<-lw.done
	lw.mu.Lock()
	defer lw.mu.Unlock()
	return lw.buf.Flush()
}

// seedSample imports the embedded sample library into an empty database,
// so that a first start shows a working site.
func seedSample(ctx context.Context, db wengao.DocumentService, logger *slog.Logger) error {
	n, err := db.CountDocuments(ctx)
	if err != nil || n > 0 {
		return err
	}
	r, err := sample.JSONL()
	if err != nil {
		return err
	}
	im := &importer.Importer{Service: db}
	sum, err := im.RunJSONL(ctx, "sample.jsonl", r)
	if err != nil {
		return err
	}
	logger.Info("seeded the sample library", "documents", sum.Imported, "took", sum.Elapsed.Round(time.Millisecond).String())
	return nil
}

// Related reading is computed in the background for the documents that
// have none, from relatedDelay after start-up and every relatedEvery
// after, at a tenth of one core (a document's first view computes its
// own list if it comes first).
const (
	relatedDelay = 2 * time.Minute
	relatedEvery = 10 * time.Minute
	relatedIdle  = 9
)

func precomputeRelated(ctx context.Context, db *sqlite.DB, logger *slog.Logger) {
	wait := relatedDelay
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = relatedEvery
		start := time.Now()
		n, err := db.PrecomputeRelated(ctx, relatedIdle)
		if err != nil && ctx.Err() == nil {
			logger.Warn("related reading", "err", err)
		}
		if n > 0 {
			logger.Info("related reading computed", "documents", n, "took", time.Since(start).Round(time.Second).String())
		}
	}
}
