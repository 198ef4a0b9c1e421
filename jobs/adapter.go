package jobs

import (
	"context"
	"encoding/json"
	"time"
)

// outboxItemLayout is every struct type with OutboxItem's fields (names,
// types, order, no tags), such as repository.OutboxItem: each converts to
// OutboxItem as is. A store whose item type drifts from it stops compiling
// where it is wired, not at run time.
type outboxItemLayout interface {
	~struct {
		ID        int64
		Kind      string
		TicketID  *int64
		EventID   *int64
		Payload   json.RawMessage
		Attempt   int
		CreatedAt time.Time
		LastError string
	}
}

// OutboxSource is an outbox store whose claim returns its own item type T
// (repository.Store returns repository.OutboxItem).
type OutboxSource[T outboxItemLayout] interface {
	ClaimOutbox(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]T, error)
	MarkOutboxSent(ctx context.Context, id int64, attempt int, now time.Time) error
	MarkOutboxRetry(ctx context.Context, id int64, attempt int, next time.Time, errText string) error
	MarkOutboxFailed(ctx context.Context, id int64, attempt int, now time.Time, errText string) error
}

// AdaptOutboxStore returns s as an OutboxStore, converting its claimed items
// to OutboxItem; errors pass through unchanged. With a *repository.Store:
//
//	w := &jobs.OutboxWorker{Store: jobs.AdaptOutboxStore(store), ...}
func AdaptOutboxStore[T outboxItemLayout](s OutboxSource[T]) OutboxStore {
	return outboxAdapter[T]{s}
}

type outboxAdapter[T outboxItemLayout] struct{ OutboxSource[T] }

func (a outboxAdapter[T]) ClaimOutbox(ctx context.Context, now time.Time, limit int,
	lease time.Duration) ([]OutboxItem, error) {
	got, err := a.OutboxSource.ClaimOutbox(ctx, now, limit, lease)
	if err != nil {
		return nil, err
	}
	items := make([]OutboxItem, len(got))
	for i, it := range got {
		items[i] = OutboxItem(it)
	}
	return items, nil
}
