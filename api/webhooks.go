package api

import "github.com/gin-gonic/gin"

// WebhookStore is what the Facebook and Zalo webhooks ask of the data layer.
type WebhookStore interface{}

// ChannelAdminStore is what the channel accounts' administration asks of the data layer.
type ChannelAdminStore interface{}

// webhookRoutes registers /webhooks/facebook and /webhooks/zalo.
func (s *Server) webhookRoutes(r *gin.Engine) {}

// channelAdminRoutes registers the admin API of channel accounts on an admin-only group.
func (s *Server) channelAdminRoutes(g *gin.RouterGroup) {}
