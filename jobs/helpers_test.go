package jobs_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"caunoi/domain"
	"caunoi/repository"
)

// clock is a controllable clock: tests move it by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *clock { return &clock{t: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func (c *clock) Add(d time.Duration) { c.Set(c.Now().Add(d)) }

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// fixtureTicket inserts a unit, a department and a ticket by plain SQL and
// returns the ticket's id.
func fixtureTicket(t *testing.T, db *sqlx.DB) int64 {
	t.Helper()
	ctx := context.Background()
	var unit, dept, ticket int64
	if err := db.GetContext(ctx, &unit,
		`INSERT INTO units (code, name, level) VALUES ('xa-an-phu', 'Xã An Phú', 'commune') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	if err := db.GetContext(ctx, &dept,
		`INSERT INTO departments (unit_id, code, name) VALUES ($1, 'van-hoa', 'Văn hóa - Xã hội') RETURNING id`, unit); err != nil {
		t.Fatal(err)
	}
	if err := db.GetContext(ctx, &ticket, `
		INSERT INTO tickets (tracking_code, unit_id, department_id, channel, body, created_at, due_at)
		VALUES ('AP-0001', $1, $2, 'zalo', 'Xin hỏi thủ tục cấp giấy khai sinh', '2026-03-02T08:00:00+07:00', '2026-03-05T17:00:00+07:00')
		RETURNING id`, unit, dept); err != nil {
		t.Fatal(err)
	}
	return ticket
}

// enqueueN adds n outbox rows of kind, due at t0, and returns their ids.
func enqueueN(t *testing.T, db *sqlx.DB, n int, kind string, ticket *int64) []int64 {
	t.Helper()
	var ids []int64
	for i := 0; i < n; i++ {
		id, err := repository.EnqueueOutbox(context.Background(), db, domain.OutboxMessage{
			Kind: kind, TicketID: ticket, Payload: map[string]any{"text": "Trả lời", "n": i}, NotBefore: t0})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// outboxRow is an outbox row as the tests check it.
type outboxRow struct {
	Status    string    `db:"status"`
	Attempts  int       `db:"attempts"`
	Next      time.Time `db:"next_attempt_at"`
	LastError string    `db:"last_error"`
}

func readOutbox(t *testing.T, db *sqlx.DB, id int64) outboxRow {
	t.Helper()
	var r outboxRow
	if err := db.GetContext(context.Background(), &r,
		`SELECT status, attempts, next_attempt_at, last_error FROM outbox WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	return r
}

// event is a timeline row as the tests check it.
type event struct {
	Type string `db:"type"`
	Body string `db:"body"`
	Data []byte `db:"data"`
}

func events(t *testing.T, db *sqlx.DB, ticket int64) []event {
	t.Helper()
	var es []event
	if err := db.SelectContext(context.Background(), &es,
		`SELECT type, body, data FROM ticket_events WHERE ticket_id = $1 ORDER BY id`, ticket); err != nil {
		t.Fatal(err)
	}
	return es
}

// sendLog counts successful sends per outbox id.
type sendLog struct {
	mu    sync.Mutex
	calls int
	sent  map[int64]int
}

func newSendLog() *sendLog { return &sendLog{sent: map[int64]int{}} }

func (l *sendLog) call() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls++
	return l.calls
}

func (l *sendLog) delivered(id int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sent[id]++
}

// exactlyOnce fails t unless every id was delivered once and nothing else was.
func (l *sendLog) exactlyOnce(t *testing.T, ids []int64) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, id := range ids {
		if n := l.sent[id]; n != 1 {
			t.Errorf("row %d delivered %d times; want once", id, n)
		}
	}
	if len(l.sent) != len(ids) {
		t.Errorf("%d rows delivered; want %d", len(l.sent), len(ids))
	}
}
