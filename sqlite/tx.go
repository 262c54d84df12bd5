package sqlite

import (
	"context"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/sqlstore"
)

var _ wengao.ChangeNotifier = (*DB)(nil)

// Tx is a write transaction of the shared store (sqlstore.Tx: its clock,
// OnCommit hooks and change notifications) with what this package's own
// writes need: the DB and the time it began.
type Tx struct {
	*sqlstore.Tx
	db  *DB
	now time.Time // the DB's clock when the transaction began, in whole seconds
}

// BeginTx starts a write transaction (BEGIN IMMEDIATE on the single
// writer connection).
func (db *DB) BeginTx(ctx context.Context) (*Tx, error) {
	tx, err := db.Store.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	return db.wrapTx(tx), nil
}

// wrapTx returns tx as this package's Tx.
func (db *DB) wrapTx(tx *sqlstore.Tx) *Tx {
	return &Tx{Tx: tx, db: db, now: tx.Now()}
}

// changed records what the transaction changes (sqlstore.Tx.Changed).
func (tx *Tx) changed(kind wengao.ChangeKind, ids ...string) {
	tx.Changed(kind, ids...)
}

// bumpDocVersion moves doc_version on and returns it, for the rows the
// transaction writes to carry as their seq: the metadata cache of every
// process reads them on its next refresh, and the subscribers of OnChange
// hear of documents ids (none: any) once the transaction commits. The
// writes that change what readers see of a document go through here,
// deleteDocumentTx or writeDocuments (which takes its version first and
// names the documents once written); one that needs no new version (a
// price) calls Tx.changed itself.
func (tx *Tx) bumpDocVersion(ctx context.Context, ids ...string) (int64, error) {
	var v int64
	if err := tx.QueryRowContext(ctx, `UPDATE doc_version SET v = v + 1 RETURNING v`).Scan(&v); err != nil {
		return 0, err
	}
	tx.changed(wengao.ChangeDocuments, ids...)
	return v, nil
}
