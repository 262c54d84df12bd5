package search

import (
	"strings"
	"sync"
)

// Meta is what search needs of a shown document besides its text: enough
// to filter, facet, sort and rank hits without reading the store.
type Meta struct {
	ID       string // the document's external id
	Title    string
	Date     string
	Category string
	Year     int
	TitleLen int // in runes
	Reads    int64
	Plain    bool
	Size     int // characters of the body
}

// Catalog holds the Meta of every shown document, indexed by the store's
// row id. A store keeps it up to date (Store.Catalog); hidden and deleted
// documents are absent, so that search, facets and related reading never
// show them.
//
// Readers hold the read lock while they call Get or Each; a store holds
// the write lock while it calls Put and Drop.
type Catalog struct {
	sync.RWMutex
	docs  []*Meta // by row id; nil for none
	count int
	// Version is the store's version of the documents the catalog
	// reflects, for the store's own refreshes.
	Version int64
	// gen changes whenever a document enters or leaves the catalog, so
	// that what is cached over the set of shown documents (related
	// reading) can tell it is stale whichever process made the change.
	gen int64
}

// Get returns the Meta of row id, or nil.
func (c *Catalog) Get(id int64) *Meta {
	if id < 0 || id >= int64(len(c.docs)) {
		return nil
	}
	return c.docs[id]
}

// Put sets the Meta of row id.
func (c *Catalog) Put(id int64, m *Meta) {
	for int64(len(c.docs)) <= id {
		c.docs = append(c.docs, nil)
	}
	if c.docs[id] == nil {
		c.count++
		c.gen++
	}
	c.docs[id] = m
}

// Drop removes row id, if present.
func (c *Catalog) Drop(id int64) {
	if c.Get(id) != nil {
		c.docs[id] = nil
		c.count--
		c.gen++
	}
}

// Len returns the number of documents held.
func (c *Catalog) Len() int { return c.count }

// Gen returns a number that changes whenever a document enters or leaves.
func (c *Catalog) Gen() int64 { return c.gen }

// Each calls fn with every document held, in row order.
func (c *Catalog) Each(fn func(id int64, m *Meta)) {
	for id, m := range c.docs {
		if m != nil {
			fn(int64(id), m)
		}
	}
}

// ids returns the row ids of every document held.
func (c *Catalog) ids() []int64 {
	ids := make([]int64, 0, c.count)
	c.Each(func(id int64, _ *Meta) { ids = append(ids, id) })
	return ids
}

// categoryHasPrefix reports whether category is prefix or lies under it:
// "报告" covers "报告/政府工作报告"; a prefix of a level name also counts
// ("法律" covers "法律法规/法律").
func categoryHasPrefix(category, prefix string) bool {
	if strings.HasPrefix(category, prefix) {
		return true
	}
	// Also match a sub-level given alone: "政府工作报告".
	if i := strings.IndexByte(category, '/'); i >= 0 {
		return strings.HasPrefix(category[i+1:], prefix)
	}
	return false
}

// MaxRow returns the highest row id the catalog has held, or 0.
func (c *Catalog) MaxRow() int64 {
	if len(c.docs) == 0 {
		return 0
	}
	return int64(len(c.docs) - 1)
}
