package sqlite

import (
	"context"
	"database/sql"
	"sync"
	"time"

	"github.com/wengao/wengao"
)

var _ wengao.ChangeNotifier = (*DB)(nil)

// Tx is a write transaction that carries the time it began, from the
// DB's clock (DB.Now), and work to run once it commits: unexported
// helpers take a *Tx so that they compose inside one transaction, and
// read the time from it rather than from the system clock.
type Tx struct {
	*sql.Tx
	db  *DB
	now time.Time // the DB's clock when the transaction began, in whole seconds

	hooks   []func()
	changes map[wengao.ChangeKind][]string // document ids; nil slice: any
	done    bool
}

// BeginTx starts a write transaction (BEGIN IMMEDIATE on the single
// writer connection).
func (db *DB) BeginTx(ctx context.Context) (*Tx, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	return &Tx{Tx: tx, db: db, now: db.Now().UTC().Truncate(time.Second)}, nil
}

// OnCommit adds fn to the work run after the transaction commits; it is
// not run when the transaction rolls back or the commit fails. Hooks run
// in the order they were added.
func (tx *Tx) OnCommit(fn func()) {
	tx.hooks = append(tx.hooks, fn)
}

// changed records that the transaction changes what the subscribers of
// DB.OnChange may have cached: documents ids (none: any document), or
// the settings. The subscribers hear of it once the transaction commits,
// one Change per kind.
func (tx *Tx) changed(kind wengao.ChangeKind, ids ...string) {
	if tx.changes == nil {
		tx.changes = map[wengao.ChangeKind][]string{}
	}
	cur, seen := tx.changes[kind]
	switch {
	case seen && cur == nil: // any already
	case len(ids) == 0:
		tx.changes[kind] = nil
	default:
		tx.changes[kind] = append(append(make([]string, 0, len(cur)+len(ids)), cur...), ids...)
	}
}

// Commit commits the transaction, then runs its hooks and tells the
// subscribers of DB.OnChange what it changed.
func (tx *Tx) Commit() error {
	if err := tx.Tx.Commit(); err != nil {
		return err
	}
	tx.done = true
	for _, fn := range tx.hooks {
		fn()
	}
	// In a fixed order, so that subscribers see the same sequence for
	// the same write.
	for _, kind := range []wengao.ChangeKind{wengao.ChangeDocuments, wengao.ChangeSettings} {
		if ids, ok := tx.changes[kind]; ok {
			tx.db.changes.notify(wengao.Change{Kind: kind, DocumentIDs: ids})
		}
	}
	return nil
}

// Rollback aborts the transaction unless it committed, dropping its
// hooks. It may be deferred right after BeginTx.
func (tx *Tx) Rollback() error {
	if tx.done {
		return nil
	}
	tx.hooks, tx.changes = nil, nil
	return tx.Tx.Rollback()
}

// changeSubscribers are the subscribers of DB.OnChange.
type changeSubscribers struct {
	mu  sync.RWMutex
	fns []func(wengao.Change)
}

func (s *changeSubscribers) add(fn func(wengao.Change)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fns = append(s.fns, fn)
}

func (s *changeSubscribers) notify(c wengao.Change) {
	s.mu.RLock()
	fns := s.fns
	s.mu.RUnlock()
	for _, fn := range fns {
		fn(c)
	}
}

// OnChange adds fn to the functions told of each change this DB commits
// (see wengao.ChangeNotifier). Writes by other processes sharing the
// database file (an import while serving) are not told; the metadata
// cache finds them by doc_version, other caches by their lifetime.
func (db *DB) OnChange(fn func(wengao.Change)) {
	db.changes.add(fn)
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
