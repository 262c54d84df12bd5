package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/wengao/wengao/http"
	"github.com/wengao/wengao/importer"
	"github.com/wengao/wengao/sample"
	"github.com/wengao/wengao/sqlite"
	"golang.org/x/term"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, data := newFlagSet("serve", stderr)
	addr := fs.String("addr", envOr("WENGAO_ADDR", ":8080"), "listen address (env WENGAO_ADDR)")
	seed := fs.Bool("seed", envOr("WENGAO_SEED", "true") != "false", "seed an empty library with the sample documents (env WENGAO_SEED)")
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	logger := newLogger(stderr)
	db, err := sqlite.Open(*data)
	if err != nil {
		return err
	}
	defer db.Close()
	if *seed {
		if err := seedSample(ctx, db, logger); err != nil {
			return fmt.Errorf("seed sample library: %w", err)
		}
	}

	go func() {
		if err := db.Warm(ctx); err != nil {
			logger.Warn("warm-up", "err", err)
		}
	}()

	srv := http.NewServer()
	srv.Addr = *addr
	srv.Documents = db
	srv.Search = db
	srv.Logger = logger
	if err := srv.Open(); err != nil {
		return err
	}
	logger.Info("wengao serving", "url", srv.URL(), "data", *data)
	fmt.Fprintf(stdout, "wengao is serving at %s\n", srv.URL())

	<-ctx.Done()
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return srv.Close(shutdownCtx)
}

// newLogger logs text on a terminal and JSON otherwise.
func newLogger(w io.Writer) *slog.Logger {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return slog.New(slog.NewTextHandler(w, nil))
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}

// seedSample imports the embedded sample library into an empty database,
// so that a first start shows a working site.
func seedSample(ctx context.Context, db *sqlite.DB, logger *slog.Logger) error {
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
