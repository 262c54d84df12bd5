// Package blobtest is the conformance suite of blob stores: what every
// blob.Lister must do, run by the tests of each implementation (the
// local folder and S3) against a new, empty store.
package blobtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/blob"
)

// Run runs the suite; newStore returns a new, empty store for each test.
func Run(t *testing.T, newStore func(t *testing.T) blob.Lister) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s blob.Lister)
	}{
		{"PutOpen", testPutOpen},
		{"PutEmpty", testPutEmpty},
		{"PutDedup", testPutDedup},
		{"PutLarge", testPutLarge},
		{"PutTooLarge", testPutTooLarge},
		{"PutFailures", testPutFailures},
		{"BadKeys", testBadKeys},
		{"Missing", testMissing},
		{"Delete", testDelete},
		{"Walk", testWalk},
		{"ModTimeRenewed", testModTimeRenewed},
		{"ConcurrentPutSame", testConcurrentPutSame},
		{"ConcurrentPutDifferent", testConcurrentPutDifferent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newStore(t)) })
	}
}

// Content returns n deterministic bytes, different for each seed.
func Content(seed, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + seed*13 + i/251)
	}
	return b
}

// keys returns the stored keys, through Walk.
func keys(t *testing.T, s blob.Lister) []string {
	t.Helper()
	var out []string
	if err := s.Walk(context.Background(), func(key string, size int64) error {
		out = append(out, key)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// readAll opens key and returns its content and the size Open gave.
func readAll(t *testing.T, s blob.Lister, key string) ([]byte, int64) {
	t.Helper()
	rc, n, err := s.Open(context.Background(), key)
	if err != nil {
		t.Fatalf("Open(%s): %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	return b, n
}

func testPutOpen(t *testing.T, s blob.Lister) {
	ctx := context.Background()
	b := Content(2, 70000)
	key, size, err := s.Put(ctx, bytes.NewReader(b), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if key != blob.Key(b) {
		t.Errorf("Put key = %s, want %s", key, blob.Key(b))
	}
	if size != int64(len(b)) {
		t.Errorf("Put size = %d, want %d", size, len(b))
	}
	rc, n, err := s.Open(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if n != int64(len(b)) {
		t.Errorf("Open size = %d, want %d", n, len(b))
	}
	got, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, b) {
		t.Errorf("read back %d bytes that differ from the %d stored", len(got), len(b))
	}
	// Seeking, as http.ServeContent does for a range.
	if end, err := rc.Seek(0, io.SeekEnd); err != nil || end != int64(len(b)) {
		t.Errorf("Seek(0, end) = %d, %v; want %d", end, err, len(b))
	}
	if _, err := rc.Seek(1000, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	part := make([]byte, 10)
	if _, err := io.ReadFull(rc, part); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(part, b[1000:1010]) {
		t.Errorf("after Seek(1000): % x, want % x", part, b[1000:1010])
	}
	if ok, err := s.Exists(ctx, key); !ok || err != nil {
		t.Errorf("Exists = %v, %v; want true", ok, err)
	}
	if mt, err := s.ModTime(ctx, key); err != nil || mt.IsZero() {
		t.Errorf("ModTime = %v, %v", mt, err)
	}
}

func testPutEmpty(t *testing.T, s blob.Lister) {
	for _, max := range []int64{0, 10} {
		key, size, err := s.Put(context.Background(), strings.NewReader(""), max)
		if err != nil {
			t.Fatalf("max %d: Put(empty): %v", max, err)
		}
		if key != blob.Key(nil) || size != 0 {
			t.Errorf("max %d: Put(empty) = %s, %d; want %s, 0", max, key, size, blob.Key(nil))
		}
	}
	if got, _ := readAll(t, s, blob.Key(nil)); len(got) != 0 {
		t.Errorf("read %d bytes of the empty file", len(got))
	}
}

func testPutDedup(t *testing.T, s blob.Lister) {
	ctx := context.Background()
	b := Content(3, 5000)
	k1, _, err := s.Put(ctx, bytes.NewReader(b), 5000)
	if err != nil {
		t.Fatal(err)
	}
	k2, _, err := s.Put(ctx, bytes.NewReader(b), 5000)
	if err != nil {
		t.Fatal(err)
	}
	if k1 != k2 {
		t.Errorf("keys differ: %s, %s", k1, k2)
	}
	if got := keys(t, s); !slices.Equal(got, []string{k1}) {
		t.Errorf("stored %v, want [%s]", got, k1)
	}
	if got, _ := readAll(t, s, k1); !bytes.Equal(got, b) {
		t.Error("content changed by the second Put")
	}
}

// testPutLarge stores a file large enough for a multipart upload.
func testPutLarge(t *testing.T, s blob.Lister) {
	b := Content(4, 17<<20)
	key, size, err := s.Put(context.Background(), bytes.NewReader(b), 20<<20)
	if err != nil {
		t.Fatal(err)
	}
	if key != blob.Key(b) || size != int64(len(b)) {
		t.Errorf("Put = %s, %d; want %s, %d", key, size, blob.Key(b), len(b))
	}
	rc, n, err := s.Open(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	gotKey, gotSize, err := blob.HashReader(rc)
	if err != nil {
		t.Fatal(err)
	}
	if gotKey != key || gotSize != n || n != int64(len(b)) {
		t.Errorf("read back %s, %d bytes (Open said %d); want %s, %d", gotKey, gotSize, n, key, len(b))
	}
}

func testPutTooLarge(t *testing.T, s blob.Lister) {
	ctx := context.Background()
	b := Content(5, 1000)
	if _, size, err := s.Put(ctx, bytes.NewReader(b), 1000); err != nil || size != 1000 {
		t.Fatalf("exactly at the limit: %d, %v", size, err)
	}
	_, _, err := s.Put(ctx, bytes.NewReader(Content(6, 1001)), 1000)
	if !errors.Is(err, blob.ErrTooLarge) {
		t.Fatalf("over the limit: %v, want ErrTooLarge", err)
	}
	var tl *blob.TooLargeError
	if !errors.As(err, &tl) || tl.Max != 1000 {
		t.Errorf("not a *TooLargeError of 1000: %v", err)
	}
	if got := wengao.ErrorCode(err); got != wengao.ETOOLARGE {
		t.Errorf("error code %s, want %s", got, wengao.ETOOLARGE)
	}
	if got := keys(t, s); !slices.Equal(got, []string{blob.Key(b)}) {
		t.Errorf("stored %v, want only the file at the limit", got)
	}
	// A large content is cut off after max+1 bytes, not read to its end.
	r := &countingReader{limit: 1 << 30}
	if _, _, err := s.Put(ctx, r, 1<<16); !errors.Is(err, blob.ErrTooLarge) {
		t.Errorf("endless reader: %v, want ErrTooLarge", err)
	}
	if r.n > 1<<17 {
		t.Errorf("read %d bytes of an endless reader, want at most %d", r.n, 1<<17)
	}
	if _, _, err := s.Put(ctx, bytes.NewReader(b), math.MaxInt64); err != nil {
		t.Errorf("no limit: %v", err)
	}
	if _, _, err := s.Put(ctx, bytes.NewReader(b), -1); err == nil {
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

func testPutFailures(t *testing.T, s blob.Lister) {
	ctx, cancel := context.WithCancel(context.Background())
	_, _, err := s.Put(ctx, &cancelingReader{n: 100000, cancel: cancel}, 1<<30)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("canceled Put: %v, want context.Canceled", err)
	}
	if _, _, err := s.Put(ctx, strings.NewReader("x"), 10); !errors.Is(err, context.Canceled) {
		t.Errorf("Put with a canceled context: %v, want context.Canceled", err)
	}
	_, _, err = s.Put(context.Background(), io.MultiReader(strings.NewReader("abc"), errReader{}), 100)
	if err == nil || !strings.Contains(err.Error(), "connection reset") {
		t.Errorf("failing reader: %v, want the reader's error", err)
	}
	if got := keys(t, s); len(got) != 0 {
		t.Errorf("stored %v, want nothing", got)
	}
}

func testBadKeys(t *testing.T, s blob.Lister) {
	ctx := context.Background()
	good := blob.Key([]byte("x"))
	bad := []string{
		"", "../x", "..", "/etc/passwd", "abc", good[:63], good + "0",
		strings.ToUpper(good), "A" + good[1:], "g" + good[1:],
		"../" + good[3:], good[:2] + "/" + good[3:], good[:63] + "\x00",
		good[:62] + "é", " " + good[1:], strings.Repeat(".", 64),
	}
	for _, key := range bad {
		if _, _, err := s.Open(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Open(%q) = %v, want ErrInvalidKey", key, err)
		}
		if _, err := s.Exists(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Exists(%q) = %v, want ErrInvalidKey", key, err)
		}
		if err := s.Delete(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Delete(%q) = %v, want ErrInvalidKey", key, err)
		}
		if _, err := s.ModTime(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("ModTime(%q) = %v, want ErrInvalidKey", key, err)
		}
	}
	// The message does not echo a huge key.
	_, _, err := s.Open(ctx, strings.Repeat("z", 10000))
	if len(err.Error()) > 300 {
		t.Errorf("error of %d bytes, want at most 300", len(err.Error()))
	}
}

func testMissing(t *testing.T, s blob.Lister) {
	ctx := context.Background()
	key := blob.Key([]byte("never stored"))
	if _, _, err := s.Open(ctx, key); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open(missing) = %v, want fs.ErrNotExist", err)
	}
	if ok, err := s.Exists(ctx, key); ok || err != nil {
		t.Errorf("Exists(missing) = %v, %v; want false, nil", ok, err)
	}
	if _, err := s.ModTime(ctx, key); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ModTime(missing) = %v, want fs.ErrNotExist", err)
	}
}

func testDelete(t *testing.T, s blob.Lister) {
	ctx := context.Background()
	key, _, err := s.Put(ctx, strings.NewReader("删除我"), 100)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 { // the second time it is already gone
		if err := s.Delete(ctx, key); err != nil {
			t.Errorf("Delete #%d: %v", i+1, err)
		}
	}
	if _, _, err := s.Open(ctx, key); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open after Delete: %v, want fs.ErrNotExist", err)
	}
	if k, _, err := s.Put(ctx, strings.NewReader("删除我"), 100); err != nil || k != key {
		t.Errorf("Put after Delete = %s, %v; want %s", k, err, key)
	}
	if ok, _ := s.Exists(ctx, key); !ok {
		t.Error("not stored again after a Delete")
	}
}

func testWalk(t *testing.T, s blob.Lister) {
	ctx := context.Background()
	want := map[string]int64{}
	for i := range 5 {
		key, size, err := s.Put(ctx, bytes.NewReader(Content(200+i, 10*i)), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		want[key] = size
	}
	got := map[string]int64{}
	var order []string
	if err := s.Walk(ctx, func(key string, size int64) error {
		got[key] = size
		order = append(order, key)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Walk = %v, want %v", got, want)
	}
	if !slices.IsSorted(order) {
		t.Errorf("Walk is not in key order: %v", order)
	}
	stop := errors.New("stop")
	calls := 0
	err := s.Walk(ctx, func(string, int64) error { calls++; return stop })
	if err != stop || calls != 1 {
		t.Errorf("Walk with an error: %v after %d calls, want stop after 1", err, calls)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.Walk(cctx, func(string, int64) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("Walk with a canceled context: %v, want context.Canceled", err)
	}
}

// testModTimeRenewed checks that storing content again renews its
// modification time: the sweep of unreferenced files spares young files,
// whose records may be about to be written.
func testModTimeRenewed(t *testing.T, s blob.Lister) {
	ctx := context.Background()
	b := Content(9, 3000)
	key, _, err := s.Put(ctx, bytes.NewReader(b), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	first, err := s.ModTime(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // S3 dates objects to the second
	if _, _, err := s.Put(ctx, bytes.NewReader(b), 1<<20); err != nil {
		t.Fatal(err)
	}
	second, err := s.ModTime(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if !second.After(first) {
		t.Errorf("ModTime after storing again = %v, want after %v", second, first)
	}
	if got, _ := readAll(t, s, key); !bytes.Equal(got, b) {
		t.Error("content changed by storing it again")
	}
}

// testConcurrentPutSame stores the same content from many goroutines
// while others read it: every reader sees the whole content or nothing.
func testConcurrentPutSame(t *testing.T, s blob.Lister) {
	ctx := context.Background()
	b := Content(7, 1<<20)
	want := blob.Key(b)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for range 8 {
		wg.Go(func() {
			key, size, err := s.Put(ctx, bytes.NewReader(b), 2<<20)
			if err == nil && (key != want || size != int64(len(b))) {
				err = fmt.Errorf("put gave %s, %d; want %s, %d", key, size, want, len(b))
			}
			if err != nil {
				errs <- err
			}
		})
		wg.Go(func() {
			rc, n, err := s.Open(ctx, want)
			if errors.Is(err, fs.ErrNotExist) {
				return
			}
			if err != nil {
				errs <- err
				return
			}
			defer rc.Close()
			key, size, err := blob.HashReader(rc)
			if err == nil && (key != want || size != n || n != int64(len(b))) {
				err = fmt.Errorf("read a partial file: %d of %d bytes", size, n)
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
	if got := keys(t, s); !slices.Equal(got, []string{want}) {
		t.Errorf("stored %v, want [%s]", got, want)
	}
}

func testConcurrentPutDifferent(t *testing.T, s blob.Lister) {
	ctx := context.Background()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var want []string
	for i := range 20 {
		wg.Go(func() {
			key, _, err := s.Put(ctx, bytes.NewReader(Content(100+i, 1000+i)), 1<<20)
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
	if got := keys(t, s); !slices.Equal(got, want) {
		t.Errorf("Walk gave %d keys, want %d", len(got), len(want))
	}
}

// Benchmark measures Put and Open-and-read of files of 1 MB and 20 MB,
// each size in a new store.
func Benchmark(b *testing.B, newStore func(b *testing.B) blob.Store) {
	for _, size := range []int{1 << 20, 20 << 20} {
		b.Run(fmt.Sprintf("%dMB", size>>20), func(b *testing.B) {
			benchmark(b, newStore(b), size)
		})
	}
}

// benchmark measures Put and Open-and-read of a file of size bytes.
func benchmark(b *testing.B, s blob.Store, size int) {
	ctx := context.Background()
	data := Content(11, size)
	// A first write outside the timing: SeaweedFS, for one, allocates a
	// new bucket's volumes on it, for seconds.
	if _, _, err := s.Put(ctx, strings.NewReader("warm-up"), 100); err != nil {
		b.Fatal(err)
	}
	b.Run("Put", func(b *testing.B) {
		b.SetBytes(int64(size))
		i := 0
		for b.Loop() {
			data[0], data[1], data[2] = byte(i), byte(i>>8), byte(i>>16) // new content each time
			i++
			if _, _, err := s.Put(ctx, bytes.NewReader(data), int64(size)); err != nil {
				b.Fatal(err)
			}
		}
	})
	key, _, err := s.Put(ctx, bytes.NewReader(data), int64(size))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("Get", func(b *testing.B) {
		b.SetBytes(int64(size))
		for b.Loop() {
			rc, _, err := s.Open(ctx, key)
			if err != nil {
				b.Fatal(err)
			}
			n, err := io.Copy(io.Discard, rc)
			rc.Close()
			if err != nil || n != int64(size) {
				b.Fatalf("read %d bytes, %v", n, err)
			}
		}
	})
}
