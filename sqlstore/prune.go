package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// deleteFirst deletes up to about n rows of table that match where
// (with args), the first in the order of key (the columns of an index,
// comma-separated), with work bounded by n on both engines: it finds the
// n-th matching row through the index, then deletes the range of the
// index up to it: every row before it in key order matches where too
// (where must bound the first column of key from above, as "day < ?"
// does). Both engines walk the index for a row-value comparison alone;
// SQLite, given where as well, walks every matching row. (A DELETE …
// WHERE (key) IN (SELECT … LIMIT n) is planned by PostgreSQL as a scan
// of the whole table.) It returns the rows deleted.
func deleteFirst(ctx context.Context, w Pool, table, key, where string, args []any, n int) (int64, error) {
	cols := strings.Split(key, ",")
	last := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range last {
		ptrs[i] = &last[i]
	}
	err := w.QueryRowContext(ctx, `SELECT `+key+` FROM `+table+` WHERE `+where+` ORDER BY `+key+` LIMIT 1 OFFSET ?`,
		append(append([]any{}, args...), n-1)...).Scan(ptrs...)
	var res sql.Result
	switch {
	case errors.Is(err, sql.ErrNoRows):
		// Fewer than n: all of them.
		res, err = w.ExecContext(ctx, `DELETE FROM `+table+` WHERE `+where, args...)
	case err != nil:
		return 0, err
	default:
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ")
		res, err = w.ExecContext(ctx, `DELETE FROM `+table+` WHERE (`+key+`) <= (`+marks+`)`, last...)
	}
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
