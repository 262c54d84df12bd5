package sqlite

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// TestFTSErrorByCode checks that an FTS5 query that does not parse is
// taken as no match by its SQLite result code, and that other errors,
// whatever their text, stay errors.
func TestFTSErrorByCode(t *testing.T) {
	db, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()

	ids, err := db.matchIDs(ctx, "body_fts", `"unterminated AND (`, "")
	if err != nil {
		t.Fatalf("bad FTS5 query: %v", err)
	}
	if got := ids; got != nil {
		t.Errorf("bad FTS5 query: ids = %v, want %v", got, nil)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := db.matchIDs(cancelled, "body_fts", `"安全"`, ""); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled query: err %v, want %v", err, context.Canceled)
	}

	// Errors are not recognised by their text.
	for _, err := range []error{
		errors.New("fts5: disk image is malformed"),
		fmt.Errorf("read index: %w", errors.New("syntax error in the file")),
	} {
		if got := ftsError(err); got != err {
			t.Errorf("ftsError(%q) = %v, want it unchanged", err, got)
		}
	}
}
