package api

import "github.com/gin-gonic/gin"

// AdminStore is what the administration API asks of the data layer.
type AdminStore interface{}

// adminRoutes registers the administration API (units, departments,
// categories, rules, users, holidays, channels) on an admin-only group.
func (s *Server) adminRoutes(g *gin.RouterGroup) {}
