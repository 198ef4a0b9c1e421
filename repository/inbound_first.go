package repository

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"caunoi/domain"
)

// The usual inbound message makes a new ticket (a comment, a first
// message): a flush, under its locks, inserts those in one statement
// before anything else, without reading the messages' state first.

// newTicketsInsert is insertBatch that inserts only the rows whose message
// was not taken before and whose sender has no open ticket on the channel
// of the unit with a message within domain.ThreadWindow: inboundStates'
// conditions, on the row's own columns.
var newTicketsInsert = mustReplace(insertBatch, "\n\tFROM i\n\tON CONFLICT DO NOTHING\n", `
	FROM i
	WHERE NOT EXISTS (SELECT 1 FROM tickets x WHERE x.channel = i.channel AND x.external_id = i.external_id)
	  AND NOT EXISTS (SELECT 1 FROM ticket_events x WHERE x.channel = i.channel AND x.external_id = i.external_id)
	  AND NOT EXISTS (SELECT 1 FROM tickets x
		WHERE i.citizen_external_id <> '' AND x.citizen_external_id <> '' AND x.unit_id = i.unit_id
		  AND x.citizen_external_id = i.citizen_external_id AND x.channel = i.channel
		  AND x.status IN ('new', 'assigned', 'in_progress', 'waiting_citizen') AND x.merged_into IS NULL
		  AND x.last_citizen_at > i.created_at - interval '`+strconv.FormatInt(int64(domain.ThreadWindow/time.Second), 10)+` seconds')
	ON CONFLICT DO NOTHING
`)

// mustReplace returns s with old replaced by new, once; it panics (at
// start-up) when s does not hold old once.
func mustReplace(s, old, new string) string {
	if strings.Count(s, old) != 1 {
		panic(fmt.Sprintf("repository: %q is not once in the statement", old))
	}
	return strings.Replace(s, old, new, 1)
}

// insertFirst inserts, through insert (newTicketsInsert in the flush's
// transaction), the new tickets of the first message of each sender and of
// each message without a sender, when the message was not taken before
// and its sender has no open ticket. It returns those tickets' ids by
// call, and the calls left, in order: a sender's later messages, those
// with attachments (stored with the ticket by the rest of the flush), and
// whatever the statement did not insert (a follow-up, a redelivery, a
// tracking code that collided).
func (b *inboundBatcher) insertFirst(ctx context.Context, insert *sqlx.Stmt, calls []*inboundCall) (map[*inboundCall]int64, []*inboundCall, error) {
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
		if len(c.in.Attachments) > 0 {
			continue
		}
		fi := domain.InboundFeedback(c.in)
		if fi.Citizen.ExternalID != c.in.SenderID {
			continue // cut to the column's length: inboundStates compares the whole id
		}
		first = append(first, c)
		rows = append(rows, &intakeCall{row: newIntakeRow(c.cat, inboundTicket(c.acc, c.in, fi), c.now)})
	}
	if len(rows) == 0 {
		return nil, calls, nil
	}
	b.s.intake().drawCodes(rows, true)
	inserted, err := insertRows(ctx, insert, rows)
	if err != nil {
		return nil, nil, err
	}
	made := make(map[*inboundCall]int64, len(inserted))
	for i, c := range first {
		if id, ok := inserted[rows[i].row.code]; ok {
			made[c] = id
		}
	}
	rest := calls[:0:0]
	for _, c := range calls {
		if _, ok := made[c]; !ok {
			rest = append(rest, c)
		}
	}
	return made, rest, nil
}

// threadKey is the identity of a message's sender within the unit and the
// channel (the advisory lock's key is a hash of it).
func threadKey(c *inboundCall) string {
	return strconv.FormatInt(c.acc.UnitID, 10) + "\x00" + string(c.in.Channel) + "\x00" + c.in.SenderID
}
