package api

import "github.com/gin-gonic/gin"

// NotificationStore is what the in-app notifications ask of the data layer.
type NotificationStore interface{}

// notificationRoutes registers the caller's notifications on the staff group.
func (s *Server) notificationRoutes(g *gin.RouterGroup) {}
