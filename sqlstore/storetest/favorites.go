package storetest

import (
	"context"
	"testing"

	"github.com/wengao/wengao"
)

func testFavorites(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t)
	mustSaveDocs(t, db, 3)
	alice := MustCreateUser(t, db, "alice", 0)
	bob := MustCreateUser(t, db, "bob", 0)

	add := func(userID int64, doc string, want int) {
		t.Helper()
		{
			n, err := db.AddFavorite(ctx, userID, doc)
			if err != nil {
				t.Fatalf("AddFavorite(: %v", err)
			}
			if got := n; got != want {
				t.Errorf("AddFavorite(: n = %v, want %v", got, want)
			}
		}
	}
	add(alice.ID, "d0", 1)
	add(alice.ID, "d0", 1) // again: no change
	add(bob.ID, "d0", 2)
	add(alice.ID, "d2", 1)
	_, err := db.AddFavorite(ctx, alice.ID, "nope")
	WantCode(t, err, wengao.ENOTFOUND)

	{
		n, err := db.CountFavorites(ctx, "d0")
		if err != nil {
			t.Fatalf("CountFavorites(d0) =: %v", err)
		}
		if got := n; got != 2 {
			t.Errorf("CountFavorites(d0) =: n = %v, want %v", got, 2)
		}
	}
	{
		n, err := db.CountFavorites(ctx, "d1")
		if err != nil {
			t.Fatalf("CountFavorites(d1) =: %v", err)
		}
		if got := n; got != 0 {
			t.Errorf("CountFavorites(d1) =: n = %v, want %v", got, 0)
		}
	}
	{
		ok, err := db.IsFavorite(ctx, alice.ID, "d2")
		if err != nil {
			t.Fatalf("IsFavorite(alice, d2) =: %v", err)
		}
		if !ok {
			t.Errorf("IsFavorite(alice, d2) = %v, %v (want ok)", ok, err)
		}
	}
	{
		ok, err := db.IsFavorite(ctx, bob.ID, "d2")
		if err != nil {
			t.Fatalf("IsFavorite(bob, d2) =: %v", err)
		}
		if ok {
			t.Errorf("IsFavorite(bob, d2) = %v, %v (want not ok)", ok, err)
		}
	}

	favs, total, err := db.ListFavorites(ctx, alice.ID, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := total; got != 2 {
		t.Errorf("ListFavorites =: total = %v, want %v", got, 2)
	}
	if got := len(favs); got != 2 {
		t.Fatalf("ListFavorites =: len(favs) = %v, want %v", got, 2)
	}
	if got := favs[0].DocumentID; got != "d2" {
		t.Errorf("ListFavorites =: favs[0].DocumentID = %v, want %v", got, "d2")
	}
	if got := favs[0].Title; got != "关于第2项工作的通知" {
		t.Errorf("ListFavorites =: favs[0].Title = %v, want %v", got, "关于第2项工作的通知")
	}
	if got := favs[1].DocumentID; got != "d0" {
		t.Errorf("ListFavorites =: favs[1].DocumentID = %v, want %v", got, "d0")
	}
	if favs[0].CreatedAt.IsZero() {
		t.Errorf("ListFavorites = %d, %+v (want not favs[0].CreatedAt.IsZero())", total, favs)
	}
	_, _, err = db.ListFavorites(ctx, alice.ID, 0, 10)
	WantCode(t, err, wengao.EINVALID)

	{
		n, err := db.RemoveFavorite(ctx, alice.ID, "d0")
		if err != nil {
			t.Fatalf("RemoveFavorite =: %v", err)
		}
		if got := n; got != 1 {
			t.Errorf("RemoveFavorite =: n = %v, want %v", got, 1)
		}
	}
	{
		n, err := db.RemoveFavorite(ctx, alice.ID, "d0")
		if err != nil {
			t.Fatalf("RemoveFavorite again =: %v", err)
		}
		if got := n; got != 1 {
			t.Errorf("RemoveFavorite again =: n = %v, want %v", got, 1)
		}
	}
	if ok, _ := db.IsFavorite(ctx, alice.ID, "d0"); ok {
		t.Error("still a favourite after removal")
	}
	if _, total, _ := db.ListFavorites(ctx, alice.ID, 1, 10); total != 1 {
		t.Errorf("%d favourites after removal", total)
	}
}
