package wengao

import (
	"errors"
	"fmt"
	"testing"
)

func TestCanChangeDocumentStatus(t *testing.T) {
	states := []string{DocPublished, DocHidden, DocDeleted}
	for _, role := range []string{RoleReader, RoleModerator, RoleAdmin, ""} {
		for _, cur := range states {
			for _, next := range states {
				err := CanChangeDocumentStatus(role, cur, next)
				want := ""
				switch {
				case role == "" || role == RoleAdmin:
				case role == RoleReader:
					want = EFORBIDDEN
				case cur == DocDeleted || next == DocDeleted: // moderators neither delete nor restore
					want = EFORBIDDEN
				}
				if got := ErrorCode(err); got != want {
					t.Errorf("%q %s→%s: %q, want %q", role, cur, next, got, want)
				}
			}
		}
	}
	if ErrorCode(CanChangeDocumentStatus(RoleAdmin, DocPublished, "archived")) != EINVALID {
		t.Error("unknown state accepted")
	}
}

func TestCanActOnUser(t *testing.T) {
	for _, tt := range []struct {
		actor, target string
		ok            bool
	}{
		{RoleModerator, RoleReader, true},
		{RoleModerator, RoleModerator, false},
		{RoleModerator, RoleAdmin, false},
		{RoleAdmin, RoleModerator, true},
		{RoleAdmin, RoleAdmin, false},
		{RoleReader, RoleReader, false},
	} {
		if err := CanActOnUser(Actor{ID: 1, Role: tt.actor}, 2, tt.target); (err == nil) != tt.ok {
			t.Errorf("%s on %s: %v", tt.actor, tt.target, err)
		}
	}
	if CanActOnUser(Actor{ID: 1, Role: RoleAdmin}, 1, RoleReader) == nil {
		t.Error("acting on oneself allowed")
	}
	if CanActOnUser(Actor{}, 1, RoleAdmin) != nil {
		t.Error("the system refused")
	}
}

func TestCanChangeUploadStatus(t *testing.T) {
	mod, owner := Actor{ID: 1, Role: RoleModerator}, Actor{ID: 2, Role: RoleReader}
	for _, tt := range []struct {
		actor     Actor
		cur, next string
		want      string
	}{
		{owner, UploadDraft, UploadPending, ""},
		{mod, UploadDraft, UploadPending, EFORBIDDEN},
		{mod, UploadPending, UploadApproved, ""},
		{owner, UploadPending, UploadApproved, EFORBIDDEN},
		{Actor{ID: 2, Role: RoleModerator}, UploadPending, UploadApproved, EFORBIDDEN}, // their own
		{mod, UploadRejected, UploadApproved, ECONFLICT},
		{mod, UploadDeleted, UploadApproved, ECONFLICT},
		{mod, UploadApproved, UploadDeleted, ""},
		{owner, UploadApproved, UploadDeleted, EFORBIDDEN},
		{Actor{}, UploadPending, UploadRejected, ""},
	} {
		if got := ErrorCode(CanChangeUploadStatus(tt.actor, 2, tt.cur, tt.next)); got != tt.want {
			t.Errorf("%+v %s→%s: %q, want %q", tt.actor, tt.cur, tt.next, got, tt.want)
		}
	}
}

func TestCanSetUserRole(t *testing.T) {
	admin := Actor{ID: 1, Role: RoleAdmin}
	for _, tt := range []struct {
		name       string
		actor      Actor
		targetID   int64
		targetRole string
		next       string
		want       error // nil: allowed
	}{
		{"system", Actor{}, 2, RoleAdmin, RoleReader, nil},
		{"system, unknown role", Actor{}, 2, RoleReader, "root", ErrUnknownRole("root")},
		{"reader", Actor{ID: 3, Role: RoleReader}, 2, RoleReader, RoleModerator, ErrNotAdmin},
		{"moderator", Actor{ID: 3, Role: RoleModerator}, 2, RoleReader, RoleModerator, ErrNotAdmin},
		{"admin on themself", admin, 1, RoleAdmin, RoleReader, ErrOwnRole},
		{"admin on an admin", admin, 2, RoleAdmin, RoleReader, ErrUserRank},
		{"admin promotes a reader", admin, 2, RoleReader, RoleModerator, nil},
		{"admin makes a moderator an admin", admin, 2, RoleModerator, RoleAdmin, nil},
		{"admin, unknown role", admin, 2, RoleReader, "root", ErrUnknownRole("root")},
	} {
		err := CanSetUserRole(tt.actor, tt.targetID, tt.targetRole, tt.next)
		if tt.want == nil && err != nil {
			t.Errorf("%s: %v, want nil", tt.name, err)
		}
		if tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
}

// TestErrorIs checks that an *Error matches another of the same code and
// message, whether it is the same value or not, and nothing else.
func TestErrorIs(t *testing.T) {
	same := &Error{Code: ENOTFOUND, Message: ErrUserNotFound.Message}
	for _, tt := range []struct {
		name   string
		err    error
		target error
		want   bool
	}{
		{"identity", ErrUserNotFound, ErrUserNotFound, true},
		{"same code and message", same, ErrUserNotFound, true},
		{"wrapped", fmt.Errorf("find: %w", ErrUserNotFound), ErrUserNotFound, true},
		{"formatted alike", ErrUnknownRole("root"), ErrUnknownRole("root"), true},
		{"formatted otherwise", ErrUnknownRole("root"), ErrUnknownRole("god"), false},
		{"other message", ErrDocumentNotFound, ErrUserNotFound, false},
		{"other code", &Error{Code: EINVALID, Message: ErrUserNotFound.Message}, ErrUserNotFound, false},
		{"not an *Error", errors.New(ErrUserNotFound.Message), ErrUserNotFound, false},
	} {
		if got := errors.Is(tt.err, tt.target); got != tt.want {
			t.Errorf("%s: errors.Is = %v, want %v", tt.name, got, tt.want)
		}
	}
}
