package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"
	"time"
	"unicode/utf8"
)

// Rate limits shared by the instances of one library (package throttle's
// Shared and SharedLimiter count through these): events of a key counted
// in fixed windows in rate_limits, each count raised by one atomic
// upsert, so that attempts spread over N instances are limited as one.
// A row expires two windows after its own began (the next window still
// weighs it); every rateLimitPruneEvery-th hit of a Store deletes up to
// rateLimitPruneBatch expired rows, so the table holds about the keys
// of the last two windows whatever the rate of new keys: each hit adds
// at most one row and the pruning removes up to eight per hit.

const (
	rateLimitPruneEvery = 64
	rateLimitPruneBatch = 512
	// rateKeyMax bounds a key as stored; longer ones (a typed account
	// name of any length) are stored as their SHA-256, as are those
	// PostgreSQL's TEXT cannot hold (NUL, bytes that are not UTF-8).
	rateKeyMax = 128
)

// rateKey returns key as stored.
func rateKey(key string) string {
	if len(key) <= rateKeyMax && utf8.ValidString(key) && !strings.ContainsRune(key, 0) {
		return key
	}
	sum := sha256.Sum256([]byte(key))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// windowStart returns the start, in Unix seconds, of the window of
// length window (whole seconds, at least one) that now falls in.
func windowStart(now time.Time, window time.Duration) (start, secs int64) {
	secs = max(int64(window/time.Second), 1)
	u := now.Unix()
	return u - u%secs, secs
}

// HitRate counts one event of key at now in the fixed window of length
// window it falls in, and returns the events of key in that window (this
// one included) and in the window before, and the time of the key's
// event before this one (zero when there was none in either window).
// Instances counting the same key at once each see a different count.
func (s *Store) HitRate(ctx context.Context, key string, window time.Duration, now time.Time) (cur, prev int64, before time.Time, err error) {
	key = rateKey(key)
	start, secs := windowStart(now, window)
	if s.rateHits.Add(1)%rateLimitPruneEvery == 0 {
		if err := s.pruneRates(ctx, now); err != nil {
			return 0, 0, time.Time{}, err
		}
	}
	var beforeAt int64
	if err := s.WritePool().QueryRowContext(ctx, `INSERT INTO rate_limits (key, window_start, count, last_at, prev_at, expires_at)
		VALUES (?, ?, 1, ?, 0, ?)
		ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + 1, prev_at = rate_limits.last_at, last_at = excluded.last_at
		RETURNING count, prev_at`, key, start, now.Unix(), start+2*secs).Scan(&cur, &beforeAt); err != nil {
		return 0, 0, time.Time{}, err
	}
	var prevLast int64
	if err := s.read.QueryRowContext(ctx, `SELECT count, last_at FROM rate_limits WHERE key = ? AND window_start = ?`, key, start-secs).Scan(&prev, &prevLast); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, 0, time.Time{}, err
	}
	if beforeAt == 0 {
		beforeAt = prevLast
	}
	if beforeAt != 0 {
		before = time.Unix(beforeAt, 0)
	}
	return cur, prev, before, nil
}

// UnhitRate takes back one event of key counted at now by HitRate with
// the same window: one refused, or allowed but that did not happen.
func (s *Store) UnhitRate(ctx context.Context, key string, window time.Duration, now time.Time) error {
	start, _ := windowStart(now, window)
	_, err := s.WritePool().ExecContext(ctx, `UPDATE rate_limits SET count = count - 1 WHERE key = ? AND window_start = ? AND count > 0`, rateKey(key), start)
	return err
}

// ForgetRate removes every count of key.
func (s *Store) ForgetRate(ctx context.Context, key string) error {
	_, err := s.WritePool().ExecContext(ctx, `DELETE FROM rate_limits WHERE key = ?`, rateKey(key))
	return err
}

// pruneRates deletes up to rateLimitPruneBatch rows expired at now.
func (s *Store) pruneRates(ctx context.Context, now time.Time) error {
	var found int
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM rate_limits WHERE expires_at < ? LIMIT 1) AS old`, now.Unix()).Scan(&found); err != nil || found == 0 {
		return err
	}
	_, err := deleteFirst(ctx, s.WritePool(), "rate_limits", "expires_at, key, window_start", "expires_at < ?", []any{now.Unix()}, rateLimitPruneBatch)
	return err
}
