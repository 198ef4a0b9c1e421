package repository

import (
	"context"
	"strconv"
	"time"

	"caunoi/domain"
)

// The first step of an inbound flush stores the usual messages, those that
// make a new ticket, in one round trip: the function inbound_first
// (migrations/0007_insert_tickets.sql) takes the batch's senders' advisory
// locks and then inserts, with insert_tickets, the ticket of the first
// message of each sender when the message was not taken before and the
// sender has no open ticket. Called outside a transaction, it commits before
// it answers. A transaction of its own (BEGIN, the locks, the insert, COMMIT)
// would be four round trips, each a wake-up of this process and of the
// database's on a small machine, and each flush waits for the one before:
// make bench measured the webhooks at 1,599 deliveries a second without the
// first step and 2,749 with it (README).
var inboundFirst = "SELECT id, tracking_code FROM inbound_first(" + params(1, 2+insertParams) + ", $" +
	strconv.Itoa(3+insertParams) + ")"

// threadWindow is domain.ThreadWindow as inbound_first takes it.
var threadWindow = strconv.FormatInt(int64(domain.ThreadWindow/time.Second), 10) + " seconds"

// storeFirst stores, in one round trip, the new tickets of the first
// message of each sender (and of each message without a sender) when the
// message was not taken before and its sender has no open ticket, and
// answers those calls once committed. It returns the calls it did not
// answer, in order: a sender's later messages, those with attachments
// (stored with their ticket by the transaction), and whatever the
// statement did not insert (a follow-up, a redelivery, a tracking code
// that collided). On error it has answered none and nothing is committed,
// unless the error is the connection's (then the platform's redelivery
// finds what was).
func (b *inboundBatcher) storeFirst(ctx context.Context, calls []*inboundCall) ([]*inboundCall, error) {
	first, rows := firstMessages(calls)
	if len(rows) == 0 {
		return calls, nil
	}
	b.s.intake().drawCodes(rows, true)
	stmt, err := b.prepared(ctx, inboundFirst)
	if err != nil {
		return nil, err
	}
	args := append(lockArgs(first), insertArgs(rowsOf(rows))...)
	inserted, err := scanInserted(stmt.QueryContext(ctx, append(args, threadWindow)...))
	if err != nil {
		return nil, err
	}
	made := make(map[*inboundCall]bool, len(inserted))
	for i, c := range first {
		if id, ok := inserted[rows[i].row.code]; ok {
			c.res, c.err = domain.InboundResult{Outcome: domain.InboundCreated, TicketID: id}, nil
			made[c] = true
		}
	}
	b.storedFirst.Add(int64(len(made)))
	rest := calls[:0:0]
	for _, c := range calls {
		if !made[c] {
			rest = append(rest, c)
		}
	}
	return rest, nil
}

// firstMessages returns the calls whose message the first step may store,
// with their tickets' rows: the first message of each sender, and each
// message without a sender, but for those with attachments.
func firstMessages(calls []*inboundCall) ([]*inboundCall, []*intakeCall) {
	var first []*inboundCall
	var rows []*intakeCall
	senders := map[string]bool{}
	for _, c := range calls {
		if c.in.SenderID != "" {
			k := threadKey(c)
			if senders[k] {
				continue
			}
			senders[k] = true
		}
		if c.row == nil { // attachments
			continue
		}
		if c.fi.Citizen.ExternalID != c.in.SenderID {
			continue // cut to the column's length: inboundStates compares the whole id
		}
		first = append(first, c)
		rows = append(rows, &intakeCall{row: *c.row})
	}
	return first, rows
}

// threadKey is the identity of a message's sender within the unit and the
// channel (the advisory lock's key is a hash of it).
func threadKey(c *inboundCall) string {
	return strconv.FormatInt(c.acc.UnitID, 10) + "\x00" + string(c.in.Channel) + "\x00" + c.in.SenderID
}
