package api

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"caunoi/auth"
	"caunoi/domain"
)

const ctxScope = "caunoi.scope"

var (
	errBadCredentials = domain.Errorf(domain.EBADCREDS, "E-mail hoặc mật khẩu không đúng.",
		"Wrong e-mail or password.")
	errNoSession = domain.Errorf(domain.EUNAUTHORIZED, "Bạn cần đăng nhập.", "You need to sign in.")
	errSlowDown  = domain.Errorf(domain.ERATELIMITED, "Đăng nhập sai quá nhiều lần; vui lòng đợi rồi thử lại.",
		"Too many failed sign-ins; please wait and try again.")
)

type tokenPair struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
}

// signIn checks the credentials, slowing repeated failures per account and
// address together and per address alone (so failures from one address
// never lock the account's owner out elsewhere), and returns a token pair.
// Unknown e-mail and wrong password get the same answer in the same time.
func (s *Server) signIn(c *gin.Context, email, password string) (tokenPair, domain.User, error) {
	ctx := c.Request.Context()
	now := s.cfg.Now()
	email = strings.ToLower(strings.TrimSpace(email))
	addrKey := "addr:" + c.ClientIP()
	pairKey := "acct:" + email + "|" + addrKey
	wait := s.throttle.Attempt(pairKey, now)
	if wait == 0 {
		if wait = s.addrThrottle.Attempt(addrKey, now); wait > 0 {
			s.throttle.Refund(pairKey)
		}
	}
	if wait > 0 {
		c.Header("Retry-After", strconv.FormatInt(int64((wait+time.Second-1)/time.Second), 10))
		return tokenPair{}, domain.User{}, errSlowDown
	}
	user, hash, err := s.store.UserByEmail(ctx, email)
	if err != nil && !domain.IsNotFound(err) {
		s.throttle.Refund(pairKey)
		s.addrThrottle.Refund(addrKey)
		return tokenPair{}, domain.User{}, err
	}
	if err != nil {
		auth.DummyCheck(password)
	}
	if err != nil || !auth.CheckPassword(hash, password) {
		s.throttle.Fail(pairKey, now)
		s.addrThrottle.Fail(addrKey, now)
		return tokenPair{}, domain.User{}, errBadCredentials
	}
	s.throttle.Succeed(pairKey)
	s.addrThrottle.Refund(addrKey)
	pair, err := s.newSession(c, user)
	if err != nil {
		return tokenPair{}, domain.User{}, err
	}
	if err := s.store.TouchLogin(ctx, user.ID, now); err != nil {
		logFrom(c).Warn("record sign-in", "error", err)
	}
	if auth.NeedsRehash(hash) { // a hash of an older cost: upgrade it while the password is at hand
		if fresh, err := auth.HashPassword(password); err != nil {
			logFrom(c).Warn("rehash password", "error", err)
		} else if err := s.store.RehashPassword(ctx, user.ID, hash, fresh); err != nil {
			logFrom(c).Warn("rehash password", "error", err)
		}
	}
	return pair, user, nil
}

// newSession issues an access token and opens a refresh-token family.
func (s *Server) newSession(c *gin.Context, u domain.User) (tokenPair, error) {
	var fam [12]byte
	rand.Read(fam[:])
	family := hex.EncodeToString(fam[:])
	refresh, hash := auth.NewRefreshToken()
	if err := s.store.CreateRefreshToken(c.Request.Context(), u.ID, family, hash); err != nil {
		return tokenPair{}, err
	}
	access, ttl, err := s.issuer.Issue(claimsOf(u, family))
	if err != nil {
		return tokenPair{}, err
	}
	return tokenPair{AccessToken: access, TokenType: "Bearer", ExpiresIn: int(ttl.Seconds()), RefreshToken: refresh}, nil
}

// claimsOf are the access token's claims for u in the sign-in session.
func claimsOf(u domain.User, session string) auth.Claims {
	return auth.Claims{UserID: u.ID, Role: string(u.Role), UnitID: u.UnitID, DepartmentID: u.DepartmentID,
		SessionID: session}
}

// login handles POST /api/v1/auth/login.
func (s *Server) login(c *gin.Context) {
	var req struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := decodeJSON(c, &req); err != nil {
		writeError(c, err)
		return
	}
	pair, _, err := s.signIn(c, req.Email, req.Password)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, pair)
}

// refresh handles POST /api/v1/auth/refresh: a new pair for a refresh token
// used once; a second use revokes the whole family.
func (s *Server) refresh(c *gin.Context) {
	var req struct {
		RefreshToken string `json:"refresh_token"`
	}
	if err := decodeJSON(c, &req); err != nil {
		writeError(c, err)
		return
	}
	newToken, newHash := auth.NewRefreshToken()
	user, session, err := s.store.RotateRefreshToken(c.Request.Context(), auth.HashRefreshToken(req.RefreshToken), newHash)
	if err != nil {
		writeError(c, err)
		return
	}
	access, ttl, err := s.issuer.Issue(claimsOf(user, session))
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, tokenPair{AccessToken: access, TokenType: "Bearer", ExpiresIn: int(ttl.Seconds()), RefreshToken: newToken})
}

// logout handles POST /api/v1/auth/logout: the session ends, named by the
// refresh token in the body or, without one, by the access token
// presented, and with it every access token it issued.
func (s *Server) logout(c *gin.Context) {
	var req struct {
		RefreshToken string `json:"refresh_token"`
	}
	if c.Request.ContentLength != 0 {
		if err := decodeJSON(c, &req); err != nil {
			writeError(c, err)
			return
		}
	}
	var err error
	if req.RefreshToken != "" {
		err = s.signOutRefresh(c.Request.Context(), req.RefreshToken)
	} else if cl, perr := s.issuer.Parse(bearerToken(c)); perr == nil {
		err = s.endSession(c.Request.Context(), cl.SessionID)
	}
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "signed_out"})
}

// me handles GET /api/v1/me.
func (s *Server) me(c *gin.Context) {
	sc := scopeOf(c)
	u, err := s.store.UserByID(c.Request.Context(), sc.UserID)
	if err != nil {
		if domain.IsNotFound(err) {
			err = errNoSession
		}
		writeError(c, err)
		return
	}
	out := gin.H{"id": u.ID, "email": u.Email, "name": u.Name, "role": u.Role, "unit": nil, "department": nil,
		"digest": u.Digest}
	if cat, err := s.store.Catalog(c.Request.Context(), u.UnitID); err == nil {
		out["unit"] = gin.H{"code": cat.Unit.Code, "name": cat.Unit.Name}
		if u.DepartmentID != nil {
			if d, ok := cat.Department(*u.DepartmentID); ok {
				out["department"] = gin.H{"code": d.Code, "name": d.Name}
			}
		}
	}
	c.JSON(http.StatusOK, out)
}

// authenticate requires a valid access token (Authorization: Bearer, or
// the web pages' session cookie) and puts the caller's scope in the context.
func (s *Server) authenticate(c *gin.Context) {
	token := ""
	if c.GetHeader("Authorization") != "" {
		if token = bearerToken(c); token == "" {
			writeError(c, errNoSession)
			return
		}
	} else if ck, err := c.Cookie(sessionCookie); err == nil {
		token = ck
		if !s.checkCSRF(c) {
			return
		}
	}
	if token == "" {
		writeError(c, errNoSession)
		return
	}
	cl, err := s.issuer.Parse(token)
	if err == nil {
		err = s.sessionLive(c.Request.Context(), cl.SessionID)
	}
	if err != nil {
		writeError(c, err)
		return
	}
	c.Set(ctxScope, domain.Scope{UserID: cl.UserID, Role: domain.Role(cl.Role), UnitID: cl.UnitID, DepartmentID: cl.DepartmentID})
	c.Next()
}

// scopeOf returns the authenticated caller's scope.
func scopeOf(c *gin.Context) domain.Scope {
	sc, _ := c.Get(ctxScope)
	v, _ := sc.(domain.Scope)
	return v
}

// requireRole lets only the given roles through (403 for the others).
func requireRole(roles ...domain.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		r := scopeOf(c).Role
		for _, x := range roles {
			if r == x {
				c.Next()
				return
			}
		}
		writeError(c, domain.Forbidden())
	}
}
