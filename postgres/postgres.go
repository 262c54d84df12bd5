// Package postgres stores wengao's library in PostgreSQL, through pgx's
// database/sql driver, so that several instances can share it. The store
// code is package sqlstore's, shared with SQLite; this package gives it
// PostgreSQL's dialect and schema (migrations/*.sql). It holds the
// account side: users, sessions, the ledger, favourites,
// settings, masking rules, abbreviations and the audit log; documents,
// their read counts, listings and search (a tsvector index of the same
// Go-made tokens as SQLite's, see index.go).
package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/wengao/wengao"
	"github.com/wengao/wengao/search"
	"github.com/wengao/wengao/sqlstore"
)

// Pool sizes, per instance. Write transactions run one at a time across
// every instance (see dialect.BeginWrite), so a few write connections
// are enough: the writers of an instance queue for one in the instance
// rather than each holding a server connection while it waits for the
// lock. Reads run in parallel.
const (
	writeConns = 4
	readConns  = 16
	indexConns = 8
)

// DB is an open wengao library in PostgreSQL.
type DB struct {
	*sqlstore.Store

	write *sql.DB
	read  *sql.DB
	index *sql.DB // search's index lookups, see Open

	meta    search.Catalog // the catalog of published documents, see sqlstore.RefreshCatalog
	maskers *search.Maskers
	engine  *search.Engine    // ranks and shows searches
	dfs     sqlstore.DocFreqs // cached document frequencies
}

var (
	_ wengao.UserService         = (*DB)(nil)
	_ wengao.SessionService      = (*DB)(nil)
	_ wengao.LedgerService       = (*DB)(nil)
	_ wengao.FavoriteService     = (*DB)(nil)
	_ wengao.SettingsService     = (*DB)(nil)
	_ wengao.MaskService         = (*DB)(nil)
	_ wengao.AbbreviationService = (*DB)(nil)
	_ wengao.AuditLog            = (*DB)(nil)
	_ wengao.ChangeNotifier      = (*DB)(nil)
)

// Open connects to the database at url (postgres://…) and applies the
// pending migrations. Instances opening one database at once apply them
// once: the migrations run under an advisory lock.
func Open(ctx context.Context, url string) (*DB, error) {
	open := func(conns int, params ...string) (*sql.DB, error) {
		cfg, err := pgx.ParseConfig(url)
		if err != nil {
			return nil, err
		}
		for i := 0; i+1 < len(params); i += 2 {
			cfg.RuntimeParams[params[i]] = params[i+1]
		}
		// Statements are prepared once per connection (pgx's statement
		// cache), and PostgreSQL would switch a prepared statement to a
		// generic plan after five runs. A search's cost turns on its
		// arguments (a rare phrase: the GIN index; a common one over a
		// few rows: the rows by key), which only a plan made for them
		// knows: a generic plan read and checked every text of a row
		// range, 30 times as slow over the query list.
		if _, set := cfg.RuntimeParams["plan_cache_mode"]; !set {
			cfg.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
		}
		db := stdlib.OpenDB(*cfg)
		db.SetMaxOpenConns(conns)
		db.SetMaxIdleConns(conns)
		db.SetConnMaxIdleTime(5 * time.Minute)
		return db, nil
	}
	w, err := open(writeConns)
	if err != nil {
		return nil, err
	}
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	if err := migrate(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	r, err := open(readConns)
	if err != nil {
		w.Close()
		return nil, err
	}
	// The index lookups of search read the GIN indexes alone. The planner
	// counts no cost for reading a text's tsvector (detoasting and
	// decompressing 27 kB a part on average), so for a common word, or a
	// row range, it prefers to read every text of the table or the range
	// and test each: 30 to 50 times as slow (a common bigram: 640 ms
	// against 13 ms through the index). These connections leave it
	// bitmap scans only.
	ix, err := open(indexConns, "enable_seqscan", "off", "enable_indexscan", "off")
	if err != nil {
		w.Close()
		r.Close()
		return nil, err
	}
	db := &DB{Store: sqlstore.New(dialect{}, w, r), write: w, read: r, index: ix}
	db.maskers = search.NewMaskers(db)
	db.engine = search.New(searchStore{db}, db.maskers)
	db.engine.SetAbbreviationSource(db)
	// Cached rankings go with the documents or search settings they were
	// made of (other instances' changes show in the catalog).
	db.OnChange(func(wengao.Change) { db.engine.ForgetResults() })
	return db, nil
}

// Close stops following the change log and closes the connections.
func (db *DB) Close() error {
	db.StopFollowing()
	return errors.Join(db.index.Close(), db.read.Close(), db.write.Close())
}

// Advisory lock keys, in the database's space of 64-bit keys: any two
// fixed numbers other programs are unlikely to take.
const (
	writeLockKey   int64 = 0x77656e67616f0001 // "wengao" 1: write transactions
	migrateLockKey int64 = 0x77656e67616f0002 // "wengao" 2: migrations
)

// dialect is PostgreSQL's sqlstore.Dialect.
type dialect struct{}

func (dialect) Name() string                        { return "postgres" }
func (dialect) Placeholders() sqlstore.Placeholders { return sqlstore.Dollars }

// BeginWrite begins a READ COMMITTED transaction and takes the write
// lock, held until it commits or rolls back: write transactions run one
// at a time across every instance, as SQLite's single writer runs them,
// so that the store's check-then-write code (a balance read, then the
// entry that spends it) needs no retries and reasons the same on both
// engines.
//
// READ COMMITTED matters: each statement after the lock sees every
// transaction committed before the lock was granted. Under REPEATABLE
// READ (or a server whose default_transaction_isolation says so) the
// snapshot would be the one the lock statement took, before it waited:
// the writes after it fail with serialization errors (40001) and a check
// followed only by inserts could pass twice.
func (dialect) BeginWrite(ctx context.Context, db *sql.DB) (*sql.Tx, error) {
	tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, writeLockKey); err != nil {
		tx.Rollback()
		return nil, err
	}
	return tx, nil
}

// SQLSTATE codes of broken constraints.
const (
	uniqueViolation     = "23505"
	foreignKeyViolation = "23503"
)

func (dialect) IsUniqueViolation(err error) bool     { return sqlState(err) == uniqueViolation }
func (dialect) IsForeignKeyViolation(err error) bool { return sqlState(err) == foreignKeyViolation }

func (dialect) Indexed(table, _ string) string { return table }

// TopCategory is the expression of the index documents_top_date.
func (dialect) TopCategory(col string) string { return `split_part(` + col + `, '/', 1)` }

// sqlState returns the SQLSTATE of an error PostgreSQL returned, or "".
func sqlState(err error) string {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return ""
	}
	return pe.Code
}
