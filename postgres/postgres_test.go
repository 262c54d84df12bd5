package postgres_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/postgres"
	"github.com/wengao/wengao/postgres/pgtest"
	"github.com/wengao/wengao/sqlstore"
	"github.com/wengao/wengao/sqlstore/storetest"
)

// TestStore runs the account side's suite, shared with SQLite.
func TestStore(t *testing.T) {
	pgtest.URL(t)
	storetest.Run(t, openFixture)
}

// openFixture opens an empty library in a database of its own for the
// shared suite.
func openFixture(tb testing.TB) *storetest.Fixture {
	tb.Helper()
	return fixture(tb, pgtest.NewDatabase(tb), storetest.NewClock(time.Now().Truncate(time.Second)))
}

// mustOpen opens the library at url, closed at the end of tb.
func mustOpen(tb testing.TB, url string) *postgres.DB {
	tb.Helper()
	db, err := postgres.Open(context.Background(), url)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func fixture(tb testing.TB, url string, clock *storetest.Clock) *storetest.Fixture {
	tb.Helper()
	db := mustOpen(tb, url)
	db.Now = clock.Now
	return &storetest.Fixture{
		Store: db,
		Clock: clock,
		AddDocuments: func(tb testing.TB, docs []*wengao.Document) {
			tb.Helper()
			for _, d := range docs {
				if err := rawExec(url, `INSERT INTO documents (ext_id, title, date) VALUES (?, ?, ?)`, d.ID, d.Title, d.Date); err != nil {
					tb.Fatal(err)
				}
			}
		},
		RawExec: func(query string, args ...any) error { return rawExec(url, query, args...) },
		Reopen: func(tb testing.TB) *storetest.Fixture {
			tb.Helper()
			return fixture(tb, url, storetest.NewClock(clock.Now()))
		},
	}
}

// rawExec runs a statement with ? placeholders on a connection of its
// own.
func rawExec(url, query string, args ...any) error {
	raw, err := sql.Open("pgx", url)
	if err != nil {
		return err
	}
	defer raw.Close()
	_, err = raw.Exec(sqlstore.ToDollars(query), args...)
	return err
}
