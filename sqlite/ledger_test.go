package sqlite_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/sqlite"
	"github.com/wengao/wengao/sqlite/sqlitetest"
)

const price = 5

// mustGrant gives a user points by an operator adjustment.
func mustGrant(tb testing.TB, db *sqlite.DB, userID, amount int64) {
	tb.Helper()
	if err := db.Grant(context.Background(), &wengao.LedgerEntry{UserID: userID, Kind: wengao.KindAdjust, Amount: amount, Reason: "test"}); err != nil {
		tb.Fatal(err)
	}
}

func mustCheckLedger(tb testing.TB, db *sqlite.DB) {
	tb.Helper()
	if bad, err := db.CheckLedger(context.Background()); err != nil {
		tb.Fatal(err)
	} else if len(bad) > 0 {
		tb.Errorf("ledger check: %+v", bad)
	}
}

func mustBalance(tb testing.TB, db *sqlite.DB, userID, want int64) {
	tb.Helper()
	if got, err := db.Balance(context.Background(), userID); err != nil {
		tb.Fatal(err)
	} else if got != want {
		tb.Errorf("balance %d, want %d", got, want)
	}
}

// TestPurchaseConcurrent: 200 concurrent purchases of different documents
// by one user holding points for 10: exactly 10 succeed.
func TestPurchaseConcurrent(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustSaveDocs(t, db, 200)
	u := mustCreateUser(t, db, "alice", 0)
	mustGrant(t, db, u.ID, 10*price)

	var charged, refused atomic.Int32
	var start, wg sync.WaitGroup
	start.Add(1)
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start.Wait()
			_, ok, err := db.Purchase(ctx, u.ID, fmt.Sprintf("d%d", i), price, fmt.Sprintf("key-%d", i))
			switch {
			case err == nil && ok:
				charged.Add(1)
			case wengao.ErrorCode(err) == wengao.EPAYMENT:
				refused.Add(1)
			default:
				t.Errorf("purchase %d: charged=%v, %v", i, ok, err)
			}
		}()
	}
	start.Done()
	wg.Wait()
	if charged.Load() != 10 || refused.Load() != 190 {
		t.Errorf("%d charged, %d refused; want 10 and 190", charged.Load(), refused.Load())
	}
	mustBalance(t, db, u.ID, 0)
	mustCheckLedger(t, db)
	entries, total, err := db.Entries(ctx, u.ID, 1, 100)
	if err != nil {
		t.Fatal(err)
	}
	if total != 11 {
		t.Errorf("%d entries, want 11", total)
	}
	for i, e := range entries[:10] {
		if e.Kind != wengao.KindDownload || e.Amount != -price || e.Balance != int64(i)*price || e.DocumentID == "" {
			t.Errorf("entry %d: %+v", i, e)
		}
	}
}

// TestPurchaseReplay: a replayed purchase, even many at once, is charged
// once.
func TestPurchaseReplay(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustSaveDocs(t, db, 3)
	u := mustCreateUser(t, db, "alice", 0)
	mustGrant(t, db, u.ID, 100)

	var charged atomic.Int32
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, ok, err := db.Purchase(ctx, u.ID, "d0", price, "same-key")
			if err != nil {
				t.Error(err)
				return
			}
			if ok {
				charged.Add(1)
			}
			if p.DocumentID != "d0" || p.Cost != price || p.UserID != u.ID {
				t.Errorf("purchase %+v", p)
			}
		}()
	}
	wg.Wait()
	if charged.Load() != 1 {
		t.Errorf("charged %d times", charged.Load())
	}
	mustBalance(t, db, u.ID, 100-price)

	// The key cannot buy another document.
	_, _, err := db.Purchase(ctx, u.ID, "d1", price, "same-key")
	wantCode(t, err, wengao.ECONFLICT)
	// Keys belong to their user.
	other := mustCreateUser(t, db, "bob", 0)
	mustGrant(t, db, other.ID, 10)
	if _, ok, err := db.Purchase(ctx, other.ID, "d0", price, "same-key"); err != nil || !ok {
		t.Errorf("another user's same key: charged=%v, %v", ok, err)
	}
	mustCheckLedger(t, db)
	// Two rights granted for d0 (the replays made none), none for d2.
	for id, want := range map[string]int{"d0": 2, "d2": 0} {
		if got, err := db.CountDownloads(ctx, id); err != nil || got != want {
			t.Errorf("CountDownloads(%s) = %d, %v; want %d", id, got, err, want)
		}
	}
}

// TestPurchaseValidity: paying once allows downloads for 30 days.
func TestPurchaseValidity(t *testing.T) {
	ctx := context.Background()
	db, clock := sqlitetest.OpenWithClock(t)
	mustSaveDocs(t, db, 2)
	u := mustCreateUser(t, db, "alice", 0)
	mustGrant(t, db, u.ID, 3*price)

	_, err := db.FindPurchase(ctx, u.ID, "d0")
	wantCode(t, err, wengao.ENOTFOUND)
	first, ok, err := db.Purchase(ctx, u.ID, "d0", price, "k1")
	if err != nil || !ok {
		t.Fatalf("first purchase: charged=%v, %v", ok, err)
	}
	if d := first.ExpiresAt.Sub(first.CreatedAt); d != wengao.PurchaseValidity {
		t.Errorf("valid for %v", d)
	}
	// Again, with another key or none: free, and the same purchase.
	for _, key := range []string{"k2", ""} {
		p, ok, err := db.Purchase(ctx, u.ID, "d0", price, key)
		if err != nil || ok || *p != *first {
			t.Errorf("second purchase (key %q): %+v, charged=%v, %v", key, p, ok, err)
		}
	}
	if p, err := db.FindPurchase(ctx, u.ID, "d0"); err != nil || *p != *first {
		t.Errorf("FindPurchase = %+v, %v", p, err)
	}
	mustBalance(t, db, u.ID, 2*price)

	// Still valid on its last second.
	clock.Advance(wengao.PurchaseValidity - time.Second)
	if p, err := db.FindPurchase(ctx, u.ID, "d0"); err != nil {
		t.Errorf("FindPurchase on the last second: %v", err)
	} else if *p != *first {
		t.Errorf("FindPurchase on the last second = %+v, want %+v", p, first)
	}
	// Once expired, the document costs again; the old key is spent.
	clock.Advance(time.Second)
	_, err = db.FindPurchase(ctx, u.ID, "d0")
	wantCode(t, err, wengao.ENOTFOUND)
	_, _, err = db.Purchase(ctx, u.ID, "d0", price, "k1")
	wantCode(t, err, wengao.ECONFLICT)
	if _, ok, err := db.Purchase(ctx, u.ID, "d0", price, "k3"); err != nil || !ok {
		t.Errorf("purchase after expiry: charged=%v, %v", ok, err)
	}
	mustBalance(t, db, u.ID, price)
	mustCheckLedger(t, db)
}

func TestPurchaseErrors(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustSaveDocs(t, db, 2)
	u := mustCreateUser(t, db, "alice", 0)
	mustGrant(t, db, u.ID, price-1)

	_, _, err := db.Purchase(ctx, u.ID, "d0", price, "")
	wantCode(t, err, wengao.EPAYMENT)
	if msg := wengao.ErrorMessage(err); !strings.HasPrefix(msg, "积分不足") || !strings.Contains(msg, "4 积分") {
		t.Errorf("message %q", msg)
	}
	_, _, err = db.Purchase(ctx, u.ID, "nope", price, "")
	wantCode(t, err, wengao.ENOTFOUND)
	_, _, err = db.Purchase(ctx, 999, "d0", price, "")
	wantCode(t, err, wengao.ENOTFOUND)
	_, _, err = db.Purchase(ctx, u.ID, "d0", -1, "")
	wantCode(t, err, wengao.EINVALID)
	_, _, err = db.Purchase(ctx, u.ID, "d0", price, strings.Repeat("k", 201))
	wantCode(t, err, wengao.EINVALID)
	mustBalance(t, db, u.ID, price-1)

	// Free access (the uploader's) charges nothing and is recorded.
	p, ok, err := db.Purchase(ctx, u.ID, "d1", 0, "")
	if err != nil || ok || p.Cost != 0 {
		t.Fatalf("free purchase: %+v, charged=%v, %v", p, ok, err)
	}
	if _, err := db.FindPurchase(ctx, u.ID, "d1"); err != nil {
		t.Error(err)
	}
	mustBalance(t, db, u.ID, price-1)
	mustCheckLedger(t, db)
}

func TestGrant(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	admin := mustCreateStaff(t, db, "admin", wengao.RoleAdmin)
	u := mustCreateUser(t, db, "alice", 20)

	e := &wengao.LedgerEntry{UserID: u.ID, Kind: wengao.KindAdjust, Amount: -15, Reason: "违规扣分", OperatorID: admin.ID}
	if err := db.Grant(ctx, e); err != nil {
		t.Fatal(err)
	}
	if e.ID == 0 || e.Balance != 5 || e.CreatedAt.IsZero() {
		t.Errorf("entry %+v", e)
	}
	// Never below zero.
	err := db.Grant(ctx, &wengao.LedgerEntry{UserID: u.ID, Kind: wengao.KindAdjust, Amount: -6, Reason: "再扣"})
	wantCode(t, err, wengao.EPAYMENT)
	for _, bad := range []wengao.LedgerEntry{
		{UserID: u.ID, Kind: wengao.KindAdjust, Amount: 0, Reason: "零"},
		{UserID: u.ID, Kind: wengao.KindAdjust, Amount: 1},
		{UserID: u.ID, Kind: wengao.KindDownload, Amount: -1},
		{UserID: u.ID, Kind: "gift", Amount: 1},
	} {
		wantCode(t, db.Grant(ctx, &bad), wengao.EINVALID)
	}
	wantCode(t, db.Grant(ctx, &wengao.LedgerEntry{UserID: 999, Kind: wengao.KindRefund, Amount: 1}), wengao.ENOTFOUND)
	if err := db.Grant(ctx, &wengao.LedgerEntry{UserID: u.ID, Kind: wengao.KindUploadApproved, Amount: 10, DocumentID: "d9"}); err != nil {
		t.Fatal(err)
	}

	// Newest first, page by page.
	entries, total, err := db.Entries(ctx, u.ID, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if total != 3 || len(entries) != 2 || entries[0].Kind != wengao.KindUploadApproved || entries[0].DocumentID != "d9" || entries[0].Balance != 15 ||
		entries[1].Reason != "违规扣分" || entries[1].OperatorID != admin.ID {
		t.Errorf("page 1 (%d entries): %+v", total, entries)
	}
	entries, _, err = db.Entries(ctx, u.ID, 2, 2)
	if err != nil || len(entries) != 1 || entries[0].Kind != wengao.KindSignup {
		t.Errorf("page 2: %+v, %v", entries, err)
	}
	_, _, err = db.Entries(ctx, u.ID, 0, 2)
	wantCode(t, err, wengao.EINVALID)
	mustBalance(t, db, u.ID, 15)
	mustCheckLedger(t, db)
}

func TestSignIn(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	u := mustCreateUser(t, db, "alice", 0)

	e, err := db.SignIn(ctx, u.ID, "2025-03-01", 2)
	if err != nil {
		t.Fatal(err)
	}
	if e.Kind != wengao.KindSignIn || e.Amount != 2 || e.Balance != 2 {
		t.Errorf("entry %+v", e)
	}
	_, err = db.SignIn(ctx, u.ID, "2025-03-01", 2)
	wantCode(t, err, wengao.ECONFLICT)
	if msg := wengao.ErrorMessage(err); msg != "今天已经签到过了。" {
		t.Errorf("message %q", msg)
	}
	if _, err := db.SignIn(ctx, u.ID, "2025-03-02", 2); err != nil {
		t.Fatal(err)
	}
	_, err = db.SignIn(ctx, u.ID, "3月2日", 2)
	wantCode(t, err, wengao.EINVALID)
	_, err = db.SignIn(ctx, 999, "2025-03-02", 2)
	wantCode(t, err, wengao.ENOTFOUND)
	mustBalance(t, db, u.ID, 4)
	mustCheckLedger(t, db)
}

// TestLedgerAppendOnly: ledger rows cannot be changed or deleted, not even
// by a connection going around the store.
func TestLedgerAppendOnly(t *testing.T) {
	db := MustOpenDB(t)
	u := mustCreateUser(t, db, "alice", 20)
	for _, q := range []string{
		`UPDATE ledger SET amount = 1000`,
		`DELETE FROM ledger`,
	} {
		err := rawExec(db, q)
		if err == nil || !strings.Contains(err.Error(), "ledger entries cannot be") {
			t.Errorf("%s: %v", q, err)
		}
	}
	_, total, _ := db.Entries(context.Background(), u.ID, 1, 10)
	if total != 1 {
		t.Errorf("%d entries", total)
	}
}

// TestCheckLedger: a tampered cached balance is found and its user named.
func TestCheckLedger(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustCreateUser(t, db, "alice", 20)
	bob := mustCreateUser(t, db, "bob", 20)
	mustCreateUser(t, db, "carol", 0)
	mustCheckLedger(t, db)

	mustRawExec(t, db, `UPDATE users SET points = points + 1 WHERE id = ?`, bob.ID)
	bad, err := db.CheckLedger(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []wengao.LedgerMismatch{{UserID: bob.ID, Username: "bob", Cached: 21, Sum: 20}}
	if len(bad) != 1 || bad[0] != want[0] {
		t.Errorf("CheckLedger = %+v, want %+v", bad, want)
	}
}
