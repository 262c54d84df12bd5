package storetest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/wengao/wengao"
)

func testCreateUser(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t)

	u, err := db.CreateUser(ctx, wengao.NewUser{Username: " 张三_zs-1 ", Email: "zs@example.com", Password: TestPassword, Bonus: 20})
	if err != nil {
		t.Fatal(err)
	}
	if u.ID == 0 {
		t.Errorf("created %+v (want not u.ID == 0)", u)
	}
	if got := u.Username; got != "张三_zs-1" {
		t.Errorf("created: u.Username = %v, want %v", got, "张三_zs-1")
	}
	if got := u.Email; got != "zs@example.com" {
		t.Errorf("created: u.Email = %v, want %v", got, "zs@example.com")
	}
	if got := u.Role; got != wengao.RoleReader {
		t.Errorf("created: u.Role = %v, want %v", got, wengao.RoleReader)
	}
	if got := u.Points; got != 20 {
		t.Errorf("created: u.Points = %v, want %v", got, 20)
	}
	if u.CreatedAt.IsZero() {
		t.Errorf("created %+v (want not u.CreatedAt.IsZero())", u)
	}
	entries, total, err := db.Entries(ctx, u.ID, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := total; got != 1 {
		t.Errorf("entries: total = %v, want %v", got, 1)
	}
	if got := entries[0].Kind; got != wengao.KindSignup {
		t.Errorf("entries: entries[0].Kind = %v, want %v", got, wengao.KindSignup)
	}
	if got := entries[0].Amount; got != 20 {
		t.Errorf("entries: entries[0].Amount = %v, want %v", got, 20)
	}
	if got := entries[0].Balance; got != 20 {
		t.Errorf("entries: entries[0].Balance = %v, want %v", got, 20)
	}

	admin, err := db.CreateUser(ctx, wengao.NewUser{Username: "Alice", Password: TestPassword, Role: wengao.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	if !admin.IsAdmin() {
		t.Errorf("admin %+v (want admin.IsAdmin())", admin)
	}
	if got := admin.Points; got != 0 {
		t.Errorf("admin: admin.Points = %v, want %v", got, 0)
	}

	for _, name := range []string{"alice", "ALICE", " Alice"} {
		_, err := db.CreateUser(ctx, wengao.NewUser{Username: name, Password: TestPassword})
		WantCode(t, err, wengao.ECONFLICT)
		if wengao.ErrorMessage(err) != "用户名已被使用。" {
			t.Errorf("message %q", wengao.ErrorMessage(err))
		}
	}
	{
		found, err := db.FindUserByName(ctx, "aLiCe")
		if err != nil {
			t.Fatalf("FindUserByName =: %v", err)
		}
		if got := found.ID; got != admin.ID {
			t.Errorf("FindUserByName =: found.ID = %v, want %v", got, admin.ID)
		}
	}
	{
		found, err := db.FindUserByID(ctx, u.ID)
		if err != nil {
			t.Fatalf("FindUserByID =: %v", err)
		}
		if got := found.Username; got != u.Username {
			t.Errorf("FindUserByID =: found.Username = %v, want %v", got, u.Username)
		}
	}
	_, err = db.FindUserByID(ctx, 999)
	WantCode(t, err, wengao.ENOTFOUND)
	_, err = db.FindUserByName(ctx, "nobody")
	WantCode(t, err, wengao.ENOTFOUND)
}

func testCreateUserValidation(t *testing.T, open Opener) {
	db := open(t)
	for _, nu := range []wengao.NewUser{
		{Username: "a", Password: TestPassword},
		{Username: strings.Repeat("a", 33), Password: TestPassword},
		{Username: "two words", Password: TestPassword},
		{Username: "ｆｕｌｌ", Password: TestPassword},
		{Username: "emoji😀", Password: TestPassword},
		{Username: "Иван", Password: TestPassword},
		{Username: "bob", Password: "1234567"},
		{Username: "bob", Password: "密码只有七个字"},
		{Username: "bob", Password: "九个字符的一个密码"},
		{Username: "bob", Password: "          "},
		{Username: "bob", Password: "Password123"},
		{Username: "bob", Password: "xxxxxxxxxxxx"},
		{Username: "bob", Password: strings.Repeat("x", 257)},
		{Username: "bob", Password: TestPassword, Email: "not-an-email"},
		{Username: "bob", Password: TestPassword, Email: "Bob <bob@example.com>"},
		{Username: "bob", Password: TestPassword, Role: "root"},
		{Username: "bob", Password: TestPassword, Bonus: -1},
	} {
		_, err := db.CreateUser(context.Background(), nu)
		if wengao.ErrorCode(err) != wengao.EINVALID {
			t.Errorf("CreateUser(%q, %q, %q, %q): %v, want EINVALID", nu.Username, nu.Password, nu.Email, nu.Role, err)
		}
	}
	// The limits themselves are allowed.
	for _, nu := range []wengao.NewUser{
		{Username: "张三", Password: "十个字符的一个密码吧"},
		{Username: strings.Repeat("长", 32), Password: strings.Repeat("xy", 128)},
	} {
		if _, err := db.CreateUser(context.Background(), nu); err != nil {
			t.Errorf("CreateUser(%q): %v", nu.Username, err)
		}
	}
}

func testAuthenticate(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t)
	want := MustCreateUser(t, db, "Alice", 0)

	u, err := db.Authenticate(ctx, "alice", TestPassword)
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != want.ID {
		t.Errorf("authenticated %+v", u)
	}
	// A wrong password and an unknown user look the same.
	for _, tt := range []struct{ name, password string }{
		{"Alice", "wrong password"},
		{"Alice", ""},
		{"Alice", strings.Repeat("x", 300)},
		{"bob", TestPassword},
		{"", TestPassword},
	} {
		_, err := db.Authenticate(ctx, tt.name, tt.password)
		WantCode(t, err, wengao.EUNAUTHORIZED)
		if msg := wengao.ErrorMessage(err); msg != "用户名或密码错误。" {
			t.Errorf("Authenticate(%q, %q): message %q", tt.name, tt.password, msg)
		}
	}
}

func testChangePassword(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t)
	u := MustCreateUser(t, db, "alice", 0)
	other := MustCreateUser(t, db, "bob", 0)
	s1, err := db.CreateSession(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := db.CreateSession(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	s3, err := db.CreateSession(ctx, other.ID)
	if err != nil {
		t.Fatal(err)
	}

	err = db.ChangePassword(ctx, u.ID, "wrong password", "new password")
	WantCode(t, err, wengao.EINVALID)
	err = db.ChangePassword(ctx, u.ID, TestPassword, "short")
	WantCode(t, err, wengao.EINVALID)
	err = db.ChangePassword(ctx, 999, TestPassword, "new password")
	WantCode(t, err, wengao.ENOTFOUND)
	if _, err := db.FindSession(ctx, s1.Token); err != nil {
		t.Fatalf("session ended by a failed change: %v", err)
	}

	if err := db.ChangePassword(ctx, u.ID, TestPassword, "new password"); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*wengao.Session{s1, s2} {
		_, err := db.FindSession(ctx, s.Token)
		WantCode(t, err, wengao.EUNAUTHORIZED)
	}
	if _, err := db.FindSession(ctx, s3.Token); err != nil {
		t.Errorf("another user's session ended: %v", err)
	}
	_, err = db.Authenticate(ctx, "alice", TestPassword)
	WantCode(t, err, wengao.EUNAUTHORIZED)
	if _, err := db.Authenticate(ctx, "alice", "new password"); err != nil {
		t.Error(err)
	}
}

func testSetUserRole(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t)
	u := MustCreateUser(t, db, "alice", 0)
	if err := db.SetUserRole(ctx, wengao.Actor{}, u.ID, wengao.RoleModerator); err != nil {
		t.Fatal(err)
	}
	{
		u, _ = db.FindUserByID(ctx, u.ID)
		if got := u.Role; got != wengao.RoleModerator {
			t.Errorf("role: u.Role = %v, want %v", got, wengao.RoleModerator)
		}
		if !u.IsModerator() {
			t.Errorf("role %q (want u.IsModerator())", u.Role)
		}
		if u.IsAdmin() {
			t.Errorf("role %q (want not u.IsAdmin())", u.Role)
		}
	}
	WantCode(t, db.SetUserRole(ctx, wengao.Actor{}, u.ID, "root"), wengao.EINVALID)
	WantCode(t, db.SetUserRole(ctx, wengao.Actor{}, 999, wengao.RoleAdmin), wengao.ENOTFOUND)
}

// testSetUserRoleRank checks the rules of roles in the store: only an
// admin changes roles, never their own, and only of accounts ranking
// below them; a refused change leaves the role as it was.
func testSetUserRoleRank(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t)
	admin := MustCreateStaff(t, db, "admin", wengao.RoleAdmin)
	admin2 := MustCreateStaff(t, db, "admin2", wengao.RoleAdmin)
	mod := MustCreateStaff(t, db, "mod", wengao.RoleModerator)
	mod2 := MustCreateStaff(t, db, "mod2", wengao.RoleModerator)
	reader := MustCreateUser(t, db, "reader", 0)
	reader2 := MustCreateUser(t, db, "reader2", 0)

	tests := []struct {
		name     string
		actor    *wengao.User
		target   *wengao.User
		role     string
		wantErr  error // nil: the change is made
		wantRole string
	}{
		{"reader promotes a reader", reader, reader2, wengao.RoleModerator, wengao.ErrNotAdmin, wengao.RoleReader},
		{"reader promotes themself", reader, reader, wengao.RoleAdmin, wengao.ErrNotAdmin, wengao.RoleReader},
		{"moderator promotes a reader", mod, reader, wengao.RoleModerator, wengao.ErrNotAdmin, wengao.RoleReader},
		{"moderator demotes a moderator", mod, mod2, wengao.RoleReader, wengao.ErrNotAdmin, wengao.RoleModerator},
		{"moderator promotes themself", mod, mod, wengao.RoleAdmin, wengao.ErrNotAdmin, wengao.RoleModerator},
		{"admin demotes an admin", admin, admin2, wengao.RoleReader, wengao.ErrUserRank, wengao.RoleAdmin},
		{"admin demotes themself", admin, admin, wengao.RoleReader, wengao.ErrOwnRole, wengao.RoleAdmin},
		{"admin gives an unknown role", admin, reader, "root", wengao.ErrUnknownRole("root"), wengao.RoleReader},
		{"admin promotes a reader", admin, reader, wengao.RoleModerator, nil, wengao.RoleModerator},
		{"admin demotes a moderator", admin, mod2, wengao.RoleReader, nil, wengao.RoleReader},
		{"admin makes a moderator an admin", admin, mod, wengao.RoleAdmin, nil, wengao.RoleAdmin},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := db.SetUserRole(ctx, wengao.ActorOf(tt.actor), tt.target.ID, tt.role)
			if tt.wantErr == nil && err != nil {
				t.Fatalf("SetUserRole: %v, want success", err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("SetUserRole: %v, want %v", err, tt.wantErr)
			}
			u, err := db.FindUserByID(ctx, tt.target.ID)
			if err != nil {
				t.Fatal(err)
			}
			if u.Role != tt.wantRole {
				t.Errorf("role after: %q, want %q", u.Role, tt.wantRole)
			}
		})
	}
	// The role is read from the store, not taken from the caller: a
	// reader who claims to be an admin is still a reader.
	err := db.SetUserRole(ctx, wengao.Actor{ID: reader2.ID, Role: wengao.RoleAdmin}, reader2.ID, wengao.RoleAdmin)
	if !errors.Is(err, wengao.ErrNotAdmin) {
		t.Errorf("reader claiming admin: %v, want %v", err, wengao.ErrNotAdmin)
	}
	WantCode(t, db.SetUserRole(ctx, wengao.ActorOf(admin), 999, wengao.RoleModerator), wengao.ENOTFOUND)
}
