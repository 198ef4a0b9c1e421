package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"caunoi/channels"
	"caunoi/channels/facebook"
	"caunoi/channels/zalo"
	"caunoi/domain"
	"caunoi/jobs"
	"caunoi/secretbox"
)

const senderKey = "jobs-test-secret-key-0123456789abcdef-xyz"

// accounts is an in-memory jobs.ChannelAccounts.
type accounts struct {
	mu       sync.Mutex
	byID     map[int64]domain.ChannelAccount
	progress map[int64]int
}

func (a *accounts) ChannelAccount(_ context.Context, id int64) (domain.ChannelAccount, error) {
	acc, ok := a.byID[id]
	if !ok {
		return acc, domain.NotFound("kênh", "channel account")
	}
	return acc, nil
}

func (a *accounts) SaveReplyProgress(_ context.Context, id int64, _ int, sent int) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.progress[id] = sent
	return nil
}

func sealed(t *testing.T, platform, accountID, token string) []byte {
	t.Helper()
	box, _ := secretbox.New(senderKey)
	b, err := box.Seal(token, secretbox.AAD(platform, accountID, "access_token"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func senders(t *testing.T, url string, withKey bool) (map[string]jobs.Sender, *accounts) {
	t.Helper()
	accs := &accounts{progress: map[int64]int{}, byID: map[int64]domain.ChannelAccount{
		1: {ID: 1, Platform: domain.PlatformFacebook, AccountID: "100", Active: true, AccessTokenEnc: sealed(t, "facebook", "100", "PAGE-TOKEN")},
		2: {ID: 2, Platform: domain.PlatformZalo, AccountID: "200", Active: true, AccessTokenEnc: sealed(t, "zalo", "200", "OA-TOKEN")},
		3: {ID: 3, Platform: domain.PlatformFacebook, AccountID: "300", Active: false, AccessTokenEnc: sealed(t, "facebook", "300", "X")},
		4: {ID: 4, Platform: domain.PlatformFacebook, AccountID: "400", Active: true},
		5: {ID: 5, Platform: domain.PlatformFacebook, AccountID: "500", Active: true, AccessTokenEnc: sealed(t, "facebook", "999", "MOVED")},
	}}
	var box *secretbox.Box
	if withKey {
		box, _ = secretbox.New(senderKey)
	}
	cs := &jobs.ChannelSenders{Accounts: accs, Box: box, Channels: channels.NewRegistry(
		facebook.NewAdapter(facebook.NewClient(url, nil), "", ""), zalo.NewAdapter(zalo.NewClient(url, nil)))}
	return cs.Senders(), accs
}

func item(t *testing.T, id int64, kind string, p domain.ReplyPayload) domain.OutboxItem {
	t.Helper()
	b, _ := json.Marshal(p)
	return domain.OutboxItem{ID: id, Kind: kind, Payload: b, Attempt: 1}
}

func TestChannelSendersRefuseWhatCannotBeSent(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request %s", r.URL.Path)
	}))
	defer srv.Close()
	s, _ := senders(t, srv.URL, true)
	noKey, _ := senders(t, srv.URL, false)
	cases := []struct {
		name      string
		send      map[string]jobs.Sender
		item      domain.OutboxItem
		permanent bool
	}{
		{"bad payload", s, domain.OutboxItem{Kind: domain.OutboxFacebookMessage, Payload: []byte(`[`)}, true},
		{"no recipient", s, item(t, 1, domain.OutboxFacebookMessage, domain.ReplyPayload{ChannelAccountID: 1, Text: "x"}), true},
		{"unknown account", s, item(t, 1, domain.OutboxFacebookMessage, domain.ReplyPayload{ChannelAccountID: 9, Recipient: "1", Text: "x"}), true},
		{"other platform", s, item(t, 1, domain.OutboxZaloMessage, domain.ReplyPayload{ChannelAccountID: 1, Recipient: "1", Text: "x"}), true},
		{"deactivated", s, item(t, 1, domain.OutboxFacebookMessage, domain.ReplyPayload{ChannelAccountID: 3, Recipient: "1", Text: "x"}), true},
		{"no token", s, item(t, 1, domain.OutboxFacebookMessage, domain.ReplyPayload{ChannelAccountID: 4, Recipient: "1", Text: "x"}), true},
		{"empty text", s, item(t, 1, domain.OutboxFacebookMessage, domain.ReplyPayload{ChannelAccountID: 1, Recipient: "1", Text: " "}), true},
		{"token sealed for another account", s, item(t, 1, domain.OutboxFacebookMessage, domain.ReplyPayload{ChannelAccountID: 5, Recipient: "1", Text: "x"}), false},
		{"no CAUNOI_SECRET_KEY", noKey, item(t, 1, domain.OutboxFacebookMessage, domain.ReplyPayload{ChannelAccountID: 1, Recipient: "1", Text: "x"}), false},
	}
	for _, c := range cases {
		err := c.send[c.item.Kind].Send(context.Background(), c.item)
		if err == nil || jobs.IsPermanent(err) != c.permanent {
			t.Errorf("%s: %v (permanent %v)", c.name, err, jobs.IsPermanent(err))
		}
		if err != nil && (strings.Contains(err.Error(), "TOKEN") || strings.Contains(err.Error(), "MOVED")) {
			t.Errorf("%s: a token in %v", c.name, err)
		}
	}
}

// A long reply goes out part by part; a failure saves the progress, and the
// next attempt resumes from it.
func TestChannelSendersResumeSplitReplies(t *testing.T) {
	var mu sync.Mutex
	var texts []string
	failAt := 1
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.Header.Get("access_token") != "OA-TOKEN" || r.URL.Path != "/v3.0/oa/message/cs" {
			t.Errorf("%s with token %q", r.URL.Path, r.Header.Get("access_token"))
		}
		var m struct{ Message struct{ Text string } }
		b, _ := io.ReadAll(r.Body)
		json.Unmarshal(b, &m)
		if len(texts) == failAt {
			failAt = -1
			io.WriteString(w, `{"error":-32,"message":"rate limit"}`)
			texts = append(texts, "")
			return
		}
		texts = append(texts, m.Message.Text)
		io.WriteString(w, `{"error":0,"data":{"message_id":"z"}}`)
	}))
	defer srv.Close()
	s, accs := senders(t, srv.URL, true)
	text := strings.Repeat("Xã đã tiếp nhận phản ánh của ông bà và sẽ trả lời sớm. ", 100)
	p := domain.ReplyPayload{ChannelAccountID: 2, Recipient: "u1", Text: text}
	err := s[domain.OutboxZaloMessage].Send(context.Background(), item(t, 7, domain.OutboxZaloMessage, p))
	var ce *channels.Error
	if !errors.As(err, &ce) || jobs.IsPermanent(err) || accs.progress[7] != 1 {
		t.Fatalf("first attempt: %v, progress %d", err, accs.progress[7])
	}
	p.Sent = accs.progress[7]
	if err := s[domain.OutboxZaloMessage].Send(context.Background(), item(t, 7, domain.OutboxZaloMessage, p)); err != nil {
		t.Fatal(err)
	}
	parts := channels.Split(text, channels.MaxText)
	want := append([]string{parts[0], ""}, parts[1:]...)
	if strings.Join(texts, "|") != strings.Join(want, "|") {
		t.Errorf("sent %d texts, want %d: parts repeated or skipped", len(texts), len(want))
	}
}
