// Package sqlitetest opens SQLite stores for tests: empty, or holding the
// sample library, so that the tests of other packages (search, http) can
// run against a real database.
package sqlitetest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/importer"
	"github.com/wengao/wengao/sample"
	"github.com/wengao/wengao/sqlite"
)

// Open opens a database in a temporary folder, closed at test end.
func Open(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// OpenDir opens the database of the data folder dir (made if missing)
// and fails the test if it cannot. The caller closes it: tests that open
// one folder twice, or hand it to a command, close it when they need to.
func OpenDir(tb testing.TB, dir string) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(dir)
	if err != nil {
		tb.Fatal(err)
	}
	return db
}

var (
	sampleOnce sync.Once
	sampleFile []byte // the database file holding the sample library
	sampleErr  error
)

// OpenSample opens a database holding the sample library. The library is
// imported once per test binary and the database file copied for each
// test.
func OpenSample(tb testing.TB) *sqlite.DB {
	tb.Helper()
	sampleOnce.Do(func() { sampleFile, sampleErr = BuildSampleFile(nil) })
	if sampleErr != nil {
		tb.Fatal(sampleErr)
	}
	return OpenCopy(tb, sampleFile)
}

// OpenCopy opens a copy of the database file data in a temporary folder,
// closed at test end.
func OpenCopy(tb testing.TB, data []byte) *sqlite.DB {
	tb.Helper()
	dir := tb.TempDir()
	if err := os.WriteFile(filepath.Join(dir, sqlite.FileName), data, 0o644); err != nil {
		tb.Fatal(err)
	}
	db, err := sqlite.Open(dir)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// BuildSampleFile imports the sample library into a new database, runs
// more on it (when not nil), and returns the database file: a template
// for OpenCopy.
func BuildSampleFile(more func(*sqlite.DB) error) ([]byte, error) {
	dir, err := os.MkdirTemp("", "wengao-sample-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	db, err := sqlite.Open(dir)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	r, err := sample.JSONL()
	if err != nil {
		return nil, err
	}
	im := &importer.Importer{Service: db}
	sum, err := im.RunJSONL(context.Background(), "sample.jsonl", r)
	if err != nil {
		return nil, err
	}
	if len(sum.Failures) > 0 || sum.Imported == 0 {
		return nil, fmt.Errorf("sample import: %+v", sum)
	}
	if more != nil {
		if err := more(db); err != nil {
			return nil, err
		}
	}
	if err := db.Checkpoint(context.Background()); err != nil {
		return nil, err
	}
	return os.ReadFile(filepath.Join(dir, sqlite.FileName))
}

// SampleDocuments returns the sample library's records as the importer
// gives them to a store.
func SampleDocuments(tb testing.TB) []*wengao.Document {
	tb.Helper()
	r, err := sample.JSONL()
	if err != nil {
		tb.Fatal(err)
	}
	var docs []*wengao.Document
	im := &importer.Importer{Service: &collector{docs: &docs}}
	if _, err := im.RunJSONL(context.Background(), "sample.jsonl", r); err != nil {
		tb.Fatal(err)
	}
	return docs
}

// collector is a DocumentService that only keeps what it is given.
type collector struct {
	wengao.DocumentService
	docs *[]*wengao.Document
}

func (c *collector) SaveDocuments(_ context.Context, docs []*wengao.Document) ([]wengao.ImportResult, error) {
	*c.docs = append(*c.docs, docs...)
	return make([]wengao.ImportResult, len(docs)), nil
}

// FindAll returns the ids of every hit of q, page after page, and fails tb
// unless they add up to the total.
func FindAll(tb testing.TB, svc wengao.SearchService, q string) []string {
	tb.Helper()
	var ids []string
	for page := 1; ; page++ {
		res, err := svc.Search(context.Background(), wengao.SearchRequest{Query: q, Limit: 100, Page: page})
		if err != nil {
			tb.Fatalf("search %q: %v", q, err)
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if len(res.Hits) == 0 || len(ids) >= res.Total {
			if len(ids) != res.Total {
				tb.Fatalf("search %q: total %d but %d hits", q, res.Total, len(ids))
			}
			return ids
		}
	}
}
