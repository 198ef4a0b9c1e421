package repository_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"caunoi/demo"
	"caunoi/domain"
	"caunoi/internal/pgtest"
	"caunoi/repository"
)

// intakeEnv is a store on a fresh database holding the demo's reference data.
type intakeEnv struct {
	t     testing.TB
	db    *sqlx.DB
	store *repository.Store
	cat   *domain.Catalog
}

var intakeNow = time.Date(2026, 11, 3, 9, 0, 0, 0, domain.VietnamLocation())

func newIntakeEnv(t testing.TB) *intakeEnv {
	t.Helper()
	db, err := sqlx.Open("postgres", pgtest.NewURLFrom(t, demo.TemplateKey("intake", intakeNow), func(ctx context.Context, db *sqlx.DB) error {
		return demo.SeedReference(ctx, repository.NewStore(db, nil), intakeNow)
	}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(16)
	store := repository.NewStore(db, func() time.Time { return intakeNow })
	cat, err := store.CatalogByCode(context.Background(), "xuan-lung")
	if err != nil {
		t.Fatal(err)
	}
	return &intakeEnv{t: t, db: db, store: store, cat: cat}
}

// ticket returns a valid web ticket whose body carries n.
func (e *intakeEnv) ticket(n int) domain.NewTicket {
	e.t.Helper()
	in, err := domain.ValidateFeedback(domain.FeedbackInput{Unit: "xuan-lung", Kind: "feedback",
		Title: "Đèn đường hỏng", Body: fmt.Sprintf("Đèn đường trước nhà số %d, thôn 3 bị hỏng ba ngày nay.", n),
		Citizen: domain.Citizen{Name: "Nguyễn Văn An", Phone: "0912345678"}}, e.cat.ActiveCategories())
	if err != nil {
		e.t.Fatal(err)
	}
	return domain.NewTicket{Input: in, Channel: domain.ChannelWeb}
}

// comment returns a Facebook comment ticket with the external id.
func (e *intakeEnv) comment(n int, externalID string) domain.NewTicket {
	e.t.Helper()
	nt := e.ticket(n)
	nt.Channel, nt.ExternalID = domain.ChannelFacebookComment, externalID
	nt.Input.Channel = domain.ChannelFacebookComment
	return nt
}

func (e *intakeEnv) create(ctx context.Context, nt domain.NewTicket) (domain.Created, error) {
	return e.store.CreateTicket(ctx, e.cat.Unit.ID, nt)
}

func (e *intakeEnv) count(query string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.Get(&n, query, args...); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// waitQueued waits until n calls wait for a flush.
func (e *intakeEnv) waitQueued(n int) {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for repository.IntakeQueued(e.store) != n {
		if time.Now().After(deadline) {
			e.t.Fatalf("%d calls queued, want %d", repository.IntakeQueued(e.store), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// gate holds the first flush until opened, recording every flush's size.
type gate struct {
	mu    sync.Mutex
	sizes []int
	held  chan struct{} // closed when the first flush waits
	open  chan struct{}
	once  sync.Once
}

func holdFirstFlush(s *repository.Store) *gate {
	g := &gate{held: make(chan struct{}), open: make(chan struct{})}
	repository.SetIntakeFlushes(s, 1)
	repository.SetIntakeBeforeFlush(s, func(rows int) {
		g.mu.Lock()
		g.sizes = append(g.sizes, rows)
		first := len(g.sizes) == 1
		g.mu.Unlock()
		if first {
			close(g.held)
			<-g.open
		}
	})
	return g
}

func (g *gate) release() { g.once.Do(func() { close(g.open) }) }

func (g *gate) flushSizes() []int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]int(nil), g.sizes...)
}

type result struct {
	c   domain.Created
	err error
}

// createAll creates each ticket from its own goroutine and returns the answers in order.
func (e *intakeEnv) createAll(ctx context.Context, nts []domain.NewTicket) []result {
	out := make([]result, len(nts))
	var wg sync.WaitGroup
	for i, nt := range nts {
		wg.Go(func() {
			c, err := e.create(ctx, nt)
			out[i] = result{c, err}
		})
	}
	wg.Wait()
	return out
}

func TestIntakeConcurrentCallsCommitOnceInOneStatement(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t)
	g := holdFirstFlush(e.store)
	ctx := context.Background()

	first := make(chan result, 1)
	nt0 := e.ticket(0)
	go func() {
		c, err := e.create(ctx, nt0)
		first <- result{c, err}
	}()
	<-g.held // the first call's flush is in flight: the others queue behind it
	var nts []domain.NewTicket
	for i := 1; i < 64; i++ {
		nts = append(nts, e.ticket(i))
	}
	done := make(chan []result)
	go func() { done <- e.createAll(ctx, nts) }()
	e.waitQueued(63)
	g.release()
	results := append([]result{<-first}, <-done...)

	codes, ids := map[string]bool{}, map[int64]bool{}
	for i, r := range results {
		if r.err != nil {
			t.Fatalf("call %d: %v", i, r.err)
		}
		if r.c.ID == 0 || r.c.Existing || r.c.Department == nil || r.c.DueAt.Before(r.c.CreatedAt) {
			t.Fatalf("call %d answered %+v", i, r.c)
		}
		if _, err := domain.ParseTrackingCode(r.c.TrackingCode); err != nil {
			t.Fatalf("call %d: tracking code %q: %v", i, r.c.TrackingCode, err)
		}
		codes[r.c.TrackingCode], ids[r.c.ID] = true, true
	}
	if len(codes) != 64 || len(ids) != 64 {
		t.Fatalf("%d distinct codes, %d distinct ids, want 64", len(codes), len(ids))
	}
	if sizes := g.flushSizes(); len(sizes) != 2 || sizes[0] != 1 || sizes[1] != 63 {
		t.Fatalf("flushes of %v rows, want [1 63]", sizes)
	}
	if n := e.count(`SELECT count(*) FROM tickets`); n != 64 {
		t.Fatalf("%d tickets stored, want 64", n)
	}
	// Each ticket has its two first events, 'created' before 'routed'.
	if n := e.count(`SELECT count(*) FROM tickets t WHERE
		(SELECT array_agg(type ORDER BY id) FROM ticket_events WHERE ticket_id = t.id) = ARRAY['created', 'routed']`); n != 64 {
		t.Fatalf("%d tickets with their created and routed events, want 64", n)
	}
	// What each caller was told is what was stored.
	for _, r := range results[:5] {
		var row struct {
			Code string    `db:"tracking_code"`
			Due  time.Time `db:"due_at"`
			Dept int64     `db:"department_id"`
		}
		if err := e.db.Get(&row, `SELECT tracking_code, due_at, department_id FROM tickets WHERE id = $1`, r.c.ID); err != nil {
			t.Fatal(err)
		}
		if row.Code != r.c.TrackingCode || !row.Due.Equal(r.c.DueAt) || row.Dept != r.c.Department.ID {
			t.Fatalf("stored %+v, answered %+v", row, r.c)
		}
	}
}

func TestIntakeUnheldConcurrentCallsAllCommit(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t)
	var nts []domain.NewTicket
	for i := range 64 {
		nts = append(nts, e.ticket(i))
	}
	codes := map[string]bool{}
	for i, r := range e.createAll(context.Background(), nts) {
		if r.err != nil {
			t.Fatalf("call %d: %v", i, r.err)
		}
		codes[r.c.TrackingCode] = true
	}
	if len(codes) != 64 {
		t.Fatalf("%d distinct codes", len(codes))
	}
	if n := e.count(`SELECT count(*) FROM tickets`); n != 64 {
		t.Fatalf("%d tickets stored, want 64", n)
	}
	if n := e.count(`SELECT count(*) FROM ticket_events`); n != 128 {
		t.Fatalf("%d events stored, want 128", n)
	}
}

func TestIntakeExternalIDIsTakenOnceWithinAndAcrossBatches(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t)
	g := holdFirstFlush(e.store)
	ctx := context.Background()

	first := make(chan result, 1)
	nt0 := e.ticket(0)
	go func() {
		c, err := e.create(ctx, nt0)
		first <- result{c, err}
	}()
	<-g.held
	// One batch: five deliveries of comment A, two of comment B, three web tickets.
	var nts []domain.NewTicket
	for i := range 5 {
		nts = append(nts, e.comment(i, "fb-comment-A"))
	}
	nts = append(nts, e.comment(10, "fb-comment-B"), e.comment(11, "fb-comment-B"))
	nts = append(nts, e.ticket(20), e.ticket(21), e.ticket(22))
	done := make(chan []result)
	go func() { done <- e.createAll(ctx, nts) }()
	e.waitQueued(len(nts))
	g.release()
	if r := <-first; r.err != nil {
		t.Fatal(r.err)
	}
	results := <-done
	if sizes := g.flushSizes(); len(sizes) != 2 || sizes[1] != len(nts) {
		t.Fatalf("flushes of %v rows, want one of %d after the first", sizes, len(nts))
	}
	check := func(rs []result, wantNew int) int64 {
		t.Helper()
		var id int64
		fresh := 0
		for i, r := range rs {
			if r.err != nil {
				t.Fatalf("delivery %d: %v", i, r.err)
			}
			if id == 0 {
				id = r.c.ID
			}
			if r.c.ID != id || r.c.TrackingCode == "" {
				t.Fatalf("delivery %d answered ticket %d (%q), another %d", i, r.c.ID, r.c.TrackingCode, id)
			}
			if !r.c.Existing {
				fresh++
			}
		}
		if fresh != wantNew {
			t.Fatalf("%d deliveries answered as new, want %d", fresh, wantNew)
		}
		return id
	}
	idA := check(results[:5], 1)
	idB := check(results[5:7], 1)
	for _, r := range results[7:] {
		if r.err != nil || r.c.Existing {
			t.Fatalf("web ticket: %+v %v", r.c, r.err)
		}
	}

	// Later batches: a redelivery alone, then many at once, with a new comment among them.
	again, err := e.create(ctx, e.comment(0, "fb-comment-A"))
	if err != nil || again.ID != idA || !again.Existing {
		t.Fatalf("redelivery of A: %+v %v, want ticket %d existing", again, err, idA)
	}
	repository.SetIntakeFlushes(e.store, 2)
	repository.SetIntakeBeforeFlush(e.store, nil)
	nts = nts[:0]
	for i := range 12 {
		nts = append(nts, e.comment(i, "fb-comment-A"), e.comment(i, "fb-comment-B"), e.comment(i, "fb-comment-C"))
	}
	results = e.createAll(ctx, nts)
	var rsA, rsB, rsC []result
	for i, r := range results {
		switch i % 3 {
		case 0:
			rsA = append(rsA, r)
		case 1:
			rsB = append(rsB, r)
		default:
			rsC = append(rsC, r)
		}
	}
	if check(rsA, 0) != idA || check(rsB, 0) != idB {
		t.Fatal("a redelivery made another ticket")
	}
	check(rsC, 1)
	for _, ext := range []string{"fb-comment-A", "fb-comment-B", "fb-comment-C"} {
		if n := e.count(`SELECT count(*) FROM tickets WHERE external_id = $1`, ext); n != 1 {
			t.Fatalf("%d tickets for %s, want 1", n, ext)
		}
	}
	if n := e.count(`SELECT count(*) FROM tickets`); n != 7 {
		t.Fatalf("%d tickets, want 7", n)
	}
}

func TestIntakeTrackingCodeCollisionRetriesOnlyThatRow(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t)
	ctx := context.Background()
	taken, err := e.create(ctx, e.ticket(0))
	if err != nil {
		t.Fatal(err)
	}
	// Draws 1 and 3 give the taken code: the held call's first draw, then
	// the first row of the next batch (a comment, whose external id is free).
	var draws atomic.Int64
	repository.SetIntakeCodes(e.store, func() string {
		if n := draws.Add(1); n == 1 || n == 3 {
			return taken.TrackingCode
		}
		return domain.NewTrackingCode()
	})
	g := holdFirstFlush(e.store)
	firstDone := make(chan result, 1)
	nt1 := e.ticket(1)
	go func() {
		c, err := e.create(ctx, nt1)
		firstDone <- result{c, err}
	}()
	<-g.held
	comment := e.comment(2, "fb-collide")
	commentDone := make(chan result, 1)
	go func() {
		c, err := e.create(ctx, comment)
		commentDone <- result{c, err}
	}()
	e.waitQueued(1) // first in the queue: it draws the taken code
	nts := []domain.NewTicket{e.ticket(3), e.ticket(4), e.ticket(5)}
	done := make(chan []result)
	go func() { done <- e.createAll(ctx, nts) }()
	e.waitQueued(1 + len(nts))
	g.release()
	results := append([]result{<-firstDone, <-commentDone}, <-done...)
	codes := map[string]bool{taken.TrackingCode: true}
	for i, r := range results {
		if r.err != nil {
			t.Fatalf("call %d: %v", i, r.err)
		}
		if r.c.Existing || codes[r.c.TrackingCode] {
			t.Fatalf("call %d answered %+v", i, r.c)
		}
		codes[r.c.TrackingCode] = true
	}
	if sizes := g.flushSizes(); len(sizes) != 2 || sizes[1] != 4 {
		t.Fatalf("flushes of %v rows, want [1 4]", sizes)
	}
	if draws.Load() != 7 { // 5 rows, 2 collisions
		t.Fatalf("%d codes drawn, want 7", draws.Load())
	}
	if n := e.count(`SELECT count(*) FROM tickets`); n != 6 {
		t.Fatalf("%d tickets, want 6", n)
	}

	// A code that never comes free fails that call only, storing nothing.
	repository.SetIntakeBeforeFlush(e.store, nil)
	repository.SetIntakeCodes(e.store, func() string { return taken.TrackingCode })
	_, err = e.create(ctx, e.ticket(6))
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.ECONFLICT {
		t.Fatalf("always colliding: %v, want a conflict", err)
	}
	if n := e.count(`SELECT count(*) FROM tickets`); n != 6 {
		t.Fatalf("%d tickets, want 6", n)
	}
}

func TestIntakeBadRowFailsAloneInItsBatch(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t)
	g := holdFirstFlush(e.store)
	ctx := context.Background()
	held := make(chan error, 1)
	nt0 := e.ticket(0)
	go func() {
		_, err := e.create(ctx, nt0)
		held <- err
	}()
	<-g.held
	bad := e.ticket(1)
	lat := 123.0 // past the column's check: only a direct caller can send it
	bad.Input.Location.Lat = &lat
	nts := []domain.NewTicket{e.ticket(2), bad, e.ticket(3)}
	done := make(chan []result)
	go func() { done <- e.createAll(ctx, nts) }()
	e.waitQueued(len(nts))
	g.release()
	results := <-done
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	var de *domain.Error
	if !errors.As(results[1].err, &de) || de.Code != domain.EINVALID {
		t.Fatalf("bad row: %v, want invalid_input", results[1].err)
	}
	if results[0].err != nil || results[2].err != nil {
		t.Fatalf("good rows: %v, %v", results[0].err, results[2].err)
	}
}

func TestIntakeCancelledCaller(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t)
	ctx := context.Background()

	// Already cancelled: nothing is stored.
	gone, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := e.create(gone, e.ticket(0)); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled before the call: %v", err)
	}

	g := holdFirstFlush(e.store)
	inFlight, cancelInFlight := context.WithCancel(ctx)
	defer cancelInFlight()
	leader := make(chan result, 1)
	nt1, nt2 := e.ticket(1), e.ticket(2)
	go func() {
		c, err := e.create(inFlight, nt1)
		leader <- result{c, err}
	}()
	<-g.held // the leader's row is in the held flush

	// Cancelled while queued: withdrawn at once, while the flush is still held.
	queued, cancelQueued := context.WithCancel(ctx)
	waiting := make(chan error, 1)
	go func() {
		_, err := e.create(queued, nt2)
		waiting <- err
	}()
	e.waitQueued(1)
	cancelQueued()
	if err := <-waiting; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled while queued: %v", err)
	}

	// Cancelled while in flight: the flush decides, and the caller is told.
	cancelInFlight()
	g.release()
	r := <-leader
	if r.err != nil || r.c.ID == 0 {
		t.Fatalf("cancelled in flight: %+v %v, want the committed ticket", r.c, r.err)
	}
	if n := e.count(`SELECT count(*) FROM tickets`); n != 1 {
		t.Fatalf("%d tickets, want only the one in flight", n)
	}
	if n := e.count(`SELECT count(*) FROM tickets WHERE id = $1`, r.c.ID); n != 1 {
		t.Fatal("the in-flight ticket is not stored")
	}
}

func TestIntakeWithAttachmentsCommitsTogether(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t)
	nt := e.comment(0, "fb-with-photo")
	nt.Attachments = []domain.Attachment{{Type: "image", URL: "https://example.vn/p.jpg", Name: "p.jpg"}}
	c, err := e.create(context.Background(), nt)
	if err != nil {
		t.Fatal(err)
	}
	if n := e.count(`SELECT count(*) FROM attachments WHERE ticket_id = $1`, c.ID); n != 1 {
		t.Fatalf("%d attachments", n)
	}
	again, err := e.create(context.Background(), nt)
	if err != nil || !again.Existing || again.ID != c.ID {
		t.Fatalf("redelivery: %+v %v", again, err)
	}
	if n := e.count(`SELECT count(*) FROM attachments`); n != 1 {
		t.Fatalf("%d attachments after a redelivery", n)
	}
}
