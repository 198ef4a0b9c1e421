package api

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"

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
// per address, and returns a token pair. Unknown e-mail and wrong password
// get the same answer in the same time.
func (s *Server) signIn(c *gin.Context, email, password string) (tokenPair, domain.User, error) {
	ctx := c.Request.Context()
	now := s.cfg.Now()
	email = strings.ToLower(strings.TrimSpace(email))
	accountKey, addrKey := "acct:"+email, "addr:"+c.ClientIP()
	if wait := max(s.throttle.Delay(accountKey, now), s.throttle.Delay(addrKey, now)); wait > 0 {
		c.Header("Retry-After", strconv.Itoa(int(wait.Seconds()+0.999)))
		return tokenPair{}, domain.User{}, errSlowDown
	}
	user, hash, err := s.store.UserByEmail(ctx, email)
	if err != nil && !domain.IsNotFound(err) {
		return tokenPair{}, domain.User{}, err
	}
	if err != nil {
		auth.DummyCheck(password)
	}
	if err != nil || !auth.CheckPassword(hash, password) {
		s.throttle.Fail(accountKey, now)
		s.throttle.Fail(addrKey, now)
		return tokenPair{}, domain.User{}, errBadCredentials
	}
	s.throttle.Succeed(accountKey)
	pair, err := s.newSession(c, user)
	if err != nil {
		return tokenPair{}, domain.User{}, err
	}
	if err := s.store.TouchLogin(ctx, user.ID, now); err != nil {
		logFrom(c).Warn("record sign-in", "error", err)
	}
	return pair, user, nil
}

// newSession issues an access token and opens a refresh-token family.
func (s *Server) newSession(c *gin.Context, u domain.User) (tokenPair, error) {
	access, ttl, err := s.issuer.Issue(claimsOf(u))
	if err != nil {
		return tokenPair{}, err
	}
	refresh, hash := auth.NewRefreshToken()
	var fam [12]byte
	rand.Read(fam[:])
	if err := s.store.CreateRefreshToken(c.Request.Context(), u.ID, hex.EncodeToString(fam[:]), hash); err != nil {
		return tokenPair{}, err
	}
	return tokenPair{AccessToken: access, TokenType: "Bearer", ExpiresIn: int(ttl.Seconds()), RefreshToken: refresh}, nil
}

func claimsOf(u domain.User) auth.Claims {
	return auth.Claims{UserID: u.ID, Role: string(u.Role), UnitID: u.UnitID, DepartmentID: u.DepartmentID}
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
	user, err := s.store.RotateRefreshToken(c.Request.Context(), auth.HashRefreshToken(req.RefreshToken), newHash)
	if err != nil {
		writeError(c, err)
		return
	}
	access, ttl, err := s.issuer.Issue(claimsOf(user))
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, tokenPair{AccessToken: access, TokenType: "Bearer", ExpiresIn: int(ttl.Seconds()), RefreshToken: newToken})
}

// logout handles POST /api/v1/auth/logout: the refresh token's family ends.
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
	if req.RefreshToken != "" {
		if err := s.store.RevokeRefreshFamily(c.Request.Context(), auth.HashRefreshToken(req.RefreshToken)); err != nil {
			writeError(c, err)
			return
		}
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
	if h := c.GetHeader("Authorization"); h != "" {
		scheme, rest, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			writeError(c, errNoSession)
			return
		}
		token = strings.TrimSpace(rest)
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
