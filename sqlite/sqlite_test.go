package sqlite_test

import (
	"testing"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/sqlite"
	"github.com/wengao/wengao/sqlite/sqlitetest"
)

// MustOpenDB opens a database in a temporary folder, closed at test end.
func MustOpenDB(tb testing.TB) *sqlite.DB {
	tb.Helper()
	return sqlitetest.Open(tb)
}

// MustOpenSampleDB opens a database holding the sample library.
func MustOpenSampleDB(tb testing.TB) *sqlite.DB {
	tb.Helper()
	return sqlitetest.OpenSample(tb)
}

// sampleDocs reads the sample library's records.
func sampleDocs(tb testing.TB) []*wengao.Document {
	tb.Helper()
	return sqlitetest.SampleDocuments(tb)
}
