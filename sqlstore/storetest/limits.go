package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/throttle"
)

// sharedThrottles returns a shared login throttle on each instance, with
// the default limits (5 per account and address, 20 per address, 15
// minutes) and the fixture's clock.
func sharedThrottles(fs ...*Fixture) []*throttle.Shared {
	var out []*throttle.Shared
	for _, f := range fs {
		local := throttle.New(0, 0, 0, 0)
		local.SetClock(f.Clock.Now)
		sh := throttle.NewShared(local, f.Store)
		sh.Now = f.Clock.Now
		out = append(out, sh)
	}
	return out
}

// guess makes a failed login attempt on th and reports whether it was
// allowed.
func guess(th throttle.LoginGuard, account, ip string) bool {
	ok, _ := th.Allow(account, ip)
	if ok {
		th.Failure(account, ip)
	}
	return ok
}

// testLoginThrottleTwoInstances: guesses spread over two instances are
// limited as guesses at one: five per account and address, twenty per
// address, where each instance alone would allow as many again; and a
// success on one forgives the account on both.
func testLoginThrottleTwoInstances(t *testing.T, open Opener) {
	a := open(t)
	b := a.Reopen(t)
	b.Clock = a.Clock // one time for both
	ths := sharedThrottles(a, b)
	allowed := 0
	for i := range 10 {
		if guess(ths[i%2], "victim", "203.0.113.7") {
			allowed++
		}
	}
	if allowed != throttle.DefaultAccountLimit {
		t.Errorf("%d guesses at one account from one address over two instances allowed, want %d", allowed, throttle.DefaultAccountLimit)
	}
	allowed = 0
	for i := range 2 * throttle.DefaultIPLimit {
		if guess(ths[i%2], fmt.Sprintf("user%d", i), "198.51.100.1") {
			allowed++
		}
	}
	if allowed != throttle.DefaultIPLimit {
		t.Errorf("%d guesses from one address over two instances allowed, want %d", allowed, throttle.DefaultIPLimit)
	}
	// Four failures on A, a success on B: B forgives the account and the
	// pair in the shared counts, so four more failures fit.
	for i := range 4 {
		if !guess(ths[0], "carol", "192.0.2.4") {
			t.Fatalf("carol's failure %d on A refused", i+1)
		}
	}
	if ok, _ := ths[1].Allow("carol", "192.0.2.4"); !ok {
		t.Fatal("carol's fifth attempt, on B, refused")
	}
	ths[1].Success("carol", "192.0.2.4")
	for i := range 4 {
		if !guess(ths[1], "carol", "192.0.2.4") {
			t.Errorf("carol's failure %d on B after her success refused", i+1)
		}
	}
}

// testLimiterTwoInstances: registrations from one address over two
// instances are limited as one; a registration undone gives its count
// back on both.
func testLimiterTwoInstances(t *testing.T, open Opener) {
	a := open(t)
	b := a.Reopen(t)
	var ls []*throttle.SharedLimiter
	for _, f := range []*Fixture{a, b} {
		local := throttle.NewLimiter(time.Hour, 0)
		local.SetClock(a.Clock.Now)
		l := throttle.NewSharedLimiter(local, f.Store, "register:")
		l.Now = a.Clock.Now
		ls = append(ls, l)
	}
	const limit = 3
	var got []bool
	for i := range 6 {
		ok, _ := ls[i%2].Allow("203.0.113.9", limit)
		got = append(got, ok)
	}
	if want := []bool{true, true, true, false, false, false}; !slices.Equal(got, want) {
		t.Errorf("registrations allowed %v, want %v", got, want)
	}
	ls[0].Undo("203.0.113.9")
	if ok, _ := ls[1].Allow("203.0.113.9", limit); !ok {
		t.Error("a registration after one undone on the other instance refused")
	}
	if ok, _ := ls[0].Allow("203.0.113.9", limit); ok {
		t.Error("a fourth registration allowed")
	}
}

// testRateLimitsExpire: counts end with their windows, and the rows of
// expired windows are deleted as new hits come, so the table does not
// grow with keys seen once.
func testRateLimitsExpire(t *testing.T, open Opener) {
	ctx := context.Background()
	f := open(t)
	const window = time.Minute
	for i := range 600 { // more than one pruning deletes
		if _, _, _, err := f.HitRate(ctx, fmt.Sprintf("k%d", i), window, f.Clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	cur, prev, before, err := f.HitRate(ctx, "k0", window, f.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if cur+prev != 2 || before.IsZero() {
		t.Errorf("k0 hit twice: now %d, window before %d, previous hit %v; want two in all and a previous hit", cur, prev, before)
	}
	f.Clock.Advance(3 * window)
	for range 192 { // three prunings
		if _, _, _, err := f.HitRate(ctx, "fresh", window, f.Clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	n, err := f.RawCount(`SELECT COUNT(*) FROM rate_limits`)
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("%d rows after the windows expired, want 1 (the fresh key's)", n)
	}
	cur, prev, _, err = f.HitRate(ctx, "k0", window, f.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if cur != 1 || prev != 0 {
		t.Errorf("k0 after its windows: now %d, before %d; want 1, 0", cur, prev)
	}
	// A key of any length or bytes is stored bounded.
	for _, k := range []string{string(make([]byte, 100_000)), "alice\x00198.51.100.1", "\xff\xfe"} {
		if _, _, _, err := f.HitRate(ctx, k, window, f.Clock.Now()); err != nil {
			t.Fatalf("key %.20q: %v", k, err)
		}
	}
	if n, err := f.RawCount(`SELECT MAX(LENGTH(key)) FROM rate_limits`); err != nil {
		t.Fatal(err)
	} else if n > 128 {
		t.Errorf("a key stored %d bytes long, want at most 128", n)
	}
}

// testVisitorReadsTwoInstances: a visitor counts once per document and
// day across instances, by any of its keys.
func testVisitorReadsTwoInstances(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t)
	b := a.Reopen(t)
	const day = "2026-03-01"
	check := func(s Store, name string, reads []wengao.VisitorRead, want []bool) {
		t.Helper()
		got, err := s.FirstReads(ctx, reads)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: first %v, want %v", name, got, want)
		}
	}
	read := func(doc string, keys ...string) wengao.VisitorRead {
		return wengao.VisitorRead{DocumentID: doc, Day: day, Keys: keys}
	}
	check(a, "x reads d1 on A", []wengao.VisitorRead{read("d1", "c:x")}, []bool{true})
	check(b, "x reads d1 again on B", []wengao.VisitorRead{read("d1", "c:x")}, []bool{false})
	check(b, "x reads d2 on B, y reads d1 on B", []wengao.VisitorRead{read("d2", "c:x"), read("d1", "h:ip", "c:y")}, []bool{true, true})
	check(a, "y's cookie, then a new cookie from y's address, on A", []wengao.VisitorRead{read("d1", "c:y"), read("d1", "h:ip", "c:z")}, []bool{false, false})
	check(b, "z's cookie on B: recorded by the read before", []wengao.VisitorRead{read("d1", "c:z")}, []bool{false})
	check(a, "w twice in one batch", []wengao.VisitorRead{read("d3", "c:w"), read("d3", "c:w")}, []bool{true, false})
	check(a, "x the next day", []wengao.VisitorRead{{DocumentID: "d1", Day: "2026-03-02", Keys: []string{"c:x"}}}, []bool{true})
	_, err := a.FirstReads(ctx, []wengao.VisitorRead{{DocumentID: "d1", Day: "yesterday", Keys: []string{"c:x"}}})
	WantCode(t, err, wengao.EINVALID)
	if n, err := a.RawCount(`SELECT COUNT(*) FROM visitor_reads WHERE visitor = ?`, []byte("c:x")); err != nil {
		t.Fatal(err)
	} else if n != 0 {
		t.Errorf("%d visitor rows hold a key as given, want it hashed", n)
	}
}

// testVisitorReadsPruned: a day's records and salt go once the next day
// is over, as reads of later days come, a bounded number at a time.
func testVisitorReadsPruned(t *testing.T, open Opener) {
	ctx := context.Background()
	f := open(t)
	const n = 2500 // more than one INSERT's rows and one pruning's
	var reads []wengao.VisitorRead
	for i := range n {
		reads = append(reads, wengao.VisitorRead{DocumentID: "d1", Day: "2026-03-01", Keys: []string{fmt.Sprintf("c:%d", i)}})
	}
	first, err := f.FirstReads(ctx, reads)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(slices.DeleteFunc(first, func(b bool) bool { return !b })); got != n {
		t.Fatalf("%d of %d visitors first, want all", got, n)
	}
	count := func(q string) int64 {
		t.Helper()
		c, err := f.RawCount(q)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	readOn := func(day string) {
		t.Helper()
		if _, err := f.FirstReads(ctx, []wengao.VisitorRead{{DocumentID: "d1", Day: day, Keys: []string{"c:0"}}}); err != nil {
			t.Fatal(err)
		}
	}
	const firstDay = `SELECT COUNT(*) FROM visitor_reads WHERE day = '2026-03-01'`
	const firstSalt = `SELECT COUNT(*) FROM read_salts WHERE day = '2026-03-01'`
	// The next day keeps them (a visitor's day may lag by time zone).
	readOn("2026-03-02")
	if got := count(firstDay); got != n {
		t.Errorf("%d records of the first day on the second, want %d", got, n)
	}
	readOn("2026-03-03")
	if got := count(firstDay); got != n-2000 {
		t.Errorf("%d records of the first day after one read on the third, want %d (2,000 pruned at a time)", got, n-2000)
	}
	if got := count(firstSalt); got != 1 {
		t.Errorf("the first day's salt gone while its records are not")
	}
	readOn("2026-03-03")
	if got := count(firstDay); got != 0 {
		t.Errorf("%d records of the first day after two reads on the third, want 0", got)
	}
	if got := count(firstSalt); got != 0 {
		t.Errorf("the first day's salt kept on the third")
	}
}
