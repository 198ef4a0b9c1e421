package main

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"caunoi/domain"
	"caunoi/internal/pgtest"
	"caunoi/jobs"
	"caunoi/notify/notifytest"
	"caunoi/repository"
)

// testClock is a settable clock.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

func deadlineFixture(t *testing.T, db *sqlx.DB) (tickets []int64) {
	t.Helper()
	ict := domain.VietnamLocation()
	var unit, dept int64
	if err := db.Get(&unit, `INSERT INTO units (code, name, level) VALUES ('xa-mail', 'Xã Thư', 'commune') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	if err := db.Get(&dept, `INSERT INTO departments (unit_id, code, name) VALUES ($1, 'kinh-te', 'Phòng Kinh tế') RETURNING id`, unit); err != nil {
		t.Fatal(err)
	}
	db.MustExec(`INSERT INTO users (email, name, password_hash, role, unit_id, department_id, digest) VALUES
		('head@xamail.vn', 'Trần Văn Bình', 'x', 'head', $1, $2, false),
		('deputy@xamail.vn', 'Lê Thị Hoa', 'x', 'head', $1, $2, true)`, unit, dept)
	for i, code := range []string{"XM-0001", "XM-0002"} {
		var id int64
		if err := db.Get(&id, `INSERT INTO tickets (tracking_code, unit_id, department_id, channel, status, title, body, created_at, due_at)
			VALUES ($1, $2, $3, 'web', 'assigned', $4, 'Nội dung', $5, $6) RETURNING id`,
			code, unit, dept, []string{"Đèn đường hỏng", "Rác thải ven đường"}[i],
			time.Date(2026, 11, 16, 8, 0, 0, 0, ict), time.Date(2026, 11, 20, 17, 0, 0, 0, ict)); err != nil {
			t.Fatal(err)
		}
		tickets = append(tickets, id)
	}
	return tickets
}

func TestDeadlineNoticesArriveBySMTP(t *testing.T) {
	db := pgtest.New(t)
	ids := deadlineFixture(t, db)
	ict := domain.VietnamLocation()
	smtp := notifytest.Start(t)
	clock := &testClock{t: time.Date(2026, 11, 20, 17, 5, 0, 0, ict)} // Friday, just overdue
	store := repository.NewStore(db, clock.Now)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	d := jobDeps{cfg: Config{PublicURL: "https://caunoi.xuanlung.test", SMTPURL: smtp.URL(), Location: ict},
		store: store, log: quiet, now: clock.Now}
	specs := map[string]jobSpec{}
	for _, s := range deadlineJobs(d) {
		specs[s.name] = s
	}
	if _, ok := specs["daily_digest"]; !ok {
		t.Fatalf("jobs %v; want the digest when SMTP is set", specs)
	}
	run := func(name string) {
		t.Helper()
		if err := specs[name].run(context.Background(), clock.Now()); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	worker := &jobs.OutboxWorker{Store: store, Senders: notifySenders(newMailer(d), nil),
		Now: clock.Now, Log: quiet}
	deliver := func() {
		t.Helper()
		if _, _, failed, err := worker.RunOnce(context.Background()); err != nil || failed != 0 {
			t.Fatalf("outbox: %d failed, %v", failed, err)
		}
	}

	run("deadline_watch")
	run("deadline_watch")
	deliver()
	deliver()
	msgs := smtp.Messages()
	if len(msgs) != 2 {
		t.Fatalf("%d e-mails; want one per ticket to the head without the digest", len(msgs))
	}
	for i, m := range msgs {
		if m.To[0] != "head@xamail.vn" {
			t.Errorf("e-mail to %v", m.To)
		}
		text := m.Text(t)
		link := "https://caunoi.xuanlung.test/staff/tickets/" + formatID(ids[i])
		if !strings.Contains(text, link) || !strings.Contains(text, "Kính gửi Trần Văn Bình") ||
			!strings.Contains(m.Header(t, "Subject"), "Quá hạn: XM-000") {
			t.Errorf("e-mail %d lacks the link %s or the greeting:\n%s", i, link, text)
		}
	}
	var delivered int
	pgtest.MustGet(t, db, &delivered, `SELECT count(*) FROM ticket_events WHERE type = 'delivered'`)
	if delivered != 0 {
		t.Errorf("%d delivered events: a staff e-mail is not a reply on the ticket", delivered)
	}

	// Before 16:30 the deputy's digest waits; after it, one e-mail groups both tickets.
	run("daily_digest")
	deliver()
	if n := len(smtp.Messages()); n != 2 {
		t.Fatalf("digest sent before its time: %d e-mails", n)
	}
	clock.Set(time.Date(2026, 11, 21, 16, 30, 0, 0, ict))
	run("daily_digest")
	run("daily_digest")
	deliver()
	msgs = smtp.Messages()
	if len(msgs) != 3 || msgs[2].To[0] != "deputy@xamail.vn" {
		t.Fatalf("%d e-mails; want the deputy's digest as the third", len(msgs))
	}
	digest := msgs[2].Text(t)
	for _, want := range []string{"XM-0001", "XM-0002", "/staff/tickets/" + formatID(ids[0]), "/staff/tickets/" + formatID(ids[1])} {
		if !strings.Contains(digest, want) {
			t.Errorf("digest lacks %q:\n%s", want, digest)
		}
	}
	if s := msgs[2].Header(t, "Subject"); !strings.Contains(s, "2 thông báo") {
		t.Errorf("digest subject %q", s)
	}
}

func TestDigestCut(t *testing.T) {
	ict := domain.VietnamLocation()
	for _, c := range []struct{ now, want time.Time }{
		{time.Date(2026, 11, 21, 16, 29, 0, 0, ict), time.Date(2026, 11, 20, 16, 30, 0, 0, ict)},
		{time.Date(2026, 11, 21, 16, 30, 0, 0, ict), time.Date(2026, 11, 21, 16, 30, 0, 0, ict)},
		{time.Date(2026, 12, 1, 2, 0, 0, 0, ict), time.Date(2026, 11, 30, 16, 30, 0, 0, ict)},
	} {
		if got := digestCut(c.now, ict, digestAt); !got.Equal(c.want) {
			t.Errorf("digestCut(%v) = %v; want %v", c.now, got, c.want)
		}
	}
}

func formatID(id int64) string { return strconv.FormatInt(id, 10) }
