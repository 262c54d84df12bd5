package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/wengao/wengao"
)

var _ wengao.UserService = (*Store)(nil)

// UserColumns are the columns ScanUser reads, from users aliased u.
const UserColumns = `u.id, u.username, u.email, u.role, u.points, u.created_at, u.password_changed_at`

// ScanUser scans a row of UserColumns, then extra, into a user. Returns
// ENOTFOUND when there is no row.
func ScanUser(row RowScanner, extra ...any) (*wengao.User, error) {
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
func (s *Store) CreateUser(ctx context.Context, nu wengao.NewUser) (*wengao.User, error) {
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

	tx, err := s.BeginTx(ctx)
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
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, nu.Username, nu.Email, hash, nu.Role, now, now).Scan(&id); s.dialect.IsUniqueViolation(err) {
		// A name that differs from a taken one only in case.
		return nil, wengao.ErrUsernameTaken
	} else if err != nil {
		return nil, err
	}
	if nu.Bonus > 0 {
		if err := appendEntry(ctx, tx, &wengao.LedgerEntry{UserID: id, Kind: wengao.KindSignup, Amount: nu.Bonus}); err != nil {
			return nil, err
		}
	}
	u, err := FindUser(ctx, tx, `u.id = ?`, id)
	if err != nil {
		return nil, err
	}
	return u, tx.Commit()
}

// FindUser returns the user the condition where (on users aliased u)
// selects. Returns ENOTFOUND when there is none.
func FindUser(ctx context.Context, q Queryer, where string, args ...any) (*wengao.User, error) {
	return ScanUser(q.QueryRowContext(ctx, `SELECT `+UserColumns+` FROM users u WHERE `+where, args...))
}

// FindUserByID returns the user with the id.
func (s *Store) FindUserByID(ctx context.Context, id int64) (*wengao.User, error) {
	return FindUser(ctx, s.read, `u.id = ?`, id)
}

// FindUserByName returns the user with the username, ignoring case.
// The name is folded as CreateUser folds it; a name stored unfolded
// (before folding began) is found as typed.
func (s *Store) FindUserByName(ctx context.Context, username string) (*wengao.User, error) {
	return FindUser(ctx, s.read, userNameMatch, userNameArgs(username)...)
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
func (s *Store) Authenticate(ctx context.Context, username, password string) (*wengao.User, error) {
	if len(password) > wengao.PasswordMaxBytes {
		return nil, wengao.ErrBadLogin
	}
	var hash string
	row := s.read.QueryRowContext(ctx, `SELECT `+UserColumns+`, u.password_hash FROM users u WHERE `+userNameMatch, userNameArgs(username)...)
	u, err := ScanUser(row, &hash)
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
func (s *Store) ChangePassword(ctx context.Context, userID int64, current, next string) error {
	var old string
	if err := s.read.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = ?`, userID).Scan(&old); errors.Is(err, sql.ErrNoRows) {
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

	tx, err := s.BeginTx(ctx)
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
func (s *Store) SetUserRole(ctx context.Context, actor wengao.Actor, userID int64, role string) error {
	tx, err := s.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	target, err := FindUser(ctx, tx, `u.id = ?`, userID)
	if err != nil {
		return err
	}
	actorRole, err := ActorRole(ctx, tx, actor)
	if err != nil {
		return err
	}
	if err := wengao.CanSetUserRole(wengao.Actor{ID: actor.ID, Role: actorRole}, target.ID, target.Role, role); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE users SET role = ? WHERE id = ?`, role, userID); err != nil {
		return err
	}
	if err := AuditTx(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

// ActorRole returns the role the store holds for actor: "" for the
// system, and for an unknown account (which may do nothing) "none".
func ActorRole(ctx context.Context, q Queryer, actor wengao.Actor) (string, error) {
	if actor.ID == 0 {
		return "", nil
	}
	var role string
	err := q.QueryRowContext(ctx, `SELECT role FROM users WHERE id = ?`, actor.ID).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return "none", nil
	}
	return role, err
}
