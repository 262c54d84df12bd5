package sqlite

import (
	"context"
	"sync"
	"unicode/utf8"

	"github.com/wengao/wengao"
)

// docMeta is what a search needs of a document besides its text: enough to
// filter, facet, sort and list hits without touching the table.
type docMeta struct {
	ext      string
	title    string
	date     string
	category string
	year     int
	titleLen int // in runes
	reads    int64
	plain    bool
	size     int // characters of the body
}

// metaCache holds docMeta for every document, indexed by row id. It is
// refreshed from rows whose seq is newer than the last seen version, so
// writes by other processes (an import while serving) become visible.
//
// Only published documents are held: a hidden or deleted one (see
// SetDocumentStatus) is absent, as a purged one, so that search, facets,
// categories and related reading never show it.
type metaCache struct {
	mu      sync.RWMutex
	docs    []*docMeta // by row id; nil for none
	version int64
	count   int
	// gen changes whenever a document enters or leaves the cache, so that
	// what is cached over the set of documents (related reading) can tell
	// it is stale whichever process made the change.
	gen int64
}

// refreshMeta brings the metadata cache up to date with the database.
func (db *DB) refreshMeta(ctx context.Context) error {
	var v int64
	if err := db.read.QueryRowContext(ctx, `SELECT v FROM doc_version`).Scan(&v); err != nil {
		return err
	}
	db.meta.mu.RLock()
	cur := db.meta.version
	db.meta.mu.RUnlock()
	if v == cur {
		return nil
	}
	db.meta.mu.Lock()
	defer db.meta.mu.Unlock()
	if v == db.meta.version {
		return nil
	}
	if err := db.forgetDeletedMeta(ctx); err != nil {
		return err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, ext_id, title, date, category, reads, plain, size, status FROM documents WHERE seq > ?`, db.meta.version)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var status string
		m := &docMeta{}
		if err := rows.Scan(&id, &m.ext, &m.title, &m.date, &m.category, &m.reads, &m.plain, &m.size, &status); err != nil {
			return err
		}
		if status != wengao.DocPublished {
			if db.meta.get(id) != nil {
				db.meta.docs[id] = nil
				db.meta.count--
				db.meta.gen++
			}
			continue
		}
		m.year = wengao.YearOf(m.date)
		m.titleLen = utf8.RuneCountInString(m.title)
		for int64(len(db.meta.docs)) <= id {
			db.meta.docs = append(db.meta.docs, nil)
		}
		if db.meta.docs[id] == nil {
			db.meta.count++
			db.meta.gen++
		}
		db.meta.docs[id] = m
	}
	if err := rows.Err(); err != nil {
		return err
	}
	db.meta.version = v
	return nil
}

// forgetDeletedMeta drops the rows deleted since the cache's version (see
// deleted_documents). It runs before the changed rows are read: a row id
// reused by a newer document is then filled again. The caller holds
// db.meta.mu.
func (db *DB) forgetDeletedMeta(ctx context.Context) error {
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM deleted_documents WHERE seq > ?`, db.meta.version)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		if db.meta.get(id) != nil {
			db.meta.docs[id] = nil
			db.meta.count--
			db.meta.gen++
		}
	}
	return rows.Err()
}

// metaOf returns the cached metadata of row id, or nil.
func (c *metaCache) get(id int64) *docMeta {
	if id < 0 || id >= int64(len(c.docs)) {
		return nil
	}
	return c.docs[id]
}
