package repository

import (
	"context"

	"github.com/jmoiron/sqlx"

	"caunoi/domain"
)

// Test hooks into the inbound batcher (inbound_batch.go), for the external
// tests of this package.

// SetInboundBeforeFlush runs hook in each flush before its transaction,
// with the number of messages taken.
func SetInboundBeforeFlush(s *Store, hook func(rows int)) {
	b := s.inbound
	b.q.mu.Lock()
	b.beforeFlush = hook
	b.q.mu.Unlock()
}

// SetInboundFlushes sets how many transactions may be in flight.
func SetInboundFlushes(s *Store, n int) {
	s.inbound.q.setMaxFlushes(n)
}

// InboundQueued returns how many live calls wait for a flush.
func InboundQueued(s *Store) int {
	return s.inbound.q.live()
}

// InboundStoredFirst returns how many messages the flushes' first insert
// (one statement for the usual new tickets) stored.
func InboundStoredFirst(s *Store) int { return int(s.inbound.storedFirst.Load()) }

// ExpireInboundAccounts makes every cached channel account too old to use.
func ExpireInboundAccounts(s *Store) {
	c := s.inbound.accounts
	c.mu.Lock()
	for k, e := range c.byKey {
		e.readAt = e.readAt.Add(-c.maxAge)
		c.byKey[k] = e
	}
	c.mu.Unlock()
}

// StoreInboundIn stores a message as a store of its own does, in tx, which
// then holds the sender's lock until it ends.
func StoreInboundIn(ctx context.Context, s *Store, tx *sqlx.Tx, acc domain.ChannelAccount, in domain.Inbound) (domain.InboundResult, error) {
	cat, err := s.Catalog(ctx, acc.UnitID)
	if err != nil {
		return domain.InboundResult{}, err
	}
	return s.storeMessage(ctx, tx, cat, acc, in, s.now())
}
