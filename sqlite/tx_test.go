package sqlite_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/sqlite"
	"github.com/wengao/wengao/sqlite/sqlitetest"
)

// changeLog records the changes a DB tells of.
type changeLog struct {
	mu      sync.Mutex
	changes []wengao.Change
}

func watchChanges(db *sqlite.DB) *changeLog {
	l := &changeLog{}
	db.OnChange(func(c wengao.Change) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.changes = append(l.changes, c)
	})
	return l
}

// take returns the changes told since the last call.
func (l *changeLog) take() []wengao.Change {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.changes
	l.changes = nil
	return c
}

// wantChanges checks that the changes told since the last take are want.
func (l *changeLog) wantChanges(t *testing.T, what string, want ...wengao.Change) {
	t.Helper()
	got := l.take()
	if len(got) != len(want) {
		t.Errorf("%s: %d changes told %v, want %d %v", what, len(got), got, len(want), want)
		return
	}
	for i := range got {
		if got[i].Kind != want[i].Kind {
			t.Errorf("%s: change %d of kind %q, want %q", what, i, got[i].Kind, want[i].Kind)
		}
		if !slices.Equal(got[i].DocumentIDs, want[i].DocumentIDs) {
			t.Errorf("%s: change %d names %v, want %v", what, i, got[i].DocumentIDs, want[i].DocumentIDs)
		}
	}
}

// TestTxHooks: the hooks of a transaction run after it commits, in
// order, and never when it rolls back.
func TestTxHooks(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)

	tx, err := db.BeginTx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ran []string
	tx.OnCommit(func() {
		// The commit is visible to readers by the time hooks run.
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT 1`).Scan(&n); err == nil {
			t.Error("hook ran while the transaction was still open")
		}
		ran = append(ran, "first")
	})
	tx.OnCommit(func() { ran = append(ran, "second") })
	if _, err := tx.ExecContext(ctx, `INSERT INTO users (username, email, password_hash, role, created_at, password_changed_at) VALUES ('hooked', '', '', 'reader', 0, 0)`); err != nil {
		t.Fatal(err)
	}
	if len(ran) != 0 {
		t.Fatalf("hooks ran before commit: %v", ran)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if want := []string{"first", "second"}; !slices.Equal(ran, want) {
		t.Errorf("after commit: hooks ran %v, want %v", ran, want)
	}
	if err := tx.Rollback(); err != nil {
		t.Errorf("rollback after commit: %v", err)
	}
	if want := []string{"first", "second"}; !slices.Equal(ran, want) {
		t.Errorf("after rollback of a committed transaction: hooks ran %v, want %v", ran, want)
	}

	ran = nil
	tx, err = db.BeginTx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tx.OnCommit(func() { ran = append(ran, "rolled back") })
	if _, err := tx.ExecContext(ctx, `INSERT INTO users (username, email, password_hash, role, created_at, password_changed_at) VALUES ('gone', '', '', 'reader', 0, 0)`); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if len(ran) != 0 {
		t.Errorf("after rollback: hooks ran %v, want none", ran)
	}
	if err := tx.Commit(); err == nil {
		t.Error("commit after rollback succeeded")
	}
	if len(ran) != 0 {
		t.Errorf("after a failed commit: hooks ran %v, want none", ran)
	}
}

// TestTxNow: a transaction carries the DB's clock when it began, in whole
// seconds, and what it writes is dated by it.
func TestTxNow(t *testing.T) {
	ctx := context.Background()
	db, clock := sqlitetest.OpenWithClock(t)
	clock.Advance(1500 * time.Millisecond)
	want := clock.Now().UTC().Truncate(time.Second)
	u := mustCreateUser(t, db, "alice", 0)
	if !u.CreatedAt.Equal(want) {
		t.Errorf("created at %v, want %v", u.CreatedAt, want)
	}
	clock.Advance(36 * time.Hour)
	e := &wengao.LedgerEntry{UserID: u.ID, Kind: wengao.KindAdjust, Amount: 5, Reason: "测试"}
	if err := db.Grant(ctx, e); err != nil {
		t.Fatal(err)
	}
	if want := clock.Now().UTC().Truncate(time.Second); !e.CreatedAt.Equal(want) {
		t.Errorf("entry created at %v, want %v", e.CreatedAt, want)
	}
	// A deletion is dated by the deleting transaction too.
	mustSave(t, db, &wengao.Document{ID: "gone", Title: "待删除的文件", Body: []string{"正文。"}})
	clock.Advance(72 * time.Hour)
	if err := db.DeleteDocument(ctx, "gone"); err != nil {
		t.Fatal(err)
	}
	got := rawInt(t, db, `SELECT deleted_at FROM deleted_documents WHERE ext_id = 'gone'`)
	if want := clock.Now().Unix(); got != want {
		t.Errorf("deleted at %d, want %d", got, want)
	}
}

// TestOnChange: the subscribers hear of committed changes to documents
// and settings, with the documents' ids, and of nothing refused or
// rolled back.
func TestOnChange(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	log := watchChanges(db)
	docs := func(ids ...string) wengao.Change {
		return wengao.Change{Kind: wengao.ChangeDocuments, DocumentIDs: ids}
	}

	mustSave(t, db, deleteTestDocs()...)
	log.wantChanges(t, "save", docs("eco-1", "eco-2", "eco-3", "edu-1"))
	mustSave(t, db, deleteTestDocs()...)
	log.wantChanges(t, "save unchanged")

	mustSetStatus(t, db, "eco-1", wengao.DocHidden, "待核")
	log.wantChanges(t, "hide", docs("eco-1"))
	err := db.SetDocumentStatus(ctx, wengao.Actor{}, "nosuch", wengao.DocHidden, "")
	wantCode(t, err, wengao.ENOTFOUND)
	log.wantChanges(t, "hide a missing document")

	price := int64(3)
	if err := db.SetDocumentPrice(ctx, "eco-2", &price); err != nil {
		t.Fatal(err)
	}
	log.wantChanges(t, "price", docs("eco-2"))

	if _, err := db.RenameCategory(ctx, "意见", "意见类"); err != nil {
		t.Fatal(err)
	}
	log.wantChanges(t, "rename category", docs())

	if err := db.DeleteDocument(ctx, "edu-1"); err != nil {
		t.Fatal(err)
	}
	log.wantChanges(t, "delete", docs("edu-1"))
	wantCode(t, db.DeleteDocument(ctx, "edu-1"), wengao.ENOTFOUND)
	log.wantChanges(t, "delete again")

	st := wengao.DefaultSettings()
	st.SiteName = "变更测试"
	if err := db.SaveSettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	log.wantChanges(t, "settings", wengao.Change{Kind: wengao.ChangeSettings})
}

// TestApproveFailsMidway: an approval that fails after the reward is
// written leaves neither the reward, nor the document and its index, nor
// the audit entry, and tells no change; once the fault is gone the
// approval succeeds whole.
func TestApproveFailsMidway(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	log := watchChanges(db)
	alice := mustCreateUser(t, db, "alice", 0)
	up := mustCreateUpload(t, db, newUpload(alice.ID, "f1"))
	docID := wengao.UploadDocumentID(up.ID)
	log.take()

	// The upload's own row is written last, after the document, the
	// reward and the audit entry: refusing it fails the approval there.
	mustRawExec(t, db, `CREATE TRIGGER fail_approval BEFORE UPDATE OF status ON uploads WHEN NEW.status = 'approved'
		BEGIN SELECT RAISE(ABORT, 'forced failure'); END`)
	e := &wengao.AuditEntry{ActorName: "mod", Action: "upload.approve", Target: "upload:1"}
	if _, err := db.ApproveUpload(wengao.NewContextWithAudit(ctx, e), up.ID, 0, reward, nil); err == nil {
		t.Fatal("approval succeeded despite the fault")
	}
	mustBalance(t, db, alice.ID, 0)
	if _, n := lastEntry(t, db, alice.ID); n != 0 {
		t.Errorf("%d ledger entries, want 0", n)
	}
	if _, err := db.FindDocumentByID(ctx, docID); wengao.ErrorCode(err) != wengao.ENOTFOUND {
		t.Errorf("document after the failed approval: error %v, want ENOTFOUND", err)
	}
	if n, err := db.CountDocuments(ctx); err != nil || n != 0 {
		t.Errorf("%d documents (%v), want 0", n, err)
	}
	if got := sqlitetest.FindAll(t, db, "一网通办"); len(got) != 0 {
		t.Errorf("search finds %v, want nothing", got)
	}
	if entries, total, err := db.ListAudit(ctx, "", 1, 10); err != nil || total != 0 {
		t.Errorf("audit holds %d entries %v (%v), want 0", total, entries, err)
	}
	if got, err := db.FindUpload(ctx, up.ID); err != nil {
		t.Fatal(err)
	} else if got.Status != wengao.UploadPending {
		t.Errorf("upload %s, want pending", got.Status)
	}
	log.wantChanges(t, "failed approval")

	mustRawExec(t, db, `DROP TRIGGER fail_approval`)
	e.ID = 0
	got, err := db.ApproveUpload(wengao.NewContextWithAudit(ctx, e), up.ID, 0, reward, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != wengao.UploadApproved || got.Reward != reward {
		t.Errorf("approved: status %s reward %d, want approved %d", got.Status, got.Reward, reward)
	}
	mustBalance(t, db, alice.ID, reward)
	if d, err := db.FindDocumentByID(ctx, docID); err != nil {
		t.Errorf("document: %v", err)
	} else if d.UploaderID != alice.ID {
		t.Errorf("document uploader %d, want %d", d.UploaderID, alice.ID)
	}
	if ids := sqlitetest.FindAll(t, db, "一网通办"); !slices.Equal(ids, []string{docID}) {
		t.Errorf("search finds %v, want [%s]", ids, docID)
	}
	if e.ID == 0 {
		t.Error("audit entry not written with the approval")
	}
	if _, total, err := db.ListAudit(ctx, "", 1, 10); err != nil || total != 1 {
		t.Errorf("audit holds %d entries (%v), want 1", total, err)
	}
	log.wantChanges(t, "approval", wengao.Change{Kind: wengao.ChangeDocuments, DocumentIDs: []string{docID}})
}
