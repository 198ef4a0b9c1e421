package repository_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"caunoi/domain"
	"caunoi/internal/pgtest"
	"caunoi/jobs"
	"caunoi/repository"
)

var ict = domain.VietnamLocation()

func at(day, hh, mm int) time.Time { return time.Date(2026, 11, day, hh, mm, 0, 0, ict) }

// watchFixture is a unit with a department, its staff and a holiday.
type watchFixture struct {
	db                 *sqlx.DB
	unit, dept         int64
	staff, head, head2 int64 // head2 prefers the daily digest
	leader             int64
	zaloAccount        int64
}

func newWatchFixture(t *testing.T) *watchFixture {
	t.Helper()
	ctx := context.Background()
	f := &watchFixture{db: pgtest.New(t)}
	must := func(dst any, q string, args ...any) {
		t.Helper()
		if err := f.db.GetContext(ctx, dst, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	must(&f.unit, `INSERT INTO units (code, name, level) VALUES ('xa-thu', 'Xã Thử', 'commune') RETURNING id`)
	must(&f.dept, `INSERT INTO departments (unit_id, code, name) VALUES ($1, 'kinh-te', 'Phòng Kinh tế') RETURNING id`, f.unit)
	user := func(email, role string, dept *int64, zalo any, digest bool) int64 {
		var id int64
		must(&id, `INSERT INTO users (email, name, password_hash, role, unit_id, department_id, zalo_user_id, digest)
			VALUES ($1, $2, 'x', $3, $4, $5, $6, $7) RETURNING id`, email, "Cán bộ "+role, role, f.unit, dept, zalo, digest)
		return id
	}
	f.staff = user("staff@xathu.vn", "staff", &f.dept, "zl-staff", false)
	f.head = user("head@xathu.vn", "head", &f.dept, nil, false)
	f.head2 = user("head2@xathu.vn", "head", &f.dept, nil, true)
	f.leader = user("leader@xathu.vn", "leader", nil, nil, false)
	user("gone@xathu.vn", "head", &f.dept, nil, false) // deactivated below: never notified
	if _, err := f.db.ExecContext(ctx, `UPDATE users SET active = false WHERE email = 'gone@xathu.vn'`); err != nil {
		t.Fatal(err)
	}
	must(&f.zaloAccount, `INSERT INTO channel_accounts (unit_id, platform, account_id) VALUES ($1, 'zalo', 'oa-1') RETURNING id`, f.unit)
	// Monday 23 November 2026 is a day off of the unit.
	if _, err := f.db.ExecContext(ctx, `INSERT INTO holidays (unit_id, day, name) VALUES ($1, '2026-11-23', 'Nghỉ bù')`, f.unit); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *watchFixture) ticket(t *testing.T, code, status string, assignee *int64, created, due time.Time, acceptDue *time.Time) int64 {
	t.Helper()
	var id int64
	if err := f.db.GetContext(context.Background(), &id, `
		INSERT INTO tickets (tracking_code, unit_id, department_id, assignee_id, channel, status, title, body,
		                     created_at, due_at, accept_due_at)
		VALUES ($1, $2, $3, $4, 'web', $5, 'Đèn đường hỏng', 'Đèn đường hỏng ở thôn 3', $6, $7, $8)
		RETURNING id`, code, f.unit, f.dept, assignee, status, created, due, acceptDue); err != nil {
		t.Fatal(err)
	}
	return id
}

// testMessenger e-mails every recipient without the digest and messages
// those with a Zalo id through the unit's OA.
type testMessenger struct{}

func (testMessenger) NoticeText(n domain.Notice) string {
	return n.Kind + " " + n.Ticket.TrackingCode
}

func (testMessenger) NoticeDeliveries(n domain.Notice) ([]domain.OutboxMessage, bool) {
	var out []domain.OutboxMessage
	if !n.To.Digest {
		out = append(out, domain.OutboxMessage{Kind: "email", Payload: map[string]any{"to": n.To.Email,
			"text": fmt.Sprintf("%s %s /staff/tickets/%d", n.Kind, n.Ticket.TrackingCode, n.Ticket.ID)}})
	}
	if n.To.ZaloUserID != "" && n.ZaloAccountID != nil {
		out = append(out, domain.OutboxMessage{Kind: "zalo_staff", Payload: map[string]any{
			"channel_account_id": *n.ZaloAccountID, "recipient": n.To.ZaloUserID}})
	}
	return out, !n.To.Digest
}

var watchPolicy = domain.DeadlinePolicy{
	RemindBefore: domain.Deadline{Amount: 1, Unit: domain.WorkingDays},
	Level2After:  domain.Deadline{Amount: 1, Unit: domain.WorkingDays},
}

// newWatch returns a watch over a store of its own, as a second server has.
func newWatch(db *sqlx.DB) *jobs.DeadlineWatch {
	return &jobs.DeadlineWatch{Store: repository.NewStore(db, nil), Policy: watchPolicy, Messenger: testMessenger{}}
}

// race runs every watch at now together and returns the steps they took in all.
func race(t *testing.T, now time.Time, ws ...*jobs.DeadlineWatch) int {
	t.Helper()
	var wg sync.WaitGroup
	var mu sync.Mutex
	steps := 0
	for _, w := range ws {
		wg.Go(func() {
			res, err := w.RunOnce(context.Background(), now)
			if err != nil {
				t.Errorf("watch at %v: %v", now, err)
			}
			mu.Lock()
			steps += res.Reminded + res.Escalated
			mu.Unlock()
		})
	}
	wg.Wait()
	return steps
}

func timeline(t *testing.T, db *sqlx.DB, ticket int64) []string {
	t.Helper()
	var out []string
	if err := db.Select(&out, `SELECT type || coalesce(':' || (data->>'level'), '') FROM ticket_events
		WHERE ticket_id = $1 ORDER BY id`, ticket); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestWatchFollowsWorkingTimeAcrossWeekendAndHoliday(t *testing.T) {
	f := newWatchFixture(t)
	// A: due Friday 20 at 17:00, assigned. B: due Tuesday 24 at 17:00, after
	// the weekend and the Monday off, unassigned.
	a := f.ticket(t, "THU-A", "assigned", &f.staff, at(16, 8, 0), at(20, 17, 0), nil)
	b := f.ticket(t, "THU-B", "in_progress", nil, at(19, 8, 0), at(24, 17, 0), nil)
	w1, w2 := newWatch(f.db), newWatch(f.db)

	steps := []struct {
		now  time.Time
		a, b []string
	}{
		{at(19, 16, 59), nil, nil},
		{at(19, 17, 0), []string{"reminded:0"}, nil}, // Thursday afternoon, one working day before
		{at(20, 16, 59), []string{"reminded:0"}, nil},
		{at(20, 17, 0), []string{"reminded:0"}, []string{"reminded:0"}}, // B: Friday, the Monday off skipped
		{at(20, 17, 1), []string{"reminded:0", "escalated:1"}, []string{"reminded:0"}},
		{at(21, 10, 0), []string{"reminded:0", "escalated:1"}, []string{"reminded:0"}},  // Saturday
		{at(23, 17, 1), []string{"reminded:0", "escalated:1"}, []string{"reminded:0"}},  // the day off
		{at(24, 16, 59), []string{"reminded:0", "escalated:1"}, []string{"reminded:0"}}, // not yet a working day overdue
		{at(24, 17, 0), []string{"reminded:0", "escalated:1", "escalated:2"}, []string{"reminded:0"}},
		{at(24, 17, 1), []string{"reminded:0", "escalated:1", "escalated:2"}, []string{"reminded:0", "escalated:1"}},
		{at(25, 16, 59), []string{"reminded:0", "escalated:1", "escalated:2"}, []string{"reminded:0", "escalated:1"}},
		{at(25, 17, 0), []string{"reminded:0", "escalated:1", "escalated:2"},
			[]string{"reminded:0", "escalated:1", "escalated:2"}},
		{at(30, 9, 0), []string{"reminded:0", "escalated:1", "escalated:2"},
			[]string{"reminded:0", "escalated:1", "escalated:2"}},
	}
	total := 0
	for _, s := range steps {
		total += race(t, s.now, w1, w2)
		if got := timeline(t, f.db, a); fmt.Sprint(got) != fmt.Sprint(s.a) {
			t.Fatalf("at %v: A's timeline %v; want %v", s.now, got, s.a)
		}
		if got := timeline(t, f.db, b); fmt.Sprint(got) != fmt.Sprint(s.b) {
			t.Fatalf("at %v: B's timeline %v; want %v", s.now, got, s.b)
		}
	}
	if total != 6 {
		t.Errorf("the racing runners took %d steps; want 6, each once", total)
	}
	var got []string
	if err := f.db.Select(&got, `SELECT t.tracking_code || ' ' || n.kind || ' ' || u.email
		FROM notifications n JOIN tickets t ON t.id = n.ticket_id JOIN users u ON u.id = n.user_id
		ORDER BY n.id`); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"THU-A due_soon staff@xathu.vn",                                 // the assignee
		"THU-B due_soon head@xathu.vn", "THU-B due_soon head2@xathu.vn", // unassigned: the heads
		"THU-A overdue head@xathu.vn", "THU-A overdue head2@xathu.vn",
		"THU-A overdue_leader leader@xathu.vn",
		"THU-B overdue head@xathu.vn", "THU-B overdue head2@xathu.vn",
		"THU-B overdue_leader leader@xathu.vn",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("notifications\n%v\nwant\n%v", got, want)
	}
	// One e-mail per notice of a user without the digest, one Zalo message
	// for the staff member with a Zalo id; nothing twice.
	var kinds []string
	if err := f.db.Select(&kinds, `SELECT kind FROM outbox ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(kinds) != "[email zalo_staff email email email email email]" {
		t.Errorf("outbox %v", kinds)
	}
	var digestWaiting int
	pgtest.MustGet(t, f.db, &digestWaiting, `SELECT count(*) FROM notifications WHERE emailed_at IS NULL`)
	if digestWaiting != 3 {
		t.Errorf("%d notifications wait for the digest; want head2's 3", digestWaiting)
	}
}

func TestWatchEscalatesTicketsNotAccepted(t *testing.T) {
	f := newWatchFixture(t)
	accept := at(17, 15, 30)
	id := f.ticket(t, "THU-N", "new", nil, at(16, 15, 30), at(30, 17, 0), &accept)
	w := newWatch(f.db)
	race(t, at(17, 15, 30), w)
	if got := timeline(t, f.db, id); len(got) != 0 {
		t.Fatalf("at the acceptance time: %v", got)
	}
	race(t, at(17, 15, 31), w, newWatch(f.db))
	race(t, at(18, 9, 0), w)
	if got := timeline(t, f.db, id); fmt.Sprint(got) != "[escalated:1]" {
		t.Fatalf("timeline %v; want one escalation", got)
	}
	var kinds []string
	pgtest.MustSelect(t, f.db, &kinds, `SELECT kind FROM notifications WHERE ticket_id = $1 ORDER BY user_id`, id)
	if fmt.Sprint(kinds) != "[not_accepted not_accepted]" {
		t.Errorf("notifications %v", kinds)
	}
	// Accepted later, it is no longer watched for acceptance, only for its due time.
	f.db.MustExec(`UPDATE tickets SET status = 'in_progress' WHERE id = $1`, id)
	race(t, at(27, 17, 0), w) // one working day before due (the 30th is a Monday)
	if got := timeline(t, f.db, id); fmt.Sprint(got) != "[escalated:1 reminded:1]" {
		t.Errorf("timeline %v", got)
	}
}

func TestKilledRunnerLeavesItsBatchToAnother(t *testing.T) {
	f := newWatchFixture(t)
	var ids []int64
	for i := range 5 {
		ids = append(ids, f.ticket(t, fmt.Sprintf("THU-K%d", i), "assigned", &f.staff, at(16, 8, 0), at(18, 17, 0), nil))
	}
	now := at(19, 9, 0)
	claimed := make(chan []int64, 1)
	killed := newWatch(f.db)
	killed.Claimed = func(ctx context.Context, got []int64) {
		claimed <- got
		<-ctx.Done() // the server dies here: nothing written, nothing committed
	}
	ctx, kill := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := killed.RunOnce(ctx, now)
		done <- err
	}()
	if got := <-claimed; len(got) != len(ids) {
		t.Fatalf("claimed %v; want the 5 tickets", got)
	}
	other := newWatch(f.db)
	if n := race(t, now, other); n != 0 {
		t.Fatalf("another runner took %d tickets still claimed; want them skipped", n)
	}
	kill()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("killed runner: %v; want context.Canceled", err)
	}
	// The killed runner's connection is dropped as it returns, but its
	// session ends (and its claim's row locks go) only once PostgreSQL has
	// seen the socket close: wait for that, as a server that died leaves
	// its locks until its connections are gone.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		var open int
		if err := f.db.Get(&open, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND state LIKE 'idle in transaction%'`); err != nil {
			t.Fatal(err)
		}
		if open == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the killed runner's transaction is still open after 10 s")
		}
	}
	if n := race(t, now.Add(time.Minute), other); n != len(ids) {
		t.Fatalf("after the kill the other runner took %d; want %d", n, len(ids))
	}
	if n := race(t, now.Add(2*time.Minute), other, newWatch(f.db)); n != 0 {
		t.Fatalf("a later run took %d more", n)
	}
	var events, notes, outbox int
	pgtest.MustGet(t, f.db, &events, `SELECT count(*) FROM ticket_events WHERE type = 'escalated'`)
	pgtest.MustGet(t, f.db, &notes, `SELECT count(*) FROM notifications`)
	pgtest.MustGet(t, f.db, &outbox, `SELECT count(*) FROM outbox`)
	if events != 5 || notes != 10 || outbox != 5 {
		t.Errorf("events %d, notifications %d, outbox %d; want 5, 10 (two heads each), 5 (e-mails to one head)",
			events, notes, outbox)
	}
}

func TestStepPolicy(t *testing.T) {
	cal := domain.NewWorkCalendar(ict, nil)
	p := domain.DefaultDeadlinePolicy() // 1 working day, or a quarter, whichever is later
	// 4 working hours from Tuesday 08:00: 3h30 before lunch, due at 14:00.
	short := domain.WatchTicket{Status: domain.StatusAssigned, CreatedAt: at(3, 8, 0), DueAt: at(3, 14, 0)}
	long := domain.WatchTicket{Status: domain.StatusAssigned, CreatedAt: at(2, 8, 0), DueAt: at(13, 17, 0)}
	cases := []struct {
		name string
		t    domain.WatchTicket
		now  time.Time
		want domain.DeadlineStep
	}{
		{"short, at birth", short, at(3, 8, 0), domain.StepNone},
		{"short, 1h01 left", short, at(3, 10, 59), domain.StepNone},
		{"short, 1h left", short, at(3, 11, 0), domain.StepRemind},
		{"long, two days left", long, at(11, 17, 0), domain.StepNone},
		{"long, one day left", long, at(12, 17, 0), domain.StepRemind},
		{"overdue", long, at(13, 17, 1), domain.StepEscalate1},
		{"waiting for the citizen", func() domain.WatchTicket {
			x := long
			x.Status = domain.StatusWaitingCitizen
			return x
		}(), at(20, 9, 0), domain.StepNone},
		{"resolved", func() domain.WatchTicket { x := long; x.Status = domain.StatusResolved; return x }(),
			at(20, 9, 0), domain.StepNone},
		{"level 1, half a day overdue", func() domain.WatchTicket { x := long; x.Level = 1; return x }(),
			at(16, 12, 0), domain.StepNone},
		{"level 1, a day overdue", func() domain.WatchTicket { x := long; x.Level = 1; return x }(),
			at(16, 17, 0), domain.StepEscalate2},
		{"level 2 stays", func() domain.WatchTicket { x := long; x.Level = 2; return x }(),
			at(30, 17, 0), domain.StepNone},
	}
	for _, c := range cases {
		if got, _ := p.Step(cal, c.t, c.now); got != c.want {
			t.Errorf("%s: step %v; want %v", c.name, got, c.want)
		}
	}
}

func TestSendDigestsGroupsADayOnce(t *testing.T) {
	f := newWatchFixture(t)
	a := f.ticket(t, "THU-D1", "assigned", nil, at(16, 8, 0), at(30, 17, 0), nil)
	b := f.ticket(t, "THU-D2", "assigned", nil, at(16, 8, 0), at(30, 17, 0), nil)
	ins := func(user, ticket int64, kind string, created time.Time) {
		f.db.MustExec(`INSERT INTO notifications (user_id, ticket_id, kind, body, created_at) VALUES ($1, $2, $3, $4, $5)`,
			user, ticket, kind, kind+" "+fmt.Sprint(ticket), created)
	}
	ins(f.head2, a, "due_soon", at(18, 9, 0))
	ins(f.head2, b, "overdue", at(18, 15, 0))
	ins(f.head2, b, "overdue_leader", at(18, 17, 0)) // after the cut: tomorrow's digest
	ins(f.head, a, "due_soon", at(18, 9, 0))         // no digest for this user
	cut := at(18, 16, 30)
	var mu sync.Mutex
	var digests []repository.Digest
	compose := func(d repository.Digest) []domain.OutboxMessage {
		mu.Lock()
		digests = append(digests, d)
		mu.Unlock()
		return []domain.OutboxMessage{{Kind: "email", Payload: map[string]any{"to": d.Email, "n": len(d.Items)}}}
	}
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			s := repository.NewStore(f.db, nil)
			if _, err := s.SendDigests(context.Background(), cut, cut.Add(time.Minute), 10, compose); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if len(digests) != 1 || digests[0].UserID != f.head2 || len(digests[0].Items) != 2 ||
		digests[0].Items[0].TrackingCode != "THU-D1" || digests[0].Items[1].TrackingCode != "THU-D2" {
		t.Fatalf("digests %+v; want one for head2 with its two notices of the day", digests)
	}
	var outbox int
	pgtest.MustGet(t, f.db, &outbox, `SELECT count(*) FROM outbox`)
	if outbox != 1 {
		t.Errorf("%d e-mails enqueued; want 1", outbox)
	}
	// The next day's digest holds the late notice.
	next := repository.NewStore(f.db, nil)
	n, err := next.SendDigests(context.Background(), cut.AddDate(0, 0, 1), cut.AddDate(0, 0, 1), 10, compose)
	if err != nil || n != 1 || len(digests) != 2 || len(digests[1].Items) != 1 {
		t.Errorf("next day: %d, %v, %+v", n, err, digests)
	}
}
