package sqlstore

import (
	"context"
	"database/sql"
	"unicode/utf8"
	"unsafe"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/search"
)

// A store's metadata cache (a search.Catalog) holds the search.Meta of
// every published document, indexed by row id. It is refreshed from rows
// whose seq is newer than the last seen version (doc_version), so writes
// by other processes or instances (an import while serving) become
// visible.
//
// Only published documents are held: a hidden or deleted one (see
// SetDocumentStatus) is absent, as a purged one, so that search, facets,
// categories and related reading never show it.

// RefreshCatalog brings the metadata cache cat up to date with the
// database read through p.
func RefreshCatalog(ctx context.Context, p Pool, cat *search.Catalog) error {
	var v int64
	if err := p.QueryRowContext(ctx, `SELECT v FROM doc_version`).Scan(&v); err != nil {
		return err
	}
	cat.RLock()
	cur := cat.Version
	cat.RUnlock()
	if v == cur {
		return nil
	}
	cat.Lock()
	defer cat.Unlock()
	if v == cat.Version {
		return nil
	}
	if err := forgetDeleted(ctx, p, cat); err != nil {
		return err
	}
	rows, err := p.QueryContext(ctx, `SELECT id, ext_id, title, date, category, reads, plain, size, status FROM documents WHERE seq > ?`, cat.Version)
	if err != nil {
		return err
	}
	defer rows.Close()
	// The strings are read without a copy of their own (RawBytes, valid
	// until the next row): Put copies them into the catalog's arena. At a
	// million documents, that is a million allocations fewer at start-up.
	var ext, title, date, category, status sql.RawBytes
	for rows.Next() {
		var id int64
		var m search.Meta
		if err := rows.Scan(&id, &ext, &title, &date, &category, &m.Reads, &m.Plain, &m.Size, &status); err != nil {
			return err
		}
		if string(status) != wengao.DocPublished {
			cat.Drop(id)
			continue
		}
		m.ID, m.Title, m.Date, m.Category = transient(ext), transient(title), transient(date), transient(category)
		m.Year = wengao.YearOf(m.Date)
		m.TitleLen = utf8.RuneCount(title)
		cat.Put(id, m)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	cat.Version = v
	return nil
}

// forgetDeleted drops the rows deleted since the cache's version (see
// deleted_documents). It runs before the changed rows are read: a row id
// reused by a newer document (SQLite) is then filled again. The caller
// holds cat's lock.
func forgetDeleted(ctx context.Context, p Pool, cat *search.Catalog) error {
	rows, err := p.QueryContext(ctx, `SELECT id FROM deleted_documents WHERE seq > ?`, cat.Version)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		cat.Drop(id)
	}
	return rows.Err()
}

// transient returns b as a string that is only valid as long as b is.
func transient(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
