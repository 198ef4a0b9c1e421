package webhook_test

import (
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"caunoi/internal/httpx"
	"caunoi/server"

	"github.com/gin-gonic/gin"
	"github.com/jmoiron/sqlx"

	"caunoi/channels/facebook"
	"caunoi/internal/apitest"
	"caunoi/repository"
)

func TestFacebookHandshake(t *testing.T) {
	t.Parallel()
	e, _ := channelEnv(t)
	q := strings.TrimSpace(string(fixture(t, "fb_verify_query.txt")))
	r := e.Request("GET", "/webhooks/facebook?"+q, nil)
	if r.Status != 200 || string(r.Body) != "1158201444" || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("handshake: %d %q %s", r.Status, r.Body, r.Header.Get("Content-Type"))
	}
	bad := strings.Replace(q, verifyToken, "wrong-token", 1)
	if r := e.Request("GET", "/webhooks/facebook?"+bad, nil); r.Status != 403 || r.Err(t).Error.Code != "forbidden" {
		t.Fatalf("wrong verify token: %d %s", r.Status, r.Body)
	}
}

// Each fixture, delivered twice, makes exactly one ticket in the unit that
// owns the page or OA, with the sender's identity and the reply thread.
func TestWebhookFixturesMakeOneTicketEach(t *testing.T) {
	t.Parallel()
	e, sigs := channelEnv(t)
	for _, name := range []string{"fb_feed_comment.json", "fb_messenger_text.json", "zalo_user_send_text.json"} {
		for range 2 {
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
	}
	got := channelTickets(t, e)
	if len(got) != 3 {
		t.Fatalf("%d tickets, want 3: %+v", len(got), got)
	}
	want := []channelTicket{
		{Unit: "xuan-lung", Channel: "facebook_comment", ExternalID: "912345678901234_1122334455667788",
			ThreadID: "912345678901234_1122334455667788", CitizenExternalID: "6543210987654321",
			CitizenName: "Nguyễn Văn An", Account: fbPage},
		{Unit: "xuan-lung", Channel: "facebook_message", ExternalID: "m_Qk9SZ1dKa2xQY3JtT0RiVlRzU3VYcEZfZ1pqTnZwYkh4",
			ThreadID: "7012345678901234", CitizenExternalID: "7012345678901234", Account: fbPage},
		{Unit: "au-co", Channel: "zalo", ExternalID: "96d3cdf3af1504609a1c", ThreadID: "2468458835296117922",
			CitizenExternalID: "2468458835296117922", Account: zaloOA},
	}
	for i, w := range want {
		g := got[i]
		if g.Unit != w.Unit || g.Channel != w.Channel || g.ExternalID != w.ExternalID || g.ThreadID != w.ThreadID ||
			g.CitizenExternalID != w.CitizenExternalID || g.CitizenName != w.CitizenName || g.Account != w.Account {
			t.Errorf("ticket %d = %+v\nwant %+v", i, g, w)
		}
		if !g.LastCitizenAt.Equal(e.Clock.Now()) || g.Status != "new" || g.Body == "" {
			t.Errorf("ticket %d: last_citizen_at %v status %s body %q", i, g.LastCitizenAt, g.Status, g.Body)
		}
		if types := eventTypes(t, e, g.ID); strings.Join(types, ",") != "created,routed" {
			t.Errorf("ticket %d events %v", i, types)
		}
	}
	// routed like any other feedback: a broken street lamp goes to chiếu sáng
	if c := got[0].Category; c == nil || *c != "chieu-sang" {
		t.Errorf("comment routed to %v", c)
	}
}

// The image the same Zalo user sends next joins the open ticket of the text,
// with its attachment, instead of opening a second ticket.
func TestWebhookFollowUpJoinsOpenTicket(t *testing.T) {
	t.Parallel()
	e, sigs := channelEnv(t)
	for _, name := range []string{"zalo_user_send_text.json", "zalo_user_send_image.json", "zalo_user_send_image.json"} {
		if r := postZalo(e, fixture(t, name), sigs.headers[name]); r.Status != 200 {
			t.Fatalf("%s: %d %s", name, r.Status, r.Body)
		}
	}
	got := channelTickets(t, e)
	if len(got) != 1 {
		t.Fatalf("%d tickets, want 1", len(got))
	}
	if types := eventTypes(t, e, got[0].ID); strings.Join(types, ",") != "created,routed,citizen_message" {
		t.Fatalf("events %v", types)
	}
	var att struct {
		Type    string `db:"type"`
		URL     string `db:"url"`
		EventID *int64 `db:"event_id"`
	}
	if err := e.DB.Get(&att, `SELECT type, url, event_id FROM attachments WHERE ticket_id = $1`, got[0].ID); err != nil {
		t.Fatal(err)
	}
	if att.Type != "image" || att.URL != "https://photo-stal-1.zdn.vn/full/fake-0a1b2c3d4e5f.jpg" || att.EventID == nil {
		t.Errorf("attachment %+v", att)
	}

	// A week later the same user's message opens a new ticket.
	e.Clock.Advance(8 * 24 * time.Hour)
	signedZalo(t, e, sigs, zaloText("2468458835296117922", "msg-later", "Xin hỏi thủ tục chứng thực bản sao"))
	// Another user's message is a ticket of its own.
	signedZalo(t, e, sigs, zaloText("999", "msg-other", "Rác thải tồn đọng ở đầu ngõ, số điện thoại của tôi 0912.345.678"))
	got = channelTickets(t, e)
	if len(got) != 3 || got[1].ExternalID != "msg-later" || got[2].CitizenExternalID != "999" {
		t.Fatalf("tickets %+v", got)
	}
	if got[2].CitizenPhone != "0912345678" {
		t.Errorf("phone written in the message: %q", got[2].CitizenPhone)
	}

	// A follow-up on a closed ticket opens a new one too.
	if _, err := e.DB.Exec(`UPDATE tickets SET status = 'closed' WHERE id = $1`, got[2].ID); err != nil {
		t.Fatal(err)
	}
	signedZalo(t, e, sigs, zaloText("999", "msg-other-2", "Vẫn chưa ai thu gom rác"))
	if n := len(channelTickets(t, e)); n != 4 {
		t.Fatalf("%d tickets after a message on a closed ticket, want 4", n)
	}
}

// A follow-up on the open ticket restarts a ticket waiting for the citizen,
// moves its last_citizen_at, and fills a phone number the first message lacked.
func TestWebhookFollowUpResumesWaitingTicket(t *testing.T) {
	t.Parallel()
	e, sigs := channelEnv(t)
	name := "fb_messenger_text.json"
	if r := postFacebook(e, fixture(t, name), sigs.headers[name]); r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	tk := channelTickets(t, e)[0]
	e.DB.MustExec(`UPDATE tickets SET status = 'waiting_citizen', paused_at = $2 WHERE id = $1`, tk.ID, e.Clock.Now())
	e.Clock.Advance(2 * time.Hour)
	signedFacebook(t, e, sigs, messenger("7012345678901234", "m_followup", "Số điện thoại nhà tôi là 0987 654 321 ạ"))
	got := channelTickets(t, e)
	if len(got) != 1 {
		t.Fatalf("%d tickets", len(got))
	}
	if got[0].Status != "in_progress" || !got[0].LastCitizenAt.Equal(e.Clock.Now()) || got[0].CitizenPhone != "0987654321" {
		t.Errorf("after the follow-up: %+v", got[0])
	}
}

// Redeliveries, from 8 goroutines at once, make one ticket and nothing else.
func TestWebhookConcurrentRedeliveries(t *testing.T) {
	t.Parallel()
	e, sigs := channelEnv(t)
	for _, name := range []string{"fb_feed_comment.json", "fb_messenger_text.json", "zalo_user_send_text.json", "zalo_user_send_image.json"} {
		body, sig := fixture(t, name), sigs.headers[name]
		var wg sync.WaitGroup
		statuses := make(chan int, 8)
		for range 8 {
			wg.Go(func() {
				var r *apitest.Response
				if strings.HasPrefix(name, "fb_") {
					r = postFacebook(e, body, sig)
				} else {
					r = postZalo(e, body, sig)
				}
				statuses <- r.Status
			})
		}
		wg.Wait()
		close(statuses)
		for st := range statuses {
			if st != 200 {
				t.Errorf("%s: status %d", name, st)
			}
		}
	}
	got := channelTickets(t, e)
	if len(got) != 3 {
		t.Fatalf("%d tickets, want 3 (the Zalo image joins the Zalo text's ticket)", len(got))
	}
	var events int
	e.MustGet(&events, `SELECT count(*) FROM ticket_events WHERE type = 'citizen_message'`)
	if events != 1 {
		t.Errorf("%d citizen messages, want 1", events)
	}
	if n := e.Count("attachments"); n != 1 {
		t.Errorf("%d attachments, want 1", n)
	}
}

// Distinct messages of one new sender, delivered at once, thread into one ticket.
func TestWebhookConcurrentMessagesOfOneSender(t *testing.T) {
	t.Parallel()
	e, sigs := channelEnv(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			signedFacebook(t, e, sigs, messenger("5550001", fmt.Sprintf("m_burst_%d", i), fmt.Sprintf("Tin nhắn số %d về ngập nước", i)))
		})
	}
	wg.Wait()
	got := channelTickets(t, e)
	if len(got) != 1 {
		t.Fatalf("%d tickets, want 1", len(got))
	}
	if n := len(eventTypes(t, e, got[0].ID)); n != 2+7 {
		t.Errorf("%d events, want created, routed and 7 citizen messages", n)
	}
}

func TestWebhookSignatureRefused(t *testing.T) {
	t.Parallel()
	e, sigs := channelEnv(t)
	before := stored(t, e)
	comment, text := fixture(t, "fb_feed_comment.json"), fixture(t, "zalo_user_send_text.json")
	otherSig := sigs.headers["fb_messenger_text.json"]
	cases := []struct {
		name string
		send func() *apitest.Response
	}{
		{"facebook missing", func() *apitest.Response {
			return e.Request("POST", "/webhooks/facebook", comment, "Content-Type: application/json")
		}},
		{"facebook wrong", func() *apitest.Response { return postFacebook(e, comment, otherSig) }},
		{"facebook garbage", func() *apitest.Response { return postFacebook(e, comment, "sha256=zz") }},
		{"facebook altered body", func() *apitest.Response {
			return postFacebook(e, append(append([]byte{}, comment...), ' '), sigs.headers["fb_feed_comment.json"])
		}},
		{"zalo missing", func() *apitest.Response {
			return e.Request("POST", "/webhooks/zalo", text, "Content-Type: application/json")
		}},
		{"zalo wrong", func() *apitest.Response { return postZalo(e, text, sigs.headers["zalo_user_send_image.json"]) }},
		{"zalo not json", func() *apitest.Response { return postZalo(e, []byte("nope"), "mac=00") }},
	}
	for _, c := range cases {
		r := c.send()
		if r.Status != 401 || r.Err(t).Error.Code != "unauthorized" {
			t.Errorf("%s: %d %s", c.name, r.Status, r.Body)
		}
	}
	if after := stored(t, e); after != before {
		t.Errorf("stored %v, before %v", after, before)
	}
	if !strings.Contains(e.Log.String(), "webhook refused: bad signature") {
		t.Error("refusals not logged")
	}
}

// Without CAUNOI_FACEBOOK_APP_SECRET every Facebook delivery is refused.
func TestWebhookFacebookRefusedWithoutAppSecret(t *testing.T) {
	t.Parallel()
	e, sigs := channelEnv(t, apitest.WithFacebook("", ""))
	r := postFacebook(e, fixture(t, "fb_feed_comment.json"), sigs.headers["fb_feed_comment.json"])
	if r.Status != 401 || e.Count("tickets") != 0 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	if !strings.Contains(e.Log.String(), "CAUNOI_FACEBOOK_APP_SECRET is not set") {
		t.Error("the reason is not logged")
	}
}

// A page or OA that no unit owns is acknowledged, logged and not stored.
func TestWebhookUnknownAccount(t *testing.T) {
	t.Parallel()
	sigs := readSigs(t)
	e := apitest.New(t, apitest.WithFacebook(sigs.fbSecret, verifyToken), apitest.WithSecretKey(apitest.SecretKey))
	before := stored(t, e)
	for _, name := range []string{"fb_feed_comment.json", "fb_messenger_text.json"} {
		if r := postFacebook(e, fixture(t, name), sigs.headers[name]); r.Status != 200 {
			t.Errorf("%s: %d %s", name, r.Status, r.Body)
		}
	}
	if r := postZalo(e, fixture(t, "zalo_user_send_text.json"), sigs.headers["zalo_user_send_text.json"]); r.Status != 200 {
		t.Errorf("zalo: %d %s", r.Status, r.Body)
	}
	if after := stored(t, e); after != before {
		t.Errorf("stored %v, before %v", after, before)
	}
	if n := strings.Count(e.Log.String(), "no unit owns"); n != 3 {
		t.Errorf("%d log lines about unknown accounts, want 3:\n%s", n, e.Log)
	}
	// A deactivated account is no longer anyone's.
	e2, sigs2 := channelEnv(t)
	e2.DB.MustExec(`UPDATE channel_accounts SET active = false`)
	if r := postFacebook(e2, fixture(t, "fb_feed_comment.json"), sigs2.headers["fb_feed_comment.json"]); r.Status != 200 || e2.Count("tickets") != 0 {
		t.Errorf("deactivated page: %d, %d tickets", r.Status, e2.Count("tickets"))
	}
}

// A batch: every entry handled; echoes, the page's own comments and other
// events ignored; edits and removals recorded on the comment's ticket.
func TestWebhookFacebookBatchEchoesAndEdits(t *testing.T) {
	t.Parallel()
	e, sigs := channelEnv(t)
	batch := `{"object":"page","entry":[
	  {"id":"` + fbPage + `","time":1735707000412,"messaging":[
	    {"sender":{"id":"71"},"recipient":{"id":"` + fbPage + `"},"timestamp":1735707000001,"message":{"mid":"m_1","text":"Cống thoát nước bị tắc ở thôn 2"}},
	    {"sender":{"id":"72"},"recipient":{"id":"` + fbPage + `"},"timestamp":1735707000002,"message":{"mid":"m_2","attachments":[{"type":"image","payload":{"url":"https://cdn.example/anh.jpg"}}]}},
	    {"sender":{"id":"` + fbPage + `"},"recipient":{"id":"71"},"timestamp":1735707000003,"message":{"mid":"m_echo","text":"Phường đã nhận","is_echo":true}},
	    {"sender":{"id":"71"},"recipient":{"id":"` + fbPage + `"},"read":{"watermark":1}}]},
	  {"id":"` + fbPage + `","time":1735706095,"changes":[
	    {"field":"feed","value":` + comment("add", "81", "Bùi Thị Hoa", "100_200", "Đường thôn 5 có ổ gà lớn") + `},
	    {"field":"feed","value":` + comment("add", fbPage, "Trang", "100_201", "Cảm ơn bạn, phường đã tiếp nhận") + `},
	    {"field":"feed","value":{"item":"reaction","verb":"add","reaction_type":"like","from":{"id":"82"}}}]}]}`
	signedFacebook(t, e, sigs, batch)
	got := channelTickets(t, e)
	if len(got) != 3 {
		t.Fatalf("%d tickets, want 3: %+v", len(got), got)
	}
	if got[0].ExternalID != "m_1" || got[1].ExternalID != "m_2" || got[1].Body != "[Hình ảnh]" || got[2].ExternalID != "100_200" {
		t.Errorf("tickets %+v", got)
	}
	commentTicket := got[2].ID

	edit := `{"object":"page","entry":[{"id":"` + fbPage + `","time":1735706195,"changes":[
	  {"field":"feed","value":` + comment("edited", "81", "Bùi Thị Hoa", "100_200", "Đường thôn 5 có hai ổ gà lớn, rất nguy hiểm") + `}]}]}`
	remove := `{"object":"page","entry":[{"id":"` + fbPage + `","time":1735706295,"changes":[
	  {"field":"feed","value":{"from":{"id":"81"},"item":"comment","comment_id":"100_200","post_id":"` + fbPage + `_100","verb":"remove","created_time":1735706290}}]}]}`
	for range 2 { // redelivered: recorded once
		signedFacebook(t, e, sigs, edit)
		signedFacebook(t, e, sigs, remove)
	}
	if n := len(channelTickets(t, e)); n != 3 {
		t.Fatalf("edits made tickets: %d", n)
	}
	if types := eventTypes(t, e, commentTicket); strings.Join(types, ",") != "created,routed,external_edited,external_removed" {
		t.Fatalf("comment events %v", types)
	}
	var body string
	e.MustGet(&body, `SELECT body FROM ticket_events WHERE ticket_id = $1 AND type = 'external_edited'`, commentTicket)
	if body != "Đường thôn 5 có hai ổ gà lớn, rất nguy hiểm" {
		t.Errorf("edit recorded as %q", body)
	}
	// A second comment of the same person joins the ticket; its edit is recorded there too.
	signedFacebook(t, e, sigs, `{"object":"page","entry":[{"id":"`+fbPage+`","time":1735706395,"changes":[
	  {"field":"feed","value":`+comment("add", "81", "Bùi Thị Hoa", "100_300", "Bổ sung: ổ gà ở gần trường học")+`}]}]}`)
	signedFacebook(t, e, sigs, `{"object":"page","entry":[{"id":"`+fbPage+`","time":1735706495,"changes":[
	  {"field":"feed","value":`+comment("edited", "81", "Bùi Thị Hoa", "100_300", "Bổ sung: ổ gà ở gần trường tiểu học")+`}]}]}`)
	if types := eventTypes(t, e, commentTicket); strings.Join(types[4:], ",") != "citizen_message,external_edited" {
		t.Fatalf("comment events %v", types)
	}
	// An edit of a comment no ticket holds is acknowledged and logged.
	signedFacebook(t, e, sigs, `{"object":"page","entry":[{"id":"`+fbPage+`","time":1735706595,"changes":[
	  {"field":"feed","value":`+comment("edited", "83", "Ai đó", "999_999", "sửa")+`}]}]}`)
	if n := len(channelTickets(t, e)); n != 3 || !strings.Contains(e.Log.String(), `"outcome":"orphan"`) {
		t.Errorf("orphan edit: %d tickets", n)
	}
}

// A signed delivery that is not a Page payload is a 400 that stores nothing.
func TestWebhookMalformed(t *testing.T) {
	t.Parallel()
	e, sigs := channelEnv(t)
	body := `{"object":"page","entry":{}}`
	r := postFacebook(e, []byte(body), facebook.Sign([]byte(body), sigs.fbSecret))
	if r.Status != 400 || r.Err(t).Error.Code != "invalid_input" || e.Count("tickets") != 0 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	// other objects and fields are acknowledged and ignored
	signedFacebook(t, e, sigs, `{"object":"instagram","entry":[]}`)
	if e.Count("tickets") != 0 {
		t.Fatal("stored an ignored event")
	}
}

// With the database down the webhooks answer 503 with Retry-After, never a
// 200 for something not stored.
func TestWebhookDatabaseDown(t *testing.T) {
	t.Parallel()
	sigs := readSigs(t)
	db, err := sqlx.Open("postgres", "postgres://postgres@127.0.0.1:1/caunoi?sslmode=disable&connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	gin.SetMode(gin.ReleaseMode)
	srv := httptest.NewServer(server.New(httpx.Config{Channels: apitest.Platforms(sigs.fbSecret, ""), SecretKey: apitest.SecretKey},
		repository.NewStore(db, nil), slog.New(slog.DiscardHandler)).Handler())
	defer srv.Close()
	e := &apitest.Env{T: t, Server: srv}
	for _, r := range []*apitest.Response{
		postFacebook(e, fixture(t, "fb_feed_comment.json"), sigs.headers["fb_feed_comment.json"]),
		postZalo(e, fixture(t, "zalo_user_send_text.json"), sigs.headers["zalo_user_send_text.json"]),
	} {
		if r.Status != 503 || r.Header.Get("Retry-After") == "" || r.Err(t).Error.Code != "unavailable" {
			t.Errorf("%d %q %s", r.Status, r.Header.Get("Retry-After"), r.Body)
		}
	}
	// the signature is still checked first
	if r := postFacebook(e, fixture(t, "fb_feed_comment.json"), "sha256=00"); r.Status != 401 {
		t.Errorf("bad signature with the database down: %d", r.Status)
	}
}

// comment returns a feed comment change's value.
func comment(verb, fromID, fromName, commentID, message string) string {
	return fmt.Sprintf(`{"from":{"id":%q,"name":%q},"item":"comment","comment_id":%q,"post_id":"%s_100","parent_id":"%s_100","verb":%q,"created_time":1735706090,"message":%q}`,
		fromID, fromName, commentID, fbPage, fbPage, verb, message)
}

// messenger returns a Page delivery of one Messenger text.
func messenger(psid, mid, text string) string {
	return fmt.Sprintf(`{"object":"page","entry":[{"id":%q,"time":1735707000412,"messaging":[{"sender":{"id":%q},"recipient":{"id":%q},"timestamp":1735706999876,"message":{"mid":%q,"text":%q}}]}]}`,
		fbPage, psid, fbPage, mid, text)
}

// zaloText returns a Zalo user_send_text delivery.
func zaloText(userID, msgID, text string) string {
	return fmt.Sprintf(`{"app_id":%q,"sender":{"id":%q},"recipient":{"id":%q},"event_name":"user_send_text","message":{"text":%q,"msg_id":%q},"timestamp":"1735708200123"}`,
		zaloApp, userID, zaloOA, text, msgID)
}
