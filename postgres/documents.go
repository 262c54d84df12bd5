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
	if err := w.flush(ctx); err != nil {
		return nil, err
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
// batch: an updated document's are deleted at once, the batch's queued
// and inserted a few thousand at a time, one statement per table.
var indexWriteSQL = map[string]string{
	"delTitle": `DELETE FROM title_index WHERE id = ?`,
	"delBody":  `DELETE FROM body_index WHERE id = ?`,
	"addTitle": `INSERT INTO title_index (id, part, start, tsv)
		SELECT i, p, s, CAST(t AS tsvector) FROM unnest(CAST(? AS bigint[]), CAST(? AS integer[]), CAST(? AS integer[]), CAST(? AS text[])) AS u (i, p, s, t)`,
	"addBody": `INSERT INTO body_index (id, part, start, tsv)
		SELECT i, p, s, CAST(t AS tsvector) FROM unnest(CAST(? AS bigint[]), CAST(? AS integer[]), CAST(? AS integer[]), CAST(? AS text[])) AS u (i, p, s, t)`,
}

// indexQueueBytes bounds the tsvector literals queued before they are
// written.
const indexQueueBytes = 8 << 20

// indexRows are index rows queued for one table, as the columns of the
// insert.
type indexRows struct {
	ids           []int64
	parts, starts []int32
	tsvs          []string
}

func (r *indexRows) add(id int64, toks string) int {
	n := 0
	for i, p := range indexParts(toks) {
		r.ids = append(r.ids, id)
		r.parts = append(r.parts, int32(i))
		r.starts = append(r.starts, int32(p.start))
		r.tsvs = append(r.tsvs, p.tsv)
		n += len(p.tsv)
	}
	return n
}

// drop removes the queued rows of document id.
func (r *indexRows) drop(id int64) {
	k := 0
	for i := range r.ids {
		if r.ids[i] != id {
			r.ids[k], r.parts[k], r.starts[k], r.tsvs[k] = r.ids[i], r.parts[i], r.starts[i], r.tsvs[i]
			k++
		}
	}
	r.ids, r.parts, r.starts, r.tsvs = r.ids[:k], r.parts[:k], r.starts[:k], r.tsvs[:k]
}

// docWriter writes a batch of documents: the rows both engines write
// alike (sqlstore.DocWriter), and the index rows, queued.
type docWriter struct {
	*sqlstore.DocWriter
	title, body indexRows
	queued      int // bytes of the tsvector literals queued
}

// newDocWriter prepares the batch's statements in tx, under a new
// doc_version.
func newDocWriter(ctx context.Context, tx *sqlstore.Tx) (*docWriter, error) {
	dw, err := sqlstore.NewDocWriter(ctx, tx, indexWriteSQL)
	if err != nil {
		return nil, err
	}
	w := &docWriter{DocWriter: dw}
	dw.Forget = func(ctx context.Context, rowID int64) error {
		// A document updated twice in one batch is indexed once.
		w.title.drop(rowID)
		w.body.drop(rowID)
		for _, name := range []string{"delTitle", "delBody"} {
			if _, err := dw.Stmts[name].ExecContext(ctx, rowID); err != nil {
				return err
			}
		}
		return nil
	}
	dw.Written = func(ctx context.Context, p *sqlstore.Prepared, rowID int64, _ bool) error {
		w.queued += w.title.add(rowID, p.TitleToks) + w.body.add(rowID, p.BodyToks)
		if w.queued < indexQueueBytes {
			return nil
		}
		return w.flush(ctx)
	}
	return w, nil
}

// flush writes the queued index rows.
func (w *docWriter) flush(ctx context.Context) error {
	for _, q := range []struct {
		stmt string
		rows *indexRows
	}{{"addTitle", &w.title}, {"addBody", &w.body}} {
		if len(q.rows.ids) == 0 {
			continue
		}
		if _, err := w.Stmts[q.stmt].ExecContext(ctx, q.rows.ids, q.rows.parts, q.rows.starts, q.rows.tsvs); err != nil {
			return err
		}
		*q.rows = indexRows{}
	}
	w.queued = 0
	return nil
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
