package sqlstore

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/wengao/wengao"
)

var _ wengao.AbbreviationService = (*Store)(nil)

// abbreviationCache holds the operator's abbreviations; search builds its
// equivalences from them when their version changes.
type abbreviationCache struct {
	mu      sync.Mutex
	checked time.Time
	version int64
	loaded  bool
	list    []wengao.Abbreviation
}

// Abbreviations returns the entries, by short form, and their version.
// Changes by another process apply within maskCheckEvery.
func (s *Store) Abbreviations(ctx context.Context) ([]wengao.Abbreviation, int64, error) {
	c := &s.abbrs
	c.mu.Lock()
	defer c.mu.Unlock()
	now := s.Now()
	if c.loaded && now.Sub(c.checked) < maskCheckEvery {
		return c.list, c.version, nil
	}
	var v int64
	if err := s.read.QueryRowContext(ctx, `SELECT v FROM abbreviation_version`).Scan(&v); err != nil {
		return nil, 0, err
	}
	c.checked = now
	if c.loaded && v == c.version {
		return c.list, c.version, nil
	}
	rows, err := s.read.QueryContext(ctx, `SELECT short, "full", created_at FROM abbreviations`)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var list []wengao.Abbreviation
	for rows.Next() {
		var a wengao.Abbreviation
		var created int64
		if err := rows.Scan(&a.Short, &a.Full, &created); err != nil {
			return nil, 0, err
		}
		a.CreatedAt = time.Unix(created, 0).UTC()
		list = append(list, a)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Short < list[j].Short })
	c.list, c.version, c.loaded = list, v, true
	return c.list, c.version, nil
}

// AddAbbreviation adds an entry or replaces the full form of its short
// form.
func (s *Store) AddAbbreviation(ctx context.Context, a wengao.Abbreviation) error {
	if err := a.Validate(); err != nil {
		return err
	}
	_, err := ExecAudited(ctx, s, s.forgetAbbreviationsOnCommit, `INSERT INTO abbreviations (short, "full", created_at) VALUES (?, ?, ?)
		ON CONFLICT (short) DO UPDATE SET "full" = excluded."full"`, a.Short, a.Full, s.Now().Unix())
	return err
}

// RemoveAbbreviation removes the entry of a short form.
func (s *Store) RemoveAbbreviation(ctx context.Context, short string) error {
	n, err := ExecAudited(ctx, s, s.forgetAbbreviationsOnCommit, `DELETE FROM abbreviations WHERE short = ?`, short)
	if err != nil {
		return err
	}
	if n == 0 {
		return wengao.ErrAbbreviationNotFound(short)
	}
	return nil
}

// forgetAbbreviationsOnCommit makes the next read of the entries after tx
// commits check their version, and tells subscribers of a change of
// settings (pages of search results found with the old entries go).
func (s *Store) forgetAbbreviationsOnCommit(tx *Tx) {
	tx.Changed(wengao.ChangeSettings)
	tx.OnCommit(func() {
		s.abbrs.mu.Lock()
		s.abbrs.checked = time.Time{}
		s.abbrs.mu.Unlock()
	})
}
