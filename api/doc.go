// Package api is Cầu Nối's JSON API under /api/v1 (API.md): the citizen's
// feedback and tracking, sign-in, the staff's tickets, reports and
// notifications, and the administration. The pages are in ui, Open311 in
// open311, the platforms' webhooks in webhook; what they share is in
// internal/httpx.
package api

import (
	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/internal/httpx"
)

// Server is the JSON API's handlers over the shared dependencies.
type Server struct{ *httpx.Core }

// Routes registers the JSON API's routes on r.
func Routes(r *gin.Engine, core *httpx.Core) {
	s := &Server{core}
	v1 := r.Group("/api/v1", httpx.LimitBody(httpx.MaxBodyBytes))
	v1.GET("/units", s.listUnits)
	v1.GET("/units/:unit/categories", s.listUnitCategories)
	v1.POST("/feedback", s.submitFeedback)
	v1.GET("/feedback/:code", s.getFeedback)
	v1.POST("/feedback/:code/messages", s.postCitizenMessage)
	v1.POST("/feedback/:code/rating", s.postRating)

	v1.POST("/auth/login", s.login)
	v1.POST("/auth/refresh", s.refresh)
	v1.POST("/auth/logout", s.logout)

	staff := v1.Group("", s.Authenticate)
	staff.GET("/me", s.me)
	s.ticketRoutes(staff)
	s.reportRoutes(staff)
	s.notificationRoutes(staff)

	admin := staff.Group("", httpx.RequireRole(domain.RoleAdmin))
	s.adminRoutes(admin)
	s.channelAdminRoutes(admin)
	s.apiKeyAdminRoutes(admin)
	r.GET("/openapi.yaml", s.openapi)
}
