package webhook_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"caunoi/channels"
	"caunoi/domain"
	"caunoi/internal/apitest"
	"caunoi/jobs"
	"caunoi/secretbox"
)

// mailbox is a third platform, registered from this test package as
// channels/doc.go says a new one is: a mail gateway that posts each e-mail
// as JSON signed with its mailbox's own secret, and sends replies.
type mailbox struct {
	mu   sync.Mutex
	sent []mailReply
}

type mailReply struct{ token, to, text string }

const mailPlatform domain.Platform = "mailbox"

const (
	mailKind      = "mailbox_reply"
	mailSignature = "X-Mailbox-Signature"
)

func (m *mailbox) Platform() domain.Platform { return mailPlatform }

func (m *mailbox) Deadline() time.Duration { return 5 * time.Second }

func (m *mailbox) Receive(ctx context.Context, d channels.Delivery, accounts channels.Accounts) ([]domain.Inbound, error) {
	var mail struct {
		Mailbox, ID, From, Name, Text string
	}
	if err := json.Unmarshal(d.Body, &mail); err != nil || mail.ID == "" || mail.From == "" {
		return nil, fmt.Errorf("mailbox: %w", channels.ErrMalformed)
	}
	acc, err := accounts.Account(ctx, mail.Mailbox)
	if domain.IsNotFound(err) {
		return nil, fmt.Errorf("mailbox %s: %w", mail.Mailbox, channels.ErrUnknownAccount)
	}
	if err != nil {
		return nil, err
	}
	secret, err := accounts.Secret(acc)
	if err != nil {
		return nil, err
	}
	if !hmac.Equal([]byte(d.Header.Get(mailSignature)), []byte(mailSign(d.Body, secret))) {
		return nil, fmt.Errorf("mailbox: %w", channels.ErrSignature)
	}
	return []domain.Inbound{{Channel: domain.ChannelEmail, AccountID: mail.Mailbox, ExternalID: mail.ID,
		ThreadID: mail.From, SenderID: mail.From, SenderName: mail.Name, Text: mail.Text}}, nil
}

func (m *mailbox) Senders() map[string]channels.SendFunc {
	return map[string]channels.SendFunc{mailKind: func(_ context.Context, r channels.Reply) (string, error) {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.sent = append(m.sent, mailReply{r.Token, r.Recipient, r.Text})
		return fmt.Sprintf("reply-%d", len(m.sent)), nil
	}}
}

func (m *mailbox) ReplyRoute(ch domain.Channel) (string, time.Duration, bool) {
	return mailKind, 0, ch == domain.ChannelEmail
}

func (m *mailbox) replies() []mailReply {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]mailReply(nil), m.sent...)
}

func mailSign(body []byte, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// A platform registered from outside the program's own packages gets its
// webhook, its tickets, the reply routing and the outbox sending, with no
// other change: a delivery signed with the mailbox's secret makes a ticket,
// a forged one and one for an unknown mailbox make none, and a staff reply
// is sent once through the platform with the mailbox's own token.
func TestAThirdPlatformRegisteredFromATestPackage(t *testing.T) {
	t.Parallel()
	m := &mailbox{}
	registry := channels.NewRegistry(append(apitest.Platforms("", "").Adapters(), m)...)
	e := apitest.New(t, apitest.WithPlatforms(registry), apitest.WithSecretKey(apitest.SecretKey))
	const secret = "mailbox-signing-secret"
	e.AddChannel(apitest.Channel{Platform: mailPlatform, Unit: "xuan-lung", AccountID: "4242",
		AccessToken: "mailbox-token", SecretKey: secret})

	post := func(body []byte, sig string) *apitest.Response {
		return e.Request("POST", "/webhooks/mailbox", body, "Content-Type: application/json", mailSignature+": "+sig)
	}
	mail := []byte(`{"mailbox":"4242","id":"<m1@example.vn>","from":"an@example.vn","name":"Nguyễn Văn An",` +
		`"text":"Đèn đường trước nhà số 45 thôn Đông bị hỏng"}`)
	if r := post(mail, "00"+mailSign(mail, secret)[2:]); r.Status != 401 {
		t.Fatalf("a forged delivery: %d %s", r.Status, r.Body)
	}
	other := []byte(`{"mailbox":"999","id":"<m2@example.vn>","from":"b@example.vn","text":"x"}`)
	if r := post(other, mailSign(other, secret)); r.Status != 200 || r.Map(t)["stored"] != float64(0) {
		t.Fatalf("a delivery for a mailbox no unit owns: %d %s", r.Status, r.Body)
	}
	var n int
	if e.MustGet(&n, `SELECT count(*) FROM tickets WHERE channel = 'email'`); n != 0 {
		t.Fatalf("%d tickets after refused deliveries", n)
	}
	if r := post(mail, mailSign(mail, secret)); r.Status != 200 || r.Map(t)["stored"] != float64(1) {
		t.Fatalf("the delivery: %d %s", r.Status, r.Body)
	}
	var ticket struct {
		ID     int64  `db:"id"`
		Sender string `db:"citizen_external_id"`
		Dept   string `db:"department"`
	}
	e.MustGet(&ticket, `SELECT t.id, t.citizen_external_id, coalesce(d.code, '') AS department
		FROM tickets t LEFT JOIN departments d ON d.id = t.department_id WHERE t.channel = 'email'`)
	if ticket.Sender != "an@example.vn" || ticket.Dept != "kinh-te" {
		t.Fatalf("the ticket: %+v, want from an@example.vn, routed to kinh-te", ticket)
	}

	reply(t, e, ticket.ID, "Xã đã cử người sửa đèn.")
	box, err := secretbox.New(apitest.SecretKey)
	if err != nil {
		t.Fatal(err)
	}
	cs := &jobs.ChannelSenders{Accounts: e.Store, Box: box, Channels: registry, Log: slog.New(slog.DiscardHandler)}
	w := &jobs.OutboxWorker{Store: e.Store, Senders: cs.Senders(), Now: func() time.Time { return time.Now().Add(time.Second) },
		Log: slog.New(slog.DiscardHandler)}
	for i, want := range []int{1, 0} { // the second run finds nothing left to send
		if sent, _, failed, err := w.RunOnce(context.Background()); err != nil || sent != want || failed != 0 {
			t.Fatalf("outbox run %d: %d sent, %d failed, %v; want %d sent", i+1, sent, failed, err, want)
		}
	}
	want := []mailReply{{"mailbox-token", "an@example.vn", "Xã đã cử người sửa đèn."}}
	if got := m.replies(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("replies sent through the platform: %+v, want %+v", got, want)
	}
}
