package sqlite_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/sqlite"
)

// auditCount returns the number of audit entries of target.
func auditCount(tb testing.TB, db *sqlite.DB, target string) int {
	tb.Helper()
	_, n, err := db.ListAudit(context.Background(), target, 1, 1)
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// TestAuditInActionTransaction checks that an action done with a context
// carrying an audit entry and the entry are stored together or not at
// all: a refused action leaves no entry, and an entry that cannot be
// written undoes its action.
func TestAuditInActionTransaction(t *testing.T) {
	db := MustOpenDB(t)
	mustSave(t, db, deleteTestDocs()...)
	admin := mustCreateStaff(t, db, "admin", wengao.RoleAdmin)
	audited := func(action, target, detail string) (*wengao.AuditEntry, context.Context) {
		e := &wengao.AuditEntry{ActorID: admin.ID, ActorName: "admin", Action: action, Target: target, Detail: detail}
		return e, wengao.NewContextWithAudit(context.Background(), e)
	}

	// Done: the entry is written, once.
	e, ctx := audited("document.hide", "doc:eco-1", "核实中")
	if err := db.SetDocumentStatus(ctx, wengao.ActorOf(admin), "eco-1", wengao.DocHidden, "核实中"); err != nil {
		t.Fatal(err)
	}
	if e.ID == 0 {
		t.Error("hide: the entry has no id: not written")
	}
	if got, want := auditCount(t, db, "doc:eco-1"), 1; got != want {
		t.Errorf("hide: %d entries for doc:eco-1, want %d", got, want)
	}
	// Writing it again with the same context is a no-op.
	if err := db.SetDocumentPrice(ctx, "eco-1", nil); err != nil {
		t.Fatal(err)
	}
	if got, want := auditCount(t, db, "doc:eco-1"), 1; got != want {
		t.Errorf("second action with the same entry: %d entries, want %d", got, want)
	}

	// Refused: no entry.
	_, ctx = audited("document.publish", "doc:nope", "")
	if err := db.SetDocumentStatus(ctx, wengao.ActorOf(admin), "nope", wengao.DocPublished, ""); wengao.ErrorCode(err) != wengao.ENOTFOUND {
		t.Fatalf("publish of an unknown document: %v, want %s", err, wengao.ENOTFOUND)
	}
	_, ctx = audited("mask.remove", "mask:无此词", "")
	if err := db.RemoveMask(ctx, "无此词"); wengao.ErrorCode(err) != wengao.ENOTFOUND {
		t.Fatalf("remove an unknown mask: %v, want %s", err, wengao.ENOTFOUND)
	}
	for _, target := range []string{"doc:nope", "mask:无此词"} {
		if got := auditCount(t, db, target); got != 0 {
			t.Errorf("refused action on %s: %d entries, want 0", target, got)
		}
	}

	// An entry that cannot be written (no action) undoes the action.
	_, ctx = audited(" ", "doc:eco-2", "")
	if err := db.SetDocumentStatus(ctx, wengao.ActorOf(admin), "eco-2", wengao.DocHidden, ""); wengao.ErrorCode(err) != wengao.EINVALID {
		t.Fatalf("hide with a bad entry: %v, want %s", err, wengao.EINVALID)
	}
	if got, _ := docStatus(t, db, "eco-2"); got != wengao.DocPublished {
		t.Errorf("hide with a bad entry: status %q, want %q", got, wengao.DocPublished)
	}
	_, ctx = audited("", "mask:机密", "")
	if err := db.AddMask(ctx, wengao.MaskRule{Word: "机密", Shown: "**"}); wengao.ErrorCode(err) != wengao.EINVALID {
		t.Fatalf("add a mask with a bad entry: %v, want %s", err, wengao.EINVALID)
	}
	rules, _, err := db.MaskRules(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 0 {
		t.Errorf("add a mask with a bad entry: rules %v, want none", rules)
	}

	// Stores complete the entry with what only they know.
	e, ctx = audited("category.rename", "category:意见", "指导意见")
	if _, err := db.RenameCategory(ctx, "意见", "指导意见"); err != nil {
		t.Fatal(err)
	}
	if got, want := e.Detail, "指导意见 (2)"; got != want {
		t.Errorf("rename: detail %q, want %q", got, want)
	}
	c := &wengao.Complaint{DocumentID: "eco-3", Kind: wengao.ComplaintOther, Reason: "内容有误", Contact: "a@example.org"}
	e, ctx = audited("complaint.open", "complaint:", "other eco-3")
	if err := db.CreateComplaint(ctx, c); err != nil {
		t.Fatal(err)
	}
	if got, want := e.Target, fmt.Sprintf("complaint:%d", c.ID); got != want {
		t.Errorf("complaint: target %q, want %q", got, want)
	}
}
