package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/search"
)

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
// the given fts5vocab table, and the number of documents, cached while the
// documents are unchanged (sqlstore.DocFreqs).
func (db *DB) docFreq(ctx context.Context, vocab string, terms []string) (map[string]int, int, error) {
	if err := db.refreshMeta(ctx); err != nil {
		return nil, 0, err
	}
	return db.dfs.Get(ctx, &db.meta, vocab, terms, func(ctx context.Context) (int, error) {
		var total int
		err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM documents`).Scan(&total)
		return total, err
	}, func(ctx context.Context, missing []string) (map[string]int, error) {
		args := make([]any, len(missing))
		for i, t := range missing {
			args[i] = t
		}
		// fts5vocab counts a term's documents by walking its whole list.
		rows, err := db.read.QueryContext(ctx, `SELECT term, doc FROM `+vocab+` WHERE term IN (`+placeholders(len(missing))+`)`, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		found := map[string]int{}
		for rows.Next() {
			var t string
			var n int
			if err := rows.Scan(&t, &n); err != nil {
				return nil, err
			}
			found[t] = n
		}
		return found, rows.Err()
	})
}
