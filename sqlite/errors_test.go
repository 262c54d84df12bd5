package sqlite

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/sqlstore/storetest"
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

// TestStorageFull checks that a write SQLite refuses with SQLITE_FULL is
// a full disk to the rest of wengao (503 and MessageStorageFull, not
// 500), that it writes nothing, and that writes work again once there is
// room. The database is held at its size with max_page_count, which
// fails the writes that need a new page as a full disk does (the small
// ones, a purchase or a favourite, find room in the pages there are:
// cmd/wengao TestFaultsFullDisk fills a real disk for those).
func TestStorageFull(t *testing.T) {
	db, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	maxPages := func(n string) {
		t.Helper()
		tx, err := db.BeginTx(ctx) // the writer connection, which keeps the setting
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, err := tx.ExecContext(ctx, "PRAGMA max_page_count = "+n); err != nil {
			t.Fatal(err)
		}
	}
	doc := func(id string) *wengao.Document {
		body := make([]string, 200)
		for i := range body {
			body[i] = fmt.Sprintf("第%d段：为做好存储空间演练工作，现将有关事项通知如下，确保数据完整。%s", i, id)
		}
		return &wengao.Document{ID: id, Title: "关于存储空间演练的通知 " + id, Date: "2026-12-03", Category: "通知", Body: body}
	}
	if _, err := db.SaveDocuments(ctx, []*wengao.Document{doc("before")}); err != nil {
		t.Fatal(err)
	}
	u := storetest.MustCreateUser(t, db, "uploader", 100)
	maxPages("1") // at least the pages it has: no room for more

	_, err = db.SaveDocuments(ctx, []*wengao.Document{doc("full")})
	if err == nil {
		t.Fatal("SaveDocuments on a full database: no error")
	}
	if !wengao.IsStorageFull(err) {
		t.Errorf("SaveDocuments on a full database: IsStorageFull(%v) = false, want true", err)
	}
	if got, want := wengao.ErrorCode(err), wengao.EUNAVAILABLE; got != want {
		t.Errorf("SaveDocuments on a full database: code %q, want %q", got, want)
	}
	if got, want := wengao.ErrorMessage(err), wengao.MessageStorageFull; got != want {
		t.Errorf("SaveDocuments on a full database: message %q, want %q", got, want)
	}
	up := &wengao.Upload{UserID: u.ID, Status: wengao.UploadDraft, File: wengao.SourceFile{Key: strings.Repeat("a", 64), Name: "a.txt", Size: 1},
		Meta: wengao.UploadMeta{Title: "演练"}, Body: doc("upload").Body}
	if err := db.CreateUpload(ctx, up); !wengao.IsStorageFull(err) {
		t.Errorf("CreateUpload on a full database: %v, want a full disk", err)
	}
	if _, err := db.FindDocumentByID(ctx, "full"); wengao.ErrorCode(err) != wengao.ENOTFOUND {
		t.Errorf("the document refused on a full database: %v, want not found", err)
	}

	maxPages("1073741823") // room again
	if _, err := db.SaveDocuments(ctx, []*wengao.Document{doc("after")}); err != nil {
		t.Fatalf("SaveDocuments once there is room: %v", err)
	}
	for _, id := range []string{"before", "after"} {
		if _, err := db.FindDocumentByID(ctx, id); err != nil {
			t.Errorf("document %s: %v", id, err)
		}
	}
	var res string
	if err := db.write.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil || res != "ok" {
		t.Errorf("integrity_check: %q %v", res, err)
	}
}
