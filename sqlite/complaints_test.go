package sqlite_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/sqlite"
)

func mustComplain(tb testing.TB, db *sqlite.DB, c *wengao.Complaint) *wengao.Complaint {
	tb.Helper()
	if err := db.CreateComplaint(context.Background(), c); err != nil {
		tb.Fatal(err)
	}
	return c
}

// copyrightComplaint is a takedown notice asked to hide its document:
// it does when userID is an account in good standing.
func copyrightComplaint(userID int64, docID string) *wengao.Complaint {
	return &wengao.Complaint{Kind: wengao.ComplaintCopyright, DocumentID: docID, UserID: userID,
		Reason: "该文为本单位内部资料，未经授权转载。", Contact: "legal@example.com",
		RightsHolder: "某某出版社", Work: "《内部资料汇编》", EvidenceFile: &wengao.SourceFile{Key: "proof-key", Name: "授权书.pdf", Size: 10},
		Takedown: &wengao.TakedownRequest{}}
}

// eventActions returns the actions of a complaint's events.
func eventActions(c *wengao.Complaint) []string {
	var out []string
	for _, e := range c.Events {
		out = append(out, e.Action)
	}
	return out
}

func mustFindComplaint(tb testing.TB, db *sqlite.DB, id int64) *wengao.Complaint {
	tb.Helper()
	c, err := db.FindComplaint(context.Background(), id)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// TestComplaintHideReject: a copyright complaint hides its document at
// once, in every process; while another complaint holds it, rejecting
// one keeps it hidden; rejecting the last publishes it again.
func TestComplaintHideReject(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustSave(t, db, deleteTestDocs()...)
	other := mustOpenOther(t, db)
	if err := db.RecordReads(ctx, []wengao.Read{{DocumentID: "eco-2", Day: "2024-01-02", Count: 9}, {DocumentID: "eco-1", Day: "2024-01-02", Count: 2}}); err != nil {
		t.Fatal(err)
	}
	alice := mustCreateUser(t, db, "alice", 0)
	admin := mustCreateStaff(t, db, "admin", wengao.RoleAdmin)
	for _, h := range []*sqlite.DB{db, other} {
		checkShown(t, h, true)
	}

	c1 := mustComplain(t, db, copyrightComplaint(alice.ID, " eco-2 "))
	if c1.ID == 0 || c1.Status != wengao.ComplaintOpen || c1.DocumentID != "eco-2" || c1.DocumentTitle != "生态环境保护督察工作规定" ||
		c1.UserID != alice.ID || c1.ResolvedAt != nil || c1.CreatedAt.IsZero() {
		t.Errorf("created: %+v", c1)
	}
	if got := eventActions(c1); !slices.Equal(got, []string{"opened", "hidden"}) {
		t.Errorf("events: %v", got)
	}
	if got := c1.Events[0].ActorName; got != "alice" {
		t.Errorf("actors: c1.Events[0].ActorName = %v, want %v", got, "alice")
	}
	if got := c1.Events[1].ActorID; got != 0 {
		t.Errorf("actors: c1.Events[1].ActorID = %v, want %v", got, 0)
	}
	if got := c1.Events[1].ActorName; got != "" {
		t.Errorf("actors: c1.Events[1].ActorName = %v, want %v", got, "")
	}
	reason1 := "收到版权投诉（投诉 #" + strconv.FormatInt(c1.ID, 10) + "），核实中"
	{
		s, r := docStatus(t, db, "eco-2")
		if got := s; got != wengao.DocHidden {
			t.Errorf("document: s = %v, want %v", got, wengao.DocHidden)
		}
		if got := r; got != reason1 {
			t.Errorf("document: r = %v, want %v", got, reason1)
		}
	}
	for name, h := range map[string]*sqlite.DB{"same": db, "other": other} {
		t.Run("hidden/"+name, func(t *testing.T) { checkShown(t, h, false) })
	}

	// A second complaint finds it hidden already.
	c2 := mustComplain(t, db, copyrightComplaint(0, "eco-2"))
	{
		got := eventActions(c2)
		if !slices.Equal(got, []string{"opened"}) {
			t.Errorf("second: %v %+v (want slices.Equal(got, []string{\"opened\"}))", got, c2)
		}
		if got := c2.UserID; got != 0 {
			t.Errorf("second: c2.UserID = %v, want %v", got, 0)
		}
	}
	got, err := db.RejectComplaint(ctx, c1.ID, admin.ID, " 证据不足 ")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != wengao.ComplaintRejected || got.Note != "证据不足" || got.ResolvedAt == nil ||
		!slices.Equal(eventActions(got), []string{"opened", "hidden", "rejected"}) {
		t.Errorf("rejected: %+v", got)
	}
	{
		e := got.Events[2]
		if got := e.ActorID; got != admin.ID {
			t.Errorf("rejected event: e.ActorID = %v, want %v", got, admin.ID)
		}
		if got := e.ActorName; got != "admin" {
			t.Errorf("rejected event: e.ActorName = %v, want %v", got, "admin")
		}
		if got := e.Note; got != "证据不足" {
			t.Errorf("rejected event: e.Note = %v, want %v", got, "证据不足")
		}
	}
	{
		s, r := docStatus(t, db, "eco-2")
		if got := s; got != wengao.DocHidden {
			t.Errorf("held by the second complaint: s = %v, want %v", got, wengao.DocHidden)
		}
		if !strings.Contains(r, "#"+strconv.FormatInt(c2.ID, 10)) {
			t.Errorf("held by the second complaint: %q %q (want strings.Contains(r, \"#\"+strconv.FormatInt(c2.ID, 10)))", s, r)
		}
	}
	checkShown(t, other, false)

	got, err = db.RejectComplaint(ctx, c2.ID, admin.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(eventActions(got), []string{"opened", "rejected", "published"}) {
		t.Errorf("events: %v", eventActions(got))
	}
	{
		s, r := docStatus(t, db, "eco-2")
		if got := s; got != wengao.DocPublished {
			t.Errorf("published again: s = %v, want %v", got, wengao.DocPublished)
		}
		if got := r; got != "" {
			t.Errorf("published again: r = %v, want %v", got, "")
		}
	}
	for name, h := range map[string]*sqlite.DB{"same": db, "other": other} {
		t.Run("published/"+name, func(t *testing.T) { checkShown(t, h, true) })
	}

	for _, err := range []error{
		func() error { _, err := db.RejectComplaint(ctx, c1.ID, admin.ID, ""); return err }(),
		func() error { _, err := db.UpholdComplaint(ctx, c2.ID, admin.ID, ""); return err }(),
	} {
		wantCode(t, err, wengao.ECONFLICT)
	}
	_, err = db.RejectComplaint(ctx, 999, admin.ID, "")
	wantCode(t, err, wengao.ENOTFOUND)
	_, err = db.UpholdComplaint(ctx, 999, admin.ID, "")
	wantCode(t, err, wengao.ENOTFOUND)
	_, err = db.FindComplaint(ctx, 999)
	wantCode(t, err, wengao.ENOTFOUND)
}

// TestComplaintOperatorDecision: an operator's hiding outlasts a
// rejected complaint, a document deleted meanwhile stays deleted, and a
// complaint of another kind hides nothing.
func TestComplaintOperatorDecision(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustSave(t, db, deleteTestDocs()...)
	admin := mustCreateStaff(t, db, "admin", wengao.RoleAdmin)

	mustSetStatus(t, db, "eco-1", wengao.DocHidden, "运营核查")
	c := mustComplain(t, db, copyrightComplaint(0, "eco-1"))
	if !slices.Equal(eventActions(c), []string{"opened"}) {
		t.Errorf("events: %v", eventActions(c))
	}
	if _, err := db.RejectComplaint(ctx, c.ID, admin.ID, ""); err != nil {
		t.Fatal(err)
	}
	{
		s, r := docStatus(t, db, "eco-1")
		if got := s; got != wengao.DocHidden {
			t.Errorf("operator's hiding: s = %v, want %v", got, wengao.DocHidden)
		}
		if got := r; got != "运营核查" {
			t.Errorf("operator's hiding: r = %v, want %v", got, "运营核查")
		}
	}

	c = mustComplain(t, db, copyrightComplaint(0, "eco-3"))
	mustSetStatus(t, db, "eco-3", wengao.DocDeleted, "确认侵权")
	if _, err := db.RejectComplaint(ctx, c.ID, admin.ID, ""); err != nil {
		t.Fatal(err)
	}
	if s, _ := docStatus(t, db, "eco-3"); s != wengao.DocDeleted {
		t.Errorf("deleted meanwhile: %q", s)
	}

	c = mustComplain(t, db, &wengao.Complaint{Kind: wengao.ComplaintOther, DocumentID: "edu-1", Reason: "标题有错别字", Contact: "13800000000"})
	{
		s, _ := docStatus(t, db, "edu-1")
		if got := s; got != wengao.DocPublished {
			t.Errorf("other kind: s = %v, want %v", got, wengao.DocPublished)
		}
		if !slices.Equal(eventActions(c), []string{"opened"}) {
			t.Errorf("other kind: %q %v (want slices.Equal(eventActions(c), []string{\"opened\"}))", s, eventActions(c))
		}
	}
	{
		c, err := db.UpholdComplaint(ctx, c.ID, admin.ID, "已更正")
		if err != nil {
			t.Fatalf("uphold: %v", err)
		}
		if got := c.Status; got != wengao.ComplaintUpheld {
			t.Fatalf("uphold: c.Status = %v, want %v", got, wengao.ComplaintUpheld)
		}
	}
	if s, _ := docStatus(t, db, "edu-1"); s != wengao.DocPublished {
		t.Errorf("upheld other kind: %q", s)
	}
	// A purged document's complaints keep its title.
	c = mustComplain(t, db, copyrightComplaint(0, "eco-3"))
	if err := db.PurgeDocument(ctx, "eco-3"); err != nil {
		t.Fatal(err)
	}
	{
		c, err := db.UpholdComplaint(ctx, c.ID, admin.ID, "")
		if err != nil {
			t.Fatalf("purged: %v", err)
		}
		if got := c.DocumentTitle; got != "关于深入打好污染防治攻坚战的意见" {
			t.Errorf("purged: c.DocumentTitle = %v, want %v", got, "关于深入打好污染防治攻坚战的意见")
		}
	}
}

// TestComplaintUpheldUpload: upholding a copyright complaint against an
// approved upload deletes its document, counts an infringement and takes
// the reward back in full (the balance may go negative), in one transaction; the
// upload cannot then be deleted for a second reversal.
func TestComplaintUpheldUpload(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustSave(t, db, deleteTestDocs()...)
	other := mustOpenOther(t, db)
	bob := mustCreateUser(t, db, "bob", 0)
	alice := mustCreateUser(t, db, "alice", 0)
	mod := mustCreateStaff(t, db, "mod", wengao.RoleModerator)
	up := mustCreateUpload(t, db, newUpload(bob.ID, "k1"))
	up = mustApprove(t, db, up.ID, mod.ID, reward)
	docID := up.DocumentID
	mustBalance(t, db, bob.ID, reward)
	// Bob spends part of the reward: 4 points are left, all 10 are taken
	// back.
	if _, _, err := db.Purchase(ctx, bob.ID, "eco-1", reward-4, ""); err != nil {
		t.Fatal(err)
	}
	if ids, _ := searchIDs(t, other, "一网通办"); !slices.Contains(ids, docID) {
		t.Fatalf("upload not found: %v", ids)
	}

	c := mustComplain(t, db, copyrightComplaint(alice.ID, docID))
	mustComplain(t, db, &wengao.Complaint{Kind: wengao.ComplaintOther, Reason: "网站打不开", Contact: "qq 12345", UserID: alice.ID})
	if ids, _ := searchIDs(t, other, "一网通办"); slices.Contains(ids, docID) {
		t.Errorf("hidden upload still found: %v", ids)
	}
	got, err := db.UpholdComplaint(ctx, c.ID, mod.ID, "经核实构成侵权")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != wengao.ComplaintUpheld || got.Note != "经核实构成侵权" || got.ResolvedAt == nil ||
		!slices.Equal(eventActions(got), []string{"opened", "hidden", "upheld", "deleted"}) {
		t.Errorf("upheld: %+v", got)
	}
	if e := got.Events[2]; e.ActorName != "mod" {
		t.Errorf("upheld event: %+v", e)
	}
	{
		note := got.Events[3].Note
		if !strings.Contains(note, "回收站") {
			t.Errorf("deleted event: %q (want strings.Contains(note, \"回收站\"))", note)
		}
		if !strings.Contains(note, "收回上传奖励 10 积分") {
			t.Errorf("deleted event: %q (want strings.Contains(note, \"收回上传奖励 10 积分\"))", note)
		}
	}
	{
		s, r := docStatus(t, db, docID)
		if got := s; got != wengao.DocDeleted {
			t.Errorf("document: s = %v, want %v", got, wengao.DocDeleted)
		}
		if !strings.Contains(r, "版权投诉成立") {
			t.Errorf("document: %q %q (want strings.Contains(r, \"版权投诉成立\"))", s, r)
		}
	}
	{
		ids, n := searchIDs(t, other, "一网通办")
		if slices.Contains(ids, docID) {
			t.Errorf("deleted upload found: %v (want not slices.Contains(ids, docID))", ids)
		}
		if got := n; got != 0 {
			t.Errorf("deleted upload found: n = %v, want %v", got, 0)
		}
	}
	au, err := db.FindAdminUser(ctx, bob.ID)
	if err != nil {
		t.Fatalf("uploader: %v", err)
	}
	if got := au.Infringements; got != 1 {
		t.Errorf("uploader: au.Infringements = %v, want %v", got, 1)
	}
	if got := au.Points; got != -6 {
		t.Errorf("uploader: au.Points = %v, want %v", got, -6)
	}
	e, _ := lastEntry(t, db, bob.ID)
	if got := e.Kind; got != wengao.KindAdjust {
		t.Errorf("ledger entry: e.Kind = %v, want %v", got, wengao.KindAdjust)
	}
	if got := e.Amount; got != -reward {
		t.Errorf("ledger entry: e.Amount = %v, want %v", got, -reward)
	}
	if got := e.Balance; got != -6 {
		t.Errorf("ledger entry: e.Balance = %v, want %v", got, -6)
	}
	if got := e.Reason; got != "版权投诉成立，收回上传奖励" {
		t.Errorf("ledger entry: e.Reason = %v, want %v", got, "版权投诉成立，收回上传奖励")
	}
	if got := e.OperatorID; got != mod.ID {
		t.Errorf("ledger entry: e.OperatorID = %v, want %v", got, mod.ID)
	}
	if got := e.DocumentID; got != docID {
		t.Errorf("ledger entry: e.DocumentID = %v, want %v", got, docID)
	}
	mustCheckLedger(t, db)
	u, err := db.FindUpload(ctx, up.ID)
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	if got := u.Status; got != wengao.UploadDeleted {
		t.Errorf("upload: u.Status = %v, want %v", got, wengao.UploadDeleted)
	}
	if !strings.Contains(u.Reason, "版权投诉成立") {
		t.Errorf("upload: %+v %v (want strings.Contains(u.Reason, \"版权投诉成立\"))", u, err)
	}
	_, err = db.DeleteUpload(ctx, up.ID, mod.ID)
	wantCode(t, err, wengao.ECONFLICT)
	mustBalance(t, db, bob.ID, -6)

	// Complaints by the complainant, about the uploader's uploads.
	list := func(f wengao.ComplaintFilter) []wengao.Complaint {
		t.Helper()
		cs, total, err := db.ListComplaints(ctx, f)
		if err != nil {
			t.Fatalf("%+v: %v", f, err)
		}
		if got := total; got != len(cs) {
			t.Fatalf("%+v: total = %v, want %v", f, got, len(cs))
		}
		return cs
	}
	{
		cs := list(wengao.ComplaintFilter{UploaderID: bob.ID, Page: 1})
		if got := len(cs); got != 1 {
			t.Fatalf("about bob's uploads: len(cs) = %v, want %v", got, 1)
		}
		if got := cs[0].ID; got != c.ID {
			t.Errorf("about bob's uploads: cs[0].ID = %v, want %v", got, c.ID)
		}
		if got := cs[0].DocumentTitle; got != uploadMeta.Title {
			t.Errorf("about bob's uploads: cs[0].DocumentTitle = %v, want %v", got, uploadMeta.Title)
		}
		if got := cs[0].Events; got != nil {
			t.Errorf("about bob's uploads: cs[0].Events = %v, want %v", got, nil)
		}
	}
	{
		cs := list(wengao.ComplaintFilter{UserID: alice.ID, Page: 1})
		if got := len(cs); got != 2 {
			t.Fatalf("alice's: len(cs) = %v, want %v", got, 2)
		}
		if got := cs[0].Kind; got != wengao.ComplaintOther {
			t.Errorf("alice's: cs[0].Kind = %v, want %v", got, wengao.ComplaintOther)
		}
		if got := cs[1].ID; got != c.ID {
			t.Errorf("alice's: cs[1].ID = %v, want %v", got, c.ID)
		}
	}
	{
		cs := list(wengao.ComplaintFilter{UserID: alice.ID, Status: wengao.ComplaintOpen, Page: 1})
		if got := len(cs); got != 1 {
			t.Fatalf("alice's open: len(cs) = %v, want %v", got, 1)
		}
		if got := cs[0].Kind; got != wengao.ComplaintOther {
			t.Errorf("alice's open: cs[0].Kind = %v, want %v", got, wengao.ComplaintOther)
		}
	}
	if cs := list(wengao.ComplaintFilter{UploaderID: alice.ID, Page: 1}); len(cs) != 0 {
		t.Errorf("about alice's uploads: %+v", cs)
	}

	// The recycle bin may still be emptied; the complaint keeps its title.
	if err := db.PurgeDocument(ctx, docID); err != nil {
		t.Fatal(err)
	}
	if c := mustFindComplaint(t, db, c.ID); c.DocumentTitle != uploadMeta.Title {
		t.Errorf("after purge: %+v", c)
	}
	mustCheckLedger(t, db)
}

// TestComplaintUploadDeletedFirst: when the uploader deleted the upload
// (and lost the reward) before the decision, upholding counts the
// infringement without taking anything a second time.
func TestComplaintUploadDeletedFirst(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	bob := mustCreateUser(t, db, "bob", 0)
	up := mustCreateUpload(t, db, newUpload(bob.ID, "k1"))
	up = mustApprove(t, db, up.ID, 0, reward)
	c := mustComplain(t, db, copyrightComplaint(0, up.DocumentID))
	if _, err := db.DeleteUpload(ctx, up.ID, 0); err != nil {
		t.Fatal(err)
	}
	mustBalance(t, db, bob.ID, 0)
	_, n := lastEntry(t, db, bob.ID)
	got, err := db.UpholdComplaint(ctx, c.ID, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	{
		note := got.Events[len(got.Events)-1].Note
		if !strings.Contains(note, "文档已不存在") {
			t.Errorf("note: %q (want strings.Contains(note, \"文档已不存在\"))", note)
		}
		if strings.Contains(note, "收回") {
			t.Errorf("note: %q (want not strings.Contains(note, \"收回\"))", note)
		}
	}
	if _, n2 := lastEntry(t, db, bob.ID); n2 != n {
		t.Errorf("ledger entries: %d, were %d", n2, n)
	}
	if au, _ := db.FindAdminUser(ctx, bob.ID); au.Infringements != 1 {
		t.Errorf("infringements: %d", au.Infringements)
	}
	mustCheckLedger(t, db)
}

func TestCreateComplaintInvalid(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustSave(t, db, deleteTestDocs()...)
	ok := func() *wengao.Complaint { return copyrightComplaint(0, "eco-1") }
	for _, tt := range []struct {
		name   string
		change func(c *wengao.Complaint)
		code   string
	}{
		{"kind", func(c *wengao.Complaint) { c.Kind = "report" }, wengao.EINVALID},
		{"no kind", func(c *wengao.Complaint) { c.Kind = "" }, wengao.EINVALID},
		{"no reason", func(c *wengao.Complaint) { c.Reason = "  " }, wengao.EINVALID},
		{"long reason", func(c *wengao.Complaint) { c.Reason = strings.Repeat("长", wengao.ComplaintReasonMaxRunes+1) }, wengao.EINVALID},
		{"no contact", func(c *wengao.Complaint) { c.Contact = "" }, wengao.EINVALID},
		{"long contact", func(c *wengao.Complaint) { c.Contact = strings.Repeat("长", wengao.ComplaintContactMaxRunes+1) }, wengao.EINVALID},
		{"long evidence", func(c *wengao.Complaint) { c.Evidence = strings.Repeat("长", wengao.ComplaintEvidenceMaxRunes+1) }, wengao.EINVALID},
		{"copyright without document", func(c *wengao.Complaint) { c.DocumentID = " " }, wengao.EINVALID},
		{"bad file", func(c *wengao.Complaint) { c.EvidenceFile = &wengao.SourceFile{Name: "a.pdf"} }, wengao.EINVALID},
		{"unknown document", func(c *wengao.Complaint) { c.DocumentID = "nope" }, wengao.ENOTFOUND},
		{"unknown other document", func(c *wengao.Complaint) { c.Kind, c.DocumentID = wengao.ComplaintOther, "nope" }, wengao.ENOTFOUND},
		{"unknown user", func(c *wengao.Complaint) { c.UserID = 999 }, wengao.ENOTFOUND},
	} {
		c := ok()
		tt.change(c)
		if err := db.CreateComplaint(ctx, c); wengao.ErrorCode(err) != tt.code {
			t.Errorf("%s: %v, want %s", tt.name, err, tt.code)
		}
	}
	// Nothing was recorded, nothing hidden.
	if _, n, _ := db.ListComplaints(ctx, wengao.ComplaintFilter{Page: 1}); n != 0 {
		t.Errorf("%d complaints recorded", n)
	}
	if s, _ := docStatus(t, db, "eco-1"); s != wengao.DocPublished {
		t.Errorf("eco-1: %q", s)
	}

	// At the limits, with an evidence file; a message needs no document.
	c := ok()
	c.Reason = strings.Repeat("长", wengao.ComplaintReasonMaxRunes)
	c.Contact = strings.Repeat("长", wengao.ComplaintContactMaxRunes)
	c.Evidence = strings.Repeat("长", wengao.ComplaintEvidenceMaxRunes)
	c.EvidenceFile = &wengao.SourceFile{Key: strings.Repeat("ab", 32), Name: " 授权书.pdf ", Size: 2048}
	mustComplain(t, db, c)
	got := mustFindComplaint(t, db, c.ID)
	if got.EvidenceFile == nil || *got.EvidenceFile != (wengao.SourceFile{Key: strings.Repeat("ab", 32), Name: "授权书.pdf", Size: 2048}) ||
		got.Reason != c.Reason || got.Evidence != c.Evidence || got.Contact != c.Contact {
		t.Errorf("stored: %+v", got.EvidenceFile)
	}
	m := mustComplain(t, db, &wengao.Complaint{Kind: wengao.ComplaintOther, Reason: "请问如何下载？", Contact: "a@example.com"})
	if got := m.DocumentID; got != "" {
		t.Errorf("message: m.DocumentID = %v, want %v", got, "")
	}
	if got := m.DocumentTitle; got != "" {
		t.Errorf("message: m.DocumentTitle = %v, want %v", got, "")
	}
	if got := m.EvidenceFile; got != nil {
		t.Errorf("message: m.EvidenceFile = %v, want %v", got, nil)
	}
	if !slices.Equal(eventActions(m), []string{"opened"}) {
		t.Errorf("message: %+v (want slices.Equal(eventActions(m), []string{\"opened\"}))", m)
	}
}

func TestListComplaints(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustSave(t, db, deleteTestDocs()...)
	admin := mustCreateStaff(t, db, "admin", wengao.RoleAdmin)
	var ids []int64
	for i := 0; i < 5; i++ {
		c := mustComplain(t, db, &wengao.Complaint{Kind: wengao.ComplaintOther, DocumentID: "eco-1", Reason: "理由", Contact: "联系"})
		ids = append(ids, c.ID)
	}
	if _, err := db.UpholdComplaint(ctx, ids[1], admin.ID, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RejectComplaint(ctx, ids[3], admin.ID, ""); err != nil {
		t.Fatal(err)
	}
	page := func(f wengao.ComplaintFilter) ([]int64, int) {
		t.Helper()
		cs, total, err := db.ListComplaints(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, c := range cs {
			out = append(out, c.ID)
			if c.DocumentTitle != "关于加强生态环境保护工作的意见" {
				t.Errorf("title: %q", c.DocumentTitle)
			}
		}
		return out, total
	}
	for _, tt := range []struct {
		f     wengao.ComplaintFilter
		ids   []int64
		total int
	}{
		{wengao.ComplaintFilter{Page: 1}, []int64{ids[4], ids[3], ids[2], ids[1], ids[0]}, 5},
		{wengao.ComplaintFilter{Page: 2, Limit: 2}, []int64{ids[2], ids[1]}, 5},
		{wengao.ComplaintFilter{Status: wengao.ComplaintOpen, Page: 1}, []int64{ids[4], ids[2], ids[0]}, 3},
		{wengao.ComplaintFilter{Status: wengao.ComplaintUpheld, Page: 1}, []int64{ids[1]}, 1},
		{wengao.ComplaintFilter{Status: wengao.ComplaintRejected, Page: 1}, []int64{ids[3]}, 1},
		{wengao.ComplaintFilter{UserID: admin.ID, Page: 1}, nil, 0},
	} {
		got, total := page(tt.f)
		if !slices.Equal(got, tt.ids) {
			t.Errorf("%+v: %v %d, want %v %d (want slices.Equal(got, tt.ids))", tt.f, got, total, tt.ids, tt.total)
		}
		if got := total; got != tt.total {
			t.Errorf("%+v: total = %v, want %v", tt.f, got, tt.total)
		}
	}
	if _, _, err := db.ListComplaints(ctx, wengao.ComplaintFilter{Page: 1, Status: "closed"}); wengao.ErrorCode(err) != wengao.EINVALID {
		t.Errorf("bad status: %v", err)
	}
	if _, _, err := db.ListComplaints(ctx, wengao.ComplaintFilter{}); wengao.ErrorCode(err) != wengao.EINVALID {
		t.Errorf("page 0: %v", err)
	}
	if _, err := db.UpholdComplaint(ctx, ids[0], admin.ID, strings.Repeat("长", 2001)); wengao.ErrorCode(err) != wengao.EINVALID {
		t.Errorf("long note: %v", err)
	}
}
