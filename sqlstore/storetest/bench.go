package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/sqlstore"
)

// BenchmarkInstances measures what sharing an instance's memory through
// the store costs, on s (an empty library): a write transaction with and
// without its change-log row, a follower's poll that finds nothing, a
// rate-limit hit, and a flush's visitor check of 100 reads.
func BenchmarkInstances(b *testing.B, s *sqlstore.Store) {
	ctx := context.Background()
	for _, logged := range []bool{false, true} {
		b.Run(fmt.Sprintf("WriteTx/logged=%t", logged), func(b *testing.B) {
			for b.Loop() {
				tx, err := s.BeginTx(ctx)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := tx.ExecContext(ctx, `UPDATE mask_version SET v = v + 1`); err != nil {
					b.Fatal(err)
				}
				if logged {
					tx.Changed(wengao.ChangeDocuments, "d1")
				}
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("PollIdle", func(b *testing.B) {
		if err := s.PollChanges(ctx); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if err := s.PollChanges(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("HitRate", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			if _, _, _, err := s.HitRate(ctx, fmt.Sprintf("login:i:10.0.%d.%d", i/250%250, i%250), 15*time.Minute, time.Now()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("FirstReads100", func(b *testing.B) {
		reads := make([]wengao.VisitorRead, 100)
		i := 0
		for b.Loop() {
			for j := range reads {
				i++
				reads[j] = wengao.VisitorRead{DocumentID: fmt.Sprintf("d%d", i%1000), Day: "2026-03-01", Keys: []string{fmt.Sprintf("c:%d", i)}}
			}
			if _, err := s.FirstReads(ctx, reads); err != nil {
				b.Fatal(err)
			}
		}
	})
}
