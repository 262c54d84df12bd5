package sqlstore

import (
	"context"
	"sync"

	"github.com/wengao/wengao/search"
)

// docFreqsMax is how many document frequencies a DocFreqs holds before it
// starts again, bounding its memory (some 40 MB).
const docFreqsMax = 500_000

// DocFreqs caches the document frequencies of index tokens, and the
// number of stored documents, while the catalog's documents are
// unchanged (search.Catalog's Gen and Edits; read counts do not move
// them): counting a token's documents reads its whole list in either
// engine's index (FTS5's vocabulary table, a GIN index), and counting the
// documents reads the table. Each engine's search store keeps one.
type DocFreqs struct {
	mu         sync.Mutex
	gen, edits int64
	total      int
	counts     map[string]int // index name + token → documents
}

// Get returns the documents holding each token in the named index and
// the number of documents stored, asking count and lookup for what is
// not cached. lookup returns the counts of the tokens it was given (a
// token it leaves out holds no document). cat is the store's catalog,
// brought up to date by the caller.
func (c *DocFreqs) Get(ctx context.Context, cat *search.Catalog, index string, tokens []string,
	count func(context.Context) (int, error),
	lookup func(ctx context.Context, tokens []string) (map[string]int, error)) (map[string]int, int, error) {
	cat.RLock()
	gen, edits := cat.Gen(), cat.Edits()
	cat.RUnlock()

	c.mu.Lock()
	if c.counts == nil || c.gen != gen || c.edits != edits || len(c.counts) > docFreqsMax {
		c.counts, c.gen, c.edits, c.total = map[string]int{}, gen, edits, -1
	}
	total := c.total
	df := make(map[string]int, len(tokens))
	var missing []string
	for _, t := range tokens {
		if n, ok := c.counts[index+t]; ok {
			df[t] = n
		} else {
			missing = append(missing, t)
		}
	}
	c.mu.Unlock()

	if total < 0 {
		var err error
		if total, err = count(ctx); err != nil {
			return nil, 0, err
		}
	}
	var found map[string]int
	if len(missing) > 0 {
		var err error
		if found, err = lookup(ctx, missing); err != nil {
			return nil, 0, err
		}
		for t, n := range found {
			df[t] = n
		}
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen == gen && c.edits == edits {
		c.total = total
		for _, t := range missing {
			c.counts[index+t] = found[t]
		}
	}
	return df, total, nil
}
