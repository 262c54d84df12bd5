package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/wengao/wengao"
)

// DocWriter writes one batch of documents inside a write transaction,
// under one new doc_version: the rows both engines store alike
// (DocumentWriteSQL). Each engine's index, and SQLite's near-duplicate
// signatures, are written by its hooks.
type DocWriter struct {
	// Version is the doc_version the batch's rows carry as their seq.
	Version int64
	// Stmts are the batch's statements prepared in the transaction: those
	// of DocumentWriteSQL and the engine's own, by name.
	Stmts map[string]*sql.Stmt

	// Check, when set, runs on a document about to be written, once it
	// is known to be no duplicate, with its row id (0 for a new one); it
	// may fill in res (SQLite: the nearest near-duplicate).
	Check func(ctx context.Context, p *Prepared, self int64, res *wengao.ImportResult) error
	// Forget removes the index rows of an updated document, row rowID.
	Forget func(ctx context.Context, rowID int64) error
	// Written runs once a document's rows are written as row rowID
	// (updated: it was stored before): it writes or queues its index.
	Written func(ctx context.Context, p *Prepared, rowID int64, updated bool) error

	now int64
	// batchHash finds duplicates within the batch itself.
	batchHash map[string]string
}

// NewDocWriter takes a new doc_version in tx and prepares the statements
// of DocumentWriteSQL and of each of more.
func NewDocWriter(ctx context.Context, tx *Tx, more ...map[string]string) (*DocWriter, error) {
	w := &DocWriter{Stmts: map[string]*sql.Stmt{}, now: tx.Now().Unix(), batchHash: map[string]string{}}
	if err := tx.QueryRowContext(ctx, `UPDATE doc_version SET v = v + 1 RETURNING v`).Scan(&w.Version); err != nil {
		return nil, err
	}
	for _, m := range append([]map[string]string{DocumentWriteSQL(tx.store.dialect)}, more...) {
		for name, q := range m {
			st, err := tx.PrepareContext(ctx, q)
			if err != nil {
				w.Close()
				return nil, err
			}
			w.Stmts[name] = st
		}
	}
	return w, nil
}

// Close closes the statements.
func (w *DocWriter) Close() {
	for _, st := range w.Stmts {
		st.Close()
	}
}

// Save writes one document: imported, updated, left unchanged (the same
// record hash) or skipped as an exact duplicate of another id, of the
// library or of the batch (the same text hash), which it names.
func (w *DocWriter) Save(ctx context.Context, p *Prepared) (wengao.ImportResult, error) {
	d := p.Doc
	res := wengao.ImportResult{ID: d.ID}
	var rowID int64
	var oldRecord string
	err := w.Stmts["find"].QueryRowContext(ctx, d.ID).Scan(&rowID, &oldRecord)
	exists := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return res, err
	}
	if exists && oldRecord == p.RecordHash {
		res.Outcome = wengao.Unchanged
		return res, nil
	}
	var other string
	err = w.Stmts["dup"].QueryRowContext(ctx, p.Hash, d.ID).Scan(&other)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return res, err
	}
	if id, ok := w.batchHash[p.Hash]; other == "" && ok && id != d.ID {
		other = id
	}
	if other != "" {
		res.Outcome, res.DuplicateOf = wengao.Duplicate, other
		return res, nil
	}
	w.batchHash[p.Hash] = d.ID

	if w.Check != nil {
		self := int64(0)
		if exists {
			self = rowID
		}
		if err := w.Check(ctx, p, self, &res); err != nil {
			return res, err
		}
	}
	if exists {
		res.Outcome = wengao.Updated
		if _, err := w.Stmts["update"].ExecContext(ctx, d.Title, d.Date, d.Category, p.Tags, d.Source, d.Author, p.Outline, p.Plain, p.Size, p.Hash, p.RecordHash, w.Version, w.now, rowID); err != nil {
			return res, err
		}
		if _, err := w.Stmts["updateText"].ExecContext(ctx, p.Body, rowID); err != nil {
			return res, err
		}
		if err := w.Forget(ctx, rowID); err != nil {
			return res, err
		}
	} else {
		res.Outcome = wengao.Imported
		err := w.Stmts["insert"].QueryRowContext(ctx, d.ID, d.Title, d.Date, d.Category, p.Tags, d.Source, d.Author, p.Outline, p.Plain, p.Size, p.Hash, p.RecordHash, w.Version, w.now, w.now).Scan(&rowID)
		if err != nil {
			return res, err
		}
		if _, err := w.Stmts["insertText"].ExecContext(ctx, rowID, p.Body); err != nil {
			return res, err
		}
	}
	return res, w.Written(ctx, p, rowID, exists)
}
