package sqlitetest

import (
	"testing"
	"time"

	"github.com/wengao/wengao/sqlite"
	"github.com/wengao/wengao/sqlstore/storetest"
)

// Clock is a clock that tests set and move on, for sqlite.DB.Now and
// http.Server.Now, instead of ageing rows or sleeping.
type Clock = storetest.Clock

// NewClock returns a clock showing t.
func NewClock(t time.Time) *Clock {
	return storetest.NewClock(t)
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
