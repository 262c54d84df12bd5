// Package sqlstore holds the store code that SQLite and PostgreSQL both
// run: accounts, sessions, the ledger, favourites, settings, masking
// rules, abbreviations and the audit log, written once over database/sql
// in the SQL both accept. What differs between the engines (placeholders,
// how a write transaction begins, which errors mean a broken constraint)
// is a Dialect; packages sqlite and postgres supply theirs and the
// schema.
package sqlstore

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wengao/wengao"
)

// Store implements the account side of wengao's services over one
// database. The zero value is not usable: make it with New.
type Store struct {
	// Now returns the current time; tests set it to move time on.
	// Write transactions read it once, when they begin (Tx.Now). Set it
	// before the Store is used.
	Now func() time.Time

	dialect Dialect
	write   *sql.DB // where write transactions begin (Dialect.BeginWrite)
	read    Pool    // reads, outside any transaction

	changes  changeSubscribers // see OnChange
	instance string            // names this Store's rows in the change log
	feed     changeFeed        // see FollowChanges
	rateHits atomic.Int64      // HitRate calls, for pruning
	salts    daySalts          // see FirstReads

	settings versioned[wengao.Settings]
	masks    versioned[[]wengao.MaskRule]
	abbrs    versioned[[]wengao.Abbreviation]
}

// New returns a Store that writes through write and reads through read
// (the same *sql.DB when the engine needs no separate pools), speaking
// dialect d.
func New(d Dialect, write, read *sql.DB) *Store {
	s := &Store{Now: time.Now, dialect: d, write: write, read: Pool{db: read, d: d}, instance: newInstanceID()}
	s.settings.checkEvery = settingsCheckEvery
	s.masks.checkEvery = maskCheckEvery
	s.abbrs.checkEvery = maskCheckEvery
	return s
}

// Dialect returns the store's dialect.
func (s *Store) Dialect() Dialect { return s.dialect }

// ReadPool returns the pool reads go through, rebinding placeholders.
func (s *Store) ReadPool() Pool { return s.read }

// WritePool returns the pool writes go through, rebinding placeholders,
// for a single statement outside a transaction: one that needs no read
// before it, as every statement is atomic on its own.
func (s *Store) WritePool() Pool { return Pool{db: s.write, d: s.dialect} }

// OnChange adds fn to the functions told of each change this Store
// commits (see wengao.ChangeNotifier) and, while it follows the change
// log (FollowChanges), of those other processes or instances sharing the
// database commit, within the follower's interval; fn then runs on the
// follower's goroutine.
func (s *Store) OnChange(fn func(wengao.Change)) {
	s.changes.add(fn)
}

// changeSubscribers are the subscribers of Store.OnChange.
type changeSubscribers struct {
	mu  sync.RWMutex
	fns []func(wengao.Change)
}

func (c *changeSubscribers) add(fn func(wengao.Change)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fns = append(c.fns, fn)
}

func (c *changeSubscribers) notify(ch wengao.Change) {
	c.mu.RLock()
	fns := c.fns
	c.mu.RUnlock()
	for _, fn := range fns {
		fn(ch)
	}
}

// Queryer runs statements: a Pool or a *Tx (both rebind placeholders),
// or, for SQLite's own code, a *sql.DB or *sql.Tx.
type Queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// RowScanner is a *sql.Row or *sql.Rows.
type RowScanner interface{ Scan(dest ...any) error }

// Collect scans every row of rows with scan and closes them.
func Collect[T any](rows *sql.Rows, scan func(RowScanner) (*T, error)) ([]T, error) {
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, rows.Err()
}

// maxListPage bounds the page of a list: far beyond any list, and low
// enough that its offset cannot overflow.
const maxListPage = 1_000_000

// PageBounds turns a 1-based page and a limit into an offset and a limit
// between 1 and 100 (20 when not given). Returns EINVALID for a page
// below 1 or above maxListPage.
func PageBounds(page, limit int) (offset, n int, err error) {
	if page < 1 {
		return 0, 0, wengao.ErrPageBelowOne
	}
	if page > maxListPage {
		return 0, 0, wengao.ErrPageOutOfRange
	}
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, 100)
	return (page - 1) * limit, limit, nil
}
