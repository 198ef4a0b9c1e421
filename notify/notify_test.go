package notify_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"caunoi/notify"
	"caunoi/notify/notifytest"
)

var loc = time.FixedZone("ICT", 7*3600)

func TestParseSMTPURL(t *testing.T) {
	m, err := notify.ParseSMTPURL("smtp://mailer:s3cret@mail.example.vn?from=Cau%20Noi%20%3Cnoreply@example.vn%3E")
	if err != nil {
		t.Fatal(err)
	}
	if m.Addr != "mail.example.vn:587" || m.Username != "mailer" || m.Password != "s3cret" ||
		m.From != "noreply@example.vn" || m.FromName != "Cau Noi" || m.ImplicitTLS {
		t.Errorf("mailer %+v", m)
	}
	m, err = notify.ParseSMTPURL("smtps://mail.example.vn")
	if err != nil || m.Addr != "mail.example.vn:465" || !m.ImplicitTLS || m.From != "noreply@mail.example.vn" {
		t.Errorf("smtps: %+v %v", m, err)
	}
	for _, bad := range []string{"http://mail.example.vn", "smtp://", "smtp://h?from=not-an-address", "::"} {
		if _, err := notify.ParseSMTPURL(bad); err == nil {
			t.Errorf("%q accepted", bad)
		} else if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("error shows the password: %v", err)
		}
	}
}

func TestSendDeliversToTheServer(t *testing.T) {
	srv := notifytest.Start(t)
	m, err := notify.ParseSMTPURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	c := notify.Composer{PublicURL: "https://caunoi.example.vn/", Loc: loc}
	due := time.Date(2026, 11, 6, 17, 0, 0, 0, loc)
	n := notify.Notice{Kind: notify.KindDueSoon, TicketID: 42, TrackingCode: "XL-7KQ2M",
		Title: "Đèn đường hỏng trước nhà văn hóa thôn 3", DueAt: due}
	e := c.TicketEmail(n, "head.kinhte@demo.caunoi.vn", "Trần Văn Bình")
	if err := m.Send(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	got := msgs[0]
	if got.From != "caunoi@xuanlung.test" || len(got.To) != 1 || got.To[0] != "head.kinhte@demo.caunoi.vn" {
		t.Errorf("envelope %q → %q", got.From, got.To)
	}
	if s := got.Header(t, "Subject"); s != "[Cầu Nối] Sắp đến hạn: XL-7KQ2M" {
		t.Errorf("subject %q", s)
	}
	if to := got.Header(t, "To"); !strings.Contains(to, "Trần Văn Bình") {
		t.Errorf("to %q", to)
	}
	text := got.Text(t)
	for _, want := range []string{"Kính gửi Trần Văn Bình", "Đèn đường hỏng trước nhà văn hóa thôn 3",
		"17:00 06/11/2026", "https://caunoi.example.vn/staff/tickets/42"} {
		if !strings.Contains(text, want) {
			t.Errorf("body lacks %q:\n%s", want, text)
		}
	}
}

func TestSendFailures(t *testing.T) {
	m := &notify.Mailer{Addr: "127.0.0.1:1", From: "a@b.vn", Timeout: 2 * time.Second}
	err := m.Send(context.Background(), notify.Email{To: "x@y.vn", Subject: "s", Text: "t"})
	if err == nil || notify.IsPermanent(err) {
		t.Errorf("unreachable server: %v; want a retryable error", err)
	}
	if err := m.Send(context.Background(), notify.Email{To: "not an address"}); !notify.IsPermanent(err) {
		t.Errorf("bad recipient: %v; want permanent", err)
	}
	if !notify.IsPermanent(&notify.SMTPError{Op: "RCPT", Code: 550, Msg: "no such user"}) ||
		notify.IsPermanent(&notify.SMTPError{Op: "RCPT", Code: 451, Msg: "try later"}) {
		t.Error("5xx must be permanent, 4xx not")
	}
	if notify.IsPermanent(errors.New("x")) {
		t.Error("plain error is permanent")
	}
}

func TestHeaderInjectionIsFlattened(t *testing.T) {
	m := &notify.Mailer{From: "a@b.vn", Now: func() time.Time { return time.Unix(0, 0) }}
	b := string(m.Build(notify.Email{To: "x@y.vn", Subject: "Hi\r\nBcc: evil@z.vn", Text: "x"}))
	if strings.Contains(b, "\r\nBcc:") {
		t.Errorf("header injected:\n%s", b)
	}
}

func TestDigestGroupsNotices(t *testing.T) {
	c := notify.Composer{PublicURL: "https://caunoi.example.vn", Loc: loc}
	day := time.Date(2026, 11, 5, 16, 30, 0, 0, loc)
	e := c.DigestEmail("a@b.vn", "An", day, []notify.DigestItem{
		{TicketID: 1, TrackingCode: "A-1", Body: "Phiếu A-1 sắp đến hạn", At: day.Add(-3 * time.Hour)},
		{TicketID: 2, TrackingCode: "A-2", Body: "Phiếu A-2 đã quá hạn", At: day.Add(-time.Hour)},
	})
	if !strings.Contains(e.Subject, "05/11/2026") || !strings.Contains(e.Subject, "2 thông báo") {
		t.Errorf("subject %q", e.Subject)
	}
	for _, want := range []string{"1. [13:30 05/11] Phiếu A-1", "/staff/tickets/1\n", "2. [15:30 05/11] Phiếu A-2", "/staff/tickets/2\n"} {
		if !strings.Contains(e.Text, want) {
			t.Errorf("digest lacks %q:\n%s", want, e.Text)
		}
	}
}
