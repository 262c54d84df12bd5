package sqlstore

import (
	"context"
	"sort"
	"time"

	"github.com/wengao/wengao"
)

var _ wengao.AbbreviationService = (*Store)(nil)

// Abbreviations returns the entries, by short form, and their version.
// Changes by another process apply within maskCheckEvery.
func (s *Store) Abbreviations(ctx context.Context) ([]wengao.Abbreviation, int64, error) {
	return s.abbrs.get(s.Now(), func() (int64, error) {
		var v int64
		err := s.read.QueryRowContext(ctx, `SELECT v FROM abbreviation_version`).Scan(&v)
		return v, err
	}, func(v int64) ([]wengao.Abbreviation, int64, error) {
		rows, err := s.read.QueryContext(ctx, `SELECT short, "full", created_at FROM abbreviations`)
		if err != nil {
			return nil, 0, err
		}
		list, err := Collect(rows, func(row RowScanner) (*wengao.Abbreviation, error) {
			var a wengao.Abbreviation
			var created int64
			err := row.Scan(&a.Short, &a.Full, &created)
			a.CreatedAt = time.Unix(created, 0).UTC()
			return &a, err
		})
		sort.Slice(list, func(i, j int) bool { return list[i].Short < list[j].Short })
		return list, v, err
	})
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
	tx.OnCommit(s.abbrs.forget)
}
