package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/wengao/wengao"
	"github.com/wengao/wengao/backup"
	"github.com/wengao/wengao/blob/s3"
	"github.com/wengao/wengao/sharedtest"
	"github.com/wengao/wengao/sqlite/sqlitetest"
)

// s3Bucket is the test server's bucket that these tests share, each
// under a prefix of its own.
const s3Bucket = "wengao-test"

// testBlobURL returns the URL of a new, empty place in the test S3
// server's bucket, with the server's credentials in the environment for
// the rest of t.
func testBlobURL(t *testing.T) string {
	t.Helper()
	srv := sharedtest.S3(t)
	t.Setenv("AWS_ACCESS_KEY_ID", srv.AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", srv.SecretKey)
	t.Setenv("AWS_SESSION_TOKEN", "")
	c, err := minio.New(srv.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(srv.AccessKey, srv.SecretKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if ok, err := c.BucketExists(ctx, s3Bucket); err != nil {
		t.Fatal(err)
	} else if !ok {
		err := c.MakeBucket(ctx, s3Bucket, minio.MakeBucketOptions{})
		if code := minio.ToErrorResponse(err).Code; err != nil && code != "BucketAlreadyOwnedByYou" && code != "BucketAlreadyExists" {
			t.Fatal(err)
		}
	}
	var b [6]byte
	rand.Read(b[:])
	prefix := "cmd" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		for obj := range c.ListObjects(ctx, s3Bucket, minio.ListObjectsOptions{Prefix: prefix + "/", Recursive: true}) {
			if obj.Err == nil {
				c.RemoveObject(ctx, s3Bucket, obj.Key, minio.RemoveObjectOptions{})
			}
		}
	})
	return fmt.Sprintf("s3://%s/%s?endpoint=%s&secure=false", s3Bucket, prefix, srv.Endpoint)
}

// TestFilesInS3 runs the commands that use the stored files with --blob
// (and WENGAO_BLOB) naming an S3 bucket: blobs gc, backup and restore.
func TestFilesInS3(t *testing.T) {
	ctx := context.Background()
	blobURL := testBlobURL(t)
	store, err := s3.OpenURL(ctx, blobURL, os.LookupEnv)
	if err != nil {
		t.Fatal(err)
	}
	put := func(s string) string { return mustPut(t, store, s) }
	evidence, orphan := put("证据"), put("孤儿文件")
	dir := t.TempDir()
	db := sqlitetest.OpenDir(t, dir)
	if err := db.CreateComplaint(ctx, &wengao.Complaint{Kind: wengao.ComplaintOther, Reason: "r", Contact: "c",
		EvidenceFile: &wengao.SourceFile{Key: evidence, Name: "e.pdf", Size: int64(len("证据"))}}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	exists := func(k string) bool {
		t.Helper()
		ok, err := store.Exists(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}

	// blobs gc: S3 dates objects itself, so a grace of 0 makes both old.
	out, err := runCLI(t, "blobs", "gc", "--data", dir, "--blob", blobURL, "--grace", "0s")
	if err != nil {
		t.Fatalf("blobs gc: %v\n%s", err, out)
	}
	if exists(orphan) {
		t.Error("blobs gc left the unreferenced file in the bucket")
	}
	if !exists(evidence) {
		t.Error("blobs gc removed the complaint's evidence from the bucket")
	}
	if want := "removed 1 unreferenced files"; !strings.Contains(out, want) {
		t.Errorf("blobs gc output %q, want %q", out, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "files")); err == nil {
		t.Error("blobs gc with --blob made a files folder")
	}

	// backup reads the files from the bucket, named by WENGAO_BLOB.
	t.Setenv("WENGAO_BLOB", blobURL)
	file := filepath.Join(t.TempDir(), "b.tar.gz")
	if out, err := runCLI(t, "backup", "--data", dir, "--to", file); err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	m := readManifest(t, file)
	if m.Files != 1 || len(m.Members) != 2 || m.Members[1].SHA256 != evidence {
		t.Errorf("backup holds %d files, members %+v; want the evidence %s", m.Files, m.Members, evidence)
	}

	// restore puts them in another place of the bucket.
	other := testBlobURL(t)
	restored := filepath.Join(t.TempDir(), "restored")
	if out, err := runCLI(t, "restore", "--data", restored, "--blob", other, file); err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	store2, err := s3.OpenURL(ctx, other, os.LookupEnv)
	if err != nil {
		t.Fatal(err)
	}
	rc, n, err := store2.Open(ctx, evidence)
	if err != nil {
		t.Fatalf("the restored bucket lacks the evidence: %v", err)
	}
	var got bytes.Buffer
	got.ReadFrom(rc)
	rc.Close()
	if got.String() != "证据" || n != int64(len("证据")) {
		t.Errorf("restored evidence %q (%d bytes), want %q", got.String(), n, "证据")
	}
	if _, err := os.Stat(filepath.Join(restored, "files")); err == nil {
		t.Error("restore with --blob made a files folder")
	}
}

// readManifest returns the manifest of a .tar.gz backup.
func readManifest(t *testing.T, file string) *backup.Manifest {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	if _, err := tr.Next(); err != nil {
		t.Fatal(err)
	}
	var m backup.Manifest
	if err := json.NewDecoder(tr).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return &m
}

// TestServeWithS3 starts wengao serve on a bucket, and checks that a wrong
// secret or a missing bucket stops it with a message that says so.
func TestServeWithS3(t *testing.T) {
	blobURL := testBlobURL(t)
	dir := t.TempDir()
	serve := func() (string, error) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var out, logs syncBuffer
		done := make(chan error, 1)
		go func() {
			done <- run(ctx, []string{"serve", "--data", dir, "--seed=false", "--addr", "127.0.0.1:0", "--blob", blobURL}, &out, &logs)
		}()
		deadline := time.After(time.Minute)
		for !strings.Contains(out.String(), "wengao is serving at") {
			select {
			case err := <-done:
				return logs.String(), err // done: the logs are flushed
			case <-deadline:
				t.Fatalf("wengao serve did not start:\n%s", logs.String())
			case <-time.After(20 * time.Millisecond):
			}
		}
		cancel()
		err := <-done // before reading the logs, which the end flushes
		return logs.String(), err
	}
	logs, err := serve()
	if err != nil {
		t.Fatalf("serve: %v\n%s", err, logs)
	}
	if !strings.Contains(logs, s3Bucket) {
		t.Errorf("the log does not name the bucket %s:\n%s", s3Bucket, logs)
	}

	t.Setenv("AWS_SECRET_ACCESS_KEY", "wrong-secret")
	_, err = serve()
	if err == nil || !strings.Contains(err.Error(), "refused access") || !strings.Contains(err.Error(), s3Bucket) {
		t.Errorf("serve with a wrong secret: %v, want a refusal naming the bucket", err)
	}
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	if _, err = serve(); err == nil || !strings.Contains(err.Error(), "AWS_SECRET_ACCESS_KEY") {
		t.Errorf("serve without a secret: %v, want a message naming AWS_SECRET_ACCESS_KEY", err)
	}
	if _, err := runCLI(t, "serve", "--data", dir, "--blob", "s3://wengao-x?endpont=a"); err == nil || !strings.Contains(err.Error(), `unknown parameter "endpont"`) {
		t.Errorf("serve with a misspelt blob URL: %v", err)
	}
}
