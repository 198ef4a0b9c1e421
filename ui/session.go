package ui

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"caunoi/auth"
	"caunoi/domain"
	"caunoi/internal/httpx"
	"caunoi/web"
)

// The refresh token of a web session lives in an HttpOnly cookie; it renews
// the access token (caunoi_session) when that expires, on every page that
// needs a session: /staff, /admin and /leader. It was scoped to /staff
// until session 3, so a form posted on /admin or /leader after the access
// token expired went to the sign-in page and was lost; a browser that still
// holds the old /staff cookie has it replaced at its next renewal.
const (
	refreshCookie     = "caunoi_refresh"
	refreshPath       = "/"
	legacyRefreshPath = "/staff"
	refreshMaxAge     = 30 * 24 * 3600
	ctxPageUser       = "caunoi.page_user"
	loginPath         = "/staff/login"
	staffHome         = "/staff"
	leaderHome        = "/leader"
)

// staffUserOf returns the signed-in staff member set by staffSession, or nil.
func staffUserOf(c *gin.Context) *web.StaffUser {
	if v, ok := c.Get(ctxPageUser); ok {
		return v.(*web.StaffUser)
	}
	return nil
}

// setSession sets the web session's cookies: the access token, a new CSRF
// token and, when given, the refresh token.
func (p *pages) setSession(c *gin.Context, access, refresh string) {
	p.setCookie(c, httpx.SessionCookie, access, "/", 0, true)
	if refresh != "" {
		p.setCookie(c, refreshCookie, "", legacyRefreshPath, -1, true)
		p.setCookie(c, refreshCookie, refresh, refreshPath, refreshMaxAge, true)
	}
}

// clearSession deletes the session's cookies.
func (p *pages) clearSession(c *gin.Context) {
	p.setCookie(c, httpx.SessionCookie, "", "/", -1, true)
	p.setCookie(c, refreshCookie, "", legacyRefreshPath, -1, true)
	p.setCookie(c, refreshCookie, "", refreshPath, -1, true)
}

// sessionRaceGrace is how long after a refresh cookie was spent another
// request presenting it is taken for a tab of the same browser that renewed
// at the same moment (say, tickets opened in several tabs after the access
// token expired) rather than for a stolen copy.
const sessionRaceGrace = 10 * time.Second

// sessionState is what a request's cookies say of its session.
type sessionState int

const (
	noSession      sessionState = iota
	signedIn                    // the scope is the caller's
	sessionRenewed              // another tab renewed the session a moment ago: ask again
)

// sessionScope returns the caller's scope from the session cookie, renewing
// an expired access token with the refresh cookie (which rotates).
func (p *pages) sessionScope(c *gin.Context) (domain.Scope, sessionState) {
	if tok, err := c.Cookie(httpx.SessionCookie); err == nil && tok != "" {
		if cl, err := p.Issuer.Parse(tok); err == nil && p.SessionLive(c.Request.Context(), cl.SessionID) == nil {
			return domain.Scope{UserID: cl.UserID, Role: domain.Role(cl.Role), UnitID: cl.UnitID,
				DepartmentID: cl.DepartmentID}, signedIn
		}
	}
	old, err := c.Cookie(refreshCookie)
	if err != nil || old == "" {
		return domain.Scope{}, noSession
	}
	newToken, newHash := auth.NewRefreshToken()
	user, session, err := p.Store.RenewSession(c.Request.Context(), auth.HashRefreshToken(old), newHash, sessionRaceGrace)
	if errors.Is(err, domain.ErrSessionRaced) {
		return domain.Scope{}, sessionRenewed
	}
	if err != nil {
		p.clearSession(c)
		return domain.Scope{}, noSession
	}
	access, _, err := p.Issuer.Issue(httpx.ClaimsOf(user, session))
	if err != nil {
		return domain.Scope{}, noSession
	}
	p.setSession(c, access, newToken)
	return domain.ScopeOf(user), signedIn
}

// staffSession lets signed-in staff through, with their scope in the
// context; others go to the sign-in page (and back afterwards). A form post
// must carry the CSRF token.
func (p *pages) staffSession(c *gin.Context) {
	sc, state := p.sessionScope(c)
	if state == sessionRenewed {
		// The same request again, method and form kept (307), now with
		// the cookies the other tab's answer set.
		c.Redirect(http.StatusTemporaryRedirect, c.Request.URL.RequestURI())
		c.Abort()
		return
	}
	if state != signedIn {
		next := ""
		if c.Request.Method == http.MethodGet {
			next = "?next=" + url.QueryEscape(c.Request.URL.RequestURI())
		}
		c.Redirect(http.StatusSeeOther, loginPath+next)
		c.Abort()
		return
	}
	u, err := p.Store.UserByID(c.Request.Context(), sc.UserID)
	if err != nil || !u.Active {
		p.clearSession(c)
		c.Redirect(http.StatusSeeOther, loginPath)
		c.Abort()
		return
	}
	su := &web.StaffUser{Name: u.Name, Role: u.Role}
	c.Set(ctxPageUser, su)
	c.Set(httpx.CtxScope, sc)
	if c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead && !p.checkPageCSRF(c) {
		return
	}
	c.Next()
}

// loginForm handles GET /staff/login.
func (p *pages) loginForm(c *gin.Context) {
	if sc, state := p.sessionScope(c); state == signedIn {
		c.Redirect(http.StatusSeeOther, safeNext(c.Query("next"), homeOf(sc.Role)))
		return
	}
	pg := p.page(c, "login.title")
	pg.Body = web.LoginBody{Next: safeNext(c.Query("next"), "")}
	p.render(c, http.StatusOK, "login", pg)
}

// loginSubmit handles POST /staff/login: the same checks and throttle as
// the API's sign-in; on success the session cookies and on to the page
// asked for, else the role's home (homeOf); on failure the form again with
// the message.
func (p *pages) loginSubmit(c *gin.Context) {
	if !p.checkPageCSRF(c) {
		return
	}
	email := c.PostForm("email")
	pair, user, err := p.SignIn(c, email, c.PostForm("password"))
	if err != nil {
		de := httpx.ToDomain(err)
		status, known := httpx.StatusOf[de.Code]
		if !known || status >= 500 || (de.Code != domain.EBADCREDS && de.Code != domain.ERATELIMITED) {
			p.pageError(c, err)
			return
		}
		pg := p.page(c, "login.title")
		pg.Body = web.LoginBody{Next: safeNext(c.PostForm("next"), "")}
		pg.Values["email"] = email
		pg.Errors["email"] = messageOf(c, de)
		pg.Fields = []web.FieldError{{ID: "f-email", Message: messageOf(c, de)}}
		p.render(c, status, "login", pg)
		return
	}
	p.setSession(c, pair.AccessToken, pair.RefreshToken)
	p.setCookie(c, httpx.CSRFCookie, auth.NewCSRFToken(), "/", 0, false)
	c.Redirect(http.StatusSeeOther, safeNext(c.PostForm("next"), homeOf(user.Role)))
}

// homeOf is where a sign-in without a page to return to lands: the leader
// on the dashboard, everyone else on the queue.
func homeOf(r domain.Role) string {
	if r == domain.RoleLeader {
		return leaderHome
	}
	return staffHome
}

// logoutSubmit handles POST /staff/logout: the session ends (its refresh
// family and its access tokens), the cookies go.
func (p *pages) logoutSubmit(c *gin.Context) {
	// The refresh cookie names the session; without it (a cookie jar that
	// lost it), the access cookie does.
	if tok, err := c.Cookie(refreshCookie); err == nil && tok != "" {
		if err := p.SignOutRefresh(c.Request.Context(), tok); err != nil &&
			!errors.Is(err, httpx.ErrNoSession) && !domain.IsNotFound(err) {
			httpx.LogFrom(c).Warn("sign-out: revoke refresh family", "error", err)
		}
	} else if tok, err := c.Cookie(httpx.SessionCookie); err == nil && tok != "" {
		if cl, err := p.Issuer.Parse(tok); err == nil {
			if err := p.EndSession(c.Request.Context(), cl.SessionID); err != nil {
				httpx.LogFrom(c).Warn("sign-out: end session", "error", err)
			}
		}
	}
	p.clearSession(c)
	c.Redirect(http.StatusSeeOther, loginPath)
}
