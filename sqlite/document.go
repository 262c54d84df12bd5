package sqlite

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/neardup"
	"github.com/wengao/wengao/sqlstore"
)

// Ensure the service interface is implemented.
var _ wengao.DocumentService = (*DB)(nil)

// prepared is a document prepared for the store (sqlstore.Prepared)
// with the stored documents most similar to it, found before the batch's
// transaction began (lookupStored).
type prepared struct {
	sqlstore.Prepared
	near    []dupHit
	nearErr error
}

// prepareDocument validates and derives the stored forms of d.
func prepareDocument(d *wengao.Document) *prepared {
	return &prepared{Prepared: sqlstore.Prepare(d)}
}

// SaveDocuments writes docs in one transaction, with their index.
//
// The index rows of the whole batch are inserted after the document rows:
// FTS5 flushes its pending terms to disk whenever another statement opens
// a savepoint, so interleaving them would write one tiny index segment per
// document and spend the import merging them.
func (db *DB) SaveDocuments(ctx context.Context, docs []*wengao.Document) ([]wengao.ImportResult, error) {
	sketches := db.sketches.Load()
	if sketches != nil {
		if err := sketches.refresh(ctx, db.read); err != nil {
			return nil, err
		}
	}
	// Derive tokens and signatures, and look for near-duplicates among
	// the stored documents, on every core while the transaction writes,
	// in order: document i is written once it is prepared.
	preps := make([]*prepared, len(docs))
	ready := make([]chan struct{}, len(docs))
	for i := range ready {
		ready[i] = make(chan struct{})
	}
	var next atomic.Int64
	var stop atomic.Bool
	var wg sync.WaitGroup
	defer func() {
		// The callers may retry the documents, which preparing changes.
		stop.Store(true)
		wg.Wait()
	}()
	for range min(runtime.GOMAXPROCS(0), len(docs)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(docs) || stop.Load() {
					return
				}
				p := prepareDocument(docs[i])
				if p.Err == nil {
					p.near, p.nearErr = db.lookupStored(ctx, &p.Sig)
				}
				preps[i] = p
				close(ready[i])
			}
		})
	}
	tx, err := db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	results, err := writeDocuments(ctx, tx, len(docs), func(i int) *prepared {
		<-ready[i]
		return preps[i]
	})
	if err != nil {
		return nil, err
	}
	// An operator's edit is recorded unless it was refused as a duplicate.
	for _, r := range results {
		if r.Outcome != wengao.Duplicate {
			if err := auditTx(ctx, tx); err != nil {
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

// writeDocuments writes n prepared documents in tx, document i once
// prep(i) returns it, with their index, under a new doc_version.
func writeDocuments(ctx context.Context, tx *Tx, n int, prep func(i int) *prepared) ([]wengao.ImportResult, error) {
	w, err := newDocWriter(ctx, tx)
	if err != nil {
		return nil, err
	}
	defer w.close()
	results := make([]wengao.ImportResult, 0, n)
	var changed []string
	for i := range n {
		p := prep(i)
		if p.Err != nil {
			return nil, wengao.Errorf(wengao.EINVALID, "document %q: %s", p.Doc.ID, wengao.ErrorMessage(p.Err))
		}
		if p.nearErr != nil {
			return nil, p.nearErr
		}
		res, err := w.save(ctx, p)
		if err != nil {
			return nil, err
		}
		results = append(results, res)
		if res.Outcome == wengao.Imported || res.Outcome == wengao.Updated {
			changed = append(changed, res.ID)
		}
	}
	if err := w.writeIndex(ctx); err != nil {
		return nil, err
	}
	// Only now are the written documents known: their rows carry the
	// version taken at the start (w.Version), and the subscribers of
	// OnChange hear of them alone.
	if len(changed) > 0 {
		tx.changed(wengao.ChangeDocuments, changed...)
	}
	// The bulk load's sketches learn of the signatures once they are
	// stored for good.
	if sk := tx.db.sketches.Load(); sk != nil {
		version, signed := w.Version, w.signed
		tx.OnCommit(func() { sk.committed(version, signed) })
	}
	return results, nil
}

// docWriter writes one batch of documents inside a transaction: the
// rows both engines write alike (sqlstore.DocWriter), then the FTS5 index
// rows, queued, and the near-duplicate signatures.
type docWriter struct {
	*sqlstore.DocWriter
	tx  *Tx
	cur *prepared // the document being saved
	// index holds the rows to index once the documents are written.
	index []indexRow
	// batchDups holds the signatures of the documents of the batch, for
	// near-duplicate lookups among them; resigned are the stored documents
	// whose signature the batch replaced.
	batchDups neardup.Index
	resigned  map[int64]bool
	// signed are the sketches of the signatures written.
	signed []signedRow
}

type indexRow struct {
	rowID               int64
	titleToks, bodyToks string
}

// docWriterSQL are the FTS5 index's statements of a docWriter.
var docWriterSQL = map[string]string{
	"delTitle": `DELETE FROM title_fts WHERE rowid = ?`,
	"delBody":  `DELETE FROM body_fts WHERE rowid = ?`,
	"addTitle": `INSERT INTO title_fts (rowid, t) VALUES (?, ?)`,
	"addBody":  `INSERT INTO body_fts (rowid, b) VALUES (?, ?)`,
}

// newDocWriter prepares the writer's statements in tx and takes a new
// doc_version for the rows it writes.
func newDocWriter(ctx context.Context, tx *Tx) (*docWriter, error) {
	dw, err := sqlstore.NewDocWriter(ctx, tx.Tx, docWriterSQL, dupWriterSQL)
	if err != nil {
		return nil, err
	}
	w := &docWriter{DocWriter: dw, tx: tx, resigned: map[int64]bool{}}
	// Near-duplicates are looked for before the document's own band keys
	// are written (an updated document's old ones are not looked at).
	dw.Check = func(ctx context.Context, _ *sqlstore.Prepared, self int64, res *wengao.ImportResult) (err error) {
		res.NearDuplicateOf, res.Similarity, err = w.lookupNearDuplicate(ctx, w.cur, self)
		return err
	}
	dw.Forget = func(ctx context.Context, rowID int64) error {
		// A document updated twice in one batch is indexed once.
		kept := w.index[:0]
		for _, r := range w.index {
			if r.rowID != rowID {
				kept = append(kept, r)
			}
		}
		w.index = kept
		for _, name := range []string{"delTitle", "delBody"} {
			if _, err := w.Stmts[name].ExecContext(ctx, rowID); err != nil {
				return err
			}
		}
		return nil
	}
	dw.Written = func(ctx context.Context, p *sqlstore.Prepared, rowID int64, updated bool) error {
		if err := w.writeDupSignature(ctx, w.cur, rowID, updated); err != nil {
			return err
		}
		w.index = append(w.index, indexRow{rowID, p.TitleToks, p.BodyToks})
		return nil
	}
	return w, nil
}

func (w *docWriter) close() { w.Close() }

// save writes one document's row and queues its index rows.
func (w *docWriter) save(ctx context.Context, p *prepared) (wengao.ImportResult, error) {
	w.cur = p
	return w.Save(ctx, &p.Prepared)
}

// writeIndex inserts the queued index rows.
func (w *docWriter) writeIndex(ctx context.Context) error {
	for _, r := range w.index {
		if _, err := w.Stmts["addTitle"].ExecContext(ctx, r.rowID, r.titleToks); err != nil {
			return err
		}
		if _, err := w.Stmts["addBody"].ExecContext(ctx, r.rowID, r.bodyToks); err != nil {
			return err
		}
	}
	return nil
}
