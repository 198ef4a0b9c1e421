package httpx

import (
	"strconv"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"caunoi/domain"
	"caunoi/ratelimit"
)

// Per-address limits of the public endpoints (off with CAUNOI_RATE_LIMIT=off).
const (
	intakePerMinute = 20 // feedback posted from one address
	intakeBurst     = 10
	lookupPerMinute = 60 // tracking-code lookups: enough for a family, too few to guess codes
	lookupBurst     = 30
)

func NewLimiters(on bool) (intake, lookup *ratelimit.Limiter) {
	if !on {
		return ratelimit.New(rate.Inf, 1), ratelimit.New(rate.Inf, 1)
	}
	return ratelimit.New(rate.Limit(intakePerMinute/60.0), intakeBurst),
		ratelimit.New(rate.Limit(lookupPerMinute/60.0), lookupBurst)
}

// Allow applies l to the client's address; on refusal it answers 429 with
// Retry-After and returns false.
func (s *Core) Allow(c *gin.Context, l *ratelimit.Limiter) bool {
	ok, wait := l.Allow(c.ClientIP(), s.Cfg.Now())
	if ok {
		return true
	}
	c.Header("Retry-After", strconv.Itoa(ratelimit.RetryAfterSeconds(wait)))
	WriteError(c, domain.Errorf(domain.ERATELIMITED, "Bạn gửi quá nhiều yêu cầu; vui lòng thử lại sau ít phút.",
		"Too many requests; please try again in a few minutes."))
	return false
}
