// Package server puts Cầu Nối's HTTP rooms on one router: the shared
// middleware (request ids, logs, recovery, metrics, security headers), the
// health checks and /metrics, then the JSON API (api), the pages (ui),
// Open311 (open311) and the webhooks (webhook).
package server

import (
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"caunoi/api"
	"caunoi/internal/httpx"
	"caunoi/open311"
	"caunoi/repository"
	"caunoi/ui"
	"caunoi/webhook"
)

// Server is the whole HTTP interface over one store.
type Server struct{ core *httpx.Core }

// New returns a Server; Handler builds its router.
func New(cfg httpx.Config, store *repository.Store, log *slog.Logger) *Server {
	return &Server{core: httpx.NewCore(cfg, store, log)}
}

// Handler returns the router with every route of API.md.
func (s *Server) Handler() http.Handler {
	c := s.core
	r := gin.New()
	if err := r.SetTrustedProxies(c.Cfg.TrustedProxies); err != nil {
		c.Log.Warn("trusted proxies ignored", slog.Any("error", err))
		r.SetTrustedProxies(nil) //nolint:errcheck
	}
	r.Use(httpx.RequestID(c.Log), httpx.Recovery(), c.Observe(), httpx.AccessLog(), httpx.SecurityHeaders())
	r.NoRoute(func(g *gin.Context) { httpx.WriteError(g, httpx.ErrNotFoundRoute) })

	r.GET("/healthz", healthz)
	r.GET("/readyz", readyz(c.Store))
	c.MetricsRoutes(r)

	api.Routes(r, c)
	webhook.Routes(r, c)
	open311.Routes(r, c)
	ui.Routes(r, c)
	return r
}
