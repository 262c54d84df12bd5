package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"time"

	"github.com/wengao/wengao"
)

var _ wengao.LedgerService = (*Store)(nil)

// maxKeyBytes is the longest idempotency key accepted.
const maxKeyBytes = 200

// appendEntry appends e to the ledger inside tx and updates the user's
// cached balance. The balance is checked on the cached figure within the
// same transaction; as write transactions are serialised
// (Dialect.BeginWrite), no concurrent change can slip in between. It fills
// e's ID, Balance and CreatedAt. Returns ENOTFOUND for an unknown user and
// EPAYMENT when the balance would go below zero.
func appendEntry(ctx context.Context, tx *Tx, e *wengao.LedgerEntry) error {
	return AppendEntry(ctx, tx, e, false)
}

// AppendEntry is appendEntry that, with mayGoNegative, lets the balance
// go below zero: a reward taken back in full (wengao.RewardTakeBack).
func AppendEntry(ctx context.Context, tx *Tx, e *wengao.LedgerEntry, mayGoNegative bool) error {
	var balance int64
	if err := tx.QueryRowContext(ctx, `SELECT points FROM users WHERE id = ?`, e.UserID).Scan(&balance); errors.Is(err, sql.ErrNoRows) {
		return wengao.ErrUserNotFound
	} else if err != nil {
		return err
	}
	if e.Amount > 0 && balance > math.MaxInt64-e.Amount || e.Amount < 0 && balance < math.MinInt64-e.Amount {
		return wengao.ErrBalanceOverflow
	}
	if balance+e.Amount < 0 && !mayGoNegative {
		if e.Kind == wengao.KindDownload {
			return wengao.ErrDownloadPoints(-e.Amount, balance)
		}
		return wengao.ErrInsufficientPoints(balance, -e.Amount)
	}
	e.Balance = balance + e.Amount
	e.CreatedAt = tx.now
	var operator any
	if e.OperatorID != 0 {
		operator = e.OperatorID
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO ledger (user_id, kind, amount, balance, document_id, reason, operator_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		e.UserID, e.Kind, e.Amount, e.Balance, e.DocumentID, e.Reason, operator, e.CreatedAt.Unix()).Scan(&e.ID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE users SET points = ? WHERE id = ?`, e.Balance, e.UserID)
	return err
}

// Balance returns the user's cached balance.
func (s *Store) Balance(ctx context.Context, userID int64) (int64, error) {
	var n int64
	err := s.read.QueryRowContext(ctx, `SELECT points FROM users WHERE id = ?`, userID).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, wengao.ErrUserNotFound
	}
	return n, err
}

// Entries returns one page of the user's entries, newest first.
func (s *Store) Entries(ctx context.Context, userID int64, page, limit int) ([]wengao.LedgerEntry, int, error) {
	offset, limit, err := PageBounds(page, limit)
	if err != nil {
		return nil, 0, err
	}
	var total int
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM ledger WHERE user_id = ?`, userID).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT id, user_id, kind, amount, balance, document_id, reason, COALESCE(operator_id, 0), created_at
		FROM ledger WHERE user_id = ? ORDER BY id DESC LIMIT ? OFFSET ?`, userID, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []wengao.LedgerEntry{}
	for rows.Next() {
		var e wengao.LedgerEntry
		var created int64
		if err := rows.Scan(&e.ID, &e.UserID, &e.Kind, &e.Amount, &e.Balance, &e.DocumentID, &e.Reason, &e.OperatorID, &created); err != nil {
			return nil, 0, err
		}
		e.CreatedAt = time.Unix(created, 0).UTC()
		out = append(out, e)
	}
	return out, total, rows.Err()
}

// Grant appends an entry other than a download.
func (s *Store) Grant(ctx context.Context, e *wengao.LedgerEntry) error {
	switch {
	case e.Amount == 0:
		return wengao.ErrZeroAmount
	case e.Amount > wengao.MaxPoints || e.Amount < -wengao.MaxPoints:
		return wengao.ErrAmountTooLarge
	case !wengao.ValidKind(e.Kind) || e.Kind == wengao.KindDownload:
		return wengao.ErrUnknownLedgerKind(e.Kind)
	case e.Kind == wengao.KindAdjust && e.Reason == "":
		return wengao.ErrAdjustReasonRequired
	}
	tx, err := s.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := appendEntry(ctx, tx, e); err != nil {
		return err
	}
	if err := AuditTx(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

// SignIn records a daily sign-in and its points.
func (s *Store) SignIn(ctx context.Context, userID int64, day string, points int64) (*wengao.LedgerEntry, error) {
	if _, err := time.Parse(wengao.DayLayout, day); err != nil {
		return nil, wengao.ErrBadDay(day)
	}
	if points < 0 || points > wengao.MaxPoints {
		return nil, wengao.ErrSignInRewardRange
	}
	tx, err := s.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var done int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM sign_ins WHERE user_id = ? AND day = ?`, userID, day).Scan(&done); err != nil {
		return nil, err
	} else if done > 0 {
		return nil, wengao.ErrSignedInToday
	}
	e := &wengao.LedgerEntry{UserID: userID, Kind: wengao.KindSignIn, Amount: points}
	var ledgerID any
	if points > 0 {
		if err := appendEntry(ctx, tx, e); err != nil {
			return nil, err
		}
		ledgerID = e.ID
	} else if _, err := FindUser(ctx, tx, `u.id = ?`, userID); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO sign_ins (user_id, day, ledger_id) VALUES (?, ?, ?)`, userID, day, ledgerID); err != nil {
		return nil, err
	}
	return e, tx.Commit()
}

// purchaseColumns are the columns scanPurchase reads, from purchases
// aliased p joined to documents d.
const purchaseColumns = `p.user_id, d.ext_id, d.title, p.cost, p.created_at, p.expires_at`

func scanPurchase(row RowScanner) (*wengao.Purchase, error) {
	p := &wengao.Purchase{}
	var created, expires int64
	if err := row.Scan(&p.UserID, &p.DocumentID, &p.Title, &p.Cost, &created, &expires); errors.Is(err, sql.ErrNoRows) {
		return nil, wengao.ErrNoPurchase
	} else if err != nil {
		return nil, err
	}
	p.CreatedAt = time.Unix(created, 0).UTC()
	p.ExpiresAt = time.Unix(expires, 0).UTC()
	return p, nil
}

// validPurchase returns the user's purchase of the document that is valid
// at now and lasts longest. Returns ENOTFOUND when there is none.
func validPurchase(ctx context.Context, q Queryer, userID int64, documentID string, now time.Time) (*wengao.Purchase, error) {
	return scanPurchase(q.QueryRowContext(ctx, `SELECT `+purchaseColumns+` FROM purchases p JOIN documents d ON d.id = p.document_id
		WHERE p.user_id = ? AND d.ext_id = ? AND p.expires_at > ? ORDER BY p.expires_at DESC LIMIT 1`, userID, documentID, now.Unix()))
}

// Purchase buys download access to a document, charging at most once per
// validity period and once per idempotency key.
func (s *Store) Purchase(ctx context.Context, userID int64, documentID string, cost int64, key string) (*wengao.Purchase, bool, error) {
	if cost < 0 || cost > wengao.MaxPoints {
		return nil, false, wengao.ErrPriceRange
	}
	if len(key) > maxKeyBytes {
		return nil, false, wengao.ErrRequestIDTooLong
	}
	tx, err := s.BeginTx(ctx)
	if err != nil {
		return nil, false, err
	}
	defer tx.Rollback()
	now := tx.now

	// A replayed request gets what the first one got.
	if key != "" {
		p, err := scanPurchase(tx.QueryRowContext(ctx, `SELECT `+purchaseColumns+` FROM purchases p JOIN documents d ON d.id = p.document_id
			WHERE p.user_id = ? AND p.idempotency_key = ?`, userID, key))
		if err == nil {
			if p.DocumentID != documentID {
				return nil, false, wengao.ErrRequestIDReused
			}
			if !p.ExpiresAt.After(now) {
				return nil, false, wengao.ErrRequestIDExpired
			}
			return p, false, nil
		} else if wengao.ErrorCode(err) != wengao.ENOTFOUND {
			return nil, false, err
		}
	}

	var docRowID int64
	var title string
	if err := tx.QueryRowContext(ctx, `SELECT id, title FROM documents WHERE ext_id = ?`, documentID).Scan(&docRowID, &title); errors.Is(err, sql.ErrNoRows) {
		return nil, false, wengao.ErrDocumentNotFound
	} else if err != nil {
		return nil, false, err
	}
	// Paying once allows downloads for the whole validity period.
	if p, err := validPurchase(ctx, tx, userID, documentID, now); err == nil {
		return p, false, nil
	} else if wengao.ErrorCode(err) != wengao.ENOTFOUND {
		return nil, false, err
	}

	var ledgerID any
	if cost > 0 {
		e := &wengao.LedgerEntry{UserID: userID, Kind: wengao.KindDownload, Amount: -cost, DocumentID: documentID}
		if err := appendEntry(ctx, tx, e); err != nil {
			return nil, false, err
		}
		ledgerID = e.ID
	} else if _, err := FindUser(ctx, tx, `u.id = ?`, userID); err != nil {
		return nil, false, err
	}
	var keyArg any
	if key != "" {
		keyArg = key
	}
	p := &wengao.Purchase{
		UserID:     userID,
		DocumentID: documentID,
		Title:      title,
		Cost:       cost,
		CreatedAt:  time.Unix(now.Unix(), 0).UTC(),
		ExpiresAt:  time.Unix(now.Add(wengao.PurchaseValidity).Unix(), 0).UTC(),
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO purchases (user_id, document_id, cost, ledger_id, idempotency_key, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, userID, docRowID, cost, ledgerID, keyArg, p.CreatedAt.Unix(), p.ExpiresAt.Unix()); err != nil {
		return nil, false, err
	}
	if err := tx.Commit(); err != nil {
		return nil, false, err
	}
	return p, cost > 0, nil
}

// FindPurchase returns the user's valid purchase of a document.
func (s *Store) FindPurchase(ctx context.Context, userID int64, documentID string) (*wengao.Purchase, error) {
	return validPurchase(ctx, s.read, userID, documentID, s.Now())
}

// ListPurchases returns a page of the user's purchases, newest first.
func (s *Store) ListPurchases(ctx context.Context, userID int64, page, limit int) ([]wengao.Purchase, int, error) {
	offset, limit, err := PageBounds(page, limit)
	if err != nil {
		return nil, 0, err
	}
	var total int
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM purchases WHERE user_id = ?`, userID).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+purchaseColumns+` FROM purchases p JOIN documents d ON d.id = p.document_id
		WHERE p.user_id = ? ORDER BY p.id DESC LIMIT ? OFFSET ?`, userID, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	out, err := Collect(rows, scanPurchase)
	return out, total, err
}

// CountDownloads returns the number of purchases of the document.
func (s *Store) CountDownloads(ctx context.Context, documentID string) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM purchases p JOIN documents d ON d.id = p.document_id WHERE d.ext_id = ?`, documentID).Scan(&n)
	return n, err
}

// CheckLedger compares each user's cached balance with the sum of their
// entries, in one consistent read.
func (s *Store) CheckLedger(ctx context.Context) ([]wengao.LedgerMismatch, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT u.id, u.username, u.points, COALESCE(l.total, 0)
		FROM users u LEFT JOIN (SELECT user_id, CAST(SUM(amount) AS BIGINT) AS total FROM ledger GROUP BY user_id) l ON l.user_id = u.id
		WHERE u.points <> COALESCE(l.total, 0) ORDER BY u.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []wengao.LedgerMismatch
	for rows.Next() {
		var m wengao.LedgerMismatch
		if err := rows.Scan(&m.UserID, &m.Username, &m.Cached, &m.Sum); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
