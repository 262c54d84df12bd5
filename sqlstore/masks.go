package sqlstore

import (
	"context"
	"time"
	"unicode/utf8"

	"github.com/wengao/wengao"
)

var _ wengao.MaskService = (*Store)(nil)

// maskCheckEvery is how often the rules' version is read: rules changed
// by another process (wengao mask add) apply within it.
const maskCheckEvery = time.Second

// MaskRules returns the rules, longest word first, and their version.
func (s *Store) MaskRules(ctx context.Context) ([]wengao.MaskRule, int64, error) {
	return s.masks.get(s.Now(), func() (int64, error) {
		var v int64
		err := s.read.QueryRowContext(ctx, `SELECT v FROM mask_version`).Scan(&v)
		return v, err
	}, func(v int64) ([]wengao.MaskRule, int64, error) {
		rows, err := s.read.QueryContext(ctx, `SELECT word, shown, created_at FROM masks`)
		if err != nil {
			return nil, 0, err
		}
		rules, err := Collect(rows, func(row RowScanner) (*wengao.MaskRule, error) {
			var m wengao.MaskRule
			var created int64
			err := row.Scan(&m.Word, &m.Shown, &created)
			m.CreatedAt = time.Unix(created, 0).UTC()
			return &m, err
		})
		sortMasks(rules)
		return rules, v, err
	})
}

// sortMasks orders rules longest word first, then by word.
func sortMasks(rules []wengao.MaskRule) {
	for i := 1; i < len(rules); i++ {
		for j := i; j > 0 && maskLess(rules[j], rules[j-1]); j-- {
			rules[j], rules[j-1] = rules[j-1], rules[j]
		}
	}
}

func maskLess(a, b wengao.MaskRule) bool {
	la, lb := utf8.RuneCountInString(a.Word), utf8.RuneCountInString(b.Word)
	if la != lb {
		return la > lb
	}
	return a.Word < b.Word
}

// AddMask adds or replaces the rule of a word.
func (s *Store) AddMask(ctx context.Context, m wengao.MaskRule) error {
	if err := m.Validate(); err != nil {
		return err
	}
	_, err := ExecAudited(ctx, s, s.forgetMasksOnCommit, `INSERT INTO masks (word, shown, created_at) VALUES (?, ?, ?)
		ON CONFLICT (word) DO UPDATE SET shown = excluded.shown`, m.Word, m.Shown, s.Now().Unix())
	return err
}

// RemoveMask removes the rule of a word.
func (s *Store) RemoveMask(ctx context.Context, word string) error {
	n, err := ExecAudited(ctx, s, s.forgetMasksOnCommit, `DELETE FROM masks WHERE word = ?`, word)
	if err != nil {
		return err
	}
	if n == 0 {
		return wengao.ErrMaskNotFound(word)
	}
	return nil
}

// forgetMasksOnCommit makes the next read of the rules after tx commits
// check their version, here and (through the change log) in the other
// instances that follow it.
func (s *Store) forgetMasksOnCommit(tx *Tx) {
	tx.OnCommit(s.masks.forget)
	tx.changesMasks()
}
