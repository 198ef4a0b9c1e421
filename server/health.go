package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
)

// healthz answers while the process runs.
func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// readyz answers 200 when the database answers, else 503 with Retry-After.
func (s *Server) readyz(c *gin.Context) {
	if err := s.store.Ping(c.Request.Context()); err != nil {
		writeError(c, domain.Unavailable(err))
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}
