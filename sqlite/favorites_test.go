package sqlite_test

import (
	"context"
	"testing"

	"github.com/wengao/wengao"
)

func TestFavorites(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustSaveDocs(t, db, 3)
	alice := mustCreateUser(t, db, "alice", 0)
	bob := mustCreateUser(t, db, "bob", 0)

	add := func(userID int64, doc string, want int) {
		t.Helper()
		if n, err := db.AddFavorite(ctx, userID, doc); err != nil || n != want {
			t.Errorf("AddFavorite(%d, %s) = %d, %v; want %d", userID, doc, n, err, want)
		}
	}
	add(alice.ID, "d0", 1)
	add(alice.ID, "d0", 1) // again: no change
	add(bob.ID, "d0", 2)
	add(alice.ID, "d2", 1)
	_, err := db.AddFavorite(ctx, alice.ID, "nope")
	wantCode(t, err, wengao.ENOTFOUND)

	if n, err := db.CountFavorites(ctx, "d0"); err != nil || n != 2 {
		t.Errorf("CountFavorites(d0) = %d, %v", n, err)
	}
	if n, err := db.CountFavorites(ctx, "d1"); err != nil || n != 0 {
		t.Errorf("CountFavorites(d1) = %d, %v", n, err)
	}
	if ok, err := db.IsFavorite(ctx, alice.ID, "d2"); err != nil || !ok {
		t.Errorf("IsFavorite(alice, d2) = %v, %v", ok, err)
	}
	if ok, err := db.IsFavorite(ctx, bob.ID, "d2"); err != nil || ok {
		t.Errorf("IsFavorite(bob, d2) = %v, %v", ok, err)
	}

	favs, total, err := db.ListFavorites(ctx, alice.ID, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if total != 2 || len(favs) != 2 || favs[0].DocumentID != "d2" || favs[0].Title != "关于第2项工作的通知" || favs[1].DocumentID != "d0" || favs[0].CreatedAt.IsZero() {
		t.Errorf("ListFavorites = %d, %+v", total, favs)
	}
	_, _, err = db.ListFavorites(ctx, alice.ID, 0, 10)
	wantCode(t, err, wengao.EINVALID)

	if n, err := db.RemoveFavorite(ctx, alice.ID, "d0"); err != nil || n != 1 {
		t.Errorf("RemoveFavorite = %d, %v", n, err)
	}
	if n, err := db.RemoveFavorite(ctx, alice.ID, "d0"); err != nil || n != 1 {
		t.Errorf("RemoveFavorite again = %d, %v", n, err)
	}
	if ok, _ := db.IsFavorite(ctx, alice.ID, "d0"); ok {
		t.Error("still a favourite after removal")
	}
	if _, total, _ := db.ListFavorites(ctx, alice.ID, 1, 10); total != 1 {
		t.Errorf("%d favourites after removal", total)
	}
}
