// Package throttle slows down password guessing: it counts failed logins
// per account and address pair, per address and per account over a
// sliding window, in memory.
package throttle

import (
	"container/list"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/wengao/wengao"
)

// Defaults of a LoginThrottle.
const (
	DefaultAccountLimit = 5  // failures per account and address pair in a window
	DefaultIPLimit      = 20 // failures per address in a window
	// MaxAccountDelay bounds the delay an account's failures from all
	// addresses impose: a guesser slows the owner down, never locks them
	// out.
	MaxAccountDelay = 30 * time.Second
	// accountMemory is how many recent failures of an account are kept
	// beyond the limit, to grow its delay.
	accountMemory  = 16
	DefaultWindow  = 15 * time.Minute
	DefaultMaxKeys = 50000 // accounts and addresses remembered, each
	// pendingTTL is how long an attempt allowed but not yet reported as a
	// success or failure counts against its account and address.
	pendingTTL = time.Minute
)

// LoginThrottle limits failed logins. Each pair of account and address
// may fail accountLimit times in a window, then waits for the window;
// each address ipLimit times, whatever the accounts; and each account,
// from all addresses together, accountLimit times before every further
// attempt waits a delay that doubles with each failure up to
// MaxAccountDelay. So guessing from one address stops, guessing from many
// slows down, and the owner is never locked out of their account. Use it
// around every password check:
//
//	if ok, wait := t.Allow(name, ip); !ok { return throttle.Error(wait) }
//	user, err := users.Authenticate(ctx, name, password)
//	if err != nil { t.Failure(name, ip) } else { t.Success(name, ip) }
//
// Allow counts the attempt as pending until Failure or Success reports its
// outcome, so that a burst of concurrent guesses cannot all pass before the
// first failure is recorded. Accounts are counted by the name as typed,
// whether or not it exists, so throttling tells nothing about which names
// exist. It is safe for concurrent use; the zero value is not: use New.
type LoginThrottle struct {
	accountLimit, ipLimit int
	window                time.Duration
	now                   func() time.Time

	mu       sync.Mutex
	accounts *counters
	pairs    *counters
	ips      *counters
}

// New returns a throttle allowing accountLimit failures per account and
// ipLimit per address within window, remembering at most maxKeys accounts
// and maxKeys addresses (the least recently failing are forgotten first).
// Zero arguments take the defaults.
func New(accountLimit, ipLimit int, window time.Duration, maxKeys int) *LoginThrottle {
	if accountLimit <= 0 {
		accountLimit = DefaultAccountLimit
	}
	if ipLimit <= 0 {
		ipLimit = DefaultIPLimit
	}
	if window <= 0 {
		window = DefaultWindow
	}
	if maxKeys <= 0 {
		maxKeys = DefaultMaxKeys
	}
	return &LoginThrottle{
		accountLimit: accountLimit,
		ipLimit:      ipLimit,
		window:       window,
		now:          time.Now,
		accounts:     newCounters(maxKeys),
		pairs:        newCounters(maxKeys),
		ips:          newCounters(maxKeys),
	}
}

// SetClock makes the throttle read the time from now; tests set it.
func (t *LoginThrottle) SetClock(now func() time.Time) { t.now = now }

// Allow reports whether a login attempt for account from ip may go ahead,
// and if not, how long to wait. An allowed attempt is pending until
// Failure or Success is called (or a minute passes).
func (t *LoginThrottle) Allow(account, ip string) (ok bool, retryAfter time.Duration) {
	account, ip = accountKey(account), ipKey(ip)
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	a := t.accounts.get(account, now, t.window)
	p := t.pairs.get(pairKey(account, ip), now, t.window)
	i := t.ips.get(ip, now, t.window)
	wait := max(a.delay(t.accountLimit, now), p.wait(t.accountLimit, now, t.window), i.wait(t.ipLimit, now, t.window))
	if wait > 0 {
		return false, wait
	}
	a.pending = append(a.pending, now)
	p.pending = append(p.pending, now)
	i.pending = append(i.pending, now)
	return true, 0
}

// pairKey is the key of an account and address pair.
func pairKey(account, ip string) string { return account + "\x00" + ip }

// Failure records a failed login for account from ip.
func (t *LoginThrottle) Failure(account, ip string) {
	account, ip = accountKey(account), ipKey(ip)
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	t.accounts.get(account, now, t.window).fail(now, t.accountLimit+accountMemory)
	t.pairs.get(pairKey(account, ip), now, t.window).fail(now, t.accountLimit)
	t.ips.get(ip, now, t.window).fail(now, t.ipLimit)
}

// Success records a successful login: the account's failures are
// forgiven, the address's are not (one valid account must not reset the
// count of guesses against others).
func (t *LoginThrottle) Success(account, ip string) {
	account, ip = accountKey(account), ipKey(ip)
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	t.accounts.remove(account)
	t.pairs.remove(pairKey(account, ip))
	t.ips.get(ip, now, t.window).done()
}

// cancel settles an attempt allowed that did not happen after all (the
// shared counts refused it), as neither failure nor success.
func (t *LoginThrottle) cancel(account, ip string) {
	account, ip = accountKey(account), ipKey(ip)
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	t.accounts.get(account, now, t.window).done()
	t.pairs.get(pairKey(account, ip), now, t.window).done()
	t.ips.get(ip, now, t.window).done()
}

// Len returns the number of accounts and addresses remembered.
func (t *LoginThrottle) Len() (accounts, ips int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.accounts.m), len(t.ips.m)
}

// Error returns the error to show a throttled login: ETOOMANY with a
// message that says when to try again and nothing about the account.
func Error(retryAfter time.Duration) *wengao.Error {
	minutes := max(1, int((retryAfter+time.Minute-1)/time.Minute))
	return wengao.ErrLoginThrottled(minutes)
}

// accountKey folds the letter case of a username, as accounts do.
func accountKey(account string) string {
	return strings.ToLower(strings.TrimSpace(account))
}

// ipKey returns the address, or its /64 network for IPv6, where one
// client usually holds the whole network.
func ipKey(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	addr = addr.Unmap()
	if addr.Is4() {
		return addr.String()
	}
	p, _ := addr.Prefix(64)
	return fmt.Sprint(p)
}

// counter holds the recent failures and pending attempts of one key.
type counter struct {
	key      string
	failures []time.Time // oldest first, at most limit of them
	pending  []time.Time // oldest first
	elem     *list.Element
}

// prune drops failures older than the window and forgotten attempts.
func (c *counter) prune(now time.Time, window time.Duration) {
	i := 0
	for i < len(c.failures) && now.Sub(c.failures[i]) >= window {
		i++
	}
	c.failures = c.failures[i:]
	i = 0
	for i < len(c.pending) && now.Sub(c.pending[i]) >= pendingTTL {
		i++
	}
	c.pending = c.pending[i:]
}

// wait returns how long until one more attempt fits within limit; 0 if
// one fits now.
func (c *counter) wait(limit int, now time.Time, window time.Duration) time.Duration {
	if len(c.failures)+len(c.pending) < limit {
		return 0
	}
	// The count drops when the oldest failure leaves the window or the
	// oldest pending attempt is settled or forgotten.
	var next time.Time
	if len(c.failures) > 0 {
		next = c.failures[0].Add(window)
	}
	if len(c.pending) > 0 && (next.IsZero() || c.pending[0].Add(pendingTTL).Before(next)) {
		next = c.pending[0].Add(pendingTTL)
	}
	return max(next.Sub(now), time.Second)
}

// delay returns how long until one more attempt of an account may go
// ahead: none below limit failures and pending attempts, then one second
// after the latest, doubling with each one more, up to MaxAccountDelay.
func (c *counter) delay(limit int, now time.Time) time.Duration {
	n := len(c.failures) + len(c.pending)
	if n < limit {
		return 0
	}
	var last time.Time
	if len(c.failures) > 0 {
		last = c.failures[len(c.failures)-1]
	}
	if len(c.pending) > 0 && c.pending[len(c.pending)-1].After(last) {
		last = c.pending[len(c.pending)-1]
	}
	d := MaxAccountDelay
	if shift := n - limit; shift < 10 {
		d = min(time.Second<<shift, MaxAccountDelay)
	}
	if wait := last.Add(d).Sub(now); wait > 0 {
		return wait
	}
	return 0
}

// fail turns the oldest pending attempt, if any, into a failure.
func (c *counter) fail(now time.Time, limit int) {
	c.done()
	c.failures = append(c.failures, now)
	if len(c.failures) > limit {
		c.failures = c.failures[len(c.failures)-limit:]
	}
}

// done settles the oldest pending attempt.
func (c *counter) done() {
	if len(c.pending) > 0 {
		c.pending = c.pending[1:]
	}
}

// counters maps keys to counters, forgetting the least recently used
// beyond a maximum.
type counters struct {
	max   int
	m     map[string]*counter
	order *list.List // of *counter, most recently used first
}

func newCounters(max int) *counters {
	return &counters{max: max, m: map[string]*counter{}, order: list.New()}
}

// get returns the pruned counter of key, creating it when needed.
func (cs *counters) get(key string, now time.Time, window time.Duration) *counter {
	if c, ok := cs.m[key]; ok {
		c.prune(now, window)
		cs.order.MoveToFront(c.elem)
		return c
	}
	for len(cs.m) >= cs.max {
		cs.remove(cs.order.Back().Value.(*counter).key)
	}
	c := &counter{key: key}
	c.elem = cs.order.PushFront(c)
	cs.m[key] = c
	return c
}

func (cs *counters) remove(key string) {
	if c, ok := cs.m[key]; ok {
		cs.order.Remove(c.elem)
		delete(cs.m, key)
	}
}
