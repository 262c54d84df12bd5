package wengao

import (
	"context"
	"strings"
	"time"
)

// Document states. Only published documents are shown, searched, listed
// and sold; a hidden one waits for a decision (a copyright complaint, an
// operator's doubt); a deleted one is in the recycle bin, from which it
// is restored or purged for good.
const (
	DocPublished = "published"
	DocHidden    = "hidden"
	DocDeleted   = "deleted"
)

// ValidDocStatus reports whether s names a document state.
func ValidDocStatus(s string) bool {
	return s == DocPublished || s == DocHidden || s == DocDeleted
}

// AdminDocument is a document as the console lists it, whatever its state.
type AdminDocument struct {
	ID         string    `json:"id"`
	Title      string    `json:"title"`
	Date       string    `json:"date"`
	Category   string    `json:"category"`
	Status     string    `json:"status"`
	Reason     string    `json:"reason,omitempty"` // why it was hidden or deleted
	UploaderID int64     `json:"uploader_id,omitempty"`
	Price      *int64    `json:"price,omitempty"`
	Reads      int64     `json:"reads"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// AdminDocumentFilter selects a page of the console's document list.
type AdminDocumentFilter struct {
	Query  string // words of the title, or a document id; "" for all
	Status string // "" for every state
	Page   int    // 1-based
	Limit  int
}

// DocumentAdmin is what operators do to documents.
type DocumentAdmin interface {
	// AdminDocuments returns one page of documents in any state, most
	// recently changed first, and their number. Returns EINVALID for a
	// page below 1 or an unknown state.
	AdminDocuments(ctx context.Context, f AdminDocumentFilter) ([]AdminDocument, int, error)

	// AdminDocument returns a document in any state with its text, state
	// and reason. Returns ENOTFOUND.
	AdminDocument(ctx context.Context, id string) (*Document, *AdminDocument, error)

	// SetDocumentStatus moves a document between published, hidden and
	// deleted, with a reason, taking it out of (or back into) search, lists
	// and sales in the same transaction, when CanChangeDocumentStatus
	// allows the actor's role (read from the store) the move from the
	// document's current state. Returns EINVALID for an unknown state,
	// ENOTFOUND, EFORBIDDEN and ECONFLICT as CanChangeDocumentStatus.
	SetDocumentStatus(ctx context.Context, actor Actor, id, status, reason string) error

	// PurgeDocument removes a deleted document for good. Returns
	// ENOTFOUND, and ECONFLICT unless it is in the recycle bin.
	PurgeDocument(ctx context.Context, id string) error

	// RenameCategory moves every document of category from (and of its
	// subcategories, for a top-level one) to to, merging when to exists,
	// and returns how many moved. Returns EINVALID for an empty or
	// malformed name and ENOTFOUND when no document has from.
	RenameCategory(ctx context.Context, from, to string) (int, error)

	// SetDocumentPrice sets a document's own price, or with nil returns
	// it to the site's default. Returns EINVALID for a negative price and
	// ENOTFOUND.
	SetDocumentPrice(ctx context.Context, id string, price *int64) error
}

// Bans are the things a user may not do until a time; a zero time is no
// ban.
type Bans struct {
	UploadUntil   time.Time `json:"upload_until,omitempty"`
	DownloadUntil time.Time `json:"download_until,omitempty"`
	CommentUntil  time.Time `json:"comment_until,omitempty"` // complaints and other messages
}

// Banned reports whether the ban ending at until holds at now.
func Banned(until, now time.Time) bool { return !until.IsZero() && now.Before(until) }

// UserFilter selects a page of the console's user list.
type UserFilter struct {
	Query string // part of a username; "" for all
	Role  string // "" for every role
	Page  int
	Limit int
}

// AdminUser is a user as the console shows them.
type AdminUser struct {
	User
	Bans Bans `json:"bans"`
	// Infringements counts the upheld copyright complaints against the
	// user's uploads (repeat infringers are banned from uploading).
	Infringements int `json:"infringements"`
}

// UserAdmin is what operators do to accounts.
type UserAdmin interface {
	// ListUsers returns one page of users, newest first, and their number.
	ListUsers(ctx context.Context, f UserFilter) ([]AdminUser, int, error)

	// FindAdminUser returns a user with bans and infringements. Returns
	// ENOTFOUND.
	FindAdminUser(ctx context.Context, id int64) (*AdminUser, error)

	// SetUserBans replaces a user's bans, when CanActOnUser allows the
	// actor (whose role is read from the store). Returns ENOTFOUND and
	// EFORBIDDEN.
	SetUserBans(ctx context.Context, actor Actor, id int64, b Bans) error
}

// SettingsService keeps the operator's settings in the database, so that
// every instance applies a change without a restart.
type SettingsService interface {
	// LoadSettings returns the stored settings (defaults for what was
	// never set) and a version that changes with every save. It is cheap
	// to call often.
	LoadSettings(ctx context.Context) (Settings, int64, error)

	// SaveSettings validates and stores s. Returns EINVALID.
	SaveSettings(ctx context.Context, s Settings) error
}

// AuditEntry records who did what to what, and when.
type AuditEntry struct {
	ID        int64     `json:"id"`
	ActorID   int64     `json:"actor_id"` // 0: the command line or the system
	ActorName string    `json:"actor"`
	Action    string    `json:"action"` // e.g. document.hide, complaint.uphold, user.ban
	Target    string    `json:"target"` // e.g. doc:gov-1, user:12, complaint:3
	Detail    string    `json:"detail,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// AuditLog is the append-only record of operators' actions.
type AuditLog interface {
	// Audit appends an entry, filling ID and CreatedAt.
	Audit(ctx context.Context, e *AuditEntry) error

	// ListAudit returns one page of entries, newest first, for a target
	// ("" for all), and their number.
	ListAudit(ctx context.Context, target string, page, limit int) ([]AuditEntry, int, error)
}

// Complaint kinds and states. A takedown notice (a copyright complaint
// that qualifies, see Complaint.QualifiesForTakedown, from an account in
// good standing, see GoodStanding) may hide its document at once,
// pending review; any other complaint waits in the queue. Upholding a
// copyright complaint removes the document (the uploader's infringement
// count rises and the upload reward is taken back), rejecting it
// publishes the document again.
const (
	ComplaintCopyright = "copyright"
	ComplaintOther     = "other"

	ComplaintOpen     = "open"
	ComplaintUpheld   = "upheld"
	ComplaintRejected = "rejected"
)

// Limits of complaint fields, in characters.
const (
	ComplaintReasonMaxRunes   = 2000
	ComplaintContactMaxRunes  = 200
	ComplaintEvidenceMaxRunes = 10000
	// ComplaintNameMaxRunes bounds the rights holder's name and the
	// name of the work concerned.
	ComplaintNameMaxRunes = 200
)

// TakedownRequest asks CreateComplaint to hide the document at once if
// the complaint is a takedown notice that qualifies from an account in
// good standing. Callers pass it only when the operator's policy hides
// at once and the notice is within the rate limits.
type TakedownRequest struct {
	// MinAccountAge is how old the complainant's account must be.
	MinAccountAge time.Duration
}

// QualifiesForTakedown reports whether c carries what a takedown notice
// needs under 《信息网络传播权保护条例》 第十四条: a copyright complaint
// about a document, from an account, with the rights holder's name
// (权利人名称), a contact (联系方式), a proof of ownership file (权属证明)
// and the work concerned. It says nothing of the account's standing.
func (c *Complaint) QualifiesForTakedown() bool {
	return c.Kind == ComplaintCopyright && c.DocumentID != "" && c.UserID != 0 &&
		strings.TrimSpace(c.RightsHolder) != "" && strings.TrimSpace(c.Contact) != "" &&
		strings.TrimSpace(c.Work) != "" && c.EvidenceFile != nil && c.EvidenceFile.Key != ""
}

// GoodStanding reports whether an account may hide a document at once
// with a takedown notice: it is at least minAge old, it is banned from
// nothing (messages, uploads, downloads), and none of its complaints was
// ever rejected (rejected counts them).
func GoodStanding(u *User, bans Bans, rejected int, minAge time.Duration, now time.Time) bool {
	if u == nil || now.Sub(u.CreatedAt) < minAge || rejected > 0 {
		return false
	}
	return !Banned(bans.CommentUntil, now) && !Banned(bans.UploadUntil, now) && !Banned(bans.DownloadUntil, now)
}

// Complaint is a message to the operators: a copyright claim against a
// document (侵权投诉), a report (举报) or a general question (联系客服).
type Complaint struct {
	ID            int64  `json:"id"`
	DocumentID    string `json:"document_id,omitempty"` // "" for a general message
	DocumentTitle string `json:"document_title,omitempty"`
	Kind          string `json:"kind"`
	Reason        string `json:"reason"`
	Contact       string `json:"contact"`
	Evidence      string `json:"evidence,omitempty"`
	// EvidenceFile is the proof of ownership (权属证明).
	EvidenceFile *SourceFile `json:"evidence_file,omitempty"`
	// RightsHolder is the name of the rights holder (权利人名称) and Work
	// the work concerned (作品名称), both of a takedown notice.
	RightsHolder string `json:"rights_holder,omitempty"`
	Work         string `json:"work,omitempty"`
	UserID       int64  `json:"user_id,omitempty"` // the complainant, 0 when not logged in
	Status       string `json:"status"`
	// Note is the operators' answer, seen by the complainant and the
	// uploader.
	Note       string           `json:"note,omitempty"`
	CreatedAt  time.Time        `json:"created_at"`
	ResolvedAt *time.Time       `json:"resolved_at,omitempty"`
	Events     []ComplaintEvent `json:"events,omitempty"`
	// Takedown, when set, asks CreateComplaint to hide the document at
	// once if the notice qualifies; it is not stored.
	Takedown *TakedownRequest `json:"-"`
}

// ComplaintEvent is one step of a complaint's handling.
type ComplaintEvent struct {
	Action    string    `json:"action"` // opened, hidden, upheld, rejected
	ActorID   int64     `json:"actor_id,omitempty"`
	ActorName string    `json:"actor,omitempty"`
	Note      string    `json:"note,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// ComplaintFilter selects a page of complaints.
type ComplaintFilter struct {
	Status     string // "" for all
	UserID     int64  // complaints made by this user; 0 for all
	UploaderID int64  // complaints about this user's uploads; 0 for all
	Page       int
	Limit      int
}

// ComplaintService keeps complaints and their handling.
type ComplaintService interface {
	// CreateComplaint validates and records c as open. When c.Takedown
	// is set, c qualifies for a takedown and its account is in good
	// standing, the published document is hidden in the same
	// transaction. Returns EINVALID for a malformed complaint and
	// ENOTFOUND for an unknown document.
	CreateComplaint(ctx context.Context, c *Complaint) error

	// FindComplaint returns a complaint with its events. Returns ENOTFOUND.
	FindComplaint(ctx context.Context, id int64) (*Complaint, error)

	// ListComplaints returns one page of complaints, newest first, and
	// their number.
	ListComplaints(ctx context.Context, f ComplaintFilter) ([]Complaint, int, error)

	// UpholdComplaint accepts an open complaint with a note. For a
	// copyright complaint the document is deleted (to the recycle bin),
	// its uploader's infringement count rises and the upload reward is
	// taken back, in one transaction. Returns ENOTFOUND and ECONFLICT when
	// it is not open.
	UpholdComplaint(ctx context.Context, id, operatorID int64, note string) (*Complaint, error)

	// RejectComplaint turns down an open complaint with a note; a document
	// hidden by it is published again unless another open copyright
	// complaint holds it. Returns ENOTFOUND and ECONFLICT when it is not
	// open.
	RejectComplaint(ctx context.Context, id, operatorID int64, note string) (*Complaint, error)
}
