package api

import "github.com/gin-gonic/gin"

// ReportStore is what the reports ask of the data layer.
type ReportStore interface{}

// reportRoutes registers the reports and the CSV export on the staff group.
func (s *Server) reportRoutes(g *gin.RouterGroup) {}
