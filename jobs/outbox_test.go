package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"caunoi/channels"
	"caunoi/domain"
	"caunoi/internal/pgtest"
	"caunoi/jobs"
	"caunoi/repository"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func runOnce(t *testing.T, w *jobs.OutboxWorker) (sent, retried, failed int) {
	t.Helper()
	sent, retried, failed, err := w.RunOnce(context.Background())
	if err != nil {
		t.Fatalf("RunOnce: %v", err)
	}
	return sent, retried, failed
}

func TestOutboxRetriesWithBackoffThenDeliversOnce(t *testing.T) {
	db := pgtest.New(t)
	ticket := fixtureTicket(t, db)
	ids := enqueueN(t, db, 1, "zalo_message", &ticket)
	id := ids[0]
	clk := newClock(t0)
	log := newSendLog()
	platformDown := &channels.Error{Op: "zalo: send message", Status: 503, Message: "Service Unavailable"}
	sender := jobs.SenderFunc(func(ctx context.Context, it domain.OutboxItem) error {
		if log.call() <= 3 {
			return platformDown
		}
		var p struct{ Text string }
		if err := json.Unmarshal(it.Payload, &p); err != nil || p.Text != "Trả lời" {
			t.Errorf("payload %s", it.Payload)
		}
		log.delivered(it.ID)
		return nil
	})
	w := &jobs.OutboxWorker{Store: repository.NewStore(db, clk.Now),
		Senders: map[string]jobs.Sender{"zalo_message": sender}, Now: clk.Now, Log: quiet}

	for attempt := 1; attempt <= 3; attempt++ {
		before := clk.Now()
		if s, r, f := runOnce(t, w); s != 0 || r != 1 || f != 0 {
			t.Fatalf("attempt %d: sent %d, retried %d, failed %d; want a retry", attempt, s, r, f)
		}
		row := readOutbox(t, db, id)
		full := 30 * time.Second << (attempt - 1)
		if d := row.Next.Sub(before); row.Status != "pending" || d < full*3/4-time.Millisecond || d > full {
			t.Fatalf("attempt %d: %s, next in %v; want pending, in [¾·%v, %v]", attempt, row.Status, d, full, full)
		}
		if !strings.Contains(row.LastError, "HTTP 503") {
			t.Errorf("last error %q", row.LastError)
		}
		// Just before the back-off ends nothing is due.
		clk.Set(row.Next.Add(-time.Millisecond))
		if s, r, f := runOnce(t, w); s+r+f != 0 {
			t.Fatalf("attempt %d: ran before its back-off ended", attempt)
		}
		clk.Set(row.Next)
	}
	if s, r, f := runOnce(t, w); s != 1 || r != 0 || f != 0 {
		t.Fatalf("fourth attempt: sent %d, retried %d, failed %d; want sent", s, r, f)
	}
	clk.Add(24 * time.Hour)
	if s, r, f := runOnce(t, w); s+r+f != 0 {
		t.Fatalf("a day later: %d %d %d; want nothing left", s, r, f)
	}
	log.exactlyOnce(t, ids)
	if row := readOutbox(t, db, id); row.Status != "sent" || row.Attempts != 4 {
		t.Errorf("row %+v; want sent after 4 attempts", row)
	}
	es := events(t, db, ticket)
	if len(es) != 1 || es[0].Type != "delivered" {
		t.Errorf("events %+v; want one delivered", es)
	}
}

func TestOutboxPermanentFailureShowsOnTheTicket(t *testing.T) {
	db := pgtest.New(t)
	ticket := fixtureTicket(t, db)
	clk := newClock(t0)
	perm := enqueueN(t, db, 1, "facebook_message", &ticket)[0]
	unknown := enqueueN(t, db, 1, "carrier_pigeon", &ticket)[0]
	flaky := enqueueN(t, db, 1, "email", &ticket)[0]
	calls := map[string]int{}
	var mu sync.Mutex
	count := func(kind string) {
		mu.Lock()
		defer mu.Unlock()
		calls[kind]++
	}
	w := &jobs.OutboxWorker{
		Store: repository.NewStore(db, clk.Now),
		Senders: map[string]jobs.Sender{
			"facebook_message": jobs.SenderFunc(func(ctx context.Context, it domain.OutboxItem) error {
				count(it.Kind)
				return fmt.Errorf("reply: %w", &channels.Error{Op: "facebook: send message", Status: 400,
					Code: 10, Subcode: 2018278, Message: "outside the allowed window", Permanent: true})
			}),
			"email": jobs.SenderFunc(func(ctx context.Context, it domain.OutboxItem) error {
				count(it.Kind)
				return errors.New("smtp: 451 try again later")
			}),
		},
		Now: clk.Now, MaxAttempts: 3, Backoff: func(int) time.Duration { return time.Minute }, Log: quiet,
	}
	s, r, f := runOnce(t, w)
	if s != 0 || r != 1 || f != 2 {
		t.Fatalf("first run: sent %d, retried %d, failed %d; want 0, 1, 2", s, r, f)
	}
	for i := 0; i < 2; i++ {
		clk.Add(time.Minute)
		runOnce(t, w)
	}
	clk.Add(time.Hour)
	if s, r, f := runOnce(t, w); s+r+f != 0 {
		t.Fatalf("after giving up: %d %d %d; want nothing", s, r, f)
	}
	if calls["facebook_message"] != 1 || calls["email"] != 3 {
		t.Errorf("calls %v; want the permanent failure tried once, the flaky one MaxAttempts times", calls)
	}
	for id, want := range map[int64]string{
		perm:    "outside the allowed window",
		unknown: `no sender for kind "carrier_pigeon"`,
		flaky:   "gave up after 3 attempts: smtp: 451",
	} {
		if row := readOutbox(t, db, id); row.Status != "failed" || !strings.Contains(row.LastError, want) {
			t.Errorf("row %d: %+v; want failed with %q", id, row, want)
		}
	}
	es := events(t, db, ticket)
	if len(es) != 3 {
		t.Fatalf("events %+v; want three delivery_failed", es)
	}
	for _, e := range es {
		var data struct {
			OutboxID int64  `json:"outbox_id"`
			Kind     string `json:"kind"`
		}
		if err := json.Unmarshal(e.Data, &data); err != nil {
			t.Fatal(err)
		}
		if e.Type != string(domain.EventDeliveryFail) || e.Body == "" || data.OutboxID == 0 || data.Kind == "" {
			t.Errorf("event %+v %s", e, e.Data)
		}
		if data.OutboxID == perm && !strings.Contains(e.Body, "outside the allowed window") {
			t.Errorf("event body %q; want the platform's reason", e.Body)
		}
	}
}

func TestOutboxRacingWorkersSendEachRowOnce(t *testing.T) {
	db := pgtest.New(t)
	ids := enqueueN(t, db, 150, "zalo_message", nil)
	clk := newClock(t0)
	log := newSendLog()
	var mu sync.Mutex
	attempts := map[int64]int{}
	sender := jobs.SenderFunc(func(ctx context.Context, it domain.OutboxItem) error {
		mu.Lock()
		attempts[it.ID]++
		n := attempts[it.ID]
		mu.Unlock()
		if it.ID%3 == 0 && n == 1 {
			return errors.New("timeout") // retried at once (zero back-off), maybe by another worker
		}
		log.delivered(it.ID)
		return nil
	})
	const workers = 6
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for i := 0; i < workers; i++ {
		w := &jobs.OutboxWorker{Store: repository.NewStore(db, clk.Now),
			Senders: map[string]jobs.Sender{"zalo_message": sender}, Now: clk.Now, Batch: 4,
			Backoff: func(int) time.Duration { return 0 }, Log: quiet}
		wg.Go(func() {
			for {
				s, r, f, err := w.RunOnce(context.Background())
				if err != nil {
					errs <- err
					return
				}
				if s+r+f == 0 {
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	log.exactlyOnce(t, ids)
	var sent int
	if err := db.Get(&sent, `SELECT count(*) FROM outbox WHERE status = 'sent'`); err != nil || sent != len(ids) {
		t.Errorf("%d rows sent (%v); want %d", sent, err, len(ids))
	}
	for _, id := range ids {
		want := 1
		if id%3 == 0 {
			want = 2
		}
		if attempts[id] != want {
			t.Errorf("row %d attempted %d times; want %d", id, attempts[id], want)
		}
	}
}

// dyingStore is a worker's store that loses its database at a moment the
// test chooses, as when the server is killed.
type dyingStore struct {
	jobs.OutboxStore
	dead atomic.Bool
}

var errConnLost = errors.New("read tcp: connection reset by peer")

func (s *dyingStore) MarkOutboxSent(ctx context.Context, id int64, attempt int, now time.Time) error {
	if s.dead.Load() {
		return errConnLost
	}
	return s.OutboxStore.MarkOutboxSent(ctx, id, attempt, now)
}

func (s *dyingStore) MarkOutboxRetry(ctx context.Context, id int64, attempt int, next time.Time, e string) error {
	if s.dead.Load() {
		return errConnLost
	}
	return s.OutboxStore.MarkOutboxRetry(ctx, id, attempt, next, e)
}

func (s *dyingStore) MarkOutboxFailed(ctx context.Context, id int64, attempt int, now time.Time, e string) error {
	if s.dead.Load() {
		return errConnLost
	}
	return s.OutboxStore.MarkOutboxFailed(ctx, id, attempt, now, e)
}

func TestOutboxKilledWorkersRowsAreTakenOverAfterTheLease(t *testing.T) {
	db := pgtest.New(t)
	ids := enqueueN(t, db, 6, "facebook_comment_reply", nil)
	clk := newClock(t0)
	log := newSendLog()
	const lease = 2 * time.Minute
	ctx := context.Background()

	// Worker A claims all six rows, delivers two, then dies while sending
	// the third: nothing goes out and nothing more is recorded, so four rows
	// stay claimed under its lease.
	storeA := repository.NewStore(db, clk.Now)
	dying := &dyingStore{OutboxStore: storeA}
	var aCalls int
	a := &jobs.OutboxWorker{Store: dying, Now: clk.Now, Lease: lease, Batch: 10, Log: quiet,
		Senders: map[string]jobs.Sender{"facebook_comment_reply": jobs.SenderFunc(
			func(ctx context.Context, it domain.OutboxItem) error {
				aCalls++
				if aCalls == 3 {
					dying.dead.Store(true)
					return errConnLost
				}
				log.delivered(it.ID)
				return nil
			})}}
	sent, _, _, err := a.RunOnce(ctx)
	if sent != 2 || !errors.Is(err, errConnLost) || aCalls != 3 {
		t.Fatalf("killed worker: sent %d, %d sends, %v; want 2, 3 and the lost connection", sent, aCalls, err)
	}
	var claimed int
	if err := db.Get(&claimed, `SELECT count(*) FROM outbox WHERE status = 'pending' AND attempts = 1`); err != nil || claimed != 4 {
		t.Fatalf("%d rows left claimed (%v); want 4", claimed, err)
	}

	b := &jobs.OutboxWorker{Store: repository.NewStore(db, clk.Now), Now: clk.Now,
		Lease: lease, Log: quiet,
		Senders: map[string]jobs.Sender{"facebook_comment_reply": jobs.SenderFunc(
			func(ctx context.Context, it domain.OutboxItem) error {
				if it.Attempt != 2 {
					t.Errorf("row %d at attempt %d; want 2", it.ID, it.Attempt)
				}
				log.delivered(it.ID)
				return nil
			})}}
	clk.Add(lease - time.Second)
	if s, r, f := runOnce(t, b); s+r+f != 0 {
		t.Fatalf("within the lease: %d %d %d; want nothing", s, r, f)
	}
	clk.Add(time.Second)
	if s, r, f := runOnce(t, b); s != 4 || r+f != 0 {
		t.Fatalf("after the lease: sent %d, retried %d, failed %d; want the 4 rows A left", s, r, f)
	}
	log.exactlyOnce(t, ids)

	// A comes back late: its marks are refused by the attempt guard.
	third := ids[2]
	for name, err := range map[string]error{
		"sent":   storeA.MarkOutboxSent(ctx, third, 1, clk.Now()),
		"retry":  storeA.MarkOutboxRetry(ctx, third, 1, clk.Now().Add(time.Minute), "late"),
		"failed": storeA.MarkOutboxFailed(ctx, third, 1, clk.Now(), "late"),
	} {
		if domain.ErrorCode(err) != domain.ECONFLICT {
			t.Errorf("late %s mark: %v; want conflict", name, err)
		}
	}
	for _, id := range ids {
		if row := readOutbox(t, db, id); row.Status != "sent" || row.LastError != "" {
			t.Errorf("row %d: %+v; want sent", id, row)
		}
	}
}

func TestOutboxRecordsADeliveryEvenWhenStoppedDuringIt(t *testing.T) {
	db := pgtest.New(t)
	ids := enqueueN(t, db, 2, "k", nil)
	clk := newClock(t0)
	log := newSendLog()
	ctx, stop := context.WithCancel(context.Background())
	w := &jobs.OutboxWorker{Store: repository.NewStore(db, clk.Now), Now: clk.Now, Log: quiet,
		Senders: map[string]jobs.Sender{"k": jobs.SenderFunc(func(_ context.Context, it domain.OutboxItem) error {
			log.delivered(it.ID)
			stop() // the server shuts down while the platform answers
			return nil
		})}}
	sent, _, _, err := w.RunOnce(ctx)
	if sent != 1 || err != nil {
		t.Fatalf("sent %d, %v; want the first row recorded, the second left", sent, err)
	}
	clk.Add(time.Hour)
	if s, _, _ := runOnce(t, w); s != 1 {
		t.Fatalf("next run sent %d; want only the row left behind", s)
	}
	log.exactlyOnce(t, ids)
}

func TestOutboxWorkerLeavesRowsWhoseLeasePassedMidBatch(t *testing.T) {
	db := pgtest.New(t)
	ids := enqueueN(t, db, 3, "k", nil)
	clk := newClock(t0)
	log := newSendLog()
	// Each send takes (by the clock) longer than the whole lease allows
	// for three: the third row is not sent by this worker.
	w := &jobs.OutboxWorker{Store: repository.NewStore(db, clk.Now), Now: clk.Now,
		Lease: 3 * time.Minute, Log: quiet,
		Senders: map[string]jobs.Sender{"k": jobs.SenderFunc(func(ctx context.Context, it domain.OutboxItem) error {
			log.delivered(it.ID)
			clk.Add(90 * time.Second)
			return nil
		})}}
	if s, r, f := runOnce(t, w); s != 2 || r+f != 0 {
		t.Fatalf("sent %d, retried %d, failed %d; want 2", s, r, f)
	}
	if s, _, _ := runOnce(t, w); s != 1 {
		t.Fatalf("next run sent %d; want the row left behind", s)
	}
	log.exactlyOnce(t, ids)
}

func TestDefaultBackoffDoublesWithJitterUpToAnHour(t *testing.T) {
	for attempt := 0; attempt <= 40; attempt++ {
		full := time.Hour
		if a := max(attempt, 1); a <= 8 {
			full = min(30*time.Second<<(a-1), time.Hour)
		}
		for i := 0; i < 200; i++ {
			d := jobs.DefaultBackoff(attempt)
			if d < full*3/4-time.Millisecond || d > full {
				t.Fatalf("DefaultBackoff(%d) = %v; want in [¾·%v, %v]", attempt, d, full, full)
			}
		}
	}
}

func TestOutboxHonoursRetryAfter(t *testing.T) {
	db := pgtest.New(t)
	id := enqueueN(t, db, 1, "k", nil)[0]
	clk := newClock(t0)
	w := &jobs.OutboxWorker{Store: repository.NewStore(db, clk.Now), Now: clk.Now, Log: quiet,
		Senders: map[string]jobs.Sender{"k": jobs.SenderFunc(func(ctx context.Context, it domain.OutboxItem) error {
			return &channels.Error{Op: "zalo: send", Status: 429, RetryAfter: 10 * time.Minute}
		})}}
	runOnce(t, w)
	if row := readOutbox(t, db, id); !row.Next.Equal(t0.Add(10 * time.Minute)) {
		t.Errorf("next attempt %v; want the platform's Retry-After", row.Next)
	}
}

func TestIsPermanent(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("timeout"), false},
		{jobs.Permanent(errors.New("bad address")), true},
		{fmt.Errorf("send: %w", jobs.Permanent(errors.New("bad address"))), true},
		{&channels.Error{Status: 400, Permanent: true}, true},
		{&channels.Error{Status: 503}, false},
	} {
		if got := jobs.IsPermanent(tc.err); got != tc.want {
			t.Errorf("IsPermanent(%v) = %v; want %v", tc.err, got, tc.want)
		}
	}
	if jobs.Permanent(nil) != nil {
		t.Error("Permanent(nil) is not nil")
	}
}
