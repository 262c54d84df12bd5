package search

import (
	"fmt"
	"runtime"
	"testing"
	"unsafe"
)

func catalogMeta(i int) Meta {
	return Meta{
		ID:       fmt.Sprintf("doc-%012x", i),
		Title:    fmt.Sprintf("国务院关于第%d批行政许可事项调整的决定", i),
		Date:     fmt.Sprintf("20%02d-%02d-%02d", i%25, 1+i%12, 1+i%28),
		Category: []string{"法律法规/行政法规", "报告/政府工作报告", "", "通知"}[i%4],
		Year:     2000 + i%25,
		TitleLen: 20 + i%7,
		Reads:    int64(i * 3),
		Plain:    i%3 == 0,
		Size:     1000 + i,
	}
}

// TestCatalogPutGetDrop: what is put is got back field for field, until
// dropped or replaced; Len and Gen follow rows entering and leaving.
func TestCatalogPutGetDrop(t *testing.T) {
	var c Catalog
	for i := range 100 {
		c.Put(int64(i*2), catalogMeta(i))
	}
	if got := c.Len(); got != 100 {
		t.Errorf("Len = %d, want 100", got)
	}
	if got := c.MaxRow(); got != 198 {
		t.Errorf("MaxRow = %d, want 198", got)
	}
	for i := range 100 {
		got, ok := c.Get(int64(i * 2))
		if !ok {
			t.Fatalf("row %d not held", i*2)
		}
		if want := catalogMeta(i); got != want {
			t.Errorf("row %d: got %+v, want %+v", i*2, got, want)
		}
		if _, ok := c.Get(int64(i*2 + 1)); ok {
			t.Errorf("row %d held, never put", i*2+1)
		}
	}
	for _, id := range []int64{-1, 199, 1 << 40} {
		if _, ok := c.Get(id); ok {
			t.Errorf("row %d held", id)
		}
	}
	gen := c.Gen()
	// A new read count is not a new document.
	m := catalogMeta(5)
	m.Reads = 999
	c.Put(10, m)
	if got, _ := c.Get(10); got != m {
		t.Errorf("after a new read count: got %+v, want %+v", got, m)
	}
	if c.Gen() != gen {
		t.Error("Gen changed on a new read count")
	}
	// A new title and category.
	m.Title, m.Category = "新的标题", "新分类/子类"
	c.Put(10, m)
	if got, _ := c.Get(10); got != m {
		t.Errorf("after a new title: got %+v, want %+v", got, m)
	}
	c.Drop(10)
	c.Drop(10)
	c.Drop(11)
	if _, ok := c.Get(10); ok {
		t.Error("row 10 held after Drop")
	}
	if got := c.Len(); got != 99 {
		t.Errorf("Len after Drop = %d, want 99", got)
	}
	if c.Gen() == gen {
		t.Error("Gen unchanged by Drop")
	}
	var rows []int64
	c.Each(func(id int64, m Meta) {
		rows = append(rows, id)
		if want := catalogMeta(int(id / 2)); m != want {
			t.Errorf("Each row %d: got %+v, want %+v", id, m, want)
		}
	})
	if len(rows) != 99 || rows[0] != 0 || rows[98] != 198 {
		t.Errorf("Each gave %d rows from %v", len(rows), rows[:min(3, len(rows))])
	}
}

// TestCatalogStringsOutliveChanges: strings handed out stay what they were
// while their entry is replaced many times over (the arena is compacted
// meanwhile), and the arena does not grow without bound.
func TestCatalogStringsOutliveChanges(t *testing.T) {
	var c Catalog
	c.Put(1, catalogMeta(1))
	first, _ := c.Get(1)
	for i := range 50_000 {
		m := catalogMeta(i)
		c.Put(1, m)
	}
	if want := catalogMeta(1); first != want {
		t.Errorf("a Meta got before the changes now reads %+v, want %+v", first, want)
	}
	if got, want := len(c.arena), 2<<20+200; got > want {
		t.Errorf("arena of %d bytes for one row, want at most %d", got, want)
	}
	last, _ := c.Get(1)
	if want := catalogMeta(49_999); last != want {
		t.Errorf("last: got %+v, want %+v", last, want)
	}
}

// BenchmarkCatalogMemory reports the heap a catalog of 1,000,000
// documents takes (bytes/doc), with titles and ids as in the corpus.
func BenchmarkCatalogMemory(b *testing.B) {
	const n = 1_000_000
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		var c Catalog
		for i := range n {
			c.Put(int64(i+1), catalogMeta(i))
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "heap-bytes/doc")
		runtime.KeepAlive(&c)
	}
}

// TestCatalogCopiesStrings: Put keeps copies, so a store may hand it
// strings over a buffer it reuses (sqlite reads rows as RawBytes).
func TestCatalogCopiesStrings(t *testing.T) {
	var c Catalog
	buf := []byte("doc-1|标题|2024-01-02|新分类")
	view := func(from, to int) string { return unsafe.String(&buf[from], to-from) }
	c.Put(1, Meta{ID: view(0, 5), Title: view(6, 12), Date: view(13, 23), Category: view(24, len(buf))})
	for i := range buf {
		buf[i] = 'x'
	}
	want := Meta{ID: "doc-1", Title: "标题", Date: "2024-01-02", Category: "新分类"}
	if got, _ := c.Get(1); got != want {
		t.Errorf("after the buffer was reused: got %+v, want %+v", got, want)
	}
}
