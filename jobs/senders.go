package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"caunoi/channels"
	"caunoi/domain"
	"caunoi/secretbox"
)

// ChannelAccounts is what the channel senders need of the data layer.
type ChannelAccounts interface {
	// ChannelAccount returns the account by id, tokens sealed, active or
	// not; an error with code not_found when there is none.
	ChannelAccount(ctx context.Context, id int64) (domain.ChannelAccount, error)
	// SaveReplyProgress records that the first sent parts of outbox row id
	// went out, while attempt holds the row.
	SaveReplyProgress(ctx context.Context, id int64, attempt, sent int) error
}

// ChannelSenders sends the replies of every registered platform (Channels:
// Facebook's comment replies and Messenger, Zalo's OA messages, …) with
// each account's own access token, opened with Box.
//
// A text over channels.MaxText runes is split (channels.Split) and sent part
// by part; when a part fails, how many went out is saved in the row's
// payload, and the next attempt resumes after them. If that save itself
// fails (the database is down at that moment), or the database fails after
// a complete send and before the row is marked sent, the next attempt sends
// the text again from its first unsaved part: a citizen may then see a part
// twice, never miss one.
type ChannelSenders struct {
	Accounts ChannelAccounts
	Box      *secretbox.Box // nil when CAUNOI_SECRET_KEY is unset: sends fail, and are retried, until it is set
	Channels *channels.Registry
	Log      *slog.Logger     // slog.Default when nil
	Now      func() time.Time // the clock of the platforms' windows; time.Now when nil
}

// Senders returns the reply senders of every registered platform by outbox
// kind, for OutboxWorker.Senders.
func (cs *ChannelSenders) Senders() map[string]Sender {
	out := map[string]Sender{}
	for _, a := range cs.Channels.Adapters() {
		platform := a.Platform()
		for kind, fn := range a.Senders() {
			out[kind] = SenderFunc(func(ctx context.Context, it domain.OutboxItem) error {
				return cs.send(ctx, it, platform, fn)
			})
		}
	}
	return out
}

// errNoSecretKey is retried: the operator may set the key and restart.
var errNoSecretKey = errors.New("CAUNOI_SECRET_KEY is not set: the channel's access token cannot be opened")

// send delivers the reply of item it through fn with the token of the
// account it names. Errors that no retry can fix (a bad payload, an unknown,
// deactivated or tokenless account, a platform's permanent refusal) are
// permanent.
func (cs *ChannelSenders) send(ctx context.Context, it domain.OutboxItem, platform domain.Platform, fn channels.SendFunc) error {
	var p domain.ReplyPayload
	if err := json.Unmarshal(it.Payload, &p); err != nil {
		return Permanent(fmt.Errorf("reply payload: %w", err))
	}
	if p.ChannelAccountID == 0 || p.Recipient == "" {
		return Permanent(errors.New("reply payload without channel account or recipient"))
	}
	acc, err := cs.Accounts.ChannelAccount(ctx, p.ChannelAccountID)
	switch {
	case domain.IsNotFound(err):
		return Permanent(fmt.Errorf("channel account %d no longer exists", p.ChannelAccountID))
	case err != nil:
		return fmt.Errorf("load channel account: %w", err)
	case acc.Platform != platform:
		return Permanent(fmt.Errorf("channel account %d is a %s account, not %s", acc.ID, acc.Platform, platform))
	case !acc.Active:
		return Permanent(fmt.Errorf("the %s account %s is deactivated", acc.Platform, acc.AccountID))
	case len(acc.AccessTokenEnc) == 0:
		return Permanent(fmt.Errorf("no access token is stored for the %s account %s", acc.Platform, acc.AccountID))
	case cs.Box == nil:
		return errNoSecretKey
	}
	token, err := cs.Box.Open(acc.AccessTokenEnc, secretbox.AAD(string(acc.Platform), acc.AccountID, "access_token"))
	if err != nil {
		return fmt.Errorf("the %s account %s: %w", acc.Platform, acc.AccountID, err)
	}
	now := time.Now()
	if cs.Now != nil {
		now = cs.Now()
	}
	parts := channels.Split(p.Text, channels.MaxText)
	if len(parts) == 0 {
		return Permanent(errors.New("empty reply"))
	}
	for i := p.Sent; i < len(parts); i++ {
		r := channels.Reply{Token: token, Recipient: p.Recipient, Text: parts[i], Now: now}
		if p.LastCitizenAt != nil {
			r.LastCitizenAt = *p.LastCitizenAt
		}
		if _, err := fn(ctx, r); err != nil {
			if sent := i + channels.SentParts(err); sent > p.Sent {
				cs.saveProgress(ctx, it, sent)
			}
			return err
		}
	}
	return nil
}

// saveProgress records how many parts went out; a failure is logged (the
// next attempt then repeats those parts).
func (cs *ChannelSenders) saveProgress(ctx context.Context, it domain.OutboxItem, sent int) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
	defer cancel()
	if err := cs.Accounts.SaveReplyProgress(ctx, it.ID, it.Attempt, sent); err != nil {
		log := cs.Log
		if log == nil {
			log = slog.Default()
		}
		log.Warn("outbox: could not save the parts sent; the next attempt repeats them",
			slog.Int64("outbox_id", it.ID), slog.Int("sent", sent), slog.String("error", err.Error()))
	}
}
