package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/wengao/wengao"
)

func testSessionLogout(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t)
	u := MustCreateUser(t, db, "alice", 0)

	s, err := db.CreateSession(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(s.Token); got != 43 {
		t.Fatalf("session: len(s.Token) = %v, want %v", got, 43)
	}
	if got := s.User.ID; got != u.ID {
		t.Errorf("session: s.User.ID = %v, want %v", got, u.ID)
	}
	{
		d := time.Until(s.ExpiresAt)
		if d < wengao.SessionIdle-time.Minute {
			t.Errorf("expires in %v (want not d < wengao.SessionIdle-time.Minute)", d)
		}
		if d > wengao.SessionIdle {
			t.Errorf("expires in %v (want not d > wengao.SessionIdle)", d)
		}
	}
	found, err := db.FindSession(ctx, s.Token)
	if err != nil {
		t.Fatal(err)
	}
	if got := found.User.Username; got != "alice" {
		t.Errorf("found: found.User.Username = %v, want %v", got, "alice")
	}
	if got := found.Token; got != "" {
		t.Errorf("found: found.Token = %v, want %v", got, "")
	}

	if err := db.DeleteSession(ctx, s.Token); err != nil {
		t.Fatal(err)
	}
	_, err = db.FindSession(ctx, s.Token)
	WantCode(t, err, wengao.EUNAUTHORIZED)
	// Logging out twice, or with garbage, is harmless.
	if err := db.DeleteSession(ctx, s.Token); err != nil {
		t.Error(err)
	}
	if err := db.DeleteSession(ctx, "garbage"); err != nil {
		t.Error(err)
	}
	for _, token := range []string{"", "garbage", s.Token[:42], s.Token + "A"} {
		_, err := db.FindSession(ctx, token)
		WantCode(t, err, wengao.EUNAUTHORIZED)
	}
	_, err = db.CreateSession(ctx, 999)
	WantCode(t, err, wengao.ENOTFOUND)
}

func testDeleteUserSessions(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t)
	u := MustCreateUser(t, db, "alice", 0)
	s1, _ := db.CreateSession(ctx, u.ID)
	s2, _ := db.CreateSession(ctx, u.ID)
	if err := db.DeleteUserSessions(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*wengao.Session{s1, s2} {
		_, err := db.FindSession(ctx, s.Token)
		WantCode(t, err, wengao.EUNAUTHORIZED)
	}
}

func testSessionExpiry(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t)
	clock := db.Clock
	u := MustCreateUser(t, db, "alice", 0)

	// Expired: unused for SessionIdle.
	s, err := db.CreateSession(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := clock.Now().Add(wengao.SessionIdle); !s.ExpiresAt.Equal(want) {
		t.Errorf("new session expires at %v, want %v", s.ExpiresAt, want)
	}
	clock.Advance(wengao.SessionIdle)
	_, err = db.FindSession(ctx, s.Token)
	WantCode(t, err, wengao.EUNAUTHORIZED)

	// Used recently: not extended, so no write per request.
	s, err = db.CreateSession(ctx, u.ID) // purges the expired one
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(wengao.SessionRefresh - time.Second)
	found, err := db.FindSession(ctx, s.Token)
	if err != nil {
		t.Fatal(err)
	}
	if !found.ExpiresAt.Equal(s.ExpiresAt) {
		t.Errorf("extended within the refresh interval: expires at %v, want %v", found.ExpiresAt, s.ExpiresAt)
	}

	// Last used SessionRefresh ago: the expiry slides to SessionIdle
	// from now.
	clock.Advance(time.Second)
	found, err = db.FindSession(ctx, s.Token)
	if err != nil {
		t.Fatal(err)
	}
	if want := clock.Now().Add(wengao.SessionIdle); !found.ExpiresAt.Equal(want) {
		t.Errorf("slid expiry %v, want %v", found.ExpiresAt, want)
	}
	again, err := db.FindSession(ctx, s.Token)
	if err != nil {
		t.Fatal(err)
	}
	if !again.ExpiresAt.Equal(found.ExpiresAt) {
		t.Errorf("slid expiry not stored: %v, then %v", found.ExpiresAt, again.ExpiresAt)
	}

	// But never past the maximum age, however often it is used.
	maxAge := s.CreatedAt.Add(wengao.SessionMaxAge)
	for clock.Now().Add(wengao.SessionIdle).Before(maxAge) {
		clock.Advance(wengao.SessionIdle / 2)
		if found, err = db.FindSession(ctx, s.Token); err != nil {
			t.Fatalf("used at %v: %v", clock.Now(), err)
		}
	}
	if !found.ExpiresAt.Equal(maxAge) {
		t.Errorf("expires at %v, want the maximum age %v", found.ExpiresAt, maxAge)
	}
	clock.Advance(found.ExpiresAt.Sub(clock.Now()))
	_, err = db.FindSession(ctx, s.Token)
	WantCode(t, err, wengao.EUNAUTHORIZED)
}

// testSessionSurvivesRestart checks that sessions live in the database.
func testSessionSurvivesRestart(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t)
	u := MustCreateUser(t, db, "alice", 0)
	s, err := db.CreateSession(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	other := db.Reopen(t)
	found, err := other.FindSession(ctx, s.Token)
	if err != nil {
		t.Fatalf("after reopening: %v", err)
	}
	if got := found.User.ID; got != u.ID {
		t.Errorf("after reopening: found.User.ID = %v, want %v", got, u.ID)
	}
}
