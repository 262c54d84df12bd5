package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Dialect is what differs between the engines the shared store runs on.
// The SQL itself is written once, with ? placeholders, in what both
// SQLite and PostgreSQL accept: INSERT … ON CONFLICT, RETURNING, CAST(…
// AS BIGINT), times as Unix seconds in 64-bit integers.
type Dialect interface {
	// Name names the engine in messages: "sqlite", "postgres".
	Name() string
	// Placeholders says how the engine writes a statement's parameters.
	Placeholders() Placeholders
	// BeginWrite begins a write transaction on db. Write transactions
	// are serialised: one runs at a time against the database, across
	// every process or instance using it, so that a check made at the
	// start of one (a balance) still holds when it commits.
	BeginWrite(ctx context.Context, db *sql.DB) (*sql.Tx, error)
	// IsUniqueViolation reports whether err is a UNIQUE or PRIMARY KEY
	// constraint refusing a row.
	IsUniqueViolation(err error) bool
	// IsForeignKeyViolation reports whether err is a FOREIGN KEY
	// constraint refusing a row.
	IsForeignKeyViolation(err error) bool
	// Indexed returns table (with its alias, if any) as a FROM item that
	// reads index, or the table in row id order for index "": SQLite's
	// INDEXED BY and NOT INDEXED, as its planner picks worse plans with
	// the statistics of a small library; PostgreSQL's planner chooses.
	Indexed(table, index string) string
	// TopCategory returns the top-level part of the category in the
	// column col ("a" of "a/b"), written as the index on it is.
	TopCategory(col string) string
}

// Placeholders is a way of writing a statement's parameters.
type Placeholders int

const (
	// QuestionMarks are ?, as the shared SQL is written (SQLite).
	QuestionMarks Placeholders = iota
	// Dollars are $1, $2, … (PostgreSQL).
	Dollars
)

// rebindCacheMax bounds the statements whose rebinding is kept. The
// shared SQL is a few hundred fixed strings; a statement built with a
// variable number of parameters past the bound is rebound each time
// instead of growing the cache.
const rebindCacheMax = 4096

// rebinder turns ?-statements into a dialect's placeholders, once per
// statement string.
type rebinder struct {
	cache sync.Map // string → string
	n     atomic.Int64
}

var dollars rebinder

// rebind returns query with its placeholders written as p wants.
func rebind(p Placeholders, query string) string {
	if p == QuestionMarks {
		return query
	}
	return dollars.rebind(query)
}

func (r *rebinder) rebind(query string) string {
	if v, ok := r.cache.Load(query); ok {
		return v.(string)
	}
	out := ToDollars(query)
	if r.n.Load() < rebindCacheMax {
		if _, loaded := r.cache.LoadOrStore(query, out); !loaded {
			r.n.Add(1)
		}
	}
	return out
}

// ToDollars rewrites the ? placeholders of query as $1, $2, …, leaving
// those inside quoted strings and identifiers ('…', "…") and comments
// (-- …) alone. The shared SQL uses neither dollar-quoted strings nor
// backslash escapes (E'…'), which it does not know.
func ToDollars(query string) string {
	if !strings.ContainsRune(query, '?') {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch c {
		case '\'', '"':
			j := strings.IndexByte(query[i+1:], c)
			if j < 0 {
				b.WriteString(query[i:])
				return b.String()
			}
			b.WriteString(query[i : i+j+2])
			i += j + 1
		case '-':
			if i+1 < len(query) && query[i+1] == '-' {
				j := strings.IndexByte(query[i:], '\n')
				if j < 0 {
					b.WriteString(query[i:])
					return b.String()
				}
				b.WriteString(query[i : i+j])
				i += j - 1
				continue
			}
			b.WriteByte(c)
		case '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Pool runs statements outside a transaction on a *sql.DB, rebinding
// their placeholders for its dialect.
type Pool struct {
	db *sql.DB
	d  Dialect
}

// NewPool returns a Pool on db speaking dialect d: for an engine's
// connections of its own (PostgreSQL's index lookups).
func NewPool(db *sql.DB, d Dialect) Pool { return Pool{db: db, d: d} }

// DB returns the pool's *sql.DB.
func (p Pool) DB() *sql.DB { return p.db }

// QueryRowContext runs a query that returns at most one row.
func (p Pool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return p.db.QueryRowContext(ctx, rebind(p.d.Placeholders(), query), args...)
}

// QueryContext runs a query.
func (p Pool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return p.db.QueryContext(ctx, rebind(p.d.Placeholders(), query), args...)
}

// ExecContext runs a statement that returns no rows.
func (p Pool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return p.db.ExecContext(ctx, rebind(p.d.Placeholders(), query), args...)
}
