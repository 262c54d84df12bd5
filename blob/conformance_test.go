package blob_test

import (
	"testing"

	"github.com/wengao/wengao/blob"
	"github.com/wengao/wengao/blob/blobtest"
)

// TestLocalConformance runs the suite every blob store passes (the S3
// store runs it too, in package blob/s3). After each test, whether it put,
// failed, was canceled or raced, no temporary file is left behind.
func TestLocalConformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Lister {
		l, err := blob.NewLocal(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			left, err := blob.TempFiles(l)
			if err != nil {
				t.Fatal(err)
			}
			if len(left) != 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
		return l
	})
}

// BenchmarkLocal measures storing and reading back 1 MB and 20 MB files
// in a local folder; compare BenchmarkS3 in package blob/s3.
func BenchmarkLocal(b *testing.B) {
	blobtest.Benchmark(b, func(b *testing.B) blob.Store {
		l, err := blob.NewLocal(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		return l
	})
}
