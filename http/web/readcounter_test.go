package web_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/http/web"
)

// recordingReads is a ReadService that keeps what it is given, and fails
// while fail is set.
type recordingReads struct {
	wengao.ReadService
	got  []wengao.Read
	fail bool
}

func (s *recordingReads) RecordReads(_ context.Context, reads []wengao.Read) error {
	if s.fail {
		return errors.New("disk full")
	}
	s.got = append(s.got, reads...)
	return nil
}

func TestReadCounterDays(t *testing.T) {
	store := &recordingReads{}
	c := web.NewReadCounter(store)
	now := time.Date(2024, 5, 1, 23, 59, 0, 0, web.ChinaTime)
	c.Now = func() time.Time { return now }

	if !c.Count("a", "visitor-1") || c.Count("a", "visitor-1") {
		t.Fatal("a visitor counts once a day")
	}
	if !c.Count("b", "visitor-1") || !c.Count("a", "visitor-2") {
		t.Fatal("another document or another visitor counts")
	}
	// A first visit is known by two keys; either one seen is enough.
	if c.Count("a", "h:visitor-2-address", "visitor-2") {
		t.Fatal("a visitor known by one of its keys counted again")
	}
	if c.Count("a", "h:visitor-2-address") {
		t.Fatal("the other key of a first visit is remembered too")
	}
	// Midnight in China, not in UTC.
	now = now.Add(2 * time.Minute)
	if !c.Count("a", "visitor-1") {
		t.Fatal("a new day counts again")
	}
	if got := c.Unsaved("a"); got != 3 {
		t.Fatalf("unsaved reads of a = %d", got)
	}

	store.fail = true
	if err := c.Flush(context.Background()); err == nil {
		t.Fatal("a failed flush reports its error")
	}
	if got := c.Unsaved("a"); got != 3 {
		t.Fatalf("after a failed flush unsaved = %d, want 3 kept", got)
	}
	store.fail = false
	before := c.Flushes("a")
	if err := c.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := c.Unsaved("a"); got != 0 {
		t.Errorf("after the flush: c.Unsaved(\"a\") = %v, want %v", got, 0)
	}
	if c.Flushes("a") == before {
		t.Errorf("after the flush: unsaved %d, flushes %d → %d (want not c.Flushes(\"a\") == before)", c.Unsaved("a"), before, c.Flushes("a"))
	}
	sort.Slice(store.got, func(i, j int) bool {
		return store.got[i].DocumentID+store.got[i].Day < store.got[j].DocumentID+store.got[j].Day
	})
	want := []wengao.Read{{DocumentID: "a", Day: "2024-05-01", Count: 2}, {DocumentID: "a", Day: "2024-05-02", Count: 1}, {DocumentID: "b", Day: "2024-05-01", Count: 1}}
	if len(store.got) != len(want) {
		t.Fatalf("written %+v, want %+v", store.got, want)
	}
	for i := range want {
		if store.got[i] != want[i] {
			t.Errorf("written %+v, want %+v", store.got[i], want[i])
		}
	}
}

// nopVisitors is a VisitorReads that finds every read first.
type nopVisitors struct{}

func (nopVisitors) FirstReads(_ context.Context, reads []wengao.VisitorRead) ([]bool, error) {
	first := make([]bool, len(reads))
	for i := range first {
		first[i] = true
	}
	return first, nil
}

// BenchmarkReadCounterCount counts reads by new visitors (each counted),
// flushing every 10,000, without and with the shared visitor check.
func BenchmarkReadCounterCount(b *testing.B) {
	for _, shared := range []bool{false, true} {
		b.Run(fmt.Sprintf("shared=%t", shared), func(b *testing.B) {
			c := web.NewReadCounter(&recordingReads{})
			if shared {
				c.Visitors = nopVisitors{}
			}
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				i++
				c.Count(fmt.Sprintf("d%d", i%100), fmt.Sprintf("c:%d", i))
				if i%10000 == 0 {
					if err := c.Flush(context.Background()); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// sharedVisitors is a VisitorReads over one map, as instances share a
// store.
type sharedVisitors struct{ seen map[string]bool }

func (s *sharedVisitors) FirstReads(_ context.Context, reads []wengao.VisitorRead) ([]bool, error) {
	first := make([]bool, len(reads))
	for i, r := range reads {
		first[i] = true
		for _, k := range r.Keys {
			key := r.Day + "\x00" + r.DocumentID + "\x00" + k
			if s.seen[key] {
				first[i] = false
			}
			s.seen[key] = true
		}
	}
	return first, nil
}

// TestReadCounterSharedVisitors: two counters (two instances) sharing
// their visitors write a visitor's read once; a failed check keeps the
// reads for the next flush; a failed write after the check keeps the
// counted ones.
func TestReadCounterSharedVisitors(t *testing.T) {
	ctx := context.Background()
	shared := &sharedVisitors{seen: map[string]bool{}}
	store := &recordingReads{}
	var cs []*web.ReadCounter
	for range 2 {
		c := web.NewReadCounter(store)
		c.Visitors = shared
		cs = append(cs, c)
	}
	cs[0].Count("a", "c:v1")
	cs[1].Count("a", "c:v1")
	cs[1].Count("a", "c:v2")
	for _, c := range cs {
		if err := c.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	var total int64
	for _, r := range store.got {
		total += r.Count
	}
	if total != 2 {
		t.Errorf("reads of a written: %d (%+v), want 2: v1 once, v2 once", total, store.got)
	}
	for i, c := range cs {
		if n := c.Unsaved("a"); n != 0 {
			t.Errorf("counter %d: %d unsaved reads of a after the flush, want 0", i, n)
		}
	}
	// The write fails after the check: the read stays pending, and is
	// written by the next flush though its visitor is now recorded.
	store.got = nil
	store.fail = true
	cs[0].Count("b", "c:v3")
	if err := cs[0].Flush(ctx); err == nil {
		t.Fatal("a failed write reports its error")
	}
	store.fail = false
	if err := cs[0].Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if len(store.got) != 1 || store.got[0].Count != 1 {
		t.Errorf("after a failed write then a good one: wrote %+v, want b once", store.got)
	}
}
