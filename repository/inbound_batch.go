package repository

import (
	"cmp"
	"context"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"caunoi/domain"
)

// Group commit for inbound messages (the webhooks), as intake_batch.go does
// for intake: concurrent StoreInbound calls are stored together, committed
// once, and each caller is answered only after that commit, so a 200 still
// means committed. A flush stores its batch in two steps.
//
// First, in one round trip (storeFirst, inbound_first.go), the usual
// message: one that makes a new ticket (a comment, a sender's first
// message). Under the advisory locks of the batch's senders, one statement
// inserts the ticket of the first message of each sender when the message
// was not taken before and the sender has no open ticket.
//
// Then, when messages are left (a follow-up, a redelivery, a sender's
// later messages, one with attachments), one transaction (storeTogether):
//
//  1. takes the advisory locks of the messages' senders in one statement;
//  2. reads in one statement, with a snapshot taken after the locks, which
//     messages were taken before and each sender's open ticket;
//  3. inserts in one statement (insert_tickets) the new tickets: the first
//     message of each sender who has no open ticket;
//  4. adds each other message to its sender's ticket, in the order the
//     messages came (joinTicket);
//  5. commits.
//
// Both steps take the advisory lock of each sender (of the message itself
// when it has no sender, see messageLockSpace) as storeMessage does, in key
// order, so that two flushes never wait for each other in a cycle; a
// sender's messages are thus serialised with every other flush and single
// store, and the statements after the locks see what their earlier
// holders committed. A message repeated within the batch is stored once;
// the others get its ticket as a duplicate. When a step fails on anything
// but the connection or the deadline (a message's data, a deadlock with
// another writer), nothing of it is committed: after the first step the
// transaction tries the whole batch, and after the transaction each message
// is stored alone, in a transaction of its own (storeMessage), so that an
// error belongs to its message and the others are stored.
//
// The queue is intake's (group_commit.go), but the flush runs in a
// goroutine of its own, not the caller's, so that every caller can leave
// at its deadline.
//
// Cancellation differs from intake's: a caller whose context ends gets
// ctx.Err() at once, even when its message is in a flush. A queued message
// is withdrawn (nothing stored); one in a flush may still be committed. The
// webhook then answers 503, the platform delivers again, and the
// redelivery finds the message taken: a duplicate, answered 200. So a
// platform's deadline (Zalo: 2 s) holds whatever the database does, and
// nothing is acknowledged that is not committed.

const (
	maxInboundRows = 64 // messages per transaction
	// flushes in flight: with one at a time more messages share each round
	// trip and commit (measured: with two, flushes of fewer messages cost
	// more database time per message, and webhooks were slower)
	maxInboundFlushes   = 1
	inboundFlushTimeout = 10 * time.Second // one flush: what the longest platform waits for its answer
)

// inboundBatcher queues a Store's inbound messages and flushes them.
type inboundBatcher struct {
	s *Store
	q groupCommit[*inboundCall]

	prepMu sync.Mutex
	stmts  map[string]*sqlx.Stmt // the webhooks' statements, prepared once per pool, by query

	accounts *accountCache // the accounts deliveries name

	storedFirst atomic.Int64 // messages storeFirst stored, for tests

	// beforeFlush, for tests, runs in the flush before its transaction with
	// the number of messages taken.
	beforeFlush func(rows int)
}

// inboundCall is one caller's message and, once done is closed, its answer.
type inboundCall struct {
	cat     *domain.Catalog
	acc     domain.ChannelAccount
	in      domain.Inbound
	now     time.Time
	fi      domain.FeedbackInput // the message as a feedback
	row     *intakeRow           // the new ticket it would make, routed; nil with attachments
	done    chan struct{}
	follows *inboundCall // an earlier call of the batch with the same message
	queued
	res domain.InboundResult
	err error
}

// newInboundCall returns the call of a message of acc, read as a feedback
// and, unless it has attachments, routed as the new ticket it would make:
// by the caller, before the message is queued, rather than in the flush
// that all wait for.
func newInboundCall(cat *domain.Catalog, acc domain.ChannelAccount, in domain.Inbound, now time.Time) *inboundCall {
	c := &inboundCall{cat: cat, acc: acc, in: in, now: now, fi: domain.InboundFeedback(in)}
	if len(in.Attachments) == 0 {
		row := newIntakeRow(cat, inboundTicket(acc, in, c.fi), now)
		c.row = &row
	}
	return c
}

// ticketRow returns the new ticket the message would make.
func (c *inboundCall) ticketRow() intakeRow {
	if c.row != nil {
		return *c.row
	}
	return newIntakeRow(c.cat, inboundTicket(c.acc, c.in, c.fi), c.now)
}

func newInboundBatcher(s *Store) *inboundBatcher {
	b := &inboundBatcher{s: s, accounts: newAccountCache()}
	b.q = groupCommit[*inboundCall]{maxFlushes: maxInboundFlushes, maxRows: maxInboundRows, flush: b.flush}
	return b
}

// store stores c's message through the next flush and returns what was
// done, or the message's own error; ctx.Err() when ctx ends first.
func (b *inboundBatcher) store(ctx context.Context, c *inboundCall) (domain.InboundResult, error) {
	if err := ctx.Err(); err != nil {
		return domain.InboundResult{}, err
	}
	c.done = make(chan struct{})
	if b.q.add(c) {
		go b.q.lead()
	}
	select {
	case <-c.done:
		return c.res, c.err
	case <-ctx.Done():
	}
	b.q.withdraw(c) // or, in a flush, it may still be committed
	return domain.InboundResult{}, ctx.Err()
}

// flush stores the batch and answers every call in it. A panic (a bug)
// fails the batch's calls with an internal error, its stack in the error
// the webhook logs, and the flushes go on.
func (b *inboundBatcher) flush(batch []*inboundCall) {
	ctx, cancel := context.WithTimeout(context.Background(), inboundFlushTimeout)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			err := domain.Internal(fmt.Errorf("inbound flush: %v\n%s", r, debug.Stack()))
			for _, c := range batch {
				c.res, c.err = domain.InboundResult{}, err
			}
		}
		for _, c := range batch {
			close(c.done)
		}
	}()
	if b.beforeFlush != nil {
		b.beforeFlush(len(batch))
	}
	calls := dedupeInbound(batch)
	rest, err := b.storeFirst(ctx, calls)
	switch {
	case err != nil && isFatal(err):
		rest = calls
	case err != nil: // the transaction tells whose error it is
		rest, err = calls, b.storeTogether(ctx, calls)
	case len(rest) > 0:
		err = b.storeTogether(ctx, rest)
	}
	if err != nil {
		b.storeEachAlone(ctx, rest, err)
	}
	for _, c := range batch { // repeated within the batch: the first's ticket, as a redelivery
		if f := c.follows; f != nil {
			c.res, c.err = f.res, f.err
			if f.err == nil {
				c.res.Outcome = domain.InboundDuplicate
			}
		}
	}
}

// storeEachAlone answers calls after their transaction failed with err:
// each message is stored alone, unless err is the connection's or the
// deadline's, which then fails them all (as it fails every one after it).
func (b *inboundBatcher) storeEachAlone(ctx context.Context, calls []*inboundCall, err error) {
	for _, c := range calls {
		if !isFatal(err) {
			c.res, c.err = b.s.storeAlone(ctx, c.cat, c.acc, c.in, c.now)
			err = c.err
			continue
		}
		c.res, c.err = domain.InboundResult{}, err
	}
}

// dedupeInbound keeps the first call of each message; the others follow it.
func dedupeInbound(batch []*inboundCall) []*inboundCall {
	seen := make(map[string]*inboundCall, len(batch))
	out := batch[:0:0]
	for _, c := range batch {
		k := externalKey(c.in.Channel, c.in.ExternalID)
		if first, ok := seen[k]; ok {
			c.follows = first
			continue
		}
		seen[k] = c
		out = append(out, c)
	}
	return out
}

// storeTogether stores the calls' messages, all distinct, in one
// transaction, and sets their answers once it has committed. It returns the
// transaction's error, having answered none.
func (b *inboundBatcher) storeTogether(ctx context.Context, calls []*inboundCall) error {
	lock, err := b.prepared(ctx, lockInbound)
	if err != nil {
		return err
	}
	state, err := b.prepared(ctx, inboundStates)
	if err != nil {
		return err
	}
	insert, err := b.s.intake().prepared(ctx)
	if err != nil {
		return err
	}
	tx, err := b.s.db.BeginTxx(ctx, nil)
	if err != nil {
		return mapError(err, "")
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	if _, err := tx.StmtxContext(ctx, lock).ExecContext(ctx, lockArgs(calls)...); err != nil {
		return mapError(err, "")
	}
	states, err := readStates(ctx, tx.StmtxContext(ctx, state), calls)
	if err != nil {
		return err
	}
	steps := planInbound(calls, states)
	if err := b.createTickets(ctx, tx, tx.StmtxContext(ctx, insert), steps); err != nil {
		return err
	}
	if err := b.joinThreads(ctx, tx, steps); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return mapError(err, "")
	}
	for _, st := range steps {
		st.c.res, st.c.err = st.res, nil
	}
	return nil
}

// lockInbound takes the advisory locks given as two arrays of keys, in
// array order (a function scan's), which lockArgs sorts.
const lockInbound = `SELECT pg_advisory_xact_lock(k.space, k.key) FROM unnest($1::int4[], $2::int4[]) AS k (space, key)`

// lockArgs returns the distinct lock keys of the calls, sorted: the
// sender's (as storeMessage takes it), or the message's without a sender.
func lockArgs(calls []*inboundCall) []any {
	keys := make([][2]int32, 0, len(calls))
	for _, c := range calls {
		if c.in.SenderID != "" {
			keys = append(keys, [2]int32{senderLockSpace, senderKey(c.acc.UnitID, c.in.Channel, c.in.SenderID)})
		} else {
			keys = append(keys, [2]int32{messageLockSpace, messageKey(c.in.Channel, c.in.ExternalID)})
		}
	}
	slices.SortFunc(keys, func(a, b [2]int32) int {
		return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1]))
	})
	keys = slices.Compact(keys)
	spaces, ks := make([]int32, len(keys)), make([]int32, len(keys))
	for i, k := range keys {
		spaces[i], ks[i] = k[0], k[1]
	}
	return []any{pq.Array(spaces), pq.Array(ks)}
}

// inboundStates is inboundStateQuery for many messages given as parallel
// arrays, one row each, in order. It says citizen_external_id <> ” itself:
// the planner cannot infer it from a sender that is not a constant, and
// without it tickets_sender_open (partial on it) is not used and the query
// reads every open ticket of the unit.
const inboundStates = `SELECT
	(SELECT t.id FROM tickets t WHERE t.channel = i.channel AND t.external_id = i.external_id) AS taken_ticket,
	(SELECT e.ticket_id FROM ticket_events e WHERE e.channel = i.channel AND e.external_id = i.external_id) AS taken_event,
	(SELECT t.id FROM tickets t
	 WHERE i.sender <> '' AND t.citizen_external_id <> '' AND t.unit_id = i.unit_id AND t.citizen_external_id = i.sender AND t.channel = i.channel
	   AND t.status IN ('new', 'assigned', 'in_progress', 'waiting_citizen') AND t.merged_into IS NULL
	   AND t.last_citizen_at > i.since
	 ORDER BY t.last_citizen_at DESC, t.id DESC LIMIT 1) AS open_ticket
FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::timestamptz[]) WITH ORDINALITY
	AS i (channel, external_id, unit_id, sender, since, n)
ORDER BY i.n`

// readStates returns what is known of each call's message and sender.
func readStates(ctx context.Context, stmt *sqlx.Stmt, calls []*inboundCall) ([]inboundState, error) {
	channels, ids, senders := make([]string, len(calls)), make([]string, len(calls)), make([]string, len(calls))
	units, since := make([]int64, len(calls)), make([]time.Time, len(calls))
	for i, c := range calls {
		channels[i], ids[i], units[i] = string(c.in.Channel), c.in.ExternalID, c.acc.UnitID
		senders[i], since[i] = c.in.SenderID, c.now.Add(-domain.ThreadWindow)
	}
	args := []any{pq.Array(channels), pq.Array(ids), pq.Array(units), pq.Array(senders), pq.Array(since)}
	var states []inboundState
	if err := stmt.SelectContext(ctx, &states, args...); err != nil {
		return nil, mapError(err, "")
	}
	if len(states) != len(calls) {
		return nil, domain.Internal(fmt.Errorf("inbound states: %d rows for %d messages", len(states), len(calls)))
	}
	return states, nil
}

// inboundStep is what a flush does with one message, and its answer.
type inboundStep struct {
	c      *inboundCall
	fi     domain.FeedbackInput
	thread *senderThread
	new    *intakeCall // the new ticket this message makes in the batch statement
	join   bool        // the message joins its thread's ticket
	res    domain.InboundResult
}

// senderThread is a sender's ticket within a flush: the open one found, or
// the one the sender's first message makes.
type senderThread struct {
	ticket int64 // 0 until known
}

// planInbound decides each message's step from the state read under the
// locks: a duplicate is answered; the first message of a sender without an
// open ticket (and every message without a sender) makes a new ticket;
// every other message joins its sender's ticket.
func planInbound(calls []*inboundCall, states []inboundState) []inboundStep {
	steps := make([]inboundStep, len(calls))
	threads := map[string]*senderThread{}
	for i, c := range calls {
		st := &steps[i]
		st.c = c
		switch s := states[i]; {
		case s.TakenTicket != nil:
			st.res = domain.InboundResult{Outcome: domain.InboundDuplicate, TicketID: *s.TakenTicket}
			continue
		case s.TakenEvent != nil:
			st.res = domain.InboundResult{Outcome: domain.InboundDuplicate, TicketID: *s.TakenEvent}
			continue
		}
		st.fi = c.fi
		if c.in.SenderID != "" {
			k := threadKey(c)
			if th, ok := threads[k]; ok { // a later message of a sender seen in this batch
				st.thread, st.join = th, true
				continue
			}
			st.thread = &senderThread{}
			threads[k] = st.thread
			if open := states[i].OpenTicket; open != nil {
				st.thread.ticket, st.join = *open, true
				continue
			}
		}
		st.new = &intakeCall{row: c.ticketRow()}
	}
	return steps
}

// createTickets inserts the steps' new tickets in one statement, drawing a
// new tracking code for a row whose code collided, then their attachments.
// A message found taken meanwhile (by a writer that takes no sender lock)
// is a duplicate.
func (b *inboundBatcher) createTickets(ctx context.Context, tx *sqlx.Tx, insert *sqlx.Stmt, steps []inboundStep) error {
	var pending []*intakeCall
	byRow := map[*intakeCall]*inboundStep{}
	for i := range steps {
		if r := steps[i].new; r != nil {
			pending = append(pending, r)
			byRow[r] = &steps[i]
		}
	}
	for attempt := 1; len(pending) > 0; attempt++ {
		if attempt > maxCodeAttempts {
			return fmt.Errorf("create ticket: %w", errNoTrackingCode)
		}
		b.s.intake().drawCodes(pending, attempt == 1)
		inserted, err := scanInserted(insert.QueryContext(ctx, insertArgs(rowsOf(pending))...))
		if err != nil {
			return err
		}
		var again, missing []*intakeCall
		for _, r := range pending {
			if id, ok := inserted[r.row.code]; ok {
				byRow[r].made(domain.InboundCreated, id)
			} else {
				missing = append(missing, r)
			}
		}
		if len(missing) > 0 {
			found, err := existingTickets(ctx, tx, missing)
			if err != nil {
				return err
			}
			for _, r := range missing {
				if e, ok := found[externalKey(r.row.channel, *r.row.externalID)]; ok {
					byRow[r].made(domain.InboundDuplicate, e.ID)
				} else {
					again = append(again, r) // not taken: its tracking code collided
				}
			}
		}
		pending = again
	}
	for i := range steps {
		st := &steps[i]
		if st.new != nil && st.res.Outcome == domain.InboundCreated && len(st.c.in.Attachments) > 0 {
			if err := insertAttachments(ctx, tx, st.res.TicketID, nil, st.c.in.Attachments); err != nil {
				return err
			}
		}
	}
	return nil
}

// made records that st's message made ticket id (created), or had made it
// before (duplicate): the ticket the sender's next messages join.
func (st *inboundStep) made(outcome domain.InboundOutcome, id int64) {
	st.res = domain.InboundResult{Outcome: outcome, TicketID: id}
	if st.thread != nil {
		st.thread.ticket = id
	}
}

// joinThreads adds the joining messages to their sender's ticket, in order.
// When that ticket was closed meanwhile the message makes a new ticket,
// which the sender's next messages join.
func (b *inboundBatcher) joinThreads(ctx context.Context, tx *sqlx.Tx, steps []inboundStep) error {
	for i := range steps {
		st := &steps[i]
		if !st.join {
			continue
		}
		c, id := st.c, st.thread.ticket
		joined, err := b.s.joinTicket(ctx, tx, id, c.in, st.fi, c.now)
		if err != nil {
			return err
		}
		if joined {
			st.res = domain.InboundResult{Outcome: domain.InboundJoined, TicketID: id}
			continue
		}
		if st.res, err = newInboundTicket(ctx, tx, c.cat, c.acc, c.in, st.fi, c.now); err != nil {
			return err
		}
		st.thread.ticket = st.res.TicketID
	}
	return nil
}

// PrepareInbound prepares the webhooks' statements now (the account
// lookup, the locks, the states), so that a broken query fails at start-up
// rather than at the first message. It returns the database's error.
func (s *Store) PrepareInbound(ctx context.Context) error {
	for _, q := range []string{accountByExternal, lockInbound, inboundFirst, inboundStates} {
		if _, err := s.inbound.prepared(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// prepared returns the statement of query, preparing it on first use.
func (b *inboundBatcher) prepared(ctx context.Context, query string) (*sqlx.Stmt, error) {
	b.prepMu.Lock()
	defer b.prepMu.Unlock()
	if stmt, ok := b.stmts[query]; ok {
		return stmt, nil
	}
	stmt, err := b.s.db.PreparexContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare inbound: %w", mapError(err, ""))
	}
	if b.stmts == nil {
		b.stmts = map[string]*sqlx.Stmt{}
	}
	b.stmts[query] = stmt
	return stmt, nil
}
