package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/wengao/wengao/importer"
	"github.com/wengao/wengao/postgres"
	"github.com/wengao/wengao/sample"
)

// Open opens an empty library in a database of its own, closed and
// dropped at the end of tb.
func Open(tb testing.TB) *postgres.DB {
	tb.Helper()
	return openURL(tb, NewDatabase(tb))
}

func openURL(tb testing.TB, u string) *postgres.DB {
	tb.Helper()
	db, err := postgres.Open(context.Background(), u)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

var (
	sampleOnce sync.Once
	sampleName string // the template database holding the sample library
	sampleErr  error
)

// OpenSample opens a library holding the sample library, in a database of
// its own. The sample is imported once per test binary, into a template
// database that each test's database is copied from (CREATE DATABASE …
// TEMPLATE), and which is dropped when the cluster is (scripts/test.sh
// throws it away).
func OpenSample(tb testing.TB) *postgres.DB {
	tb.Helper()
	base := URL(tb)
	sampleOnce.Do(func() { sampleName, sampleErr = buildSample(base) })
	if sampleErr != nil {
		tb.Fatalf("import the sample library into PostgreSQL: %v", sampleErr)
	}
	return openURL(tb, newDatabaseFrom(tb, sampleName))
}

// buildSample imports the sample library into a new database and returns
// its name.
func buildSample(base string) (string, error) {
	ctx := context.Background()
	name, err := createDatabase(ctx, base, "wengao_sample_", "")
	if err != nil {
		return "", err
	}
	db, err := postgres.Open(ctx, withPath(base, name))
	if err != nil {
		return "", err
	}
	defer db.Close()
	r, err := sample.JSONL()
	if err != nil {
		return "", err
	}
	sum, err := (&importer.Importer{Service: db}).RunJSONL(ctx, "sample.jsonl", r)
	if err != nil {
		return "", err
	}
	if len(sum.Failures) > 0 || sum.Imported == 0 {
		return "", fmt.Errorf("sample import: %+v", sum)
	}
	return name, nil
}

// newDatabaseFrom creates a database, empty or copied from template,
// dropped at the end of tb, and returns its address.
func newDatabaseFrom(tb testing.TB, template string) string {
	tb.Helper()
	base := URL(tb)
	if _, err := url.Parse(base); err != nil {
		tb.Fatalf("WENGAO_TEST_POSTGRES: %v", err)
	}
	name, err := createDatabase(context.Background(), base, "wengao_test_", template)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { dropDatabase(tb, name) })
	return withPath(base, name)
}

// createDatabase creates a database named prefix and a random suffix,
// copied from template when it is not "".
func createDatabase(ctx context.Context, base, prefix, template string) (string, error) {
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	name := prefix + hex.EncodeToString(b[:])
	q := "CREATE DATABASE " + name
	if template != "" {
		q += " TEMPLATE " + template
	}
	if _, err := conn.Exec(ctx, q); err != nil {
		return "", fmt.Errorf("create database: %w", err)
	}
	return name, nil
}

func dropDatabase(tb testing.TB, name string) {
	c, err := pgx.Connect(context.Background(), URL(tb))
	if err != nil {
		tb.Errorf("connect to drop %s: %v", name, err)
		return
	}
	defer c.Close(context.Background())
	if _, err := c.Exec(context.Background(), "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
		tb.Errorf("drop %s: %v", name, err)
	}
}

// withPath returns the address base (checked by the caller) with the
// database name.
func withPath(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	u.Path = "/" + name
	return u.String()
}
