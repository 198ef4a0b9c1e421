package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"caunoi/domain"
	"caunoi/internal/httpx"
	"caunoi/jobs"
	"caunoi/notify"
	"caunoi/repository"
)

// The deadline jobs' schedule.
const (
	deadlineInterval = time.Minute
	digestInterval   = time.Minute
	// digestAt is when, each day in CAUNOI_TIMEZONE, the daily digests go
	// out (minutes after midnight): the notices of the day before it.
	digestAt = 16*60 + 30
)

// deadlineJobs returns the deadline jobs: the watch (reminders and
// escalation, every minute on every server: tickets are claimed with
// FOR UPDATE SKIP LOCKED) and, when CAUNOI_SMTP_URL is set, the daily
// digest (users are claimed the same way).
func deadlineJobs(d jobDeps) []jobSpec {
	mailer := newMailer(d)
	msgr := &deadlineMessenger{
		composer: notify.Composer{PublicURL: d.cfg.PublicURL, Loc: d.cfg.Location},
		email:    mailer != nil,
		zalo:     true,
	}
	watch := &jobs.DeadlineWatch{Store: d.store, Policy: domain.DefaultDeadlinePolicy(), Messenger: msgr}
	specs := []jobSpec{{name: "deadline_watch", interval: deadlineInterval, run: watchJob(watch, d.log)}}
	if mailer != nil {
		specs = append(specs, jobSpec{name: "daily_digest", interval: digestInterval,
			run: digestJob(d.store, msgr.composer, d.cfg.Location, digestAt)})
	}
	return specs
}

// newMailer returns the SMTP mailer of CAUNOI_SMTP_URL, or nil when it is
// unset (e-mail is then neither enqueued nor sent).
func newMailer(d jobDeps) *notify.Mailer {
	if d.cfg.SMTPURL == "" {
		return nil
	}
	m, err := notify.ParseSMTPURL(d.cfg.SMTPURL)
	if err != nil {
		d.log.Error("e-mail is off: CAUNOI_SMTP_URL", slog.String("error", err.Error()))
		return nil
	}
	m.Now = d.now
	return m
}

// watchJob runs the deadline watch once, logging what it did.
func watchJob(w *jobs.DeadlineWatch, log *slog.Logger) jobs.Func {
	return func(ctx context.Context, now time.Time) error {
		res, err := w.RunOnce(ctx, now)
		if res.Reminded+res.Escalated > 0 {
			log.Info("deadline watch", slog.Int("reminded", res.Reminded), slog.Int("escalated", res.Escalated),
				slog.Int("notified", res.Notified))
		}
		return err
	}
}

// digestJob sends the daily digests of the notices made before the latest
// digest time (at minutes after midnight in loc) at or before now; a run
// that finds nothing to send does nothing, so it may run every minute on
// every server.
func digestJob(store *repository.Store, comp notify.Composer, loc *time.Location, at int) jobs.Func {
	return func(ctx context.Context, now time.Time) error {
		cut := digestCut(now, loc, at)
		_, err := store.SendDigests(ctx, cut, now, 50, func(dg repository.Digest) []domain.OutboxMessage {
			items := make([]notify.DigestItem, len(dg.Items))
			for i, it := range dg.Items {
				items[i] = notify.DigestItem{TrackingCode: it.TrackingCode, Body: it.Body, At: it.CreatedAt}
				if it.TicketID != nil {
					items[i].TicketID = *it.TicketID
				}
			}
			e := comp.DigestEmail(dg.Email, dg.Name, cut, items)
			return []domain.OutboxMessage{{Kind: domain.OutboxEmail, Payload: e}}
		})
		return err
	}
}

// digestCut returns the latest digest time (at minutes after midnight in
// loc) at or before now.
func digestCut(now time.Time, loc *time.Location, at int) time.Time {
	if loc == nil {
		loc = time.FixedZone("ICT", 7*3600)
	}
	l := now.In(loc)
	cut := time.Date(l.Year(), l.Month(), l.Day(), 0, at, 0, 0, loc)
	if cut.After(now) {
		cut = time.Date(l.Year(), l.Month(), l.Day()-1, 0, at, 0, 0, loc)
	}
	return cut
}

// deadlineMessenger writes the notices with notify's texts: an e-mail for
// users without the digest when e-mail is on, a Zalo message for users with
// a Zalo id when the ticket's unit has a Zalo OA.
type deadlineMessenger struct {
	composer notify.Composer
	email    bool
	zalo     bool
}

func (m *deadlineMessenger) notice(n domain.Notice) notify.Notice {
	return notify.Notice{Kind: n.Kind, TicketID: n.Ticket.ID, TrackingCode: n.Ticket.TrackingCode,
		Title: n.Ticket.Title, DueAt: n.Ticket.DueAt, AcceptDueAt: n.Ticket.AcceptDueAt}
}

// NoticeText returns the in-app text.
func (m *deadlineMessenger) NoticeText(n domain.Notice) string {
	return m.composer.Text(m.notice(n))
}

// NoticeDeliveries returns the e-mail and Zalo messages of n.
func (m *deadlineMessenger) NoticeDeliveries(n domain.Notice) ([]domain.OutboxMessage, bool) {
	var msgs []domain.OutboxMessage
	emailed := false
	nn := m.notice(n)
	if m.email && !n.To.Digest && n.To.Email != "" {
		msgs = append(msgs, domain.OutboxMessage{Kind: domain.OutboxEmail,
			Payload: m.composer.TicketEmail(nn, n.To.Email, n.To.Name)})
		emailed = true
	}
	if m.zalo && n.To.ZaloUserID != "" && n.ZaloAccountID != nil {
		msgs = append(msgs, domain.OutboxMessage{Kind: domain.OutboxZaloStaff, Payload: domain.ReplyPayload{
			TicketID: n.Ticket.ID, ChannelAccountID: *n.ZaloAccountID, Recipient: n.To.ZaloUserID,
			Text: m.composer.ZaloText(nn)}})
	}
	return msgs, emailed
}

// notifySenders returns the outbox senders of the deadline notices, to
// merge into the outbox worker's map: "email" through mailer (nil: such rows
// wait, retried, until CAUNOI_SMTP_URL is set) and "zalo_staff" through the
// Zalo reply sender of replies (the same payload and OA token handling).
func notifySenders(mailer *notify.Mailer, replies map[string]jobs.Sender) map[string]jobs.Sender {
	out := map[string]jobs.Sender{domain.OutboxEmail: emailSender(mailer)}
	if z, ok := replies[domain.OutboxZaloMessage]; ok {
		out[domain.OutboxZaloStaff] = z
	}
	return out
}

var errNoSMTP = errors.New("CAUNOI_SMTP_URL is not set: the e-mail waits until it is")

// emailSender sends a notify.Email payload; an SMTP 5xx or a malformed
// payload is permanent, anything else is retried.
func emailSender(mailer *notify.Mailer) jobs.Sender {
	return jobs.SenderFunc(func(ctx context.Context, it domain.OutboxItem) error {
		var e notify.Email
		if err := json.Unmarshal(it.Payload, &e); err != nil {
			return jobs.Permanent(fmt.Errorf("e-mail payload: %w", err))
		}
		if e.To == "" {
			return jobs.Permanent(errors.New("e-mail payload without a recipient"))
		}
		if mailer == nil {
			return errNoSMTP
		}
		if err := mailer.Send(ctx, e); err != nil {
			if notify.IsPermanent(err) {
				return jobs.Permanent(err)
			}
			return err
		}
		return nil
	})
}

// observeJobs returns a jobs.Runner.Observe that records each run in m.
func observeJobs(m *httpx.Metrics) func(job string, d time.Duration, err error) {
	return func(job string, d time.Duration, err error) {
		outcome := "ok"
		switch {
		case errors.Is(err, jobs.ErrSkipped):
			outcome = "skipped"
		case err != nil:
			outcome = "error"
		}
		m.ObserveJob(job, d, outcome)
	}
}
