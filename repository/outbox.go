package repository

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"caunoi/domain"
)

// The transactional outbox: work to do outside the request (a reply on a
// channel, an e-mail, a Zalo message to staff) is a row that commits with the
// change that asks for it. Workers claim rows with FOR UPDATE SKIP LOCKED and
// a lease; every later mark is guarded by the attempt number taken at claim,
// so a worker that outlived its lease cannot overwrite a newer attempt.

// Longest texts kept of a send error, in runes (cut by runes, never bytes).
const (
	outboxErrorRunes = 2000
	outboxEventRunes = 1000
)

// EnqueueOutbox adds m to the outbox through q, which may be the transaction
// that writes the change m delivers, so both commit or neither does. It
// returns the new row's id; an empty kind or a payload that cannot be
// marshalled is invalid_input, a ticket or event that does not exist is
// invalid_input too.
func EnqueueOutbox(ctx context.Context, q sqlx.ExtContext, m domain.OutboxMessage) (int64, error) {
	if strings.TrimSpace(m.Kind) == "" {
		return 0, domain.Invalid("Thiếu loại tin gửi đi.", "The outbox message has no kind.",
			map[string]string{"kind": "required"})
	}
	payload := []byte("{}")
	if m.Payload != nil {
		b, err := json.Marshal(m.Payload)
		if err != nil {
			return 0, &domain.Error{Code: domain.EINVALID, Message: "Nội dung tin gửi đi không hợp lệ.",
				MessageEN: "The outbox payload cannot be encoded.", Err: err}
		}
		if string(b) != "null" {
			payload = b
		}
	}
	var notBefore *time.Time
	if !m.NotBefore.IsZero() {
		notBefore = &m.NotBefore
	}
	var id int64
	err := sqlx.GetContext(ctx, q, &id, `
		INSERT INTO outbox (kind, ticket_id, event_id, payload, next_attempt_at)
		VALUES ($1, $2, $3, $4, coalesce($5, now()))
		RETURNING id`, m.Kind, m.TicketID, m.EventID, payload, notBefore)
	if err != nil {
		return 0, mapError(err, "tin gửi đi|outbox message")
	}
	return id, nil
}

// claimOutbox takes the due pending rows, skipping those another worker has
// locked, and leases them: next_attempt_at moves to the lease's end, so the
// rows of a worker that dies become due again then. EvalPlanQual rechecks the
// WHERE on a row another worker just claimed and committed, so a row is never
// claimed twice within one lease.
const claimOutbox = `
WITH due AS (
	SELECT id FROM outbox
	WHERE status = 'pending' AND next_attempt_at <= $1
	ORDER BY next_attempt_at, id
	LIMIT $3
	FOR UPDATE SKIP LOCKED
)
UPDATE outbox o SET attempts = o.attempts + 1, next_attempt_at = $2
FROM due WHERE o.id = due.id
RETURNING o.id, o.kind, o.ticket_id, o.event_id, o.payload, o.attempts, o.created_at, o.last_error`

// ClaimOutbox claims, in one statement, up to limit pending rows due at now
// (next_attempt_at <= now), increments their attempts and leases them until
// now+lease. It returns them in id order, or an empty slice when nothing is
// due. A limit or lease below 1 is invalid_input; a database failure is
// unavailable or internal.
func (s *Store) ClaimOutbox(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]domain.OutboxItem, error) {
	if limit < 1 || lease <= 0 {
		return nil, domain.Invalid("Tham số nhận việc không hợp lệ.", "Claim limit and lease must be positive.",
			map[string]string{"limit": "invalid", "lease": "invalid"})
	}
	rows, err := s.db.QueryContext(ctx, claimOutbox, now, now.Add(lease), limit)
	if err != nil {
		return nil, mapError(err, "")
	}
	defer rows.Close()
	items := []domain.OutboxItem{}
	for rows.Next() {
		var it domain.OutboxItem
		var payload []byte
		if err := rows.Scan(&it.ID, &it.Kind, &it.TicketID, &it.EventID, &payload, &it.Attempt,
			&it.CreatedAt, &it.LastError); err != nil {
			return nil, mapError(err, "")
		}
		it.Payload = json.RawMessage(payload)
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, mapError(err, "")
	}
	sort.Slice(items, func(i, j int) bool { return items[i].ID < items[j].ID })
	return items, nil
}

// MarkOutboxSent records that attempt of row id delivered at now and, when
// the row belongs to a ticket, adds a "delivered" event to its timeline in the
// same transaction. It returns conflict when the row is no longer pending at
// that attempt (another worker re-claimed it after the lease passed, or it was
// already marked), not_found when there is no such row.
func (s *Store) MarkOutboxSent(ctx context.Context, id int64, attempt int, now time.Time) error {
	return inTx(ctx, s.db, func(tx *sqlx.Tx) error {
		row, err := markOutbox(ctx, tx, id, attempt, `
			UPDATE outbox SET status = 'sent', sent_at = $3, last_error = ''
			WHERE id = $1 AND attempts = $2 AND status = 'pending'
			RETURNING kind, ticket_id, event_id`, now)
		if err != nil {
			return err
		}
		return outboxEvent(ctx, tx, row, id, attempt, domain.EventDelivered, "", now)
	})
}

// MarkOutboxRetry records that attempt of row id failed with errText and
// makes the row due again at next. It returns conflict when the row is no
// longer pending at that attempt, not_found when there is no such row.
func (s *Store) MarkOutboxRetry(ctx context.Context, id int64, attempt int, next time.Time, errText string) error {
	_, err := markOutbox(ctx, s.db, id, attempt, `
		UPDATE outbox SET next_attempt_at = $3, last_error = $4
		WHERE id = $1 AND attempts = $2 AND status = 'pending'
		RETURNING kind, ticket_id, event_id`, next, cleanError(errText, outboxErrorRunes))
	return err
}

// MarkOutboxFailed records that row id will never be delivered (attempt
// failed with errText at now) and, when the row belongs to a ticket, adds a
// "delivery_failed" event with the reason to its timeline in the same
// transaction. It returns conflict when the row is no longer pending at that
// attempt, not_found when there is no such row.
func (s *Store) MarkOutboxFailed(ctx context.Context, id int64, attempt int, now time.Time, errText string) error {
	return inTx(ctx, s.db, func(tx *sqlx.Tx) error {
		row, err := markOutbox(ctx, tx, id, attempt, `
			UPDATE outbox SET status = 'failed', last_error = $3
			WHERE id = $1 AND attempts = $2 AND status = 'pending'
			RETURNING kind, ticket_id, event_id`, cleanError(errText, outboxErrorRunes))
		if err != nil {
			return err
		}
		return outboxEvent(ctx, tx, row, id, attempt, domain.EventDeliveryFail,
			cleanError(errText, outboxEventRunes), now)
	})
}

// OutboxStats returns how many rows wait to be sent (pending, due or not) and
// how many ended as failed, for the metrics. A database failure is
// unavailable or internal.
func (s *Store) OutboxStats(ctx context.Context) (pending, failed int, err error) {
	err = s.db.QueryRowContext(ctx, `
		SELECT (SELECT count(*) FROM outbox WHERE status = 'pending'),
		       (SELECT count(*) FROM outbox WHERE status = 'failed')`).Scan(&pending, &failed)
	if err != nil {
		return 0, 0, mapError(err, "")
	}
	return pending, failed, nil
}

// markedRow is what a guarded mark returns of the row it changed.
type markedRow struct {
	Kind     string `db:"kind"`
	TicketID *int64 `db:"ticket_id"`
	EventID  *int64 `db:"event_id"`
}

// markOutbox runs a guarded update (id $1, attempts $2, args from $3) and
// tells a refused mark (conflict) from a missing row (not_found).
func markOutbox(ctx context.Context, q sqlx.ExtContext, id int64, attempt int, query string, args ...any) (markedRow, error) {
	var row markedRow
	err := sqlx.GetContext(ctx, q, &row, query, append([]any{id, attempt}, args...)...)
	if err == nil {
		return row, nil
	}
	if !isNoRows(err) {
		return row, mapError(err, "")
	}
	var status string
	var attempts int
	err = q.QueryRowxContext(ctx, `SELECT status, attempts FROM outbox WHERE id = $1`, id).Scan(&status, &attempts)
	if err != nil {
		return row, mapError(err, "tin gửi đi|outbox message")
	}
	return row, &domain.Error{Code: domain.ECONFLICT,
		Message:   "Tin gửi đi đã được xử lý bởi lượt khác.",
		MessageEN: "The outbox message is no longer held by this attempt.",
		Err: fmt.Errorf("outbox %d: attempt %d refused: row is %s at attempt %d",
			id, attempt, status, attempts)}
}

// outboxEvent adds the outcome of a delivery to the ticket's timeline; a row
// without a ticket (an e-mail to staff) records nothing.
func outboxEvent(ctx context.Context, q sqlx.ExtContext, row markedRow, id int64, attempt int,
	typ domain.EventType, body string, now time.Time) error {
	if row.TicketID == nil {
		return nil
	}
	data := map[string]any{"outbox_id": id, "kind": row.Kind, "attempts": attempt}
	if row.EventID != nil {
		data["event_id"] = *row.EventID
	}
	b, err := json.Marshal(data)
	if err != nil {
		return domain.Internal(err)
	}
	_, err = q.ExecContext(ctx, `
		INSERT INTO ticket_events (ticket_id, type, body, public, data, created_at)
		VALUES ($1, $2, $3, false, $4, $5)`, *row.TicketID, string(typ), body, b, now)
	return mapError(err, "")
}

// cleanError makes a send error storable: valid UTF-8, no NUL (which text
// columns refuse), at most n runes.
func cleanError(s string, n int) string {
	s = strings.ToValidUTF8(s, "�")
	s = strings.ReplaceAll(s, "\x00", "")
	return domain.Truncate(strings.TrimSpace(s), n)
}
