package throttle

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wengao/wengao"
)

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func newTestThrottle(accountLimit, ipLimit, maxKeys int) (*LoginThrottle, *clock) {
	c := &clock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	t := New(accountLimit, ipLimit, 15*time.Minute, maxKeys)
	t.now = c.now
	return t, c
}

// guess makes one failed attempt and reports whether it was allowed.
func guess(t *LoginThrottle, account, ip string) bool {
	ok, _ := t.Allow(account, ip)
	if ok {
		t.Failure(account, ip)
	}
	return ok
}

func TestPairLimit(t *testing.T) {
	th, c := newTestThrottle(5, 100, 0)
	for i := range 5 {
		if i > 0 {
			c.add(time.Minute)
		}
		if !guess(th, "alice", "10.0.0.1") {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	// The pair, in any letter case, waits until its oldest failure, four
	// minutes ago, leaves the window.
	ok, wait := th.Allow("ALICE", "10.0.0.1")
	if ok {
		t.Fatal("sixth attempt allowed")
	}
	if wait != 11*time.Minute {
		t.Errorf("retry after %v, want 11m", wait)
	}
	// Other accounts are not refused, and the owner from another address
	// waits a second at most.
	if ok, _ := th.Allow("bob", "10.0.0.1"); !ok {
		t.Error("another account refused")
	}
	c.add(time.Second)
	if ok, _ := th.Allow("alice", "192.0.2.9"); !ok {
		t.Error("the owner from another address refused")
	}
}

func TestAccountDelayGrowsButNeverLocks(t *testing.T) {
	th, c := newTestThrottle(5, 1000, 0)
	var last time.Duration
	for i := range 40 {
		ip := fmt.Sprintf("10.0.%d.%d", i/250, i%250)
		ok, wait := th.Allow("alice", ip)
		if !ok {
			if wait > MaxAccountDelay {
				t.Fatalf("attempt %d: wait %v over %v", i+1, wait, MaxAccountDelay)
			}
			if wait < last && last < MaxAccountDelay {
				t.Errorf("attempt %d: wait %v shrank from %v", i+1, wait, last)
			}
			last = wait
			c.add(wait)
			if ok, _ = th.Allow("alice", ip); !ok {
				t.Fatalf("attempt %d refused after waiting %v", i+1, wait)
			}
		} else if i >= 5 {
			t.Fatalf("attempt %d from a new address allowed without a delay", i+1)
		}
		th.Failure("alice", ip)
	}
	if last != MaxAccountDelay {
		t.Errorf("delay reached %v, want %v", last, MaxAccountDelay)
	}
}

func TestSuccessForgivesAccountNotAddress(t *testing.T) {
	th, _ := newTestThrottle(3, 5, 0)
	for range 2 {
		guess(th, "alice", "10.0.0.1")
	}
	if ok, _ := th.Allow("alice", "10.0.0.1"); !ok {
		t.Fatal("refused")
	}
	th.Success("alice", "10.0.0.1")
	for i := range 2 {
		if !guess(th, "alice", "10.0.0.1") {
			t.Fatalf("attempt %d after success refused", i+1)
		}
	}
	// The address has five failures now and is locked for all accounts.
	if ok, _ := th.Allow("carol", "10.0.0.1"); !ok {
		// 4 failures + 0 pending < 5: one more fits.
		t.Fatal("refused at four failures")
	}
	th.Failure("carol", "10.0.0.1")
	ok, wait := th.Allow("dave", "10.0.0.1")
	if ok {
		t.Errorf("address not locked: ok=%v wait=%v (want not ok)", ok, wait)
	}
	if wait <= 0 {
		t.Errorf("address not locked: ok=%v wait=%v (want not wait <= 0)", ok, wait)
	}
}

func TestIPv6Network(t *testing.T) {
	th, _ := newTestThrottle(100, 2, 0)
	guess(th, "a", "2001:db8::1")
	guess(th, "b", "2001:db8::2")
	if ok, _ := th.Allow("c", "2001:db8::ffff"); ok {
		t.Error("another address of the same /64 allowed")
	}
	if ok, _ := th.Allow("c", "2001:db8:0:1::1"); !ok {
		t.Error("another /64 refused")
	}
}

// TestConcurrentBurst checks that guesses made at once cannot pass before
// the first failure is recorded: pending attempts count.
func TestConcurrentBurst(t *testing.T) {
	th, _ := newTestThrottle(5, 1000, 0)
	var allowed atomic.Int32
	var start, wg sync.WaitGroup
	start.Add(1)
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start.Wait()
			if ok, _ := th.Allow("alice", fmt.Sprintf("10.0.%d.%d", i/250, i%250)); ok {
				allowed.Add(1)
			}
		}()
	}
	start.Done()
	wg.Wait()
	if n := allowed.Load(); n != 5 {
		t.Errorf("%d attempts allowed at once, want 5", n)
	}
}

// TestPendingExpire checks that attempts never settled stop counting.
func TestPendingExpire(t *testing.T) {
	th, c := newTestThrottle(2, 100, 0)
	th.Allow("alice", "10.0.0.1")
	th.Allow("alice", "10.0.0.1")
	ok, wait := th.Allow("alice", "10.0.0.1")
	if ok {
		t.Fatalf("ok=%v wait=%v, want refused for 1m (want not ok)", ok, wait)
	}
	if got := wait; got != time.Minute {
		t.Fatalf("ok=: wait = %v, want %v", got, time.Minute)
	}
	c.add(time.Minute)
	if ok, _ := th.Allow("alice", "10.0.0.1"); !ok {
		t.Error("still refused after pending attempts expired")
	}
}

func TestBoundedMemory(t *testing.T) {
	th, _ := newTestThrottle(5, 5, 100)
	for i := range 1000 {
		guess(th, fmt.Sprintf("user%d", i), fmt.Sprintf("10.0.%d.%d", i/250, i%250))
	}
	{
		a, i := th.Len()
		if a > 100 {
			t.Errorf("remembers %d accounts and %d addresses, want at most 100 each (want not a > 100)", a, i)
		}
		if i > 100 {
			t.Errorf("remembers %d accounts and %d addresses, want at most 100 each (want not i > 100)", a, i)
		}
	}
	// The most recent are kept.
	for range 4 {
		guess(th, "user999", "192.0.2.1")
	}
	if ok, _ := th.Allow("user999", "192.0.2.1"); ok {
		t.Error("recent account forgotten")
	}
}

func TestError(t *testing.T) {
	for _, tt := range []struct {
		wait time.Duration
		want string
	}{
		{time.Second, "登录尝试过于频繁，请 1 分钟后再试。"},
		{15 * time.Minute, "登录尝试过于频繁，请 15 分钟后再试。"},
		{14*time.Minute + time.Second, "登录尝试过于频繁，请 15 分钟后再试。"},
	} {
		err := Error(tt.wait)
		if got := wengao.ErrorCode(err); got != wengao.ETOOMANY {
			t.Errorf("Error(: wengao.ErrorCode(err) = %v, want %v", got, wengao.ETOOMANY)
		}
		if got := err.Message; got != tt.want {
			t.Errorf("Error(: err.Message = %v, want %v", got, tt.want)
		}
	}
}

func TestLimiter(t *testing.T) {
	c := &clock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := NewLimiter(time.Minute, 10)
	l.now = c.now
	for i := range 3 {
		if ok, _ := l.Allow("10.0.0.1", 3); !ok {
			t.Fatalf("event %d refused", i+1)
		}
		c.add(10 * time.Second)
	}
	ok, wait := l.Allow("10.0.0.1", 3)
	if ok {
		t.Fatalf("fourth event: ok=%v wait=%v, want refused for 30s (want not ok)", ok, wait)
	}
	if got := wait; got != 30*time.Second {
		t.Fatalf("fourth event: wait = %v, want %v", got, 30*time.Second)
	}
	if ok, _ := l.Allow("10.0.0.2", 3); !ok {
		t.Error("another key refused")
	}
	c.add(30 * time.Second)
	if ok, _ := l.Allow("10.0.0.1", 3); !ok {
		t.Error("refused after the oldest event left the window")
	}
	if ok, _ := l.Allow("10.0.0.1", 0); !ok {
		t.Error("limit 0 refused")
	}
}
