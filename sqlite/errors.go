package sqlite

import (
	"errors"

	"github.com/wengao/wengao"
	sqlitedriver "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// resultCode returns the primary SQLite result code of err (such as
// SQLITE_ERROR or SQLITE_CONSTRAINT), or -1 when err is
// not an error SQLite returned. Errors are told apart by these codes,
// never by their text.
func resultCode(err error) int {
	var se *sqlitedriver.Error
	if !errors.As(err, &se) {
		return -1
	}
	return se.Code() & 0xff
}

// codeError is SQLITE_ERROR, the code of an SQL error such as an FTS5
// query that does not parse.
const codeError = sqlite3.SQLITE_ERROR

func init() { wengao.RegisterStorageFull(isFull) }

// isFull reports whether err is SQLITE_FULL: a write found the disk full
// (or the database at its max_page_count). The user reads
// wengao.MessageStorageFull and the server answers 503, as for ENOSPC.
func isFull(err error) bool { return resultCode(err) == sqlite3.SQLITE_FULL }
