package sqlstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"time"

	"github.com/wengao/wengao"
)

var _ wengao.SessionService = (*Store)(nil)

// tokenHash returns the SHA-256 of a session token, or false when the
// token is not 32 bytes of unpadded base64url.
func tokenHash(token string) ([]byte, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) != 32 {
		return nil, false
	}
	sum := sha256.Sum256(raw)
	return sum[:], true
}

// CreateSession starts a session for the user, purging expired sessions.
func (s *Store) CreateSession(ctx context.Context, userID int64) (*wengao.Session, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	sum := sha256.Sum256(raw)
	tx, err := s.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	now := tx.now
	sess := &wengao.Session{
		Token:     token,
		CreatedAt: now,
		LastSeen:  now,
		ExpiresAt: now.Add(wengao.SessionIdle),
	}
	if sess.User, err = FindUser(ctx, tx, `u.id = ?`, userID); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, now.Unix()); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, last_seen, expires_at) VALUES (?, ?, ?, ?, ?)`,
		sum[:], userID, sess.CreatedAt.Unix(), sess.LastSeen.Unix(), sess.ExpiresAt.Unix()); err != nil {
		return nil, err
	}
	return sess, tx.Commit()
}

// FindSession returns the live session with the token. Reading takes the
// read pool; only a session last extended over SessionRefresh ago is
// written, so that most requests do not queue for the writer.
func (s *Store) FindSession(ctx context.Context, token string) (*wengao.Session, error) {
	hash, ok := tokenHash(token)
	if !ok {
		return nil, wengao.ErrSessionExpired
	}
	now := s.Now()
	var created, lastSeen, expires int64
	row := s.read.QueryRowContext(ctx, `SELECT `+UserColumns+`, s.created_at, s.last_seen, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ?`, hash, now.Unix())
	u, err := ScanUser(row, &created, &lastSeen, &expires)
	if wengao.ErrorCode(err) == wengao.ENOTFOUND {
		return nil, wengao.ErrSessionExpired
	} else if err != nil {
		return nil, err
	}
	sess := &wengao.Session{User: u, CreatedAt: time.Unix(created, 0).UTC(), LastSeen: time.Unix(lastSeen, 0).UTC(), ExpiresAt: time.Unix(expires, 0).UTC()}
	if now.Sub(sess.LastSeen) < wengao.SessionRefresh {
		return sess, nil
	}
	// Slide the expiry, never past the maximum age.
	next := min(now.Add(wengao.SessionIdle).Unix(), sess.CreatedAt.Add(wengao.SessionMaxAge).Unix())
	res, err := s.WritePool().ExecContext(ctx, `UPDATE sessions SET last_seen = ?, expires_at = ? WHERE token_hash = ?`, now.Unix(), next, hash)
	if err != nil {
		return nil, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return nil, err
	} else if n == 0 { // ended meanwhile
		return nil, wengao.ErrSessionExpired
	}
	sess.LastSeen, sess.ExpiresAt = time.Unix(now.Unix(), 0).UTC(), time.Unix(next, 0).UTC()
	return sess, nil
}

// DeleteSession ends the session with the token.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	hash, ok := tokenHash(token)
	if !ok {
		return nil
	}
	_, err := s.WritePool().ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hash)
	return err
}

// DeleteUserSessions ends every session of the user.
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64) error {
	_, err := s.WritePool().ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
	return err
}
