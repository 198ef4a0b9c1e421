package domain

import (
	"context"
	"time"
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
	RemindBefore Deadline
	// RemindFraction: remind once at most this fraction of the ticket's
	// working time is left; 0: off. With both set, a ticket is reminded when
	// both hold (the later moment), so a 4-hour ticket is not reminded at birth.
	RemindFraction float64
	// Level2After: how long overdue before the unit's leaders are told.
	Level2After Deadline
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
		RemindBefore:   Deadline{Amount: 1, Unit: WorkingDays},
		RemindFraction: 0.25,
		Level2After:    Deadline{Amount: 1, Unit: WorkingDays},
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
	Status       Status
	Kind         Kind
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
func (p DeadlinePolicy) Step(cal *WorkCalendar, t WatchTicket, now time.Time) (DeadlineStep, string) {
	switch t.Status {
	case StatusNew, StatusAssigned, StatusInProgress:
	default:
		return StepNone, ""
	}
	overdue := now.After(t.DueAt)
	notAccepted := t.Status == StatusNew && t.AcceptDueAt != nil && now.After(*t.AcceptDueAt)
	switch {
	case t.Level == 0 && overdue:
		return StepEscalate1, NoticeOverdue
	case t.Level == 0 && notAccepted:
		return StepEscalate1, NoticeNotAccepted
	case t.Level == 1 && overdue && p.Level2After.Amount > 0 &&
		watchSpan(cal, p.Level2After.Unit, t.DueAt, now) >= deadlineLength(cal, p.Level2After):
		return StepEscalate2, NoticeOverdueLeader
	case !overdue && t.RemindedAt == nil && p.dueSoon(cal, t, now):
		return StepRemind, NoticeDueSoon
	}
	return StepNone, ""
}

// dueSoon reports whether every enabled reminder threshold holds at now.
func (p DeadlinePolicy) dueSoon(cal *WorkCalendar, t WatchTicket, now time.Time) bool {
	on := false
	if p.RemindBefore.Amount > 0 {
		on = true
		if watchSpan(cal, p.RemindBefore.Unit, now, t.DueAt) > deadlineLength(cal, p.RemindBefore) {
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

// watchSpan returns the time between from and to as unit counts it: working
// time for working units, wall-clock time for calendar days.
func watchSpan(cal *WorkCalendar, unit DeadlineUnit, from, to time.Time) time.Duration {
	if unit == CalendarDays {
		return max(to.Sub(from), 0)
	}
	return cal.WorkingDuration(from, to)
}

// deadlineLength returns a deadline's amount as a duration: hours, working days of
// the calendar's day length, or 24-hour days.
func deadlineLength(cal *WorkCalendar, d Deadline) time.Duration {
	n := time.Duration(max(d.Amount, 0))
	switch d.Unit {
	case WorkingHours:
		return n * time.Hour
	case WorkingDays:
		return n * WorkingDayLength(cal)
	}
	return n * 24 * time.Hour
}

// WorkingDayLength returns the working time of one full working day of
// cal (7 h 30 with the default periods; 8 h when it has none).
func WorkingDayLength(cal *WorkCalendar) time.Duration {
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
	NoticeDeliveries(n Notice) (msgs []OutboxMessage, emailed bool)
}

// WatchResult counts what one run of the watch did.
type WatchResult struct {
	Reminded, Escalated, Notified int
}

// DeadlineBatch is one batch of the watch: the tickets it decided need a
// step, and how to decide again and write the notices.
type DeadlineBatch struct {
	IDs       []int64
	Policy    DeadlinePolicy
	Messenger DeadlineMessenger
	// Claimed, when set, is called inside the transaction once the tickets
	// are claimed and before anything is written (tests play a crash there).
	Claimed func(ctx context.Context, ids []int64)
}
