package sqlite_test

import (
	"context"
	"testing"

	"github.com/wengao/wengao"
)

func TestTakeCheck(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	u := mustCreateUser(t, db, "checker", 0)
	for i := 1; i <= 3; i++ {
		used, ok, err := db.TakeCheck(ctx, u.ID, "2026-12-03", 3)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			t.Fatalf("check %d: not taken, want taken", i)
		}
		if used != i {
			t.Errorf("check %d: used = %d, want %d", i, used, i)
		}
	}
	used, ok, err := db.TakeCheck(ctx, u.ID, "2026-12-03", 3)
	if err != nil {
		t.Fatal(err)
	}
	if ok {
		t.Errorf("fourth check of a quota of 3: taken, want refused")
	}
	if used != 3 {
		t.Errorf("fourth check: used = %d, want 3", used)
	}
	if n, err := db.ChecksUsed(ctx, u.ID, "2026-12-03"); err != nil || n != 3 {
		t.Errorf("ChecksUsed = %d, %v, want 3, nil", n, err)
	}
	// A check given back may be taken again.
	if err := db.ReturnCheck(ctx, u.ID, "2026-12-03"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := db.TakeCheck(ctx, u.ID, "2026-12-03", 3); !ok {
		t.Errorf("after ReturnCheck: not taken, want taken")
	}
	// The next day starts again, and no limit is no limit.
	if used, ok, _ := db.TakeCheck(ctx, u.ID, "2026-12-04", 3); !ok || used != 1 {
		t.Errorf("next day: used, ok = %d, %v, want 1, true", used, ok)
	}
	for i := 0; i < 5; i++ {
		if _, ok, _ := db.TakeCheck(ctx, u.ID, "2026-12-04", 0); !ok {
			t.Errorf("limit 0: not taken, want taken")
		}
	}
	// The count is in the file: another handle on it reads it.
	db2 := mustOpenOther(t, db)
	if used, ok, _ := db2.TakeCheck(ctx, u.ID, "2026-12-04", 6); ok || used != 6 {
		t.Errorf("after reopening: used, ok = %d, %v, want 6, false", used, ok)
	}

	if _, _, err := db2.TakeCheck(ctx, u.ID, "12/04/2026", 3); wengao.ErrorCode(err) != wengao.EINVALID {
		t.Errorf("malformed day: err = %v, want EINVALID", err)
	}
	if _, _, err := db2.TakeCheck(ctx, 999999, "2026-12-04", 3); wengao.ErrorCode(err) != wengao.ENOTFOUND {
		t.Errorf("unknown user: err = %v, want ENOTFOUND", err)
	}
}
