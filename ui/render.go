package ui

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"caunoi/auth"
	"caunoi/domain"
	"caunoi/internal/httpx"
	"caunoi/ratelimit"
	"caunoi/web"
)

const ctxPageCSRF = "caunoi.page_csrf"

// lang returns "en" or "vi" for a page: ?lang= or the lang cookie set by the
// switch; otherwise Vietnamese, whatever the browser's language (the pages
// are Vietnamese by default, English by choice).
func lang(c *gin.Context) string {
	l := c.Query("lang")
	if l == "" {
		l, _ = c.Cookie("lang")
	}
	if strings.HasPrefix(l, "en") {
		return "en"
	}
	return "vi"
}

// page returns the common part of a page for this request: its language,
// the CSRF token (set as a cookie when the browser has none), the clock.
func (p *pages) page(c *gin.Context, titleKey string, args ...any) *web.Page {
	l := lang(c)
	return &web.Page{Lang: l, Title: web.T(l, titleKey, args...), Path: pathWithoutLang(c.Request.URL),
		CSRF: p.csrfToken(c), Loc: p.Cfg.Location, Now: p.Cfg.Now(), Errors: map[string]string{},
		Values: map[string]string{}, Staff: staffUserOf(c)}
}

// pathWithoutLang returns the request's path and query without ?lang=.
func pathWithoutLang(u *url.URL) string {
	q := u.Query()
	q.Del("lang")
	if len(q) == 0 {
		return u.Path
	}
	return u.Path + "?" + q.Encode()
}

// secure reports whether cookies should be Secure: the request came over
// HTTPS, or the site's public address is https.
func (p *pages) secure(c *gin.Context) bool {
	return c.Request.TLS != nil || len(p.Cfg.PublicURL) > 8 && p.Cfg.PublicURL[:8] == "https://"
}

// setCookie sets a SameSite=Lax cookie; maxAge 0 makes a browser-session
// cookie, a negative one deletes it.
func (p *pages) setCookie(c *gin.Context, name, value, path string, maxAge int, httpOnly bool) {
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: value, Path: path, MaxAge: maxAge,
		HttpOnly: httpOnly, Secure: p.secure(c), SameSite: http.SameSiteLaxMode})
}

// csrfToken returns the browser's CSRF token (the readable caunoi_csrf
// cookie), making and setting one when it has none: every form carries it
// back in csrf_token, and checkPageCSRF compares the two.
func (p *pages) csrfToken(c *gin.Context) string {
	if v, ok := c.Get(ctxPageCSRF); ok {
		return v.(string)
	}
	tok, err := c.Cookie(httpx.CSRFCookie)
	if err != nil || len(tok) < 32 || len(tok) > 128 {
		tok = auth.NewCSRFToken()
		p.setCookie(c, httpx.CSRFCookie, tok, "/", 0, false)
	}
	c.Set(ctxPageCSRF, tok)
	return tok
}

// checkPageCSRF refuses a form post whose csrf_token does not match the
// browser's CSRF cookie, with the 403 page; it reports whether to go on.
func (p *pages) checkPageCSRF(c *gin.Context) bool {
	want, err := c.Cookie(httpx.CSRFCookie)
	got := c.Request.PostFormValue(httpx.CSRFField)
	if got == "" {
		got = c.GetHeader(httpx.CSRFHeader)
	}
	if err != nil || !auth.CheckCSRF(want, got) {
		p.errorPage(c, http.StatusForbidden, web.T(lang(c), "error.403"))
		return false
	}
	return true
}

// render writes the page name with status. A template failure is logged and
// answered with a plain 500: the templates are tested, so it is a bug.
func (p *pages) render(c *gin.Context, status int, name string, pg *web.Page) {
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Status(status)
	if err := p.tmpl.Render(c.Writer, name, pg); err != nil {
		httpx.LogFrom(c).Error("render page", slog.String("page", name), slog.Any("error", err))
		if !c.Writer.Written() {
			c.String(http.StatusInternalServerError, "Internal error.")
		}
	}
	c.Abort()
}

// errorPage answers with the error page and message.
func (p *pages) errorPage(c *gin.Context, status int, msg string) {
	pg := p.page(c, "error.title")
	pg.Body = web.ErrorBody{Status: status, Message: msg}
	p.render(c, status, "error", pg)
}

// pageError answers err as an HTML page: its status and its message in the
// page's language. Internal errors are logged once here and shown plainly.
func (p *pages) pageError(c *gin.Context, err error) {
	de := httpx.ToDomain(err)
	status, ok := httpx.StatusOf[de.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if status >= 500 {
		httpx.LogFrom(c).LogAttrs(c.Request.Context(), slog.LevelError, "page failed",
			slog.String("code", de.Code), slog.Any("error", err))
		p.errorPage(c, status, web.T(lang(c), "error.500"))
		return
	}
	p.errorPage(c, status, messageOf(c, de))
}

// messageOf returns the error's message in the request's language.
func messageOf(c *gin.Context, de *domain.Error) string {
	if lang(c) == "en" && de.MessageEN != "" {
		return de.MessageEN
	}
	return de.Message
}

// bodyLimit caps a page post's body at n bytes, answering a larger one with
// the 413 page.
func (p *pages) bodyLimit(n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > n {
			p.errorPage(c, http.StatusRequestEntityTooLarge, web.T(lang(c), "error.413"))
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		c.Next()
	}
}

// tooLarge reports whether err comes from reading past a body limit.
func tooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe) || errors.Is(err, httpx.ErrTooLarge)
}

// allowPage applies a per-address limit to a page, answering a refusal
// with the 429 page and Retry-After.
func (p *pages) allowPage(c *gin.Context, l *ratelimit.Limiter) bool {
	ok, wait := l.Allow(c.ClientIP(), p.Cfg.Now())
	if ok {
		return true
	}
	c.Header("Retry-After", strconv.Itoa(ratelimit.RetryAfterSeconds(wait)))
	p.errorPage(c, http.StatusTooManyRequests, web.T(lang(c), "error.429"))
	return false
}

// switchLang handles GET /lang/{vi|en}?next=PATH: it remembers the choice in
// the lang cookie for a year and goes back to the page.
func (p *pages) switchLang(c *gin.Context) {
	l := c.Param("lang")
	if l != "en" && l != "vi" {
		p.errorPage(c, http.StatusNotFound, web.T(lang(c), "error.404"))
		return
	}
	p.setCookie(c, "lang", l, "/", 365*24*3600, false)
	c.Redirect(http.StatusSeeOther, safeNext(c.Query("next"), "/"))
}
