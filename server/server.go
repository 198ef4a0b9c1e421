// Package api is Cầu Nối's HTTP interface: the gin router, its middleware
// (request ids, logs, recovery, limits, auth), the JSON handlers, the
// webhooks and Open311, and the one place errors become HTTP answers.
package api

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"caunoi/auth"
	"caunoi/domain"
	"caunoi/ratelimit"
)

// Config is what the HTTP layer needs from the program's configuration.
type Config struct {
	PublicURL      string
	Location       *time.Location
	RateLimit      bool
	TrustedProxies []string
	Now            func() time.Time // the clock; time.Now when nil
	Issuer         *auth.Issuer     // signs and checks staff access tokens

	FacebookAppSecret   string // verifies X-Hub-Signature-256; empty: Facebook webhooks refused
	FacebookVerifyToken string // the webhook subscription handshake
	SecretKey           string // CAUNOI_SECRET_KEY: encrypts channel tokens at rest

	Metrics *Metrics // the registry shared with the job runner; a new one when nil
}

// Server holds the HTTP layer's dependencies.
type Server struct {
	cfg         Config
	store       Store
	log         *slog.Logger
	intakeLimit *ratelimit.Limiter
	lookupLimit *ratelimit.Limiter
	issuer      *auth.Issuer
	throttle    *auth.Throttle // failed sign-ins per account at an address
	// addrThrottle: failed sign-ins per address, whatever the account; it
	// allows more (a commune office signs in from one address).
	addrThrottle *auth.Throttle
	sessions     *sessionCache
}

// The address throttle: how many failed sign-ins an address makes, over
// all accounts, before it waits, and its longest wait. An office or a
// mobile carrier signs many people in from one address: its waits stay
// short, while guessing at many accounts from it stays slow.
const (
	addrFreeFailures = 20
	addrMaxWait      = time.Minute
)

// New returns a Server; Handler builds its router.
func New(cfg Config, store Store, log *slog.Logger) *Server {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Location == nil {
		cfg.Location = time.FixedZone("ICT", 7*3600)
	}
	s := &Server{cfg: cfg, store: store, log: log, issuer: cfg.Issuer,
		throttle: auth.NewThrottle(auth.ThrottleOptions{}), addrThrottle: auth.NewThrottle(auth.ThrottleOptions{Free: addrFreeFailures, Max: addrMaxWait}),
		sessions: newSessionCache()}
	s.intakeLimit, s.lookupLimit = newLimiters(cfg.RateLimit)
	return s
}

// Handler returns the router with every route of API.md.
func (s *Server) Handler() http.Handler {
	r := gin.New()
	if err := r.SetTrustedProxies(s.cfg.TrustedProxies); err != nil {
		s.log.Warn("trusted proxies ignored", slog.Any("error", err))
		r.SetTrustedProxies(nil) //nolint:errcheck
	}
	r.Use(requestID(s.log), recovery(), s.observe(), accessLog(), securityHeaders())
	r.NoRoute(func(c *gin.Context) { writeError(c, errNotFoundRoute) })

	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)
	s.metricsRoutes(r)
	r.GET("/openapi.yaml", s.openapi)

	v1 := r.Group("/api/v1", limitBody(MaxBodyBytes))
	v1.GET("/units", s.listUnits)
	v1.GET("/units/:unit/categories", s.listUnitCategories)
	v1.POST("/feedback", s.submitFeedback)
	v1.GET("/feedback/:code", s.getFeedback)
	v1.POST("/feedback/:code/messages", s.postCitizenMessage)
	v1.POST("/feedback/:code/rating", s.postRating)

	v1.POST("/auth/login", s.login)
	v1.POST("/auth/refresh", s.refresh)
	v1.POST("/auth/logout", s.logout)

	staff := v1.Group("", s.authenticate)
	staff.GET("/me", s.me)
	s.ticketRoutes(staff)
	s.reportRoutes(staff)
	s.notificationRoutes(staff)

	admin := staff.Group("", requireRole(domain.RoleAdmin))
	s.adminRoutes(admin)
	s.channelAdminRoutes(admin)
	s.apiKeyAdminRoutes(admin)

	s.webhookRoutes(r)
	s.open311Routes(r)
	s.pageRoutes(r)
	return r
}
