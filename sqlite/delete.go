package sqlite

import (
	"context"
	"errors"

	"github.com/wengao/wengao/sqlstore"
)

// deleteDocumentTx removes the document with external id extID inside tx
// (sqlstore.DeleteDocumentTx), with its search index rows; the vocab
// tables are fts5vocab views of the index and need nothing. Returns
// ENOTFOUND when there is no such document.
func (db *DB) deleteDocumentTx(ctx context.Context, tx *Tx, extID string) error {
	return sqlstore.DeleteDocumentTx(ctx, tx.Tx, extID, func(rowID int64) error {
		// Rows of other tables go by cascade only when foreign keys are
		// enforced (the DSN turns them on); refuse to leave orphans
		// behind should a connection ever come without.
		var fk bool
		if err := tx.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil {
			return err
		} else if !fk {
			return errors.New("delete document: foreign keys are not enforced on the write connection")
		}
		for _, q := range []string{`DELETE FROM title_fts WHERE rowid = ?`, `DELETE FROM body_fts WHERE rowid = ?`} {
			if _, err := tx.ExecContext(ctx, q, rowID); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeleteDocument removes a document and everything that refers to it, in
// one transaction. Ledger entries naming it stay: they name it by its
// external id. Returns ENOTFOUND when there is no such document.
func (db *DB) DeleteDocument(ctx context.Context, extID string) error {
	tx, err := db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := db.deleteDocumentTx(ctx, tx, extID); err != nil {
		return err
	}
	return tx.Commit()
}
