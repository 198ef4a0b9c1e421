package repository_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"caunoi/demo"
	"caunoi/domain"
	"caunoi/internal/pgtest"
	"caunoi/repository"
)

// inboundEnv is a store on a fresh database holding the demo's reference
// data, with a Facebook page of xuan-lung.
type inboundEnv struct {
	*intakeEnv
	acc domain.ChannelAccount
}

func newInboundEnv(t testing.TB) *inboundEnv {
	t.Helper()
	return inboundEnvOn(t, newIntakeEnv(t))
}

func inboundEnvOn(t testing.TB, e *intakeEnv) *inboundEnv {
	t.Helper()
	acc, err := e.store.CreateChannelAccount(context.Background(), nil, domain.ChannelAccountInput{Unit: "xuan-lung",
		Platform: domain.PlatformFacebook, AccountID: "104857600123456"})
	if err != nil {
		t.Fatal(err)
	}
	return &inboundEnv{intakeEnv: e, acc: acc}
}

// message is a Messenger text of sender with the message id; no sender
// makes a message that threads with nothing.
func message(sender, id, text string) domain.Inbound {
	return domain.Inbound{Channel: domain.ChannelFacebookMessage, AccountID: "104857600123456", ExternalID: id,
		ThreadID: sender, SenderID: sender, Text: text}
}

type inboundResult struct {
	res domain.InboundResult
	err error
}

// storeAsync stores in from a goroutine of its own; the answer comes on the channel.
func (e *inboundEnv) storeAsync(ctx context.Context, in domain.Inbound) <-chan inboundResult {
	out := make(chan inboundResult, 1)
	go func() {
		res, err := e.store.StoreInbound(ctx, e.acc, in)
		out <- inboundResult{res, err}
	}()
	return out
}

// queueInOrder stores each message from its own goroutine, each queued
// before the next is sent, so their order in the queue is theirs.
func (e *inboundEnv) queueInOrder(ctx context.Context, ins ...domain.Inbound) []<-chan inboundResult {
	e.t.Helper()
	base := repository.InboundQueued(e.store)
	out := make([]<-chan inboundResult, len(ins))
	for i, in := range ins {
		out[i] = e.storeAsync(ctx, in)
		e.waitInboundQueued(base + i + 1)
	}
	return out
}

// waitInboundQueued waits until n calls wait for a flush.
func (e *inboundEnv) waitInboundQueued(n int) {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for repository.InboundQueued(e.store) != n {
		if time.Now().After(deadline) {
			e.t.Fatalf("%d messages queued, want %d", repository.InboundQueued(e.store), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func answers(t *testing.T, chans []<-chan inboundResult) []domain.InboundResult {
	t.Helper()
	out := make([]domain.InboundResult, len(chans))
	for i, ch := range chans {
		r := <-ch
		if r.err != nil {
			t.Fatalf("message %d: %v", i, r.err)
		}
		out[i] = r.res
	}
	return out
}

// flushGate holds the first flushes until each is released, recording
// every flush's size.
type flushGate struct {
	t       testing.TB
	mu      sync.Mutex
	sizes   []int
	opens   []chan struct{}
	arrived chan int // the index of each held flush, as it waits
}

// holdInboundFlushes holds the store's first n flushes, with up to
// inFlight of them at once.
func holdInboundFlushes(t testing.TB, s *repository.Store, n, inFlight int) *flushGate {
	g := &flushGate{t: t, arrived: make(chan int, n)}
	for range n {
		g.opens = append(g.opens, make(chan struct{}))
	}
	repository.SetInboundFlushes(s, inFlight)
	repository.SetInboundBeforeFlush(s, func(rows int) {
		g.mu.Lock()
		k := len(g.sizes)
		g.sizes = append(g.sizes, rows)
		g.mu.Unlock()
		if k < n {
			g.arrived <- k
			<-g.opens[k]
		}
	})
	t.Cleanup(func() { g.release(-1) })
	return g
}

// wait waits until held flush k waits.
func (g *flushGate) wait(k int) {
	g.t.Helper()
	if got := <-g.arrived; got != k {
		g.t.Fatalf("flush %d held, want %d", got, k)
	}
}

// release lets held flush k go on; -1 lets them all go.
func (g *flushGate) release(k int) {
	for i, ch := range g.opens {
		if i == k || k < 0 {
			select {
			case <-ch:
			default:
				close(ch)
			}
		}
	}
}

func (g *flushGate) flushSizes() []int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]int(nil), g.sizes...)
}

func outcomes(rs []domain.InboundResult) map[domain.InboundOutcome]int {
	out := map[domain.InboundOutcome]int{}
	for _, r := range rs {
		out[r.Outcome]++
	}
	return out
}

// Messages that arrive while a flush is busy are stored by the next one,
// together, each as its own new ticket with its first events.
func TestInboundConcurrentMessagesShareOneFlush(t *testing.T) {
	t.Parallel()
	e := newInboundEnv(t)
	g := holdInboundFlushes(t, e.store, 1, 1)
	ctx := context.Background()
	first := e.storeAsync(ctx, message("s-0", "m-0", "Đèn đường hỏng trước nhà số 0"))
	g.wait(0)
	var chans []<-chan inboundResult
	for i := 1; i <= 20; i++ {
		chans = append(chans, e.storeAsync(ctx, message(fmt.Sprintf("s-%d", i), fmt.Sprintf("m-%d", i),
			fmt.Sprintf("Đèn đường hỏng trước nhà số %d, sđt 0912 345 %03d", i, i))))
	}
	e.waitInboundQueued(20)
	g.release(0)
	rs := answers(t, append([]<-chan inboundResult{first}, chans...))
	ids := map[int64]bool{}
	for i, r := range rs {
		if r.Outcome != domain.InboundCreated || r.TicketID == 0 {
			t.Fatalf("message %d: %+v", i, r)
		}
		ids[r.TicketID] = true
	}
	if len(ids) != 21 {
		t.Fatalf("%d distinct tickets, want 21", len(ids))
	}
	if sizes := g.flushSizes(); len(sizes) != 2 || sizes[0] != 1 || sizes[1] != 20 {
		t.Fatalf("flushes of %v messages, want [1 20]", sizes)
	}
	if n := repository.InboundStoredFirst(e.store); n != 21 {
		t.Fatalf("%d messages stored in one round trip, want all 21", n)
	}
	if n := e.count(`SELECT count(*) FROM tickets t WHERE channel = 'facebook_message' AND channel_account_id = $1
		AND (SELECT array_agg(type ORDER BY id) FROM ticket_events WHERE ticket_id = t.id) = ARRAY['created', 'routed']`,
		e.acc.ID); n != 21 {
		t.Fatalf("%d tickets with their created and routed events, want 21", n)
	}
	// What each caller was told is what was stored.
	var stored struct {
		ExternalID string `db:"external_id"`
		Sender     string `db:"citizen_external_id"`
		Phone      string `db:"citizen_phone"`
	}
	if err := e.db.Get(&stored, `SELECT external_id, citizen_external_id, citizen_phone FROM tickets WHERE id = $1`,
		rs[7].TicketID); err != nil {
		t.Fatal(err)
	}
	if stored.ExternalID != "m-7" || stored.Sender != "s-7" || stored.Phone != "0912345007" {
		t.Fatalf("ticket of m-7: %+v", stored)
	}
}

// The same message delivered many times, within one flush and across
// flushes, makes one ticket; every other delivery is a duplicate of it.
func TestInboundRedeliveryWithinAndAcrossFlushes(t *testing.T) {
	t.Parallel()
	e := newInboundEnv(t)
	g := holdInboundFlushes(t, e.store, 1, 1)
	ctx := context.Background()
	x := message("s-x", "m-x", "Cống thoát nước bị tắc")
	y := message("", "m-y", "Bình luận không rõ người gửi") // no sender: locked by its own id
	z := message("s-z", "m-z", "Rác không được thu gom")
	first := e.storeAsync(ctx, x)
	g.wait(0)
	chans := e.queueInOrder(ctx, x, y, z, y, x, z, y)
	g.release(0)
	created := <-first
	if created.err != nil || created.res.Outcome != domain.InboundCreated {
		t.Fatalf("first delivery: %+v %v", created.res, created.err)
	}
	rs := answers(t, chans)
	want := []domain.InboundOutcome{domain.InboundDuplicate, domain.InboundCreated, domain.InboundCreated,
		domain.InboundDuplicate, domain.InboundDuplicate, domain.InboundDuplicate, domain.InboundDuplicate}
	for i, r := range rs {
		if r.Outcome != want[i] {
			t.Fatalf("delivery %d: %+v, want %s", i, r, want[i])
		}
	}
	if rs[0].TicketID != created.res.TicketID || rs[4].TicketID != created.res.TicketID ||
		rs[3].TicketID != rs[1].TicketID || rs[6].TicketID != rs[1].TicketID || rs[5].TicketID != rs[2].TicketID {
		t.Fatalf("duplicates name other tickets: first %d, then %+v", created.res.TicketID, rs)
	}
	if n := e.count(`SELECT count(*) FROM tickets`); n != 3 {
		t.Fatalf("%d tickets, want 3", n)
	}
	if n := e.count(`SELECT count(*) FROM ticket_events`); n != 6 {
		t.Fatalf("%d events, want the 6 first events of 3 tickets", n)
	}
	if n := repository.InboundStoredFirst(e.store); n != 3 {
		t.Fatalf("%d messages stored in one round trip, want the 3 new ones", n)
	}
	// And once more after all that.
	again, err := e.store.StoreInbound(ctx, e.acc, y)
	if err != nil || again.Outcome != domain.InboundDuplicate || again.TicketID != rs[1].TicketID {
		t.Fatalf("a later redelivery: %+v %v", again, err)
	}
}

// A new sender's messages, arriving together, thread into one ticket in
// the order they came; a sender with an open ticket adds to it.
func TestInboundSenderMessagesThreadWithinAFlush(t *testing.T) {
	t.Parallel()
	e := newInboundEnv(t)
	ctx := context.Background()
	open, err := e.store.StoreInbound(ctx, e.acc, message("s-old", "m-old-0", "Đường làng bị sụt lún"))
	if err != nil || open.Outcome != domain.InboundCreated {
		t.Fatalf("%+v %v", open, err)
	}
	g := holdInboundFlushes(t, e.store, 1, 1)
	first := e.storeAsync(ctx, message("s-other", "m-other", "Một phản ánh khác"))
	g.wait(0)
	var ins []domain.Inbound
	for i := range 6 {
		ins = append(ins, message("s-new", fmt.Sprintf("m-new-%d", i), fmt.Sprintf("Tin nhắn %d về ngập nước", i)))
		if i%2 == 0 {
			ins = append(ins, message("s-old", fmt.Sprintf("m-old-%d", i+1), fmt.Sprintf("Bổ sung %d", i)))
		}
	}
	chans := e.queueInOrder(ctx, ins...)
	g.release(0)
	if r := <-first; r.err != nil {
		t.Fatal(r.err)
	}
	rs := answers(t, chans)
	var newTicket int64
	for i, r := range rs {
		switch in := ins[i]; {
		case in.SenderID == "s-old":
			if r.Outcome != domain.InboundJoined || r.TicketID != open.TicketID {
				t.Fatalf("%s: %+v, want joined to %d", in.ExternalID, r, open.TicketID)
			}
		case in.ExternalID == "m-new-0":
			if r.Outcome != domain.InboundCreated {
				t.Fatalf("%s: %+v, want created", in.ExternalID, r)
			}
			newTicket = r.TicketID
		default:
			if r.Outcome != domain.InboundJoined || r.TicketID != newTicket {
				t.Fatalf("%s: %+v, want joined to %d", in.ExternalID, r, newTicket)
			}
		}
	}
	if sizes := g.flushSizes(); len(sizes) != 2 || sizes[1] != len(ins) {
		t.Fatalf("flushes of %v messages, want the %d together", sizes, len(ins))
	}
	var bodies []string
	if err := e.db.Select(&bodies, `SELECT body FROM ticket_events WHERE ticket_id = $1 AND type = 'citizen_message'
		ORDER BY id`, newTicket); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(bodies) != "[Tin nhắn 1 về ngập nước Tin nhắn 2 về ngập nước Tin nhắn 3 về ngập nước Tin nhắn 4 về ngập nước Tin nhắn 5 về ngập nước]" {
		t.Fatalf("the new sender's follow-ups: %q", bodies)
	}
	if n := e.count(`SELECT count(*) FROM ticket_events WHERE ticket_id = $1 AND type = 'citizen_message'`,
		open.TicketID); n != 3 {
		t.Fatalf("%d follow-ups on the open ticket, want 3", n)
	}
	if n := e.count(`SELECT count(*) FROM tickets`); n != 3 {
		t.Fatalf("%d tickets, want 3", n)
	}
	// In one round trip: the open ticket, the held message and the new
	// sender's first; the follow-ups in the transaction.
	if n := repository.InboundStoredFirst(e.store); n != 3 {
		t.Fatalf("%d messages stored in one round trip, want 3", n)
	}
	// A follow-up delivered again, alone, is a duplicate of its event, even
	// once its ticket is closed (when it would no longer join it).
	if _, err := e.db.Exec(`UPDATE tickets SET status = 'closed' WHERE id = $1`, newTicket); err != nil {
		t.Fatal(err)
	}
	again, err := e.store.StoreInbound(ctx, e.acc, ins[5])
	if err != nil || again.Outcome != domain.InboundDuplicate || again.TicketID != newTicket {
		t.Fatalf("%s again: %+v %v", ins[5].ExternalID, again, err)
	}
	if n := e.count(`SELECT count(*) FROM tickets`); n != 3 {
		t.Fatalf("%d tickets after a redelivered follow-up, want 3", n)
	}
}

// Two flushes in flight at once, holding the same sender's messages or the
// same message, serialise on the sender's (or the message's) lock: one
// ticket each time, the other message joining it or found taken.
func TestInboundConcurrentFlushesThreadAndDeduplicate(t *testing.T) {
	t.Parallel()
	e := newInboundEnv(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		a, b   domain.Inbound
		second domain.InboundOutcome
	}{
		{"a sender's two messages", message("s-1", "m-1a", "Mất điện cả xóm"), message("s-1", "m-1b", "Vẫn chưa có điện"),
			domain.InboundJoined},
		{"one message twice", message("s-2", "m-2", "Nước sinh hoạt có mùi lạ"), message("s-2", "m-2", "Nước sinh hoạt có mùi lạ"),
			domain.InboundDuplicate},
		{"one message without a sender twice", message("", "m-3", "Ổ gà giữa đường"), message("", "m-3", "Ổ gà giữa đường"),
			domain.InboundDuplicate},
	} {
		before := e.count(`SELECT count(*) FROM tickets`)
		g := holdInboundFlushes(t, e.store, 2, 2)
		a := e.storeAsync(ctx, tc.a)
		g.wait(0)
		b := e.storeAsync(ctx, tc.b)
		g.wait(1)
		g.release(-1)
		rs := answers(t, []<-chan inboundResult{a, b})
		if o := outcomes(rs); o[domain.InboundCreated] != 1 || o[tc.second] != 1 || rs[0].TicketID != rs[1].TicketID {
			t.Fatalf("%s: %+v", tc.name, rs)
		}
		if n := e.count(`SELECT count(*) FROM tickets`); n != before+1 {
			t.Fatalf("%s: %d new tickets, want 1", tc.name, n-before)
		}
	}
}

// Two flushes in flight at once, each with messages of the same two
// senders in opposite orders, both commit: the locks are taken in one
// order. Each sender ends with one ticket.
func TestInboundCrossedSendersInConcurrentFlushes(t *testing.T) {
	t.Parallel()
	e := newInboundEnv(t)
	ctx := context.Background()
	g := holdInboundFlushes(t, e.store, 4, 2)
	p1 := e.storeAsync(ctx, message("p-1", "p-1", "Giữ chỗ 1"))
	g.wait(0)
	p2 := e.storeAsync(ctx, message("p-2", "p-2", "Giữ chỗ 2"))
	g.wait(1)
	first := e.queueInOrder(ctx, message("s-a", "a-1", "A một"), message("s-b", "b-1", "B một"))
	g.release(0) // flush 0 ends, and its leader takes a-1 and b-1: flush 2
	g.wait(2)
	second := e.queueInOrder(ctx, message("s-b", "b-2", "B hai"), message("s-a", "a-2", "A hai"))
	g.release(1) // flush 1 ends, and its leader takes b-2 and a-2: flush 3
	g.wait(3)
	g.release(-1)
	answers(t, []<-chan inboundResult{p1, p2})
	rs := answers(t, append(first, second...))
	if o := outcomes(rs); o[domain.InboundCreated] != 2 || o[domain.InboundJoined] != 2 {
		t.Fatalf("outcomes %v: %+v", o, rs)
	}
	if rs[0].TicketID != rs[3].TicketID || rs[1].TicketID != rs[2].TicketID || rs[0].TicketID == rs[1].TicketID {
		t.Fatalf("threads: %+v", rs)
	}
	if n := e.count(`SELECT count(*) FROM tickets`); n != 4 {
		t.Fatalf("%d tickets, want 4", n)
	}
}

// A message the database refuses fails alone: the others of its flush are
// stored, once each, whether the refusal comes in the first round trip (a
// message id that is not UTF-8) or in the transaction (an attachment with a
// NUL).
func TestInboundBadMessageFailsAloneInItsFlush(t *testing.T) {
	t.Parallel()
	badID := message("s-bad", "m-bad-\xff", "Mã tin nhắn hỏng")
	badAttachment := message("s-bad", "m-bad", "Ảnh chụp hiện trường")
	badAttachment.Attachments = []domain.Attachment{{Type: "image", URL: "https://example.vn/a\x00.jpg"}}
	for _, bad := range []domain.Inbound{badID, badAttachment} {
		e := newInboundEnv(t)
		ctx := context.Background()
		joinTo, err := e.store.StoreInbound(ctx, e.acc, message("s-open", "m-open", "Phản ánh đang mở"))
		if err != nil {
			t.Fatal(err)
		}
		g := holdInboundFlushes(t, e.store, 1, 1)
		first := e.storeAsync(ctx, message("s-0", "m-0", "Giữ chỗ"))
		g.wait(0)
		chans := e.queueInOrder(ctx, message("s-1", "m-1", "Tin một"), bad, message("s-open", "m-open-2", "Bổ sung"),
			message("s-1", "m-1b", "Tin một, bổ sung"), message("", "m-2", "Tin hai"))
		g.release(0)
		if r := <-first; r.err != nil {
			t.Fatal(r.err)
		}
		var rs []inboundResult
		for _, ch := range chans {
			rs = append(rs, <-ch)
		}
		if domain.ErrorCode(rs[1].err) != domain.EINVALID {
			t.Fatalf("%q: %+v %v, want invalid_input", bad.ExternalID, rs[1].res, rs[1].err)
		}
		want := []domain.InboundOutcome{domain.InboundCreated, "", domain.InboundJoined, domain.InboundJoined, domain.InboundCreated}
		for i, r := range rs {
			if i != 1 && (r.err != nil || r.res.Outcome != want[i]) {
				t.Fatalf("%q: message %d: %+v %v, want %s", bad.ExternalID, i, r.res, r.err, want[i])
			}
		}
		if rs[2].res.TicketID != joinTo.TicketID || rs[3].res.TicketID != rs[0].res.TicketID {
			t.Fatalf("%q: threads: %+v", bad.ExternalID, rs)
		}
		if n := e.count(`SELECT count(*) FROM tickets`); n != 4 {
			t.Fatalf("%q: %d tickets, want 4 (the open one, the held one, m-1, m-2)", bad.ExternalID, n)
		}
		if n := e.count(`SELECT count(*) FROM tickets WHERE citizen_external_id = 's-bad'`); n != 0 {
			t.Fatalf("%q: the refused message is stored", bad.ExternalID)
		}
		if n := e.count(`SELECT count(*) FROM ticket_events WHERE type = 'citizen_message'`); n != 2 {
			t.Fatalf("%q: %d follow-ups, want 2", bad.ExternalID, n)
		}
	}
}

// A caller leaves at its deadline, even while its message is in a flush:
// a queued message is withdrawn; one in flight is committed all the same,
// and its redelivery is a duplicate of it.
func TestInboundCallerLeavesAtItsDeadline(t *testing.T) {
	t.Parallel()
	e := newInboundEnv(t)
	bg := context.Background()

	gone, cancel := context.WithCancel(bg)
	cancel()
	if _, err := e.store.StoreInbound(gone, e.acc, message("s-0", "m-0", "Đã hủy")); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled before the call: %v", err)
	}

	g := holdInboundFlushes(t, e.store, 1, 1)
	inFlight, cancelInFlight := context.WithCancel(bg)
	defer cancelInFlight()
	m := message("s-1", "m-1", "Trong lúc ghi")
	leader := e.storeAsync(inFlight, m)
	g.wait(0)
	queued, cancelQueued := context.WithCancel(bg)
	waiting := e.queueInOrder(queued, message("s-2", "m-2", "Đang chờ"))[0]
	cancelQueued()
	if r := <-waiting; !errors.Is(r.err, context.Canceled) {
		t.Fatalf("cancelled while queued: %+v %v", r.res, r.err)
	}
	e.waitInboundQueued(0)
	cancelInFlight() // the flush is still held: the caller does not wait for it
	if r := <-leader; !errors.Is(r.err, context.Canceled) {
		t.Fatalf("cancelled in flight: %+v %v", r.res, r.err)
	}
	redelivery := e.queueInOrder(bg, m)[0]
	g.release(0)
	r := <-redelivery
	if r.err != nil || r.res.Outcome != domain.InboundDuplicate {
		t.Fatalf("redelivery: %+v %v, want a duplicate of the committed message", r.res, r.err)
	}
	if n := e.count(`SELECT count(*) FROM tickets`); n != 1 {
		t.Fatalf("%d tickets, want only the one in flight", n)
	}
	if n := e.count(`SELECT count(*) FROM tickets WHERE id = $1 AND external_id = 'm-1'`, r.res.TicketID); n != 1 {
		t.Fatal("the redelivery names another ticket")
	}
}

// With the database gone when a flush starts, every message of the flush
// fails as unavailable and nothing is stored.
func TestInboundDatabaseGoneFailsTheFlush(t *testing.T) {
	t.Parallel()
	target := pgtest.NewURLFrom(t, demo.TemplateKey("intake", intakeNow), func(ctx context.Context, db *sqlx.DB) error {
		return demo.SeedReference(ctx, repository.NewStore(db, nil), intakeNow)
	})
	direct, err := sqlx.Open("postgres", target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { direct.Close() })
	p := newCutProxy(t, target)
	db, err := sqlx.Open("postgres", p.url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	store := repository.NewStore(db, func() time.Time { return intakeNow })
	cat, err := store.CatalogByCode(context.Background(), "xuan-lung")
	if err != nil {
		t.Fatal(err)
	}
	e := inboundEnvOn(t, &intakeEnv{t: t, db: direct, store: store, cat: cat})
	ctx := context.Background()
	if _, err := e.store.StoreInbound(ctx, e.acc, message("s-0", "m-0", "Trước sự cố")); err != nil {
		t.Fatal(err)
	}
	g := holdInboundFlushes(t, e.store, 1, 1)
	first := e.storeAsync(ctx, message("s-1", "m-1", "Trong sự cố"))
	g.wait(0)
	chans := e.queueInOrder(ctx, message("s-2", "m-2", "Cũng trong sự cố"))
	p.cut()
	g.release(0)
	for i, ch := range append([]<-chan inboundResult{first}, chans...) {
		if r := <-ch; domain.ErrorCode(r.err) != domain.EUNAVAILABLE {
			t.Fatalf("message %d with the database gone: %+v %v, want unavailable", i+1, r.res, r.err)
		}
	}
	if n := e.count(`SELECT count(*) FROM tickets`); n != 1 {
		t.Fatalf("%d tickets, want only the one before", n)
	}
}

// cutProxy forwards TCP connections to a database until cut; then it
// refuses new ones and drops those it carries: the database going away, as
// a store sees it.
type cutProxy struct {
	url   string
	ln    net.Listener
	addr  string
	mu    sync.Mutex
	conns []net.Conn
}

func newCutProxy(t testing.TB, target string) *cutProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, addr: u.Host}
	u.Host = ln.Addr().String()
	p.url = u.String()
	go p.serve()
	t.Cleanup(p.cut)
	return p
}

func (p *cutProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", p.addr)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, up)
		p.mu.Unlock()
		go func() { io.Copy(up, c); up.Close() }()
		go func() { io.Copy(c, up); c.Close() }()
	}
}

func (p *cutProxy) cut() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// The account a delivery names is read once and kept: a change through the
// store is seen at once, one made elsewhere (another server) once the
// account is too old to use.
func TestInboundAccountLookupIsCached(t *testing.T) {
	t.Parallel()
	e := newInboundEnv(t)
	ctx := context.Background()
	lookup := func() (domain.ChannelAccount, error) {
		return e.store.ChannelAccountByExternal(ctx, domain.PlatformFacebook, "104857600123456")
	}
	if acc, err := lookup(); err != nil || acc.ID != e.acc.ID || acc.UnitCode != "xuan-lung" {
		t.Fatalf("lookup: %+v %v", acc, err)
	}
	// Another server renames and deactivates it: not seen until the account expires here.
	if _, err := e.db.Exec(`UPDATE channel_accounts SET name = 'Trang mới', active = false WHERE id = $1`, e.acc.ID); err != nil {
		t.Fatal(err)
	}
	if acc, err := lookup(); err != nil || acc.Name == "Trang mới" {
		t.Fatalf("read again at once: %+v %v, want the kept account", acc, err)
	}
	repository.ExpireInboundAccounts(e.store)
	if _, err := lookup(); !domain.IsNotFound(err) {
		t.Fatalf("after it expired: %v, want not_found", err)
	}
	// An account not found is not kept: active again elsewhere, it is seen at once.
	if _, err := e.db.Exec(`UPDATE channel_accounts SET active = true WHERE id = $1`, e.acc.ID); err != nil {
		t.Fatal(err)
	}
	if acc, err := lookup(); err != nil || acc.Name != "Trang mới" {
		t.Fatalf("active again: %+v %v", acc, err)
	}
	// A change through the store: seen at once.
	secret := []byte{7, 7}
	if _, err := e.store.UpdateChannelAccount(ctx, nil, e.acc.ID, domain.ChannelAccountUpdate{SecretKeyEnc: &secret}); err != nil {
		t.Fatal(err)
	}
	acc, err := lookup()
	if err != nil || string(acc.SecretKeyEnc) != "\x07\x07" {
		t.Fatalf("after a new secret: %+v %v", acc, err)
	}
	acc.SecretKeyEnc[0] = 9 // a caller's copy: the kept one is not touched
	if again, _ := lookup(); string(again.SecretKeyEnc) != "\x07\x07" {
		t.Fatalf("the kept secret changed with a caller's copy: %v", again.SecretKeyEnc)
	}
	// A unit deactivated through the store takes its pages with it at once.
	if _, err := e.db.Exec(`UPDATE units SET active = false WHERE code = 'xuan-lung'`); err != nil {
		t.Fatal(err)
	}
	e.store.Invalidate() // what an admin's change through the store does
	if _, err := lookup(); !domain.IsNotFound(err) {
		t.Fatalf("the unit deactivated: %v, want not_found", err)
	}
}

// The first step's functions run with generic plans (planning the insert
// for every flush cost more than running it), and that setting is theirs:
// the connection's other queries are still planned as PostgreSQL chooses.
func TestInboundFirstStepUsesItsGenericPlan(t *testing.T) {
	t.Parallel()
	e := newInboundEnv(t)
	e.db.SetMaxOpenConns(1) // the store and the test share one connection
	ctx := context.Background()
	for i := range 8 {
		res, err := e.store.StoreInbound(ctx, e.acc, message(fmt.Sprintf("s-%d", i), fmt.Sprintf("m-%d", i), "Tin nhắn"))
		if err != nil || res.Outcome != domain.InboundCreated {
			t.Fatalf("message %d: %+v %v", i, res, err)
		}
	}
	if n := repository.InboundStoredFirst(e.store); n != 8 {
		t.Fatalf("%d messages stored by the first step, want 8", n)
	}
	var settings []string
	if err := e.db.Select(&settings, `SELECT proname || ' ' || array_to_string(proconfig, ',') FROM pg_proc
		WHERE proname IN ('insert_tickets', 'inbound_first') ORDER BY proname`); err != nil {
		t.Fatal(err)
	}
	want := []string{"inbound_first plan_cache_mode=force_generic_plan", "insert_tickets plan_cache_mode=force_generic_plan"}
	if fmt.Sprint(settings) != fmt.Sprint(want) {
		t.Fatalf("the functions' settings: %q, want %q", settings, want)
	}
	var mode string
	if err := e.db.Get(&mode, `SHOW plan_cache_mode`); err != nil || mode != "auto" {
		t.Fatalf("the connection's plan_cache_mode after the flushes: %q %v, want auto", mode, err)
	}
}

// The first step reads after it holds the senders' locks: a message of a
// sender whose earlier message another server is storing, not committed
// yet, waits for that commit and then joins the ticket it made.
func TestInboundFirstStepReadsAfterTheLocks(t *testing.T) {
	t.Parallel()
	e := newInboundEnv(t)
	ctx := context.Background()
	tx, err := e.db.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	first, err := repository.StoreInboundIn(ctx, e.store, tx, e.acc, message("s-1", "m-1", "Mất điện cả xóm"))
	if err != nil || first.Outcome != domain.InboundCreated {
		t.Fatalf("the other server's message: %+v %v", first, err)
	}
	second := e.storeAsync(ctx, message("s-1", "m-2", "Vẫn chưa có điện"))
	deadline := time.Now().Add(10 * time.Second)
	for e.count(`SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`) != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the flush does not wait for the sender's lock")
		}
		time.Sleep(time.Millisecond)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	r := <-second
	if r.err != nil || r.res.Outcome != domain.InboundJoined || r.res.TicketID != first.TicketID {
		t.Fatalf("the sender's next message: %+v %v, want joined to %d", r.res, r.err, first.TicketID)
	}
	if n := e.count(`SELECT count(*) FROM tickets`); n != 1 {
		t.Fatalf("%d tickets, want 1", n)
	}
}
