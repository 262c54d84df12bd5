package throttle

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"
)

// memCounts is Counts in memory, as the store keeps them; while down is
// set every call fails.
type memCounts struct {
	mu   sync.Mutex
	rows map[string]*memRow // by key and window start
	down bool
}

type memRow struct{ count, last, prev int64 }

func (m *memCounts) HitRate(_ context.Context, key string, window time.Duration, now time.Time) (int64, int64, time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.down {
		return 0, 0, time.Time{}, errors.New("connection refused")
	}
	start, secs := windowBounds(now, window)
	id := func(s int64) string { return key + "@" + time.Unix(s, 0).String() }
	r := m.rows[id(start)]
	if r == nil {
		r = &memRow{}
		m.rows[id(start)] = r
	}
	r.count++
	r.prev, r.last = r.last, now.Unix()
	var prev int64
	before := r.prev
	if p := m.rows[id(start-secs)]; p != nil {
		prev = p.count
		if before == 0 {
			before = p.last
		}
	}
	var b time.Time
	if before != 0 {
		b = time.Unix(before, 0)
	}
	return r.count, prev, b, nil
}

func (m *memCounts) UnhitRate(_ context.Context, key string, window time.Duration, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.down {
		return errors.New("connection refused")
	}
	start, _ := windowBounds(now, window)
	if r := m.rows[key+"@"+time.Unix(start, 0).String()]; r != nil && r.count > 0 {
		r.count--
	}
	return nil
}

func (m *memCounts) ForgetRate(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.down {
		return errors.New("connection refused")
	}
	for k := range m.rows {
		if len(k) > len(key) && k[:len(key)+1] == key+"@" {
			delete(m.rows, k)
		}
	}
	return nil
}

func newShared(counts Counts, c *clock) *Shared {
	local := New(0, 0, 0, 0)
	local.now = c.now
	s := NewShared(local, counts)
	s.Now = c.now
	s.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	return s
}

// TestSharedLimitsAsOne: guesses spread over three instances are limited
// as at one, and the shared delay of the account applies from another
// address.
func TestSharedLimitsAsOne(t *testing.T) {
	c := &clock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	counts := &memCounts{rows: map[string]*memRow{}}
	ths := []*Shared{newShared(counts, c), newShared(counts, c), newShared(counts, c)}
	allowed := 0
	for i := range 12 {
		if ok, _ := ths[i%3].Allow("alice", "10.0.0.1"); ok {
			allowed++
			ths[i%3].Failure("alice", "10.0.0.1")
		}
	}
	if allowed != DefaultAccountLimit {
		t.Errorf("%d guesses over three instances allowed, want %d", allowed, DefaultAccountLimit)
	}
	// Five failures of the account: from another address it waits a
	// second after the last, on any instance.
	if ok, wait := ths[1].Allow("alice", "192.0.2.1"); ok || wait != time.Second {
		t.Errorf("the account from another address at once: allowed %t, wait %v; want refused, 1s", ok, wait)
	}
	c.add(time.Second)
	if ok, _ := ths[2].Allow("alice", "192.0.2.1"); !ok {
		t.Error("the account from another address a second later refused")
	}
}

// TestSharedStoreDown: while the store cannot be reached, each
// instance's own throttle decides.
func TestSharedStoreDown(t *testing.T) {
	c := &clock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	counts := &memCounts{rows: map[string]*memRow{}, down: true}
	th := newShared(counts, c)
	allowed := 0
	for range 8 {
		if ok, _ := th.Allow("alice", "10.0.0.1"); ok {
			allowed++
			th.Failure("alice", "10.0.0.1")
		}
	}
	if allowed != DefaultAccountLimit {
		t.Errorf("store down: %d guesses allowed, want the local limit %d", allowed, DefaultAccountLimit)
	}
}
