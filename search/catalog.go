package search

import (
	"math"
	"slices"
	"strings"
	"sync"
	"unsafe"
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
// It is compact, as it holds the whole library in memory: a fixed-size
// entry of numbers a row, the strings of every document in one byte arena
// (which the garbage collector does not scan), categories interned. Get
// builds a Meta whose strings point into the arena, which is only ever
// appended to: a string handed out stays valid after the entry changes.
//
// Readers hold the read lock while they call Get or Each; a store holds
// the write lock while it calls Put and Drop.
type Catalog struct {
	sync.RWMutex
	rows  []entry // by row id
	arena []byte  // ID, Title and Date of each entry, one after another
	// garbage is the bytes of the arena no entry refers to any more.
	garbage  int
	cats     []string          // interned categories, by index
	catIndex map[string]uint32 // index of each category in cats
	count    int
	// Version is the store's version of the documents the catalog
	// reflects, for the store's own refreshes.
	Version int64
	// gen changes whenever a document enters or leaves the catalog, so
	// that what is cached over the set of shown documents can tell it is
	// stale whichever process made the change.
	gen int64
	// edits changes whenever a document enters or leaves, or its Meta
	// changes in anything but its read count: what a ranking by
	// relevance or date depends on.
	edits int64
}

// entry is a row of the catalog: 48 bytes and no pointers.
type entry struct {
	off      int64  // of the ID in the arena, Title and Date following
	reads    int64  // reads
	idLen    uint32 // bytes
	titleLen uint32 // bytes
	runes    uint32 // of the title
	size     uint32 // characters of the body
	cat      uint32 // index in cats
	year     uint16
	dateLen  uint8
	flags    uint8 // entryPresent, entryPlain
}

const (
	entryPresent = 1 << iota
	entryPlain
)

// Get returns the Meta of row id and whether the row is held.
func (c *Catalog) Get(id int64) (Meta, bool) {
	if id < 0 || id >= int64(len(c.rows)) || c.rows[id].flags&entryPresent == 0 {
		return Meta{}, false
	}
	return c.meta(&c.rows[id]), true
}

// Has reports whether row id is held.
func (c *Catalog) Has(id int64) bool {
	return id >= 0 && id < int64(len(c.rows)) && c.rows[id].flags&entryPresent != 0
}

func (c *Catalog) meta(e *entry) Meta {
	id := e.off + int64(e.idLen)
	title := id + int64(e.titleLen)
	return Meta{
		ID:       c.str(e.off, id),
		Title:    c.str(id, title),
		Date:     c.str(title, title+int64(e.dateLen)),
		Category: c.cats[e.cat],
		Year:     int(e.year),
		TitleLen: int(e.runes),
		Reads:    e.reads,
		Plain:    e.flags&entryPlain != 0,
		Size:     int(e.size),
	}
}

// str returns arena[from:to] as a string without copying: the bytes are
// never written again (see Catalog).
func (c *Catalog) str(from, to int64) string {
	if from == to {
		return ""
	}
	return unsafe.String(&c.arena[from], int(to-from))
}

// date returns the Date of row id, "" when not held; size its Size.
func (c *Catalog) date(id int64) string {
	if !c.Has(id) {
		return ""
	}
	e := &c.rows[id]
	from := e.off + int64(e.idLen) + int64(e.titleLen)
	return c.str(from, from+int64(e.dateLen))
}

func (c *Catalog) size(id int64) int {
	if !c.Has(id) {
		return 0
	}
	return int(c.rows[id].size)
}

// Put sets the Meta of row id. It keeps copies of m's strings: they need
// not outlive the call.
func (c *Catalog) Put(id int64, m Meta) {
	if id < 0 {
		return
	}
	if id >= int64(len(c.rows)) {
		c.rows = slices.Grow(c.rows, int(id)+1-len(c.rows))[:id+1]
	}
	e := &c.rows[id]
	present := e.flags&entryPresent != 0
	if !present {
		c.count++
		c.gen++
	}
	same := present && c.sameStrings(e, m)
	if !same || !c.sameNumbers(e, m) {
		c.edits++
	}
	// Strings unchanged (a new read count) keep their bytes.
	if !same {
		if present {
			c.garbage += int(e.idLen) + int(e.titleLen) + int(e.dateLen)
		}
		date := m.Date
		if len(date) > math.MaxUint8 {
			date = date[:math.MaxUint8]
		}
		e.off = int64(len(c.arena))
		c.arena = append(append(append(c.arena, m.ID...), m.Title...), date...)
		e.idLen, e.titleLen, e.dateLen = uint32(len(m.ID)), uint32(len(m.Title)), uint8(len(date))
	}
	e.reads = m.Reads
	e.runes = uint32(max(0, m.TitleLen))
	e.size = uint32(min(max(0, m.Size), math.MaxUint32))
	e.year = uint16(min(max(0, m.Year), math.MaxUint16))
	e.cat = c.intern(m.Category)
	e.flags = entryPresent
	if m.Plain {
		e.flags |= entryPlain
	}
	c.compact()
}

// sameStrings reports whether the present entry e holds m's ID, Title and
// Date.
func (c *Catalog) sameStrings(e *entry, m Meta) bool {
	old := c.meta(e)
	return old.ID == m.ID && old.Title == m.Title && old.Date == m.Date
}

// sameNumbers reports whether the present entry e holds m's numbers and
// category (as Put stores them), its read count aside.
func (c *Catalog) sameNumbers(e *entry, m Meta) bool {
	return c.cats[e.cat] == m.Category &&
		e.runes == uint32(max(0, m.TitleLen)) &&
		e.size == uint32(min(max(0, m.Size), math.MaxUint32)) &&
		e.year == uint16(min(max(0, m.Year), math.MaxUint16)) &&
		(e.flags&entryPlain != 0) == m.Plain
}

// intern returns the index of category in c.cats.
func (c *Catalog) intern(category string) uint32 {
	if i, ok := c.catIndex[category]; ok {
		return i
	}
	if c.catIndex == nil {
		c.catIndex = map[string]uint32{}
	}
	i := uint32(len(c.cats))
	category = strings.Clone(category) // the caller's may not last
	c.cats = append(c.cats, category)
	c.catIndex[category] = i
	return i
}

// compact copies the live strings into a new arena once more than half of
// it is garbage. Strings handed out keep the old arena alive as long as
// they are held.
func (c *Catalog) compact() {
	if c.garbage < 1<<20 || c.garbage*2 < len(c.arena) {
		return
	}
	arena := make([]byte, 0, len(c.arena)-c.garbage)
	for i := range c.rows {
		e := &c.rows[i]
		if e.flags&entryPresent == 0 {
			continue
		}
		n := int64(e.idLen) + int64(e.titleLen) + int64(e.dateLen)
		off := int64(len(arena))
		arena = append(arena, c.arena[e.off:e.off+n]...)
		e.off = off
	}
	c.arena, c.garbage = arena, 0
}

// Drop removes row id, if present.
func (c *Catalog) Drop(id int64) {
	if !c.Has(id) {
		return
	}
	e := &c.rows[id]
	c.garbage += int(e.idLen) + int(e.titleLen) + int(e.dateLen)
	*e = entry{}
	c.count--
	c.gen++
	c.edits++
	c.compact()
}

// Len returns the number of documents held.
func (c *Catalog) Len() int { return c.count }

// Gen returns a number that changes whenever a document enters or leaves.
func (c *Catalog) Gen() int64 { return c.gen }

// Edits returns a number that changes whenever a document enters or
// leaves, or its Meta changes in anything but its read count.
func (c *Catalog) Edits() int64 { return c.edits }

// Each calls fn with every document held, in row order.
func (c *Catalog) Each(fn func(id int64, m Meta)) {
	for id := range c.rows {
		if e := &c.rows[id]; e.flags&entryPresent != 0 {
			fn(int64(id), c.meta(e))
		}
	}
}

// ids returns the row ids of every document held.
func (c *Catalog) ids() []int64 {
	ids := make([]int64, 0, c.count)
	for id := range c.rows {
		if c.rows[id].flags&entryPresent != 0 {
			ids = append(ids, int64(id))
		}
	}
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
	if len(c.rows) == 0 {
		return 0
	}
	return int64(len(c.rows) - 1)
}
