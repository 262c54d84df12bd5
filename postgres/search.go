package postgres

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/search"
	"github.com/wengao/wengao/sqlstore"
)

var (
	_ wengao.SearchService   = (*DB)(nil)
	_ wengao.DocumentService = (*DB)(nil)
	_ wengao.BrowseService   = (*DB)(nil)
	_ wengao.ReadService     = (*DB)(nil)
	_ search.Store           = searchStore{}
)

// Search runs a user's query: package search ranks and shows what the
// tsvector indexes find (see searchStore), as for SQLite.
func (db *DB) Search(ctx context.Context, req wengao.SearchRequest) (*wengao.SearchResult, error) {
	return db.engine.Search(ctx, req)
}

// Maskers returns the cached Masker of the display masking rules, which
// search uses and the site should share.
func (db *DB) Maskers() *search.Maskers { return db.maskers }

// SearchStore returns what package search reads of the database, for an
// engine of other limits than the database's own (tests, benchmarks).
func (db *DB) SearchStore() search.Store { return searchStore{db} }

// SetSearchLimits changes the bounds of the database's searches.
func (db *DB) SetSearchLimits(l search.Limits) { db.engine.SetLimits(l) }

// Warm loads the catalog that searches use, so that the first search
// after start-up is as fast as the others.
func (db *DB) Warm(ctx context.Context) error {
	return sqlstore.RefreshCatalog(ctx, db.ReadPool(), &db.meta)
}

// searchStore gives package search the database's candidates and texts
// from title_index and body_index (see index.go).
type searchStore struct{ db *DB }

// Catalog brings the catalog up to date with the database (doc_version:
// other instances' writes too) and returns it.
func (s searchStore) Catalog(ctx context.Context) (*search.Catalog, error) {
	if err := sqlstore.RefreshCatalog(ctx, s.db.ReadPool(), &s.db.meta); err != nil {
		return nil, err
	}
	return &s.db.meta, nil
}

func indexTable(f search.Field) string {
	if f == search.FieldTitle {
		return "title_index"
	}
	return "body_index"
}

// matchSQL returns the query of the documents of table matching every
// clause's tsquery in some part and no part matching not's, each branch
// narrowed by cond (on id, with its arguments condArgs), and its
// arguments.
func matchSQL(table string, clauses [][]search.Phrase, not []search.Phrase, cond string, condArgs ...any) (string, []any) {
	branch := `SELECT id FROM ` + table + ` WHERE tsv @@ CAST(? AS tsquery)` + cond
	var b strings.Builder
	var args []any
	for i, c := range clauses {
		if i > 0 {
			b.WriteString(" INTERSECT ")
		}
		b.WriteString(branch)
		args = append(append(args, anyQuery(c)), condArgs...)
	}
	if len(not) > 0 {
		b.WriteString(" EXCEPT ")
		b.WriteString(branch)
		args = append(append(args, anyQuery(not)), condArgs...)
	}
	q := b.String()
	if len(clauses) == 1 && len(not) == 0 {
		q = `SELECT DISTINCT id FROM (` + q + `) m`
	}
	return q, args
}

// indexPool is where the index lookups run (see Open).
func (db *DB) indexPool() sqlstore.Pool { return sqlstore.NewPool(db.index, dialect{}) }

func (s searchStore) ids(ctx context.Context, q string, args ...any) ([]int64, error) {
	rows, err := s.db.indexPool().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// Match returns the row ids matching the clauses and none of not.
func (s searchStore) Match(ctx context.Context, field search.Field, clauses [][]search.Phrase, not []search.Phrase) ([]int64, error) {
	q, args := matchSQL(indexTable(field), clauses, not, "")
	return s.ids(ctx, q, args...)
}

// MatchRange returns the row ids from lo to hi matching the clauses and
// none of not.
func (s searchStore) MatchRange(ctx context.Context, field search.Field, clauses [][]search.Phrase, not []search.Phrase, lo, hi int64) ([]int64, error) {
	// id + 0: not by the primary key, which would read every text of
	// the range.
	q, args := matchSQL(indexTable(field), clauses, not, ` AND id + 0 BETWEEN ? AND ?`, lo, hi)
	return s.ids(ctx, q, args...)
}

// MatchAmong returns those of rows whose text matches the clauses and
// none of not: the rows are read by key, each part's tsvector checked.
func (s searchStore) MatchAmong(ctx context.Context, clauses [][]search.Phrase, not []search.Phrase, rows []int64) ([]int64, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	q, args := matchSQL("body_index", clauses, not, ` AND id = ANY(?)`, rows)
	return s.ids(ctx, q, args...)
}

// MatchNear returns the row ids whose text holds the phrases as one NEAR
// group (see positions.near).
func (s searchStore) MatchNear(ctx context.Context, phrases []search.Phrase, distance int) ([]int64, error) {
	return s.matchNear(ctx, phrases, distance, "")
}

// MatchNearAmong returns those of rows in MatchNear's set.
func (s searchStore) MatchNearAmong(ctx context.Context, phrases []search.Phrase, distance int, rows []int64) ([]int64, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	return s.matchNear(ctx, phrases, distance, ` AND id = ANY(?)`, rows)
}

// matchNear finds the documents holding every phrase (the index), then
// checks the NEAR condition on the positions of their phrases' lexemes,
// read from every part of each.
func (s searchStore) matchNear(ctx context.Context, phrases []search.Phrase, distance int, cond string, condArgs ...any) ([]int64, error) {
	clauses := make([][]search.Phrase, len(phrases))
	var exact, prefixes []string
	for i, p := range phrases {
		clauses[i] = []search.Phrase{p}
		for j, t := range p.Tokens {
			if p.Prefix && j == len(p.Tokens)-1 {
				prefixes = append(prefixes, t)
			} else {
				exact = append(exact, t)
			}
		}
	}
	cand, args := matchSQL("body_index", clauses, nil, cond, condArgs...)
	// The lexemes wanted are picked out of each tsvector in C: weighed A
	// (the index weighs none) and filtered by weight, which is ten times
	// as fast as unnesting every lexeme of a long text. A prefix, which
	// the engine asks for rarely (it finds one-character terms in the
	// texts instead), needs every lexeme looked at.
	lexemes := `unnest(ts_filter(setweight(b.tsv, 'A', CAST(? AS text[])), '{a}')) u`
	args = append(args, exact)
	if len(prefixes) > 0 {
		lexemes = `unnest(b.tsv) u WHERE u.lexeme = ANY(?) OR EXISTS (SELECT 1 FROM unnest(CAST(? AS text[])) p WHERE starts_with(u.lexeme, p))`
		args = append(args, prefixes)
	}
	q := `WITH c AS (` + cand + `)
		SELECT b.id, b.start, u.lexeme, array_to_string(u.positions, ',')
		FROM body_index b JOIN c USING (id), ` + lexemes + `
		ORDER BY b.id`
	rows, err := s.db.indexPool().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	cur, pos := int64(0), positions{}
	flush := func() {
		if cur != 0 {
			pos.sorted()
			if pos.near(phrases, distance) {
				out = append(out, cur)
			}
		}
	}
	for rows.Next() {
		var id int64
		var start int
		var lex, list string
		if err := rows.Scan(&id, &start, &lex, &list); err != nil {
			return nil, err
		}
		if id != cur {
			flush()
			cur, pos = id, positions{}
		}
		ps, err := parsePositions(list)
		if err != nil {
			return nil, err
		}
		pos.add(lex, start, ps)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	flush()
	return out, nil
}

// Ordered walks the documents in order (sqlstore.Store.Ordered).
func (s searchStore) Ordered(ctx context.Context, order search.Order, fn func(rows []int64) (bool, error)) error {
	return s.db.Ordered(ctx, order, fn)
}

// Texts returns the documents of rows.
func (s searchStore) Texts(ctx context.Context, rows []int64) ([]search.Text, error) {
	return s.db.Texts(ctx, rows)
}

// DocFreqs returns the number of documents holding each token in the
// field, and the number of documents, cached while the documents are
// unchanged (sqlstore.DocFreqs): counting a token's documents reads its
// whole list in the GIN index, as FTS5's vocabulary table does in SQLite.
func (s searchStore) DocFreqs(ctx context.Context, field search.Field, tokens []string) (map[string]int, int, error) {
	db := s.db
	if err := sqlstore.RefreshCatalog(ctx, db.ReadPool(), &db.meta); err != nil {
		return nil, 0, err
	}
	table := indexTable(field)
	return db.dfs.Get(ctx, &db.meta, table, tokens, func(ctx context.Context) (int, error) {
		var total int
		err := db.ReadPool().QueryRowContext(ctx, `SELECT COUNT(*) FROM documents`).Scan(&total)
		return total, err
	}, func(ctx context.Context, missing []string) (map[string]int, error) {
		cols := make([]string, len(missing))
		args := make([]any, len(missing))
		counts := make([]int, len(missing))
		dest := make([]any, len(missing))
		for i, t := range missing {
			cols[i] = `(SELECT COUNT(DISTINCT id) FROM ` + table + ` WHERE tsv @@ CAST(? AS tsquery))`
			args[i], dest[i] = quoteLexeme(t), &counts[i]
		}
		if err := db.indexPool().QueryRowContext(ctx, `SELECT `+strings.Join(cols, ", "), args...).Scan(dest...); err != nil {
			return nil, err
		}
		found := make(map[string]int, len(missing))
		for i, t := range missing {
			found[t] = counts[i]
		}
		return found, nil
	})
}

// RelatedDocuments returns up to n published documents related to
// document id (推荐阅读), best first, computed from a bounded set of
// candidates (search.BoundedRelated) as SQLite computes a document's list
// on its first view. Lists are not stored on PostgreSQL yet: each view
// computes one.
func (db *DB) RelatedDocuments(ctx context.Context, id string, n int) ([]wengao.DocumentRef, error) {
	lim := search.BoundedRelated
	bodyRunes := lim.BodyRunes
	if bodyRunes <= 0 {
		bodyRunes = 1 << 30
	}
	var src search.Source
	var maxRow int64
	err := db.ReadPool().QueryRowContext(ctx, `SELECT d.id, d.title, d.hash, d.size, substr(t.body, 1, ?), (SELECT max(id) FROM documents)
		FROM documents d JOIN document_texts t USING (id) WHERE d.ext_id = ?`, bodyRunes, id).Scan(&src.Row, &src.Title, &src.Hash, &src.Size, &src.Body, &maxRow)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wengao.ErrDocumentNotFound
	} else if err != nil {
		return nil, err
	}
	list, err := search.Related(ctx, relatedIndex{db}, src, maxRow, lim)
	if err != nil {
		return nil, err
	}
	return db.RelatedRefs(ctx, list.Entries, db.Now().Unix(), n)
}

// relatedIndex gives search.Related the probes of the index tables.
type relatedIndex struct{ db *DB }

// Probe reads each term's rows from the title or body index, newest
// first, up to limit each (all for 0), in one query.
func (x relatedIndex) Probe(ctx context.Context, field search.Field, terms []string, limit int) ([][]int64, error) {
	if len(terms) == 0 {
		return nil, nil
	}
	lim := ""
	if limit > 0 {
		lim = ` LIMIT ` + strconv.Itoa(limit)
	}
	sub := `(SELECT coalesce(string_agg(CAST(id AS text), ',' ORDER BY id DESC), '') FROM (SELECT DISTINCT id FROM ` + indexTable(field) +
		` WHERE tsv @@ CAST(? AS tsquery) ORDER BY id DESC` + lim + `) p)`
	cols := make([]string, len(terms))
	args := make([]any, len(terms))
	lists := make([]string, len(terms))
	dest := make([]any, len(terms))
	for i, t := range terms {
		cols[i], args[i], dest[i] = sub, quoteLexeme(t), &lists[i]
	}
	if err := x.db.indexPool().QueryRowContext(ctx, `SELECT `+strings.Join(cols, ", "), args...).Scan(dest...); err != nil {
		return nil, err
	}
	out := make([][]int64, len(terms))
	for i, list := range lists {
		if list == "" {
			continue
		}
		for _, f := range strings.Split(list, ",") {
			r, err := strconv.ParseInt(f, 10, 64)
			if err != nil {
				return nil, err
			}
			out[i] = append(out[i], r)
		}
	}
	return out, nil
}

// Stats reads the size and hash of rows.
func (x relatedIndex) Stats(ctx context.Context, rows []int64) (map[int64]search.DocStat, error) {
	return x.db.DocStats(ctx, rows)
}
