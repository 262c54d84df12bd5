package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/blob"
	"github.com/wengao/wengao/sqlite/sqlitetest"
)

// TestBlobsGC: wengao blobs gc removes the old files no record refers
// to, keeps referenced and young ones, and with --dry-run removes
// nothing.
func TestBlobsGC(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := sqlitetest.OpenDir(t, dir)
	store, err := blob.NewLocal(filepath.Join(dir, "files"))
	if err != nil {
		t.Fatal(err)
	}
	put := func(s string) string { return mustPut(t, store, s) }
	evidence, orphan, young := put("证据"), put("孤儿文件"), put("刚上传的文件")
	old := time.Now().Add(-2 * time.Hour)
	for _, k := range []string{evidence, orphan} {
		os.Chtimes(filepath.Join(dir, "files", k[:2], k[2:4], k), old, old)
	}
	if err := db.CreateComplaint(ctx, &wengao.Complaint{Kind: wengao.ComplaintOther, Reason: "r", Contact: "c",
		EvidenceFile: &wengao.SourceFile{Key: evidence, Name: "e.pdf", Size: 6}}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	exists := func(k string) bool {
		ok, _ := store.Exists(ctx, k)
		return ok
	}
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"blobs", "gc", "--data", dir, "--dry-run"}, &out, &errOut); err != nil {
		t.Fatal(err, errOut.String())
	}
	if !strings.Contains(out.String(), orphan) {
		t.Errorf("dry run: %s (want strings.Contains(out.String(), orphan))", out.String())
	}
	if strings.Contains(out.String(), evidence) {
		t.Errorf("dry run: %s (want not strings.Contains(out.String(), evidence))", out.String())
	}
	if strings.Contains(out.String(), young) {
		t.Errorf("dry run: %s (want not strings.Contains(out.String(), young))", out.String())
	}
	if !exists(orphan) {
		t.Errorf("dry run: %s (want exists(orphan))", out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"blobs", "gc", "--data", dir}, &out, &errOut); err != nil {
		t.Fatal(err, errOut.String())
	}
	if exists(orphan) {
		t.Errorf("after gc: orphan %v, evidence %v, young %v; want false, true, true (want not exists(orphan))", exists(orphan), exists(evidence), exists(young))
	}
	if !exists(evidence) {
		t.Errorf("after gc: orphan %v, evidence %v, young %v; want false, true, true (want exists(evidence))", exists(orphan), exists(evidence), exists(young))
	}
	if !exists(young) {
		t.Errorf("after gc: orphan %v, evidence %v, young %v; want false, true, true (want exists(young))", exists(orphan), exists(evidence), exists(young))
	}
	if !strings.Contains(out.String(), "removed 1 unreferenced files") {
		t.Errorf("output: %s", out.String())
	}
}

// mustPut stores s in store and returns its key.
func mustPut(t *testing.T, store blob.Store, s string) string {
	t.Helper()
	k, _, err := store.Put(context.Background(), strings.NewReader(s), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
