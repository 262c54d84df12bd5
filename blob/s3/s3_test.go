package s3

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/wengao/wengao/blob"
	"github.com/wengao/wengao/blob/blobtest"
	"github.com/wengao/wengao/sharedtest"
)

// testServer returns the test S3 server (see sharedtest.S3) and a client
// of it.
func testServer(tb testing.TB) (sharedtest.S3Server, *minio.Client) {
	tb.Helper()
	srv := sharedtest.S3(tb)
	c, err := minio.New(srv.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(srv.AccessKey, srv.SecretKey, "")})
	if err != nil {
		tb.Fatal(err)
	}
	return srv, c
}

// testBucket is the bucket the tests share, each under a prefix of its
// own: SeaweedFS gives every bucket volumes of its own, so a bucket per
// test would cost much more.
const testBucket = "wengao-test"

// newBucket returns a location of its own for tb: the test bucket
// (made if missing) under a new prefix, emptied at the end of tb. prefix,
// when not empty, is added under it.
func newBucket(tb testing.TB, prefix string) (*Location, Credentials, *minio.Client) {
	tb.Helper()
	srv, c := testServer(tb)
	ctx := context.Background()
	if ok, err := c.BucketExists(ctx, testBucket); err != nil {
		tb.Fatalf("bucket %s: %v", testBucket, err)
	} else if !ok {
		err := c.MakeBucket(ctx, testBucket, minio.MakeBucketOptions{})
		if code := minio.ToErrorResponse(err).Code; err != nil && code != "BucketAlreadyOwnedByYou" && code != "BucketAlreadyExists" {
			tb.Fatalf("make bucket %s: %v", testBucket, err)
		}
	}
	var b [6]byte
	rand.Read(b[:])
	top := "t" + hex.EncodeToString(b[:]) + "/"
	tb.Cleanup(func() {
		for obj := range c.ListObjects(ctx, testBucket, minio.ListObjectsOptions{Prefix: top, Recursive: true}) {
			if obj.Err == nil {
				c.RemoveObject(ctx, testBucket, obj.Key, minio.RemoveObjectOptions{})
			}
		}
	})
	loc := &Location{Bucket: testBucket, Prefix: top + prefix, Endpoint: srv.Endpoint}
	return loc, Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey}, c
}

// newStore returns a store in a new bucket.
func newStore(tb testing.TB, prefix string) (*Store, *minio.Client) {
	tb.Helper()
	loc, cred, c := newBucket(tb, prefix)
	s, err := Open(context.Background(), loc, cred)
	if err != nil {
		tb.Fatal(err)
	}
	s.tmpDir = tb.TempDir() // to see that Puts leave no file behind
	return s, c
}

func TestConformance(t *testing.T) {
	for _, prefix := range []string{"", "wengao/files/"} {
		t.Run("prefix="+prefix, func(t *testing.T) {
			blobtest.Run(t, func(t *testing.T) blob.Lister {
				s, _ := newStore(t, prefix)
				t.Cleanup(func() {
					if left, _ := readDirNames(s.tmpDir); len(left) > 0 {
						t.Errorf("temporary files left: %v", left)
					}
				})
				return s
			})
		})
	}
}

// TestWalkSkipsOtherObjects checks that objects outside the prefix, or
// whose names are not keys, are neither listed nor taken for files.
func TestWalkSkipsOtherObjects(t *testing.T) {
	ctx := context.Background()
	s, c := newStore(t, "files/")
	key, _, err := s.Put(ctx, strings.NewReader("正文"), 100)
	if err != nil {
		t.Fatal(err)
	}
	top := strings.TrimSuffix(s.loc.Prefix, "files/")
	for _, name := range []string{"other/" + key, key, "files/notakey", "files/" + key + ".bak", "files/x/" + key, "filesx/" + key} {
		if _, err := c.PutObject(ctx, s.loc.Bucket, top+name, strings.NewReader("x"), 1, minio.PutObjectOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	if err := s.Walk(ctx, func(k string, size int64) error {
		got = append(got, fmt.Sprintf("%s:%d", k, size))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := key + ":" + fmt.Sprint(len("正文"))
	if len(got) != 1 || got[0] != want {
		t.Errorf("Walk = %v, want [%s]", got, want)
	}
}

// TestWrongSecret checks that the server checks signatures and that the
// refusal reads as one.
func TestWrongSecret(t *testing.T) {
	loc, cred, _ := newBucket(t, "")
	cred.SecretAccessKey += "x"
	_, err := Open(context.Background(), loc, cred)
	if err == nil {
		t.Fatal("Open with a wrong secret works: the server does not check signatures")
	}
	msg := err.Error()
	for _, want := range []string{loc.Bucket, loc.Endpoint, "refused access", "AWS_SECRET_ACCESS_KEY"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not say %q", msg, want)
		}
	}
	if strings.Contains(msg, "<") {
		t.Errorf("error %q holds XML", msg)
	}

	// A store opened with the right secret, then used with a wrong one.
	cred.SecretAccessKey = strings.TrimSuffix(cred.SecretAccessKey, "x")
	s, err := Open(context.Background(), loc, cred)
	if err != nil {
		t.Fatal(err)
	}
	bad, _ := minio.New(loc.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(cred.AccessKeyID, "wrong", ""), MaxRetries: 1})
	s.client = bad
	if _, _, err := s.Put(context.Background(), strings.NewReader("x"), 10); err == nil || !strings.Contains(err.Error(), "refused access") {
		t.Errorf("Put with a wrong secret: %v, want a refusal", err)
	}
}

func TestMissingBucket(t *testing.T) {
	srv, _ := testServer(t)
	loc := &Location{Bucket: "wengao-no-such-bucket", Endpoint: srv.Endpoint}
	_, err := Open(context.Background(), loc, Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey})
	if err == nil {
		t.Fatal("Open of a missing bucket works")
	}
	want := `bucket "wengao-no-such-bucket" does not exist at ` + srv.Endpoint
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q, want it to say %q", err, want)
	}
}

func TestUnreachable(t *testing.T) {
	loc := &Location{Bucket: "wengao", Endpoint: "127.0.0.1:1"}
	_, err := Open(context.Background(), loc, Credentials{AccessKeyID: "a", SecretAccessKey: "b"})
	if err == nil {
		t.Fatal("Open of an unreachable endpoint works")
	}
	for _, want := range []string{"cannot reach the server", "127.0.0.1:1", `"wengao"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

func TestOpenMissingObject(t *testing.T) {
	s, _ := newStore(t, "")
	_, _, err := s.Open(context.Background(), blob.Key([]byte("none")))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open(missing) = %v, want fs.ErrNotExist", err)
	}
}

// BenchmarkS3 measures storing and reading back 1 MB and 20 MB files in
// the test S3 server; compare BenchmarkLocal in package blob.
func BenchmarkS3(b *testing.B) {
	blobtest.Benchmark(b, func(b *testing.B) blob.Store {
		s, _ := newStore(b, "")
		return s
	})
}
