package sqlite

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

var _ wengao.SearchService = (*DB)(nil)

// Search and listing limits.
const (
	DefaultLimit = search.DefaultLimit
	MaxLimit     = search.MaxLimit
	// MaxListLimit and MaxListOffset bound ListDocuments' pages.
	MaxListLimit  = sqlstore.MaxListLimit
	MaxListOffset = sqlstore.MaxListOffset
)

// Search runs a user's query: package search ranks and shows what the
// database's FTS5 indexes find (see searchStore).
func (db *DB) Search(ctx context.Context, req wengao.SearchRequest) (*wengao.SearchResult, error) {
	return db.engine.Search(ctx, req)
}

// Maskers returns the cached Masker of the database's display masking
// rules, which search uses and the site should share.
func (db *DB) Maskers() *search.Maskers { return db.maskers }

// searchStore gives package search the database's candidates and texts:
// body_fts holds each document's title and body, title_fts its title, both
// as the bigram tokens of chinese.IndexTokens.
type searchStore struct{ db *DB }

var _ search.Store = searchStore{}

// Catalog brings the metadata cache up to date and returns it.
func (s searchStore) Catalog(ctx context.Context) (*search.Catalog, error) {
	if err := s.db.refreshMeta(ctx); err != nil {
		return nil, err
	}
	return &s.db.meta, nil
}

// Match returns the row ids matching the clauses and none of not.
func (s searchStore) Match(ctx context.Context, field search.Field, clauses [][]search.Phrase, not []search.Phrase) ([]int64, error) {
	return s.db.matchIDs(ctx, ftsTable(field), matchExpr(clauses, not), "")
}

// MatchNear returns the row ids whose text holds the phrases as one NEAR
// group.
func (s searchStore) MatchNear(ctx context.Context, phrases []search.Phrase, distance int) ([]int64, error) {
	return s.db.matchIDs(ctx, "body_fts", nearExpr(phrases, distance), "")
}

// nearExpr renders phrases as one FTS5 NEAR group.
func nearExpr(phrases []search.Phrase, distance int) string {
	parts := make([]string, len(phrases))
	for i, p := range phrases {
		parts[i] = phraseExpr(p)
	}
	return "NEAR(" + strings.Join(parts, " ") + ", " + strconv.Itoa(distance) + ")"
}

// MatchRange returns the row ids from lo to hi matching the clauses and
// none of not. FTS5 seeks to lo, so the work is that of the range.
func (s searchStore) MatchRange(ctx context.Context, field search.Field, clauses [][]search.Phrase, not []search.Phrase, lo, hi int64) ([]int64, error) {
	table := ftsTable(field)
	return s.db.matchIDs(ctx, table, matchExpr(clauses, not), "rowid BETWEEN ? AND ?", lo, hi)
}

// MatchAmong returns those of rows whose text matches the clauses and
// none of not: one index seek per row.
func (s searchStore) MatchAmong(ctx context.Context, clauses [][]search.Phrase, not []search.Phrase, rows []int64) ([]int64, error) {
	return s.db.matchAmong(ctx, matchExpr(clauses, not), rows)
}

// MatchNearAmong returns those of rows whose text holds the phrases as one
// NEAR group.
func (s searchStore) MatchNearAmong(ctx context.Context, phrases []search.Phrase, distance int, rows []int64) ([]int64, error) {
	return s.db.matchAmong(ctx, nearExpr(phrases, distance), rows)
}

// Ordered walks the documents in order (sqlstore.Store.Ordered).
func (s searchStore) Ordered(ctx context.Context, order search.Order, fn func(rows []int64) (bool, error)) error {
	return s.db.Ordered(ctx, order, fn)
}

// Texts returns the documents of rows.
func (s searchStore) Texts(ctx context.Context, rows []int64) ([]search.Text, error) {
	return s.db.Texts(ctx, rows)
}

// DocFreqs returns the document frequency of each token in the field.
func (s searchStore) DocFreqs(ctx context.Context, field search.Field, tokens []string) (map[string]int, int, error) {
	vocab := "body_vocab"
	if field == search.FieldTitle {
		vocab = "title_vocab"
	}
	return s.db.docFreq(ctx, vocab, tokens)
}

// Hash returns the text hash of row.
func (s searchStore) Hash(ctx context.Context, row int64) (string, error) {
	var h string
	err := s.db.read.QueryRowContext(ctx, `SELECT hash FROM documents WHERE id = ?`, row).Scan(&h)
	return h, err
}

func ftsTable(f search.Field) string {
	if f == search.FieldTitle {
		return "title_fts"
	}
	return "body_fts"
}

// phraseExpr renders a phrase in FTS5's syntax.
func phraseExpr(p search.Phrase) string {
	// Tokens hold only letters and digits, so quoting cannot be escaped.
	s := `"` + strings.Join(p.Tokens, " ") + `"`
	if p.Prefix {
		s += "*"
	}
	return s
}

// matchExpr renders clauses as an FTS5 expression: the clauses ANDed,
// each an OR of phrases, then the exclusions.
func matchExpr(clauses [][]search.Phrase, not []search.Phrase) string {
	parts := make([]string, 0, len(clauses))
	for _, c := range clauses {
		alts := make([]string, len(c))
		for i, p := range c {
			alts[i] = phraseExpr(p)
		}
		if len(alts) == 1 {
			parts = append(parts, alts[0])
		} else {
			parts = append(parts, "("+strings.Join(alts, " OR ")+")")
		}
	}
	s := strings.Join(parts, " AND ")
	if len(parts) > 1 {
		s = "(" + s + ")"
	}
	for _, p := range not {
		s += " NOT " + phraseExpr(p)
	}
	return s
}

// matchIDs returns the row ids matching expr in the given index, and the
// extra condition on rowid when it is not empty.
func (db *DB) matchIDs(ctx context.Context, table, expr, cond string, args ...any) ([]int64, error) {
	if cond != "" {
		cond = " AND " + cond
	}
	var list sql.NullString
	err := db.read.QueryRowContext(ctx, `SELECT group_concat(rowid) FROM `+table+` WHERE `+table+` MATCH ?`+cond, append([]any{expr}, args...)...).Scan(&list)
	if err != nil {
		if ftsError(err) == errNoMatch {
			return nil, nil
		}
		return nil, err
	}
	return parseIDList(list.String), nil
}

// ftsError turns an FTS5 syntax error, which the query builder should make
// impossible, into an empty result rather than a failure. FTS5 reports it
// as SQLITE_ERROR, the code a MATCH over a table that exists has for
// nothing else; a cancelled request, a busy database or a broken file
// keep their errors.
func ftsError(err error) error {
	if resultCode(err) == codeError {
		return errNoMatch
	}
	return err
}

var errNoMatch = errors.New("no match")

// matchAmong returns those of rows matching expr in body_fts. SQLite
// looks each row up in the index (FTS5 seeks to a rowid), so the work is
// that of the rows, not of the words' document lists.
func (db *DB) matchAmong(ctx context.Context, expr string, rows []int64) ([]int64, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	var b strings.Builder
	for i, id := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	// The rows are numbers written here, not text a user typed.
	return db.matchIDs(ctx, "body_fts", expr, "rowid IN ("+b.String()+")")
}

func parseIDList(s string) []int64 {
	if s == "" {
		return nil
	}
	ids := make([]int64, 0, strings.Count(s, ",")+1)
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ',' {
			ids = append(ids, n)
			n = 0
			continue
		}
		n = n*10 + int64(c-'0')
	}
	return append(ids, n)
}

// placeholders returns n comma-separated question marks.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// SearchStore returns what package search reads of the database, for an
// engine of other limits than the database's own (tests, benchmarks).
func (db *DB) SearchStore() search.Store { return searchStore{db} }

// SetSearchLimits changes the bounds of the database's searches (see
// search.Limits).
func (db *DB) SetSearchLimits(l search.Limits) { db.engine.SetLimits(l) }
