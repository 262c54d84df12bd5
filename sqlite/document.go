package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"maps"
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
	// version taken at the start (w.version), and the subscribers of
	// OnChange hear of them alone.
	if len(changed) > 0 {
		tx.changed(wengao.ChangeDocuments, changed...)
	}
	// The bulk load's sketches learn of the signatures once they are
	// stored for good.
	if sk := tx.db.sketches.Load(); sk != nil {
		version, signed := w.version, w.signed
		tx.OnCommit(func() { sk.committed(version, signed) })
	}
	return results, nil
}

// docWriter writes one batch of documents inside a transaction.
type docWriter struct {
	tx      *Tx
	version int64
	now     int64
	stmts   map[string]*sql.Stmt
	// batchHash finds duplicates within the batch itself.
	batchHash map[string]string
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

// docWriterSQL are the statements of a docWriter: those both engines
// share (sqlstore.DocumentWriteSQL) and the FTS5 index's.
var docWriterSQL = func() map[string]string {
	m := sqlstore.DocumentWriteSQL(dialect{})
	maps.Copy(m, map[string]string{
		"delTitle": `DELETE FROM title_fts WHERE rowid = ?`,
		"delBody":  `DELETE FROM body_fts WHERE rowid = ?`,
		"addTitle": `INSERT INTO title_fts (rowid, t) VALUES (?, ?)`,
		"addBody":  `INSERT INTO body_fts (rowid, b) VALUES (?, ?)`,
	})
	return m
}()

// newDocWriter prepares the writer's statements in tx and takes a new
// doc_version for the rows it writes.
func newDocWriter(ctx context.Context, tx *Tx) (*docWriter, error) {
	w := &docWriter{tx: tx, now: tx.now.Unix(), stmts: map[string]*sql.Stmt{}, batchHash: map[string]string{}, resigned: map[int64]bool{}}
	if err := tx.QueryRowContext(ctx, `UPDATE doc_version SET v = v + 1 RETURNING v`).Scan(&w.version); err != nil {
		return nil, err
	}
	for _, m := range []map[string]string{docWriterSQL, dupWriterSQL} {
		for name, q := range m {
			st, err := tx.PrepareContext(ctx, q)
			if err != nil {
				w.close()
				return nil, err
			}
			w.stmts[name] = st
		}
	}
	return w, nil
}

func (w *docWriter) close() {
	for _, st := range w.stmts {
		st.Close()
	}
}

// save writes one document's row and queues its index rows.
func (w *docWriter) save(ctx context.Context, p *prepared) (wengao.ImportResult, error) {
	d := p.Doc
	res := wengao.ImportResult{ID: d.ID}
	var rowID int64
	var oldRecord string
	err := w.stmts["find"].QueryRowContext(ctx, d.ID).Scan(&rowID, &oldRecord)
	exists := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return res, err
	}
	if exists && oldRecord == p.RecordHash {
		res.Outcome = wengao.Unchanged
		return res, nil
	}
	// An exact duplicate of another id is skipped, naming that id.
	var other string
	err = w.stmts["dup"].QueryRowContext(ctx, p.Hash, d.ID).Scan(&other)
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

	// Near-duplicates are looked for before the document's own band keys
	// are written (an updated document's old ones are not looked at).
	self := int64(0)
	if exists {
		self = rowID
	}
	if res.NearDuplicateOf, res.Similarity, err = w.lookupNearDuplicate(ctx, p, self); err != nil {
		return res, err
	}

	if exists {
		res.Outcome = wengao.Updated
		if _, err := w.stmts["update"].ExecContext(ctx, d.Title, d.Date, d.Category, p.Tags, d.Source, d.Author, p.Outline, p.Plain, p.Size, p.Hash, p.RecordHash, w.version, w.now, rowID); err != nil {
			return res, err
		}
		if _, err := w.stmts["updateText"].ExecContext(ctx, p.Body, rowID); err != nil {
			return res, err
		}
		// A document updated twice in one batch is indexed once.
		kept := w.index[:0]
		for _, r := range w.index {
			if r.rowID != rowID {
				kept = append(kept, r)
			}
		}
		w.index = kept
		for _, name := range []string{"delTitle", "delBody"} {
			if _, err := w.stmts[name].ExecContext(ctx, rowID); err != nil {
				return res, err
			}
		}
	} else {
		res.Outcome = wengao.Imported
		err := w.stmts["insert"].QueryRowContext(ctx, d.ID, d.Title, d.Date, d.Category, p.Tags, d.Source, d.Author, p.Outline, p.Plain, p.Size, p.Hash, p.RecordHash, w.version, w.now, w.now).Scan(&rowID)
		if err != nil {
			return res, err
		}
		if _, err := w.stmts["insertText"].ExecContext(ctx, rowID, p.Body); err != nil {
			return res, err
		}
	}
	if err := w.writeDupSignature(ctx, p, rowID, exists); err != nil {
		return res, err
	}
	w.index = append(w.index, indexRow{rowID, p.TitleToks, p.BodyToks})
	return res, nil
}

// writeIndex inserts the queued index rows.
func (w *docWriter) writeIndex(ctx context.Context) error {
	for _, r := range w.index {
		if _, err := w.stmts["addTitle"].ExecContext(ctx, r.rowID, r.titleToks); err != nil {
			return err
		}
		if _, err := w.stmts["addBody"].ExecContext(ctx, r.rowID, r.bodyToks); err != nil {
			return err
		}
	}
	return nil
}
