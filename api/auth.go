package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"caunoi/auth"
	"caunoi/domain"
	"caunoi/internal/httpx"
)

// login handles POST /api/v1/auth/login.
func (s *Server) login(c *gin.Context) {
	var req struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.WriteError(c, err)
		return
	}
	pair, _, err := s.SignIn(c, req.Email, req.Password)
	if err != nil {
		httpx.WriteError(c, err)
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
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.WriteError(c, err)
		return
	}
	newToken, newHash := auth.NewRefreshToken()
	user, session, err := s.Store.RotateRefreshToken(c.Request.Context(), auth.HashRefreshToken(req.RefreshToken), newHash)
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	access, ttl, err := s.Issuer.Issue(httpx.ClaimsOf(user, session))
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	c.JSON(http.StatusOK, httpx.TokenPair{AccessToken: access, TokenType: "Bearer", ExpiresIn: int(ttl.Seconds()), RefreshToken: newToken})
}

// logout handles POST /api/v1/auth/logout: the session ends, named by the
// refresh token in the body or, without one, by the access token
// presented, and with it every access token it issued.
func (s *Server) logout(c *gin.Context) {
	var req struct {
		RefreshToken string `json:"refresh_token"`
	}
	if c.Request.ContentLength != 0 {
		if err := httpx.DecodeJSON(c, &req); err != nil {
			httpx.WriteError(c, err)
			return
		}
	}
	var err error
	if req.RefreshToken != "" {
		err = s.SignOutRefresh(c.Request.Context(), req.RefreshToken)
	} else if cl, perr := s.Issuer.Parse(httpx.BearerToken(c)); perr == nil {
		err = s.EndSession(c.Request.Context(), cl.SessionID)
	}
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "signed_out"})
}

// me handles GET /api/v1/me.
func (s *Server) me(c *gin.Context) {
	sc := httpx.ScopeOf(c)
	u, err := s.Store.UserByID(c.Request.Context(), sc.UserID)
	if err != nil {
		if domain.IsNotFound(err) {
			err = httpx.ErrNoSession
		}
		httpx.WriteError(c, err)
		return
	}
	out := gin.H{"id": u.ID, "email": u.Email, "name": u.Name, "role": u.Role, "unit": nil, "department": nil,
		"digest": u.Digest}
	if cat, err := s.Store.Catalog(c.Request.Context(), u.UnitID); err == nil {
		out["unit"] = gin.H{"code": cat.Unit.Code, "name": cat.Unit.Name}
		if u.DepartmentID != nil {
			if d, ok := cat.Department(*u.DepartmentID); ok {
				out["department"] = gin.H{"code": d.Code, "name": d.Name}
			}
		}
	}
	c.JSON(http.StatusOK, out)
}
