package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/wengao/wengao/search"
)

// orderedBatch is the number of rows Ordered hands over at a time.
const orderedBatch = 256

// Ordered walks the stored documents in order (search.Store.Ordered),
// each order one index scan.
func (s *Store) Ordered(ctx context.Context, order search.Order, fn func(rows []int64) (bool, error)) error {
	var q string
	switch order {
	case search.OrderSize:
		q = `SELECT id FROM documents ORDER BY size, date DESC, id DESC`
	case search.OrderDate:
		// Only published documents are ever shown: the partial index of
		// the home page serves.
		q = `SELECT id FROM ` + s.dialect.Indexed(`documents`, `documents_published_date`) + ` WHERE status = 'published' ORDER BY date DESC, id DESC`
	case search.OrderReads:
		q = `SELECT id FROM documents ORDER BY reads DESC, id DESC`
	default:
		return fmt.Errorf("%s: unknown order %d", s.dialect.Name(), order)
	}
	rs, err := s.read.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rs.Close()
	batch := make([]int64, 0, orderedBatch)
	for rs.Next() {
		var id int64
		if err := rs.Scan(&id); err != nil {
			return err
		}
		if batch = append(batch, id); len(batch) == orderedBatch {
			more, err := fn(batch)
			if err != nil || !more {
				return err
			}
			batch = batch[:0]
		}
	}
	if err := rs.Err(); err != nil {
		return err
	}
	if len(batch) > 0 {
		_, err = fn(batch)
	}
	return err
}

// Texts returns the documents of rows (search.Store.Texts).
func (s *Store) Texts(ctx context.Context, rows []int64) ([]search.Text, error) {
	args := make([]any, len(rows))
	for i, id := range rows {
		args[i] = id
	}
	rs, err := s.read.QueryContext(ctx, `SELECT id, ext_id, title, date, category, body, plain, reads FROM documents JOIN document_texts USING (id) WHERE id IN (`+Marks(len(rows))+`)`, args...)
	if err != nil {
		return nil, err
	}
	return Collect(rs, func(r RowScanner) (*search.Text, error) {
		t := &search.Text{}
		return t, r.Scan(&t.Row, &t.ID, &t.Title, &t.Date, &t.Category, &t.Body, &t.Plain, &t.Reads)
	})
}

// Marks returns n comma-separated ? placeholders.
func Marks(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}
