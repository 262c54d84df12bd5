package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/wengao/wengao"
)

// RecordReads adds reads to the daily counts and to each document's
// all-time total in one transaction. The documents touched get a new seq,
// so that the metadata cache (and with it search sorted by reads) sees
// their new totals.
func (s *Store) RecordReads(ctx context.Context, reads []wengao.Read) error {
	type key struct{ id, day string }
	daily := make(map[key]int64, len(reads))
	totals := make(map[string]int64, len(reads))
	for _, r := range reads {
		if _, err := time.Parse(wengao.DayLayout, r.Day); err != nil {
			return wengao.ErrBadDay(r.Day)
		}
		if r.Count < 1 {
			return wengao.ErrBadReadCount(r.Count)
		}
		daily[key{r.DocumentID, r.Day}] += r.Count
		totals[r.DocumentID] += r.Count
	}
	if len(daily) == 0 {
		return nil
	}

	tx, err := s.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var version int64
	if err := tx.QueryRowContext(ctx, `UPDATE doc_version SET v = v + 1 RETURNING v`).Scan(&version); err != nil {
		return err
	}
	addDaily, err := tx.PrepareContext(ctx, `INSERT INTO document_reads_daily (document_id, day, count)
		SELECT id, ?, ? FROM documents WHERE ext_id = ?
		ON CONFLICT (day, document_id) DO UPDATE SET count = document_reads_daily.count + excluded.count`)
	if err != nil {
		return err
	}
	defer addDaily.Close()
	addTotal, err := tx.PrepareContext(ctx, `UPDATE documents SET reads = reads + ?, seq = ? WHERE ext_id = ?`)
	if err != nil {
		return err
	}
	defer addTotal.Close()
	for k, n := range daily {
		if _, err := addDaily.ExecContext(ctx, k.day, n, k.id); err != nil {
			return err
		}
	}
	for id, n := range totals {
		if _, err := addTotal.ExecContext(ctx, n, version, id); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// topAllTimeSQL is the all-time ranking, read from the index
// documents_published_reads in its order.
func (s *Store) topAllTimeSQL() string {
	return `SELECT ext_id, title, date, reads FROM ` + s.dialect.Indexed(`documents`, `documents_published_reads`) + `
	WHERE reads > 0 AND status = 'published' ORDER BY reads DESC, id LIMIT ?`
}

// TopDocuments returns the most read published documents since
// filter.Since: from the daily counts for a period, from the all-time
// totals otherwise.
func (s *Store) TopDocuments(ctx context.Context, filter wengao.RankFilter) ([]wengao.RankedDocument, error) {
	if filter.Limit <= 0 {
		filter.Limit = 10
	}
	var rows *sql.Rows
	var err error
	if filter.Since == "" {
		rows, err = s.read.QueryContext(ctx, s.topAllTimeSQL(), filter.Limit)
	} else {
		if _, perr := time.Parse(wengao.DayLayout, filter.Since); perr != nil {
			return nil, wengao.ErrBadDay(filter.Since)
		}
		rows, err = s.read.QueryContext(ctx, `SELECT d.ext_id, d.title, d.date, r.n FROM
			(SELECT document_id, SUM(count) AS n FROM document_reads_daily WHERE day >= ?
			 AND document_id NOT IN (SELECT id FROM documents WHERE status IN ('hidden', 'deleted'))
			 GROUP BY document_id ORDER BY n DESC, document_id LIMIT ?) r
			JOIN documents d ON d.id = r.document_id ORDER BY r.n DESC, d.id`, filter.Since, filter.Limit)
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []wengao.RankedDocument{}
	for rows.Next() {
		var d wengao.RankedDocument
		if err := rows.Scan(&d.ID, &d.Title, &d.Date, &d.Reads); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
