package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/wengao/wengao"
)

// FindDocumentByID returns the document with external id id, whatever
// its state (Status): callers refuse hidden and deleted ones to readers.
func (s *Store) FindDocumentByID(ctx context.Context, id string) (*wengao.Document, error) {
	row := s.read.QueryRowContext(ctx, `SELECT ext_id, title, date, category, tags, source, author, body, outline, hash, reads, created_at, updated_at,
		price, COALESCE(uploader_id, 0), file_key, file_name, file_size, status, status_reason FROM documents JOIN document_texts USING (id) WHERE ext_id = ?`, id)
	d := &wengao.Document{}
	var tags, body, outline string
	var created, updated int64
	var price sql.NullInt64
	var file wengao.SourceFile
	err := row.Scan(&d.ID, &d.Title, &d.Date, &d.Category, &tags, &d.Source, &d.Author, &body, &outline, &d.Hash, &d.Reads, &created, &updated,
		&price, &d.UploaderID, &file.Key, &file.Name, &file.Size, &d.Status, &d.StatusReason)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wengao.ErrDocumentNotFound
	} else if err != nil {
		return nil, err
	}
	d.Body = strings.Split(body, "\n")
	if err := json.Unmarshal([]byte(tags), &d.Tags); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(outline), &d.Outline); err != nil {
		return nil, err
	}
	d.CreatedAt = time.Unix(created, 0).UTC()
	d.UpdatedAt = time.Unix(updated, 0).UTC()
	if price.Valid {
		d.Price = &price.Int64
	}
	if file.Key != "" {
		d.File = &file
	}
	return d, nil
}

// CountDocuments returns the number of published documents.
func (s *Store) CountDocuments(ctx context.Context) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT coalesce(sum(n), 0) FROM category_counts`).Scan(&n)
	return n, err
}

// DocumentIDs returns the external ids of all documents, in import order.
func (s *Store) DocumentIDs(ctx context.Context) ([]string, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT ext_id FROM documents ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// DocumentWriteSQL returns the statements that write documents, by name:
// find (id and record hash by external id), dup (another document of the
// same text hash), update, updateText, insert (returning the row id) and
// insertText. The index's statements are each engine's.
func DocumentWriteSQL(d Dialect) map[string]string {
	return map[string]string{
		"find": `SELECT id, record_hash FROM documents WHERE ext_id = ?`,
		// SQLite: statistics gathered on a small library (PRAGMA optimize
		// after a first import) make the planner scan the table instead,
		// once per document saved.
		"dup":        `SELECT ext_id FROM ` + d.Indexed(`documents`, `documents_hash`) + ` WHERE hash = ? AND ext_id <> ? LIMIT 1`,
		"update":     `UPDATE documents SET title=?, date=?, category=?, tags=?, source=?, author=?, outline=?, plain=?, size=?, hash=?, record_hash=?, seq=?, updated_at=? WHERE id=?`,
		"updateText": `UPDATE document_texts SET body = ? WHERE id = ?`,
		"insert":     `INSERT INTO documents (ext_id, title, date, category, tags, source, author, outline, plain, size, hash, record_hash, seq, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id`,
		"insertText": `INSERT INTO document_texts (id, body) VALUES (?, ?)`,
	}
}

// DeleteDocumentTx removes the document with external id extID inside
// tx: forget first removes what the engine keeps of row rowID besides
// (its index rows), then its text, reads, favourites and purchases go
// and the row itself, which fires the trigger documents_deleted (it
// bumps doc_version and logs the row id, so that the catalog of every
// process forgets the document on its next refresh); the subscribers of
// OnChange hear of it once tx commits. Rows of other tables that refer
// to it go by ON DELETE CASCADE. Returns ENOTFOUND when there is no such
// document.
func DeleteDocumentTx(ctx context.Context, tx *Tx, extID string, forget func(rowID int64) error) error {
	var rowID int64
	if err := tx.QueryRowContext(ctx, `SELECT id FROM documents WHERE ext_id = ?`, extID).Scan(&rowID); errors.Is(err, sql.ErrNoRows) {
		return wengao.ErrDocumentNotFound
	} else if err != nil {
		return err
	}
	if err := forget(rowID); err != nil {
		return err
	}
	for _, q := range []string{
		// Explicit, though the cascade would do it too: SQLite may reuse
		// a row id for the next document, which must not inherit these.
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
	// The trigger recorded the deletion; its time is the transaction's.
	if _, err := tx.ExecContext(ctx, `UPDATE deleted_documents SET deleted_at = ? WHERE id = ? AND seq = (SELECT v FROM doc_version)`, tx.Now().Unix(), rowID); err != nil {
		return err
	}
	tx.Changed(wengao.ChangeDocuments, extID)
	return nil
}
