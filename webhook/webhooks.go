package webhook

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"caunoi/channels/facebook"
	"caunoi/channels/zalo"
	"caunoi/domain"
	"caunoi/internal/httpx"
)

// MaxWebhookBytes is the largest webhook delivery read (Facebook batches
// many entries into one delivery).
const MaxWebhookBytes = 4 << 20

// How long a delivery may take to be stored before the webhook gives up and
// answers 503 (the platform then delivers again): within what each platform
// waits for its 200 (Zalo: 2 seconds).
const (
	facebookDeadline = 10 * time.Second
	zaloDeadline     = 1800 * time.Millisecond
)

var (
	errBadSignature = domain.Errorf(domain.EUNAUTHORIZED, "Chữ ký webhook không hợp lệ.", "Invalid webhook signature.")
	errHandshake    = domain.Errorf(domain.EFORBIDDEN, "Mã xác minh webhook không đúng.", "Webhook verification failed.")
	errMalformed    = domain.Invalid("Nội dung webhook không đúng định dạng.", "Malformed webhook payload.", nil)
)

// Routes registers /webhooks/facebook and /webhooks/zalo.
func Routes(r *gin.Engine, core *httpx.Core) {
	s := &handler{core}
	g := r.Group("/webhooks", httpx.LimitBody(MaxWebhookBytes))
	g.GET("/facebook", s.facebookHandshake)
	g.POST("/facebook", s.facebookWebhook)
	g.POST("/zalo", s.zaloWebhook)
}

// facebookHandshake answers the subscription request: the challenge as
// text/plain when the verify token matches, 403 otherwise.
func (s *handler) facebookHandshake(c *gin.Context) {
	challenge, ok := facebook.Handshake(c.Request.URL.Query(), s.Cfg.FacebookVerifyToken)
	if !ok {
		httpx.WriteError(c, errHandshake)
		return
	}
	c.Data(http.StatusOK, "text/plain; charset=utf-8", []byte(challenge))
}

// facebookWebhook handles POST /webhooks/facebook: verify the signature on
// the raw bytes, parse, store every message of every entry, and only then
// answer 200. Pages no unit owns are logged and acknowledged.
func (s *handler) facebookWebhook(c *gin.Context) {
	body, ok := readWebhook(c)
	if !ok {
		return
	}
	if err := facebook.Verify(body, c.GetHeader(facebook.SignatureHeader), s.Cfg.FacebookAppSecret); err != nil {
		if s.Cfg.FacebookAppSecret == "" {
			err = errors.New("CAUNOI_FACEBOOK_APP_SECRET is not set: Facebook deliveries are refused")
		}
		refuse(c, "facebook", err)
		return
	}
	items, err := facebook.ParseItems(body)
	if err != nil {
		malformed(c, "facebook", err)
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), facebookDeadline)
	defer cancel()
	accounts := map[string]*domain.ChannelAccount{}
	stored := 0
	for _, it := range items {
		acc, cached := accounts[it.AccountID]
		if !cached {
			a, err := s.Store.ChannelAccountByExternal(ctx, domain.PlatformFacebook, it.AccountID)
			switch {
			case domain.IsNotFound(err):
				unknownAccount(c, domain.PlatformFacebook, it.AccountID)
			case err != nil:
				webhookFailed(c, err)
				return
			default:
				acc = &a
			}
			accounts[it.AccountID] = acc
		}
		if acc == nil {
			continue
		}
		if !s.storeInbound(ctx, c, *acc, it.Inbound) {
			return
		}
		stored++
	}
	c.JSON(http.StatusOK, gin.H{"received": len(items), "stored": stored})
}

// zaloWebhook handles POST /webhooks/zalo: find the OA the delivery names,
// verify the signature with that OA's own secret key, parse, store, and only
// then answer 200. An OA no unit owns is logged and acknowledged.
func (s *handler) zaloWebhook(c *gin.Context) {
	body, ok := readWebhook(c)
	if !ok {
		return
	}
	header := c.GetHeader(zalo.SignatureHeader)
	if header == "" {
		refuse(c, "zalo", errors.New("missing "+zalo.SignatureHeader))
		return
	}
	appID, oaID, err := zalo.PeekIDs(body)
	if err != nil {
		refuse(c, "zalo", err)
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), zaloDeadline)
	defer cancel()
	var acc domain.ChannelAccount
	if oaID == "" {
		err = domain.NotFound("OA", "OA")
	} else {
		acc, err = s.Store.ChannelAccountByExternal(ctx, domain.PlatformZalo, oaID)
	}
	if domain.IsNotFound(err) {
		unknownAccount(c, domain.PlatformZalo, oaID)
		c.JSON(http.StatusOK, gin.H{"received": 0, "stored": 0})
		return
	}
	if err != nil {
		webhookFailed(c, err)
		return
	}
	if acc.AppID != "" && acc.AppID != appID {
		refuse(c, "zalo", errors.New("the delivery's app_id is not the OA's app"))
		return
	}
	key, err := s.OpenSecret(acc, "secret_key", acc.SecretKeyEnc)
	if err != nil {
		webhookFailed(c, err)
		return
	}
	if err := zalo.Verify(body, header, key); err != nil {
		refuse(c, "zalo", err)
		return
	}
	items, err := zalo.Parse(body)
	if err != nil {
		malformed(c, "zalo", err)
		return
	}
	for _, in := range items {
		if !s.storeInbound(ctx, c, acc, in) {
			return
		}
	}
	c.JSON(http.StatusOK, gin.H{"received": len(items), "stored": len(items)})
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
func refuse(c *gin.Context, platform string, err error) {
	httpx.LogFrom(c).Warn("webhook refused: bad signature", slog.String("platform", platform), slog.String("error", err.Error()))
	httpx.WriteError(c, errBadSignature)
}

// malformed answers 400 to a signed delivery that cannot be parsed.
func malformed(c *gin.Context, platform string, err error) {
	httpx.LogFrom(c).Warn("webhook refused: malformed payload", slog.String("platform", platform), slog.String("error", err.Error()))
	httpx.WriteError(c, errMalformed)
}

// unknownAccount logs a delivery for a page or OA no unit owns.
func unknownAccount(c *gin.Context, platform domain.Platform, accountID string) {
	httpx.LogFrom(c).Warn("webhook for an account no unit owns: acknowledged, not stored",
		slog.String("platform", string(platform)), slog.String("account_id", accountID))
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
