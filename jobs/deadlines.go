package jobs

import (
	"context"
	"time"

	"caunoi/domain"
)

// DeadlineStore is what the deadline watch reads and writes (the
// repository's Store).
type DeadlineStore interface {
	WatchCandidates(ctx context.Context, now time.Time, horizon time.Duration) ([]domain.WatchTicket, error)
	WatchCalendar(ctx context.Context, unitID int64) (*domain.WorkCalendar, error)
	TakeDeadlineSteps(ctx context.Context, b domain.DeadlineBatch, now time.Time) (domain.WatchResult, error)
}

// DeadlineWatch reminds before a ticket's due time and escalates after it,
// as Policy says, with the unit's working calendar. Each run reads the
// candidates without locking, decides which ones need a step now, then has
// the store claim and take them in batches, one transaction per batch,
// deciding again from the locked rows: a ticket another server handled
// meanwhile is left alone, and a batch whose server died is rolled back and
// taken by the next run.
type DeadlineWatch struct {
	Store     DeadlineStore
	Policy    domain.DeadlinePolicy
	Messenger domain.DeadlineMessenger
	// Claimed, when set, is called inside each batch's transaction once its
	// tickets are claimed and before anything is written (tests stop a
	// runner there to play a crash).
	Claimed func(ctx context.Context, ids []int64)
}

// Defaults of the policy's optional fields.
const (
	defaultWatchHorizon = 45 * 24 * time.Hour
	defaultWatchBatch   = 50
)

// RunOnce reminds and escalates every ticket that needs it at now. It
// returns what it did and the first error.
func (w *DeadlineWatch) RunOnce(ctx context.Context, now time.Time) (domain.WatchResult, error) {
	var res domain.WatchResult
	horizon := w.Policy.Horizon
	if horizon <= 0 {
		horizon = defaultWatchHorizon
	}
	cands, err := w.Store.WatchCandidates(ctx, now, horizon)
	if err != nil {
		return res, err
	}
	var due []int64
	for _, t := range cands {
		cal, err := w.Store.WatchCalendar(ctx, t.UnitID)
		if err != nil {
			return res, err
		}
		if st, _ := w.Policy.Step(cal, t, now); st != domain.StepNone {
			due = append(due, t.ID)
		}
	}
	batch := w.Policy.Batch
	if batch <= 0 {
		batch = defaultWatchBatch
	}
	for len(due) > 0 {
		n := min(batch, len(due))
		r, err := w.Store.TakeDeadlineSteps(ctx, domain.DeadlineBatch{IDs: due[:n], Policy: w.Policy,
			Messenger: w.Messenger, Claimed: w.Claimed}, now)
		if err != nil {
			return res, err
		}
		res.Reminded += r.Reminded
		res.Escalated += r.Escalated
		res.Notified += r.Notified
		due = due[n:]
	}
	return res, nil
}
