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
	svc := wengaohttp.AllServices(tb, db)
	svc.Reads = db
	srv := wengaohttp.MustNewServer(tb, svc)
	srv.Counter = web.NewReadCounter(db)
	srv.Attribution = sample.Attribution()
	srv.Logger = discardLogger
	ts := httptest.NewServer(srv)
	tb.Cleanup(ts.Close)
	return &siteEnv{ts: ts, srv: srv, db: db}
}
