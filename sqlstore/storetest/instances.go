package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/wengao/wengao"
)

// testPurchaseTwoInstances: two instances (two stores on one database,
// each with its own connections) each make a purchase at once for one
// user who holds exactly one price, many times over. Of two purchases of
// the same document one is charged and the other finds the access it
// bought; of two different documents one is charged and the other
// refused. The balance never goes below zero.
func testPurchaseTwoInstances(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t)
	b := a.Reopen(t)
	const rounds = 20
	docs := TestDocuments(2 * rounds)
	a.AddDocuments(t, docs)
	instances := []Store{a, b}
	for round := range rounds {
		for _, same := range []bool{true, false} {
			u := MustCreateUser(t, a, fmt.Sprintf("buyer%d_%t", round, same), 0)
			MustGrant(t, a, u.ID, price)
			want := []string{docs[2*round].ID, docs[2*round+1].ID}
			if same {
				want[1] = want[0]
			}
			var wg sync.WaitGroup
			charged := make([]bool, 2)
			errs := make([]error, 2)
			for i, s := range instances {
				wg.Go(func() {
					// Keys of their own: two requests, not a replay.
					_, charged[i], errs[i] = s.Purchase(ctx, u.ID, want[i], price, fmt.Sprintf("key-%d", i))
				})
			}
			wg.Wait()
			var nCharged, nRefused int
			for i := range instances {
				switch {
				case errs[i] == nil && charged[i]:
					nCharged++
				case errs[i] == nil && same:
					// Came second and found the first one's access.
				case wengao.ErrorCode(errs[i]) == wengao.EPAYMENT && !same:
					nRefused++
				default:
					t.Errorf("round %d (same document %t), instance %d: charged %t, %v", round, same, i, charged[i], errs[i])
				}
			}
			if nCharged != 1 {
				t.Errorf("round %d (same document %t): charged %d times, want 1", round, same, nCharged)
			}
			if !same && nRefused != 1 {
				t.Errorf("round %d (two documents): refused %d times, want 1", round, nRefused)
			}
			for _, s := range instances {
				MustBalance(t, s, u.ID, 0)
			}
		}
	}
	MustCheckLedger(t, b)
}

// price is what the ledger tests charge for a download.
const price = 5
