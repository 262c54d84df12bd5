package sqlite_test

import (
	"context"
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
	u, err := db.ApproveUpload(context.Background(), id, reviewer, reward)
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
	if up.ID == 0 || up.Username != "alice" || up.CreatedAt.IsZero() || up.TextHash == "" || len(up.Body) != len(uploadBody) {
		t.Fatalf("created: %+v", up)
	}
	got, err := db.FindUpload(ctx, up.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != wengao.UploadDraft || !slices.Equal(got.Body, uploadBody) || got.File != up.File || got.Username != "alice" ||
		len(got.Outline) == 0 || got.Outline[0].Paragraph != 1 || len(got.NearDuplicates) != 1 || got.TextHash != up.TextHash {
		t.Fatalf("found: %+v", got)
	}
	if got, err := db.FindUploadByFile(ctx, "f1"); err != nil || got.ID != up.ID {
		t.Fatalf("by file: %v, %v", got, err)
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
		if wengao.ErrorMessage(err) == "" || !strings.HasSuffix(wengao.ErrorMessage(err), "。") {
			t.Errorf("message %q", wengao.ErrorMessage(err))
		}
	}
	m := uploadMeta
	m.Title = " 关于推进政务服务一网通办的意见 "
	m.Category = " 意见 / 政务服务 "
	sub, err := db.SubmitUpload(ctx, up.ID, alice.ID, m)
	if err != nil {
		t.Fatal(err)
	}
	if sub.Status != wengao.UploadPending || sub.Meta.Title != "关于推进政务服务一网通办的意见" || sub.Meta.Category != "意见/政务服务" {
		t.Fatalf("submitted: %+v", sub.Meta)
	}
	// A moderator corrects it.
	sub, err = db.UpdateUploadMeta(ctx, up.ID, uploadMeta)
	if err != nil {
		t.Fatal(err)
	}
	if sub.Meta != uploadMeta {
		t.Fatalf("corrected: %+v", sub.Meta)
	}

	// Approval publishes it and rewards its uploader, once.
	ap := mustApprove(t, db, up.ID, mod.ID, reward)
	docID := wengao.UploadDocumentID(up.ID)
	if ap.Status != wengao.UploadApproved || ap.DocumentID != docID || ap.Reward != reward || ap.ReviewerID != mod.ID || ap.ReviewedAt == nil {
		t.Fatalf("approved: %+v", ap)
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
	if e, n := lastEntry(t, db, alice.ID); n != 1 || e.Kind != wengao.KindUploadApproved || e.Amount != reward || e.DocumentID != docID || e.Reason != "上传文稿通过审核" {
		t.Fatalf("entry: %+v (%d)", e, n)
	}
	again := mustApprove(t, db, up.ID, mod.ID, 99)
	if again.Reward != reward || again.DocumentID != docID || *again.ReviewedAt != *ap.ReviewedAt {
		t.Fatalf("approved again: %+v", again)
	}
	mustBalance(t, db, alice.ID, reward)
	mustCheckLedger(t, db)

	// An approved upload is settled.
	_, err = db.SubmitUpload(ctx, up.ID, alice.ID, uploadMeta)
	wantCode(t, err, wengao.ECONFLICT)
	_, err = db.UpdateUploadMeta(ctx, up.ID, uploadMeta)
	wantCode(t, err, wengao.ECONFLICT)
	_, err = db.RejectUpload(ctx, up.ID, mod.ID, "不合适")
	wantCode(t, err, wengao.ECONFLICT)

	// Deleting it removes the document and takes the reward back.
	del, err := db.DeleteUpload(ctx, up.ID, mod.ID)
	if err != nil {
		t.Fatal(err)
	}
	if del.Status != wengao.UploadDeleted || del.DocumentID != docID {
		t.Fatalf("deleted: %+v", del)
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
	_, err = db.ApproveUpload(ctx, up.ID, mod.ID, reward)
	wantCode(t, err, wengao.ECONFLICT)
	_, err = db.FindUploadByFile(ctx, "f1")
	wantCode(t, err, wengao.ENOTFOUND)

	// Sending the same file, or the same text in another file, again
	// earns nothing, whoever sends it.
	for i, u := range []*wengao.Upload{newUpload(alice.ID, "f1"), newUpload(mod.ID, "f2")} {
		mustCreateUpload(t, db, u)
		ap := mustApprove(t, db, u.ID, 0, reward) // nobody reviews their own upload; the system may
		if ap.Status != wengao.UploadApproved || ap.Reward != 0 {
			t.Fatalf("upload again %d: %+v", i, ap)
		}
		if d, err := db.FindDocumentByID(ctx, ap.DocumentID); err != nil || d.UploaderID != u.UserID {
			t.Fatalf("document again %d: %+v, %v", i, d, err)
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
	if e.Amount != -reward || e.Balance != 7-reward || e.OperatorID != 0 || e.Kind != wengao.KindAdjust {
		t.Fatalf("reversal: %+v", e)
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
	if rej.Status != wengao.UploadRejected || rej.Reason != "正文不完整" || rej.ReviewerID != mod.ID || rej.ReviewedAt == nil {
		t.Fatalf("rejected: %+v", rej)
	}
	_, err = db.FindUploadByFile(ctx, "f1")
	wantCode(t, err, wengao.ENOTFOUND)
	_, err = db.ApproveUpload(ctx, up.ID, 0, reward)
	wantCode(t, err, wengao.ECONFLICT)
	_, err = db.SubmitUpload(ctx, up.ID, alice.ID, uploadMeta)
	wantCode(t, err, wengao.ECONFLICT)
	if _, err := db.FindDocumentByID(ctx, wengao.UploadDocumentID(up.ID)); wengao.ErrorCode(err) != wengao.ENOTFOUND {
		t.Errorf("document of a rejected upload: %v", err)
	}
	if del, err := db.DeleteUpload(ctx, up.ID, 0); err != nil || del.Status != wengao.UploadDeleted {
		t.Fatalf("delete rejected: %+v, %v", del, err)
	}
	mustBalance(t, db, alice.ID, 0)

	// A draft: an approval needs it submitted first.
	d := newUpload(alice.ID, "f2")
	d.Status = wengao.UploadDraft
	mustCreateUpload(t, db, d)
	_, err = db.ApproveUpload(ctx, d.ID, 0, reward)
	wantCode(t, err, wengao.ECONFLICT)
	_, err = db.UpdateUploadMeta(ctx, d.ID, uploadMeta)
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
	_, err := db.ApproveUpload(ctx, up.ID, 0, reward)
	wantCode(t, err, wengao.ECONFLICT)
	if msg := wengao.ErrorMessage(err); msg != "该文稿与已收录的《"+uploadMeta.Title+"》重复。" {
		t.Errorf("message %q", msg)
	}
	if got, err := db.FindUpload(ctx, up.ID); err != nil || got.Status != wengao.UploadPending {
		t.Fatalf("after refusal: %+v, %v", got, err)
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
			u, err := db.ApproveUpload(ctx, up.ID, 0, reward)
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
	if n, err := db.CountDocuments(ctx); err != nil || n != 1 {
		t.Errorf("%d documents, %v", n, err)
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
	if d, err := db.FindDocumentByID(ctx, wengao.UploadDocumentID(a.ID)); err != nil || d.UploaderID != alice.ID || d.File == nil {
		t.Fatalf("adopted document: %+v, %v", d, err)
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
			if u.Body != nil || u.Outline != nil || u.Username == "" || u.Meta.Title == "" && u.Status != wengao.UploadDraft {
				t.Errorf("listed: %+v", u)
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
		if got, total := list(c.f); !slices.Equal(got, c.want) || total != c.total {
			t.Errorf("%+v: %v (%d), want %v (%d)", c.f, got, total, c.want, c.total)
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
			_, err := db.ApproveUpload(ctx, u.ID, 0, reward)
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
				_, err = db.UpdateUploadMeta(ctx, u.ID, m)
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
			if err != nil || d.UploaderID != alice.ID || d.Title != u.Meta.Title || u.Reward != reward {
				t.Errorf("approved %d: %+v, document %+v, %v", u.ID, u, d, err)
			}
		default:
			if wengao.ErrorCode(err) != wengao.ENOTFOUND || u.Reward != 0 && u.Status != wengao.UploadDeleted {
				t.Errorf("%s %d: %+v, document %+v, %v", u.Status, u.ID, u, d, err)
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
	if del, err := db.DeleteUpload(ctx, up.ID, 0); err != nil || del.Status != wengao.UploadDeleted {
		t.Fatalf("delete: %+v, %v", del, err)
	}
	mustBalance(t, db, alice.ID, 0)
	mustCheckLedger(t, db)
}
