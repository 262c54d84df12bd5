package sqlite

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wengao/wengao"
)

var _ wengao.AuditLog = (*DB)(nil)

// Limits of audit entry fields, in characters.
const (
	auditActionMaxRunes = 100
	auditTargetMaxRunes = 300
	auditDetailMaxRunes = 2000
)

// Audit appends an entry to the log, which triggers keep append-only
// (migration 009). An overlong target or detail is cut rather than
// refused: the action it records is done already.
func (db *DB) Audit(ctx context.Context, e *wengao.AuditEntry) error {
	e.Action = strings.TrimSpace(e.Action)
	if e.Action == "" || utf8.RuneCountInString(e.Action) > auditActionMaxRunes {
		return wengao.Errorf(wengao.EINVALID, "审计记录须有动作，最多 %d 个字符。", auditActionMaxRunes)
	}
	e.Target = cutRunes(e.Target, auditTargetMaxRunes)
	e.Detail = cutRunes(e.Detail, auditDetailMaxRunes)
	e.CreatedAt = time.Now().UTC().Truncate(time.Second)
	return db.write.QueryRowContext(ctx, `INSERT INTO audit (actor_id, actor_name, action, target, detail, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, e.ActorID, e.ActorName, e.Action, e.Target, e.Detail, e.CreatedAt.Unix()).Scan(&e.ID)
}

// ListAudit returns one page of entries, newest first, for a target or
// for all.
func (db *DB) ListAudit(ctx context.Context, target string, page, limit int) ([]wengao.AuditEntry, int, error) {
	offset, limit, err := pageBounds(page, limit)
	if err != nil {
		return nil, 0, err
	}
	cond, args := "", []any{}
	if target != "" {
		cond, args = ` WHERE target = ?`, append(args, target)
	}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit`+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, actor_id, actor_name, action, target, detail, created_at FROM audit`+cond+`
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
