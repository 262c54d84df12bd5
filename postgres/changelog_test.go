package postgres_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/postgres/pgtest"
)

// TestChangeFeedSurvivesDisconnect: every connection of both instances
// is cut, as a server restart cuts them; B's follower reconnects and
// still tells its subscribers of the change A makes afterwards, within
// two seconds of A's write, and of nothing twice.
func TestChangeFeedSurvivesDisconnect(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	a, b := mustOpen(t, url), mustOpen(t, url)
	b.FollowChanges(0)
	var mu sync.Mutex
	var told []wengao.Change
	b.OnChange(func(c wengao.Change) {
		mu.Lock()
		defer mu.Unlock()
		told = append(told, c)
	})
	n := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(told)
	}
	time.Sleep(100 * time.Millisecond) // the follower notes where the log ends
	if err := rawExec(url, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
	// B's follower fails at least once on its cut connections.
	time.Sleep(600 * time.Millisecond)
	// A's pool may hand out a cut connection once.
	var err error
	for range 3 {
		if err = a.SaveSettings(ctx, wengao.DefaultSettings()); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for n() == 0 && time.Since(start) < 2*time.Second {
		time.Sleep(10 * time.Millisecond)
	}
	if n() == 0 {
		t.Fatalf("B told of nothing %v after A's write", time.Since(start))
	}
	t.Logf("told after %v", time.Since(start))
	time.Sleep(time.Second)
	if got := n(); got != 1 {
		t.Errorf("B told %d changes, want 1: %+v", got, told)
	}
}
