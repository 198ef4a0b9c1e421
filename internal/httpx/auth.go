package httpx

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"caunoi/auth"
	"caunoi/domain"
)

const CtxScope = "caunoi.scope"

var (
	ErrBadCredentials = domain.Errorf(domain.EBADCREDS, "E-mail hoặc mật khẩu không đúng.",
		"Wrong e-mail or password.")
	ErrNoSession = domain.Errorf(domain.EUNAUTHORIZED, "Bạn cần đăng nhập.", "You need to sign in.")
	ErrSlowDown  = domain.Errorf(domain.ERATELIMITED, "Đăng nhập sai quá nhiều lần; vui lòng đợi rồi thử lại.",
		"Too many failed sign-ins; please wait and try again.")
)

type TokenPair struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
}

// SignIn checks the credentials, slowing repeated failures per account and
// address together and per address alone (so failures from one address
// never lock the account's owner out elsewhere), and returns a token pair.
// Unknown e-mail and wrong password get the same answer in the same time.
func (s *Core) SignIn(c *gin.Context, email, password string) (TokenPair, domain.User, error) {
	ctx := c.Request.Context()
	now := s.Cfg.Now()
	email = strings.ToLower(strings.TrimSpace(email))
	addrKey := "addr:" + c.ClientIP()
	pairKey := "acct:" + email + "|" + addrKey
	wait := s.Throttle.Attempt(pairKey, now)
	if wait == 0 {
		if wait = s.AddrThrottle.Attempt(addrKey, now); wait > 0 {
			s.Throttle.Refund(pairKey)
		}
	}
	if wait > 0 {
		c.Header("Retry-After", strconv.FormatInt(int64((wait+time.Second-1)/time.Second), 10))
		return TokenPair{}, domain.User{}, ErrSlowDown
	}
	user, hash, err := s.Store.UserByEmail(ctx, email)
	if err != nil && !domain.IsNotFound(err) {
		s.Throttle.Refund(pairKey)
		s.AddrThrottle.Refund(addrKey)
		return TokenPair{}, domain.User{}, err
	}
	if err != nil {
		auth.DummyCheck(password)
	}
	if err != nil || !auth.CheckPassword(hash, password) {
		s.Throttle.Fail(pairKey, now)
		s.AddrThrottle.Fail(addrKey, now)
		return TokenPair{}, domain.User{}, ErrBadCredentials
	}
	s.Throttle.Succeed(pairKey)
	s.AddrThrottle.Refund(addrKey)
	pair, err := s.NewSession(c, user)
	if err != nil {
		return TokenPair{}, domain.User{}, err
	}
	if err := s.Store.TouchLogin(ctx, user.ID, now); err != nil {
		LogFrom(c).Warn("record sign-in", "error", err)
	}
	if auth.NeedsRehash(hash) { // a hash of an older cost: upgrade it while the password is at hand
		if fresh, err := auth.HashPassword(password); err != nil {
			LogFrom(c).Warn("rehash password", "error", err)
		} else if err := s.Store.RehashPassword(ctx, user.ID, hash, fresh); err != nil {
			LogFrom(c).Warn("rehash password", "error", err)
		}
	}
	return pair, user, nil
}

// NewSession issues an access token and opens a refresh-token family.
func (s *Core) NewSession(c *gin.Context, u domain.User) (TokenPair, error) {
	var fam [12]byte
	rand.Read(fam[:])
	family := hex.EncodeToString(fam[:])
	refresh, hash := auth.NewRefreshToken()
	if err := s.Store.CreateRefreshToken(c.Request.Context(), u.ID, family, hash); err != nil {
		return TokenPair{}, err
	}
	access, ttl, err := s.Issuer.Issue(ClaimsOf(u, family))
	if err != nil {
		return TokenPair{}, err
	}
	return TokenPair{AccessToken: access, TokenType: "Bearer", ExpiresIn: int(ttl.Seconds()), RefreshToken: refresh}, nil
}

// ClaimsOf are the access token's claims for u in the sign-in session.
func ClaimsOf(u domain.User, session string) auth.Claims {
	return auth.Claims{UserID: u.ID, Role: string(u.Role), UnitID: u.UnitID, DepartmentID: u.DepartmentID,
		SessionID: session}
}

// Authenticate requires a valid access token (Authorization: Bearer, or
// the web pages' session cookie) and puts the caller's scope in the context.
func (s *Core) Authenticate(c *gin.Context) {
	token := ""
	if c.GetHeader("Authorization") != "" {
		if token = BearerToken(c); token == "" {
			WriteError(c, ErrNoSession)
			return
		}
	} else if ck, err := c.Cookie(SessionCookie); err == nil {
		token = ck
		if !s.CheckCSRF(c) {
			return
		}
	}
	if token == "" {
		WriteError(c, ErrNoSession)
		return
	}
	cl, err := s.Issuer.Parse(token)
	if err == nil {
		err = s.SessionLive(c.Request.Context(), cl.SessionID)
	}
	if err != nil {
		WriteError(c, err)
		return
	}
	c.Set(CtxScope, domain.Scope{UserID: cl.UserID, Role: domain.Role(cl.Role), UnitID: cl.UnitID, DepartmentID: cl.DepartmentID})
	c.Next()
}

// ScopeOf returns the authenticated caller's scope.
func ScopeOf(c *gin.Context) domain.Scope {
	sc, _ := c.Get(CtxScope)
	v, _ := sc.(domain.Scope)
	return v
}

// RequireRole lets only the given roles through (403 for the others).
func RequireRole(roles ...domain.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		r := ScopeOf(c).Role
		for _, x := range roles {
			if r == x {
				c.Next()
				return
			}
		}
		WriteError(c, domain.Forbidden())
	}
}

// HashNewPassword checks a new password's length and hashes it.
func HashNewPassword(pw string) (string, error) {
	if err := domain.ValidatePassword(pw); err != nil {
		return "", err
	}
	return auth.HashPassword(pw)
}
