package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/sqlstore"
	sqlitedriver "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect is SQLite's sqlstore.Dialect: ? placeholders, and write
// transactions serialised by the single writer connection.
type dialect struct{}

func (dialect) Name() string                        { return "sqlite" }
func (dialect) Placeholders() sqlstore.Placeholders { return sqlstore.QuestionMarks }

// BeginWrite begins a transaction on the writer pool, which has one
// connection and begins with BEGIN IMMEDIATE (_txlock=immediate): one
// write transaction at a time in this process, and SQLite's write lock
// (waited for up to busy_timeout) against other processes.
func (dialect) BeginWrite(ctx context.Context, db *sql.DB) (*sql.Tx, error) {
	return db.BeginTx(ctx, nil)
}

func (dialect) IsUniqueViolation(err error) bool {
	c := extendedCode(err)
	return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

func (dialect) IsForeignKeyViolation(err error) bool {
	return extendedCode(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

func (dialect) Indexed(table, index string) string {
	if index == "" {
		return table + ` NOT INDEXED`
	}
	return table + ` INDEXED BY ` + index
}

// TopCategory is the expression of the index documents_top_date.
func (dialect) TopCategory(col string) string {
	return `substr(` + col + `, 1, instr(` + col + ` || '/', '/') - 1)`
}

// extendedCode returns the extended SQLite result code of err, or -1.
func extendedCode(err error) int {
	var se *sqlitedriver.Error
	if !errors.As(err, &se) {
		return -1
	}
	return se.Code()
}

// The account side lives in package sqlstore, shared with PostgreSQL;
// these are the names this package's own writes (documents, uploads,
// complaints, the console) use it by.

type (
	rowScanner = sqlstore.RowScanner
	queryer    = sqlstore.Queryer
)

const userColumns = sqlstore.UserColumns

func collect[T any](rows *sql.Rows, scan func(rowScanner) (*T, error)) ([]T, error) {
	return sqlstore.Collect(rows, scan)
}

func pageBounds(page, limit int) (offset, n int, err error) {
	return sqlstore.PageBounds(page, limit)
}

func scanUser(row rowScanner, extra ...any) (*wengao.User, error) {
	return sqlstore.ScanUser(row, extra...)
}

func findUser(ctx context.Context, q queryer, where string, args ...any) (*wengao.User, error) {
	return sqlstore.FindUser(ctx, q, where, args...)
}

func actorRole(ctx context.Context, q queryer, actor wengao.Actor) (string, error) {
	return sqlstore.ActorRole(ctx, q, actor)
}

func appendEntry(ctx context.Context, tx *Tx, e *wengao.LedgerEntry) error {
	return sqlstore.AppendEntry(ctx, tx.Tx, e, false)
}

func appendEntryTo(ctx context.Context, tx *Tx, e *wengao.LedgerEntry, mayGoNegative bool) error {
	return sqlstore.AppendEntry(ctx, tx.Tx, e, mayGoNegative)
}

func auditTx(ctx context.Context, tx *Tx) error {
	return sqlstore.AuditTx(ctx, tx.Tx)
}

// execAudited is sqlstore.ExecAudited with this package's Tx.
func (db *DB) execAudited(ctx context.Context, changed func(*Tx), query string, args ...any) (int64, error) {
	var f func(*sqlstore.Tx)
	if changed != nil {
		f = func(tx *sqlstore.Tx) { changed(db.wrapTx(tx)) }
	}
	return sqlstore.ExecAudited(ctx, db.Store, f, query, args...)
}
