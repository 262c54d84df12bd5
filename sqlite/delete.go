package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/wengao/wengao"
)

// deleteDocumentTx removes the document with external id extID inside tx:
// its search index rows, its text, its reads, favourites and purchases
// and, through ON DELETE CASCADE, any other row that refers to it (the
// near-duplicate index, for one). The vocab tables are fts5vocab views of
// the index and need nothing. Deleting the row fires the documents_deleted
// trigger (migration 006), which bumps doc_version and logs the row id, so
// that the metadata cache of every process forgets the document on its
// next refresh; the subscribers of OnChange hear of it once tx commits.
// Returns ENOTFOUND when there is no such document.
func (db *DB) deleteDocumentTx(ctx context.Context, tx *Tx, extID string) error {
	var rowID int64
	if err := tx.QueryRowContext(ctx, `SELECT id FROM documents WHERE ext_id = ?`, extID).Scan(&rowID); errors.Is(err, sql.ErrNoRows) {
		return wengao.ErrDocumentNotFound
	} else if err != nil {
		return err
	}
	// Rows of other tables go by cascade only when foreign keys are
	// enforced (the DSN turns them on); refuse to leave orphans behind
	// should a connection ever come without.
	var fk bool
	if err := tx.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil {
		return err
	} else if !fk {
		return errors.New("delete document: foreign keys are not enforced on the write connection")
	}
	for _, q := range []string{
		`DELETE FROM title_fts WHERE rowid = ?`,
		`DELETE FROM body_fts WHERE rowid = ?`,
		// Explicit, though the cascade would do it too: a row id may be
		// reused by the next document, which must not inherit these.
		`DELETE FROM document_texts WHERE id = ?`,
		`DELETE FROM document_reads_daily WHERE document_id = ?`,
		`DELETE FROM favorites WHERE document_id = ?`,
		`DELETE FROM purchases WHERE document_id = ?`,
		`DELETE FROM documents WHERE id = ?`,
	} {
		if _, err := tx.ExecContext(ctx, q, rowID); err != nil {
			return err
		}
	}
	// The trigger documents_deleted recorded the deletion; its time is
	// the transaction's.
	if _, err := tx.ExecContext(ctx, `UPDATE deleted_documents SET deleted_at = ? WHERE id = ? AND seq = (SELECT v FROM doc_version)`, tx.now.Unix(), rowID); err != nil {
		return err
	}
	tx.changed(wengao.ChangeDocuments, extID)
	return nil
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
