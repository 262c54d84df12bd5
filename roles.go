package wengao

// The rules of who may change what. Roles are ordered, reader <
// moderator < admin; nobody acts on an account of an equal or higher
// role, nobody reviews their own upload or a complaint they made or that
// is about their upload, and each change of state is checked against the
// current state. The stores enforce these rules; front ends only
// translate their errors.

// RoleRank orders the roles: 1 for a reader, 2 for a moderator, 3 for an
// admin, 0 for anything else.
func RoleRank(role string) int {
	switch role {
	case RoleReader:
		return 1
	case RoleModerator:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// Actor is who makes a change: a user's id and role. The zero Actor is
// the system (the command line, the site's own automatic decisions),
// which the rules do not hold.
type Actor struct {
	ID   int64
	Role string
}

// ActorOf returns the actor of user u.
func ActorOf(u *User) Actor { return Actor{ID: u.ID, Role: u.Role} }

// System reports whether a is the system.
func (a Actor) System() bool { return a.ID == 0 && a.Role == "" }

// docStateLabels name the document states in messages.
var docStateLabels = map[string]string{DocPublished: "已发布", DocHidden: "已隐藏", DocDeleted: "已删除"}

// documentTransitions is the transition table of documents: for each
// move from a state to another, the lowest role that may make it.
// Moderators hide and publish again; only admins delete, and only they
// bring a document back from the recycle bin (restore).
var documentTransitions = map[[2]string]string{
	{DocPublished, DocHidden}:    RoleModerator,
	{DocHidden, DocPublished}:    RoleModerator,
	{DocPublished, DocDeleted}:   RoleAdmin,
	{DocHidden, DocDeleted}:      RoleAdmin,
	{DocDeleted, DocPublished}:   RoleAdmin,
	{DocDeleted, DocHidden}:      RoleAdmin,
	{DocPublished, DocPublished}: RoleModerator,
	{DocHidden, DocHidden}:       RoleModerator,
	{DocDeleted, DocDeleted}:     RoleAdmin,
}

// CanChangeDocumentStatus returns nil when an actor of actorRole may
// move a document from current to next, EFORBIDDEN when the role is too
// low and EINVALID for an unknown state. An empty actorRole is the
// system, which may make any move.
func CanChangeDocumentStatus(actorRole, current, next string) error {
	if !ValidDocStatus(next) || !ValidDocStatus(current) {
		return ErrUnknownDocStatus(next)
	}
	min, ok := documentTransitions[[2]string{current, next}]
	if !ok {
		return ErrDocTransition(current, next)
	}
	if actorRole == "" || RoleRank(actorRole) >= RoleRank(min) {
		return nil
	}
	if RoleRank(actorRole) < RoleRank(RoleModerator) {
		return ErrNotStaff
	}
	return ErrDocTransitionAdmin(current, next)
}

// CanActOnUser returns EFORBIDDEN unless actor is the system or ranks
// above the target account: a moderator may ban readers, an admin
// readers and moderators, nobody an equal or higher role or themselves.
func CanActOnUser(actor Actor, targetID int64, targetRole string) error {
	if actor.System() {
		return nil
	}
	if actor.ID == targetID || RoleRank(actor.Role) <= RoleRank(targetRole) {
		return ErrUserRank
	}
	return nil
}

// CanSetUserRole returns nil when actor may give the account targetID,
// of role targetRole, the role next: only admins change roles, never
// their own (EINVALID), and only of accounts ranking below them
// (CanActOnUser), so an admin may make a moderator an admin but not
// demote another admin. Returns EINVALID for an unknown role. The system
// may give any account any role.
func CanSetUserRole(actor Actor, targetID int64, targetRole, next string) error {
	if !actor.System() {
		if RoleRank(actor.Role) < RoleRank(RoleAdmin) {
			return ErrNotAdmin
		}
		if actor.ID == targetID {
			return ErrOwnRole
		}
		if err := CanActOnUser(actor, targetID, targetRole); err != nil {
			return err
		}
	}
	if !ValidRole(next) {
		return ErrUnknownRole(next)
	}
	return nil
}

// Who, beside the lowest role, may make a move of an upload.
const (
	byOwner  = iota + 1 // its uploader only
	byOthers            // anyone but its uploader: a review
	byAnyone
)

// uploadRule is the lowest role that may make a move and who.
type uploadRule struct {
	minRole string
	who     int
}

// uploadTransitions is the transition table of uploads: the uploader
// submits a draft (and may submit a pending one again with corrected
// metadata); someone else, a moderator or admin, approves or rejects it;
// moderators and admins delete.
var uploadTransitions = map[[2]string]uploadRule{
	{UploadDraft, UploadPending}:     {RoleReader, byOwner},
	{UploadPending, UploadPending}:   {RoleReader, byOwner},
	{UploadDraft, UploadRejected}:    {RoleModerator, byOthers},
	{UploadPending, UploadRejected}:  {RoleModerator, byOthers},
	{UploadPending, UploadApproved}:  {RoleModerator, byOthers},
	{UploadApproved, UploadApproved}: {RoleModerator, byOthers},
	{UploadDraft, UploadDeleted}:     {RoleModerator, byAnyone},
	{UploadPending, UploadDeleted}:   {RoleModerator, byAnyone},
	{UploadApproved, UploadDeleted}:  {RoleModerator, byAnyone},
	{UploadRejected, UploadDeleted}:  {RoleModerator, byAnyone},
}

// uploadStateLabels name the upload states in messages.
var uploadStateLabels = map[string]string{UploadDraft: "草稿", UploadPending: "待审核", UploadApproved: "已通过", UploadRejected: "已驳回", UploadDeleted: "已删除"}

// CanChangeUploadStatus returns nil when actor may move an upload of
// uploaderID from current to next (see uploadTransitions), ECONFLICT
// when no one may and EFORBIDDEN when actor may not. The system may make
// any move the table has.
func CanChangeUploadStatus(actor Actor, uploaderID int64, current, next string) error {
	rule, ok := uploadTransitions[[2]string{current, next}]
	if !ok {
		return ErrUploadTransition(uploadStateLabels[current], uploadStateLabels[next])
	}
	if actor.System() {
		return nil
	}
	own := actor.ID == uploaderID
	switch {
	case rule.who == byOwner && !own:
		return ErrNotOwnUpload
	case rule.who == byOthers && own:
		return ErrOwnUploadReview
	case rule.who != byOwner && RoleRank(actor.Role) < RoleRank(rule.minRole):
		return ErrNotStaff
	}
	return nil
}

// CanReviewUpload returns EFORBIDDEN unless actor is the system, or a
// moderator or admin reviewing (approving) someone else's upload.
func CanReviewUpload(actor Actor, up *Upload) error {
	return CanChangeUploadStatus(actor, up.UserID, UploadPending, UploadApproved)
}

// complaintTransitions is the transition table of complaints: an open
// complaint is upheld or rejected, by a moderator or admin who neither
// made it nor is accused by it; then it is closed.
var complaintTransitions = map[[2]string]string{
	{ComplaintOpen, ComplaintUpheld}:   RoleModerator,
	{ComplaintOpen, ComplaintRejected}: RoleModerator,
}

// CanResolveComplaint returns EFORBIDDEN unless actor is the system, or
// a moderator or admin who neither made the complaint nor uploaded the
// document it is about (uploaderID; 0 for none), and ECONFLICT when the
// complaint is no longer open. next is upheld or rejected.
func CanResolveComplaint(actor Actor, c *Complaint, uploaderID int64, next string) error {
	if _, ok := complaintTransitions[[2]string{ComplaintOpen, next}]; !ok {
		return ErrUnknownComplaintOutcome(next)
	}
	if !actor.System() {
		if RoleRank(actor.Role) < RoleRank(RoleModerator) {
			return ErrNotStaff
		}
		if actor.ID == c.UserID || (uploaderID != 0 && actor.ID == uploaderID) {
			return ErrOwnComplaint
		}
	}
	if _, ok := complaintTransitions[[2]string{c.Status, next}]; !ok {
		what := "成立"
		if c.Status == ComplaintRejected {
			what = "不成立"
		}
		return ErrComplaintResolved(what)
	}
	return nil
}
