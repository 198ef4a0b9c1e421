package httpx

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"caunoi/auth"
	"caunoi/domain"
)

// An access token names its sign-in session (the refresh family, claim
// sid). Signing out, or a refresh token presented twice, revokes the family
// and so ends the session's access tokens too: every authenticated request
// checks that its session is still open, asking the database at most once
// every sessionCheckEvery per session and server. A session ended on this
// server is refused at once; one ended on another server is refused here
// within sessionCheckEvery.
const (
	sessionCheckEvery = 5 * time.Second
	sessionCacheMax   = 50_000 // sessions remembered; past that the cache starts again
)

var ErrSessionEnded = domain.Errorf(domain.EUNAUTHORIZED, "Phiên đăng nhập đã kết thúc; vui lòng đăng nhập lại.",
	"The session has ended; please sign in again.")

// sessionCache remembers, per session id, whether it was open when last
// asked. It is safe for concurrent use and bounded.
type sessionCache struct {
	mu      sync.Mutex
	entries map[string]sessionEntry
}

type sessionEntry struct {
	open bool
	at   time.Time
}

func NewSessionCache() *sessionCache { return &sessionCache{entries: map[string]sessionEntry{}} }

func (sc *sessionCache) get(id string, now time.Time) (open, known bool) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	e, ok := sc.entries[id]
	if !ok || (e.open && (now.Sub(e.at) >= sessionCheckEvery || now.Before(e.at))) {
		return false, false // an ended session stays ended: only an open one is asked again
	}
	return e.open, true
}

func (sc *sessionCache) put(id string, open bool, now time.Time) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if len(sc.entries) >= sessionCacheMax {
		clear(sc.entries)
	}
	sc.entries[id] = sessionEntry{open: open, at: now}
}

// SessionLive returns nil when the session id is an open sign-in, the
// unauthorized ErrSessionEnded when it has ended, or the store's error.
func (s *Core) SessionLive(ctx context.Context, id string) error {
	now := s.Cfg.Now()
	open, known := s.Sessions.get(id, now)
	if !known {
		var err error
		if open, err = s.Store.SessionOpen(ctx, id); err != nil {
			return err
		}
		s.Sessions.put(id, open, now)
	}
	if !open {
		return ErrSessionEnded
	}
	return nil
}

// EndSession revokes the session and forgets it as open here at once.
func (s *Core) EndSession(ctx context.Context, id string) error {
	if err := s.Store.RevokeSession(ctx, id); err != nil {
		return err
	}
	s.Sessions.put(id, false, s.Cfg.Now())
	return nil
}

// SignOutRefresh ends the session of a refresh token, at once on this
// server too.
func (s *Core) SignOutRefresh(ctx context.Context, refresh string) error {
	id, err := s.Store.RevokeRefreshFamily(ctx, auth.HashRefreshToken(refresh))
	if err == nil && id != "" {
		s.Sessions.put(id, false, s.Cfg.Now())
	}
	return err
}

// BearerToken returns the request's Authorization: Bearer token, or "".
func BearerToken(c *gin.Context) string {
	scheme, rest, ok := strings.Cut(c.GetHeader("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(rest)
}
