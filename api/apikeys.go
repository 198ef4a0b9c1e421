package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/internal/httpx"
)

// apiKeyItem is an Open311 API key in the administration API: never the
// key itself, which is shown once, when it is made.
type apiKeyItem struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	Unit       *string    `json:"unit"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	Key        string     `json:"key,omitempty"`
}

func (s *Server) apiKeyItem(k domain.APIKey) apiKeyItem {
	it := apiKeyItem{ID: k.ID, Name: k.Name, Prefix: k.Prefix, CreatedAt: k.CreatedAt.In(s.Cfg.Location),
		LastUsedAt: s.local(k.LastUsedAt), RevokedAt: s.local(k.RevokedAt)}
	if k.UnitCode != "" {
		u := k.UnitCode
		it.Unit = &u
	}
	return it
}

// apiKeyAdminRoutes registers the administration of Open311 API keys on an
// admin-only group: GET /apikeys, POST /apikeys {"name","unit"} (201 with
// the key, shown this once), DELETE /apikeys/{id} (204; revokes it). The
// store checks the caller's role and scope in each query.
func (s *Server) apiKeyAdminRoutes(g *gin.RouterGroup) {
	g.GET("/apikeys", s.listAPIKeys)
	g.POST("/apikeys", s.createAPIKey)
	g.DELETE("/apikeys/:id", s.revokeAPIKey)
}

// listAPIKeys handles GET /api/v1/apikeys.
func (s *Server) listAPIKeys(c *gin.Context) {
	keys, err := s.Store.ListAPIKeys(c.Request.Context(), httpx.ScopeOf(c))
	respondItems(c, keys, err, s.apiKeyItem)
}

// createAPIKey handles POST /api/v1/apikeys.
func (s *Server) createAPIKey(c *gin.Context) {
	var req struct {
		Name string `json:"name"`
		Unit string `json:"unit"`
	}
	if !readJSON(c, &req) {
		return
	}
	sc := httpx.ScopeOf(c)
	k, secret, err := s.Store.CreateAPIKey(c.Request.Context(), &sc, req.Name, req.Unit)
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	it := s.apiKeyItem(k)
	it.Key = secret
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusCreated, it)
}

// revokeAPIKey handles DELETE /api/v1/apikeys/{id}.
func (s *Server) revokeAPIKey(c *gin.Context) {
	id, ok := rowParam(c, "khóa API", "API key")
	if !ok {
		return
	}
	sc := httpx.ScopeOf(c)
	if err := s.Store.RevokeAPIKey(c.Request.Context(), &sc, id); err != nil {
		httpx.WriteError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
