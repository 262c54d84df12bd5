package web_test

import (
	"context"
	"errors"
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
