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

// The deadline watch: reminders before a ticket's due time and escalation
// after it, decided with the unit's WorkCalendar (the same arithmetic as the
// due times and the reports). Each run first reads the candidates without
// locking, decides with the calendars which ones need a step now, then claims
// them in batches, one transaction per batch, with one SELECT … FOR UPDATE
// SKIP LOCKED. The claimed rows are decided again from their locked, current
// values, so a ticket another server handled meanwhile (reminded_at set,
// escalation_level raised) is left alone, and a batch whose server died
// before committing is simply rolled back and taken by the next run.
//
// Left out on purpose: reassigning an overdue ticket by a rule. Escalation
// tells people; moving the work stays a head's or leader's decision.

// Notice kinds (notifications.kind): one of each per user and ticket.
const (
	NoticeDueSoon       = "due_soon"
	NoticeOverdue       = "overdue"
	NoticeOverdueLeader = "overdue_leader"
	NoticeNotAccepted   = "not_accepted"
)

// DeadlinePolicy says when the watch reminds and escalates. Deadlines in
// working units are measured in the unit's working time (a working day is
// the length of its working periods); calendar days in wall-clock time.
type DeadlinePolicy struct {
	// RemindBefore: remind once at most this much time is left; zero amount: off.
	RemindBefore domain.Deadline
	// RemindFraction: remind once at most this fraction of the ticket's
	// working time is left; 0: off. With both set, a ticket is reminded when
	// both hold (the later moment), so a 4-hour ticket is not reminded at birth.
	RemindFraction float64
	// Level2After: how long overdue before the unit's leaders are told.
	Level2After domain.Deadline
	// Horizon: how far ahead (wall clock) reminders are looked for; 45 days when 0.
	Horizon time.Duration
	// Batch: tickets claimed per transaction; 50 when 0.
	Batch int
}

// DefaultDeadlinePolicy returns the seeded policy: remind one working day
// before the due time or at a quarter of the ticket's working time left,
// whichever comes later; tell the leaders after one working day overdue.
func DefaultDeadlinePolicy() DeadlinePolicy {
	return DeadlinePolicy{
		RemindBefore:   domain.Deadline{Amount: 1, Unit: domain.WorkingDays},
		RemindFraction: 0.25,
		Level2After:    domain.Deadline{Amount: 1, Unit: domain.WorkingDays},
		Horizon:        45 * 24 * time.Hour,
		Batch:          50,
	}
}

// DeadlineStep is what the watch does for a ticket now.
type DeadlineStep int

// The steps.
const (
	StepNone      DeadlineStep = iota
	StepRemind                 // due soon: tell the assignee (else the heads)
	StepEscalate1              // overdue or not accepted in time: tell the department's heads
	StepEscalate2              // overdue for Level2After: tell the unit's leaders
)

// WatchTicket is what the watch reads of a ticket.
type WatchTicket struct {
	ID           int64
	UnitID       int64
	DepartmentID *int64
	AssigneeID   *int64
	Status       domain.Status
	Kind         domain.Kind
	TrackingCode string
	Title        string
	CreatedAt    time.Time
	DueAt        time.Time
	AcceptDueAt  *time.Time
	RemindedAt   *time.Time
	Level        int
}

// Step returns what the watch does for t at now on cal, and the notice kind
// it sends. Only tickets being worked on are watched (new, assigned,
// in_progress: the clock stands still while waiting for the citizen).
func (p DeadlinePolicy) Step(cal *domain.WorkCalendar, t WatchTicket, now time.Time) (DeadlineStep, string) {
	switch t.Status {
	case domain.StatusNew, domain.StatusAssigned, domain.StatusInProgress:
	default:
		return StepNone, ""
	}
	overdue := now.After(t.DueAt)
	notAccepted := t.Status == domain.StatusNew && t.AcceptDueAt != nil && now.After(*t.AcceptDueAt)
	switch {
	case t.Level == 0 && overdue:
		return StepEscalate1, NoticeOverdue
	case t.Level == 0 && notAccepted:
		return StepEscalate1, NoticeNotAccepted
	case t.Level == 1 && overdue && p.Level2After.Amount > 0 &&
		span(cal, p.Level2After.Unit, t.DueAt, now) >= length(cal, p.Level2After):
		return StepEscalate2, NoticeOverdueLeader
	case !overdue && t.RemindedAt == nil && p.dueSoon(cal, t, now):
		return StepRemind, NoticeDueSoon
	}
	return StepNone, ""
}

// dueSoon reports whether every enabled reminder threshold holds at now.
func (p DeadlinePolicy) dueSoon(cal *domain.WorkCalendar, t WatchTicket, now time.Time) bool {
	on := false
	if p.RemindBefore.Amount > 0 {
		on = true
		if span(cal, p.RemindBefore.Unit, now, t.DueAt) > length(cal, p.RemindBefore) {
			return false
		}
	}
	if p.RemindFraction > 0 {
		on = true
		total := cal.WorkingDuration(t.CreatedAt, t.DueAt)
		left := cal.WorkingDuration(now, t.DueAt)
		if float64(left) > p.RemindFraction*float64(total) {
			return false
		}
	}
	return on
}

// span returns the time between from and to as unit counts it: working
// time for working units, wall-clock time for calendar days.
func span(cal *domain.WorkCalendar, unit domain.DeadlineUnit, from, to time.Time) time.Duration {
	if unit == domain.CalendarDays {
		return max(to.Sub(from), 0)
	}
	return cal.WorkingDuration(from, to)
}

// length returns a deadline's amount as a duration: hours, working days of
// the calendar's day length, or 24-hour days.
func length(cal *domain.WorkCalendar, d domain.Deadline) time.Duration {
	n := time.Duration(max(d.Amount, 0))
	switch d.Unit {
	case domain.WorkingHours:
		return n * time.Hour
	case domain.WorkingDays:
		return n * WorkingDayLength(cal)
	}
	return n * 24 * time.Hour
}

// WorkingDayLength returns the working time of one full working day of
// cal (7 h 30 with the default periods; 8 h when it has none).
func WorkingDayLength(cal *domain.WorkCalendar) time.Duration {
	var d time.Duration
	for _, p := range cal.Periods {
		if p.EndMin > p.StartMin {
			d += time.Duration(min(p.EndMin, 24*60)-max(p.StartMin, 0)) * time.Minute
		}
	}
	if d <= 0 {
		return 8 * time.Hour
	}
	return d
}

// Recipient is a staff member a notice goes to.
type Recipient struct {
	ID         int64
	Email      string
	Name       string
	ZaloUserID string
	Digest     bool // prefers a daily digest to an e-mail per notice
}

// Notice is one deadline notice to one staff member.
type Notice struct {
	Kind   string // NoticeDueSoon, ...
	Ticket WatchTicket
	To     Recipient
	// ZaloAccountID is the ticket's unit's active Zalo OA (the lowest id
	// when it has several), through which a recipient with a Zalo user id
	// is messaged; nil when the unit has none or the recipient no Zalo id.
	ZaloAccountID *int64
}

// DeadlineMessenger writes the notices: their in-app text and what to send
// besides (e-mail, Zalo), built when the notice is stored.
type DeadlineMessenger interface {
	// NoticeText returns the in-app text of n.
	NoticeText(n Notice) string
	// NoticeDeliveries returns the outbox messages of n, and whether one of
	// them is its e-mail (the notice then stays out of the daily digest).
	NoticeDeliveries(n Notice) (msgs []domain.OutboxMessage, emailed bool)
}

// DeadlineWatch runs the watch over a Store.
type DeadlineWatch struct {
	Store     *Store
	Policy    DeadlinePolicy
	Messenger DeadlineMessenger
	// Claimed, when set, is called inside each batch's transaction once its
	// tickets are claimed and before anything is written (tests stop a
	// runner there to play a crash).
	Claimed func(ctx context.Context, ids []int64)
}

// WatchResult counts what one run did.
type WatchResult struct {
	Reminded, Escalated, Notified int
}

// RunOnce reminds and escalates every ticket that needs it at now. It
// returns what it did and the first error; a batch that fails is rolled
// back whole and left for the next run (of any server).
func (w *DeadlineWatch) RunOnce(ctx context.Context, now time.Time) (WatchResult, error) {
	var res WatchResult
	cands, err := w.candidates(ctx, now)
	if err != nil {
		return res, err
	}
	var due []int64
	for _, t := range cands {
		cal, err := w.calendar(ctx, t.UnitID)
		if err != nil {
			return res, err
		}
		if st, _ := w.Policy.Step(cal, t, now); st != StepNone {
			due = append(due, t.ID)
		}
	}
	batch := w.Policy.Batch
	if batch <= 0 {
		batch = 50
	}
	for len(due) > 0 {
		n := min(batch, len(due))
		r, err := w.runBatch(ctx, due[:n], now)
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

const watchColumns = `id, unit_id, department_id, assignee_id, status, kind, tracking_code, title,
	created_at, due_at, accept_due_at, reminded_at, escalation_level`

// candidates returns the tickets that may need a step at now: overdue ones
// below level 2, unreminded ones due within the horizon, and new ones past
// their acceptance time. The calendars then decide.
func (w *DeadlineWatch) candidates(ctx context.Context, now time.Time) ([]WatchTicket, error) {
	horizon := w.Policy.Horizon
	if horizon <= 0 {
		horizon = 45 * 24 * time.Hour
	}
	rows, err := w.Store.db.QueryxContext(ctx, `
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

func scanWatch(rows *sqlx.Rows) ([]WatchTicket, error) {
	var out []WatchTicket
	for rows.Next() {
		var t WatchTicket
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

func (w *DeadlineWatch) calendar(ctx context.Context, unitID int64) (*domain.WorkCalendar, error) {
	cat, err := w.Store.Catalog(ctx, unitID)
	if err != nil {
		return nil, fmt.Errorf("deadline watch: calendar of unit %d: %w", unitID, err)
	}
	return cat.Calendar, nil
}

// runBatch claims ids (skipping those another transaction holds) and takes
// each claimed ticket's step, all in one transaction.
func (w *DeadlineWatch) runBatch(ctx context.Context, ids []int64, now time.Time) (WatchResult, error) {
	var res WatchResult
	err := inTx(ctx, w.Store.db, func(tx *sqlx.Tx) error {
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
		if w.Claimed != nil {
			got := make([]int64, len(claimed))
			for i, t := range claimed {
				got[i] = t.ID
			}
			w.Claimed(ctx, got)
		}
		for _, t := range claimed {
			cal, err := w.calendar(ctx, t.UnitID)
			if err != nil {
				return err
			}
			step, kind := w.Policy.Step(cal, t, now)
			if step == StepNone {
				continue // done by another server meanwhile, or changed by staff
			}
			n, err := w.take(ctx, tx, t, step, kind, now)
			if err != nil {
				return fmt.Errorf("deadline watch: ticket %d: %w", t.ID, err)
			}
			if step == StepRemind {
				res.Reminded++
			} else {
				res.Escalated++
			}
			res.Notified += n
		}
		return nil
	})
	if err != nil {
		return WatchResult{}, err
	}
	return res, nil
}

// take writes one step: the notifications (once per user, ticket and
// kind), their outbox messages, the timeline event and the ticket's new
// state. It returns how many notifications it added.
func (w *DeadlineWatch) take(ctx context.Context, tx *sqlx.Tx, t WatchTicket, step DeadlineStep,
	kind string, now time.Time) (int, error) {
	to, err := recipients(ctx, tx, t, step)
	if err != nil {
		return 0, err
	}
	var notified []int64
	var zaloAccount *int64
	zaloLooked := false
	for _, r := range to {
		n := Notice{Kind: kind, Ticket: t, To: r}
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
			RETURNING id`, r.ID, t.ID, kind, domain.Truncate(w.Messenger.NoticeText(n), 2000), now)
		if isNoRows(err) {
			continue // this user already has it: a retry never doubles
		}
		if err != nil {
			return 0, mapError(err, "")
		}
		notified = append(notified, r.ID)
		msgs, emailed := w.Messenger.NoticeDeliveries(n)
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
	case StepEscalate1:
		typ, level = domain.EventEscalated, 1
		body = "Chuyển cấp 1: phiếu quá hạn xử lý, đã báo trưởng phòng."
		if kind == NoticeNotAccepted {
			body = "Chuyển cấp 1: phiếu chưa được tiếp nhận đúng thời hạn, đã báo trưởng phòng."
		}
	case StepEscalate2:
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
	if step == StepRemind {
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
func recipients(ctx context.Context, q sqlx.QueryerContext, t WatchTicket, step DeadlineStep) ([]Recipient, error) {
	type pick struct {
		where string
		arg   any
	}
	heads := pick{"role = 'head' AND department_id = $1", t.DepartmentID}
	leaders := pick{"role = 'leader' AND unit_id = $1", t.UnitID}
	var order []pick
	switch step {
	case StepRemind:
		order = []pick{{"id = $1", t.AssigneeID}, heads, leaders}
	case StepEscalate1:
		order = []pick{heads, leaders}
	case StepEscalate2:
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
		out := make([]Recipient, len(rows))
		for i, r := range rows {
			out[i] = Recipient{ID: r.ID, Email: r.Email, Name: r.Name, Digest: r.Digest}
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
