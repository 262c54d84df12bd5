// Package blob stores files by their content: the key of a file is the
// lowercase hex SHA-256 of its bytes, so the same content is kept once.
// The source files of uploaded documents are kept this way.
package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/wengao/wengao"
)

// Store holds files by the hex sha256 of their content.
type Store interface {
	// Put stores the content read from r (at most max bytes; more is an
	// error with a clear message) and returns its key (lowercase hex
	// sha256) and size. Storing the same content twice keeps one copy
	// and returns the same key.
	Put(ctx context.Context, r io.Reader, max int64) (key string, size int64, err error)
	// Open opens the content of key and returns its size. A key that is
	// not stored gives an error satisfying errors.Is(err, fs.ErrNotExist).
	Open(ctx context.Context, key string) (io.ReadSeekCloser, int64, error)
	// Exists reports whether key is stored.
	Exists(ctx context.Context, key string) (bool, error)
	// Delete removes the content of key; a key that is not stored is not
	// an error.
	Delete(ctx context.Context, key string) error
}

// Lister is a Store whose content can be listed and dated: backups copy
// every file, and the sweep of unreferenced files (wengao blobs gc)
// leaves the young ones alone.
type Lister interface {
	Store
	// Walk calls fn with the key and size of every stored file, in the
	// order of the keys. An error from fn stops the walk and is
	// returned.
	Walk(ctx context.Context, fn func(key string, size int64) error) error
	// ModTime returns when the content of key was last stored: a Put of
	// content already stored renews it. A key that is not stored gives
	// an error satisfying errors.Is(err, fs.ErrNotExist).
	ModTime(ctx context.Context, key string) (time.Time, error)
}

// KeyLen is the length of a key: 64 hex digits.
const KeyLen = 2 * sha256.Size

var (
	// ErrInvalidKey is wrapped by the error for a key that is not 64
	// lowercase hex digits.
	ErrInvalidKey = errors.New("blob: invalid key")
	// ErrTooLarge is wrapped by the error of a Put whose content is
	// over its limit (a *TooLargeError).
	ErrTooLarge = errors.New("blob: content too large")
)

// TooLargeError is the error of a Put whose content is over its limit. It
// satisfies errors.Is(err, ErrTooLarge), and errors.As with a
// *wengao.Error gives ETOOLARGE and a message for the user.
type TooLargeError struct {
	Max int64 // the limit, in bytes
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("blob: content is larger than the limit of %d bytes", e.Max)
}

// Unwrap returns ErrTooLarge and the error for the user.
func (e *TooLargeError) Unwrap() []error {
	return []error{ErrTooLarge, wengao.ErrFileTooLarge(wengao.FormatSize(e.Max))}
}

// UnavailableError is the error of a store that cannot be reached or
// answers that it cannot serve now (a network error, a 5xx answer): it
// wraps the cause, and errors.As with a *wengao.Error gives
// wengao.ErrFilesUnavailable (EUNAVAILABLE, a message for the user).
type UnavailableError struct {
	Err error
}

func (e *UnavailableError) Error() string { return e.Err.Error() }

// Unwrap returns the cause and the error for the user.
func (e *UnavailableError) Unwrap() []error {
	return []error{e.Err, wengao.ErrFilesUnavailable}
}

// ValidKey reports whether key is a well-formed key: exactly 64
// lowercase hex digits.
func ValidKey(key string) bool {
	return len(key) == KeyLen && isLowerHex(key)
}

// isLowerHex reports whether s is made of lowercase hex digits only.
func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// checkKey returns an error wrapping ErrInvalidKey unless key is valid.
func checkKey(key string) error {
	if ValidKey(key) {
		return nil
	}
	const show = 80 // do not echo an arbitrarily long input
	if len(key) > show {
		key = key[:show] + "…"
	}
	return fmt.Errorf("%w %q: want %d lowercase hex digits", ErrInvalidKey, key, KeyLen)
}

// Key returns the key of b.
func Key(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// HashReader reads r to its end and returns the key of its content and
// its size.
func HashReader(r io.Reader) (key string, size int64, err error) {
	h := sha256.New()
	size, err = io.Copy(h, r)
	if err != nil {
		return "", size, err
	}
	return hex.EncodeToString(h.Sum(nil)), size, nil
}

// ctxReader fails its reads once ctx is done, so that a long copy stops.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
