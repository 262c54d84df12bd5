package http_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/sqlite"
	"github.com/wengao/wengao/sqlite/sqlitetest"
)

// TestPagesFollowStoreWrites: a write the store commits drops the cached
// pages whoever made it, no handler involved; a write by another process,
// which the server is not told of, shows once the page's lifetime has
// passed on the server's clock.
func TestPagesFollowStoreWrites(t *testing.T) {
	ctx := context.Background()
	e := newSiteEnv(t)
	clock := sqlitetest.NewClock(time.Now())
	e.srv.Now = clock.Now
	c := e.client(t, browserUA)

	mustContain(t, "gov-2 before", c.get("/doc/gov-2", http.StatusOK), "关于做好安全生产检查的通知")
	if err := e.db.SetDocumentStatus(ctx, wengao.Actor{}, "gov-2", wengao.DocHidden, "待核"); err != nil {
		t.Fatal(err)
	}
	if resp, _ := c.do("/doc/gov-2", nil); resp.StatusCode != http.StatusUnavailableForLegalReasons {
		t.Errorf("gov-2 hidden through the store: status %d, want %d", resp.StatusCode, http.StatusUnavailableForLegalReasons)
	}

	mustContain(t, "gov-1 before", c.get("/doc/gov-1", http.StatusOK), "国务院办公厅关于加强安全生产工作的意见")
	other, err := sqlite.OpenFile(e.db.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.SetDocumentStatus(ctx, wengao.Actor{}, "gov-1", wengao.DocHidden, "待核"); err != nil {
		t.Fatal(err)
	}
	if resp, _ := c.do("/doc/gov-1", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("gov-1 hidden by another process, at once: status %d, want %d (the cached page)", resp.StatusCode, http.StatusOK)
	}
	clock.Advance(time.Minute)
	if resp, _ := c.do("/doc/gov-1", nil); resp.StatusCode != http.StatusUnavailableForLegalReasons {
		t.Errorf("gov-1 hidden by another process, a minute later: status %d, want %d", resp.StatusCode, http.StatusUnavailableForLegalReasons)
	}
}
