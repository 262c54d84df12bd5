package sqlstore

import (
	"context"
	"testing"

	"github.com/wengao/wengao/search"
)

// DocFreqs asks the index once per token while the documents are
// unchanged, read counts aside, and again once a document changed.
func TestDocFreqsCached(t *testing.T) {
	ctx := context.Background()
	var cat search.Catalog
	cat.Put(1, search.Meta{ID: "a", Title: "甲", Size: 10})
	var c DocFreqs
	counts, lookups := 0, 0
	get := func(tokens ...string) (map[string]int, int) {
		t.Helper()
		df, total, err := c.Get(ctx, &cat, "body", tokens, func(context.Context) (int, error) {
			counts++
			return 7, nil
		}, func(_ context.Context, missing []string) (map[string]int, error) {
			lookups += len(missing)
			return map[string]int{"ab": 3}, nil // "cd" holds no document
		})
		if err != nil {
			t.Fatal(err)
		}
		return df, total
	}
	df, total := get("ab", "cd")
	if df["ab"] != 3 || df["cd"] != 0 || total != 7 {
		t.Fatalf("df %v total %d, want ab 3, cd 0, total 7", df, total)
	}
	get("ab", "cd")
	if counts != 1 || lookups != 2 {
		t.Errorf("asked again: %d counts, %d token lookups, want 1 and 2 (cached)", counts, lookups)
	}
	cat.Put(1, search.Meta{ID: "a", Title: "甲", Size: 10, Reads: 5})
	get("ab")
	if counts != 1 || lookups != 2 {
		t.Errorf("after a read count: %d counts, %d token lookups, want 1 and 2 (cached)", counts, lookups)
	}
	cat.Put(2, search.Meta{ID: "b", Title: "乙", Size: 20})
	get("ab")
	if counts != 2 || lookups != 3 {
		t.Errorf("after a document was added: %d counts, %d token lookups, want 2 and 3 (asked anew)", counts, lookups)
	}
}
