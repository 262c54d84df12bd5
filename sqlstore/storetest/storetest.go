// Package storetest is the test suite of a store's services (the account
// side, package sqlstore's, and documents, read counts, listings and
// search), run against each engine from this one source: the sqlite and
// postgres packages call Run with an opener of their own.
package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/throttle"
)

// Store is what the suite tests.
type Store interface {
	wengao.UserService
	wengao.SessionService
	wengao.LedgerService
	wengao.FavoriteService
	wengao.SettingsService
	wengao.MaskService
	wengao.AbbreviationService
	wengao.AuditLog
	wengao.ChangeNotifier
	Follower
	throttle.Counts
	wengao.VisitorReads
}

// Follower follows the change log: see sqlstore.Store.FollowChanges.
type Follower interface {
	FollowChanges(every time.Duration)
	StopFollowing()
	PollChanges(ctx context.Context) error
}

// DocumentStore is what the suite tests of the documents side.
type DocumentStore interface {
	wengao.DocumentService
	wengao.SearchService
	wengao.BrowseService
	wengao.ReadService
	// DeleteDocument removes a document and what refers to it; ENOTFOUND
	// when there is none.
	DeleteDocument(ctx context.Context, id string) error
}

// Fixture is an open store with what the suite needs besides its
// services.
type Fixture struct {
	Store
	// Docs is the same store's documents side.
	Docs DocumentStore
	// Clock is the store's clock.
	Clock *Clock
	// AddDocuments stores documents (their ID, Title and Date are what
	// the account side reads), as an import would.
	AddDocuments func(tb testing.TB, docs []*wengao.Document)
	// RawExec runs a statement, with ? placeholders, on a connection of
	// its own, going around the store as someone tampering with the
	// database would.
	RawExec func(query string, args ...any) error
	// RawCount runs a query, with ? placeholders, returning one integer
	// on a connection of its own.
	RawCount func(query string, args ...any) (int64, error)
	// Reopen opens the same database again, as another process or
	// instance would, with a clock of its own starting at Clock's time;
	// it is closed at the end of tb.
	Reopen func(tb testing.TB) *Fixture
}

// Opener opens an empty store on a Clock, closed at the end of tb.
type Opener func(tb testing.TB) *Fixture

// Run runs the suite, each test on a store of its own from open.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, Opener)
	}{
		{"CreateUser", testCreateUser},
		{"CreateUserValidation", testCreateUserValidation},
		{"Authenticate", testAuthenticate},
		{"ChangePassword", testChangePassword},
		{"SetUserRole", testSetUserRole},
		{"SetUserRoleRank", testSetUserRoleRank},
		{"SessionLogout", testSessionLogout},
		{"DeleteUserSessions", testDeleteUserSessions},
		{"SessionExpiry", testSessionExpiry},
		{"SessionSurvivesRestart", testSessionSurvivesRestart},
		{"PurchaseConcurrent", testPurchaseConcurrent},
		{"PurchaseTwoInstances", testPurchaseTwoInstances},
		{"PurchaseReplay", testPurchaseReplay},
		{"PurchaseValidity", testPurchaseValidity},
		{"PurchaseErrors", testPurchaseErrors},
		{"Grant", testGrant},
		{"SignIn", testSignIn},
		{"LedgerAppendOnly", testLedgerAppendOnly},
		{"CheckLedger", testCheckLedger},
		{"Favorites", testFavorites},
		{"Settings", testSettings},
		{"SettingsConcurrent", testSettingsConcurrent},
		{"Masks", testMasks},
		{"Abbreviations", testAbbreviations},
		{"Audit", testAudit},
		{"AuditAppendOnly", testAuditAppendOnly},
		{"ChangesTold", testChangesTold},
		{"ChangeFeedTwoInstances", testChangeFeedTwoInstances},
		{"ChangeFeedMasks", testChangeFeedMasks},
		{"ChangeFeedBehind", testChangeFeedBehind},
		{"LoginThrottleTwoInstances", testLoginThrottleTwoInstances},
		{"LimiterTwoInstances", testLimiterTwoInstances},
		{"RateLimitsExpire", testRateLimitsExpire},
		{"VisitorReadsTwoInstances", testVisitorReadsTwoInstances},
		{"VisitorReadsPruned", testVisitorReadsPruned},
		{"SaveDocuments", testSaveDocuments},
		{"SaveDocumentsInvalid", testSaveDocumentsInvalid},
		{"SaveTwiceInOneBatch", testSaveTwiceInOneBatch},
		{"DeleteDocument", testDeleteDocument},
		{"DocumentsAcrossInstances", testDocumentsAcrossInstances},
		{"LongDocumentPhrases", testLongDocumentPhrases},
		{"RecordReads", testRecordReads},
		{"RecordReadsKeepsImport", testRecordReadsKeepsImport},
		{"ListDocuments", testListDocuments},
		{"Categories", testCategories},
		{"ListCategoryAndSlices", testListCategoryAndSlices},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open) })
	}
}

// Clock is a clock that tests set and move on, instead of ageing rows or
// sleeping.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock showing t.
func NewClock(t time.Time) *Clock {
	return &Clock{now: t}
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestPassword is the password of the users the helpers create.
const TestPassword = "correct horse"

// MustCreateUser creates a reader with TestPassword and bonus points.
func MustCreateUser(tb testing.TB, s wengao.UserService, name string, bonus int64) *wengao.User {
	tb.Helper()
	u, err := s.CreateUser(context.Background(), wengao.NewUser{Username: name, Password: TestPassword, Bonus: bonus})
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

// MustCreateStaff creates a moderator or an admin.
func MustCreateStaff(tb testing.TB, s wengao.UserService, name, role string) *wengao.User {
	tb.Helper()
	u := MustCreateUser(tb, s, name, 0)
	if err := s.SetUserRole(context.Background(), wengao.Actor{}, u.ID, role); err != nil {
		tb.Fatal(err)
	}
	u.Role = role
	return u
}

// MustGrant gives a user points by an operator adjustment.
func MustGrant(tb testing.TB, s wengao.LedgerService, userID, amount int64) {
	tb.Helper()
	if err := s.Grant(context.Background(), &wengao.LedgerEntry{UserID: userID, Kind: wengao.KindAdjust, Amount: amount, Reason: "test"}); err != nil {
		tb.Fatal(err)
	}
}

// MustCheckLedger fails tb when a cached balance is not the sum of its
// entries.
func MustCheckLedger(tb testing.TB, s wengao.LedgerService) {
	tb.Helper()
	if bad, err := s.CheckLedger(context.Background()); err != nil {
		tb.Fatal(err)
	} else if len(bad) > 0 {
		tb.Errorf("ledger check: %+v", bad)
	}
}

// MustBalance checks a user's balance.
func MustBalance(tb testing.TB, s wengao.LedgerService, userID, want int64) {
	tb.Helper()
	if got, err := s.Balance(context.Background(), userID); err != nil {
		tb.Fatal(err)
	} else if got != want {
		tb.Errorf("balance %d, want %d", got, want)
	}
}

// WantCode stops the test unless err has the code.
func WantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := wengao.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

// TestDocuments returns n small documents with ids d0, d1, …
func TestDocuments(n int) []*wengao.Document {
	docs := make([]*wengao.Document, n)
	for i := range docs {
		docs[i] = &wengao.Document{ID: fmt.Sprintf("d%d", i), Title: fmt.Sprintf("关于第%d项工作的通知", i), Date: "2024-01-02",
			Body: []string{fmt.Sprintf("各单位：请做好第%d项工作。", i)}}
	}
	return docs
}

// mustSaveDocs saves TestDocuments(n).
func mustSaveDocs(tb testing.TB, f *Fixture, n int) {
	tb.Helper()
	f.AddDocuments(tb, TestDocuments(n))
}

// mustRawExec runs RawExec and stops the test if it fails.
func mustRawExec(tb testing.TB, f *Fixture, query string, args ...any) {
	tb.Helper()
	if err := f.RawExec(query, args...); err != nil {
		tb.Fatal(err)
	}
}
