package server

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/internal/httpx"
	"caunoi/repository"
)

// healthz answers while the process runs.
func healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// readyz answers 200 when the database answers, else 503 with Retry-After.
func readyz(store *repository.Store) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := store.Ping(c.Request.Context()); err != nil {
			httpx.WriteError(c, domain.Unavailable(err))
			return
		}
		c.JSON(http.StatusOK, gin.H{"status": "ok"})
	}
}
