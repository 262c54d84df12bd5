package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/sqlite"
)

const testPassword = "correct horse"

// mustCreateUser creates a reader with testPassword and bonus points.
func mustCreateUser(tb testing.TB, db *sqlite.DB, name string, bonus int64) *wengao.User {
	tb.Helper()
	u, err := db.CreateUser(context.Background(), wengao.NewUser{Username: name, Password: testPassword, Bonus: bonus})
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

// mustRawExec runs a statement on a connection of its own, going around
// the store as someone tampering with the file would.
func mustRawExec(tb testing.TB, db *sqlite.DB, query string, args ...any) {
	tb.Helper()
	if err := rawExec(db, query, args...); err != nil {
		tb.Fatal(err)
	}
}

func rawExec(db *sqlite.DB, query string, args ...any) error {
	raw, err := sql.Open("sqlite", "file:"+db.Path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer raw.Close()
	_, err = raw.Exec(query, args...)
	return err
}

// mustSaveDocs saves n small documents with ids d0, d1, …
func mustSaveDocs(tb testing.TB, db *sqlite.DB, n int) {
	tb.Helper()
	docs := make([]*wengao.Document, n)
	for i := range docs {
		docs[i] = &wengao.Document{ID: fmt.Sprintf("d%d", i), Title: fmt.Sprintf("关于第%d项工作的通知", i), Date: "2024-01-02",
			Body: []string{fmt.Sprintf("各单位：请做好第%d项工作。", i)}}
	}
	if _, err := db.SaveDocuments(context.Background(), docs); err != nil {
		tb.Fatal(err)
	}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := wengao.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

func TestCreateUser(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)

	u, err := db.CreateUser(ctx, wengao.NewUser{Username: " 张三_zs-1 ", Email: "zs@example.com", Password: testPassword, Bonus: 20})
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

	admin, err := db.CreateUser(ctx, wengao.NewUser{Username: "Alice", Password: testPassword, Role: wengao.RoleAdmin})
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
		_, err := db.CreateUser(ctx, wengao.NewUser{Username: name, Password: testPassword})
		wantCode(t, err, wengao.ECONFLICT)
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
	wantCode(t, err, wengao.ENOTFOUND)
	_, err = db.FindUserByName(ctx, "nobody")
	wantCode(t, err, wengao.ENOTFOUND)
}

func TestCreateUserValidation(t *testing.T) {
	db := MustOpenDB(t)
	for _, nu := range []wengao.NewUser{
		{Username: "a", Password: testPassword},
		{Username: strings.Repeat("a", 33), Password: testPassword},
		{Username: "two words", Password: testPassword},
		{Username: "ｆｕｌｌ", Password: testPassword},
		{Username: "emoji😀", Password: testPassword},
		{Username: "Иван", Password: testPassword},
		{Username: "bob", Password: "1234567"},
		{Username: "bob", Password: "密码只有七个字"},
		{Username: "bob", Password: "九个字符的一个密码"},
		{Username: "bob", Password: "          "},
		{Username: "bob", Password: "Password123"},
		{Username: "bob", Password: "xxxxxxxxxxxx"},
		{Username: "bob", Password: strings.Repeat("x", 257)},
		{Username: "bob", Password: testPassword, Email: "not-an-email"},
		{Username: "bob", Password: testPassword, Email: "Bob <bob@example.com>"},
		{Username: "bob", Password: testPassword, Role: "root"},
		{Username: "bob", Password: testPassword, Bonus: -1},
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

func TestAuthenticate(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	want := mustCreateUser(t, db, "Alice", 0)

	u, err := db.Authenticate(ctx, "alice", testPassword)
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
		{"bob", testPassword},
		{"", testPassword},
	} {
		_, err := db.Authenticate(ctx, tt.name, tt.password)
		wantCode(t, err, wengao.EUNAUTHORIZED)
		if msg := wengao.ErrorMessage(err); msg != "用户名或密码错误。" {
			t.Errorf("Authenticate(%q, %q): message %q", tt.name, tt.password, msg)
		}
	}
}

func TestChangePassword(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	u := mustCreateUser(t, db, "alice", 0)
	other := mustCreateUser(t, db, "bob", 0)
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
	wantCode(t, err, wengao.EINVALID)
	err = db.ChangePassword(ctx, u.ID, testPassword, "short")
	wantCode(t, err, wengao.EINVALID)
	err = db.ChangePassword(ctx, 999, testPassword, "new password")
	wantCode(t, err, wengao.ENOTFOUND)
	if _, err := db.FindSession(ctx, s1.Token); err != nil {
		t.Fatalf("session ended by a failed change: %v", err)
	}

	if err := db.ChangePassword(ctx, u.ID, testPassword, "new password"); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*wengao.Session{s1, s2} {
		_, err := db.FindSession(ctx, s.Token)
		wantCode(t, err, wengao.EUNAUTHORIZED)
	}
	if _, err := db.FindSession(ctx, s3.Token); err != nil {
		t.Errorf("another user's session ended: %v", err)
	}
	_, err = db.Authenticate(ctx, "alice", testPassword)
	wantCode(t, err, wengao.EUNAUTHORIZED)
	if _, err := db.Authenticate(ctx, "alice", "new password"); err != nil {
		t.Error(err)
	}
}

func TestSetUserRole(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	u := mustCreateUser(t, db, "alice", 0)
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
	wantCode(t, db.SetUserRole(ctx, wengao.Actor{}, u.ID, "root"), wengao.EINVALID)
	wantCode(t, db.SetUserRole(ctx, wengao.Actor{}, 999, wengao.RoleAdmin), wengao.ENOTFOUND)
}

// mustCreateStaff creates a moderator or an admin.
func mustCreateStaff(tb testing.TB, db *sqlite.DB, name, role string) *wengao.User {
	tb.Helper()
	u := mustCreateUser(tb, db, name, 0)
	if err := db.SetUserRole(context.Background(), wengao.Actor{}, u.ID, role); err != nil {
		tb.Fatal(err)
	}
	u.Role = role
	return u
}

// TestSetUserRoleRank checks the rules of roles in the store: only an
// admin changes roles, never their own, and only of accounts ranking
// below them; a refused change leaves the role as it was.
func TestSetUserRoleRank(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	admin := mustCreateStaff(t, db, "admin", wengao.RoleAdmin)
	admin2 := mustCreateStaff(t, db, "admin2", wengao.RoleAdmin)
	mod := mustCreateStaff(t, db, "mod", wengao.RoleModerator)
	mod2 := mustCreateStaff(t, db, "mod2", wengao.RoleModerator)
	reader := mustCreateUser(t, db, "reader", 0)
	reader2 := mustCreateUser(t, db, "reader2", 0)

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
	wantCode(t, db.SetUserRole(ctx, wengao.ActorOf(admin), 999, wengao.RoleModerator), wengao.ENOTFOUND)
}
