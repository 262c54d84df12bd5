package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/search"
)

// dfCacheMax is how many document frequencies are cached before the cache
// is emptied.
const dfCacheMax = 500_000

// RelatedDocuments returns up to n published documents related to
// document id (推荐阅读), best first: the list stored in related_lists,
// or, on the document's first view, one computed from a bounded set of
// candidates (computeRelated) and queued to be stored. Lists hold hidden
// and deleted documents too, left out here: a list of relatedStored
// entries shows fewer than n only when many of them are not published.
func (db *DB) RelatedDocuments(ctx context.Context, id string, n int) ([]wengao.DocumentRef, error) {
	var row, computedAt int64
	var list sql.NullString
	err := db.read.QueryRowContext(ctx, relatedReadSQL, id).Scan(&row, &list, &computedAt)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, wengao.ErrDocumentNotFound
		}
		return nil, err
	}
	if list.Valid {
		return db.RelatedRefs(ctx, parseRelated(list.String), computedAt, n)
	}
	c, err := db.computeRelated(ctx, row, search.BoundedRelated)
	if err != nil {
		return nil, err
	}
	db.related.queue(c)
	return db.RelatedRefs(ctx, c.Entries, c.at, n)
}

// relatedReadSQL reads a document's row and its stored list, if any.
const relatedReadSQL = `SELECT d.id, r.list, coalesce(r.computed_at, 0) FROM documents d LEFT JOIN related_lists r ON r.id = d.id WHERE d.ext_id = ?`

// docFreq returns the number of documents holding each term according to
// the given fts5vocab table, and the number of documents.
func (db *DB) docFreq(ctx context.Context, vocab string, terms []string) (map[string]int, int, error) {
	df := make(map[string]int, len(terms))
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM documents`).Scan(&total); err != nil {
		return nil, 0, err
	}
	// fts5vocab counts a term's documents by walking its whole list, so
	// counts are cached until the next write.
	db.refreshMeta(ctx)
	db.meta.RLock()
	version := db.meta.Version
	db.meta.RUnlock()
	db.dfMu.Lock()
	if db.dfCache == nil || db.dfVersion != version || len(db.dfCache) > dfCacheMax {
		db.dfCache, db.dfVersion = map[string]int{}, version
	}
	var missing []any
	for _, t := range terms {
		if n, ok := db.dfCache[vocab+t]; ok {
			df[t] = n
		} else {
			missing = append(missing, t)
		}
	}
	db.dfMu.Unlock()
	if len(missing) == 0 {
		return df, total, nil
	}
	rows, err := db.read.QueryContext(ctx, `SELECT term, doc FROM `+vocab+` WHERE term IN (`+placeholders(len(missing))+`)`, missing...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	found := map[string]int{}
	for rows.Next() {
		var t string
		var n int
		if err := rows.Scan(&t, &n); err != nil {
			return nil, 0, err
		}
		df[t], found[t] = n, n
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	db.dfMu.Lock()
	if db.dfVersion == version {
		for _, t := range missing {
			db.dfCache[vocab+t.(string)] = found[t.(string)]
		}
	}
	db.dfMu.Unlock()
	return df, total, nil
}
