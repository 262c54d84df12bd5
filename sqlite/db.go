// Package sqlite stores wengao's documents, search index and (in later
// migrations) accounts in one SQLite database, through the pure-Go
// modernc.org/sqlite driver.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/search"
	"github.com/wengao/wengao/sqlstore"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// FileName is the database file inside a data folder.
const FileName = "wengao.db"

// DB is an open wengao database. The account side (users, sessions,
// the ledger, favourites, settings, masking rules, abbreviations, the
// audit log) is the shared sqlstore.Store it embeds.
type DB struct {
	*sqlstore.Store

	Path string

	// Now returns the current time; tests set it to move time on instead
	// of ageing rows or sleeping. Write transactions read it once, when
	// they begin (Tx.now). Set it before the DB is used.
	Now func() time.Time

	write *sql.DB // one connection: SQLite has one writer at a time
	read  *sql.DB // a pool of read-only connections

	dupLookup *sql.Stmt // dupCandidatesSQL on the read pool, prepared once
	// sketches speed up the near-duplicate lookups of a bulk import
	// (dupsketch.go); nil otherwise.
	sketches atomic.Pointer[dupSketches]

	meta search.Catalog // the metadata cache, see meta.go

	maskers *search.Maskers
	engine  *search.Engine // ranks and shows searches and related reading

	related relatedWriter // stores computed related reading, see relatedlists.go

	dfs sqlstore.DocFreqs // document frequencies, see docFreq
}

// Open opens (creating when needed) the database in the data folder dir and
// applies pending migrations.
func Open(dir string) (*DB, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	path := filepath.Join(dir, FileName)
	return OpenFile(path)
}

// OpenFile opens the database at path.
func OpenFile(path string) (*DB, error) {
	dsn := func(extra ...string) string {
		v := url.Values{}
		for _, p := range []string{
			"journal_mode(wal)", "synchronous(normal)", "busy_timeout(10000)",
			"foreign_keys(on)", "temp_store(memory)",
		} {
			v.Add("_pragma", p)
		}
		for _, p := range extra {
			k, val, _ := strings.Cut(p, "=")
			v.Add(k, val)
		}
		return "file:" + path + "?" + v.Encode()
	}
	// The writer gets a large page cache for bulk imports; readers a small
	// one each, leaving the rest to the operating system's file cache.
	w, err := sql.Open("sqlite", dsn("_txlock=immediate", "_pragma=cache_size(-65536)"))
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	db := &DB{Path: path, write: w, Now: time.Now}
	db.related = relatedWriter{db: db, ch: make(chan *relatedList, relatedQueueSize), stop: make(chan struct{}), done: make(chan struct{})}
	if err := db.migrate(context.Background()); err != nil {
		w.Close()
		return nil, fmt.Errorf("migrate %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn("_pragma=query_only(1)", "_pragma=cache_size(-8192)"))
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	r.SetConnMaxIdleTime(0)
	db.read = r
	db.Store = sqlstore.New(dialect{}, w, r)
	db.Store.Now = func() time.Time { return db.Now() }
	if db.dupLookup, err = r.Prepare(dupCandidatesSQL); err != nil {
		db.Close()
		return nil, err
	}
	db.maskers = search.NewMaskers(db)
	db.engine = search.New(searchStore{db}, db.maskers)
	db.engine.SetAbbreviationSource(db)
	// Cached rankings go with the documents or search settings they were
	// made of (other processes' changes show in the catalog).
	db.OnChange(func(wengao.Change) { db.engine.ForgetResults() })
	// Sign the documents saved before near-duplicates were looked for, or
	// under another signature version: one query when there are none.
	if _, err := db.BackfillSignatures(context.Background()); err != nil {
		db.Close()
		return nil, fmt.Errorf("sign documents of %s for near-duplicates: %w", path, err)
	}
	return db, nil
}

// Warm loads the metadata that searches use, so that the first search
// after start-up is as fast as the others.
func (db *DB) Warm(ctx context.Context) error {
	return db.refreshMeta(ctx)
}

// Close closes the database.
func (db *DB) Close() error {
	var err error
	if db.Store != nil {
		db.StopFollowing()
	}
	db.stopDupSketches()
	db.related.close()
	if db.dupLookup != nil {
		db.dupLookup.Close()
	}
	if db.read != nil {
		err = db.read.Close()
	}
	if e := db.write.Close(); e != nil {
		err = e
	}
	return err
}

// migrate applies the embedded migrations not yet recorded.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY)`); err != nil {
		return err
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	for name := range goMigrations {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := db.migrateFile(ctx, name); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

func (db *DB) migrateFile(ctx context.Context, name string) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM migrations WHERE name = ?`, name).Scan(&n); err != nil {
		return err
	} else if n > 0 {
		return nil
	}
	if m, ok := goMigrations[name]; ok {
		if err := m(ctx, tx); err != nil {
			return err
		}
	} else {
		buf, err := migrationFS.ReadFile(name)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(buf)); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO migrations (name) VALUES (?)`, name); err != nil {
		return err
	}
	return tx.Commit()
}

// Checkpoint moves the write-ahead log into the database file.
func (db *DB) Checkpoint(ctx context.Context) error {
	_, err := db.write.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return err
}

// SetBulkLoad tunes the search index for a bulk import (on) or back to
// SQLite's defaults (off). For an import the index keeps 16 MB of terms in
// memory per table before writing a segment (1 MB by default) and merges
// segments 16 at a time instead of 4: merging is most of the cost of
// writing the index, and an import ends with Optimize anyway. An import
// killed part-way leaves the bulk settings, which only make searches
// read a few more segments until the next import or Optimize.
//
// While on, the near-duplicate lookups of SaveDocuments keep the sketches
// of the signatures they meet in memory (see dupsketch.go): at most 64
// bytes a document, held until SetBulkLoad(false).
func (db *DB) SetBulkLoad(ctx context.Context, on bool) error {
	settings := []string{"'automerge', 4", "'crisismerge', 16", "'hashsize', 1048576"}
	if on {
		settings = []string{"'automerge', 16", "'crisismerge', 64", "'hashsize', 16777216"}
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, t := range []string{"title_fts", "body_fts"} {
		for _, s := range settings {
			if _, err := tx.ExecContext(ctx, `INSERT INTO `+t+`(`+t+`, rank) VALUES (`+s+`)`); err != nil {
				return err
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if !on {
		db.stopDupSketches()
		return nil
	}
	return db.startDupSketches(ctx)
}

// Optimize merges the search index segments; worth running after a bulk
// import.
func (db *DB) Optimize(ctx context.Context) error {
	for _, t := range []string{"title_fts", "body_fts"} {
		if _, err := db.write.ExecContext(ctx, `INSERT INTO `+t+`(`+t+`) VALUES ('optimize')`); err != nil {
			return err
		}
	}
	_, err := db.write.ExecContext(ctx, `PRAGMA optimize`)
	return err
}

// refreshMeta brings the metadata cache up to date with the database.
func (db *DB) refreshMeta(ctx context.Context) error {
	return sqlstore.RefreshCatalog(ctx, db.ReadPool(), &db.meta)
}
