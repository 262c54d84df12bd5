package web_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wengao/wengao/http/web"
)

// sumReads adds up what a recordingReads was given, by document.
func sumReads(s *recordingReads) map[string]int64 {
	out := map[string]int64{}
	for _, r := range s.got {
		out[r.DocumentID] += r.Count
	}
	return out
}

func journalFiles(t *testing.T, journal string) []string {
	t.Helper()
	m, err := filepath.Glob(journal + ".*")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestReadJournalCrash: reads counted (and shown) by a server that dies
// before it flushes them reach the store when the next one starts.
func TestReadJournalCrash(t *testing.T) {
	journal := filepath.Join(t.TempDir(), "reads.journal")
	store := &recordingReads{}
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, web.ChinaTime)
	c := web.NewReadCounter(store)
	c.Journal, c.Now = journal, func() time.Time { return now }
	c.Count("a", "v1")
	c.Count("a", "v2")
	c.Count("b", "v1")
	if err := c.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := journalFiles(t, journal); len(got) != 0 {
		t.Errorf("after a flush the journal holds %v, want nothing", got)
	}
	// Counted and shown, then the process dies: no flush, no Close.
	c.Count("a", "v3")
	c.Count("c", "v1")
	if got := c.Unsaved("a"); got != 1 {
		t.Fatalf("unsaved reads of a = %d, want 1", got)
	}

	after := web.NewReadCounter(store)
	after.Journal = journal
	n, err := after.RecoverJournal(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("recovered %d reads, want 2", n)
	}
	got := sumReads(store)
	for doc, want := range map[string]int64{"a": 3, "b": 1, "c": 1} {
		if got[doc] != want {
			t.Errorf("reads of %s stored = %d, want %d", doc, got[doc], want)
		}
	}
	if got := journalFiles(t, journal); len(got) != 0 {
		t.Errorf("after recovery the journal holds %v, want nothing", got)
	}
	// Nothing left: a second recovery adds nothing.
	if n, err := after.RecoverJournal(context.Background()); n != 0 || err != nil {
		t.Errorf("second recovery: %d, %v; want 0, nil", n, err)
	}
}

// TestReadJournalFailedFlush: a flush that fails keeps the journal; the
// next one that succeeds removes it, and a crash in between loses
// nothing.
func TestReadJournalFailedFlush(t *testing.T) {
	journal := filepath.Join(t.TempDir(), "reads.journal")
	store := &recordingReads{fail: true}
	c := web.NewReadCounter(store)
	c.Journal = journal
	c.Count("a", "v1")
	if err := c.Flush(context.Background()); err == nil {
		t.Fatal("flush: want the store's error")
	}
	c.Count("a", "v2")
	if got := journalFiles(t, journal); len(got) != 2 {
		t.Fatalf("after a failed flush the journal is %v, want two segments", got)
	}
	// A crash now: recovery writes both reads.
	store.fail = false
	rec := web.NewReadCounter(store)
	rec.Journal = journal + "-copy"
	for i, f := range journalFiles(t, journal) {
		b, _ := os.ReadFile(f)
		os.WriteFile(rec.Journal+"."+string(rune('1'+i)), b, 0o600)
	}
	if n, err := rec.RecoverJournal(context.Background()); n != 2 || err != nil {
		t.Errorf("recovery after a failed flush: %d, %v; want 2, nil", n, err)
	}
	// No crash: the next flush writes both and removes the journal.
	store.got = nil
	if err := c.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := sumReads(store)["a"]; got != 2 {
		t.Errorf("reads of a after the retry = %d, want 2", got)
	}
	if got := journalFiles(t, journal); len(got) != 0 {
		t.Errorf("after the retry the journal holds %v, want nothing", got)
	}
}

// TestReadJournalTornLine: a line cut short by the crash is dropped, the
// others are kept.
func TestReadJournalTornLine(t *testing.T) {
	journal := filepath.Join(t.TempDir(), "reads.journal")
	os.WriteFile(journal+".3", []byte("2024-05-01\t\"a\"\n2024-05-01\t\"a\\nb\"\n2024-05-01\t\"a\n2024-05-0"), 0o600)
	store := &recordingReads{}
	c := web.NewReadCounter(store)
	c.Journal = journal
	if n, err := c.RecoverJournal(context.Background()); n != 2 || err != nil {
		t.Errorf("recovered %d, %v; want 2, nil", n, err)
	}
	got := sumReads(store)
	for doc, want := range map[string]int64{"a": 1, "a\nb": 1} {
		if got[doc] != want {
			t.Errorf("reads of %q recovered = %d, want %d", doc, got[doc], want)
		}
	}
}
