package storetest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wengao/wengao"
)

// testPurchaseConcurrent: 200 concurrent purchases of different documents
// by one user holding points for 10: exactly 10 succeed.
func testPurchaseConcurrent(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t)
	mustSaveDocs(t, db, 200)
	u := MustCreateUser(t, db, "alice", 0)
	MustGrant(t, db, u.ID, 10*price)

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
	if got := charged.Load(); got != 10 {
		t.Errorf("charged.Load() = %v, want %v", got, 10)
	}
	if got := refused.Load(); got != 190 {
		t.Errorf("refused.Load() = %v, want %v", got, 190)
	}
	MustBalance(t, db, u.ID, 0)
	MustCheckLedger(t, db)
	entries, total, err := db.Entries(ctx, u.ID, 1, 100)
	if err != nil {
		t.Fatal(err)
	}
	if total != 11 {
		t.Errorf("%d entries, want 11", total)
	}
	for i, e := range entries[:10] {
		if got := e.Kind; got != wengao.KindDownload {
			t.Errorf("entry %d: e.Kind = %v, want %v", i, got, wengao.KindDownload)
		}
		if got := e.Amount; got != -price {
			t.Errorf("entry %d: e.Amount = %v, want %v", i, got, -price)
		}
		if got := e.Balance; got != int64(i)*price {
			t.Errorf("entry %d: e.Balance = %v, want %v", i, got, int64(i)*price)
		}
		if e.DocumentID == "" {
			t.Errorf("entry %d: %+v (want not e.DocumentID == \"\")", i, e)
		}
	}
}

// testPurchaseReplay: a replayed purchase, even many at once, is charged
// once.
func testPurchaseReplay(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t)
	mustSaveDocs(t, db, 3)
	u := MustCreateUser(t, db, "alice", 0)
	MustGrant(t, db, u.ID, 100)

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
			if got := p.DocumentID; got != "d0" {
				t.Errorf("purchase: p.DocumentID = %v, want %v", got, "d0")
			}
			if got := p.Cost; got != price {
				t.Errorf("purchase: p.Cost = %v, want %v", got, price)
			}
			if got := p.UserID; got != u.ID {
				t.Errorf("purchase: p.UserID = %v, want %v", got, u.ID)
			}
		}()
	}
	wg.Wait()
	if charged.Load() != 1 {
		t.Errorf("charged %d times", charged.Load())
	}
	MustBalance(t, db, u.ID, 100-price)

	// The key cannot buy another document.
	_, _, err := db.Purchase(ctx, u.ID, "d1", price, "same-key")
	WantCode(t, err, wengao.ECONFLICT)
	// Keys belong to their user.
	other := MustCreateUser(t, db, "bob", 0)
	MustGrant(t, db, other.ID, 10)
	{
		_, ok, err := db.Purchase(ctx, other.ID, "d0", price, "same-key")
		if err != nil {
			t.Fatalf("another user's same key: %v", err)
		}
		if !ok {
			t.Errorf("another user's same key: charged=%v, %v (want ok)", ok, err)
		}
	}
	MustCheckLedger(t, db)
	// Two rights granted for d0 (the replays made none), none for d2.
	for id, want := range map[string]int{"d0": 2, "d2": 0} {
		{
			got, err := db.CountDownloads(ctx, id)
			if err != nil {
				t.Fatalf("CountDownloads(: %v", err)
			}
			if got := got; got != want {
				t.Errorf("CountDownloads(: got = %v, want %v", got, want)
			}
		}
	}
}

// testPurchaseValidity: paying once allows downloads for 30 days.
func testPurchaseValidity(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t)
	clock := db.Clock
	mustSaveDocs(t, db, 2)
	u := MustCreateUser(t, db, "alice", 0)
	MustGrant(t, db, u.ID, 3*price)

	_, err := db.FindPurchase(ctx, u.ID, "d0")
	WantCode(t, err, wengao.ENOTFOUND)
	first, ok, err := db.Purchase(ctx, u.ID, "d0", price, "k1")
	if err != nil {
		t.Fatalf("first purchase: %v", err)
	}
	if !ok {
		t.Fatalf("first purchase: charged=%v, %v (want ok)", ok, err)
	}
	if d := first.ExpiresAt.Sub(first.CreatedAt); d != wengao.PurchaseValidity {
		t.Errorf("valid for %v", d)
	}
	// Again, with another key or none: free, and the same purchase.
	for _, key := range []string{"k2", ""} {
		p, ok, err := db.Purchase(ctx, u.ID, "d0", price, key)
		if err != nil {
			t.Fatalf("second purchase (key %q): %v", key, err)
		}
		if ok {
			t.Errorf("second purchase (key %q): %+v, charged=%v, %v (want not ok)", key, p, ok, err)
		}
		if got := *p; got != *first {
			t.Errorf("second purchase (key %q): *p = %v, want %v", key, got, *first)
		}
	}
	{
		p, err := db.FindPurchase(ctx, u.ID, "d0")
		if err != nil {
			t.Fatalf("FindPurchase =: %v", err)
		}
		if got := *p; got != *first {
			t.Errorf("FindPurchase =: *p = %v, want %v", got, *first)
		}
	}
	MustBalance(t, db, u.ID, 2*price)

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
	WantCode(t, err, wengao.ENOTFOUND)
	_, _, err = db.Purchase(ctx, u.ID, "d0", price, "k1")
	WantCode(t, err, wengao.ECONFLICT)
	{
		_, ok, err := db.Purchase(ctx, u.ID, "d0", price, "k3")
		if err != nil {
			t.Fatalf("purchase after expiry: %v", err)
		}
		if !ok {
			t.Errorf("purchase after expiry: charged=%v, %v (want ok)", ok, err)
		}
	}
	MustBalance(t, db, u.ID, price)
	MustCheckLedger(t, db)
}

func testPurchaseErrors(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t)
	mustSaveDocs(t, db, 2)
	u := MustCreateUser(t, db, "alice", 0)
	MustGrant(t, db, u.ID, price-1)

	_, _, err := db.Purchase(ctx, u.ID, "d0", price, "")
	WantCode(t, err, wengao.EPAYMENT)
	{
		msg := wengao.ErrorMessage(err)
		if !strings.HasPrefix(msg, "积分不足") {
			t.Errorf("message %q (want strings.HasPrefix(msg, \"积分不足\"))", msg)
		}
		if !strings.Contains(msg, "4 积分") {
			t.Errorf("message %q (want strings.Contains(msg, \"4 积分\"))", msg)
		}
	}
	_, _, err = db.Purchase(ctx, u.ID, "nope", price, "")
	WantCode(t, err, wengao.ENOTFOUND)
	_, _, err = db.Purchase(ctx, 999, "d0", price, "")
	WantCode(t, err, wengao.ENOTFOUND)
	_, _, err = db.Purchase(ctx, u.ID, "d0", -1, "")
	WantCode(t, err, wengao.EINVALID)
	_, _, err = db.Purchase(ctx, u.ID, "d0", price, strings.Repeat("k", 201))
	WantCode(t, err, wengao.EINVALID)
	MustBalance(t, db, u.ID, price-1)

	// Free access (the uploader's) charges nothing and is recorded.
	p, ok, err := db.Purchase(ctx, u.ID, "d1", 0, "")
	if err != nil {
		t.Fatalf("free purchase: %v", err)
	}
	if ok {
		t.Fatalf("free purchase: %+v, charged=%v, %v (want not ok)", p, ok, err)
	}
	if got := p.Cost; got != 0 {
		t.Fatalf("free purchase: p.Cost = %v, want %v", got, 0)
	}
	if _, err := db.FindPurchase(ctx, u.ID, "d1"); err != nil {
		t.Error(err)
	}
	MustBalance(t, db, u.ID, price-1)
	MustCheckLedger(t, db)
}

func testGrant(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t)
	admin := MustCreateStaff(t, db, "admin", wengao.RoleAdmin)
	u := MustCreateUser(t, db, "alice", 20)

	e := &wengao.LedgerEntry{UserID: u.ID, Kind: wengao.KindAdjust, Amount: -15, Reason: "违规扣分", OperatorID: admin.ID}
	if err := db.Grant(ctx, e); err != nil {
		t.Fatal(err)
	}
	if e.ID == 0 {
		t.Errorf("entry %+v (want not e.ID == 0)", e)
	}
	if got := e.Balance; got != 5 {
		t.Errorf("entry: e.Balance = %v, want %v", got, 5)
	}
	if e.CreatedAt.IsZero() {
		t.Errorf("entry %+v (want not e.CreatedAt.IsZero())", e)
	}
	// Never below zero.
	err := db.Grant(ctx, &wengao.LedgerEntry{UserID: u.ID, Kind: wengao.KindAdjust, Amount: -6, Reason: "再扣"})
	WantCode(t, err, wengao.EPAYMENT)
	for _, bad := range []wengao.LedgerEntry{
		{UserID: u.ID, Kind: wengao.KindAdjust, Amount: 0, Reason: "零"},
		{UserID: u.ID, Kind: wengao.KindAdjust, Amount: 1},
		{UserID: u.ID, Kind: wengao.KindDownload, Amount: -1},
		{UserID: u.ID, Kind: "gift", Amount: 1},
	} {
		WantCode(t, db.Grant(ctx, &bad), wengao.EINVALID)
	}
	WantCode(t, db.Grant(ctx, &wengao.LedgerEntry{UserID: 999, Kind: wengao.KindRefund, Amount: 1}), wengao.ENOTFOUND)
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
	if err != nil {
		t.Fatalf("page 2: %v", err)
	}
	if got := len(entries); got != 1 {
		t.Fatalf("page 2: len(entries) = %v, want %v", got, 1)
	}
	if got := entries[0].Kind; got != wengao.KindSignup {
		t.Errorf("page 2: entries[0].Kind = %v, want %v", got, wengao.KindSignup)
	}
	_, _, err = db.Entries(ctx, u.ID, 0, 2)
	WantCode(t, err, wengao.EINVALID)
	MustBalance(t, db, u.ID, 15)
	MustCheckLedger(t, db)
}

func testSignIn(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t)
	u := MustCreateUser(t, db, "alice", 0)

	e, err := db.SignIn(ctx, u.ID, "2025-03-01", 2)
	if err != nil {
		t.Fatal(err)
	}
	if got := e.Kind; got != wengao.KindSignIn {
		t.Errorf("entry: e.Kind = %v, want %v", got, wengao.KindSignIn)
	}
	if got := e.Amount; got != 2 {
		t.Errorf("entry: e.Amount = %v, want %v", got, 2)
	}
	if got := e.Balance; got != 2 {
		t.Errorf("entry: e.Balance = %v, want %v", got, 2)
	}
	_, err = db.SignIn(ctx, u.ID, "2025-03-01", 2)
	WantCode(t, err, wengao.ECONFLICT)
	if msg := wengao.ErrorMessage(err); msg != "今天已经签到过了。" {
		t.Errorf("message %q", msg)
	}
	if _, err := db.SignIn(ctx, u.ID, "2025-03-02", 2); err != nil {
		t.Fatal(err)
	}
	_, err = db.SignIn(ctx, u.ID, "3月2日", 2)
	WantCode(t, err, wengao.EINVALID)
	_, err = db.SignIn(ctx, 999, "2025-03-02", 2)
	WantCode(t, err, wengao.ENOTFOUND)
	MustBalance(t, db, u.ID, 4)
	MustCheckLedger(t, db)
}

// testLedgerAppendOnly: ledger rows cannot be changed or deleted, not even
// by a connection going around the store.
func testLedgerAppendOnly(t *testing.T, open Opener) {
	db := open(t)
	u := MustCreateUser(t, db, "alice", 20)
	for _, q := range []string{
		`UPDATE ledger SET amount = 1000`,
		`DELETE FROM ledger`,
	} {
		err := db.RawExec(q)
		if err == nil {
			t.Fatalf("%s: err is nil", q)
		}
		if !strings.Contains(err.Error(), "ledger entries cannot be") {
			t.Errorf("%s: %v (want strings.Contains(err.Error(), \"ledger entries cannot be\"))", q, err)
		}
	}
	_, total, _ := db.Entries(context.Background(), u.ID, 1, 10)
	if total != 1 {
		t.Errorf("%d entries", total)
	}
}

// testCheckLedger: a tampered cached balance is found and its user named.
func testCheckLedger(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t)
	MustCreateUser(t, db, "alice", 20)
	bob := MustCreateUser(t, db, "bob", 20)
	MustCreateUser(t, db, "carol", 0)
	MustCheckLedger(t, db)

	mustRawExec(t, db, `UPDATE users SET points = points + 1 WHERE id = ?`, bob.ID)
	bad, err := db.CheckLedger(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []wengao.LedgerMismatch{{UserID: bob.ID, Username: "bob", Cached: 21, Sum: 20}}
	if got := len(bad); got != 1 {
		t.Fatalf("CheckLedger =: len(bad) = %v, want %v", got, 1)
	}
	if got := bad[0]; got != want[0] {
		t.Errorf("CheckLedger =: bad[0] = %v, want %v", got, want[0])
	}
}
