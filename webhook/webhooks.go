package webhook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"caunoi/channels"
	"caunoi/domain"
	"caunoi/internal/httpx"
)

// MaxWebhookBytes is the largest webhook delivery read (Facebook batches
// many entries into one delivery).
const MaxWebhookBytes = 4 << 20

var (
	errBadSignature = domain.Errorf(domain.EUNAUTHORIZED, "Chữ ký webhook không hợp lệ.", "Invalid webhook signature.")
	errHandshake    = domain.Errorf(domain.EFORBIDDEN, "Mã xác minh webhook không đúng.", "Webhook verification failed.")
	errMalformed    = domain.Invalid("Nội dung webhook không đúng định dạng.", "Malformed webhook payload.", nil)
)

// Routes registers /webhooks/{platform} for every registered platform: a
// POST for its deliveries and, when it checks its webhook first
// (channels.Handshaker), a GET for that.
func Routes(r *gin.Engine, core *httpx.Core) {
	s := &handler{core}
	g := r.Group("/webhooks", httpx.LimitBody(MaxWebhookBytes))
	for _, a := range core.Cfg.Channels.Adapters() {
		path := "/" + string(a.Platform())
		if hs, ok := a.(channels.Handshaker); ok {
			g.GET(path, handshake(hs))
		}
		g.POST(path, s.receive(a))
	}
}

// handshake answers a platform's check of its webhook: the answer as
// text/plain when the platform's verify token matches, 403 otherwise.
func handshake(hs channels.Handshaker) gin.HandlerFunc {
	return func(c *gin.Context) {
		answer, ok := hs.Handshake(c.Request.URL.Query())
		if !ok {
			httpx.WriteError(c, errHandshake)
			return
		}
		c.Data(http.StatusOK, "text/plain; charset=utf-8", []byte(answer))
	}
}

// receive handles a platform's POST: verify the signature on the raw bytes
// and parse (the adapter), then store every message, each with the account
// it names, and only then answer 200. A delivery, or a message, for an
// account no unit owns is logged and acknowledged.
func (s *handler) receive(a channels.Adapter) gin.HandlerFunc {
	platform := a.Platform()
	return func(c *gin.Context) {
		body, ok := readWebhook(c)
		if !ok {
			return
		}
		ctx, cancel := context.WithTimeout(c.Request.Context(), a.Deadline())
		defer cancel()
		items, err := a.Receive(ctx, channels.Delivery{Body: body, Header: c.Request.Header}, accounts{s, platform})
		switch {
		case errors.Is(err, channels.ErrUnknownAccount):
			unknownAccount(c, platform, err)
			c.JSON(http.StatusOK, gin.H{"received": 0, "stored": 0})
			return
		case errors.Is(err, channels.ErrSignature):
			refuse(c, platform, err)
			return
		case errors.Is(err, channels.ErrMalformed):
			malformed(c, platform, err)
			return
		case err != nil:
			webhookFailed(c, err)
			return
		}
		found := map[string]*domain.ChannelAccount{}
		stored := 0
		for _, in := range items {
			acc, cached := found[in.AccountID]
			if !cached {
				a, err := s.Store.ChannelAccountByExternal(ctx, platform, in.AccountID)
				switch {
				case domain.IsNotFound(err):
					unknownAccount(c, platform, fmt.Errorf("account %s: %w", in.AccountID, channels.ErrUnknownAccount))
				case err != nil:
					webhookFailed(c, err)
					return
				default:
					acc = &a
				}
				found[in.AccountID] = acc
			}
			if acc == nil {
				continue
			}
			if !s.storeInbound(ctx, c, *acc, in) {
				return
			}
			stored++
		}
		c.JSON(http.StatusOK, gin.H{"received": len(items), "stored": stored})
	}
}

// accounts is channels.Accounts over the store, for one platform.
type accounts struct {
	s        *handler
	platform domain.Platform
}

func (a accounts) Account(ctx context.Context, accountID string) (domain.ChannelAccount, error) {
	return a.s.Store.ChannelAccountByExternal(ctx, a.platform, accountID)
}

func (a accounts) Secret(acc domain.ChannelAccount) (string, error) {
	return a.s.OpenSecret(acc, "secret_key", acc.SecretKeyEnc)
}

// storeInbound stores one message; on failure it answers (503 when the
// database is down or slow) and returns false.
func (s *handler) storeInbound(ctx context.Context, c *gin.Context, acc domain.ChannelAccount, in domain.Inbound) bool {
	res, err := s.Store.StoreInbound(ctx, acc, in)
	if err != nil {
		webhookFailed(c, err)
		return false
	}
	if res.Outcome == domain.InboundCreated {
		httpx.CountCreated(c, in.Channel)
	}
	level := slog.LevelInfo
	if res.Outcome == domain.InboundOrphan {
		level = slog.LevelWarn
	}
	httpx.LogFrom(c).LogAttrs(c.Request.Context(), level, "webhook message",
		slog.String("channel", string(in.Channel)), slog.String("account_id", in.AccountID),
		slog.String("external_id", in.ExternalID), slog.String("outcome", string(res.Outcome)),
		slog.Int64("ticket_id", res.TicketID))
	return true
}

// readWebhook reads the raw body; past MaxWebhookBytes it answers 413.
func readWebhook(c *gin.Context) ([]byte, bool) {
	b, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			httpx.WriteError(c, httpx.ErrTooLarge)
		} else {
			httpx.WriteError(c, domain.Invalid("Không đọc được nội dung gửi lên.", "The request body could not be read.", nil))
		}
		return nil, false
	}
	return b, true
}

// refuse answers 401 to a delivery whose signature does not verify; why is
// logged (the reasons hold no secret).
func refuse(c *gin.Context, platform domain.Platform, err error) {
	httpx.LogFrom(c).Warn("webhook refused: bad signature", slog.String("platform", string(platform)), slog.String("error", err.Error()))
	httpx.WriteError(c, errBadSignature)
}

// malformed answers 400 to a signed delivery that cannot be parsed.
func malformed(c *gin.Context, platform domain.Platform, err error) {
	httpx.LogFrom(c).Warn("webhook refused: malformed payload", slog.String("platform", string(platform)), slog.String("error", err.Error()))
	httpx.WriteError(c, errMalformed)
}

// unknownAccount logs a delivery, or a message, for a page or OA no unit
// owns (err says which).
func unknownAccount(c *gin.Context, platform domain.Platform, err error) {
	httpx.LogFrom(c).Warn("webhook for an account no unit owns: acknowledged, not stored",
		slog.String("platform", string(platform)), slog.String("error", err.Error()))
}

// webhookFailed answers a delivery that could not be stored: 503 with
// Retry-After when the database is down or too slow, so that the platform
// delivers it again; 500 for anything else (also redelivered).
func webhookFailed(c *gin.Context, err error) {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		err = domain.Unavailable(err)
	}
	httpx.WriteError(c, err)
}
