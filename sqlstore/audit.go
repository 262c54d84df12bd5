package sqlstore

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wengao/wengao"
)

var _ wengao.AuditLog = (*Store)(nil)

// Limits of audit entry fields, in characters.
const (
	auditActionMaxRunes = 100
	auditTargetMaxRunes = 300
	auditDetailMaxRunes = 2000
)

// Audit appends an entry to the log, which triggers keep append-only
// (SQLite's migration 009, PostgreSQL's 001). An overlong target or detail is cut rather than
// refused: the action it records is done already. Actions that a store
// method does record themselves instead, in their own transaction, when
// their context carries an entry (wengao.NewContextWithAudit).
func (s *Store) Audit(ctx context.Context, e *wengao.AuditEntry) error {
	return insertAudit(ctx, s.WritePool(), e, s.Now())
}

// AuditTx writes the audit entry ctx carries in tx, the transaction of the
// action it records, unless there is none or it is written already.
func AuditTx(ctx context.Context, tx *Tx) error {
	e := wengao.AuditFromContext(ctx)
	if e == nil || e.ID != 0 {
		return nil
	}
	return insertAudit(ctx, tx, e, tx.now)
}

// insertAudit appends e to the log with q and fills its ID and CreatedAt
// (now).
func insertAudit(ctx context.Context, q Queryer, e *wengao.AuditEntry, now time.Time) error {
	e.Action = strings.TrimSpace(e.Action)
	if e.Action == "" || utf8.RuneCountInString(e.Action) > auditActionMaxRunes {
		return wengao.ErrAuditAction(auditActionMaxRunes)
	}
	e.Target = cutRunes(e.Target, auditTargetMaxRunes)
	e.Detail = cutRunes(e.Detail, auditDetailMaxRunes)
	e.CreatedAt = now.UTC().Truncate(time.Second)
	return q.QueryRowContext(ctx, `INSERT INTO audit (actor_id, actor_name, action, target, detail, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, e.ActorID, e.ActorName, e.Action, e.Target, e.Detail, e.CreatedAt.Unix()).Scan(&e.ID)
}

// ListAudit returns one page of entries, newest first, for a target or
// for all.
func (s *Store) ListAudit(ctx context.Context, target string, page, limit int) ([]wengao.AuditEntry, int, error) {
	offset, limit, err := PageBounds(page, limit)
	if err != nil {
		return nil, 0, err
	}
	cond, args := "", []any{}
	if target != "" {
		cond, args = ` WHERE target = ?`, append(args, target)
	}
	var total int
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit`+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT id, actor_id, actor_name, action, target, detail, created_at FROM audit`+cond+`
		ORDER BY id DESC LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []wengao.AuditEntry{}
	for rows.Next() {
		var e wengao.AuditEntry
		var created int64
		if err := rows.Scan(&e.ID, &e.ActorID, &e.ActorName, &e.Action, &e.Target, &e.Detail, &created); err != nil {
			return nil, 0, err
		}
		e.CreatedAt = time.Unix(created, 0).UTC()
		out = append(out, e)
	}
	return out, total, rows.Err()
}

// cutRunes returns s cut to at most n characters, the last an ellipsis
// when it was cut.
func cutRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// ExecAudited runs a statement that is a whole action in a transaction
// with the audit entry ctx carries, and returns the number of rows it
// changed. When it changed none, nothing is kept: neither the statement
// nor the entry. Otherwise changed, when not nil, records in the
// transaction what the statement changed (Tx.Changed).
func ExecAudited(ctx context.Context, s *Store, changed func(*Tx), query string, args ...any) (int64, error) {
	tx, err := s.BeginTx(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return 0, err
	}
	if err := AuditTx(ctx, tx); err != nil {
		return 0, err
	}
	if changed != nil {
		changed(tx)
	}
	return n, tx.Commit()
}
