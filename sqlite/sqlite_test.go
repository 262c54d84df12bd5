package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/wengao/wengao/importer"
	"github.com/wengao/wengao/sample"
	"github.com/wengao/wengao/sqlite"
)

// MustOpenDB opens a database in a temporary folder, closed at test end.
func MustOpenDB(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

var (
	sampleOnce sync.Once
	sampleDir  string
	sampleErr  error
)

// MustOpenSampleDB opens a database holding the sample library. The library
// is imported once per test binary and its file copied for each test.
func MustOpenSampleDB(tb testing.TB) *sqlite.DB {
	tb.Helper()
	sampleOnce.Do(func() {
		sampleDir, sampleErr = os.MkdirTemp("", "wengao-sample-")
		if sampleErr != nil {
			return
		}
		db, err := sqlite.Open(sampleDir)
		if err != nil {
			sampleErr = err
			return
		}
		defer db.Close()
		r, err := sample.JSONL()
		if err != nil {
			sampleErr = err
			return
		}
		im := &importer.Importer{Service: db}
		sum, err := im.RunJSONL(context.Background(), "sample.jsonl", r)
		if err != nil {
			sampleErr = err
			return
		}
		if len(sum.Failures) > 0 || sum.Imported == 0 {
			sampleErr = fmt.Errorf("sample import: %+v", sum)
			return
		}
		sampleErr = db.Checkpoint(context.Background())
	})
	if sampleErr != nil {
		tb.Fatal(sampleErr)
	}
	dir := tb.TempDir()
	buf, err := os.ReadFile(filepath.Join(sampleDir, sqlite.FileName))
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, sqlite.FileName), buf, 0o644); err != nil {
		tb.Fatal(err)
	}
	db, err := sqlite.Open(dir)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sampleDir != "" {
		os.RemoveAll(sampleDir)
	}
	os.Exit(code)
}
