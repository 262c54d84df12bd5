package http_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	wengaohttp "github.com/wengao/wengao/http"
	"github.com/wengao/wengao/importer"
	"github.com/wengao/wengao/sample"
	"github.com/wengao/wengao/sqlite"
)

var (
	sampleOnce sync.Once
	sampleDB   []byte
	sampleErr  error
)

// newSampleEnv serves the sample library. It is imported once per test
// binary and its database file copied for each test.
func newSampleEnv(tb testing.TB) *siteEnv {
	tb.Helper()
	sampleOnce.Do(func() {
		dir, err := os.MkdirTemp("", "wengao-http-sample-")
		if err != nil {
			sampleErr = err
			return
		}
		defer os.RemoveAll(dir)
		db, err := sqlite.Open(dir)
		if err != nil {
			sampleErr = err
			return
		}
		r, err := sample.JSONL()
		if err != nil {
			sampleErr = err
			return
		}
		if _, err := (&importer.Importer{Service: db}).RunJSONL(context.Background(), "sample.jsonl", r); err != nil {
			sampleErr = err
			return
		}
		db.Checkpoint(context.Background())
		db.Close()
		sampleDB, sampleErr = os.ReadFile(filepath.Join(dir, sqlite.FileName))
	})
	if sampleErr != nil {
		tb.Fatal(sampleErr)
	}
	dir := tb.TempDir()
	if err := os.WriteFile(filepath.Join(dir, sqlite.FileName), sampleDB, 0o644); err != nil {
		tb.Fatal(err)
	}
	db, err := sqlite.Open(dir)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	srv := wengaohttp.NewServer()
	srv.Documents, srv.Search, srv.Browse, srv.Reads = db, db, db, db
	srv.Counter = wengaohttp.NewReadCounter(db)
	srv.Attribution = sample.Attribution()
	srv.Logger = discardLogger
	ts := httptest.NewServer(srv)
	tb.Cleanup(ts.Close)
	return &siteEnv{ts: ts, srv: srv, db: db}
}
