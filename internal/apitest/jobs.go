package apitest

import (
	"context"
	"time"

	"caunoi/domain"
	"caunoi/jobs"
	"caunoi/notify"
)

// textMessenger writes notices with notify's texts and sends nothing else.
type textMessenger struct{ c notify.Composer }

func (m textMessenger) NoticeText(n domain.Notice) string {
	return m.c.Text(notify.Notice{Kind: n.Kind, TicketID: n.Ticket.ID, TrackingCode: n.Ticket.TrackingCode,
		Title: n.Ticket.Title, DueAt: n.Ticket.DueAt, AcceptDueAt: n.Ticket.AcceptDueAt})
}

func (textMessenger) NoticeDeliveries(domain.Notice) ([]domain.OutboxMessage, bool) {
	return nil, false
}

// DeadlineWatch returns the deadline watch over the test's database with
// the default policy, writing in-app notifications only (no e-mail, no
// Zalo).
func (e *Env) DeadlineWatch() *jobs.DeadlineWatch {
	return &jobs.DeadlineWatch{Store: e.Store, Policy: domain.DefaultDeadlinePolicy(),
		Messenger: textMessenger{notify.Composer{PublicURL: "http://caunoi.test", Loc: e.Loc}}}
}

// RunDeadlineWatch runs the deadline watch once at the test clock's time,
// failing the test on error.
func (e *Env) RunDeadlineWatch() domain.WatchResult {
	e.T.Helper()
	res, err := e.DeadlineWatch().RunOnce(context.Background(), e.Clock.Now())
	if err != nil {
		e.T.Fatalf("deadline watch: %v", err)
	}
	return res
}

// AdvanceTo sets the clock to t and runs the deadline watch. The access
// tokens signed before are forgotten (they may have expired by then): the
// next request of each account signs in again.
func (e *Env) AdvanceTo(t time.Time) domain.WatchResult {
	e.T.Helper()
	e.Clock.Set(t)
	e.tokens = nil
	return e.RunDeadlineWatch()
}
