package wengao

import (
	"context"
	_ "embed"
	"net/mail"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Roles a user can have. Each role may do everything the ones before it may.
const (
	RoleReader    = "reader"    // reads, downloads, collects favourites
	RoleModerator = "moderator" // also reviews uploads
	RoleAdmin     = "admin"     // also manages users, points and settings
)

// ValidRole reports whether role names one of the roles.
func ValidRole(role string) bool {
	switch role {
	case RoleReader, RoleModerator, RoleAdmin:
		return true
	}
	return false
}

// User is an account holder.
type User struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
	Email    string `json:"email,omitempty"`
	Role     string `json:"role"`
	// Points is the cached balance: the sum of the user's ledger entries,
	// kept in the same transaction as each entry (see LedgerService).
	Points            int64     `json:"points"`
	CreatedAt         time.Time `json:"created_at"`
	PasswordChangedAt time.Time `json:"-"`
}

// IsModerator reports whether the user may moderate (moderators and admins).
func (u *User) IsModerator() bool { return u.Role == RoleModerator || u.Role == RoleAdmin }

// IsAdmin reports whether the user is an administrator.
func (u *User) IsAdmin() bool { return u.Role == RoleAdmin }

// NewUser is what creating an account takes.
type NewUser struct {
	Username string
	Email    string // optional
	Password string
	Role     string // "" means RoleReader
	// Bonus is the number of points granted on sign-up, recorded as a
	// KindSignup ledger entry; usually Settings.SignupBonus.
	Bonus int64
}

// Limits of account fields.
const (
	UsernameMinRunes = 2
	UsernameMaxRunes = 32
	PasswordMinRunes = 10
	PasswordMaxBytes = 256
	EmailMaxBytes    = 254
)

// ValidateUsername returns EINVALID unless name is 2–32 characters of
// ASCII letters and digits, Chinese characters, '_' and '-'.
func ValidateUsername(name string) error {
	n := utf8.RuneCountInString(name)
	ok := n >= UsernameMinRunes && n <= UsernameMaxRunes
	for _, r := range name {
		if !ok {
			break
		}
		ok = r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') ||
			unicode.Is(unicode.Han, r)
	}
	if !ok {
		return ErrUsernameInvalid
	}
	return nil
}

// ValidatePassword returns EINVALID unless password has at least 10
// characters and at most 256 bytes, is not all white space, and is not
// one of the common passwords (common_passwords.txt, ignoring letter
// case) or one character repeated. Only new and changed passwords are
// checked: older, shorter ones still log in.
func ValidatePassword(password string) error {
	if utf8.RuneCountInString(password) < PasswordMinRunes {
		return ErrPasswordTooShort
	}
	if len(password) > PasswordMaxBytes {
		return ErrPasswordTooLong
	}
	if strings.TrimSpace(password) == "" {
		return ErrPasswordBlank
	}
	if commonPassword(password) {
		return ErrPasswordCommon
	}
	return nil
}

//go:embed common_passwords.txt
var commonPasswordList string

var commonPasswords = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(commonPasswordList, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			m[line] = true
		}
	}
	return m
})

// commonPassword reports whether password is in the list of common
// passwords or one character repeated.
func commonPassword(password string) bool {
	p := strings.ToLower(strings.TrimSpace(password))
	if commonPasswords()[p] {
		return true
	}
	r, _ := utf8.DecodeRuneInString(p)
	return strings.Count(p, string(r)) == utf8.RuneCountInString(p)
}

// NormalizeUsername returns name as it is stored and compared: trimmed
// and in Unicode NFKC, which folds compatibility ideographs (U+F90A 金)
// into the unified ones (U+91D1 金), so that two names that look alike
// are one.
func NormalizeUsername(name string) string {
	return norm.NFKC.String(strings.TrimSpace(name))
}

// ValidateEmail returns EINVALID unless email is "" or a bare address
// such as name@example.com.
func ValidateEmail(email string) error {
	if email == "" {
		return nil
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || a.Name != "" || len(email) > EmailMaxBytes || !strings.Contains(email[strings.LastIndexByte(email, '@'):], ".") {
		return ErrEmailInvalid
	}
	return nil
}

// UserService manages accounts and passwords.
type UserService interface {
	// CreateUser validates and creates an account, hashing the password
	// with argon2id, and records the sign-up bonus in the ledger in the
	// same transaction. Usernames are unique regardless of letter case.
	// Returns EINVALID for a malformed username, password, email or role
	// and ECONFLICT when the username is taken.
	CreateUser(ctx context.Context, nu NewUser) (*User, error)

	// Authenticate returns the user with the given username and password.
	// Returns EUNAUTHORIZED "用户名或密码错误。" both for an unknown user and
	// a wrong password, after the same hashing work, so that neither the
	// message nor the time taken tells whether the username exists.
	Authenticate(ctx context.Context, username, password string) (*User, error)

	// ChangePassword replaces the user's password after checking the
	// current one, and ends all the user's sessions in the same
	// transaction. Returns EINVALID when the current password is wrong or
	// the new one is malformed, ENOTFOUND for an unknown user and
	// ECONFLICT when the password changed concurrently.
	ChangePassword(ctx context.Context, userID int64, current, next string) error

	// FindUserByID returns a user. Returns ENOTFOUND when there is none.
	FindUserByID(ctx context.Context, id int64) (*User, error)

	// FindUserByName returns the user with the username, ignoring letter
	// case. Returns ENOTFOUND when there is none.
	FindUserByName(ctx context.Context, username string) (*User, error)

	// SetUserRole changes a user's role, as actor (see CanSetUserRole:
	// only an admin, of an account ranking below them, not their own).
	// Returns EINVALID for an unknown role or the actor's own account,
	// ENOTFOUND for an unknown user and EFORBIDDEN when actor may not.
	SetUserRole(ctx context.Context, actor Actor, userID int64, role string) error
}

// Session lifetimes. A session expires SessionIdle after it was last used
// (extended at most every SessionRefresh), and in any case SessionMaxAge
// after it was created.
const (
	SessionIdle    = 30 * 24 * time.Hour
	SessionMaxAge  = 90 * 24 * time.Hour
	SessionRefresh = time.Hour
)

// Session is a logged-in browser or API client.
type Session struct {
	// Token is the secret to give the client (43 characters of unpadded
	// base64url over 32 random bytes). Only CreateSession fills it: the
	// database keeps its SHA-256 alone.
	Token     string    `json:"-"`
	User      *User     `json:"user"`
	CreatedAt time.Time `json:"created_at"`
	LastSeen  time.Time `json:"last_seen"`
	ExpiresAt time.Time `json:"expires_at"`
}

// SessionService keeps sessions in the database, so that they survive a
// restart and are shared between instances.
type SessionService interface {
	// CreateSession starts a session for the user and returns it with its
	// token. Expired sessions of all users are purged on the way.
	// Returns ENOTFOUND for an unknown user.
	CreateSession(ctx context.Context, userID int64) (*Session, error)

	// FindSession returns the live session with the token, and its user,
	// sliding its expiry forward when it was last extended more than
	// SessionRefresh ago (ExpiresAt then changes: re-send the cookie).
	// Returns EUNAUTHORIZED for a malformed, unknown or expired token.
	FindSession(ctx context.Context, token string) (*Session, error)

	// DeleteSession ends the session with the token (logging out). Ending
	// an unknown session is not an error.
	DeleteSession(ctx context.Context, token string) error

	// DeleteUserSessions ends every session of the user.
	DeleteUserSessions(ctx context.Context, userID int64) error
}

// Ledger entry kinds.
const (
	KindSignup         = "signup"          // sign-up bonus
	KindSignIn         = "signin"          // daily sign-in (签到)
	KindUploadApproved = "upload_approved" // reward for an approved upload
	KindDownload       = "download"        // points spent on a download
	KindRefund         = "refund"          // points given back
	KindAdjust         = "adjust"          // operator adjustment, with reason and operator
)

// ValidKind reports whether kind names one of the ledger entry kinds.
func ValidKind(kind string) bool {
	switch kind {
	case KindSignup, KindSignIn, KindUploadApproved, KindDownload, KindRefund, KindAdjust:
		return true
	}
	return false
}

// LedgerEntry is one change of a user's points. Entries are never changed
// or deleted; a user's balance is the sum of their amounts.
type LedgerEntry struct {
	ID      int64  `json:"id"`
	UserID  int64  `json:"user_id"`
	Kind    string `json:"kind"`
	Amount  int64  `json:"amount"`  // signed: negative for a spend
	Balance int64  `json:"balance"` // the user's balance after this entry
	// DocumentID is the external id of the document concerned, if any.
	DocumentID string `json:"document_id,omitempty"`
	Reason     string `json:"reason,omitempty"`
	// OperatorID is the admin who made an adjustment; 0 for none or the
	// command line.
	OperatorID int64     `json:"operator_id,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// PurchaseValidity is how long one payment allows downloading a document.
const PurchaseValidity = 30 * 24 * time.Hour

// Purchase is the right of a user to download a document until ExpiresAt.
type Purchase struct {
	UserID     int64     `json:"user_id"`
	DocumentID string    `json:"document_id"` // external id
	Title      string    `json:"title,omitempty"`
	Cost       int64     `json:"cost"` // 0 for free access
	CreatedAt  time.Time `json:"created_at"`
	ExpiresAt  time.Time `json:"expires_at"`
}

// LedgerMismatch is a user whose cached balance differs from the sum of
// their ledger entries.
type LedgerMismatch struct {
	UserID   int64  `json:"user_id"`
	Username string `json:"username"`
	Cached   int64  `json:"cached"`
	Sum      int64  `json:"sum"`
}

// LedgerService keeps the append-only points ledger. Every change of a
// balance is one write transaction that checks the cached balance, appends
// the entry and updates the cached balance, so no balance ever goes below
// zero however many requests run at once.
type LedgerService interface {
	// Balance returns the user's cached balance. Returns ENOTFOUND for an
	// unknown user.
	Balance(ctx context.Context, userID int64) (int64, error)

	// Entries returns one page (1-based) of the user's entries, newest
	// first, and the number of entries. Returns EINVALID for a page below 1.
	Entries(ctx context.Context, userID int64, page, limit int) ([]LedgerEntry, int, error)

	// Grant appends e (UserID, Kind, Amount and, as needed, DocumentID,
	// Reason, OperatorID) and fills its ID, Balance and CreatedAt. Amount
	// may be negative. Returns EINVALID for a zero amount, an unknown kind,
	// KindDownload (spends go through Purchase) or a KindAdjust without a
	// reason; ENOTFOUND for an unknown user; EPAYMENT when the balance
	// would go below zero.
	Grant(ctx context.Context, e *LedgerEntry) error

	// SignIn records the user's daily sign-in for day (DayLayout, in the
	// site's time zone) and grants points for it, returning the entry
	// (not stored, with ID 0, when points is 0). Returns ECONFLICT
	// "今天已经签到过了。" when the user already signed in that day, EINVALID
	// for a malformed day or negative points and ENOTFOUND for an unknown
	// user.
	SignIn(ctx context.Context, userID int64, day string, points int64) (*LedgerEntry, error)

	// Purchase buys the right to download a document for PurchaseValidity,
	// charging cost points. It charges nothing and returns the existing
	// purchase, with charged false, when the user holds a valid purchase
	// of the document or when key (an idempotency key; "" for none) was
	// already used by this user for this document. A cost of 0 records free
	// access. Returns EINVALID for a negative cost or a key over 200 bytes,
	// ENOTFOUND for an unknown user or document, ECONFLICT when key was
	// used for another document or for a purchase since expired, and
	// EPAYMENT "积分不足…" when the balance is below cost.
	Purchase(ctx context.Context, userID int64, documentID string, cost int64, key string) (p *Purchase, charged bool, err error)

	// FindPurchase returns the user's valid purchase of a document.
	// Returns ENOTFOUND when there is none (or it expired).
	FindPurchase(ctx context.Context, userID int64, documentID string) (*Purchase, error)

	// ListPurchases returns one page (1-based) of the user's purchases,
	// newest first, with the documents' titles, and their number. Returns
	// EINVALID for a page below 1.
	ListPurchases(ctx context.Context, userID int64, page, limit int) ([]Purchase, int, error)

	// CountDownloads returns how many download rights were granted for
	// the document (paid or free), for its page.
	CountDownloads(ctx context.Context, documentID string) (int, error)

	// CheckLedger returns the users whose cached balance differs from the
	// sum of their entries; none means the ledger is consistent.
	CheckLedger(ctx context.Context) ([]LedgerMismatch, error)
}

// Favorite is a document a user collected (收藏).
type Favorite struct {
	DocumentID string    `json:"id"`
	Title      string    `json:"title"`
	Date       string    `json:"date,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// FavoriteService keeps users' favourite documents.
type FavoriteService interface {
	// AddFavorite adds a document to the user's favourites; adding it again
	// changes nothing. It returns the document's favourite count. Returns
	// ENOTFOUND for an unknown document or user.
	AddFavorite(ctx context.Context, userID int64, documentID string) (int, error)

	// RemoveFavorite removes a document from the user's favourites;
	// removing one that is not there is not an error. It returns the
	// document's favourite count.
	RemoveFavorite(ctx context.Context, userID int64, documentID string) (int, error)

	// ListFavorites returns one page (1-based) of the user's favourites,
	// most recently added first, and their number. Returns EINVALID for a
	// page below 1.
	ListFavorites(ctx context.Context, userID int64, page, limit int) ([]Favorite, int, error)

	// CountFavorites returns how many users collected the document.
	CountFavorites(ctx context.Context, documentID string) (int, error)

	// IsFavorite reports whether the user collected the document.
	IsFavorite(ctx context.Context, userID int64, documentID string) (bool, error)
}

// Settings are the points rules an operator may change. The storage layer
// does not read them: callers pass the figures to CreateUser, SignIn and
// Purchase.
type Settings struct {
	// SiteName is shown in every page's header and title.
	SiteName      string `json:"site_name"`
	SignupBonus   int64  `json:"signup_bonus"`   // points for a new account
	SignInPoints  int64  `json:"signin_points"`  // points for a daily sign-in
	DownloadPrice int64  `json:"download_price"` // default price of a download
	UploadReward  int64  `json:"upload_reward"`  // points for an approved upload
	// PreviewRule is how much of a text visitors who have not logged in
	// read.
	PreviewRule
	// UploadMaxBytes is the largest file a reader may upload.
	UploadMaxBytes int64 `json:"upload_max_bytes"`
	// NearDuplicatePolicy says what happens to an upload at least
	// NearDuplicateThreshold similar to a published document: "flag"
	// sends it to the moderators with the match, "reject" rejects it.
	NearDuplicatePolicy string `json:"near_duplicate_policy"`
	// Sources name the sources of documents on their pages (来源).
	Sources []SourceRule `json:"sources"`

	// TakedownPolicy says what a takedown notice that qualifies (see
	// Complaint.QualifiesForTakedown) does: TakedownHide hides the
	// document at once, pending review; TakedownReview leaves it
	// published until a moderator decides. Any other complaint waits in
	// the queue either way.
	TakedownPolicy string `json:"takedown_policy"`
	// TakedownsPerDay bounds the notices that may hide a document at
	// once, per account and per address, in 24 hours; those beyond it go
	// to the queue without hiding.
	TakedownsPerDay int `json:"takedowns_per_day"`
	// TakedownAccountDays is how many days old an account must be for
	// its notices to hide a document at once.
	TakedownAccountDays int `json:"takedown_account_days"`
	// SearchPerMinute bounds the searches of a visitor who has not logged
	// in, per address; SearchPerMinuteUser those of a logged-in user. 0
	// is no limit.
	SearchPerMinute     int `json:"search_per_minute"`
	SearchPerMinuteUser int `json:"search_per_minute_user"`
	// RegistrationsPerHour bounds the accounts created from one address
	// in an hour; 0 is no limit.
	RegistrationsPerHour int `json:"registrations_per_hour"`
	// DownloadsPerMinute bounds the downloads (and purchases) of one
	// account in a minute: each may build a .docx; 0 is no limit.
	DownloadsPerMinute int `json:"downloads_per_minute"`
	// UploadsPerDay bounds the files a reader uploads in 24 hours, and
	// UploadQuotaBytes the bytes of their uploads the library keeps
	// (rejected and deleted ones do not count); 0 is no limit.
	UploadsPerDay    int   `json:"uploads_per_day"`
	UploadQuotaBytes int64 `json:"upload_quota_bytes"`
	// CheckDailyQuota is how many drafts a reader may check against the
	// library (查重) a day; 0 turns the check off for readers. Moderators
	// and admins are not counted (see CheckLimit).
	CheckDailyQuota int `json:"check_daily_quota"`
}

// Takedown policies.
const (
	TakedownHide   = "hide"
	TakedownReview = "review"
)

// MaxPoints bounds every figure of points: a grant, an adjustment, a
// price, a reward, a bonus. Sums of bounded figures cannot overflow.
const MaxPoints = 1_000_000_000

// maxRate bounds the rate limits of the settings.
const maxRate = 1_000_000

// Near-duplicate policies.
const (
	NearDuplicateFlag   = "flag"
	NearDuplicateReject = "reject"
)

// DefaultSettings returns the settings of a new site.
func DefaultSettings() Settings {
	return Settings{SiteName: "文稿库", SignupBonus: 20, SignInPoints: 2, DownloadPrice: 5, UploadReward: 10, PreviewRule: DefaultPreviewRule,
		UploadMaxBytes: 20 << 20, NearDuplicatePolicy: NearDuplicateFlag,
		TakedownPolicy: TakedownHide, TakedownsPerDay: 5, TakedownAccountDays: 1, SearchPerMinute: 60, RegistrationsPerHour: 5, DownloadsPerMinute: 30,
		UploadsPerDay: 30, UploadQuotaBytes: 1 << 30, CheckDailyQuota: 20, Sources: DefaultSourceRules()}
}

// Validate returns EINVALID when a figure is negative.
func (s Settings) Validate() error {
	if s.SignupBonus < 0 || s.SignInPoints < 0 || s.DownloadPrice < 0 || s.UploadReward < 0 {
		return ErrSettingsNegativePoints
	}
	if err := ValidateSourceRules(s.Sources); err != nil {
		return err
	}
	if s.SignupBonus > MaxPoints || s.SignInPoints > MaxPoints || s.DownloadPrice > MaxPoints || s.UploadReward > MaxPoints {
		return ErrSettingsPointsTooHigh
	}
	for _, n := range []int{s.TakedownsPerDay, s.TakedownAccountDays, s.SearchPerMinute, s.SearchPerMinuteUser, s.RegistrationsPerHour, s.DownloadsPerMinute, s.UploadsPerDay, s.CheckDailyQuota} {
		if n < 0 || n > maxRate {
			return ErrSettingsRate
		}
	}
	if s.UploadQuotaBytes < 0 || s.UploadQuotaBytes > 1<<50 {
		return ErrSettingsNegativeQuota
	}
	if s.TakedownPolicy != TakedownHide && s.TakedownPolicy != TakedownReview {
		return ErrSettingsTakedown
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(s.SiteName)); n == 0 || n > 30 {
		return ErrSettingsSiteName
	}
	if s.UploadMaxBytes < 1<<10 || s.UploadMaxBytes > 1<<30 {
		return ErrSettingsUploadMax
	}
	if s.NearDuplicatePolicy != NearDuplicateFlag && s.NearDuplicatePolicy != NearDuplicateReject {
		return ErrSettingsNearDuplicate
	}
	return s.PreviewRule.Validate()
}
