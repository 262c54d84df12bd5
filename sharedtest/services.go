package sharedtest

import (
	"net/url"
	"os"
	"testing"
)

// S3Server is the S3-compatible server that scripts/test.sh starts for
// the tests (SeaweedFS on a loopback port, checking signatures).
type S3Server struct {
	Endpoint  string // host:port, plain HTTP
	AccessKey string
	SecretKey string
}

// S3 returns the test S3 server named by WENGAO_TEST_S3
// (http://ACCESS_KEY:SECRET_KEY@HOST:PORT), or else skips tb, or fails
// it in CI.
func S3(tb testing.TB) S3Server {
	tb.Helper()
	v := os.Getenv("WENGAO_TEST_S3")
	if v == "" {
		Missing(tb, "WENGAO_TEST_S3 is not set: ./scripts/test.sh starts an S3 server (SeaweedFS) and sets it")
		return S3Server{}
	}
	u, err := url.Parse(v)
	secret, ok := "", false
	if err == nil && u.User != nil {
		secret, ok = u.User.Password()
	}
	if err != nil || u.Scheme != "http" || u.Host == "" || !ok {
		tb.Fatalf("WENGAO_TEST_S3=%q: want http://ACCESS_KEY:SECRET_KEY@HOST:PORT", v)
	}
	return S3Server{Endpoint: u.Host, AccessKey: u.User.Username(), SecretKey: secret}
}

// Postgres returns the URL of the throw-away PostgreSQL cluster that
// scripts/test.sh starts (WENGAO_TEST_POSTGRES, postgres://…), or else
// skips tb, or fails it in CI.
func Postgres(tb testing.TB) string {
	tb.Helper()
	v := os.Getenv("WENGAO_TEST_POSTGRES")
	if v == "" {
		Missing(tb, "WENGAO_TEST_POSTGRES is not set: ./scripts/test.sh starts a throw-away PostgreSQL cluster and sets it")
	}
	return v
}
