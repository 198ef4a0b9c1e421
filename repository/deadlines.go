package repository

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"caunoi/domain"
)

// The deadline watch's reads and writes (the watch itself, which decides
// with domain.DeadlinePolicy and batches, is jobs.DeadlineWatch).

const watchColumns = `id, unit_id, department_id, assignee_id, status, kind, tracking_code, title,
	created_at, due_at, accept_due_at, reminded_at, escalation_level`

// WatchCandidates returns the tickets that may need a step at now: overdue
// ones below level 2, unreminded ones due within horizon, and new ones past
// their acceptance time, read without locking. The calendars then decide.
func (s *Store) WatchCandidates(ctx context.Context, now time.Time, horizon time.Duration) ([]domain.WatchTicket, error) {
	rows, err := s.db.QueryxContext(ctx, `
		SELECT `+watchColumns+` FROM tickets
		WHERE status IN ('new', 'assigned', 'in_progress') AND due_at <= $1 AND escalation_level < 2
		UNION
		SELECT `+watchColumns+` FROM tickets
		WHERE status IN ('new', 'assigned', 'in_progress') AND due_at > $1 AND due_at <= $2
		  AND reminded_at IS NULL
		UNION
		SELECT `+watchColumns+` FROM tickets
		WHERE status = 'new' AND escalation_level = 0 AND accept_due_at <= $1
		ORDER BY due_at, id`, now, now.Add(horizon))
	if err != nil {
		return nil, mapError(err, "")
	}
	defer rows.Close()
	return scanWatch(rows)
}

func scanWatch(rows *sqlx.Rows) ([]domain.WatchTicket, error) {
	var out []domain.WatchTicket
	for rows.Next() {
		var t domain.WatchTicket
		var status, kind string
		if err := rows.Scan(&t.ID, &t.UnitID, &t.DepartmentID, &t.AssigneeID, &status, &kind, &t.TrackingCode,
			&t.Title, &t.CreatedAt, &t.DueAt, &t.AcceptDueAt, &t.RemindedAt, &t.Level); err != nil {
			return nil, mapError(err, "")
		}
		t.Status, t.Kind = domain.Status(status), domain.Kind(kind)
		out = append(out, t)
	}
	return out, mapError(rows.Err(), "")
}

// WatchCalendar returns the working calendar of the unit.
func (s *Store) WatchCalendar(ctx context.Context, unitID int64) (*domain.WorkCalendar, error) {
	cat, err := s.Catalog(ctx, unitID)
	if err != nil {
		return nil, fmt.Errorf("deadline watch: calendar of unit %d: %w", unitID, err)
	}
	return cat.Calendar, nil
}

// TakeDeadlineSteps claims the batch's tickets (skipping those another
// transaction holds), decides each one again from its locked, current row
// and takes its step, all in one transaction: a batch that fails is
// rolled back whole and left for the next run of any server.
func (s *Store) TakeDeadlineSteps(ctx context.Context, b domain.DeadlineBatch, now time.Time) (domain.WatchResult, error) {
	var res domain.WatchResult
	ids := b.IDs
	err := inTx(ctx, s.db, func(tx *sqlx.Tx) error {
		rows, err := tx.QueryxContext(ctx, `SELECT `+watchColumns+` FROM tickets
			WHERE id = ANY($1) ORDER BY id FOR UPDATE SKIP LOCKED`, pq.Array(ids))
		if err != nil {
			return mapError(err, "")
		}
		claimed, err := scanWatch(rows)
		rows.Close()
		if err != nil {
			return err
		}
		if b.Claimed != nil {
			got := make([]int64, len(claimed))
			for i, t := range claimed {
				got[i] = t.ID
			}
			b.Claimed(ctx, got)
		}
		for _, t := range claimed {
			cal, err := s.WatchCalendar(ctx, t.UnitID)
			if err != nil {
				return err
			}
			step, kind := b.Policy.Step(cal, t, now)
			if step == domain.StepNone {
				continue // done by another server meanwhile, or changed by staff
			}
			n, err := takeStep(ctx, tx, b.Messenger, t, step, kind, now)
			if err != nil {
				return fmt.Errorf("deadline watch: ticket %d: %w", t.ID, err)
			}
			if step == domain.StepRemind {
				res.Reminded++
			} else {
				res.Escalated++
			}
			res.Notified += n
		}
		return nil
	})
	if err != nil {
		return domain.WatchResult{}, err
	}
	return res, nil
}

// takeStep writes one step: the notifications (once per user, ticket and
// kind), their outbox messages, the timeline event and the ticket's new
// state. It returns how many notifications it added.
func takeStep(ctx context.Context, tx *sqlx.Tx, msgr domain.DeadlineMessenger, t domain.WatchTicket,
	step domain.DeadlineStep, kind string, now time.Time) (int, error) {
	to, err := recipients(ctx, tx, t, step)
	if err != nil {
		return 0, err
	}
	var notified []int64
	var zaloAccount *int64
	zaloLooked := false
	for _, r := range to {
		n := domain.Notice{Kind: kind, Ticket: t, To: r}
		if r.ZaloUserID != "" {
			if !zaloLooked {
				id, ok, err := unitZaloAccount(ctx, tx, t.UnitID)
				if err != nil {
					return 0, err
				}
				if ok {
					zaloAccount = &id
				}
				zaloLooked = true
			}
			n.ZaloAccountID = zaloAccount
		}
		var id int64
		err := tx.GetContext(ctx, &id, `
			INSERT INTO notifications (user_id, ticket_id, kind, body, created_at)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (user_id, ticket_id, kind) DO NOTHING
			RETURNING id`, r.ID, t.ID, kind, domain.Truncate(msgr.NoticeText(n), 2000), now)
		if isNoRows(err) {
			continue // this user already has it: a retry never doubles
		}
		if err != nil {
			return 0, mapError(err, "")
		}
		notified = append(notified, r.ID)
		msgs, emailed := msgr.NoticeDeliveries(n)
		for _, m := range msgs {
			if m.NotBefore.IsZero() {
				m.NotBefore = now // the watch's clock, not the database's
			}
			if _, err := EnqueueOutbox(ctx, tx, m); err != nil {
				return 0, err
			}
		}
		if emailed {
			if _, err := tx.ExecContext(ctx, `UPDATE notifications SET emailed_at = $2 WHERE id = $1`, id, now); err != nil {
				return 0, mapError(err, "")
			}
		}
	}
	typ, body, level := domain.EventReminded, "Nhắc hạn: phiếu sắp đến hạn xử lý.", t.Level
	switch step {
	case domain.StepEscalate1:
		typ, level = domain.EventEscalated, 1
		body = "Chuyển cấp 1: phiếu quá hạn xử lý, đã báo trưởng phòng."
		if kind == domain.NoticeNotAccepted {
			body = "Chuyển cấp 1: phiếu chưa được tiếp nhận đúng thời hạn, đã báo trưởng phòng."
		}
	case domain.StepEscalate2:
		typ, level = domain.EventEscalated, 2
		body = "Chuyển cấp 2: phiếu quá hạn xử lý, đã báo lãnh đạo."
	}
	if notified == nil {
		notified = []int64{}
	}
	data, err := json.Marshal(map[string]any{"level": level, "reason": kind, "due_at": t.DueAt, "notified": notified})
	if err != nil {
		return 0, domain.Internal(err)
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO ticket_events (ticket_id, type, body, public, data, created_at)
		VALUES ($1, $2, $3, false, $4, $5)`, t.ID, string(typ), body, data, now); err != nil {
		return 0, mapError(err, "")
	}
	if step == domain.StepRemind {
		_, err = tx.ExecContext(ctx, `UPDATE tickets SET reminded_at = $2 WHERE id = $1`, t.ID, now)
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE tickets SET escalation_level = $2 WHERE id = $1`, t.ID, level)
	}
	return len(notified), mapError(err, "")
}

// unitZaloAccount returns the id of the unit's active Zalo OA (the lowest
// id), and false when it has none.
func unitZaloAccount(ctx context.Context, q sqlx.QueryerContext, unitID int64) (int64, bool, error) {
	var id int64
	err := sqlx.GetContext(ctx, q, &id, `SELECT id FROM channel_accounts
		WHERE unit_id = $1 AND platform = 'zalo' AND active ORDER BY id LIMIT 1`, unitID)
	if isNoRows(err) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, mapError(err, "")
	}
	return id, true, nil
}

// recipients returns who hears of a step, first choice first, falling back
// when nobody holds the role: a reminder goes to the assignee, else the
// department's heads; level 1 to the department's heads, else the unit's
// leaders; level 2 to the unit's leaders, else its admins. Only active
// accounts count.
func recipients(ctx context.Context, q sqlx.QueryerContext, t domain.WatchTicket, step domain.DeadlineStep) ([]domain.Recipient, error) {
	type pick struct {
		where string
		arg   any
	}
	heads := pick{"role = 'head' AND department_id = $1", t.DepartmentID}
	leaders := pick{"role = 'leader' AND unit_id = $1", t.UnitID}
	var order []pick
	switch step {
	case domain.StepRemind:
		order = []pick{{"id = $1", t.AssigneeID}, heads, leaders}
	case domain.StepEscalate1:
		order = []pick{heads, leaders}
	case domain.StepEscalate2:
		order = []pick{leaders, {"role = 'admin' AND unit_id = $1", t.UnitID}}
	}
	for _, p := range order {
		if p.arg == nil || p.arg == (*int64)(nil) {
			continue
		}
		var rows []struct {
			ID     int64   `db:"id"`
			Email  string  `db:"email"`
			Name   string  `db:"name"`
			Zalo   *string `db:"zalo_user_id"`
			Digest bool    `db:"digest"`
		}
		if err := sqlx.SelectContext(ctx, q, &rows, `SELECT id, email, name, zalo_user_id, digest
			FROM users WHERE active AND `+p.where+` ORDER BY id`, p.arg); err != nil {
			return nil, mapError(err, "")
		}
		if len(rows) == 0 {
			continue
		}
		out := make([]domain.Recipient, len(rows))
		for i, r := range rows {
			out[i] = domain.Recipient{ID: r.ID, Email: r.Email, Name: r.Name, Digest: r.Digest}
			if r.Zalo != nil {
				out[i].ZaloUserID = *r.Zalo
			}
		}
		return out, nil
	}
	return nil, nil
}

// OverdueByUnit returns, per unit code, how many tickets are overdue at now
// (open, not waiting for the citizen, past their due time: Ticket.Overdue),
// for the metrics. Units without overdue tickets are absent. A database
// failure is unavailable or internal.
func (s *Store) OverdueByUnit(ctx context.Context, now time.Time) (map[string]int, error) {
	var rows []struct {
		Code string `db:"code"`
		N    int    `db:"n"`
	}
	if err := s.db.SelectContext(ctx, &rows, `
		SELECT u.code, count(*) AS n
		FROM tickets t JOIN units u ON u.id = t.unit_id
		WHERE t.status IN ('new', 'assigned', 'in_progress') AND t.due_at < $1
		GROUP BY u.code`, now); err != nil {
		return nil, mapError(err, "")
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.Code] = r.N
	}
	return out, nil
}
