package facebook

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"caunoi/channels"
	"caunoi/domain"
)

// Adapter is the Facebook fanpages' platform: deliveries signed with the
// app's secret (CAUNOI_FACEBOOK_APP_SECRET), the subscription handshake with
// the verify token, replies under comments and in Messenger.
type Adapter struct {
	client      *Client
	appSecret   string
	verifyToken string
}

// NewAdapter returns the adapter sending with client; an empty appSecret
// refuses every delivery, an empty verifyToken every handshake.
func NewAdapter(client *Client, appSecret, verifyToken string) *Adapter {
	return &Adapter{client: client, appSecret: appSecret, verifyToken: verifyToken}
}

var _ channels.Handshaker = (*Adapter)(nil)

// Platform is domain.PlatformFacebook.
func (a *Adapter) Platform() domain.Platform { return domain.PlatformFacebook }

// Deadline is within the 20 s Facebook waits for an answer.
func (a *Adapter) Deadline() time.Duration { return 10 * time.Second }

// Receive verifies X-Hub-Signature-256 with the app's secret and parses the
// delivery (ParseItems); its items may name several pages.
func (a *Adapter) Receive(_ context.Context, d channels.Delivery, _ channels.Accounts) ([]domain.Inbound, error) {
	if a.appSecret == "" {
		return nil, fmt.Errorf("CAUNOI_FACEBOOK_APP_SECRET is not set: Facebook deliveries are refused: %w", channels.ErrSignature)
	}
	if err := Verify(d.Body, d.Header.Get(SignatureHeader), a.appSecret); err != nil {
		return nil, err
	}
	items, err := ParseItems(d.Body)
	if err != nil {
		return nil, err
	}
	out := make([]domain.Inbound, len(items))
	for i, it := range items {
		out[i] = it.Inbound
	}
	return out, nil
}

// Handshake answers the subscription request (see the function Handshake).
func (a *Adapter) Handshake(query url.Values) (string, bool) { return Handshake(query, a.verifyToken) }

// Senders are the replies under a comment and in Messenger.
func (a *Adapter) Senders() map[string]channels.SendFunc {
	return map[string]channels.SendFunc{
		domain.OutboxFacebookComment: func(ctx context.Context, r channels.Reply) (string, error) {
			return a.client.ReplyComment(ctx, r.Token, r.Recipient, r.Text)
		},
		domain.OutboxFacebookMessage: a.message,
	}
}

// message answers in Messenger by the platform's rules: a standard reply
// (RESPONSE) within domain.MessengerWindow of the citizen's last message, a
// person's reply tagged HUMAN_AGENT up to domain.HumanAgentWindow, and
// after that nothing: a permanent error that says so.
func (a *Adapter) message(ctx context.Context, r channels.Reply) (string, error) {
	age := r.Now.Sub(r.LastCitizenAt)
	switch {
	case r.LastCitizenAt.IsZero() || age <= domain.MessengerWindow:
		return a.client.SendMessage(ctx, r.Token, r.Recipient, r.Text)
	case age <= domain.HumanAgentWindow:
		return a.client.SendHumanAgent(ctx, r.Token, r.Recipient, r.Text)
	}
	return "", &channels.Error{Op: "facebook: send message", Permanent: true,
		Message: "the citizen last wrote more than 7 days ago: Messenger accepts no reply any more"}
}

// ReplyRoute answers a comment under it (no window) and a Messenger message
// in Messenger up to domain.HumanAgentWindow after the citizen's last one.
func (a *Adapter) ReplyRoute(ch domain.Channel) (string, time.Duration, bool) {
	switch ch {
	case domain.ChannelFacebookComment:
		return domain.OutboxFacebookComment, 0, true
	case domain.ChannelFacebookMessage:
		return domain.OutboxFacebookMessage, domain.HumanAgentWindow, true
	}
	return "", 0, false
}
