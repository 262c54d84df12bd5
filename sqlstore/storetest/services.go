package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wengao/wengao"
)

// testMasks: rules are added, replaced and removed, longest word first;
// another instance sees a change once its cache's second is over.
func testMasks(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t)
	other := db.Reopen(t)
	if rules, _, err := other.MaskRules(ctx); err != nil {
		t.Fatal(err)
	} else if len(rules) != 0 {
		t.Fatalf("new store: %d rules, want 0", len(rules))
	}
	for _, m := range []wengao.MaskRule{{Word: "机密", Shown: "**"}, {Word: "内部资料", Shown: "某资料"}, {Word: "机密", Shown: "##"}} {
		if err := db.AddMask(ctx, m); err != nil {
			t.Fatalf("AddMask(%+v): %v", m, err)
		}
	}
	rules, v1, err := db.MaskRules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rules {
		got = append(got, r.Word+"→"+r.Shown)
	}
	if want := []string{"内部资料→某资料", "机密→##"}; !slices.Equal(got, want) {
		t.Errorf("rules %v, want %v", got, want)
	}
	if err := db.AddMask(ctx, wengao.MaskRule{Word: "", Shown: "x"}); wengao.ErrorCode(err) != wengao.EINVALID {
		t.Errorf("AddMask of an empty word: %v, want %s", err, wengao.EINVALID)
	}
	if err := db.RemoveMask(ctx, "机密"); err != nil {
		t.Fatal(err)
	}
	WantCode(t, db.RemoveMask(ctx, "机密"), wengao.ENOTFOUND)
	rules, v2, err := db.MaskRules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 1 || v2 == v1 {
		t.Errorf("after removal: %d rules at version %d (before %d), want 1 at a new version", len(rules), v2, v1)
	}
	other.Clock.Advance(time.Second)
	if _, v, err := other.MaskRules(ctx); err != nil {
		t.Fatal(err)
	} else if v != v2 {
		t.Errorf("other instance a second later: version %d, want %d", v, v2)
	}
}

// testAbbreviations: entries are listed by short form and replaced by
// short form; each change moves the version on.
func testAbbreviations(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t)
	_, v0, err := db.Abbreviations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []wengao.Abbreviation{
		{Short: "交警规范", Full: "交通警察道路执勤执法工作规范"},
		{Short: "两办", Full: "中共中央办公厅"},
		{Short: "两办", Full: "中共中央办公厅、国务院办公厅"},
	} {
		if err := db.AddAbbreviation(ctx, a); err != nil {
			t.Fatalf("AddAbbreviation(%+v): %v", a, err)
		}
	}
	list, v1, err := db.Abbreviations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v1 == v0 {
		t.Errorf("version %d unchanged after adding", v1)
	}
	var got []string
	for _, a := range list {
		got = append(got, a.Short+"="+a.Full)
	}
	if want := []string{"两办=中共中央办公厅、国务院办公厅", "交警规范=交通警察道路执勤执法工作规范"}; !slices.Equal(got, want) {
		t.Errorf("entries %v, want %v", got, want)
	}
	if err := db.RemoveAbbreviation(ctx, "两办"); err != nil {
		t.Fatal(err)
	}
	WantCode(t, db.RemoveAbbreviation(ctx, "两办"), wengao.ENOTFOUND)
	if list, _, err := db.Abbreviations(ctx); err != nil {
		t.Fatal(err)
	} else if len(list) != 1 {
		t.Errorf("after removal: %d entries, want 1", len(list))
	}
	WantCode(t, db.AddAbbreviation(ctx, wengao.Abbreviation{Short: "督", Full: "督察"}), wengao.EINVALID)
}

// testAudit: entries are listed newest first, by target or all; an
// action done with a context carrying an entry writes it in the
// action's transaction, once; a refused action writes none.
func testAudit(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t)
	for i := range 3 {
		e := &wengao.AuditEntry{ActorID: 1, ActorName: "admin", Action: "test.act", Target: fmt.Sprintf("t:%d", i%2), Detail: strings.Repeat("长", 3000)}
		if err := db.Audit(ctx, e); err != nil {
			t.Fatal(err)
		}
		if e.ID == 0 || !e.CreatedAt.Equal(db.Clock.Now().UTC().Truncate(time.Second)) {
			t.Errorf("entry %d: id %d at %v, want an id at %v", i, e.ID, e.CreatedAt, db.Clock.Now())
		}
		if n := len([]rune(e.Detail)); n != 2000 {
			t.Errorf("entry %d: detail of %d characters, want 2000 (cut)", i, n)
		}
	}
	WantCode(t, db.Audit(ctx, &wengao.AuditEntry{Action: " "}), wengao.EINVALID)
	list, total, err := db.ListAudit(ctx, "t:0", 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if total != 2 || len(list) != 2 || list[0].ID < list[1].ID {
		t.Errorf("t:0: %d entries %+v, want 2, newest first", total, list)
	}
	if _, total, _ := db.ListAudit(ctx, "", 1, 1); total != 3 {
		t.Errorf("all: %d entries, want 3", total)
	}

	admin := MustCreateStaff(t, db, "admin", wengao.RoleAdmin)
	reader := MustCreateUser(t, db, "reader", 0)
	e := &wengao.AuditEntry{ActorID: admin.ID, ActorName: "admin", Action: "user.role", Target: "user:reader"}
	actx := wengao.NewContextWithAudit(ctx, e)
	if err := db.SetUserRole(actx, wengao.ActorOf(admin), reader.ID, wengao.RoleModerator); err != nil {
		t.Fatal(err)
	}
	// Again with the same entry: not written twice.
	if err := db.SetUserRole(actx, wengao.ActorOf(admin), reader.ID, wengao.RoleReader); err != nil {
		t.Fatal(err)
	}
	if _, n, _ := db.ListAudit(ctx, "user:reader", 1, 1); n != 1 {
		t.Errorf("user:reader: %d entries, want 1", n)
	}
	refused := wengao.NewContextWithAudit(ctx, &wengao.AuditEntry{ActorID: admin.ID, Action: "mask.remove", Target: "mask:无此词"})
	WantCode(t, db.RemoveMask(refused, "无此词"), wengao.ENOTFOUND)
	if _, n, _ := db.ListAudit(ctx, "mask:无此词", 1, 1); n != 0 {
		t.Errorf("refused action: %d entries, want 0", n)
	}
	// An entry that cannot be written undoes its action.
	bad := wengao.NewContextWithAudit(ctx, &wengao.AuditEntry{Action: ""})
	WantCode(t, db.AddMask(bad, wengao.MaskRule{Word: "机密", Shown: "**"}), wengao.EINVALID)
	if rules, _, _ := db.MaskRules(ctx); len(rules) != 0 {
		t.Errorf("mask added with a bad entry: %v, want none", rules)
	}
}

// testAuditAppendOnly: audit entries cannot be changed or deleted, not
// even by a connection going around the store.
func testAuditAppendOnly(t *testing.T, open Opener) {
	db := open(t)
	if err := db.Audit(context.Background(), &wengao.AuditEntry{Action: "test.act"}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`UPDATE audit SET action = 'x'`, `DELETE FROM audit`} {
		err := db.RawExec(q)
		if err == nil {
			t.Fatalf("%s: err is nil", q)
		}
		if !strings.Contains(err.Error(), "audit entries cannot be") {
			t.Errorf("%s: %v, want “audit entries cannot be …”", q, err)
		}
	}
}

// testChangesTold: subscribers hear of a change of settings once it
// commits, and of nothing from a refused one.
func testChangesTold(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t)
	var mu sync.Mutex
	var kinds []wengao.ChangeKind
	db.OnChange(func(c wengao.Change) {
		mu.Lock()
		defer mu.Unlock()
		kinds = append(kinds, c.Kind)
	})
	take := func() []wengao.ChangeKind {
		mu.Lock()
		defer mu.Unlock()
		k := kinds
		kinds = nil
		return k
	}
	if err := db.SaveSettings(ctx, wengao.DefaultSettings()); err != nil {
		t.Fatal(err)
	}
	if got, want := take(), []wengao.ChangeKind{wengao.ChangeSettings}; !slices.Equal(got, want) {
		t.Errorf("after SaveSettings: told %v, want %v", got, want)
	}
	bad := wengao.DefaultSettings()
	bad.SignupBonus = -1
	if err := db.SaveSettings(ctx, bad); wengao.ErrorCode(err) != wengao.EINVALID {
		t.Fatalf("SaveSettings(bad): %v, want %s", err, wengao.EINVALID)
	}
	if err := db.AddAbbreviation(ctx, wengao.Abbreviation{Short: "两办", Full: "中共中央办公厅、国务院办公厅"}); err != nil {
		t.Fatal(err)
	}
	if got, want := take(), []wengao.ChangeKind{wengao.ChangeSettings}; !slices.Equal(got, want) {
		t.Errorf("after a refused save and an abbreviation: told %v, want %v", got, want)
	}
}
