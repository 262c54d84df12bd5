package http_test

import (
	"strings"
	"testing"

	wengaohttp "github.com/wengao/wengao/http"
	"github.com/wengao/wengao/sqlite"
)

// TestNewServerNamesMissingServices checks that a server is not built
// without a required service, and that the error names each one missing
// and no other.
func TestNewServerNamesMissingServices(t *testing.T) {
	db, err := sqlite.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	svc := wengaohttp.AllServices(t, db)
	svc.Users, svc.Files = nil, nil
	srv, err := wengaohttp.NewServer(svc)
	if err == nil {
		t.Fatal("NewServer without Users and Files: err = nil, want an error")
	}
	if srv != nil {
		t.Errorf("NewServer without Users and Files: srv = %v, want nil", srv)
	}
	for _, name := range []string{"Users", "Files"} {
		if got := err.Error(); !strings.Contains(got, name) {
			t.Errorf("err = %q, want it to name %s", got, name)
		}
	}
	if got := err.Error(); strings.Contains(got, "Documents") {
		t.Errorf("err = %q, want it not to name Documents (set)", got)
	}

	// The optional services may be left out.
	svc = wengaohttp.AllServices(t, db)
	svc.Stats, svc.Reads, svc.Near, svc.BlobIndex, svc.Maskers, svc.Changes = nil, nil, nil, nil, nil, nil
	if _, err := wengaohttp.NewServer(svc); err != nil {
		t.Errorf("NewServer without the optional services: %v, want nil", err)
	}
}
