package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/sqlite"
)

const reward = 10

var uploadMeta = wengao.UploadMeta{
	Title:     "国务院办公厅关于推进政务服务一网通办的指导意见",
	Issuer:    "国务院办公厅",
	DocNumber: "国办发〔2019〕4号",
	Date:      "2019-01-31",
	Genre:     "意见",
	Category:  "意见/政务服务",
}

var uploadBody = []string{
	"各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
	"一、总体要求",
	"推进政务服务一网通办，是深化放管服改革的关键之举。",
	"二、主要任务",
	"各地区各部门要加快政务服务平台建设，实现数据共享。",
}

// newUpload is a pending upload of the given file and body.
func newUpload(userID int64, key string, body ...string) *wengao.Upload {
	if len(body) == 0 {
		body = uploadBody
	}
	return &wengao.Upload{
		UserID: userID,
		Status: wengao.UploadPending,
		File:   wengao.SourceFile{Key: key, Name: key + ".docx", Size: 1234},
		Format: "docx",
		Meta:   uploadMeta,
		Body:   body,
		Chars:  100,
		NearDuplicates: []wengao.NearMatch{
			{ID: "x", Title: "某文", Similarity: 0.5},
		},
	}
}

func mustCreateUpload(tb testing.TB, db *sqlite.DB, u *wengao.Upload) *wengao.Upload {
	tb.Helper()
	if err := db.CreateUpload(context.Background(), u); err != nil {
		tb.Fatal(err)
	}
	return u
}

func mustApprove(tb testing.TB, db *sqlite.DB, id, reviewer, reward int64) *wengao.Upload {
	tb.Helper()
	u, err := db.ApproveUpload(context.Background(), id, reviewer, reward, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

// lastEntry returns the user's newest ledger entry and their number.
func lastEntry(tb testing.TB, db *sqlite.DB, userID int64) (wengao.LedgerEntry, int) {
	tb.Helper()
	entries, n, err := db.Entries(context.Background(), userID, 1, 1)
	if err != nil {
		tb.Fatal(err)
	}
	if len(entries) == 0 {
		return wengao.LedgerEntry{}, n
	}
	return entries[0], n
}

func TestUploadLifecycle(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	alice := mustCreateUser(t, db, "alice", 0)
	mod := mustCreateStaff(t, db, "mod", wengao.RoleModerator)

	// A draft, with metadata as detected.
	up := newUpload(alice.ID, "f1")
	up.Status = wengao.UploadDraft
	up.Meta = wengao.UploadMeta{Title: "  ", Issuer: "国务院办公厅"}
	up.Body = append([]string{"  "}, uploadBody...) // a blank paragraph is dropped
	mustCreateUpload(t, db, up)
	if up.ID == 0 {
		t.Fatalf("created: %+v (want not up.ID == 0)", up)
	}
	if got := up.Username; got != "alice" {
		t.Fatalf("created: up.Username = %v, want %v", got, "alice")
	}
	if up.CreatedAt.IsZero() {
		t.Fatalf("created: %+v (want not up.CreatedAt.IsZero())", up)
	}
	if up.TextHash == "" {
		t.Fatalf("created: %+v (want not up.TextHash == \"\")", up)
	}
	if got := len(up.Body); got != len(uploadBody) {
		t.Fatalf("created: len(up.Body) = %v, want %v", got, len(uploadBody))
	}
	got, err := db.FindUpload(ctx, up.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != wengao.UploadDraft || !slices.Equal(got.Body, uploadBody) || got.File != up.File || got.Username != "alice" ||
		len(got.Outline) == 0 || got.Outline[0].Paragraph != 1 || len(got.NearDuplicates) != 1 || got.TextHash != up.TextHash {
		t.Fatalf("found: %+v", got)
	}
	{
		got, err := db.FindUploadByFile(ctx, "f1")
		if err != nil {
			t.Fatalf("by file: %v", err)
		}
		if got := got.ID; got != up.ID {
			t.Fatalf("by file: got.ID = %v, want %v", got, up.ID)
		}
	}

	// Only its uploader submits it, with valid metadata.
	_, err = db.SubmitUpload(ctx, up.ID, mod.ID, uploadMeta)
	wantCode(t, err, wengao.EFORBIDDEN)
	_, err = db.SubmitUpload(ctx, up.ID+100, alice.ID, uploadMeta)
	wantCode(t, err, wengao.ENOTFOUND)
	for _, bad := range []func(m *wengao.UploadMeta){
		func(m *wengao.UploadMeta) { m.Title = " " },
		func(m *wengao.UploadMeta) { m.Title = strings.Repeat("文", wengao.UploadTitleMaxRunes+1) },
		func(m *wengao.UploadMeta) { m.Issuer = strings.Repeat("文", wengao.UploadFieldMaxRunes+1) },
		func(m *wengao.UploadMeta) { m.Genre = "通\n知" },
		func(m *wengao.UploadMeta) { m.Date = "2019-02-30" },
		func(m *wengao.UploadMeta) { m.Date = "2019-1-31" },
		func(m *wengao.UploadMeta) { m.Date = "2019年1月31日" },
		func(m *wengao.UploadMeta) { m.Category = "a/b/c" },
		func(m *wengao.UploadMeta) { m.Category = "a//" },
		func(m *wengao.UploadMeta) { m.Category = "/b" },
	} {
		m := uploadMeta
		bad(&m)
		_, err := db.SubmitUpload(ctx, up.ID, alice.ID, m)
		wantCode(t, err, wengao.EINVALID)
		if wengao.ErrorMessage(err) == "" {
			t.Errorf("message %q (want not wengao.ErrorMessage(err) == \"\")", wengao.ErrorMessage(err))
		}
		if !strings.HasSuffix(wengao.ErrorMessage(err), "。") {
			t.Errorf("message %q (want strings.HasSuffix(wengao.ErrorMessage(err), \"。\"))", wengao.ErrorMessage(err))
		}
	}
	m := uploadMeta
	m.Title = " 关于推进政务服务一网通办的意见 "
	m.Category = " 意见 / 政务服务 "
	sub, err := db.SubmitUpload(ctx, up.ID, alice.ID, m)
	if err != nil {
		t.Fatal(err)
	}
	if got := sub.Status; got != wengao.UploadPending {
		t.Fatalf("submitted: sub.Status = %v, want %v", got, wengao.UploadPending)
	}
	if got := sub.Meta.Title; got != "关于推进政务服务一网通办的意见" {
		t.Fatalf("submitted: sub.Meta.Title = %v, want %v", got, "关于推进政务服务一网通办的意见")
	}
	if got := sub.Meta.Category; got != "意见/政务服务" {
		t.Fatalf("submitted: sub.Meta.Category = %v, want %v", got, "意见/政务服务")
	}
	// A moderator corrects it.
	sub, err = db.UpdateUploadMeta(ctx, up.ID, 0, uploadMeta)
	if err != nil {
		t.Fatal(err)
	}
	if sub.Meta != uploadMeta {
		t.Fatalf("corrected: %+v", sub.Meta)
	}

	// Approval publishes it and rewards its uploader, once.
	ap := mustApprove(t, db, up.ID, mod.ID, reward)
	docID := wengao.UploadDocumentID(up.ID)
	if got := ap.Status; got != wengao.UploadApproved {
		t.Fatalf("approved: ap.Status = %v, want %v", got, wengao.UploadApproved)
	}
	if got := ap.DocumentID; got != docID {
		t.Fatalf("approved: ap.DocumentID = %v, want %v", got, docID)
	}
	if got := ap.Reward; got != reward {
		t.Fatalf("approved: ap.Reward = %v, want %v", got, reward)
	}
	if got := ap.ReviewerID; got != mod.ID {
		t.Fatalf("approved: ap.ReviewerID = %v, want %v", got, mod.ID)
	}
	if ap.ReviewedAt == nil {
		t.Fatalf("approved: ap.ReviewedAt is nil")
	}
	doc, err := db.FindDocumentByID(ctx, docID)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Title != uploadMeta.Title || doc.Date != uploadMeta.Date || doc.Category != uploadMeta.Category || doc.Author != "国务院办公厅" ||
		doc.Source != "网友上传 · 国办发〔2019〕4号" || doc.UploaderID != alice.ID || doc.File == nil || *doc.File != up.File ||
		!slices.Equal(doc.Body, uploadBody) || len(doc.Outline) != 2 {
		t.Fatalf("document: %+v", doc)
	}
	if ids, _ := searchIDs(t, db, "政务服务 一网通办"); !slices.Equal(ids, []string{docID}) {
		t.Fatalf("search: %v", ids)
	}
	if n := categoryCount(t, db, "意见/政务服务"); n != 1 {
		t.Errorf("category: %d", n)
	}
	mustBalance(t, db, alice.ID, reward)
	{
		e, n := lastEntry(t, db, alice.ID)
		if got := n; got != 1 {
			t.Fatalf("entry: n = %v, want %v", got, 1)
		}
		if got := e.Kind; got != wengao.KindUploadApproved {
			t.Fatalf("entry: e.Kind = %v, want %v", got, wengao.KindUploadApproved)
		}
		if got := e.Amount; got != reward {
			t.Fatalf("entry: e.Amount = %v, want %v", got, reward)
		}
		if got := e.DocumentID; got != docID {
			t.Fatalf("entry: e.DocumentID = %v, want %v", got, docID)
		}
		if got := e.Reason; got != "上传文稿通过审核" {
			t.Fatalf("entry: e.Reason = %v, want %v", got, "上传文稿通过审核")
		}
	}
	again := mustApprove(t, db, up.ID, mod.ID, 99)
	if got := again.Reward; got != reward {
		t.Fatalf("approved again: again.Reward = %v, want %v", got, reward)
	}
	if got := again.DocumentID; got != docID {
		t.Fatalf("approved again: again.DocumentID = %v, want %v", got, docID)
	}
	if got := *again.ReviewedAt; got != *ap.ReviewedAt {
		t.Fatalf("approved again: *again.ReviewedAt = %v, want %v", got, *ap.ReviewedAt)
	}
	mustBalance(t, db, alice.ID, reward)
	mustCheckLedger(t, db)

	// An approved upload is settled.
	_, err = db.SubmitUpload(ctx, up.ID, alice.ID, uploadMeta)
	wantCode(t, err, wengao.ECONFLICT)
	_, err = db.UpdateUploadMeta(ctx, up.ID, 0, uploadMeta)
	wantCode(t, err, wengao.ECONFLICT)
	_, err = db.RejectUpload(ctx, up.ID, mod.ID, "不合适")
	wantCode(t, err, wengao.ECONFLICT)

	// Deleting it removes the document and takes the reward back.
	del, err := db.DeleteUpload(ctx, up.ID, mod.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := del.Status; got != wengao.UploadDeleted {
		t.Fatalf("deleted: del.Status = %v, want %v", got, wengao.UploadDeleted)
	}
	if got := del.DocumentID; got != docID {
		t.Fatalf("deleted: del.DocumentID = %v, want %v", got, docID)
	}
	mustBeGone(t, db, docID, "政务服务 一网通办", 0)
	if n := categoryCount(t, db, "意见/政务服务"); n != 0 {
		t.Errorf("category after delete: %d", n)
	}
	mustBalance(t, db, alice.ID, 0)
	if e, n := lastEntry(t, db, alice.ID); n != 2 || e.Kind != wengao.KindAdjust || e.Amount != -reward || e.DocumentID != docID ||
		e.Reason != "删除上传文稿，收回奖励" || e.OperatorID != mod.ID {
		t.Fatalf("reversal: %+v (%d)", e, n)
	}
	mustCheckLedger(t, db)
	_, err = db.DeleteUpload(ctx, up.ID, mod.ID)
	wantCode(t, err, wengao.ECONFLICT)
	_, err = db.ApproveUpload(ctx, up.ID, mod.ID, reward, nil)
	wantCode(t, err, wengao.ECONFLICT)
	_, err = db.FindUploadByFile(ctx, "f1")
	wantCode(t, err, wengao.ENOTFOUND)

	// Sending the same file, or the same text in another file, again
	// earns nothing, whoever sends it.
	for i, u := range []*wengao.Upload{newUpload(alice.ID, "f1"), newUpload(mod.ID, "f2")} {
		mustCreateUpload(t, db, u)
		ap := mustApprove(t, db, u.ID, 0, reward) // nobody reviews their own upload; the system may
		if got := ap.Status; got != wengao.UploadApproved {
			t.Fatalf("upload again %d: ap.Status = %v, want %v", i, got, wengao.UploadApproved)
		}
		if got := ap.Reward; got != 0 {
			t.Fatalf("upload again %d: ap.Reward = %v, want %v", i, got, 0)
		}
		{
			d, err := db.FindDocumentByID(ctx, ap.DocumentID)
			if err != nil {
				t.Fatalf("document again %d: %v", i, err)
			}
			if got := d.UploaderID; got != u.UserID {
				t.Fatalf("document again %d: d.UploaderID = %v, want %v", i, got, u.UserID)
			}
		}
		if _, err := db.DeleteUpload(ctx, u.ID, 0); err != nil {
			t.Fatal(err)
		}
	}
	// The same file with another text (a re-extraction) earns nothing
	// either; new content does.
	same := mustCreateUpload(t, db, newUpload(alice.ID, "f1", "另一段正文，内容全然不同。"))
	if ap := mustApprove(t, db, same.ID, mod.ID, reward); ap.Reward != 0 {
		t.Fatalf("same file: %+v", ap)
	}
	fresh := mustCreateUpload(t, db, newUpload(alice.ID, "f3", "全新的正文，从未上传过。"))
	fresh2, err := db.SubmitUpload(ctx, fresh.ID, alice.ID, wengao.UploadMeta{Title: "另一篇文稿"})
	if err != nil {
		t.Fatal(err)
	}
	if ap := mustApprove(t, db, fresh2.ID, mod.ID, reward); ap.Reward != reward {
		t.Fatalf("new content: %+v", ap)
	}
	mustBalance(t, db, alice.ID, reward)
	mustBalance(t, db, mod.ID, 0)
	mustCheckLedger(t, db)
}

// TestDeleteUploadSpent: deleting takes back only what is left of the
// reward, never going below zero.
func TestDeleteUploadSpent(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustSaveDocs(t, db, 2)
	alice := mustCreateUser(t, db, "alice", 0)

	a := mustCreateUpload(t, db, newUpload(alice.ID, "fa"))
	mustApprove(t, db, a.ID, 0, reward)
	b := mustCreateUpload(t, db, newUpload(alice.ID, "fb", "第二篇文稿的正文。"))
	b, err := db.SubmitUpload(ctx, b.ID, alice.ID, wengao.UploadMeta{Title: "第二篇文稿"})
	if err != nil {
		t.Fatal(err)
	}
	mustApprove(t, db, b.ID, 0, reward)
	mustBalance(t, db, alice.ID, 2*reward)
	if _, _, err := db.Purchase(ctx, alice.ID, "d0", 13, ""); err != nil {
		t.Fatal(err)
	}
	mustBalance(t, db, alice.ID, 7)

	if _, err := db.DeleteUpload(ctx, a.ID, 0); err != nil {
		t.Fatal(err)
	}
	// Taken back in full, below zero (issue 11).
	mustBalance(t, db, alice.ID, 7-reward)
	e, _ := lastEntry(t, db, alice.ID)
	if got := e.Amount; got != -reward {
		t.Fatalf("reversal: e.Amount = %v, want %v", got, -reward)
	}
	if got := e.Balance; got != 7-reward {
		t.Fatalf("reversal: e.Balance = %v, want %v", got, 7-reward)
	}
	if got := e.OperatorID; got != 0 {
		t.Fatalf("reversal: e.OperatorID = %v, want %v", got, 0)
	}
	if got := e.Kind; got != wengao.KindAdjust {
		t.Fatalf("reversal: e.Kind = %v, want %v", got, wengao.KindAdjust)
	}
	if _, err := db.DeleteUpload(ctx, b.ID, 0); err != nil {
		t.Fatal(err)
	}
	mustBalance(t, db, alice.ID, 7-2*reward)
	// A negative balance blocks spending; free access still works.
	_, _, err = db.Purchase(ctx, alice.ID, "d1", 1, "")
	wantCode(t, err, wengao.EPAYMENT)
	mustCheckLedger(t, db)
}

func TestRejectUpload(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	alice := mustCreateUser(t, db, "alice", 0)
	up := mustCreateUpload(t, db, newUpload(alice.ID, "f1"))

	_, err := db.RejectUpload(ctx, up.ID, 0, "  ")
	wantCode(t, err, wengao.EINVALID)
	_, err = db.RejectUpload(ctx, up.ID, 0, strings.Repeat("字", wengao.UploadReasonMaxRunes+1))
	wantCode(t, err, wengao.EINVALID)
	_, err = db.RejectUpload(ctx, up.ID+1, 0, "重复")
	wantCode(t, err, wengao.ENOTFOUND)
	_, err = db.RejectUpload(ctx, up.ID, alice.ID, "自己驳回")
	wantCode(t, err, wengao.EFORBIDDEN)
	mod := mustCreateStaff(t, db, "mod", wengao.RoleModerator)
	rej, err := db.RejectUpload(ctx, up.ID, mod.ID, " 正文不完整 ")
	if err != nil {
		t.Fatal(err)
	}
	if got := rej.Status; got != wengao.UploadRejected {
		t.Fatalf("rejected: rej.Status = %v, want %v", got, wengao.UploadRejected)
	}
	if got := rej.Reason; got != "正文不完整" {
		t.Fatalf("rejected: rej.Reason = %v, want %v", got, "正文不完整")
	}
	if got := rej.ReviewerID; got != mod.ID {
		t.Fatalf("rejected: rej.ReviewerID = %v, want %v", got, mod.ID)
	}
	if rej.ReviewedAt == nil {
		t.Fatalf("rejected: rej.ReviewedAt is nil")
	}
	_, err = db.FindUploadByFile(ctx, "f1")
	wantCode(t, err, wengao.ENOTFOUND)
	_, err = db.ApproveUpload(ctx, up.ID, 0, reward, nil)
	wantCode(t, err, wengao.ECONFLICT)
	_, err = db.SubmitUpload(ctx, up.ID, alice.ID, uploadMeta)
	wantCode(t, err, wengao.ECONFLICT)
	if _, err := db.FindDocumentByID(ctx, wengao.UploadDocumentID(up.ID)); wengao.ErrorCode(err) != wengao.ENOTFOUND {
		t.Errorf("document of a rejected upload: %v", err)
	}
	{
		del, err := db.DeleteUpload(ctx, up.ID, 0)
		if err != nil {
			t.Fatalf("delete rejected: %v", err)
		}
		if got := del.Status; got != wengao.UploadDeleted {
			t.Fatalf("delete rejected: del.Status = %v, want %v", got, wengao.UploadDeleted)
		}
	}
	mustBalance(t, db, alice.ID, 0)

	// A draft: an approval needs it submitted first.
	d := newUpload(alice.ID, "f2")
	d.Status = wengao.UploadDraft
	mustCreateUpload(t, db, d)
	_, err = db.ApproveUpload(ctx, d.ID, 0, reward, nil)
	wantCode(t, err, wengao.ECONFLICT)
	_, err = db.UpdateUploadMeta(ctx, d.ID, 0, uploadMeta)
	wantCode(t, err, wengao.ECONFLICT)
}

func TestCreateUploadInvalid(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	alice := mustCreateUser(t, db, "alice", 0)
	for name, c := range map[string]struct {
		u    *wengao.Upload
		code string
	}{
		"empty":      {&wengao.Upload{UserID: alice.ID, Status: wengao.UploadDraft, Body: []string{" ", "\u3000"}}, wengao.EINVALID},
		"status":     {&wengao.Upload{UserID: alice.ID, Status: wengao.UploadApproved, Body: uploadBody}, wengao.EINVALID},
		"no title":   {&wengao.Upload{UserID: alice.ID, Status: wengao.UploadPending, Body: uploadBody}, wengao.EINVALID},
		"no user":    {&wengao.Upload{UserID: alice.ID + 1, Body: uploadBody}, wengao.ENOTFOUND},
		"bad status": {&wengao.Upload{UserID: alice.ID, Status: "bogus", Body: uploadBody}, wengao.EINVALID},
	} {
		t.Run(name, func(t *testing.T) {
			wantCode(t, db.CreateUpload(ctx, c.u), c.code)
		})
	}
	_, err := db.FindUpload(ctx, 1)
	wantCode(t, err, wengao.ENOTFOUND)
	_, err = db.FindUploadByFile(ctx, "")
	wantCode(t, err, wengao.ENOTFOUND)
}

// TestApproveDuplicate: a text already in the library is refused, naming
// the document it repeats.
func TestApproveDuplicate(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	alice := mustCreateUser(t, db, "alice", 0)
	mustSave(t, db, &wengao.Document{ID: "gov-4", Title: uploadMeta.Title, Body: uploadBody})
	up := mustCreateUpload(t, db, newUpload(alice.ID, "f1"))
	_, err := db.ApproveUpload(ctx, up.ID, 0, reward, nil)
	wantCode(t, err, wengao.ECONFLICT)
	if msg := wengao.ErrorMessage(err); msg != "该文稿与已收录的《"+uploadMeta.Title+"》重复。" {
		t.Errorf("message %q", msg)
	}
	{
		got, err := db.FindUpload(ctx, up.ID)
		if err != nil {
			t.Fatalf("after refusal: %v", err)
		}
		if got := got.Status; got != wengao.UploadPending {
			t.Fatalf("after refusal: got.Status = %v, want %v", got, wengao.UploadPending)
		}
	}
	if _, err := db.FindDocumentByID(ctx, wengao.UploadDocumentID(up.ID)); wengao.ErrorCode(err) != wengao.ENOTFOUND {
		t.Errorf("duplicate published: %v", err)
	}
	mustBalance(t, db, alice.ID, 0)
}

// TestApproveConcurrent: approvals of one upload racing each other
// publish it once and reward it once.
func TestApproveConcurrent(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	alice := mustCreateUser(t, db, "alice", 0)
	up := mustCreateUpload(t, db, newUpload(alice.ID, "f1"))
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			u, err := db.ApproveUpload(ctx, up.ID, 0, reward, nil)
			if err != nil {
				t.Error(err)
			} else if u.Status != wengao.UploadApproved || u.Reward != reward {
				t.Errorf("approved: %+v", u)
			}
		})
	}
	wg.Wait()
	mustBalance(t, db, alice.ID, reward)
	if _, n := lastEntry(t, db, alice.ID); n != 1 {
		t.Errorf("%d ledger entries, want 1", n)
	}
	{
		n, err := db.CountDocuments(ctx)
		if err != nil {
			t.Fatalf("%v", err)
		}
		if got := n; got != 1 {
			t.Errorf("n = %v, want %v", got, 1)
		}
	}
	mustCheckLedger(t, db)
}

// TestApproveInterrupted: an approval cut short after publishing, when
// approvals were two transactions, left a document; approving again
// adopts it, rejecting removes it.
func TestApproveInterrupted(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	alice := mustCreateUser(t, db, "alice", 0)
	published := func(u *wengao.Upload) {
		mustSave(t, db, &wengao.Document{ID: wengao.UploadDocumentID(u.ID), Title: u.Meta.Title, Date: u.Meta.Date,
			Category: u.Meta.Category, Author: u.Meta.Issuer, Source: "网友上传 · " + u.Meta.DocNumber, Body: u.Body})
	}
	a := mustCreateUpload(t, db, newUpload(alice.ID, "fa"))
	published(a)
	if ap := mustApprove(t, db, a.ID, 0, reward); ap.Reward != reward {
		t.Fatalf("adopted: %+v", ap)
	}
	{
		d, err := db.FindDocumentByID(ctx, wengao.UploadDocumentID(a.ID))
		if err != nil {
			t.Fatalf("adopted document: %v", err)
		}
		if got := d.UploaderID; got != alice.ID {
			t.Fatalf("adopted document: d.UploaderID = %v, want %v", got, alice.ID)
		}
		if d.File == nil {
			t.Fatalf("adopted document: d.File is nil")
		}
	}

	b := mustCreateUpload(t, db, newUpload(alice.ID, "fb", "第二篇的正文。"))
	published(b)
	if _, err := db.RejectUpload(ctx, b.ID, 0, "不予收录"); err != nil {
		t.Fatal(err)
	}
	mustBeGone(t, db, wengao.UploadDocumentID(b.ID), "第二篇的正文", 1)
	mustBalance(t, db, alice.ID, reward)
	mustCheckLedger(t, db)
}

func TestListUploads(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	alice := mustCreateUser(t, db, "alice", 0)
	bob := mustCreateUser(t, db, "bob", 0)
	var ids []int64
	for i := range 5 {
		user := alice.ID
		if i%2 == 1 {
			user = bob.ID
		}
		u := newUpload(user, fmt.Sprintf("f%d", i), fmt.Sprintf("第%d篇正文。", i))
		if i == 0 {
			u.Status = wengao.UploadDraft
		}
		ids = append(ids, mustCreateUpload(t, db, u).ID)
	}
	if _, err := db.RejectUpload(ctx, ids[2], 0, "重复"); err != nil {
		t.Fatal(err)
	}
	list := func(f wengao.UploadFilter) ([]int64, int) {
		t.Helper()
		ups, total, err := db.ListUploads(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, u := range ups {
			if got := u.Body; got != nil {
				t.Errorf("listed: u.Body = %v, want %v", got, nil)
			}
			if got := u.Outline; got != nil {
				t.Errorf("listed: u.Outline = %v, want %v", got, nil)
			}
			if u.Username == "" {
				t.Errorf("listed: %+v (want not u.Username == \"\")", u)
			}
			if u.Meta.Title == "" && u.Status != wengao.UploadDraft {
				t.Errorf("listed: %+v (want not u.Meta.Title == \"\" && u.Status != wengao.UploadDraft)", u)
			}
			got = append(got, u.ID)
		}
		return got, total
	}
	rev := func(xs ...int64) []int64 { xs = slices.Clone(xs); slices.Reverse(xs); return xs }
	for _, c := range []struct {
		f     wengao.UploadFilter
		want  []int64
		total int
	}{
		{wengao.UploadFilter{Page: 1}, rev(ids...), 5},
		{wengao.UploadFilter{Page: 1, UserID: alice.ID}, rev(ids[0], ids[2], ids[4]), 3},
		{wengao.UploadFilter{Page: 1, Status: wengao.UploadPending}, rev(ids[1], ids[3], ids[4]), 3},
		{wengao.UploadFilter{Page: 1, UserID: bob.ID, Status: wengao.UploadPending}, rev(ids[1], ids[3]), 2},
		{wengao.UploadFilter{Page: 1, Status: wengao.UploadRejected}, []int64{ids[2]}, 1},
		{wengao.UploadFilter{Page: 2, Limit: 2}, []int64{ids[2], ids[1]}, 5},
		{wengao.UploadFilter{Page: 3, Limit: 2}, []int64{ids[0]}, 5},
		{wengao.UploadFilter{Page: 4, Limit: 2}, nil, 5},
		{wengao.UploadFilter{Page: 1, Status: wengao.UploadApproved}, nil, 0},
	} {
		{
			got, total := list(c.f)
			if !slices.Equal(got, c.want) {
				t.Errorf("%+v: %v (%d), want %v (%d) (want slices.Equal(got, c.want))", c.f, got, total, c.want, c.total)
			}
			if got := total; got != c.total {
				t.Errorf("%+v: total = %v, want %v", c.f, got, c.total)
			}
		}
	}
	_, _, err := db.ListUploads(ctx, wengao.UploadFilter{Page: 0})
	wantCode(t, err, wengao.EINVALID)
	_, _, err = db.ListUploads(ctx, wengao.UploadFilter{Page: 1, Status: "bogus"})
	wantCode(t, err, wengao.EINVALID)
}

// TestApproveRaces runs approvals against rejections, corrections and
// deletions of the same uploads and checks that every upload ends
// consistent: published with its uploader when approved, unpublished
// otherwise, and rewarded exactly when approved.
func TestApproveRaces(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	alice := mustCreateUser(t, db, "alice", 0)
	const n = 8
	var ups []*wengao.Upload
	for i := range 3 * n {
		// Texts far apart: a near-duplicate of an earlier rewarded upload
		// earns nothing (issue 11).
		u := newUpload(alice.ID, fmt.Sprintf("f%d", i), fmt.Sprintf("第%d篇文稿的正文，各不相同：%s。", i, strings.Repeat(string(rune('甲'+i*7)), 30)))
		u.Meta.Title = fmt.Sprintf("第%d篇文稿", i)
		ups = append(ups, mustCreateUpload(t, db, u))
	}
	var wg sync.WaitGroup
	for i, u := range ups {
		wg.Go(func() {
			_, err := db.ApproveUpload(ctx, u.ID, 0, reward, nil)
			if err != nil && wengao.ErrorCode(err) != wengao.ECONFLICT {
				t.Error(err)
			}
		})
		wg.Go(func() {
			var err error
			switch i % 3 {
			case 0:
				_, err = db.RejectUpload(ctx, u.ID, 0, "不予收录")
			case 1:
				m := u.Meta
				m.Title += "（修订）"
				_, err = db.UpdateUploadMeta(ctx, u.ID, 0, m)
			case 2:
				_, err = db.DeleteUpload(ctx, u.ID, 0)
			}
			if err != nil && wengao.ErrorCode(err) != wengao.ECONFLICT {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	var want int64
	for _, u := range ups {
		u, err := db.FindUpload(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		d, err := db.FindDocumentByID(ctx, wengao.UploadDocumentID(u.ID))
		switch u.Status {
		case wengao.UploadApproved:
			want += u.Reward
			if err != nil {
				t.Fatalf("approved %d: %v", u.ID, err)
			}
			if got := d.UploaderID; got != alice.ID {
				t.Errorf("approved %d: d.UploaderID = %v, want %v", u.ID, got, alice.ID)
			}
			if got := d.Title; got != u.Meta.Title {
				t.Errorf("approved %d: d.Title = %v, want %v", u.ID, got, u.Meta.Title)
			}
			if got := u.Reward; got != reward {
				t.Errorf("approved %d: u.Reward = %v, want %v", u.ID, got, reward)
			}
		default:
			if got := wengao.ErrorCode(err); got != wengao.ENOTFOUND {
				t.Errorf("%s %d: wengao.ErrorCode(err) = %v, want %v", u.Status, u.ID, got, wengao.ENOTFOUND)
			}
			if u.Reward != 0 && u.Status != wengao.UploadDeleted {
				t.Errorf("%s %d: %+v, document %+v, %v (want not u.Reward != 0 && u.Status != wengao.UploadDeleted)", u.Status, u.ID, u, d, err)
			}
		}
	}
	mustBalance(t, db, alice.ID, want)
	mustCheckLedger(t, db)
	if docs, total := listIDs(t, db); int64(total)*reward != want {
		t.Errorf("%d documents %v for %d points", total, docs, want)
	}
}

// TestDeleteUploadDocumentGone: an approved upload whose document an
// operator deleted is still deleted, and its reward taken back.
func TestDeleteUploadDocumentGone(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	alice := mustCreateUser(t, db, "alice", 0)
	up := mustCreateUpload(t, db, newUpload(alice.ID, "f1"))
	ap := mustApprove(t, db, up.ID, 0, reward)
	if err := db.DeleteDocument(ctx, ap.DocumentID); err != nil {
		t.Fatal(err)
	}
	{
		del, err := db.DeleteUpload(ctx, up.ID, 0)
		if err != nil {
			t.Fatalf("delete: %v", err)
		}
		if got := del.Status; got != wengao.UploadDeleted {
			t.Fatalf("delete: del.Status = %v, want %v", got, wengao.UploadDeleted)
		}
	}
	mustBalance(t, db, alice.ID, 0)
	mustCheckLedger(t, db)
}

// TestUpdateUploadMetaReview checks that correcting an upload's metadata
// is a review: a moderator or admin may correct someone else's pending
// upload, not their own, and a reader not at all; a refused correction
// changes nothing.
func TestUpdateUploadMetaReview(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mod := mustCreateStaff(t, db, "mod", wengao.RoleModerator)
	admin := mustCreateStaff(t, db, "admin", wengao.RoleAdmin)
	reader := mustCreateUser(t, db, "reader", 0)
	other := mustCreateUser(t, db, "other", 0)

	corrected := uploadMeta
	corrected.Title = "更正后的标题"
	tests := []struct {
		name     string
		uploader *wengao.User
		reviewer *wengao.User
		wantErr  error // nil: corrected
	}{
		{"moderator corrects their own upload", mod, mod, wengao.ErrOwnUploadReview},
		{"admin corrects their own upload", admin, admin, wengao.ErrOwnUploadReview},
		{"reader corrects their own upload", reader, reader, wengao.ErrOwnUploadReview},
		{"reader corrects another's upload", other, reader, wengao.ErrNotStaff},
		{"moderator corrects a reader's upload", reader, mod, nil},
		{"admin corrects a moderator's upload", mod, admin, nil},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up := mustCreateUpload(t, db, newUpload(tt.uploader.ID, fmt.Sprintf("meta-review-%d", i)))
			got, err := db.UpdateUploadMeta(ctx, up.ID, tt.reviewer.ID, corrected)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("UpdateUploadMeta: %v, want %v", err, tt.wantErr)
				}
				after, err := db.FindUpload(ctx, up.ID)
				if err != nil {
					t.Fatal(err)
				}
				if after.Meta.Title != uploadMeta.Title {
					t.Errorf("title after refusal: %q, want %q", after.Meta.Title, uploadMeta.Title)
				}
				return
			}
			if err != nil {
				t.Fatalf("UpdateUploadMeta: %v, want success", err)
			}
			if got.Meta.Title != corrected.Title {
				t.Errorf("title: %q, want %q", got.Meta.Title, corrected.Title)
			}
		})
	}
}

// TestApproveWithCorrection: a reviewer's correction of the metadata is
// written with the approval, in its transaction: the document carries it,
// and an approval refused (here, a duplicate text) leaves the upload's
// metadata as it was.
func TestApproveWithCorrection(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	alice := mustCreateUser(t, db, "alice", 0)
	mod := mustCreateStaff(t, db, "mod", wengao.RoleModerator)
	corrected := uploadMeta
	corrected.Title = "更正后的标题"

	up := mustCreateUpload(t, db, newUpload(alice.ID, "fix-1"))
	got, err := db.ApproveUpload(ctx, up.ID, mod.ID, reward, &corrected)
	if err != nil {
		t.Fatalf("approve with a correction: %v", err)
	}
	if got.Meta.Title != corrected.Title {
		t.Errorf("upload title: got %q, want %q", got.Meta.Title, corrected.Title)
	}
	doc, err := db.FindDocumentByID(ctx, wengao.UploadDocumentID(up.ID))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Title != corrected.Title {
		t.Errorf("document title: got %q, want %q", doc.Title, corrected.Title)
	}

	// The same text, corrected to the same title: refused as a duplicate
	// of the first, and the correction with it.
	dup := mustCreateUpload(t, db, newUpload(alice.ID, "fix-2"))
	_, err = db.ApproveUpload(ctx, dup.ID, mod.ID, reward, &corrected)
	wantCode(t, err, wengao.ECONFLICT)
	after, err := db.FindUpload(ctx, dup.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.Meta != uploadMeta {
		t.Errorf("metadata after a refused approval: got %+v, want %+v", after.Meta, uploadMeta)
	}
	if after.Status != wengao.UploadPending {
		t.Errorf("status after a refused approval: got %s, want %s", after.Status, wengao.UploadPending)
	}

	// An invalid correction is refused before anything is written.
	bad := uploadMeta
	bad.Title = " "
	_, err = db.ApproveUpload(ctx, dup.ID, mod.ID, reward, &bad)
	wantCode(t, err, wengao.EINVALID)
}
