package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Snapshot describes a database file: what a backup's manifest records
// and what a restore checks.
type Snapshot struct {
	Migrations []string // the migrations applied, by name ("migrations/001_documents.sql")
	Documents  int
	Users      int
	// FileKeys are the blob keys that documents and uploads refer to
	// (their original files in the data folder's files store), sorted,
	// each once.
	FileKeys []string
}

// Migrations returns the names of the migrations this version of wengao
// knows, sorted; Open applies those not yet applied.
func Migrations() []string {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		panic(err) // a malformed pattern
	}
	sort.Strings(names)
	return names
}

// Backup writes a consistent snapshot of the database to the new file
// dst; see BackupFile.
func (db *DB) Backup(ctx context.Context, dst string) (*Snapshot, error) {
	return BackupFile(ctx, db.Path, dst)
}

// BackupFile writes a consistent snapshot of the database file src to the
// file dst, which must not exist or be empty, and describes the snapshot.
// It is safe while other connections and other processes (a running
// `wengao serve`, an import) read and write the database: the copy is
// made by VACUUM INTO, which reads the whole database in one read
// transaction, so it holds every transaction committed before it started
// and nothing of those committed later. In WAL mode it does not block the
// writers (the log grows meanwhile instead of being checkpointed). The
// copy is compacted, in rollback-journal mode, and self-contained: one
// file without -wal or -shm.
//
// src is opened as it is, without migrating it, and it must already
// exist: a backup never creates a database.
func BackupFile(ctx context.Context, src, dst string) (*Snapshot, error) {
	fi, err := os.Stat(src)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no database at %s", src)
		}
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a database file", src)
	}
	dst, err = filepath.Abs(dst)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// A connection of its own: the read pool is query-only, which
	// refuses VACUUM even INTO another file.
	conn, err := sql.Open("sqlite", fileDSN(src))
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, dst); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("snapshot of %s: %w", src, err)
	}
	if err := conn.Close(); err != nil {
		return nil, err
	}
	snap, err := inspect(ctx, dst, true)
	if err != nil {
		return nil, fmt.Errorf("snapshot of %s: %w", src, err)
	}
	return snap, nil
}

// fileDSN is a data source name for a plain connection to the database
// file path.
func fileDSN(path string) string {
	// The name is a URI: escape what would end its path.
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(filepath.ToSlash(path))
	return "file:" + esc + "?_pragma=busy_timeout(10000)&_pragma=trusted_schema(0)"
}

// InspectFile checks the integrity of the database file path (SQLite's
// PRAGMA integrity_check) and describes it, without migrating or
// otherwise changing it. It is for a file that no one else uses, such as
// a snapshot being restored.
func InspectFile(ctx context.Context, path string) (*Snapshot, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	// Read-only, and defensive: the file may come from anywhere.
	conn, err := sql.Open("sqlite", fileDSN(path)+"&mode=ro&_defensive=1")
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	if err := integrityCheck(ctx, conn); err != nil {
		return nil, err
	}
	return describe(ctx, conn)
}

// inspect describes the database file path, first switching it to
// rollback-journal mode when rollback is set.
func inspect(ctx context.Context, path string, rollback bool) (*Snapshot, error) {
	conn, err := sql.Open("sqlite", fileDSN(path))
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	if rollback {
		if _, err := conn.ExecContext(ctx, `PRAGMA journal_mode=DELETE`); err != nil {
			return nil, err
		}
	}
	snap, err := describe(ctx, conn)
	if err != nil {
		return nil, err
	}
	return snap, conn.Close()
}

// describe reads a Snapshot through conn, in one read transaction.
func describe(ctx context.Context, conn *sql.DB) (*Snapshot, error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	has := func(table, column string) (bool, error) {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = ?`, table, column).Scan(&n)
		return n > 0, err
	}
	if ok, err := has("migrations", "name"); err != nil {
		return nil, err
	} else if !ok {
		return nil, errors.New("not a wengao database: it has no migrations table")
	}
	s := &Snapshot{}
	rows, err := tx.QueryContext(ctx, `SELECT name FROM migrations ORDER BY name`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return nil, err
		}
		s.Migrations = append(s.Migrations, name)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM documents`).Scan(&s.Documents); err != nil {
		return nil, err
	}
	if ok, err := has("users", "id"); err != nil {
		return nil, err
	} else if ok {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&s.Users); err != nil {
			return nil, err
		}
	}
	var parts []string
	for _, table := range []string{"documents", "uploads"} {
		if ok, err := has(table, "file_key"); err != nil {
			return nil, err
		} else if ok {
			parts = append(parts, `SELECT file_key FROM `+table+` WHERE file_key <> ''`)
		}
	}
	if len(parts) > 0 {
		rows, err := tx.QueryContext(ctx, strings.Join(parts, ` UNION `)+` ORDER BY 1`)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var key string
			if err := rows.Scan(&key); err != nil {
				return nil, err
			}
			s.FileKeys = append(s.FileKeys, key)
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// integrityCheck runs PRAGMA integrity_check through conn.
func integrityCheck(ctx context.Context, conn *sql.DB) error {
	rows, err := conn.QueryContext(ctx, `PRAGMA integrity_check(20)`)
	if err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("the database is damaged: %s", strings.Join(problems, "; "))
	}
	return nil
}

// CheckIntegrity checks the database (PRAGMA integrity_check) and each
// full-text index (FTS5's own integrity check), returning an error that
// describes the damage found. It reads the whole database: seconds for a
// library of thousands of documents.
func (db *DB) CheckIntegrity(ctx context.Context) error {
	if err := integrityCheck(ctx, db.read); err != nil {
		return err
	}
	return db.CheckSearchIndexes(ctx)
}

// CheckSearchIndexes runs each full-text index's own integrity check (the
// part of CheckIntegrity that PRAGMA integrity_check leaves out).
func (db *DB) CheckSearchIndexes(ctx context.Context) error {
	tables, err := db.fts5Tables(ctx)
	if err != nil {
		return err
	}
	for _, t := range tables {
		q := quoteIdent(t)
		// A command, not a change, but the read pool is query-only.
		if _, err := db.write.ExecContext(ctx, `INSERT INTO `+q+`(`+q+`) VALUES ('integrity-check')`); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("search index %s is damaged: %w", t, err)
		}
	}
	return nil
}

// fts5Tables returns the names of the FTS5 tables.
func (db *DB) fts5Tables(ctx context.Context) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table'
		AND sql LIKE 'CREATE VIRTUAL TABLE%USING fts5(%' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		names = append(names, name)
	}
	return names, rows.Err()
}

// ForeignKeyProblems lists the rows that refer to rows that do not exist
// (PRAGMA foreign_key_check), at most max of them, as "table row N refers
// to a missing parent row of table P".
func (db *DB) ForeignKeyProblems(ctx context.Context, max int) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for len(out) < max && rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fkid int
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return nil, err
		}
		row := "without rowid"
		if rowid.Valid {
			row = fmt.Sprintf("row %d", rowid.Int64)
		}
		out = append(out, fmt.Sprintf("%s %s refers to a missing row of %s", table, row, parent))
	}
	return out, rows.Err()
}

// quoteIdent quotes an SQL identifier.
func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// UnknownMigrations returns the migrations of s that this version of
// wengao does not know: a snapshot of a newer version, which it cannot
// use.
func (s *Snapshot) UnknownMigrations() []string {
	known := map[string]bool{}
	for _, m := range Migrations() {
		known[m] = true
	}
	var out []string
	for _, m := range s.Migrations {
		if !known[m] {
			out = append(out, m)
		}
	}
	return out
}
