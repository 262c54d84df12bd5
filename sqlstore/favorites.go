package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/wengao/wengao"
)

var _ wengao.FavoriteService = (*Store)(nil)

// countFavorites returns the number of users who collected the document.
func countFavorites(ctx context.Context, q Queryer, documentID string) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM favorites WHERE document_id = (SELECT id FROM documents WHERE ext_id = ?)`, documentID).Scan(&n)
	return n, err
}

// AddFavorite adds a document to the user's favourites.
func (s *Store) AddFavorite(ctx context.Context, userID int64, documentID string) (int, error) {
	tx, err := s.BeginTx(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var docRowID int64
	if err := tx.QueryRowContext(ctx, `SELECT id FROM documents WHERE ext_id = ?`, documentID).Scan(&docRowID); errors.Is(err, sql.ErrNoRows) {
		return 0, wengao.ErrDocumentNotFound
	} else if err != nil {
		return 0, err
	}
	if _, err := FindUser(ctx, tx, `u.id = ?`, userID); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO favorites (user_id, document_id, created_at) VALUES (?, ?, ?)
		ON CONFLICT DO NOTHING`, userID, docRowID, tx.now.Unix()); err != nil {
		return 0, err
	}
	n, err := countFavorites(ctx, tx, documentID)
	if err != nil {
		return 0, err
	}
	return n, tx.Commit()
}

// RemoveFavorite removes a document from the user's favourites.
func (s *Store) RemoveFavorite(ctx context.Context, userID int64, documentID string) (int, error) {
	tx, err := s.BeginTx(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM favorites WHERE user_id = ? AND document_id = (SELECT id FROM documents WHERE ext_id = ?)`,
		userID, documentID); err != nil {
		return 0, err
	}
	n, err := countFavorites(ctx, tx, documentID)
	if err != nil {
		return 0, err
	}
	return n, tx.Commit()
}

// ListFavorites returns one page of the user's favourites, newest first.
func (s *Store) ListFavorites(ctx context.Context, userID int64, page, limit int) ([]wengao.Favorite, int, error) {
	offset, limit, err := PageBounds(page, limit)
	if err != nil {
		return nil, 0, err
	}
	var total int
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM favorites WHERE user_id = ?`, userID).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT d.ext_id, d.title, d.date, f.created_at
		FROM favorites f JOIN documents d ON d.id = f.document_id
		WHERE f.user_id = ? ORDER BY f.created_at DESC, f.document_id DESC LIMIT ? OFFSET ?`, userID, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []wengao.Favorite{}
	for rows.Next() {
		var f wengao.Favorite
		var created int64
		if err := rows.Scan(&f.DocumentID, &f.Title, &f.Date, &created); err != nil {
			return nil, 0, err
		}
		f.CreatedAt = time.Unix(created, 0).UTC()
		out = append(out, f)
	}
	return out, total, rows.Err()
}

// CountFavorites returns how many users collected the document.
func (s *Store) CountFavorites(ctx context.Context, documentID string) (int, error) {
	return countFavorites(ctx, s.read, documentID)
}

// IsFavorite reports whether the user collected the document.
func (s *Store) IsFavorite(ctx context.Context, userID int64, documentID string) (bool, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM favorites WHERE user_id = ? AND document_id = (SELECT id FROM documents WHERE ext_id = ?)`,
		userID, documentID).Scan(&n)
	return n > 0, err
}
