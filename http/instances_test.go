package http_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/wengao/wengao"
	wengaohttp "github.com/wengao/wengao/http"
	"github.com/wengao/wengao/http/web"
	"github.com/wengao/wengao/sqlite"
)

// instance is one of several servers on one library.
type instance struct {
	ts  *httptest.Server
	srv *wengaohttp.Server
	db  *sqlite.DB
}

// newInstances returns two servers, each with a store of its own on the
// library of newSiteEnv, wired as several instances are: following the
// change log, login and registration limits and read dedupe shared.
func newInstances(t *testing.T) (a, b *instance) {
	t.Helper()
	e := newSiteEnv(t)
	var out []*instance
	for range 2 {
		db, err := sqlite.OpenFile(e.db.Path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		db.FollowChanges(0)
		svc := wengaohttp.AllServices(t, db)
		svc.Reads = db
		srv := wengaohttp.MustNewServer(t, svc)
		srv.Counter = web.NewReadCounter(db)
		srv.Counter.Visitors = db
		srv.ShareLimits(db)
		srv.Settings.PreviewRule = wengao.PreviewRule{Percent: 100, MaxChars: 1 << 20}
		ts := httptest.NewServer(srv)
		t.Cleanup(ts.Close)
		out = append(out, &instance{ts: ts, srv: srv, db: db})
	}
	return out[0], out[1]
}

// at returns a client making the same browser's requests to another
// instance: the same cookies.
func (c *client) at(in *instance) *client {
	other := *c
	other.base = in.ts.URL
	return &other
}

// TestInstancesPagesFollowChanges: a document hidden through one
// instance is hidden on the other within two seconds, though the other
// cached its page (without the change log it would serve that for up to
// the page's lifetime).
func TestInstancesPagesFollowChanges(t *testing.T) {
	ctx := context.Background()
	a, b := newInstances(t)
	cb := (&siteEnv{ts: b.ts}).client(t, browserUA)
	mustContain(t, "gov-1 on B before", cb.get("/doc/gov-1", http.StatusOK), "国务院办公厅关于加强安全生产工作的意见")
	if err := a.db.SetDocumentStatus(ctx, wengao.Actor{}, "gov-1", wengao.DocHidden, "待核"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for {
		resp, _ := cb.do("/doc/gov-1", nil)
		if resp.StatusCode == http.StatusUnavailableForLegalReasons {
			t.Logf("hidden on B %v after A's write", time.Since(start))
			break
		}
		if time.Since(start) > 2*time.Second {
			t.Fatalf("gov-1 hidden on A: B's status %d after %v, want %d", resp.StatusCode, time.Since(start), http.StatusUnavailableForLegalReasons)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestInstancesReadOnce: a visitor reading a document on both instances
// counts once; another visitor counts too.
func TestInstancesReadOnce(t *testing.T) {
	ctx := context.Background()
	a, b := newInstances(t)
	ca := (&siteEnv{ts: a.ts}).client(t, browserUA)
	ca.get("/doc/gov-2", http.StatusOK)
	ca.at(b).get("/doc/gov-2", http.StatusOK)
	ca.at(b).get("/doc/gov-2", http.StatusOK)
	other := (&siteEnv{ts: b.ts}).client(t, browserUA+" other")
	other.get("/doc/gov-2", http.StatusOK)
	for _, in := range []*instance{a, b} {
		if err := in.srv.Counter.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	top, err := a.db.TopDocuments(ctx, wengao.RankFilter{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var got int64
	for _, d := range top {
		if d.ID == "gov-2" {
			got = d.Reads
		}
	}
	if got != 2 {
		t.Errorf("gov-2 read by two visitors, one of them on both instances: %d reads, want 2", got)
	}
	if n := b.srv.Counter.Unsaved("gov-2"); n != 0 {
		t.Errorf("B's unsaved reads of gov-2 after its flush: %d, want 0", n)
	}
}

// TestInstancesLoginThrottled: wrong passwords sent to two instances in
// turn are throttled as if sent to one: five, then 429.
func TestInstancesLoginThrottled(t *testing.T) {
	a, b := newInstances(t)
	c := jarClient(t)
	if st := call(t, c, "POST", a.ts.URL+"/api/v1/auth/register", `{"username":"wang","password":"correct horse battery"}`, nil); st != 201 {
		t.Fatalf("register: %d", st)
	}
	codes := map[int]int{}
	for i := range 10 {
		base := []string{a.ts.URL, b.ts.URL}[i%2]
		codes[call(t, c, "POST", base+"/api/v1/auth/login", `{"username":"wang","password":"wrong password"}`, nil)]++
	}
	if got := fmt.Sprint(codes); got != "map[401:5 429:5]" {
		t.Errorf("ten wrong passwords over two instances: %s, want map[401:5 429:5]", got)
	}
}
