package sqlstore

import (
	"context"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/wengao/wengao"
)

var _ wengao.MaskService = (*Store)(nil)

// maskCheckEvery is how often the rules' version is read: rules changed
// by another process (wengao mask add) apply within it.
const maskCheckEvery = time.Second

// maskCache holds the rules; search.Maskers builds their Masker.
type maskCache struct {
	mu      sync.Mutex
	checked time.Time
	version int64
	loaded  bool
	rules   []wengao.MaskRule
}

// MaskRules returns the rules, longest word first, and their version.
func (s *Store) MaskRules(ctx context.Context) ([]wengao.MaskRule, int64, error) {
	c := &s.masks
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := s.refreshMasks(ctx); err != nil {
		return nil, 0, err
	}
	return c.rules, c.version, nil
}

// refreshMasks reloads the rules when their version changed, checking at
// most every maskCheckEvery. The caller holds the cache's lock.
func (s *Store) refreshMasks(ctx context.Context) error {
	c := &s.masks
	now := s.Now()
	if c.loaded && now.Sub(c.checked) < maskCheckEvery {
		return nil
	}
	var v int64
	if err := s.read.QueryRowContext(ctx, `SELECT v FROM mask_version`).Scan(&v); err != nil {
		return err
	}
	c.checked = now
	if c.loaded && v == c.version {
		return nil
	}
	rows, err := s.read.QueryContext(ctx, `SELECT word, shown, created_at FROM masks`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var rules []wengao.MaskRule
	for rows.Next() {
		var m wengao.MaskRule
		var created int64
		if err := rows.Scan(&m.Word, &m.Shown, &created); err != nil {
			return err
		}
		m.CreatedAt = time.Unix(created, 0).UTC()
		rules = append(rules, m)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	sortMasks(rules)
	c.rules, c.version, c.loaded = rules, v, true
	return nil
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
// check their version.
func (s *Store) forgetMasksOnCommit(tx *Tx) {
	tx.OnCommit(func() {
		s.masks.mu.Lock()
		s.masks.checked = time.Time{}
		s.masks.mu.Unlock()
	})
}
