package postgres_test

import (
	"context"
	"database/sql"
	"path/filepath"
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
		Docs:  db,
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
		RawCount: func(query string, args ...any) (int64, error) {
			raw, err := sql.Open("pgx", url)
			if err != nil {
				return 0, err
			}
			defer raw.Close()
			var n sql.NullInt64
			err = raw.QueryRow(sqlstore.ToDollars(query), args...).Scan(&n)
			return n.Int64, err
		},
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

// TestOpenConcurrent: instances starting together on an empty database
// apply the migrations once, and all open.
func TestOpenConcurrent(t *testing.T) {
	url := pgtest.NewDatabase(t)
	const n = 4
	errs := make(chan error, n)
	for range n {
		go func() {
			db, err := postgres.Open(context.Background(), url)
			if err == nil {
				db.Close()
			}
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Errorf("Open: %v", err)
		}
	}
	raw, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var applied, users int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&applied); err != nil {
		t.Fatal(err)
	}
	if want := len(mustGlob(t, "migrations/*.sql")); applied != want {
		t.Errorf("%d migrations recorded, want %d", applied, want)
	}
	if err := raw.QueryRow(`SELECT COUNT(*) FROM users`).Scan(&users); err != nil {
		t.Errorf("the users table: %v", err)
	}
}

func mustGlob(tb testing.TB, pattern string) []string {
	tb.Helper()
	m, err := filepath.Glob(pattern)
	if err != nil || len(m) == 0 {
		tb.Fatalf("glob %s: %v %v", pattern, m, err)
	}
	return m
}

// TestDialectErrors: the dialect tells a broken UNIQUE and a broken
// FOREIGN KEY constraint apart, by SQLSTATE.
func TestDialectErrors(t *testing.T) {
	url := pgtest.NewDatabase(t)
	db := mustOpen(t, url)
	storetest.MustCreateUser(t, db, "alice", 0)
	d := db.Dialect()
	dup := rawExec(url, `INSERT INTO users (username, password_hash, created_at, password_changed_at) VALUES ('ALICE', 'x', 0, 0)`)
	if !d.IsUniqueViolation(dup) || d.IsForeignKeyViolation(dup) {
		t.Errorf("a second ALICE: %v; unique %t, foreign key %t, want unique only", dup, d.IsUniqueViolation(dup), d.IsForeignKeyViolation(dup))
	}
	orphan := rawExec(url, `INSERT INTO sessions (token_hash, user_id, created_at, last_seen, expires_at) VALUES ('\x00', 999, 0, 0, 0)`)
	if !d.IsForeignKeyViolation(orphan) || d.IsUniqueViolation(orphan) {
		t.Errorf("a session of no user: %v; unique %t, foreign key %t, want foreign key only", orphan, d.IsUniqueViolation(orphan), d.IsForeignKeyViolation(orphan))
	}
}

// TestCustomPlans: the store's connections plan each statement for its
// arguments (plan_cache_mode), as searches need, unless the address
// says otherwise.
func TestCustomPlans(t *testing.T) {
	url := pgtest.NewDatabase(t)
	for _, c := range []struct{ url, want string }{
		{url, "force_custom_plan"},
		{url + "&plan_cache_mode=auto", "auto"},
	} {
		db := mustOpen(t, c.url)
		var got string
		if err := db.ReadPool().QueryRowContext(context.Background(), `SHOW plan_cache_mode`).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("%s: plan_cache_mode %q, want %q", c.url, got, c.want)
		}
	}
}
