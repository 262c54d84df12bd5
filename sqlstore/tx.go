package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/wengao/wengao"
)

// Tx is a write transaction that carries the time it began, from the
// Store's clock (Store.Now), and work to run once it commits: unexported
// helpers take a *Tx so that they compose inside one transaction, and
// read the time from it rather than from the system clock. Its methods
// rebind placeholders for the dialect.
type Tx struct {
	tx    *sql.Tx
	store *Store
	now   time.Time // the Store's clock when the transaction began, in whole seconds
	ph    Placeholders

	hooks   []func()
	changes map[wengao.ChangeKind][]string // document ids; nil slice: any
	done    bool

	masksChanged bool // see changesMasks
}

// BeginTx starts a write transaction (Dialect.BeginWrite): write
// transactions run one at a time.
func (s *Store) BeginTx(ctx context.Context) (*Tx, error) {
	tx, err := s.dialect.BeginWrite(ctx, s.write)
	if err != nil {
		return nil, err
	}
	return &Tx{tx: tx, store: s, now: s.Now().UTC().Truncate(time.Second), ph: s.dialect.Placeholders()}, nil
}

// Now returns the time the transaction began, in whole seconds, UTC.
func (tx *Tx) Now() time.Time { return tx.now }

// SQLTx returns the transaction's *sql.Tx, whose methods do not rebind.
func (tx *Tx) SQLTx() *sql.Tx { return tx.tx }

// QueryRowContext runs a query that returns at most one row.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(ctx, rebind(tx.ph, query), args...)
}

// QueryContext runs a query.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return tx.tx.QueryContext(ctx, rebind(tx.ph, query), args...)
}

// ExecContext runs a statement that returns no rows.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return tx.tx.ExecContext(ctx, rebind(tx.ph, query), args...)
}

// PrepareContext prepares a statement for use within the transaction.
func (tx *Tx) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return tx.tx.PrepareContext(ctx, rebind(tx.ph, query))
}

// OnCommit adds fn to the work run after the transaction commits; it is
// not run when the transaction rolls back or the commit fails. Hooks run
// in the order they were added.
func (tx *Tx) OnCommit(fn func()) {
	tx.hooks = append(tx.hooks, fn)
}

// Changed records that the transaction changes what the subscribers of
// Store.OnChange may have cached: documents ids (none: any document), or
// the settings. The subscribers hear of it once the transaction commits,
// one Change per kind.
func (tx *Tx) Changed(kind wengao.ChangeKind, ids ...string) {
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

// Commit writes what the transaction changed into the change log (see
// changelog.go), commits, then runs its hooks and tells the subscribers
// of Store.OnChange what it changed.
func (tx *Tx) Commit() error {
	if err := tx.logChanges(context.Background()); err != nil {
		return err
	}
	if err := tx.tx.Commit(); err != nil {
		return err
	}
	tx.done = true
	for _, fn := range tx.hooks {
		fn()
	}
	// In a fixed order, so that subscribers see the same sequence for
	// the same write.
	for _, kind := range changeOrder {
		if ids, ok := tx.changes[kind]; ok {
			tx.store.changes.notify(wengao.Change{Kind: kind, DocumentIDs: ids})
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
	return tx.tx.Rollback()
}
