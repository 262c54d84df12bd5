package postgres

import (
	"context"
	"runtime"
	"sync"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/sqlstore"
)

// SaveDocuments writes docs in one transaction, with their index rows:
// each document is imported, updated, left unchanged or skipped as an
// exact duplicate of another id (of the library or of the batch), as in
// SQLite. Near-duplicates are not looked for on PostgreSQL yet: the
// results name none. Returns EINVALID for a document without title or
// body, writing nothing.
func (db *DB) SaveDocuments(ctx context.Context, docs []*wengao.Document) ([]wengao.ImportResult, error) {
	preps := prepareAll(docs)
	for _, p := range preps {
		if p.Err != nil {
			return nil, wengao.Errorf(wengao.EINVALID, "document %q: %s", p.Doc.ID, wengao.ErrorMessage(p.Err))
		}
	}
	tx, err := db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	w, err := newDocWriter(ctx, tx)
	if err != nil {
		return nil, err
	}
	defer w.Close()
	results := make([]wengao.ImportResult, 0, len(preps))
	var changed []string
	for i := range preps {
		res, err := w.Save(ctx, &preps[i])
		if err != nil {
			return nil, err
		}
		results = append(results, res)
		if res.Outcome == wengao.Imported || res.Outcome == wengao.Updated {
			changed = append(changed, res.ID)
		}
	}
	if len(changed) > 0 {
		tx.Changed(wengao.ChangeDocuments, changed...)
	}
	// An operator's edit is recorded unless it was refused as a duplicate.
	for _, r := range results {
		if r.Outcome != wengao.Duplicate {
			if err := sqlstore.AuditTx(ctx, tx); err != nil {
				return nil, err
			}
			break
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return results, nil
}

// prepareAll derives the stored forms of docs on every core, in order.
func prepareAll(docs []*wengao.Document) []sqlstore.Prepared {
	out := make([]sqlstore.Prepared, len(docs))
	var wg sync.WaitGroup
	work := make(chan int)
	for range min(runtime.GOMAXPROCS(0), len(docs)) {
		wg.Go(func() {
			for i := range work {
				out[i] = sqlstore.Prepare(docs[i])
			}
		})
	}
	for i := range docs {
		work <- i
	}
	close(work)
	wg.Wait()
	return out
}

// indexWriteSQL are the statements that write the index rows of a
// document.
var indexWriteSQL = map[string]string{
	"delTitle": `DELETE FROM title_index WHERE id = ?`,
	"delBody":  `DELETE FROM body_index WHERE id = ?`,
	"addTitle": `INSERT INTO title_index (id, part, start, tsv) VALUES (?, ?, ?, CAST(? AS tsvector))`,
	"addBody":  `INSERT INTO body_index (id, part, start, tsv) VALUES (?, ?, ?, CAST(? AS tsvector))`,
}

// newDocWriter prepares the batch's statements in tx, under a new
// doc_version: the rows both engines write alike, then each document's
// index rows, written as soon as its rows are.
func newDocWriter(ctx context.Context, tx *sqlstore.Tx) (*sqlstore.DocWriter, error) {
	w, err := sqlstore.NewDocWriter(ctx, tx, indexWriteSQL)
	if err != nil {
		return nil, err
	}
	w.Forget = func(ctx context.Context, rowID int64) error {
		for _, name := range []string{"delTitle", "delBody"} {
			if _, err := w.Stmts[name].ExecContext(ctx, rowID); err != nil {
				return err
			}
		}
		return nil
	}
	w.Written = func(ctx context.Context, p *sqlstore.Prepared, rowID int64, _ bool) error {
		for _, ix := range []struct{ stmt, toks string }{{"addTitle", p.TitleToks}, {"addBody", p.BodyToks}} {
			for i, part := range indexParts(ix.toks) {
				if _, err := w.Stmts[ix.stmt].ExecContext(ctx, rowID, i, part.start, part.tsv); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return w, nil
}

// DeleteDocument removes a document and everything that refers to it, in
// one transaction (sqlstore.DeleteDocumentTx; its index rows go by
// cascade). Ledger entries naming it stay: they name it by its external
// id. Returns ENOTFOUND when there is no such document.
func (db *DB) DeleteDocument(ctx context.Context, extID string) error {
	tx, err := db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := sqlstore.DeleteDocumentTx(ctx, tx, extID, func(int64) error { return nil }); err != nil {
		return err
	}
	return tx.Commit()
}
