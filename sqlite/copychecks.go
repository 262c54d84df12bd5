package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/wengao/wengao"
)

var _ wengao.CheckQuotaService = (*DB)(nil)

// TakeCheck counts one check of the user on day unless limit checks are
// already counted (see wengao.CheckQuotaService). The user's rows of
// earlier days are dropped as the first check of a day is counted, so
// that the table holds about one row per user who checks.
func (db *DB) TakeCheck(ctx context.Context, userID int64, day string, limit int) (used int, ok bool, err error) {
	if _, err := time.Parse(wengao.DayLayout, day); err != nil {
		return 0, false, wengao.ErrBadDay(day)
	}
	tx, err := db.BeginTx(ctx)
	if err != nil {
		return 0, false, err
	}
	defer tx.Rollback()
	err = tx.QueryRowContext(ctx, `SELECT count FROM copy_checks WHERE user_id = ? AND day = ?`, userID, day).Scan(&used)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM users WHERE id = ?`, userID).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			return 0, false, wengao.ErrUserNotFound
		} else if err != nil {
			return 0, false, err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM copy_checks WHERE user_id = ? AND day < ?`, userID, day); err != nil {
			return 0, false, err
		}
	case err != nil:
		return 0, false, err
	}
	if limit > 0 && used >= limit {
		return used, false, nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO copy_checks (user_id, day, count) VALUES (?, ?, 1)
		ON CONFLICT (user_id, day) DO UPDATE SET count = count + 1`, userID, day); err != nil {
		return 0, false, err
	}
	return used + 1, true, tx.Commit()
}

// ReturnCheck gives back a check taken on day (see
// wengao.CheckQuotaService).
func (db *DB) ReturnCheck(ctx context.Context, userID int64, day string) error {
	_, err := db.write.ExecContext(ctx, `UPDATE copy_checks SET count = count - 1 WHERE user_id = ? AND day = ? AND count > 0`, userID, day)
	return err
}

// ChecksUsed returns the checks counted for the user on day (see
// wengao.CheckQuotaService).
func (db *DB) ChecksUsed(ctx context.Context, userID int64, day string) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count FROM copy_checks WHERE user_id = ? AND day = ?`, userID, day).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return n, err
}
