package throttle

import (
	"sync"
	"time"
)

// Limiter counts events per key (an address, an account) over a sliding
// window, in memory, and refuses those over a limit. It is safe for
// concurrent use; the zero value is not: use NewLimiter.
type Limiter struct {
	window time.Duration
	now    func() time.Time

	mu   sync.Mutex
	keys *counters
}

// NewLimiter returns a limiter over window remembering at most maxKeys
// keys (the least recently seen are forgotten first); 0 takes
// DefaultMaxKeys.
func NewLimiter(window time.Duration, maxKeys int) *Limiter {
	if maxKeys <= 0 {
		maxKeys = DefaultMaxKeys
	}
	return &Limiter{window: window, now: time.Now, keys: newCounters(maxKeys)}
}

// SetClock makes the limiter read the time from now; tests set it.
func (l *Limiter) SetClock(now func() time.Time) { l.now = now }

// Allow counts one event of key and reports whether it is within limit
// events per window, and if not, how long until one more fits. A refused
// event is not counted. A limit of 0 or less allows everything.
func (l *Limiter) Allow(key string, limit int) (ok bool, retryAfter time.Duration) {
	if limit <= 0 {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	c := l.keys.get(ipKey(key), now, l.window)
	if len(c.failures) >= limit {
		return false, max(c.failures[len(c.failures)-limit].Add(l.window).Sub(now), time.Second)
	}
	c.failures = append(c.failures, now)
	return true, 0
}

// Undo forgets the latest event of key: one allowed but that did not
// happen after all (a registration refused for a taken name).
func (l *Limiter) Undo(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if c, ok := l.keys.m[ipKey(key)]; ok && len(c.failures) > 0 {
		c.failures = c.failures[:len(c.failures)-1]
	}
}
