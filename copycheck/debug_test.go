package copycheck

import (
	"context"
	"math/rand"
	"testing"
)

func TestDebugMisses(t *testing.T) {
	rng := rand.New(rand.NewSource(17))
	c, _, lib, held := corpusLibrary(t, rng, 0)
	drafts, truths, _ := buildDrafts(rng, 4, lib, held, nil)
	shown := 0
	for d, text := range drafts {
		r, _ := c.CheckDraft(context.Background(), text)
		for _, tr := range truths[d] {
			if sourceFound(r.Passages, tr) || !c.distinctive(tr.keys) {
				continue
			}
			piece := runeSlice(text, tr.start, tr.end)
			alone, _ := c.CheckDraft(context.Background(), piece)
			t.Logf("miss %q alone: %d passages", piece, len(alone.Passages))
			for _, p := range r.Passages {
				if p.Start < tr.end && p.End > tr.start {
					t.Logf("   overlapping %d-%d (truth %d-%d) %s %q", p.Start, p.End, tr.start, tr.end, p.DocumentID, p.Source)
				}
			}
			shown++
			if shown > 20 {
				return
			}
		}
	}
}
