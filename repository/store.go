package repository

import (
	"context"
	"time"

	"caunoi/domain"

	"github.com/jmoiron/sqlx"
)

// Store is Cầu Nối's data in PostgreSQL. Methods that write are one
// transaction; reference data (units, departments, categories, rules,
// holidays) is cached and refreshed when config_version moves.
type Store struct {
	db    *sqlx.DB
	now   func() time.Time
	cache *catalogCache
	// batcher coalesces concurrent intakes into one statement and commit
	batcher *intakeBatcher
	// inbound stores concurrent webhook messages in one transaction and commit
	inbound *inboundBatcher
	// sealer seals denouncers' identities (nil: none can be stored)
	sealer Sealer
	// replyRoute says which outbox kind answers a ticket of a channel
	// (nil: every reply is shown on the tracking page only)
	replyRoute ReplyRoutes
}

// ReplyRoutes returns the outbox kind that answers a ticket of channel ch on
// its platform ("" for none) and the platform's reply window (0: none):
// channels.Registry.ReplyRoute.
type ReplyRoutes func(ch domain.Channel) (kind string, window time.Duration)

// WithReplyRoutes gives the store the platforms' reply routes, so that a
// reply to a ticket from a platform is queued for sending there.
func WithReplyRoutes(r ReplyRoutes) StoreOption {
	return func(s *Store) { s.replyRoute = r }
}

// route returns the outbox kind and reply window of a ticket of channel ch.
func (s *Store) route(ch domain.Channel) (string, time.Duration) {
	if s.replyRoute == nil {
		return "", 0
	}
	return s.replyRoute(ch)
}

// NewStore returns a Store over db. now is the clock (time.Now when nil).
func NewStore(db *sqlx.DB, now func() time.Time, opts ...StoreOption) *Store {
	if now == nil {
		now = time.Now
	}
	s := &Store{db: db, now: now, cache: newCatalogCache(), batcher: newIntakeBatcher(db)}
	for _, o := range opts {
		o(s)
	}
	s.inbound = newInboundBatcher(s)
	return s
}

// DB returns the connection pool (for jobs and tools that compose queries).
func (s *Store) DB() *sqlx.DB { return s.db }

// Now returns the store's clock reading.
func (s *Store) Now() time.Time { return s.now() }

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error { return Ping(ctx, s.db) }
