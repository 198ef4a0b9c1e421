package zalo

import (
	"context"

	"fmt"
	"time"

	"caunoi/channels"
	"caunoi/domain"
)

// Adapter is the Zalo Official Accounts' platform: each delivery names its
// OA and is signed with that OA's own secret key; replies are OA messages.
type Adapter struct {
	client *Client
}

// NewAdapter returns the adapter sending with client.
func NewAdapter(client *Client) *Adapter { return &Adapter{client: client} }

// Platform is domain.PlatformZalo.
func (a *Adapter) Platform() domain.Platform { return domain.PlatformZalo }

// Deadline is within the 2 s Zalo waits for an answer.
func (a *Adapter) Deadline() time.Duration { return 1800 * time.Millisecond }

// Receive finds the OA the delivery names (PeekIDs), checks that the
// delivery's app is the OA's, verifies X-ZEvent-Signature with the OA's
// secret key and parses the delivery (Parse).
func (a *Adapter) Receive(ctx context.Context, d channels.Delivery, accounts channels.Accounts) ([]domain.Inbound, error) {
	header := d.Header.Get(SignatureHeader)
	if header == "" {
		return nil, fmt.Errorf("zalo: missing %s: %w", SignatureHeader, channels.ErrSignature)
	}
	appID, oaID, err := PeekIDs(d.Body)
	if err != nil {
		return nil, err
	}
	if oaID == "" {
		return nil, fmt.Errorf("zalo: the delivery names no OA: %w", channels.ErrUnknownAccount)
	}
	acc, err := accounts.Account(ctx, oaID)
	if domain.IsNotFound(err) {
		return nil, fmt.Errorf("zalo: OA %s: %w", oaID, channels.ErrUnknownAccount)
	}
	if err != nil {
		return nil, err
	}
	if acc.AppID != "" && acc.AppID != appID {
		return nil, fmt.Errorf("zalo: the delivery's app_id is not the OA's app: %w", channels.ErrSignature)
	}
	key, err := accounts.Secret(acc)
	if err != nil {
		return nil, err
	}
	if err := Verify(d.Body, header, key); err != nil {
		return nil, err
	}
	return Parse(d.Body)
}

// Senders is the OA message to the citizen.
func (a *Adapter) Senders() map[string]channels.SendFunc {
	return map[string]channels.SendFunc{domain.OutboxZaloMessage: func(ctx context.Context, r channels.Reply) (string, error) {
		return a.client.SendText(ctx, r.Token, r.Recipient, r.Text)
	}}
}

// ReplyRoute answers a Zalo ticket with an OA message within
// domain.ZaloWindow.
func (a *Adapter) ReplyRoute(ch domain.Channel) (string, time.Duration, bool) {
	if ch == domain.ChannelZalo {
		return domain.OutboxZaloMessage, domain.ZaloWindow, true
	}
	return "", 0, false
}
