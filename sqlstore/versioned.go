package sqlstore

import (
	"sync"
	"time"
)

// versioned caches what a version number guards (the settings, the
// masking rules, the abbreviations): every process or instance reads
// the version at most once per checkEvery and the value only when the
// version moved, so a change made elsewhere applies within checkEvery.
type versioned[T any] struct {
	checkEvery time.Duration

	mu      sync.Mutex
	checked time.Time
	loaded  bool
	version int64
	value   T
}

// get returns the value and its version at now, reading the version
// with readVersion when the last check is checkEvery old, and the value
// with load when the version differs from the one held. load returns the
// version it read the value at, which may have moved on since
// readVersion.
func (c *versioned[T]) get(now time.Time, readVersion func() (int64, error), load func(v int64) (T, int64, error)) (T, int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.loaded && now.Sub(c.checked) < c.checkEvery {
		return c.value, c.version, nil
	}
	v, err := readVersion()
	if err != nil {
		var zero T
		return zero, 0, err
	}
	if !c.loaded || v != c.version {
		value, v, err := load(v)
		if err != nil {
			var zero T
			return zero, 0, err
		}
		c.value, c.version, c.loaded = value, v, true
	}
	c.checked = now
	return c.value, c.version, nil
}

// forget makes the next get read the version: the process's own change
// applies at once.
func (c *versioned[T]) forget() {
	c.mu.Lock()
	c.checked = time.Time{}
	c.mu.Unlock()
}
