package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"caunoi/channels"
	"caunoi/domain"
)

// Sender delivers one kind of outbox item. A nil error means delivered; an
// error for which channels.IsPermanent is true, or one wrapped by Permanent,
// means retrying cannot help; any other error is retried with back-off.
// Send may be called again for the same item after a failure, and (only if
// a send outlives the worker's lease) twice concurrently.
type Sender interface {
	Send(ctx context.Context, item domain.OutboxItem) error
}

// SenderFunc adapts a function to Sender.
type SenderFunc func(ctx context.Context, item domain.OutboxItem) error

// Send calls f.
func (f SenderFunc) Send(ctx context.Context, item domain.OutboxItem) error { return f(ctx, item) }

// OutboxStore is the data access the worker needs. The marks are guarded by
// the attempt number: they return an error with code domain.ECONFLICT when
// the row was re-claimed by another worker after the lease passed.
type OutboxStore interface {
	ClaimOutbox(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]domain.OutboxItem, error)
	MarkOutboxSent(ctx context.Context, id int64, attempt int, now time.Time) error
	MarkOutboxRetry(ctx context.Context, id int64, attempt int, next time.Time, errText string) error
	MarkOutboxFailed(ctx context.Context, id int64, attempt int, now time.Time, errText string) error
}

// Defaults of OutboxWorker's optional fields.
const (
	DefaultOutboxBatch       = 20
	DefaultOutboxLease       = 5 * time.Minute
	DefaultOutboxMaxAttempts = 8
	backoffBase              = 30 * time.Second
	backoffCap               = time.Hour
	markTimeout              = 10 * time.Second // recording one outcome
)

// OutboxWorker delivers outbox rows: it claims a batch under a lease, sends
// each item with the Sender of its kind and records the outcome. Any number
// of workers, in one process or on several servers, may run at once: a row
// is claimed by one of them at a time, and a worker never starts a send
// whose lease has passed, so no row is sent twice while leases hold.
type OutboxWorker struct {
	Store       OutboxStore
	Senders     map[string]Sender               // by item kind
	Now         func() time.Time                // time.Now when nil
	Batch       int                             // rows per claim; DefaultOutboxBatch when 0
	Lease       time.Duration                   // how long a claim holds; DefaultOutboxLease when 0
	MaxAttempts int                             // attempts before giving up; DefaultOutboxMaxAttempts when 0
	Backoff     func(attempt int) time.Duration // delay after failed attempt n; DefaultBackoff when nil
	Log         *slog.Logger                    // slog.Default when nil
}

// RunOnce claims one batch and delivers it. It returns how many items were
// sent, scheduled for a retry and given up as failed, and an error only when
// the store failed (claiming, or recording an outcome; a send's own failure
// is an outcome, not an error). Items left when ctx ends or the store fails,
// or whose lease passed before their turn, are not sent: they become due
// again when the lease ends. An outcome is recorded even when ctx ends during
// its send (within markTimeout), so a delivered item is not sent again.
func (w *OutboxWorker) RunOnce(ctx context.Context) (sent, retried, failed int, err error) {
	now := w.now()
	lease := w.Lease
	if lease <= 0 {
		lease = DefaultOutboxLease
	}
	batch := w.Batch
	if batch <= 0 {
		batch = DefaultOutboxBatch
	}
	items, err := w.Store.ClaimOutbox(ctx, now, batch, lease)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("outbox: claim: %w", err)
	}
	leaseEnd := now.Add(lease)
	var errs []error
	for _, it := range items {
		if ctx.Err() != nil {
			break
		}
		if !w.now().Before(leaseEnd) {
			w.log().Warn("outbox: lease passed before the send; left for another claim",
				slog.Int64("outbox_id", it.ID), slog.Int("attempt", it.Attempt))
			continue
		}
		outcome, err := w.deliver(ctx, it)
		if err != nil {
			// The store failed: later sends could not be recorded either and
			// would be sent again once their lease passes. Stop here.
			errs = append(errs, err)
			break
		}
		switch outcome {
		case outcomeSent:
			sent++
		case outcomeRetry:
			retried++
		case outcomeFailed:
			failed++
		}
	}
	return sent, retried, failed, errors.Join(errs...)
}

// Job returns RunOnce as a Runner job.
func (w *OutboxWorker) Job() Func {
	return func(ctx context.Context, _ time.Time) error {
		_, _, _, err := w.RunOnce(ctx)
		return err
	}
}

type outcome int

const (
	outcomeNone outcome = iota
	outcomeSent
	outcomeRetry
	outcomeFailed
)

// deliver sends one item and records the outcome. A mark refused because
// the row was re-claimed is logged and counts as no outcome of this worker.
func (w *OutboxWorker) deliver(ctx context.Context, it domain.OutboxItem) (outcome, error) {
	log := w.log().With(slog.Int64("outbox_id", it.ID), slog.String("kind", it.Kind),
		slog.Int("attempt", it.Attempt))
	var sendErr error
	permanent := false
	if s, ok := w.Senders[it.Kind]; ok && s != nil {
		sendErr = safeSend(ctx, s, it)
		permanent = IsPermanent(sendErr)
	} else {
		sendErr = fmt.Errorf("outbox: no sender for kind %q", it.Kind)
		permanent = true
	}

	// Record the outcome even if ctx ended during the send: a delivery left
	// unrecorded would be sent again after the lease.
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
	defer cancel()
	var o outcome
	var err error
	maxAttempts := w.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = DefaultOutboxMaxAttempts
	}
	switch {
	case sendErr == nil:
		o, err = outcomeSent, w.Store.MarkOutboxSent(mctx, it.ID, it.Attempt, w.now())
	case permanent || it.Attempt >= maxAttempts:
		reason := sendErr.Error()
		if !permanent {
			reason = fmt.Sprintf("gave up after %d attempts: %s", it.Attempt, reason)
		}
		log.Warn("outbox: delivery failed for good", slog.String("error", reason))
		o, err = outcomeFailed, w.Store.MarkOutboxFailed(mctx, it.ID, it.Attempt, w.now(), reason)
	default:
		next := w.now().Add(w.delay(it.Attempt, sendErr))
		log.Info("outbox: send failed; will retry", slog.String("error", sendErr.Error()),
			slog.Time("next_attempt_at", next))
		o, err = outcomeRetry, w.Store.MarkOutboxRetry(mctx, it.ID, it.Attempt, next, sendErr.Error())
	}
	if err != nil {
		if domain.ErrorCode(err) == domain.ECONFLICT {
			log.Warn("outbox: outcome refused: the row was claimed again after the lease passed",
				slog.String("error", err.Error()))
			return outcomeNone, nil
		}
		return outcomeNone, fmt.Errorf("outbox: record outcome of %d: %w", it.ID, err)
	}
	return o, nil
}

// delay is the back-off after a failed attempt, at least the platform's
// Retry-After when it sent one.
func (w *OutboxWorker) delay(attempt int, sendErr error) time.Duration {
	backoff := w.Backoff
	if backoff == nil {
		backoff = DefaultBackoff
	}
	d := backoff(attempt)
	var ce *channels.Error
	if errors.As(sendErr, &ce) && ce.RetryAfter > d {
		d = min(ce.RetryAfter, backoffCap)
	}
	return d
}

// safeSend calls s, turning a panic into a (retryable) error.
func safeSend(ctx context.Context, s Sender, it domain.OutboxItem) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("outbox: sender for %q panicked: %v", it.Kind, p)
		}
	}()
	return s.Send(ctx, it)
}

func (w *OutboxWorker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

func (w *OutboxWorker) log() *slog.Logger {
	if w.Log != nil {
		return w.Log
	}
	return slog.Default()
}

// DefaultBackoff returns the delay after failed attempt n (1 for the first):
// 30 s doubling with each attempt, capped at an hour, less a random jitter
// of up to a quarter so that rows failed together do not retry together.
// The result lies in [¾·d, d] with d = min(30s·2ⁿ⁻¹, 1h).
func DefaultBackoff(attempt int) time.Duration {
	d := backoffCap
	if attempt < 1 {
		attempt = 1
	}
	if attempt <= 20 {
		d = min(backoffBase<<(attempt-1), backoffCap)
	}
	jitter := rand.N(d/4 + 1)
	return (d - jitter).Truncate(time.Millisecond)
}

// permanentError marks an error that retrying cannot fix.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent wraps err so that the outbox worker gives up on the item at once
// instead of retrying: for senders whose errors are not *channels.Error (an
// e-mail, for instance). Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// IsPermanent reports whether err is a send failure that retrying cannot
// fix: wrapped by Permanent, or a *channels.Error marked permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p) || channels.IsPermanent(err)
}
