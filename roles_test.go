package wengao

import "testing"

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
