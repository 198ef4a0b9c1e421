package repository

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"caunoi/domain"
)

// Group commit for intake (the queue: group_commit.go). Concurrent
// CreateTicket calls are coalesced into one multi-row statement (the
// tickets from arrays by unnest, then their 'created' and 'routed' events)
// that commits once; each caller is answered only after that commit, so a
// 201 still means committed. The leading caller flushes in its own
// goroutine.
//
// Per row:
//   - a redelivered external message (channel, external id) is inserted at
//     most once: within a batch only the first of equal keys is sent and the
//     others get its ticket with Existing set; against the table the
//     statement's ON CONFLICT DO NOTHING skips it and the existing ticket is
//     read after the commit;
//   - a tracking-code collision skips only that row (ON CONFLICT DO NOTHING
//     covers every unique key), which is sent again with a new code in the
//     next round; the others are committed;
//   - when the statement fails on data (a check, an encoding), each row is
//     retried alone so the error belongs to its row; a lost connection fails
//     the rows of that statement (as a single INSERT would), never retried, as
//     the commit may have happened.
//
// Cancellation: a caller whose context ends while its row is still queued
// withdraws it and gets ctx.Err(); nothing is stored. Once its row is in a
// flush the outcome is decided by that flush (bounded by flushTimeout, not
// by any one caller's context, so a caller giving up never fails the
// others): the caller waits for it and gets the truth, the stored ticket
// when it committed. A client that hung up may thus have a ticket it never
// heard of; it is committed, not lost, and the citizen may submit again.

const (
	maxIntakeRows    = 64               // rows per statement
	maxIntakeFlushes = 2                // statements in flight
	flushTimeout     = 15 * time.Second // one flush, its retries and look-ups
	maxCodeAttempts  = 4                // tracking codes drawn per row
)

var errNoTrackingCode = &domain.Error{Code: domain.ECONFLICT,
	Message: "Không tạo được mã tra cứu, vui lòng gửi lại.", MessageEN: "No free tracking code was found; please try again."}

// intakeBatcher queues a Store's intake rows and flushes them.
type intakeBatcher struct {
	db *sqlx.DB
	q  groupCommit[*intakeCall]

	prepMu sync.Mutex
	stmt   *sqlx.Stmt // insertTickets, prepared once per pool

	// Hooks for tests: newCode draws tracking codes; beforeFlush, when set,
	// runs in the leader before each flush with the number of rows taken.
	newCode     func() string
	beforeFlush func(rows int)
}

// intakeCall is one caller's row and, once done is closed, its answer.
type intakeCall struct {
	row     intakeRow
	done    chan struct{}
	follows *intakeCall // an earlier call of the batch with the same external key
	queued
	res domain.Created
	err error
}

func newIntakeBatcher(db *sqlx.DB) *intakeBatcher {
	b := &intakeBatcher{db: db, newCode: domain.NewTrackingCode}
	b.q = groupCommit[*intakeCall]{maxFlushes: maxIntakeFlushes, maxRows: maxIntakeRows, flush: b.flush}
	return b
}

// intake returns the Store's batcher.
func (s *Store) intake() *intakeBatcher { return s.batcher }

// create stores row through the next flush and returns its ticket, or the
// row's own error; ctx.Err() when the caller gave up before its row was
// taken (then nothing is stored).
func (b *intakeBatcher) create(ctx context.Context, row intakeRow) (domain.Created, error) {
	if err := ctx.Err(); err != nil {
		return domain.Created{}, err
	}
	c := &intakeCall{row: row, done: make(chan struct{})}
	if b.q.add(c) {
		b.q.lead()
	}
	select {
	case <-c.done:
		return c.res, c.err
	case <-ctx.Done():
	}
	if b.q.withdraw(c) {
		return domain.Created{}, ctx.Err()
	}
	<-c.done // in flight: its outcome is known within flushTimeout
	return c.res, c.err
}

// flush stores the batch and answers every call in it, even when it
// panics (a bug): the calls it did not answer then get an internal error,
// and the panic goes on.
func (b *intakeBatcher) flush(batch []*intakeCall) {
	ctx, cancel := context.WithTimeout(context.Background(), flushTimeout)
	defer cancel()
	defer func() {
		r := recover()
		for _, c := range batch {
			if r != nil && c.err == nil && c.res.ID == 0 {
				c.err = domain.Internal(fmt.Errorf("create ticket: intake flush: %v", r))
			}
			close(c.done)
		}
		if r != nil {
			panic(r)
		}
	}()
	if b.beforeFlush != nil {
		b.beforeFlush(len(batch))
	}
	b.store(ctx, batch)
}

// store inserts the batch's rows and sets each call's answer.
func (b *intakeBatcher) store(ctx context.Context, batch []*intakeCall) {
	b.storeRows(ctx, b.dedupe(batch))
	for _, c := range batch { // in-batch duplicates: the first's ticket, as a redelivery
		if f := c.follows; f != nil {
			c.res, c.err = f.res, f.err
			if f.err == nil {
				c.res.Existing = true
			}
		}
	}
}

// storeRows inserts rows with distinct external keys, drawing new codes for
// the rows whose code collided.
func (b *intakeBatcher) storeRows(ctx context.Context, pending []*intakeCall) {
	for attempt := 1; len(pending) > 0; attempt++ {
		b.drawCodes(pending, attempt == 1)
		inserted, err := b.insert(ctx, pending)
		if err != nil {
			if len(pending) > 1 && !isFatal(err) {
				for _, c := range pending { // the error is one row's: find whose
					b.storeRows(ctx, []*intakeCall{c})
				}
				return
			}
			for _, c := range pending {
				c.err = fmt.Errorf("create ticket: %w", err)
			}
			return
		}
		var again, external []*intakeCall
		for _, c := range pending {
			switch id, ok := inserted[c.row.code]; {
			case ok:
				c.res = c.row.created
				c.res.ID, c.res.TrackingCode = id, c.row.code
			case c.row.externalID != nil:
				external = append(external, c)
			default:
				again = append(again, c) // only a tracking code can have collided
			}
		}
		if len(external) > 0 {
			found, err := existingTickets(ctx, b.db, external)
			for _, c := range external {
				switch e, ok := found[externalKey(c.row.channel, *c.row.externalID)]; {
				case err != nil:
					c.err = err
				case ok:
					c.res = e
				default:
					again = append(again, c) // not taken before: its code collided
				}
			}
		}
		if len(again) > 0 && attempt >= maxCodeAttempts {
			for _, c := range again {
				c.err = fmt.Errorf("create ticket: %w", errNoTrackingCode)
			}
			return
		}
		pending = again
	}
}

// dedupe keeps the first call of each external key for the statement; the
// others follow it.
func (b *intakeBatcher) dedupe(batch []*intakeCall) []*intakeCall {
	var seen map[string]*intakeCall
	out := batch[:0:0]
	for _, c := range batch {
		if c.row.externalID == nil {
			out = append(out, c)
			continue
		}
		k := externalKey(c.row.channel, *c.row.externalID)
		if first, ok := seen[k]; ok {
			c.follows = first
			continue
		}
		if seen == nil {
			seen = map[string]*intakeCall{}
		}
		seen[k] = c
		out = append(out, c)
	}
	return out
}

// drawCodes gives each pending row a tracking code, distinct within the
// statement; the first round keeps the codes already drawn.
func (b *intakeBatcher) drawCodes(pending []*intakeCall, first bool) {
	used := make(map[string]bool, len(pending))
	for _, c := range pending {
		if !first || c.row.code == "" {
			c.row.code = b.newCode()
		}
		for i := 0; used[c.row.code] && i < 8; i++ {
			c.row.code = b.newCode()
		}
		used[c.row.code] = true
	}
}

// insert runs insertTickets for the calls and returns the ids of the
// inserted rows by tracking code.
func (b *intakeBatcher) insert(ctx context.Context, calls []*intakeCall) (map[string]int64, error) {
	stmt, err := b.prepared(ctx)
	if err != nil {
		return nil, err
	}
	return scanInserted(stmt.QueryContext(ctx, insertArgs(rowsOf(calls))...))
}

// PrepareIntake prepares intake's statement now, so that a broken query
// fails at start-up rather than at the first ticket; without it the
// statement is prepared on first use. It returns the database's error.
func (s *Store) PrepareIntake(ctx context.Context) error {
	_, err := s.intake().prepared(ctx)
	return err
}

// prepared returns the batch statement, preparing it on first use.
func (b *intakeBatcher) prepared(ctx context.Context) (*sqlx.Stmt, error) {
	b.prepMu.Lock()
	defer b.prepMu.Unlock()
	if b.stmt != nil {
		return b.stmt, nil
	}
	stmt, err := b.db.PreparexContext(ctx, insertTickets)
	if err != nil {
		return nil, fmt.Errorf("prepare intake: %w", mapError(err, ""))
	}
	b.stmt = stmt
	return stmt, nil
}

// isFatal reports whether a statement's error is not any one row's: the
// connection, the server or the deadline.
func isFatal(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var de *domain.Error
	return errors.As(err, &de) && de.Code == domain.EUNAVAILABLE
}

func externalKey(channel domain.Channel, externalID string) string {
	return string(channel) + "\x00" + externalID
}

// existingTickets reads the tickets already made for the calls' external
// messages, by external key.
func existingTickets(ctx context.Context, q sqlx.QueryerContext, calls []*intakeCall) (map[string]domain.Created, error) {
	channels, ids := make([]string, len(calls)), make([]string, len(calls))
	for i, c := range calls {
		channels[i], ids[i] = string(c.row.channel), *c.row.externalID
	}
	var rows []existingRow
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT `+existingColumns+`
		FROM tickets WHERE (channel, external_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
		pq.Array(channels), pq.Array(ids))
	if err != nil {
		return nil, fmt.Errorf("create ticket: %w", mapError(err, ""))
	}
	out := make(map[string]domain.Created, len(rows))
	for _, r := range rows {
		out[externalKey(domain.Channel(r.Channel), r.ExternalID)] = r.created()
	}
	return out, nil
}
