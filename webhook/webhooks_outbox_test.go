package webhook_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"caunoi/channels"
	"caunoi/channels/facebook"
	"caunoi/channels/zalo"
	"caunoi/internal/apitest"
	"caunoi/jobs"
	"caunoi/secretbox"
)

// platformRequest is a send the fake platform received.
type platformRequest struct {
	Path, Token, Recipient, Text, MessagingType, Tag string
}

// fakePlatform is the Graph API and the Zalo OA API in one httptest server.
// fail decides, for the n-th request (from 0), the HTTP status to fail it
// with (0: success) and the body.
type fakePlatform struct {
	*httptest.Server
	mu   sync.Mutex
	all  []platformRequest // every request
	ok   []platformRequest // the ones answered with success
	fail func(n int) (int, string)
}

func newFakePlatform(t *testing.T) *fakePlatform {
	f := &fakePlatform{}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakePlatform) serve(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	req := platformRequest{Path: r.URL.Path}
	switch {
	case strings.HasSuffix(r.URL.Path, "/comments"):
		form, _ := url.ParseQuery(string(b))
		req.Token, req.Text = form.Get("access_token"), form.Get("message")
		req.Recipient = strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/"), "/comments")
	case r.URL.Path == "/me/messages":
		var m struct {
			Recipient     struct{ ID string }
			MessagingType string `json:"messaging_type"`
			Tag           string
			Message       struct{ Text string }
		}
		json.Unmarshal(b, &m)
		req.Token, req.Recipient, req.Text, req.MessagingType = r.URL.Query().Get("access_token"), m.Recipient.ID, m.Message.Text, m.MessagingType
		req.Tag = m.Tag
	case r.URL.Path == "/v3.0/oa/message/cs":
		var m struct {
			Recipient struct {
				UserID string `json:"user_id"`
			}
			Message struct{ Text string }
		}
		json.Unmarshal(b, &m)
		req.Token, req.Recipient, req.Text = r.Header.Get("access_token"), m.Recipient.UserID, m.Message.Text
	default:
		http.NotFound(w, r)
		return
	}
	f.mu.Lock()
	n := len(f.all)
	f.all = append(f.all, req)
	status, body := 0, ""
	if f.fail != nil {
		status, body = f.fail(n)
	}
	if status == 0 {
		f.ok = append(f.ok, req)
	}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if status != 0 {
		w.WriteHeader(status)
		io.WriteString(w, body)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/v3.0/") {
		fmt.Fprintf(w, `{"error":0,"message":"Success","data":{"message_id":"z%d"}}`, n)
	} else {
		fmt.Fprintf(w, `{"id":"r%d","message_id":"m%d","recipient_id":"x"}`, n, n)
	}
}

func (f *fakePlatform) delivered() []platformRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]platformRequest(nil), f.ok...)
}

func (f *fakePlatform) received() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.all)
}

// outboxWorker sends through the fake with the real clients, on its own
// clock (the outbox's times are the database's, so it starts at the real now)
// with a fixed one-minute back-off.
func outboxWorker(e *apitest.Env, f *fakePlatform) (*jobs.OutboxWorker, *apitest.Clock) {
	box, err := secretbox.New(apitest.SecretKey)
	if err != nil {
		e.T.Fatal(err)
	}
	cs := &jobs.ChannelSenders{Accounts: e.Store, Box: box, Channels: channels.NewRegistry(
		facebook.NewAdapter(facebook.NewClient(f.URL, nil), "", ""), zalo.NewAdapter(zalo.NewClient(f.URL, nil))),
		Log: slog.New(slog.DiscardHandler), Now: e.Clock.Now} // the platforms' windows run on the tickets' clock
	clock := &apitest.Clock{}
	clock.Set(time.Now().Add(time.Second))
	return &jobs.OutboxWorker{Store: e.Store, Senders: cs.Senders(), Now: clock.Now,
		Backoff: func(int) time.Duration { return time.Minute }, Log: slog.New(slog.DiscardHandler)}, clock
}

// reply answers a ticket publicly as the admin and expects it queued.
func reply(t *testing.T, e *apitest.Env, id int64, body string) {
	t.Helper()
	r := e.As(apitest.Admin, "POST", fmt.Sprintf("/api/v1/tickets/%d/replies", id), map[string]string{"body": body})
	if r.Status != 201 || r.Map(t)["delivery"] != "queued" {
		t.Fatalf("reply: %d %s", r.Status, r.Body)
	}
}

// timeline returns a ticket's event types as staff see them.
func timeline(t *testing.T, e *apitest.Env, id int64) []string {
	t.Helper()
	r := e.As(apitest.Admin, "GET", fmt.Sprintf("/api/v1/tickets/%d", id), nil)
	if r.Status != 200 {
		t.Fatalf("ticket: %d %s", r.Status, r.Body)
	}
	var d struct {
		Events []struct {
			Type string `json:"type"`
			Body string `json:"body"`
		} `json:"events"`
	}
	r.JSON(t, &d)
	var types []string
	for _, ev := range d.Events {
		types = append(types, ev.Type)
	}
	return types
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// intake delivers the three text fixtures and returns their tickets.
func intake(t *testing.T, e *apitest.Env, sigs fixtureSigs) []channelTicket {
	t.Helper()
	for _, name := range []string{"fb_feed_comment.json", "fb_messenger_text.json", "zalo_user_send_text.json"} {
		var r *apitest.Response
		if strings.HasPrefix(name, "fb_") {
			r = postFacebook(e, fixture(t, name), sigs.headers[name])
		} else {
			r = postZalo(e, fixture(t, name), sigs.headers[name])
		}
		if r.Status != 200 {
			t.Fatalf("%s: %d %s", name, r.Status, r.Body)
		}
	}
	return channelTickets(t, e)
}

// Replies reach the platforms on the right path, for the right recipient,
// with the account's own token, once.
func TestRepliesReachThePlatforms(t *testing.T) {
	t.Parallel()
	e, sigs := channelEnv(t)
	fake := newFakePlatform(t)
	w, _ := outboxWorker(e, fake)
	tickets := intake(t, e, sigs)
	texts := []string{"Phường đã tiếp nhận, sẽ cử người sửa đèn trong tuần.", "Phường đã báo tổ dân phố kiểm tra cống.",
		"Ông/bà nộp đơn tại Trung tâm Phục vụ hành chính công của phường."}
	for i, tk := range tickets {
		reply(t, e, tk.ID, texts[i])
	}
	sent, retried, failed, err := w.RunOnce(context.Background())
	if err != nil || sent != 3 || retried != 0 || failed != 0 {
		t.Fatalf("RunOnce = %d, %d, %d, %v", sent, retried, failed, err)
	}
	want := []platformRequest{
		{Path: "/912345678901234_1122334455667788/comments", Token: pageToken, Recipient: "912345678901234_1122334455667788", Text: texts[0]},
		{Path: "/me/messages", Token: pageToken, Recipient: "7012345678901234", Text: texts[1], MessagingType: "RESPONSE"},
		{Path: "/v3.0/oa/message/cs", Token: oaToken, Recipient: "2468458835296117922", Text: texts[2]},
	}
	got := fake.delivered()
	if len(got) != 3 {
		t.Fatalf("delivered %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("send %d = %+v\nwant %+v", i, got[i], want[i])
		}
	}
	for _, tk := range tickets {
		if types := timeline(t, e, tk.ID); !contains(types, "delivered") {
			t.Errorf("ticket %d timeline %v", tk.ID, types)
		}
	}
	if sent, _, _, _ := w.RunOnce(context.Background()); sent != 0 || fake.received() != 3 {
		t.Errorf("sent again: %d, %d requests", sent, fake.received())
	}
}

// The platform fails three times and then recovers: the reply is delivered
// exactly once, after three retries with back-off.
func TestReplyRetriedUntilDelivered(t *testing.T) {
	t.Parallel()
	e, sigs := channelEnv(t)
	fake := newFakePlatform(t)
	fake.fail = func(n int) (int, string) {
		if n < 3 {
			return 500, `{"error":{"message":"An unexpected error has occurred.","type":"OAuthException","code":2,"is_transient":true}}`
		}
		return 0, ""
	}
	w, clock := outboxWorker(e, fake)
	tk := intake(t, e, sigs)[1] // Messenger
	reply(t, e, tk.ID, "Phường đã nhận phản ánh về ngập nước.")
	var sent, retried int
	for range 10 {
		s, r, f, err := w.RunOnce(context.Background())
		if err != nil || f != 0 {
			t.Fatalf("RunOnce: %d %d %d %v", s, r, f, err)
		}
		sent, retried = sent+s, retried+r
		if s == 0 && r == 0 { // nothing due: the back-off holds it
			clock.Advance(30 * time.Second)
			continue
		}
		clock.Advance(30 * time.Second)
	}
	if sent != 1 || retried != 3 || fake.received() != 4 || len(fake.delivered()) != 1 {
		t.Fatalf("sent %d retried %d; %d requests, %d delivered", sent, retried, fake.received(), len(fake.delivered()))
	}
	types := timeline(t, e, tk.ID)
	if strings.Count(strings.Join(types, ","), "delivered") != 1 || contains(types, "delivery_failed") {
		t.Errorf("timeline %v", types)
	}
}

// A reply that can never be delivered ends as a failure the staff see on
// the ticket: at once for a permanent refusal, after the last attempt for
// errors that never stop.
func TestReplyThatCannotBeDeliveredShowsOnTheTicket(t *testing.T) {
	t.Parallel()
	e, sigs := channelEnv(t)
	fake := newFakePlatform(t)
	fake.fail = func(n int) (int, string) {
		if n == 0 { // outside the 24-hour window: permanent
			return 400, `{"error":{"message":"(#10) This message is sent outside of allowed window.","type":"OAuthException","code":10,"error_subcode":2018278}}`
		}
		return 503, `{"error":-1,"message":"Internal error"}`
	}
	w, clock := outboxWorker(e, fake)
	w.MaxAttempts = 3
	tickets := intake(t, e, sigs)
	reply(t, e, tickets[1].ID, "Trả lời qua Messenger")
	if _, _, failed, err := w.RunOnce(context.Background()); failed != 1 || err != nil {
		t.Fatalf("permanent refusal: failed %d, %v", failed, err)
	}
	reply(t, e, tickets[2].ID, "Trả lời qua Zalo")
	failed := 0
	for range 5 {
		_, _, f, err := w.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		failed += f
		clock.Advance(2 * time.Minute)
	}
	if failed != 1 || fake.received() != 4 {
		t.Fatalf("failed %d after %d requests", failed, fake.received())
	}
	for _, tk := range tickets[1:] {
		if types := timeline(t, e, tk.ID); !contains(types, "delivery_failed") || contains(types, "delivered") {
			t.Errorf("ticket %d timeline %v", tk.ID, types)
		}
	}
	var reason string
	e.MustGet(&reason, `SELECT body FROM ticket_events WHERE ticket_id = $1 AND type = 'delivery_failed'`, tickets[1].ID)
	if !strings.Contains(reason, "2018278") || strings.Contains(reason, pageToken) {
		t.Errorf("failure reason %q", reason)
	}

	// A deactivated account's replies fail at once, without a request.
	e.DB.MustExec(`UPDATE channel_accounts SET active = false WHERE platform = 'facebook'`)
	reply(t, e, tickets[0].ID, "Trả lời bình luận")
	if _, _, f, _ := w.RunOnce(context.Background()); f != 1 || fake.received() != 4 {
		t.Errorf("deactivated account: failed %d, %d requests", f, fake.received())
	}
}

// Two workers racing over the same outbox send each reply once.
func TestTwoWorkersSendOnce(t *testing.T) {
	t.Parallel()
	e, sigs := channelEnv(t)
	fake := newFakePlatform(t)
	const n = 12
	for i := range n {
		signedFacebook(t, e, sigs, messenger(fmt.Sprintf("80%02d", i), fmt.Sprintf("m_race_%d", i), "Cống bị tắc, nước tràn"))
	}
	for _, tk := range channelTickets(t, e) {
		reply(t, e, tk.ID, "Đã nhận")
	}
	w1, _ := outboxWorker(e, fake)
	w2, _ := outboxWorker(e, fake)
	w1.Batch, w2.Batch = 3, 3
	var wg sync.WaitGroup
	for _, w := range []*jobs.OutboxWorker{w1, w2} {
		wg.Go(func() {
			for range n {
				if _, _, _, err := w.RunOnce(context.Background()); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	got := fake.delivered()
	seen := map[string]bool{}
	for _, r := range got {
		if seen[r.Recipient] {
			t.Errorf("%s answered twice", r.Recipient)
		}
		seen[r.Recipient] = true
	}
	if len(got) != n || fake.received() != n {
		t.Errorf("%d delivered, %d requests; want %d", len(got), fake.received(), n)
	}
}

// A text over 2,000 characters goes out in parts; after a failure in the
// middle, the next attempt resumes with the part that failed.
func TestLongReplySplitAndResumed(t *testing.T) {
	t.Parallel()
	e, sigs := channelEnv(t)
	fake := newFakePlatform(t)
	fake.fail = func(n int) (int, string) {
		if n == 1 {
			return 503, `{"error":-1,"message":"Internal error"}`
		}
		return 0, ""
	}
	w, clock := outboxWorker(e, fake)
	tk := intake(t, e, sigs)[2] // Zalo
	// about 4,600 characters: three parts
	text := strings.Repeat("Phường đã tiếp nhận và chuyển phòng Kinh tế xử lý trong tuần này. ", 70)
	reply(t, e, tk.ID, text)
	if s, r, _, _ := w.RunOnce(context.Background()); s != 0 || r != 1 {
		t.Fatalf("first attempt: sent %d retried %d", s, r)
	}
	clock.Advance(2 * time.Minute)
	if s, _, _, _ := w.RunOnce(context.Background()); s != 1 {
		t.Fatalf("second attempt: sent %d", s)
	}
	parts := channels.Split(text, channels.MaxText)
	got := fake.delivered()
	if len(parts) != 3 || len(got) != 3 || fake.received() != 4 {
		t.Fatalf("%d parts; %d delivered of %d requests", len(parts), len(got), fake.received())
	}
	for i, p := range parts {
		if got[i].Text != p || got[i].Recipient != "2468458835296117922" || got[i].Token != oaToken {
			t.Errorf("part %d: %q…", i, got[i].Text[:40])
		}
	}
}

// Messenger's windows, at the fake: within 24 hours of the citizen's last
// message a reply goes as RESPONSE; from 24 hours to 7 days as a person's
// answer tagged HUMAN_AGENT; after 7 days it is not sent, and the ticket
// says why. A reply queued inside a window and sent after it follows the
// time of sending.
func TestMessengerRepliesFollowTheWindows(t *testing.T) {
	t.Parallel()
	e, sigs := channelEnv(t)
	fake := newFakePlatform(t)
	w, _ := outboxWorker(e, fake)
	messenger := intake(t, e, sigs)[1]
	send := func(text string) {
		t.Helper()
		reply(t, e, messenger.ID, text)
		if sent, _, failed, err := w.RunOnce(context.Background()); sent != 1 || failed != 0 || err != nil {
			t.Fatalf("%q: sent %d, failed %d, %v", text, sent, failed, err)
		}
	}
	send("Trong 24 giờ")
	e.Advance(30 * time.Hour)
	send("Sau 30 giờ")
	e.Advance(5 * 24 * time.Hour) // 6 days and 6 hours
	send("Sau 6 ngày")
	want := []platformRequest{
		{Path: "/me/messages", Token: pageToken, Recipient: "7012345678901234", Text: "Trong 24 giờ", MessagingType: "RESPONSE"},
		{Path: "/me/messages", Token: pageToken, Recipient: "7012345678901234", Text: "Sau 30 giờ", MessagingType: "MESSAGE_TAG", Tag: "HUMAN_AGENT"},
		{Path: "/me/messages", Token: pageToken, Recipient: "7012345678901234", Text: "Sau 6 ngày", MessagingType: "MESSAGE_TAG", Tag: "HUMAN_AGENT"},
	}
	if got := fake.delivered(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("at the fake:\n%+v\nwant\n%+v", got, want)
	}

	// Queued on day 6, sent on day 8: refused at sending, on the timeline.
	reply(t, e, messenger.ID, "Xếp hàng ngày 6")
	e.Advance(2 * 24 * time.Hour)
	if sent, _, failed, err := w.RunOnce(context.Background()); sent != 0 || failed != 1 || err != nil {
		t.Fatalf("after 7 days: sent %d, failed %d, %v", sent, failed, err)
	}
	var reason string
	e.MustGet(&reason, `SELECT body FROM ticket_events WHERE ticket_id = $1 AND type = 'delivery_failed'`, messenger.ID)
	if !strings.Contains(reason, "7 days") {
		t.Errorf("the failure on the timeline: %q", reason)
	}
	// Written after 7 days: not queued, and the reply says why.
	r := e.As(apitest.Admin, "POST", fmt.Sprintf("/api/v1/tickets/%d/replies", messenger.ID), map[string]string{"body": "Quá 7 ngày"})
	if r.Status != 201 || r.Map(t)["delivery"] != "not_sent" || r.Map(t)["reason"] == nil {
		t.Fatalf("a reply after 7 days: %d %s", r.Status, r.Body)
	}
	if n := fake.received(); n != 3 {
		t.Errorf("%d requests at the fake, want the 3 sent", n)
	}
	// The ticket page says it plainly.
	b := apitest.NewBrowser(t, e)
	b.SignIn(apitest.Admin)
	if pg := b.Get(fmt.Sprintf("/staff/tickets/%d", messenger.ID)); pg.Status != 200 ||
		!strings.Contains(pg.Body, "Không gửi được qua mạng xã hội: đã quá thời hạn") {
		t.Errorf("the ticket page does not say the reply was not sent: %d", pg.Status)
	}
}
