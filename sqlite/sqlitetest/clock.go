package sqlitetest

import (
	"testing"

	"github.com/wengao/wengao/sqlite"
	"sync"
	"time"
)

// Clock is a clock that tests set and move on, for sqlite.DB.Now and
// http.Server.Now, instead of ageing rows or sleeping.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock showing t.
func NewClock(t time.Time) *Clock {
	return &Clock{now: t}
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// OpenWithClock opens a database as Open does, on a clock starting at
// the current time truncated to the second.
func OpenWithClock(tb testing.TB) (*sqlite.DB, *Clock) {
	tb.Helper()
	db := Open(tb)
	c := NewClock(time.Now().Truncate(time.Second))
	db.Now = c.Now
	return db, c
}
