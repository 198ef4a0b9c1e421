package repository

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/jmoiron/sqlx"

	"caunoi/domain"
)

// senderLockSpace is the first key of the transaction-level advisory locks
// that serialise the messages of one sender (the second is a hash of unit,
// channel and sender), so that a sender's concurrent messages thread into
// one ticket instead of opening several.
const senderLockSpace = 7275101

// messageLockSpace is the first key of the advisory lock a flush takes for
// a message without a sender (the second is a hash of its channel and id),
// so that two flushes holding the same such message never deadlock on the
// unique index (inbound_batch.go).
const messageLockSpace = 7275102

// StoreInbound stores a verified inbound message of a channel account and
// says what it did:
//
//   - a comment edit or removal (Verb "edited" / "remove") is recorded as an
//     external_edited / external_removed event on the ticket that holds the
//     comment (orphan when none does);
//   - a message from a sender who has an open ticket on the same channel of
//     the account's unit, with a message within domain.ThreadWindow, joins
//     that ticket's timeline as a citizen_message (reopening or resuming it
//     as the workflow says);
//   - any other message becomes a new ticket of the unit, routed at once,
//     with the sender's channel identity, a telephone number found in the
//     text, the thread a reply answers and the account it came through.
//
// Concurrent messages share one transaction and one commit
// (inbound_batch.go); each call returns only after that commit. The
// channel's message id is unique among tickets and among events, so a
// redelivery, even a concurrent one, stores nothing new (duplicate). It
// returns unavailable when the database cannot be reached, and ctx.Err()
// when ctx ends first: the message may then have been committed or not,
// and the platform should deliver it again (a redelivery of a stored
// message is a duplicate).
func (s *Store) StoreInbound(ctx context.Context, acc domain.ChannelAccount, in domain.Inbound) (domain.InboundResult, error) {
	if in.ExternalID == "" || !in.Channel.Valid() {
		return domain.InboundResult{}, domain.Invalid("Tin nhắn thiếu mã.", "The message has no id.",
			map[string]string{"external_id": domain.FieldRequired})
	}
	switch in.Verb {
	case "edited", "remove":
		return s.commentChange(ctx, in)
	}
	cat, err := s.Catalog(ctx, acc.UnitID)
	if err != nil {
		return domain.InboundResult{}, err
	}
	res, err := s.inbound.store(ctx, newInboundCall(cat, acc, in, s.now()))
	if err != nil {
		return domain.InboundResult{}, fmt.Errorf("store %s message: %w", in.Channel, err)
	}
	return res, nil
}

// storeAlone stores one message in a transaction of its own.
func (s *Store) storeAlone(ctx context.Context, cat *domain.Catalog, acc domain.ChannelAccount, in domain.Inbound,
	now time.Time) (domain.InboundResult, error) {
	var res domain.InboundResult
	err := inTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var err error
		res, err = s.storeMessage(ctx, tx, cat, acc, in, now)
		return err
	})
	return res, err
}

// inboundState is what is known of a message and its sender before storing.
type inboundState struct {
	TakenTicket *int64 `db:"taken_ticket"` // a ticket made of this message
	TakenEvent  *int64 `db:"taken_event"`  // the ticket this message joined
	OpenTicket  *int64 `db:"open_ticket"`  // the sender's open ticket to join
}

const inboundStateQuery = `SELECT
	(SELECT id FROM tickets WHERE channel = $1 AND external_id = $2) AS taken_ticket,
	(SELECT ticket_id FROM ticket_events WHERE channel = $1 AND external_id = $2) AS taken_event,
	(SELECT id FROM tickets
	 WHERE $4 <> '' AND unit_id = $3 AND citizen_external_id = $4 AND channel = $1
	   AND status IN ('new', 'assigned', 'in_progress', 'waiting_citizen') AND merged_into IS NULL
	   AND last_citizen_at > $5
	 ORDER BY last_citizen_at DESC, id DESC LIMIT 1) AS open_ticket`

func (s *Store) storeMessage(ctx context.Context, tx *sqlx.Tx, cat *domain.Catalog, acc domain.ChannelAccount,
	in domain.Inbound, now time.Time) (domain.InboundResult, error) {
	if in.SenderID != "" {
		// Serialise this sender's messages: the state read below then sees
		// every message of the sender committed before, so a follow-up sent
		// at once still joins the first message's ticket.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, $2)`,
			senderLockSpace, senderKey(acc.UnitID, in.Channel, in.SenderID)); err != nil {
			return domain.InboundResult{}, mapError(err, "")
		}
	}
	var st inboundState
	if err := tx.GetContext(ctx, &st, inboundStateQuery, string(in.Channel), in.ExternalID, acc.UnitID,
		in.SenderID, now.Add(-domain.ThreadWindow)); err != nil {
		return domain.InboundResult{}, mapError(err, "")
	}
	switch {
	case st.TakenTicket != nil:
		return domain.InboundResult{Outcome: domain.InboundDuplicate, TicketID: *st.TakenTicket}, nil
	case st.TakenEvent != nil:
		return domain.InboundResult{Outcome: domain.InboundDuplicate, TicketID: *st.TakenEvent}, nil
	}
	fi := domain.InboundFeedback(in)
	if st.OpenTicket != nil {
		joined, err := s.joinTicket(ctx, tx, *st.OpenTicket, in, fi, now)
		if err != nil || joined {
			return domain.InboundResult{Outcome: domain.InboundJoined, TicketID: *st.OpenTicket}, err
		}
	}
	return newInboundTicket(ctx, tx, cat, acc, in, fi, now)
}

// newInboundTicket makes the message a new ticket of the unit (a duplicate
// when a writer that takes no sender lock stored it first).
func newInboundTicket(ctx context.Context, tx *sqlx.Tx, cat *domain.Catalog, acc domain.ChannelAccount, in domain.Inbound,
	fi domain.FeedbackInput, now time.Time) (domain.InboundResult, error) {
	c, err := createTicket(ctx, tx, nil, cat, inboundTicket(acc, in, fi), now) // a message is a feedback: nothing to seal
	if err != nil {
		return domain.InboundResult{}, err
	}
	if c.Existing {
		return domain.InboundResult{Outcome: domain.InboundDuplicate, TicketID: c.ID}, nil
	}
	return domain.InboundResult{Outcome: domain.InboundCreated, TicketID: c.ID}, nil
}

// inboundTicket is the new ticket a message of acc makes.
func inboundTicket(acc domain.ChannelAccount, in domain.Inbound, fi domain.FeedbackInput) domain.NewTicket {
	accID := acc.ID
	return domain.NewTicket{Input: fi, Channel: in.Channel, ExternalID: in.ExternalID, ThreadID: in.ThreadID,
		ChannelAccountID: &accID, Attachments: in.Attachments}
}

// joinTicket adds the message to the sender's open ticket id, locked first.
// It returns false, storing nothing, when the ticket was closed meanwhile.
func (s *Store) joinTicket(ctx context.Context, tx *sqlx.Tx, id int64, in domain.Inbound, fi domain.FeedbackInput,
	now time.Time) (bool, error) {
	var t lockedTicket
	if err := tx.GetContext(ctx, &t, `SELECT `+lockedColumns+` FROM tickets WHERE id = $1 FOR UPDATE`, id); err != nil {
		return false, mapError(err, "")
	}
	if !domain.Status(t.Status).Open() {
		return false, nil
	}
	if err := s.citizenMessage(ctx, tx, t, fi.Body, in.Channel, in.ExternalID, now); err != nil {
		return false, err
	}
	if len(in.Attachments) > 0 {
		var eventID int64
		if err := tx.GetContext(ctx, &eventID, `SELECT id FROM ticket_events WHERE channel = $1 AND external_id = $2`,
			string(in.Channel), in.ExternalID); err != nil {
			return false, mapError(err, "")
		}
		if err := insertAttachments(ctx, tx, t.ID, &eventID, in.Attachments); err != nil {
			return false, err
		}
	}
	if fi.Citizen.Phone != "" || fi.Citizen.Name != "" {
		// A follow-up may give what the first message did not: keep it,
		// never overwrite; sealed when the ticket is a denouncer's.
		res, err := tx.ExecContext(ctx, `UPDATE tickets SET
				citizen_phone = CASE WHEN citizen_phone = '' THEN $2 ELSE citizen_phone END,
				citizen_name = CASE WHEN citizen_name = '' THEN $3 ELSE citizen_name END
			WHERE id = $1 AND NOT identity_restricted`, t.ID, fi.Citizen.Phone, fi.Citizen.Name)
		if err != nil {
			return false, mapError(err, "")
		}
		// Without the key a restricted ticket's follow-up identity is not
		// kept (never in clear); the message itself is.
		if n, err := res.RowsAffected(); err == nil && n == 0 && s.sealer != nil {
			more := identity{Name: fi.Citizen.Name, Phone: fi.Citizen.Phone}
			if err := restrictIdentity(ctx, tx, s.sealer, t.ID, more); err != nil {
				return false, err
			}
		}
	}
	return true, nil
}

// commentTarget finds the ticket holding comment $1: the ticket it made, or
// the ticket it joined.
const commentTarget = `
	SELECT id FROM tickets WHERE channel = 'facebook_comment' AND external_id = $1
	UNION ALL
	SELECT ticket_id FROM ticket_events WHERE channel = 'facebook_comment' AND external_id = $1
	LIMIT 1`

// commentChange records an edit or a removal of a comment on the ticket that
// holds the comment, once per change (its ExternalID is unique).
func (s *Store) commentChange(ctx context.Context, in domain.Inbound) (domain.InboundResult, error) {
	typ, outcome, body := domain.EventEdited, domain.InboundEdited, domain.InboundText(in)
	if in.Verb == "remove" {
		typ, outcome, body = domain.EventRemoved, domain.InboundRemoved, ""
	}
	data, err := json.Marshal(map[string]any{"comment_id": in.ThreadID, "verb": in.Verb})
	if err != nil {
		return domain.InboundResult{}, domain.Internal(err)
	}
	var ids []int64
	err = s.db.SelectContext(ctx, &ids, `WITH target AS (`+commentTarget+`)
		INSERT INTO ticket_events (ticket_id, type, body, public, data, channel, external_id, created_at)
		SELECT id, $2, $3, false, $4, 'facebook_comment', $5, $6 FROM target
		ON CONFLICT (channel, external_id) DO NOTHING
		RETURNING ticket_id`, in.ThreadID, string(typ), body, data, in.ExternalID, s.now())
	if err != nil {
		return domain.InboundResult{}, fmt.Errorf("record comment %s: %w", in.Verb, mapError(err, ""))
	}
	if len(ids) == 1 {
		return domain.InboundResult{Outcome: outcome, TicketID: ids[0]}, nil
	}
	// Nothing inserted: recorded before, or no ticket holds the comment.
	var ticketID int64
	err = s.db.GetContext(ctx, &ticketID, `SELECT ticket_id FROM ticket_events WHERE channel = 'facebook_comment'
		AND external_id = $1`, in.ExternalID)
	if isNoRows(err) {
		return domain.InboundResult{Outcome: domain.InboundOrphan}, nil
	}
	if err != nil {
		return domain.InboundResult{}, mapError(err, "")
	}
	return domain.InboundResult{Outcome: domain.InboundDuplicate, TicketID: ticketID}, nil
}

// senderKey hashes a sender's identity within a unit and channel into the
// second key of an advisory lock.
func senderKey(unitID int64, ch domain.Channel, sender string) int32 {
	h := fnv.New32a()
	fmt.Fprintf(h, "%d\x00%s\x00%s", unitID, ch, sender)
	return int32(h.Sum32())
}

// messageKey hashes a message's channel and id into the second key of an
// advisory lock.
func messageKey(ch domain.Channel, externalID string) int32 {
	h := fnv.New32a()
	fmt.Fprintf(h, "%s\x00%s", ch, externalID)
	return int32(h.Sum32())
}
