package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/wengao/wengao"
)

var _ wengao.UserService = (*DB)(nil)

// userColumns are the columns scanUser reads, from users aliased u.
const userColumns = `u.id, u.username, u.email, u.role, u.points, u.created_at, u.password_changed_at`

// rowScanner is a *sql.Row or *sql.Rows.
type rowScanner interface{ Scan(dest ...any) error }

// collect scans every row of rows with scan and closes them.
func collect[T any](rows *sql.Rows, scan func(rowScanner) (*T, error)) ([]T, error) {
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, rows.Err()
}

func scanUser(row rowScanner, extra ...any) (*wengao.User, error) {
	u := &wengao.User{}
	var created, changed int64
	dest := append([]any{&u.ID, &u.Username, &u.Email, &u.Role, &u.Points, &created, &changed}, extra...)
	if err := row.Scan(dest...); errors.Is(err, sql.ErrNoRows) {
		return nil, wengao.ErrUserNotFound
	} else if err != nil {
		return nil, err
	}
	u.CreatedAt = time.Unix(created, 0).UTC()
	u.PasswordChangedAt = time.Unix(changed, 0).UTC()
	return u, nil
}

// CreateUser validates and creates an account with its sign-up bonus. The
// password is hashed before the write transaction begins, so that other
// writers do not wait for argon2.
func (db *DB) CreateUser(ctx context.Context, nu wengao.NewUser) (*wengao.User, error) {
	nu.Username = strings.TrimSpace(nu.Username)
	nu.Email = strings.TrimSpace(nu.Email)
	if nu.Role == "" {
		nu.Role = wengao.RoleReader
	}
	if err := wengao.ValidateUsername(nu.Username); err != nil {
		return nil, err
	}
	// Stored folded, so that a name that looks like a taken one is taken.
	nu.Username = wengao.NormalizeUsername(nu.Username)
	if err := wengao.ValidateUsername(nu.Username); err != nil {
		return nil, err
	}
	if err := wengao.ValidatePassword(nu.Password); err != nil {
		return nil, err
	}
	if err := wengao.ValidateEmail(nu.Email); err != nil {
		return nil, err
	}
	if !wengao.ValidRole(nu.Role) {
		return nil, wengao.ErrUnknownRole(nu.Role)
	}
	if nu.Bonus < 0 || nu.Bonus > wengao.MaxPoints {
		return nil, wengao.ErrSignupReward
	}
	hash, err := hashPassword(nu.Password)
	if err != nil {
		return nil, err
	}

	tx, err := db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var taken int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE username = ?`, nu.Username).Scan(&taken); err != nil {
		return nil, err
	} else if taken > 0 {
		return nil, wengao.ErrUsernameTaken
	}
	now := tx.now.Unix()
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO users (username, email, password_hash, role, created_at, password_changed_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, nu.Username, nu.Email, hash, nu.Role, now, now).Scan(&id); err != nil {
		return nil, err
	}
	if nu.Bonus > 0 {
		if err := appendEntry(ctx, tx, &wengao.LedgerEntry{UserID: id, Kind: wengao.KindSignup, Amount: nu.Bonus}); err != nil {
			return nil, err
		}
	}
	u, err := findUser(ctx, tx, `u.id = ?`, id)
	if err != nil {
		return nil, err
	}
	return u, tx.Commit()
}

// queryer is what *sql.DB and *sql.Tx share.
type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func findUser(ctx context.Context, q queryer, where string, args ...any) (*wengao.User, error) {
	return scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE `+where, args...))
}

// FindUserByID returns the user with the id.
func (db *DB) FindUserByID(ctx context.Context, id int64) (*wengao.User, error) {
	return findUser(ctx, db.read, `u.id = ?`, id)
}

// FindUserByName returns the user with the username, ignoring case.
// The name is folded as CreateUser folds it; a name stored unfolded
// (before folding began) is found as typed.
func (db *DB) FindUserByName(ctx context.Context, username string) (*wengao.User, error) {
	return findUser(ctx, db.read, userNameMatch, userNameArgs(username)...)
}

// userNameMatch selects the account of a name, folded or, for an account
// created before names were folded, as typed; the folded one first.
const userNameMatch = `u.id = (SELECT id FROM users WHERE username IN (?, ?) ORDER BY username = ? DESC LIMIT 1)`

// userNameArgs are the arguments of userNameMatch.
func userNameArgs(username string) []any {
	raw := strings.TrimSpace(username)
	folded := wengao.NormalizeUsername(raw)
	return []any{folded, raw, folded}
}

// Authenticate checks a username and password. An unknown username is
// checked against a dummy hash, so that it takes as long as a wrong
// password.
func (db *DB) Authenticate(ctx context.Context, username, password string) (*wengao.User, error) {
	if len(password) > wengao.PasswordMaxBytes {
		return nil, wengao.ErrBadLogin
	}
	var hash string
	row := db.read.QueryRowContext(ctx, `SELECT `+userColumns+`, u.password_hash FROM users u WHERE `+userNameMatch, userNameArgs(username)...)
	u, err := scanUser(row, &hash)
	if wengao.ErrorCode(err) == wengao.ENOTFOUND {
		u, hash = nil, dummyHash
	} else if err != nil {
		return nil, err
	}
	ok, err := verifyPassword(password, hash)
	if err != nil {
		return nil, err
	}
	if !ok || u == nil {
		return nil, wengao.ErrBadLogin
	}
	return u, nil
}

// ChangePassword checks the current password, stores the hash of the next
// one and ends the user's sessions in one transaction. The update only
// applies if the hash is still the one checked.
func (db *DB) ChangePassword(ctx context.Context, userID int64, current, next string) error {
	var old string
	if err := db.read.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = ?`, userID).Scan(&old); errors.Is(err, sql.ErrNoRows) {
		return wengao.ErrUserNotFound
	} else if err != nil {
		return err
	}
	if len(current) > wengao.PasswordMaxBytes {
		return wengao.ErrWrongPassword
	}
	if ok, err := verifyPassword(current, old); err != nil {
		return err
	} else if !ok {
		return wengao.ErrWrongPassword
	}
	if err := wengao.ValidatePassword(next); err != nil {
		return err
	}
	hash, err := hashPassword(next)
	if err != nil {
		return err
	}

	tx, err := db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ? AND password_hash = ?`,
		hash, tx.now.Unix(), userID, old)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return wengao.ErrPasswordChanged
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
		return err
	}
	return tx.Commit()
}

// SetUserRole changes a user's role, when the rules let actor
// (wengao.CanSetUserRole).
func (db *DB) SetUserRole(ctx context.Context, actor wengao.Actor, userID int64, role string) error {
	tx, err := db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	target, err := findUser(ctx, tx, `u.id = ?`, userID)
	if err != nil {
		return err
	}
	actorRole, err := actorRole(ctx, tx, actor)
	if err != nil {
		return err
	}
	if err := wengao.CanSetUserRole(wengao.Actor{ID: actor.ID, Role: actorRole}, target.ID, target.Role, role); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE users SET role = ? WHERE id = ?`, role, userID); err != nil {
		return err
	}
	if err := auditTx(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

// maxListPage bounds the page of a list: far beyond any list, and low
// enough that its offset cannot overflow.
const maxListPage = 1_000_000

// pageBounds turns a 1-based page and a limit into an offset and a limit
// between 1 and 100 (20 when not given). Returns EINVALID for a page
// below 1 or above maxListPage.
func pageBounds(page, limit int) (offset, n int, err error) {
	if page < 1 {
		return 0, 0, wengao.ErrPageBelowOne
	}
	if page > maxListPage {
		return 0, 0, wengao.ErrPageOutOfRange
	}
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, 100)
	return (page - 1) * limit, limit, nil
}
