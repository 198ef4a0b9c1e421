package repository_test

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"

	"caunoi/repository"
)

// BenchmarkIntakeSerial compares, from one caller, the single-row
// statement (unprepared, as transactions use it) with CreateTicket's batch
// statement (prepared) flushing one row.
func BenchmarkIntakeSerial(b *testing.B) {
	e := newIntakeEnv(b)
	ticket := e.ticket(1)
	ctx := context.Background()
	b.Run("single-row", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := repository.CreateTicketAlone(ctx, e.store, e.cat.Unit.ID, ticket); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("batch-of-one", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.store.CreateTicket(ctx, e.cat.Unit.ID, ticket); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkIntakeCreateTicket measures CreateTicket alone (no HTTP) from 8
// concurrent callers into real PostgreSQL, with 1, 2 and 4 statements
// allowed in flight; rows/flush is the mean batch size.
//
//	go test ./repository/ -run '^$' -bench IntakeCreateTicket -benchmem
func BenchmarkIntakeCreateTicket(b *testing.B) {
	for _, flushes := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("flushes%d", flushes), func(b *testing.B) {
			e := newIntakeEnv(b)
			repository.SetIntakeFlushes(e.store, flushes)
			var rows, flushesN atomic.Int64
			repository.SetIntakeBeforeFlush(e.store, func(n int) { rows.Add(int64(n)); flushesN.Add(1) })
			ticket := e.ticket(1)
			b.ReportAllocs()
			b.ResetTimer()
			b.SetParallelism(max(1, 8/runtime.GOMAXPROCS(0)))
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := e.store.CreateTicket(context.Background(), e.cat.Unit.ID, ticket); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			if f := flushesN.Load(); f > 0 {
				b.ReportMetric(float64(rows.Load())/float64(f), "rows/flush")
			}
		})
	}
}
