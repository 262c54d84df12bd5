package throttle

import (
	"context"
	"log/slog"
	"time"
)

// Counts keeps event counts that the instances of one library share, in
// fixed windows: the store (sqlstore.Store) implements it.
type Counts interface {
	// HitRate counts one event of key at now in the fixed window of
	// length window it falls in, and returns the events of key in that
	// window (this one included) and in the window before, and the time
	// of the key's event before this one (zero when none).
	HitRate(ctx context.Context, key string, window time.Duration, now time.Time) (cur, prev int64, before time.Time, err error)
	// UnhitRate takes back one event of key counted at now.
	UnhitRate(ctx context.Context, key string, window time.Duration, now time.Time) error
	// ForgetRate removes every count of key.
	ForgetRate(ctx context.Context, key string) error
}

// LoginGuard is what a login handler asks before and tells after a
// password check: LoginThrottle (one instance) and Shared (several) are
// LoginGuards.
type LoginGuard interface {
	Allow(account, ip string) (ok bool, retryAfter time.Duration)
	Failure(account, ip string)
	Success(account, ip string)
}

var (
	_ LoginGuard = (*LoginThrottle)(nil)
	_ LoginGuard = (*Shared)(nil)
)

// storeTimeout bounds each call to the shared counts: a login does not
// hang on a stuck database.
const storeTimeout = 2 * time.Second

// estimate returns the events of a sliding window ending at now, from
// the fixed window now falls in (cur) and the one before (prev): prev
// weighs by the part of it still inside the sliding window.
func estimate(cur, prev int64, now time.Time, window time.Duration) float64 {
	start, secs := windowBounds(now, window)
	into := float64(now.Unix()-start) / float64(secs)
	return float64(cur) + float64(prev)*(1-into)
}

// windowBounds returns the start of the fixed window now falls in, in
// Unix seconds, and its length in seconds, as the store counts them.
func windowBounds(now time.Time, window time.Duration) (start, secs int64) {
	secs = max(int64(window/time.Second), 1)
	u := now.Unix()
	return u - u%secs, secs
}

// untilWindowEnds returns how long until the fixed window now falls in
// ends, at least a second.
func untilWindowEnds(now time.Time, window time.Duration) time.Duration {
	start, secs := windowBounds(now, window)
	return max(time.Unix(start+secs, 0).Sub(now), time.Second)
}

// Shared is a login throttle whose counts all instances share: the same
// limits as LoginThrottle (per account and address pair, per address,
// and a growing delay per account), counted in the store, so that
// guesses spread over N instances are limited as guesses at one.
//
// Each instance keeps its LoginThrottle in front: an attempt it refuses
// costs the store nothing, so a flood from one address stays in memory.
// An attempt is counted in the store when allowed (three atomic
// upserts), and taken back when refused; a success forgives the account
// as LoginThrottle does. The store's windows are fixed, weighed into a
// sliding estimate: a burst straddling two windows counts about as in
// one.
//
// When the store cannot be reached the attempt is allowed on the local
// throttle's word alone (and logged): the password check needs the same
// database, so nothing is guessed meanwhile.
type Shared struct {
	// Local is the instance's own throttle, asked first.
	Local *LoginThrottle
	// Counts are the shared counts.
	Counts Counts
	// Now returns the current time; tests set it.
	Now func() time.Time
	// Logger logs the store's errors.
	Logger *slog.Logger
}

// NewShared returns a throttle counting in counts, in front of local.
func NewShared(local *LoginThrottle, counts Counts) *Shared {
	return &Shared{Local: local, Counts: counts, Now: time.Now, Logger: slog.Default()}
}

// Keys in the shared counts.
func sharedKeys(account, ip string) (a, p, i string) {
	account, ip = accountKey(account), ipKey(ip)
	return "login:a:" + account, "login:p:" + pairKey(account, ip), "login:i:" + ip
}

// Allow reports whether a login attempt for account from ip may go
// ahead, and if not, how long to wait.
func (s *Shared) Allow(account, ip string) (bool, time.Duration) {
	if ok, wait := s.Local.Allow(account, ip); !ok {
		return false, wait
	}
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	now, l := s.Now(), s.Local
	aKey, pKey, iKey := sharedKeys(account, ip)
	var counted []string
	undo := func() {
		for _, k := range counted {
			if err := s.Counts.UnhitRate(ctx, k, l.window, now); err != nil {
				s.Logger.Error("shared login throttle", "err", err)
			}
		}
		s.Local.cancel(account, ip)
	}
	var wait time.Duration
	for _, k := range []string{pKey, iKey, aKey} {
		cur, prev, before, err := s.Counts.HitRate(ctx, k, l.window, now)
		if err != nil {
			s.Logger.Error("shared login throttle", "err", err)
			return true, 0
		}
		counted = append(counted, k)
		n := estimate(cur, prev, now, l.window)
		switch k {
		case pKey:
			if n > float64(l.accountLimit) {
				wait = max(wait, untilWindowEnds(now, l.window))
			}
		case iKey:
			if n > float64(l.ipLimit) {
				wait = max(wait, untilWindowEnds(now, l.window))
			}
		case aKey:
			wait = max(wait, accountDelay(int(n)-1, l.accountLimit, before, now))
		}
		if wait > 0 {
			undo()
			return false, wait
		}
	}
	return true, 0
}

// accountDelay is LoginThrottle's delay of an account with n attempts
// in the window, the latest at last.
func accountDelay(n, limit int, last, now time.Time) time.Duration {
	if n < limit || last.IsZero() {
		return 0
	}
	d := MaxAccountDelay
	if shift := n - limit; shift < 10 {
		d = min(time.Second<<shift, MaxAccountDelay)
	}
	return max(last.Add(d).Sub(now), 0)
}

// Failure records a failed login: the attempt counted by Allow stays
// counted.
func (s *Shared) Failure(account, ip string) {
	s.Local.Failure(account, ip)
}

// Success records a successful login: the account's counts are
// forgiven everywhere, the address's attempt is taken back.
func (s *Shared) Success(account, ip string) {
	s.Local.Success(account, ip)
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	aKey, pKey, iKey := sharedKeys(account, ip)
	err := s.Counts.ForgetRate(ctx, aKey)
	if err == nil {
		err = s.Counts.ForgetRate(ctx, pKey)
	}
	if err == nil {
		err = s.Counts.UnhitRate(ctx, iKey, s.Local.window, s.Now())
	}
	if err != nil {
		s.Logger.Error("shared login throttle", "err", err)
	}
}

// SharedLimiter is a Limiter whose counts all instances share, with the
// instance's own Limiter in front: an event refused locally costs the
// store nothing. When the store cannot be reached the local limit alone
// applies.
type SharedLimiter struct {
	Local  *Limiter
	Counts Counts
	// Prefix sets the limiter's keys apart from others' in Counts.
	Prefix string
	Now    func() time.Time
	Logger *slog.Logger
}

// NewSharedLimiter returns a limiter counting in counts under prefix, in
// front of local.
func NewSharedLimiter(local *Limiter, counts Counts, prefix string) *SharedLimiter {
	return &SharedLimiter{Local: local, Counts: counts, Prefix: prefix, Now: time.Now, Logger: slog.Default()}
}

// Allow counts one event of key and reports whether it is within limit
// events per window across the instances, and if not, how long until
// one more fits. A refused event is not counted. A limit of 0 or less
// allows everything.
func (l *SharedLimiter) Allow(key string, limit int) (bool, time.Duration) {
	if limit <= 0 {
		return true, 0
	}
	if ok, wait := l.Local.Allow(key, limit); !ok {
		return false, wait
	}
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	now, k := l.Now(), l.Prefix+ipKey(key)
	cur, prev, _, err := l.Counts.HitRate(ctx, k, l.Local.window, now)
	if err != nil {
		l.Logger.Error("shared rate limit", "err", err)
		return true, 0
	}
	if estimate(cur, prev, now, l.Local.window) <= float64(limit) {
		return true, 0
	}
	if err := l.Counts.UnhitRate(ctx, k, l.Local.window, now); err != nil {
		l.Logger.Error("shared rate limit", "err", err)
	}
	l.Local.Undo(key)
	return false, untilWindowEnds(now, l.Local.window)
}

// Undo forgets the latest event of key.
func (l *SharedLimiter) Undo(key string) {
	l.Local.Undo(key)
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	if err := l.Counts.UnhitRate(ctx, l.Prefix+ipKey(key), l.Local.window, l.Now()); err != nil {
		l.Logger.Error("shared rate limit", "err", err)
	}
}
