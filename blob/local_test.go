package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
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

// TestLayout pins the folder layout that backups and operators rely on:
// dir/ab/cd/<key>, with nothing left in the temporary folder.
func TestLayout(t *testing.T) {
	l := newStore(t)
	b := content(2, 70000)
	key, _, err := l.Put(context.Background(), bytes.NewReader(b), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(l.Dir(), key[:2], key[2:4], key)
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("file %s: %v", path, err)
	}
	if !bytes.Equal(got, b) {
		t.Errorf("file %s holds %d bytes, not the content put", path, len(got))
	}
	if tt := temps(t, l); len(tt) != 0 {
		t.Errorf("temporary files left: %v", tt)
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

// TestWalkSkipsStrays: files that are not blobs in their place are not
// listed (the suite in blobtest checks order, stopping and cancelling).
func TestWalkSkipsStrays(t *testing.T) {
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
