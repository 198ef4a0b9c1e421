package repository_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"caunoi/domain"
	"caunoi/internal/pgtest"
	"caunoi/repository"
)

// outboxTicket inserts a unit, a department and a ticket by plain SQL and
// returns the ticket's id.
func outboxTicket(t *testing.T, db *sqlx.DB) int64 {
	t.Helper()
	ctx := context.Background()
	var unit, dept, ticket int64
	if err := db.GetContext(ctx, &unit,
		`INSERT INTO units (code, name, level) VALUES ('xa-hoa-binh', 'Xã Hòa Bình', 'commune') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	if err := db.GetContext(ctx, &dept,
		`INSERT INTO departments (unit_id, code, name) VALUES ($1, 'dia-chinh', 'Địa chính') RETURNING id`, unit); err != nil {
		t.Fatal(err)
	}
	if err := db.GetContext(ctx, &ticket, `
		INSERT INTO tickets (tracking_code, unit_id, department_id, channel, body, created_at, due_at)
		VALUES ('HB-0001', $1, $2, 'facebook_comment', 'Đèn đường thôn Đông hỏng', '2026-03-02T08:00:00+07:00', '2026-03-05T17:00:00+07:00')
		RETURNING id`, unit, dept); err != nil {
		t.Fatal(err)
	}
	return ticket
}

var outboxT0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func enqueue(t *testing.T, db *sqlx.DB, m domain.OutboxMessage) int64 {
	t.Helper()
	id, err := repository.EnqueueOutbox(context.Background(), db, m)
	if err != nil {
		t.Fatalf("enqueue: %v", err)
	}
	return id
}

func ids(items []domain.OutboxItem) []int64 {
	var out []int64
	for _, it := range items {
		out = append(out, it.ID)
	}
	return out
}

func TestEnqueueOutboxCommitsWithItsTransaction(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	ticket := outboxTicket(t, db)
	msg := func(event int64) domain.OutboxMessage {
		return domain.OutboxMessage{Kind: "facebook_reply", TicketID: &ticket, EventID: &event,
			Payload: map[string]string{"text": "Đã sửa xong."}, NotBefore: outboxT0}
	}
	writeReply := func(commit bool) {
		t.Helper()
		tx, err := db.BeginTxx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback() //nolint:errcheck
		var event int64
		if err := tx.GetContext(ctx, &event, `INSERT INTO ticket_events (ticket_id, type, body, public)
			VALUES ($1, 'reply', 'Đã sửa xong.', true) RETURNING id`, ticket); err != nil {
			t.Fatal(err)
		}
		if _, err := repository.EnqueueOutbox(ctx, tx, msg(event)); err != nil {
			t.Fatal(err)
		}
		if commit {
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
		}
	}
	writeReply(false)
	var n int
	if err := db.GetContext(ctx, &n, `SELECT count(*) FROM outbox`); err != nil || n != 0 {
		t.Fatalf("after rollback: %d rows, %v; want none", n, err)
	}
	writeReply(true)

	store := repository.NewStore(db, nil)
	items, err := store.ClaimOutbox(ctx, outboxT0, 10, time.Minute)
	if err != nil || len(items) != 1 {
		t.Fatalf("claim: %v, %v; want the committed row", items, err)
	}
	it := items[0]
	var payload map[string]string
	if err := json.Unmarshal(it.Payload, &payload); err != nil || payload["text"] != "Đã sửa xong." {
		t.Errorf("payload %s (%v)", it.Payload, err)
	}
	if it.Kind != "facebook_reply" || it.TicketID == nil || *it.TicketID != ticket || it.EventID == nil ||
		it.Attempt != 1 || it.LastError != "" {
		t.Errorf("item %+v", it)
	}
}

func TestEnqueueOutboxRefusesBadInput(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	if _, err := repository.EnqueueOutbox(ctx, db, domain.OutboxMessage{Kind: " "}); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("empty kind: %v; want invalid_input", err)
	}
	if _, err := repository.EnqueueOutbox(ctx, db, domain.OutboxMessage{Kind: "x", Payload: func() {}}); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("unencodable payload: %v; want invalid_input", err)
	}
	missing := int64(999999)
	if _, err := repository.EnqueueOutbox(ctx, db, domain.OutboxMessage{Kind: "x", TicketID: &missing}); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("missing ticket: %v; want invalid_input", err)
	}
	// A nil payload is {}, a zero NotBefore is due now.
	id := enqueue(t, db, domain.OutboxMessage{Kind: "email"})
	items, err := repository.NewStore(db, nil).ClaimOutbox(ctx, time.Now().Add(time.Second), 10, time.Minute)
	if err != nil || len(items) != 1 || items[0].ID != id || string(items[0].Payload) != "{}" {
		t.Fatalf("claim: %+v, %v", items, err)
	}
}

func TestClaimOutboxLeasesRowsAndHonoursNotBefore(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	store := repository.NewStore(db, nil)
	a := enqueue(t, db, domain.OutboxMessage{Kind: "k", NotBefore: outboxT0})
	b := enqueue(t, db, domain.OutboxMessage{Kind: "k", NotBefore: outboxT0.Add(-time.Minute)})
	later := enqueue(t, db, domain.OutboxMessage{Kind: "k", NotBefore: outboxT0.Add(time.Hour)})
	lease := 5 * time.Minute

	got, err := store.ClaimOutbox(ctx, outboxT0, 10, lease)
	if err != nil || fmt.Sprint(ids(got)) != fmt.Sprint([]int64{a, b}) {
		t.Fatalf("first claim: %v, %v; want %d and %d", ids(got), err, a, b)
	}
	// Leased: nobody else gets them until the lease ends.
	got, err = store.ClaimOutbox(ctx, outboxT0.Add(lease-time.Second), 10, lease)
	if err != nil || len(got) != 0 {
		t.Fatalf("claim within the lease: %v, %v; want none", ids(got), err)
	}
	// The claimer never came back: after the lease the rows are due again,
	// as attempt 2.
	got, err = store.ClaimOutbox(ctx, outboxT0.Add(lease), 1, lease)
	if err != nil || len(got) != 1 || got[0].Attempt != 2 {
		t.Fatalf("claim after the lease, limit 1: %+v, %v; want one row at attempt 2", got, err)
	}
	// The first claimer's late mark is refused; the new one's is taken.
	if err := store.MarkOutboxSent(ctx, got[0].ID, 1, outboxT0.Add(lease)); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("stale mark: %v; want conflict", err)
	}
	if err := store.MarkOutboxSent(ctx, got[0].ID, 2, outboxT0.Add(lease)); err != nil {
		t.Errorf("current mark: %v", err)
	}
	if err := store.MarkOutboxSent(ctx, got[0].ID, 2, outboxT0.Add(lease)); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("second mark of the same attempt: %v; want conflict", err)
	}
	if err := store.MarkOutboxRetry(ctx, 424242, 1, outboxT0, "x"); !domain.IsNotFound(err) {
		t.Errorf("mark of a missing row: %v; want not_found", err)
	}
	got, err = store.ClaimOutbox(ctx, outboxT0.Add(2*time.Hour), 10, lease)
	if err != nil || len(got) != 2 || got[1].ID != later {
		t.Fatalf("late claim: %v, %v; want the other leased row and %d", ids(got), err, later)
	}
	if _, err := store.ClaimOutbox(ctx, outboxT0, 0, lease); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("limit 0: %v; want invalid_input", err)
	}
}

func TestMarkOutboxRecordsOutcomeOnTheTimeline(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	store := repository.NewStore(db, nil)
	ticket := outboxTicket(t, db)
	okID := enqueue(t, db, domain.OutboxMessage{Kind: "facebook_reply", TicketID: &ticket, NotBefore: outboxT0})
	badID := enqueue(t, db, domain.OutboxMessage{Kind: "zalo_message", TicketID: &ticket, NotBefore: outboxT0})
	mailID := enqueue(t, db, domain.OutboxMessage{Kind: "email", NotBefore: outboxT0})
	if _, err := store.ClaimOutbox(ctx, outboxT0, 10, time.Minute); err != nil {
		t.Fatal(err)
	}

	// A retry keeps the row pending with its error; no event.
	longErr := strings.Repeat("Người nhận ngoài khung 24 giờ ", 200) + "\x00\xff"
	retryAt := outboxT0.Add(30 * time.Second)
	if err := store.MarkOutboxRetry(ctx, badID, 1, retryAt, longErr); err != nil {
		t.Fatal(err)
	}
	var row struct {
		Status    string    `db:"status"`
		LastError string    `db:"last_error"`
		Next      time.Time `db:"next_attempt_at"`
		Attempts  int       `db:"attempts"`
	}
	if err := db.GetContext(ctx, &row, `SELECT status, last_error, next_attempt_at, attempts FROM outbox WHERE id = $1`, badID); err != nil {
		t.Fatal(err)
	}
	if row.Status != "pending" || !row.Next.Equal(retryAt) || !utf8.ValidString(row.LastError) ||
		utf8.RuneCountInString(row.LastError) > 2000 || !strings.HasPrefix(row.LastError, "Người nhận") {
		t.Errorf("after retry: %s at %v, %d runes", row.Status, row.Next, utf8.RuneCountInString(row.LastError))
	}

	items, err := store.ClaimOutbox(ctx, retryAt, 10, time.Minute)
	if err != nil || len(items) != 1 || items[0].ID != badID || items[0].Attempt != 2 ||
		!strings.HasPrefix(items[0].LastError, "Người nhận") {
		t.Fatalf("re-claim: %+v, %v", items, err)
	}
	if err := store.MarkOutboxSent(ctx, okID, 1, outboxT0.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := store.MarkOutboxFailed(ctx, badID, 2, retryAt.Add(time.Second), "zalo: code -213: user not follow OA [permanent]"); err != nil {
		t.Fatal(err)
	}
	if err := store.MarkOutboxSent(ctx, mailID, 1, outboxT0.Add(time.Second)); err != nil {
		t.Fatal(err)
	}

	type event struct {
		Type   string    `db:"type"`
		Body   string    `db:"body"`
		Public bool      `db:"public"`
		Data   []byte    `db:"data"`
		At     time.Time `db:"created_at"`
	}
	var events []event
	if err := db.SelectContext(ctx, &events, `SELECT type, body, public, data, created_at FROM ticket_events
		WHERE ticket_id = $1 ORDER BY id`, ticket); err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 {
		t.Fatalf("events %+v; want delivered and delivery_failed (none for the e-mail)", events)
	}
	want := []struct {
		typ  string
		id   int64
		kind string
		body string
	}{
		{"delivered", okID, "facebook_reply", ""},
		{"delivery_failed", badID, "zalo_message", "zalo: code -213: user not follow OA [permanent]"},
	}
	for i, w := range want {
		e := events[i]
		var data struct {
			OutboxID int64  `json:"outbox_id"`
			Kind     string `json:"kind"`
		}
		if err := json.Unmarshal(e.Data, &data); err != nil {
			t.Fatal(err)
		}
		if e.Type != w.typ || e.Public || e.Body != w.body || data.OutboxID != w.id || data.Kind != w.kind {
			t.Errorf("event %d: %+v %s; want %s of %d (%s) %q", i, e, e.Data, w.typ, w.id, w.kind, w.body)
		}
	}
	var statuses []string
	if err := db.SelectContext(ctx, &statuses, `SELECT status FROM outbox ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(statuses) != "[sent failed sent]" {
		t.Errorf("statuses %v", statuses)
	}
	pending, failed, err := store.OutboxStats(ctx)
	if err != nil || pending != 0 || failed != 1 {
		t.Errorf("stats: %d pending, %d failed, %v; want 0, 1", pending, failed, err)
	}
}

func TestMarkOutboxFailedRollsBackWhenTheEventCannotBeWritten(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	store := repository.NewStore(db, nil)
	ticket := outboxTicket(t, db)
	id := enqueue(t, db, domain.OutboxMessage{Kind: "k", TicketID: &ticket, NotBefore: outboxT0})
	if _, err := store.ClaimOutbox(ctx, outboxT0, 1, time.Minute); err != nil {
		t.Fatal(err)
	}
	// The timeline refuses the event: the mark is one transaction, so the
	// row stays pending at its attempt and the same mark can be made again.
	if _, err := db.ExecContext(ctx, `
		CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$;
		CREATE TRIGGER refuse BEFORE INSERT ON ticket_events FOR EACH ROW EXECUTE FUNCTION refuse();`); err != nil {
		t.Fatal(err)
	}
	if err := store.MarkOutboxFailed(ctx, id, 1, outboxT0, "x"); domain.ErrorCode(err) != domain.EINTERNAL {
		t.Fatalf("mark with the event refused: %v; want internal", err)
	}
	pending, failed, err := store.OutboxStats(ctx)
	if err != nil || pending != 1 || failed != 0 {
		t.Errorf("stats: %d pending, %d failed, %v; want 1, 0", pending, failed, err)
	}
	if _, err := db.ExecContext(ctx, `DROP TRIGGER refuse ON ticket_events`); err != nil {
		t.Fatal(err)
	}
	if err := store.MarkOutboxFailed(ctx, id, 1, outboxT0, "x"); err != nil {
		t.Fatalf("mark again: %v", err)
	}
}

func TestClaimOutboxConcurrentClaimersNeverShareARow(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	const rows, claimers = 120, 8
	for i := 0; i < rows; i++ {
		enqueue(t, db, domain.OutboxMessage{Kind: "k", NotBefore: outboxT0})
	}
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	errs := make(chan error, claimers)
	for c := 0; c < claimers; c++ {
		store := repository.NewStore(db, nil)
		wg.Go(func() {
			for {
				items, err := store.ClaimOutbox(ctx, outboxT0, 7, time.Hour)
				if err != nil {
					errs <- err
					return
				}
				if len(items) == 0 {
					return
				}
				mu.Lock()
				for _, it := range items {
					seen[it.ID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(seen) != rows {
		t.Errorf("%d rows claimed; want %d", len(seen), rows)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("row %d claimed %d times", id, n)
		}
	}
}
