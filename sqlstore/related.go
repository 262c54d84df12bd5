package sqlstore

import (
	"context"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/search"
)

// RelatedRefs returns up to n of entries (related reading) that are
// published documents created by computedAt, in the order of entries.
func (s *Store) RelatedRefs(ctx context.Context, entries []search.RelatedEntry, computedAt int64, n int) ([]wengao.DocumentRef, error) {
	refs := []wengao.DocumentRef{}
	if len(entries) == 0 || n <= 0 {
		return refs, nil
	}
	args := make([]any, 0, len(entries)+1)
	for _, e := range entries {
		args = append(args, e.Row)
	}
	args = append(args, computedAt)
	rows, err := s.read.QueryContext(ctx, `SELECT id, ext_id, title, date FROM documents WHERE id IN (`+Marks(len(entries))+`) AND status = 'published' AND created_at <= ?`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byRow := make(map[int64]wengao.DocumentRef, len(entries))
	for rows.Next() {
		var r int64
		var ref wengao.DocumentRef
		if err := rows.Scan(&r, &ref.ID, &ref.Title, &ref.Date); err != nil {
			return nil, err
		}
		byRow[r] = ref
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, e := range entries {
		if ref, ok := byRow[e.Row]; ok && len(refs) < n {
			refs = append(refs, ref)
		}
	}
	return refs, nil
}

// DocStats reads the size and hash of rows, for related reading
// (search.RelatedIndex.Stats).
func (s *Store) DocStats(ctx context.Context, rows []int64) (map[int64]search.DocStat, error) {
	out := make(map[int64]search.DocStat, len(rows))
	for start := 0; start < len(rows); start += 500 {
		part := rows[start:min(start+500, len(rows))]
		args := make([]any, len(part))
		for i, r := range part {
			args[i] = r
		}
		res, err := s.read.QueryContext(ctx, `SELECT id, size, hash FROM documents WHERE id IN (`+Marks(len(part))+`)`, args...)
		if err != nil {
			return nil, err
		}
		for res.Next() {
			var r int64
			var st search.DocStat
			if err := res.Scan(&r, &st.Size, &st.Hash); err != nil {
				res.Close()
				return nil, err
			}
			out[r] = st
		}
		res.Close()
		if err := res.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
