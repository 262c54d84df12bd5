package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wengao/wengao/search"
)

// Related reading is scored by search.Related from bounded probes of the
// title and body indexes (search.BoundedRelated), computed on a
// document's first view or in the background (PrecomputeRelated), and
// stored in related_lists.
const (
	// relatedQueueSize is how many computed lists wait to be stored; more
	// are dropped (and computed again on a later view).
	relatedQueueSize = 512
)

// relatedList is a document's computed related reading.
type relatedList struct {
	row   int64
	hash  string // the document's hash when computed: stored only if unchanged
	title string
	at    int64 // Unix seconds
	search.RelatedList
}

// formatRelated renders entries as stored: "row:score" pairs.
func formatRelated(entries []search.RelatedEntry) string {
	var b strings.Builder
	for i, e := range entries {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(e.Row, 10))
		b.WriteByte(':')
		b.WriteString(strconv.FormatFloat(e.Score, 'g', 6, 64))
	}
	return b.String()
}

// parseRelated reads a stored list, skipping anything malformed.
func parseRelated(s string) []search.RelatedEntry {
	var out []search.RelatedEntry
	for _, p := range strings.Split(s, ",") {
		r, sc, ok := strings.Cut(p, ":")
		if !ok {
			continue
		}
		row, err1 := strconv.ParseInt(r, 10, 64)
		score, err2 := strconv.ParseFloat(sc, 64)
		if err1 == nil && err2 == nil {
			out = append(out, search.RelatedEntry{Row: row, Score: score})
		}
	}
	return out
}

// relatedIndex gives search.Related the probes of the FTS5 tables.
type relatedIndex struct{ db *DB }

// Probe reads, in one query for all the terms, each term's rows from the
// title or body index, newest first (FTS5 reads a term's rows in rowid
// order and stops at the limit): each a sub-query giving one list of ids,
// as a row each costs more in database/sql than in SQLite.
func (x relatedIndex) Probe(ctx context.Context, field search.Field, terms []string, limit int) ([][]int64, error) {
	if len(terms) == 0 {
		return nil, nil
	}
	table := "body_fts"
	if field == search.FieldTitle {
		table = "title_fts"
	}
	lim := ""
	if limit > 0 {
		lim = ` LIMIT ` + strconv.Itoa(limit)
	}
	sub := `(SELECT group_concat(rowid) FROM (SELECT rowid FROM ` + table + ` WHERE ` + table + ` MATCH ? ORDER BY rowid DESC` + lim + `))`
	cols := make([]string, len(terms))
	args := make([]any, len(terms))
	lists := make([]sql.NullString, len(terms))
	dest := make([]any, len(terms))
	for i, t := range terms {
		// Tokens hold only letters and digits: quoting cannot be escaped.
		cols[i], args[i], dest[i] = sub, `"`+t+`"`, &lists[i]
	}
	if err := x.db.read.QueryRowContext(ctx, `SELECT `+strings.Join(cols, ", "), args...).Scan(dest...); err != nil {
		return nil, err
	}
	out := make([][]int64, len(terms))
	for i, list := range lists {
		if !list.Valid {
			continue
		}
		rows := make([]int64, 0, strings.Count(list.String, ",")+1)
		for _, f := range strings.Split(list.String, ",") {
			r, err := strconv.ParseInt(f, 10, 64)
			if err != nil {
				return nil, err
			}
			rows = append(rows, r)
		}
		out[i] = rows
	}
	return out, nil
}

// Stats reads the size and hash of rows.
func (x relatedIndex) Stats(ctx context.Context, rows []int64) (map[int64]search.DocStat, error) {
	return x.db.DocStats(ctx, rows)
}

// computeRelated computes the related reading of document row within lim.
func (db *DB) computeRelated(ctx context.Context, row int64, lim search.RelatedLimits) (*relatedList, error) {
	c := &relatedList{row: row, at: db.Now().Unix()}
	src := search.Source{Row: row}
	var maxRow int64
	bodyRunes := lim.BodyRunes
	if bodyRunes <= 0 {
		bodyRunes = -1 // substr reads to the end
	}
	err := db.read.QueryRowContext(ctx, `SELECT d.title, d.hash, d.size, substr(t.body, 1, ?), (SELECT max(id) FROM documents) FROM documents d JOIN document_texts t USING (id) WHERE d.id = ?`,
		bodyRunes, row).Scan(&src.Title, &src.Hash, &src.Size, &src.Body, &maxRow)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return c, nil
		}
		return nil, err
	}
	c.hash, c.title = src.Hash, src.Title
	if c.RelatedList, err = search.Related(ctx, relatedIndex{db}, src, maxRow, lim); err != nil {
		return nil, err
	}
	return c, nil
}

// relatedWriter stores computed lists in the background, a batch a
// transaction, so that a first view never waits for the writer.
type relatedWriter struct {
	db    *DB
	ch    chan *relatedList
	stop  chan struct{}
	done  chan struct{}
	start sync.Once
	end   sync.Once
}

// queue hands c to the writer, or drops it when the queue is full.
func (w *relatedWriter) queue(c *relatedList) {
	if c == nil || c.hash == "" {
		return
	}
	w.start.Do(func() { go w.loop() })
	select {
	case w.ch <- c:
	default:
	}
}

// close stops the writer once it has stored what was queued.
func (w *relatedWriter) close() {
	w.end.Do(func() {
		started := true
		w.start.Do(func() { started = false })
		close(w.stop)
		if started {
			<-w.done
		}
	})
}

func (w *relatedWriter) loop() {
	defer close(w.done)
	for {
		var batch []*relatedList
		stopping := false
		select {
		case <-w.stop:
			stopping = true
		case c := <-w.ch:
			batch = append(batch, c)
		}
	more:
		for stopping || len(batch) < 64 {
			select {
			case c := <-w.ch:
				batch = append(batch, c)
			default:
				break more
			}
		}
		// A failure (the database closing, a busy writer) drops the
		// batch: each list is computed again on a later view.
		if len(batch) > 0 {
			_ = w.db.storeRelated(context.Background(), batch)
		}
		if stopping {
			return
		}
	}
}

// storeRelated writes computed lists in one transaction, each only if its
// document is unchanged since, and merges each document into the stored
// lists of its related documents where it ranks among their best: a new
// document appears in the lists of older ones.
func (db *DB) storeRelated(ctx context.Context, lists []*relatedList) error {
	tx, err := db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, c := range lists {
		res, err := tx.ExecContext(ctx, `INSERT INTO related_lists (id, list, computed_at)
			SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM documents WHERE id = ? AND hash = ? AND title = ?)
			ON CONFLICT (id) DO UPDATE SET list = excluded.list, computed_at = excluded.computed_at`,
			c.row, formatRelated(c.Entries), c.at, c.row, c.hash, c.title)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue
		}
		for _, e := range c.Entries {
			if err := mergeRelated(ctx, tx, e.Row, search.RelatedEntry{Row: c.row, Score: c.Reverse[e.Row]}, c.at); err != nil {
				return err
			}
		}
	}
	return tx.Commit()
}

// mergeRelated puts e into the stored list of document row if it ranks
// among its relatedStored best.
func mergeRelated(ctx context.Context, tx *Tx, row int64, e search.RelatedEntry, at int64) error {
	var list string
	err := tx.QueryRowContext(ctx, `SELECT list FROM related_lists WHERE id = ?`, row).Scan(&list)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // computed on its first view, with e among the candidates
	}
	if err != nil {
		return err
	}
	entries := parseRelated(list)
	for _, x := range entries {
		if x.Row == e.Row {
			return nil
		}
	}
	if len(entries) >= search.BoundedRelated.Keep && e.Score <= entries[len(entries)-1].Score {
		return nil
	}
	entries = append(entries, e)
	search.SortRelated(entries)
	entries = entries[:min(len(entries), search.BoundedRelated.Keep)]
	_, err = tx.ExecContext(ctx, `UPDATE related_lists SET list = ?, computed_at = max(computed_at, ?) WHERE id = ?`, formatRelated(entries), at, row)
	return err
}

// PrecomputeRelated computes and stores the related reading of the
// published documents that have none, newest first, until every one has a
// list or ctx ends. After each document it sleeps idle times as long as
// the computation took (idle 3: a quarter of one core at most), so that it
// stays in the background. It returns the number of lists stored.
func (db *DB) PrecomputeRelated(ctx context.Context, idle float64) (int, error) {
	next := int64(math.MaxInt64)
	stored := 0
	for {
		rows, err := db.read.QueryContext(ctx, `SELECT d.id FROM documents d WHERE d.id < ? AND d.status = 'published'
			AND NOT EXISTS (SELECT 1 FROM related_lists r WHERE r.id = d.id) ORDER BY d.id DESC LIMIT 32`, next)
		if err != nil {
			return stored, err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return stored, err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return stored, err
		}
		if len(ids) == 0 {
			return stored, nil
		}
		var batch []*relatedList
		for _, id := range ids {
			start := time.Now() // measures the work, to idle in proportion
			c, err := db.computeRelated(ctx, id, search.BoundedRelated)
			if err != nil {
				return stored, err
			}
			batch = append(batch, c)
			if idle > 0 {
				select {
				case <-ctx.Done():
					return stored, ctx.Err()
				case <-time.After(time.Duration(idle * float64(time.Since(start)))):
				}
			}
		}
		if err := db.storeRelated(ctx, batch); err != nil {
			return stored, err
		}
		stored += len(batch)
		next = ids[len(ids)-1]
	}
}
