package storetest

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/wengao/wengao"
)

// feedWithin is how soon a change made on one instance must reach the
// subscribers of another (issue 14).
const feedWithin = 2 * time.Second

// recorder keeps the changes a store's subscribers are told of.
type recorder struct {
	mu  sync.Mutex
	got []wengao.Change
}

func record(s wengao.ChangeNotifier) *recorder {
	r := &recorder{}
	s.OnChange(func(c wengao.Change) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.got = append(r.got, c)
	})
	return r
}

func (r *recorder) kinds() []wengao.ChangeKind {
	r.mu.Lock()
	defer r.mu.Unlock()
	var k []wengao.ChangeKind
	for _, c := range r.got {
		k = append(k, c.Kind)
	}
	return k
}

// waitFor waits up to d for the recorder to hold n changes, and returns
// how long that took and whether it did.
func (r *recorder) waitFor(n int, d time.Duration) (time.Duration, bool) {
	start := time.Now()
	for time.Since(start) < d {
		if len(r.kinds()) >= n {
			return time.Since(start), true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return time.Since(start), len(r.kinds()) >= n
}

// testChangeFeedTwoInstances: with both instances following the change
// log at its default interval, a change committed on A reaches B's
// subscribers within two seconds, each change once, and A's subscribers
// hear their own change once (at commit), not again from the log.
func testChangeFeedTwoInstances(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t)
	b := a.Reopen(t)
	for _, s := range []Store{a, b} {
		s.FollowChanges(0)
		t.Cleanup(s.StopFollowing)
	}
	ra, rb := record(a), record(b)
	// Let both followers note where the log ends.
	time.Sleep(100 * time.Millisecond)
	st := wengao.DefaultSettings()
	st.SignupBonus = 77
	if err := a.SaveSettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	took, ok := rb.waitFor(1, feedWithin)
	if !ok {
		t.Fatalf("B told of nothing %v after A saved the settings", took)
	}
	t.Logf("A's change reached B's subscriber after %v", took)
	// B's settings cache was dropped: it reads A's value at once.
	if got, _, err := b.LoadSettings(ctx); err != nil {
		t.Fatal(err)
	} else if got.SignupBonus != 77 {
		t.Errorf("B's sign-up bonus %d after being told, want 77", got.SignupBonus)
	}
	for _, short := range []string{"两办", "中办"} {
		if err := a.AddAbbreviation(ctx, wengao.Abbreviation{Short: short, Full: "中共中央办公厅"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := rb.waitFor(3, feedWithin); !ok {
		t.Fatalf("B told %v, want 3 changes", rb.kinds())
	}
	// Two more polls of both followers: nothing is told twice.
	time.Sleep(1100 * time.Millisecond)
	want := []wengao.ChangeKind{wengao.ChangeSettings, wengao.ChangeSettings, wengao.ChangeSettings}
	if got := rb.kinds(); !slices.Equal(got, want) {
		t.Errorf("B told %v, want %v", got, want)
	}
	if got := ra.kinds(); !slices.Equal(got, want) {
		t.Errorf("A told %v, want %v (its own changes once)", got, want)
	}
	// And the other way.
	if err := b.SaveSettings(ctx, wengao.DefaultSettings()); err != nil {
		t.Fatal(err)
	}
	if _, ok := ra.waitFor(4, feedWithin); !ok {
		t.Errorf("A told %v after B saved, want 4 changes", ra.kinds())
	}
}

// testChangeFeedMasks: a masking rule added on A applies on B as soon as
// B's follower reads the log, before B's own version check is due.
func testChangeFeedMasks(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t)
	b := a.Reopen(t)
	if err := b.PollChanges(ctx); err != nil {
		t.Fatal(err)
	}
	if rules, _, err := b.MaskRules(ctx); err != nil {
		t.Fatal(err)
	} else if len(rules) != 0 {
		t.Fatalf("B's rules %v, want none", rules)
	}
	if err := a.AddMask(ctx, wengao.MaskRule{Word: "机密", Shown: "**"}); err != nil {
		t.Fatal(err)
	}
	// B's clock stands still: without the log its cache would hold.
	if err := b.PollChanges(ctx); err != nil {
		t.Fatal(err)
	}
	if rules, _, err := b.MaskRules(ctx); err != nil {
		t.Fatal(err)
	} else if len(rules) != 1 {
		t.Errorf("B's rules %v after polling, want A's one", rules)
	}
}

// testChangeFeedBehind: a follower that stopped while the rows it had
// not read were pruned tells its subscribers that everything changed,
// once, then follows again.
func testChangeFeedBehind(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t)
	b := a.Reopen(t)
	if err := b.PollChanges(ctx); err != nil {
		t.Fatal(err)
	}
	rb := record(b)
	if err := a.SaveSettings(ctx, wengao.DefaultSettings()); err != nil {
		t.Fatal(err)
	}
	// Past the log's keeping time, enough rows that A prunes the first.
	a.Clock.Advance(2 * time.Hour)
	for range 70 {
		if err := a.SaveSettings(ctx, wengao.DefaultSettings()); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.PollChanges(ctx); err != nil {
		t.Fatal(err)
	}
	rb.mu.Lock()
	got := slices.Clone(rb.got)
	rb.got = nil
	rb.mu.Unlock()
	want := []wengao.Change{{Kind: wengao.ChangeDocuments}, {Kind: wengao.ChangeSettings}}
	if !slices.EqualFunc(got, want, func(x, y wengao.Change) bool { return x.Kind == y.Kind && len(x.DocumentIDs) == len(y.DocumentIDs) }) {
		t.Fatalf("B behind the pruning told %+v, want everything changed: %+v", got, want)
	}
	if err := a.SaveSettings(ctx, wengao.DefaultSettings()); err != nil {
		t.Fatal(err)
	}
	if err := b.PollChanges(ctx); err != nil {
		t.Fatal(err)
	}
	if got, want := rb.kinds(), []wengao.ChangeKind{wengao.ChangeSettings}; !slices.Equal(got, want) {
		t.Errorf("B caught up, then told %v, want %v", got, want)
	}
}
