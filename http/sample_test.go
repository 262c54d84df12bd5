package http_test

import (
	"net/http/httptest"
	"testing"

	wengaohttp "github.com/wengao/wengao/http"
	"github.com/wengao/wengao/http/web"
	"github.com/wengao/wengao/sample"
	"github.com/wengao/wengao/sqlite/sqlitetest"
)

// newSampleEnv serves a copy of the sample library.
func newSampleEnv(tb testing.TB) *siteEnv {
	tb.Helper()
	db := sqlitetest.OpenSample(tb)
	srv := wengaohttp.NewServer()
	srv.Documents, srv.Search, srv.Browse, srv.Reads = db, db, db, db
	srv.Counter = web.NewReadCounter(db)
	srv.Attribution = sample.Attribution()
	srv.Logger = discardLogger
	ts := httptest.NewServer(srv)
	tb.Cleanup(ts.Close)
	return &siteEnv{ts: ts, srv: srv, db: db}
}
