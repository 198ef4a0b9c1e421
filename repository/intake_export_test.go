package repository

import (
	"context"

	"caunoi/domain"
)

// Test hooks into the intake batcher (intake_batch.go), for the external
// tests of this package.

// SetIntakeCodes makes the Store draw tracking codes from next.
func SetIntakeCodes(s *Store, next func() string) {
	b := s.intake()
	b.q.mu.Lock()
	b.newCode = next
	b.q.mu.Unlock()
}

// SetIntakeBeforeFlush runs hook in the leader before each flush, with the
// number of rows taken.
func SetIntakeBeforeFlush(s *Store, hook func(rows int)) {
	b := s.intake()
	b.q.mu.Lock()
	b.beforeFlush = hook
	b.q.mu.Unlock()
}

// SetIntakeFlushes sets how many statements may be in flight.
func SetIntakeFlushes(s *Store, n int) {
	s.intake().q.setMaxFlushes(n)
}

// IntakeQueued returns how many live calls wait for a flush.
func IntakeQueued(s *Store) int {
	return s.intake().q.live()
}

// CreateTicketAlone stores one ticket with the single-row statement, as the
// callers that hold a transaction do (no batching).
func CreateTicketAlone(ctx context.Context, s *Store, unitID int64, nt domain.NewTicket) (domain.Created, error) {
	cat, err := s.Catalog(ctx, unitID)
	if err != nil {
		return domain.Created{}, err
	}
	return createTicket(ctx, s.db, s.sealer, cat, nt, s.now())
}

// CatalogLoads returns how many catalogs the Store has loaded.
func CatalogLoads(s *Store) int64 { return s.cache.loads.Load() }
