package sqlite_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/sqlite"
	"github.com/wengao/wengao/sqlstore/storetest"
)

// TestStore runs the account side's suite, shared with PostgreSQL.
func TestStore(t *testing.T) {
	storetest.Run(t, openFixture)
}

// openFixture opens an empty library in a temporary folder for the
// shared suite.
func openFixture(tb testing.TB) *storetest.Fixture {
	tb.Helper()
	db := MustOpenDB(tb)
	return fixture(db, storetest.NewClock(time.Now().Truncate(time.Second)))
}

func fixture(db *sqlite.DB, clock *storetest.Clock) *storetest.Fixture {
	db.Now = clock.Now
	return &storetest.Fixture{
		Store: db,
		Docs:  db,
		Clock: clock,
		AddDocuments: func(tb testing.TB, docs []*wengao.Document) {
			tb.Helper()
			if _, err := db.SaveDocuments(context.Background(), docs); err != nil {
				tb.Fatal(err)
			}
		},
		RawExec: func(query string, args ...any) error { return rawExec(db, query, args...) },
		RawCount: func(query string, args ...any) (int64, error) {
			raw, err := sql.Open("sqlite", "file:"+db.Path+"?_pragma=busy_timeout(10000)")
			if err != nil {
				return 0, err
			}
			defer raw.Close()
			var n sql.NullInt64
			err = raw.QueryRow(query, args...).Scan(&n)
			return n.Int64, err
		},
		Reopen: func(tb testing.TB) *storetest.Fixture {
			tb.Helper()
			return fixture(mustOpenOther(tb, db), storetest.NewClock(clock.Now()))
		},
	}
}

// The helpers of the tests of documents, uploads and complaints.

func mustCreateUser(tb testing.TB, db *sqlite.DB, name string, bonus int64) *wengao.User {
	tb.Helper()
	return storetest.MustCreateUser(tb, db, name, bonus)
}

func mustCreateStaff(tb testing.TB, db *sqlite.DB, name, role string) *wengao.User {
	tb.Helper()
	return storetest.MustCreateStaff(tb, db, name, role)
}

func mustGrant(tb testing.TB, db *sqlite.DB, userID, amount int64) {
	tb.Helper()
	storetest.MustGrant(tb, db, userID, amount)
}

func mustCheckLedger(tb testing.TB, db *sqlite.DB) {
	tb.Helper()
	storetest.MustCheckLedger(tb, db)
}

func mustBalance(tb testing.TB, db *sqlite.DB, userID, want int64) {
	tb.Helper()
	storetest.MustBalance(tb, db, userID, want)
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	storetest.WantCode(t, err, code)
}

// mustSaveDocs saves n small documents with ids d0, d1, …
func mustSaveDocs(tb testing.TB, db *sqlite.DB, n int) {
	tb.Helper()
	if _, err := db.SaveDocuments(context.Background(), storetest.TestDocuments(n)); err != nil {
		tb.Fatal(err)
	}
}

// mustRawExec runs a statement on a connection of its own, going around
// the store as someone tampering with the file would.
func mustRawExec(tb testing.TB, db *sqlite.DB, query string, args ...any) {
	tb.Helper()
	if err := rawExec(db, query, args...); err != nil {
		tb.Fatal(err)
	}
}

func rawExec(db *sqlite.DB, query string, args ...any) error {
	raw, err := sql.Open("sqlite", "file:"+db.Path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer raw.Close()
	_, err = raw.Exec(query, args...)
	return err
}

// TestDialectErrors: the dialect tells a broken UNIQUE and a broken
// FOREIGN KEY constraint apart, by extended result code.
func TestDialectErrors(t *testing.T) {
	db := MustOpenDB(t)
	mustCreateUser(t, db, "alice", 0)
	d := db.Dialect()
	raw, err := sql.Open("sqlite", "file:"+db.Path+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(on)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	_, dup := raw.Exec(`INSERT INTO users (username, password_hash, created_at, password_changed_at) VALUES ('ALICE', 'x', 0, 0)`)
	if !d.IsUniqueViolation(dup) || d.IsForeignKeyViolation(dup) {
		t.Errorf("a second ALICE: %v; unique %t, foreign key %t, want unique only", dup, d.IsUniqueViolation(dup), d.IsForeignKeyViolation(dup))
	}
	_, orphan := raw.Exec(`INSERT INTO sessions (token_hash, user_id, created_at, last_seen, expires_at) VALUES (x'00', 999, 0, 0, 0)`)
	if !d.IsForeignKeyViolation(orphan) || d.IsUniqueViolation(orphan) {
		t.Errorf("a session of no user: %v; unique %t, foreign key %t, want foreign key only", orphan, d.IsUniqueViolation(orphan), d.IsForeignKeyViolation(orphan))
	}
}
