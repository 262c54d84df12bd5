package blob

import (
	"bytes"
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
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wengao/wengao"
)

func newStore(t *testing.T) *Local {
	t.Helper()
	l, err := NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// content returns n deterministic bytes different for each seed.
func content(seed, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + seed*13 + i/251)
	}
	return b
}

// temps returns the names of the temporary files.
func temps(t *testing.T, l *Local) []string {
	t.Helper()
	entries, err := os.ReadDir(l.tmp)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// keys returns the stored keys, through Walk.
func keys(t *testing.T, l *Local) []string {
	t.Helper()
	var out []string
	if err := l.Walk(context.Background(), func(key string, size int64) error {
		out = append(out, key)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestKey(t *testing.T) {
	const empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	if got := Key(nil); got != empty {
		t.Errorf("Key(nil) = %s", got)
	}
	b := content(1, 100000)
	sum := sha256.Sum256(b)
	want := hex.EncodeToString(sum[:])
	if got := Key(b); got != want {
		t.Errorf("Key = %s, want %s", got, want)
	}
	key, n, err := HashReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("HashReader =: %v", err)
	}
	if got := key; got != want {
		t.Errorf("HashReader =: key = %v, want %v", got, want)
	}
	if got := n; got != int64(len(b)) {
		t.Errorf("HashReader =: n = %v, want %v", got, int64(len(b)))
	}
	if !ValidKey(want) {
		t.Error("a key is not valid")
	}
}

func TestPutOpen(t *testing.T) {
	ctx := context.Background()
	l := newStore(t)
	b := content(2, 70000)
	key, size, err := l.Put(ctx, bytes.NewReader(b), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if got := key; got != Key(b) {
		t.Errorf("Put =: key = %v, want %v", got, Key(b))
	}
	if got := size; got != int64(len(b)) {
		t.Errorf("Put =: size = %v, want %v", got, int64(len(b)))
	}
	// Laid out as dir/ab/cd/<key>.
	path := filepath.Join(l.Dir(), key[:2], key[2:4], key)
	{
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("file %s: %v", path, err)
		}
		if !bytes.Equal(got, b) {
			t.Errorf("file %s: %v (want bytes.Equal(got, b))", path, err)
		}
	}
	rc, n, err := l.Open(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if n != int64(len(b)) {
		t.Errorf("Open size %d", n)
	}
	got, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read back: %v", err)
	}
	if !bytes.Equal(got, b) {
		t.Errorf("read back %d bytes, %v (want bytes.Equal(got, b))", len(got), err)
	}
	if _, err := rc.Seek(1000, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	part := make([]byte, 10)
	{
		_, err := io.ReadFull(rc, part)
		if err != nil {
			t.Fatalf("after Seek: %v", err)
		}
		if !bytes.Equal(part, b[1000:1010]) {
			t.Errorf("after Seek: %v (want bytes.Equal(part, b[1000:1010]))", err)
		}
	}
	{
		ok, err := l.Exists(ctx, key)
		if !ok {
			t.Fatalf("Exists = %v, %v (want ok)", ok, err)
		}
		if err != nil {
			t.Errorf("Exists =: %v", err)
		}
	}
	if tt := temps(t, l); len(tt) != 0 {
		t.Errorf("temporary files left: %v", tt)
	}
}

func TestPutEmpty(t *testing.T) {
	l := newStore(t)
	for _, max := range []int64{0, 10} {
		key, size, err := l.Put(context.Background(), strings.NewReader(""), max)
		if err != nil {
			t.Fatalf("max %d: %v", max, err)
		}
		if got := key; got != Key(nil) {
			t.Errorf("max %d: key = %v, want %v", max, got, Key(nil))
		}
		if got := size; got != 0 {
			t.Errorf("max %d: size = %v, want %v", max, got, 0)
		}
	}
}

func TestPutDedup(t *testing.T) {
	ctx := context.Background()
	l := newStore(t)
	b := content(3, 5000)
	k1, _, err := l.Put(ctx, bytes.NewReader(b), 5000)
	if err != nil {
		t.Fatal(err)
	}
	fi1, _ := os.Stat(l.path(k1))
	k2, _, err := l.Put(ctx, bytes.NewReader(b), 5000)
	if err != nil {
		t.Fatal(err)
	}
	if k1 != k2 {
		t.Errorf("keys differ: %s %s", k1, k2)
	}
	fi2, _ := os.Stat(l.path(k1))
	if !os.SameFile(fi1, fi2) {
		t.Error("the second Put replaced the stored file")
	}
	if got := keys(t, l); !slices.Equal(got, []string{k1}) {
		t.Errorf("stored %v", got)
	}
	if tt := temps(t, l); len(tt) != 0 {
		t.Errorf("temporary files left: %v", tt)
	}
}

func TestPutRepairsDamagedCopy(t *testing.T) {
	ctx := context.Background()
	l := newStore(t)
	b := content(4, 3000)
	key := Key(b)
	if err := os.MkdirAll(filepath.Dir(l.path(key)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(l.path(key), b[:100], 0o644); err != nil { // truncated
		t.Fatal(err)
	}
	if _, _, err := l.Put(ctx, bytes.NewReader(b), 1<<20); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(l.path(key)); !bytes.Equal(got, b) {
		t.Errorf("damaged copy kept (%d bytes)", len(got))
	}
}

func TestPutTooLarge(t *testing.T) {
	ctx := context.Background()
	l := newStore(t)
	b := content(5, 1000)
	{
		_, size, err := l.Put(ctx, bytes.NewReader(b), 1000)
		if err != nil {
			t.Fatalf("exactly at the limit: %v", err)
		}
		if got := size; got != 1000 {
			t.Fatalf("exactly at the limit: size = %v, want %v", got, 1000)
		}
	}
	_, _, err := l.Put(ctx, bytes.NewReader(content(6, 1001)), 1000)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("over the limit: %v", err)
	}
	var tl *TooLargeError
	if !errors.As(err, &tl) {
		t.Errorf("not a *TooLargeError: %v (want errors.As(err, &tl))", err)
	}
	if got := tl.Max; got != 1000 {
		t.Errorf("not a *TooLargeError: tl.Max = %v, want %v", got, 1000)
	}
	if !strings.Contains(err.Error(), "1000 bytes") {
		t.Errorf("message %q does not give the limit", err)
	}
	if got := wengao.ErrorCode(err); got != wengao.ETOOLARGE {
		t.Errorf("domain error: wengao.ErrorCode(err) = %v, want %v", got, wengao.ETOOLARGE)
	}
	if !strings.Contains(wengao.ErrorMessage(err), "大小上限") {
		t.Errorf("domain error: %s %q (want strings.Contains(wengao.ErrorMessage(err), \"大小上限\"))", wengao.ErrorCode(err), wengao.ErrorMessage(err))
	}
	if got := keys(t, l); len(got) != 1 {
		t.Errorf("stored %v", got)
	}
	if tt := temps(t, l); len(tt) != 0 {
		t.Errorf("temporary files left: %v", tt)
	}
	// A large content is cut off after max+1 bytes, not read to its end.
	r := &countingReader{limit: 1 << 30}
	if _, _, err := l.Put(ctx, r, 1<<16); !errors.Is(err, ErrTooLarge) {
		t.Errorf("endless reader: %v", err)
	}
	if r.n > 1<<17 {
		t.Errorf("read %d bytes of an endless reader", r.n)
	}
	if _, _, err := l.Put(ctx, bytes.NewReader(b), math.MaxInt64); err != nil {
		t.Errorf("no limit: %v", err)
	}
	if _, _, err := l.Put(ctx, bytes.NewReader(b), -1); err == nil {
		t.Error("a negative limit is accepted")
	}
}

// countingReader gives zeros up to limit bytes and counts what it gave.
type countingReader struct{ n, limit int64 }

func (c *countingReader) Read(p []byte) (int, error) {
	if c.n >= c.limit {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), c.limit-c.n))
	clear(p[:n])
	c.n += int64(n)
	return n, nil
}

func TestBadKeys(t *testing.T) {
	ctx := context.Background()
	l := newStore(t)
	good := Key([]byte("x"))
	bad := []string{
		"", "../x", "..", "/etc/passwd", "abc", good[:63], good + "0",
		strings.ToUpper(good), "A" + good[1:], "g" + good[1:],
		"../" + good[3:], good[:2] + "/" + good[3:], good[:63] + "\x00",
		good[:62] + "é", " " + good[1:], strings.Repeat(".", 64),
	}
	for _, key := range bad {
		if ValidKey(key) {
			t.Errorf("ValidKey(%q)", key)
		}
		if _, _, err := l.Open(ctx, key); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("Open(%q) = %v", key, err)
		}
		if _, err := l.Exists(ctx, key); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("Exists(%q) = %v", key, err)
		}
		if err := l.Delete(ctx, key); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("Delete(%q) = %v", key, err)
		}
	}
	// The message does not echo a huge key.
	_, _, err := l.Open(ctx, strings.Repeat("z", 10000))
	if len(err.Error()) > 300 {
		t.Errorf("error of %d bytes", len(err.Error()))
	}
}

func TestMissing(t *testing.T) {
	ctx := context.Background()
	l := newStore(t)
	key := Key([]byte("never stored"))
	if _, _, err := l.Open(ctx, key); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open(missing) = %v", err)
	}
	{
		ok, err := l.Exists(ctx, key)
		if ok {
			t.Errorf("Exists(missing) = %v, %v (want not ok)", ok, err)
		}
		if err != nil {
			t.Errorf("Exists(missing) =: %v", err)
		}
	}
}

func TestDelete(t *testing.T) {
	ctx := context.Background()
	l := newStore(t)
	key, _, err := l.Put(ctx, strings.NewReader("删除我"), 100)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 { // the second time it is already gone
		if err := l.Delete(ctx, key); err != nil {
			t.Errorf("Delete #%d: %v", i+1, err)
		}
	}
	if _, _, err := l.Open(ctx, key); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open after Delete: %v", err)
	}
	// Stored again after a Delete.
	{
		k, _, err := l.Put(ctx, strings.NewReader("删除我"), 100)
		if err != nil {
			t.Fatalf("Put after Delete: %v", err)
		}
		if got := k; got != key {
			t.Errorf("Put after Delete: k = %v, want %v", got, key)
		}
	}
	if ok, _ := l.Exists(ctx, key); !ok {
		t.Error("not stored again")
	}
}

// TestConcurrentPutSame stores the same content from many goroutines
// while others read it: every reader sees the whole content or nothing.
func TestConcurrentPutSame(t *testing.T) {
	ctx := context.Background()
	l := newStore(t)
	b := content(7, 1<<20)
	want := Key(b)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for range 16 {
		wg.Go(func() {
			key, size, err := l.Put(ctx, bytes.NewReader(b), 2<<20)
			if err == nil && (key != want || size != int64(len(b))) {
				err = fmt.Errorf("Put = %s, %d", key, size)
			}
			if err != nil {
				errs <- err
			}
		})
		wg.Go(func() {
			rc, n, err := l.Open(ctx, want)
			if errors.Is(err, fs.ErrNotExist) {
				return
			}
			if err != nil {
				errs <- err
				return
			}
			defer rc.Close()
			key, size, err := HashReader(rc)
			if err == nil && (key != want || size != n || n != int64(len(b))) {
				err = fmt.Errorf("read a partial blob: %d of %d bytes", size, n)
			}
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := keys(t, l); !slices.Equal(got, []string{want}) {
		t.Errorf("stored %v", got)
	}
	if tt := temps(t, l); len(tt) != 0 {
		t.Errorf("temporary files left: %v", tt)
	}
}

func TestConcurrentPutDifferent(t *testing.T) {
	ctx := context.Background()
	l := newStore(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var want []string
	for i := range 40 {
		wg.Go(func() {
			key, _, err := l.Put(ctx, bytes.NewReader(content(100+i, 1000+i)), 1<<20)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			want = append(want, key)
			mu.Unlock()
		})
	}
	wg.Wait()
	slices.Sort(want)
	if got := keys(t, l); !slices.Equal(got, want) {
		t.Errorf("Walk gave %d keys, want %d", len(got), len(want))
	}
}

func TestWalk(t *testing.T) {
	ctx := context.Background()
	l := newStore(t)
	sizes := map[string]int64{}
	for i := range 5 {
		key, size, err := l.Put(ctx, bytes.NewReader(content(200+i, 10*i)), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		sizes[key] = size
	}
	// Strays that are not blobs.
	k := Key([]byte("stray"))
	for _, p := range []string{
		"README", "zz/yy/" + k, k[:2] + "/" + k[2:4] + "/notakey",
		k[:2] + "/" + k[2:4] + "/" + k + ".tmp",
		"00/11/" + k, // a key in the wrong directory
		"tmp/" + k,
	} {
		full := filepath.Join(l.Dir(), filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string]int64{}
	var order []string
	if err := l.Walk(ctx, func(key string, size int64) error {
		got[key] = size
		order = append(order, key)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(sizes) {
		t.Errorf("Walk = %v, want %v", got, sizes)
	}
	if !slices.IsSorted(order) {
		t.Error("Walk is not in key order")
	}
	stop := errors.New("stop")
	calls := 0
	err := l.Walk(ctx, func(string, int64) error { calls++; return stop })
	if got := err; got != stop {
		t.Errorf("Walk with an error: err = %v, want %v", got, stop)
	}
	if got := calls; got != 1 {
		t.Errorf("Walk with an error: calls = %v, want %v", got, 1)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := l.Walk(cctx, func(string, int64) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("Walk with a canceled context: %v", err)
	}
}

// TestClean simulates Puts killed midway: their temporary files are
// invisible to readers, and Clean removes them once old.
func TestClean(t *testing.T) {
	ctx := context.Background()
	l := newStore(t)
	partial := content(8, 5000)
	old := filepath.Join(l.tmp, "put-111")
	recent := filepath.Join(l.tmp, "put-222")
	for _, p := range []string{old, recent} {
		if err := os.WriteFile(p, partial, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	past := time.Now().Add(-TempMaxAge - time.Minute)
	if err := os.Chtimes(old, past, past); err != nil {
		t.Fatal(err)
	}
	if ok, _ := l.Exists(ctx, Key(partial)); ok {
		t.Error("a temporary file is visible")
	}
	if got := keys(t, l); len(got) != 0 {
		t.Errorf("Walk lists temporary files: %v", got)
	}
	n, err := l.Clean(ctx)
	if err != nil {
		t.Fatalf("Clean =: %v", err)
	}
	if got := n; got != 1 {
		t.Errorf("Clean =: n = %v, want %v", got, 1)
	}
	if got := temps(t, l); !slices.Equal(got, []string{"put-222"}) {
		t.Errorf("left %v", got)
	}
	{
		n, err := l.Clean(ctx)
		if got := n; got != 0 {
			t.Errorf("second Clean =: n = %v, want %v", got, 0)
		}
		if err != nil {
			t.Errorf("second Clean =: %v", err)
		}
	}
}

// cancelingReader gives n bytes, then cancels the context.
type cancelingReader struct {
	n      int
	cancel func()
}

func (c *cancelingReader) Read(p []byte) (int, error) {
	if c.n <= 0 {
		c.cancel()
		clear(p)
		return len(p), nil
	}
	n := min(len(p), c.n)
	clear(p[:n])
	c.n -= n
	return n, nil
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestPutFailures(t *testing.T) {
	l := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	_, _, err := l.Put(ctx, &cancelingReader{n: 100000, cancel: cancel}, 1<<30)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("canceled Put: %v", err)
	}
	if _, _, err := l.Put(ctx, strings.NewReader("x"), 10); !errors.Is(err, context.Canceled) {
		t.Errorf("Put with a canceled context: %v", err)
	}
	_, _, err = l.Put(context.Background(), io.MultiReader(strings.NewReader("abc"), errReader{}), 100)
	if err == nil {
		t.Fatalf("failing reader: err is nil")
	}
	if !strings.Contains(err.Error(), "connection reset") {
		t.Errorf("failing reader: %v (want strings.Contains(err.Error(), \"connection reset\"))", err)
	}
	if got := keys(t, l); len(got) != 0 {
		t.Errorf("stored %v", got)
	}
	if tt := temps(t, l); len(tt) != 0 {
		t.Errorf("temporary files left: %v", tt)
	}
}

func TestNewLocal(t *testing.T) {
	if _, err := NewLocal(""); err == nil {
		t.Error("NewLocal(\"\") works")
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := NewLocal(file); err == nil {
		t.Error("NewLocal(a file) works")
	}
	// Reopening a store finds its content.
	dir := filepath.Join(t.TempDir(), "a", "b")
	l1, err := NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := l1.Put(context.Background(), strings.NewReader("持久"), 100)
	if err != nil {
		t.Fatal(err)
	}
	l2, err := NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := l2.Exists(context.Background(), key); !ok {
		t.Error("content lost on reopening")
	}
}

func BenchmarkPut(b *testing.B) {
	l, err := NewLocal(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	data := content(9, 1<<20)
	b.SetBytes(int64(len(data)))
	i := 0
	for b.Loop() {
		data[0], data[1] = byte(i), byte(i>>8) // new content each time
		i++
		if _, _, err := l.Put(context.Background(), bytes.NewReader(data), 2<<20); err != nil {
			b.Fatal(err)
		}
	}
}
