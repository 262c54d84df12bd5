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
type metaCache struct {
	mu      sync.RWMutex
	docs    []*docMeta // by row id; nil for none
	version int64
	count   int
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
	rows, err := db.read.QueryContext(ctx, `SELECT id, ext_id, title, date, category, reads, plain, size FROM documents WHERE seq > ?`, db.meta.version)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		m := &docMeta{}
		if err := rows.Scan(&id, &m.ext, &m.title, &m.date, &m.category, &m.reads, &m.plain, &m.size); err != nil {
			return err
		}
		m.year = wengao.YearOf(m.date)
		m.titleLen = utf8.RuneCountInString(m.title)
		for int64(len(db.meta.docs)) <= id {
			db.meta.docs = append(db.meta.docs, nil)
		}
		if db.meta.docs[id] == nil {
			db.meta.count++
		}
		db.meta.docs[id] = m
	}
	if err := rows.Err(); err != nil {
		return err
	}
	db.meta.version = v
	return nil
}

// metaOf returns the cached metadata of row id, or nil.
func (c *metaCache) get(id int64) *docMeta {
	if id < 0 || id >= int64(len(c.docs)) {
		return nil
	}
	return c.docs[id]
}
