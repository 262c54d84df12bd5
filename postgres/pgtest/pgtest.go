// Package pgtest gives tests the throw-away PostgreSQL cluster that
// scripts/test.sh starts (WENGAO_TEST_POSTGRES): without it a test is
// skipped, except in CI (CI=true), where it fails.
package pgtest

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/wengao/wengao/sharedtest"
)

// URL returns the cluster's address (postgres://…), or else skips tb, or
// fails it in CI.
func URL(tb testing.TB) string {
	tb.Helper()
	return sharedtest.Postgres(tb)
}

// Connect returns a connection to the cluster, closed at the end of tb.
func Connect(tb testing.TB) *pgx.Conn {
	tb.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, URL(tb))
	if err != nil {
		tb.Fatalf("connect to WENGAO_TEST_POSTGRES: %v", err)
	}
	tb.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// NewDatabase creates an empty database in the cluster, dropped at the
// end of tb, and returns its address: each test gets a library of its
// own.
func NewDatabase(tb testing.TB) string {
	tb.Helper()
	return newDatabaseFrom(tb, "")
}
