package ui

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"caunoi/internal/httpx"
	"caunoi/web"
)

// pages holds what the web pages need besides the shared Core: the templates,
// parsed once, and the key that signs the feedback form's time stamp.
type pages struct {
	*httpx.Core
	tmpl    *web.Templates
	formKey []byte
}

// contentSecurityPolicy allows only our own scripts, styles and images (and
// data: images): no inline script or style anywhere.
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; " +
	"frame-ancestors 'none'; form-action 'self'"

// Routes registers the server-rendered web pages and their static files.
func Routes(r *gin.Engine, s *httpx.Core) {
	tmpl, err := web.Load()
	if err != nil {
		// The templates are embedded and covered by tests: a broken one is a
		// build mistake, not a run-time condition.
		panic(err)
	}
	p := &pages{Core: s, tmpl: tmpl, formKey: formKey(s.Cfg.SecretKey, s.Log)}

	static := http.StripPrefix("/static/", http.FileServer(http.FS(web.Static())))
	r.GET("/static/*file", func(c *gin.Context) {
		if c.Query("v") != "" {
			c.Header("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			c.Header("Cache-Control", "public, max-age=3600")
		}
		static.ServeHTTP(c.Writer, c.Request)
	})
	r.GET("/favicon.ico", func(c *gin.Context) { c.Redirect(http.StatusMovedPermanently, "/static/icon.svg") })

	g := r.Group("", pageHeaders)
	g.GET("/", p.home)
	g.GET("/lang/:lang", p.switchLang)
	g.GET("/u/:unit", p.feedbackForm)
	g.POST("/u/:unit", p.bodyLimit(maxFormBytes), p.submitForm)
	g.GET("/track", p.lookup)
	g.GET("/track/:code", p.track)
	g.POST("/track/:code/messages", p.bodyLimit(httpx.MaxBodyBytes), p.followUp)
	g.POST("/track/:code/rating", p.bodyLimit(httpx.MaxBodyBytes), p.rate)

	g.GET("/staff/login", p.loginForm)
	g.POST("/staff/login", p.bodyLimit(httpx.MaxBodyBytes), p.loginSubmit)
	st := g.Group("/staff", p.bodyLimit(httpx.MaxBodyBytes), p.staffSession)
	st.POST("/logout", p.logoutSubmit)
	st.GET("", p.queue)
	st.GET("/tickets/:id", p.ticketPage)
	st.POST("/tickets/:id/reply", p.ticketReply)
	st.POST("/tickets/:id/note", p.ticketNote)
	st.POST("/tickets/:id/status", p.ticketStatus)
	st.POST("/tickets/:id/assign", p.ticketAssign)
	st.POST("/tickets/:id/transfer", p.ticketTransfer)
	st.POST("/tickets/:id/extend", p.ticketExtend)
	st.POST("/tickets/:id/merge", p.ticketMerge)
	p.leaderPages(g)
	p.adminPages(g)
}

// pageHeaders adds the pages' Content-Security-Policy and keeps pages out of
// shared caches (the security headers of every answer are set before).
func pageHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("Cache-Control", "no-store")
	c.Next()
}

// formKey derives the key that signs form time stamps from the server's
// secret key, so that every replica accepts the others' forms. Without a
// secret key a random one is drawn: fine for one replica, and said in the log.
func formKey(secret string, log *slog.Logger) []byte {
	if secret != "" {
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte("caunoi web form stamps v1"))
		return m.Sum(nil)
	}
	if log != nil {
		log.Info("web forms: CAUNOI_SECRET_KEY is not set; form time stamps are signed with a per-process key")
	}
	k := make([]byte, 32)
	rand.Read(k)
	return k
}

// safeNext returns next when it is a path on this site, else fallback: a
// redirect never leaves the site.
func safeNext(next, fallback string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n\\") {
		return fallback
	}
	return next
}
