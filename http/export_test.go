package http

import (
	"testing"

	"github.com/wengao/wengao/blob"
	"github.com/wengao/wengao/sqlite"
)

// SetSitemapMax sets the most URLs per sitemap, so that tests can reach a
// sitemap index with few documents.
func (s *Server) SetSitemapMax(n int) { s.SitemapMax = n }

// AllServices returns the required services over db, with a file store
// in a temporary folder, and statistics; tests add the other optional
// services they need (Reads, Near…) or swap one for a fake.
func AllServices(tb testing.TB, db *sqlite.DB) Services {
	tb.Helper()
	files, err := blob.NewLocal(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	return Services{
		Documents: db, Search: db, Browse: db,
		Users: db, Sessions: db, Ledger: db, Favorites: db,
		Uploads: db, Files: files,
		Complaints: db, DocAdmin: db, UserAdmin: db, Audit: db, SettingsStore: db,
		Masks: db, Abbreviations: db, Stats: db,
	}
}

// MustNewServer returns NewServer(svc), failing tb on an error.
func MustNewServer(tb testing.TB, svc Services) *Server {
	tb.Helper()
	srv, err := NewServer(svc)
	if err != nil {
		tb.Fatal(err)
	}
	return srv
}
