package postgres_test

import (
	"context"
	"database/sql"
	"sync/atomic"
	"testing"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/postgres/pgtest"
	"github.com/wengao/wengao/sqlstore/storetest"
)

// BenchmarkWriteLock measures what the write lock adds to a small write
// transaction (BEGIN, UPDATE one row, COMMIT), one writer at a time.
func BenchmarkWriteLock(b *testing.B) {
	url := pgtest.NewDatabase(b)
	mustOpen(b, url) // the schema
	db, err := sql.Open("pgx", url)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	for _, bb := range []struct {
		name string
		lock bool
	}{{"without", false}, {"with", true}} {
		b.Run(bb.name, func(b *testing.B) {
			for b.Loop() {
				tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
				if err != nil {
					b.Fatal(err)
				}
				if bb.lock {
					if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(1)`); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := tx.ExecContext(ctx, `UPDATE mask_version SET v = v + 1`); err != nil {
					b.Fatal(err)
				}
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGrant measures a ledger write (Grant) on two instances at once,
// from many goroutines: the rate at which serialised writers get through.
func BenchmarkGrant(b *testing.B) {
	url := pgtest.NewDatabase(b)
	a, other := mustOpen(b, url), mustOpen(b, url)
	u := storetest.MustCreateUser(b, a, "alice", 0)
	ctx := context.Background()
	var n atomic.Int32
	b.RunParallel(func(pb *testing.PB) {
		s := a
		if n.Add(1)%2 == 0 {
			s = other
		}
		for pb.Next() {
			if err := s.Grant(ctx, &wengao.LedgerEntry{UserID: u.ID, Kind: wengao.KindRefund, Amount: 1}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkInstances: see storetest.BenchmarkInstances.
func BenchmarkInstances(b *testing.B) {
	storetest.BenchmarkInstances(b, mustOpen(b, pgtest.NewDatabase(b)).Store)
}
