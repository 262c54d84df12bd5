package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// Local is a Store in a directory of the local file system. The content
// of key is the file dir/ab/cd/<key>, where ab and cd are the key's first
// two pairs of hex digits.
//
// A Put writes to a temporary file under dir/tmp (the same file system),
// flushes it to disk and renames it into place, so that a blob is either
// complete or absent, even after a crash; a crash leaves at most a
// temporary file, which Clean removes. Concurrent Puts of the same
// content are safe: each renames a complete copy onto the same name.
//
// Deleting a key that a concurrent Put is storing can lose that Put's
// content (the Put found it already stored): callers that delete must
// know that no one is adding the same content at the same time, for
// instance by deleting only keys that their index has long stopped
// referring to.
type Local struct {
	dir string
	tmp string
}

var _ Lister = (*Local)(nil)

// Permissions of what Local creates.
const (
	dirPerm  = 0o750
	filePerm = 0o640
)

// tmpDir is the directory of temporary files, under the store's.
const tmpDir = "tmp"

// TempMaxAge is the age after which Clean removes a temporary file: no
// Put writes to one for that long without its modification time moving.
const TempMaxAge = time.Hour

// NewLocal returns a store in dir, creating the directory if needed.
func NewLocal(dir string) (*Local, error) {
	if dir == "" {
		return nil, errors.New("blob: empty directory name")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	l := &Local{dir: abs, tmp: filepath.Join(abs, tmpDir)}
	if err := os.MkdirAll(l.tmp, dirPerm); err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	return l, nil
}

// Dir returns the store's directory.
func (l *Local) Dir() string { return l.dir }

// String names the store for messages: its directory.
func (l *Local) String() string { return l.dir }

// path returns the file of a valid key.
func (l *Local) path(key string) string {
	return filepath.Join(l.dir, filepath.FromSlash(RelPath(key)))
}

// Put stores the content of r; see Store.
func (l *Local) Put(ctx context.Context, r io.Reader, max int64) (key string, size int64, err error) {
	if max < 0 {
		return "", 0, fmt.Errorf("blob: negative size limit %d", max)
	}
	if err := ctx.Err(); err != nil {
		return "", 0, err
	}
	f, err := os.CreateTemp(l.tmp, "put-*")
	if err != nil {
		return "", 0, fmt.Errorf("blob: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if f != nil {
			f.Close()
		}
		if tmp != "" {
			os.Remove(tmp)
		}
	}()

	limit := max
	if limit < math.MaxInt64 {
		limit++ // one byte more tells a content of exactly max bytes from a larger one
	}
	h := sha256.New()
	size, err = io.Copy(io.MultiWriter(f, h), io.LimitReader(ctxReader{ctx, r}, limit))
	if err != nil {
		if ctx.Err() != nil {
			return "", 0, ctx.Err()
		}
		return "", 0, fmt.Errorf("blob: storing: %w", err)
	}
	if size > max {
		return "", 0, &TooLargeError{Max: max}
	}
	key = hex.EncodeToString(h.Sum(nil))
	final := l.path(key)

	// Already stored (and whole: a file of another size is a damaged
	// copy, which the new one replaces).
	if fi, err := os.Stat(final); err == nil && fi.Mode().IsRegular() && fi.Size() == size {
		// Stored again: young again, so that a sweep of unreferenced
		// files (see ModTime) leaves it to the record about to refer to it.
		now := time.Now()
		os.Chtimes(final, now, now)
		return key, size, nil
	}
	if err := f.Chmod(filePerm); err != nil {
		return "", 0, fmt.Errorf("blob: %w", err)
	}
	if err := f.Sync(); err != nil {
		return "", 0, fmt.Errorf("blob: %w", err)
	}
	err = f.Close()
	f = nil
	if err != nil {
		return "", 0, fmt.Errorf("blob: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return "", 0, err
	}
	if err := l.mkdirs(key); err != nil {
		return "", 0, err
	}
	if err := os.Rename(tmp, final); err != nil {
		// Another Put of the same content may have won, and some
		// systems do not replace a file that is open.
		if fi, serr := os.Stat(final); serr == nil && fi.Size() == size {
			return key, size, nil
		}
		return "", 0, fmt.Errorf("blob: %w", err)
	}
	tmp = ""
	if err := syncDir(filepath.Dir(final)); err != nil {
		return "", 0, fmt.Errorf("blob: %w", err)
	}
	return key, size, nil
}

// mkdirs creates the directories of key's file, flushing to disk each
// parent whose entries changed.
func (l *Local) mkdirs(key string) error {
	parent := l.dir
	for _, name := range []string{key[0:2], key[2:4]} {
		d := filepath.Join(parent, name)
		err := os.Mkdir(d, dirPerm)
		switch {
		case err == nil:
			if err := syncDir(parent); err != nil {
				return fmt.Errorf("blob: %w", err)
			}
		case !errors.Is(err, fs.ErrExist):
			return fmt.Errorf("blob: %w", err)
		}
		parent = d
	}
	return nil
}

// syncDir flushes a directory's entries to disk (a no-op on Windows,
// where directories cannot be opened for that).
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// notFound is the error for a key that is not stored.
func notFound(key string) error {
	return fmt.Errorf("blob %s: %w", key, fs.ErrNotExist)
}

// Open opens the content of key; see Store. The reader is an *os.File.
func (l *Local) Open(ctx context.Context, key string) (io.ReadSeekCloser, int64, error) {
	if err := checkKey(key); err != nil {
		return nil, 0, err
	}
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	f, err := os.Open(l.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, notFound(key)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("blob: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("blob: %w", err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, 0, notFound(key)
	}
	return f, fi.Size(), nil
}

// Exists reports whether key is stored; see Store.
func (l *Local) Exists(ctx context.Context, key string) (bool, error) {
	if err := checkKey(key); err != nil {
		return false, err
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	fi, err := os.Stat(l.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("blob: %w", err)
	}
	return fi.Mode().IsRegular(), nil
}

// Delete removes the content of key; see Store. The emptied directories
// are left in place (a concurrent Put may be about to use them).
func (l *Local) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := os.Remove(l.path(key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob: %w", err)
	}
	return nil
}

// Walk calls fn with the key and size of every stored file, in the order
// of the keys, for backups and verification. It skips whatever in the
// directory is not a blob, and the blobs deleted while it runs. An error
// from fn stops the walk and is returned.
func (l *Local) Walk(ctx context.Context, fn func(key string, size int64) error) error {
	tops, err := readShardDir(l.dir)
	if err != nil {
		return err
	}
	for _, top := range tops {
		subs, err := readShardDir(filepath.Join(l.dir, top))
		if err != nil {
			return err
		}
		for _, sub := range subs {
			dir := filepath.Join(l.dir, top, sub)
			entries, err := os.ReadDir(dir)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return fmt.Errorf("blob: %w", err)
			}
			for _, e := range entries {
				key := e.Name()
				if !e.Type().IsRegular() || !ValidKey(key) || key[0:2] != top || key[2:4] != sub {
					continue
				}
				if err := ctx.Err(); err != nil {
					return err
				}
				fi, err := e.Info()
				if errors.Is(err, fs.ErrNotExist) {
					continue
				}
				if err != nil {
					return fmt.Errorf("blob: %w", err)
				}
				if err := fn(key, fi.Size()); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// ModTime returns when the content of key was last stored. A sweep of
// files no record refers to leaves the young ones alone: their records
// may be about to be written.
func (l *Local) ModTime(ctx context.Context, key string) (time.Time, error) {
	if err := checkKey(key); err != nil {
		return time.Time{}, err
	}
	if err := ctx.Err(); err != nil {
		return time.Time{}, err
	}
	fi, err := os.Stat(l.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return time.Time{}, notFound(key)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("blob: %w", err)
	}
	return fi.ModTime(), nil
}

// readShardDir returns the sorted names of the subdirectories of dir that
// are two lowercase hex digits; a missing dir has none.
func readShardDir(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); e.IsDir() && len(n) == 2 && isLowerHex(n) {
			names = append(names, n)
		}
	}
	return names, nil
}

// Clean removes the temporary files older than TempMaxAge: those of Puts
// that a crash or a kill interrupted. Call it after startup; it is safe
// while Puts run. It returns how many files it removed.
func (l *Local) Clean(ctx context.Context) (int, error) {
	return l.clean(ctx, time.Now().Add(-TempMaxAge))
}

// clean removes the temporary files last modified before cutoff.
func (l *Local) clean(ctx context.Context, cutoff time.Time) (int, error) {
	entries, err := os.ReadDir(l.tmp)
	if err != nil {
		return 0, fmt.Errorf("blob: %w", err)
	}
	removed := 0
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return removed, err
		}
		if !e.Type().IsRegular() {
			continue
		}
		fi, err := e.Info()
		if err != nil || !fi.ModTime().Before(cutoff) {
			continue // gone meanwhile, or recent
		}
		err = os.Remove(filepath.Join(l.tmp, e.Name()))
		switch {
		case err == nil:
			removed++
		case !errors.Is(err, fs.ErrNotExist):
			return removed, fmt.Errorf("blob: %w", err)
		}
	}
	return removed, nil
}
