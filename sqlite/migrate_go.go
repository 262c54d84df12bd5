package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// goMigrations are the migrations written in Go, by name, sorted with
// the SQL files: those SQL alone cannot do.
var goMigrations = map[string]func(ctx context.Context, tx *sql.Tx) error{
	"migrations/011_negative_balance.sql": allowNegativeBalances,
}

// allowNegativeBalances drops the CHECKs that kept a balance at zero or
// above (users.points, ledger.balance): a reward taken back in full may
// leave it negative. SQLite cannot drop a CHECK with ALTER TABLE; this is
// its documented procedure for removing a constraint in place (rewrite
// the table's CREATE statement under writable_schema, bump the schema
// version), which leaves the rows as they are.
func allowNegativeBalances(ctx context.Context, tx *sql.Tx) error {
	var version int64
	if err := tx.QueryRowContext(ctx, `PRAGMA schema_version`).Scan(&version); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `PRAGMA writable_schema = ON`); err != nil {
		return err
	}
	for _, c := range []struct{ table, check string }{
		{"users", "CHECK (points >= 0)"},
		{"ledger", "CHECK (balance >= 0)"},
	} {
		if _, err := tx.ExecContext(ctx, `UPDATE sqlite_master SET sql = replace(sql, ?, '') WHERE type = 'table' AND name = ?`, c.check, c.table); err != nil {
			return err
		}
		var sqlText string
		if err := tx.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`, c.table).Scan(&sqlText); err != nil {
			return err
		}
		if strings.Contains(sqlText, c.check) {
			return fmt.Errorf("%s still has %s", c.table, c.check)
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA schema_version = %d`, version+1)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `PRAGMA writable_schema = OFF`); err != nil {
		return err
	}
	var ok string
	if err := tx.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&ok); err != nil {
		return err
	}
	if ok != "ok" {
		return fmt.Errorf("quick_check after dropping the balance checks: %s", ok)
	}
	return nil
}
