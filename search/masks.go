package search

import (
	"context"
	"sync"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/chinese"
)

// MaskRuleSource gives the display masking rules and their version (see
// wengao.MaskService).
type MaskRuleSource interface {
	MaskRules(ctx context.Context) ([]wengao.MaskRule, int64, error)
}

// Maskers keeps the Masker of the current display masking rules, built
// once per version of the rules. Search (query variants, hits) and the
// site (pages, documents) take their Masker from one Maskers, so both
// show words alike.
type Maskers struct {
	rules MaskRuleSource

	mu      sync.Mutex
	version int64
	loaded  bool
	masker  *chinese.Masker
}

// NewMaskers returns the Maskers of the rules of src.
func NewMaskers(src MaskRuleSource) *Maskers {
	return &Maskers{rules: src}
}

// Masker returns the Masker of the current rules (nil when there are
// none) and their version. When the rules cannot be read it returns the
// last Masker and version with the error.
func (c *Maskers) Masker(ctx context.Context) (*chinese.Masker, int64, error) {
	if c == nil || c.rules == nil {
		return nil, 0, nil
	}
	rules, v, err := c.rules.MaskRules(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		return c.masker, c.version, err
	}
	if !c.loaded || v != c.version {
		c.masker, c.version, c.loaded = chinese.NewMasker(rules), v, true
	}
	return c.masker, c.version, nil
}
