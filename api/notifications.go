package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/internal/httpx"
)

// notificationRoutes registers the caller's notifications on the staff group.
func (s *Server) notificationRoutes(g *gin.RouterGroup) {
	g.GET("/notifications", s.listNotifications)
	g.POST("/notifications/read-all", s.readAllNotifications)
	g.POST("/notifications/:id/read", s.readNotification)
}

type notificationOut struct {
	ID           int64      `json:"id"`
	Kind         string     `json:"kind"`
	Body         string     `json:"body"`
	TicketID     *int64     `json:"ticket_id"`
	TrackingCode *string    `json:"tracking_code"`
	URL          *string    `json:"url"`
	CreatedAt    time.Time  `json:"created_at"`
	ReadAt       *time.Time `json:"read_at"`
}

const defaultNotificationPage = 50

var errBadNotificationQuery = domain.Invalid("Tham số truy vấn không hợp lệ.", "Invalid query parameters.", nil)

// listNotifications handles GET /api/v1/notifications[?unread=true][&limit=N][&before=ID]:
// {"items": [...], "unread": N, "next_before": ID|null}.
func (s *Server) listNotifications(c *gin.Context) {
	unreadOnly := false
	fields := map[string]string{}
	switch v := c.Query("unread"); v {
	case "", "false", "0":
	case "true", "1":
		unreadOnly = true
	default:
		fields["unread"] = "invalid"
	}
	limit := defaultNotificationPage
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			fields["limit"] = "invalid"
		}
		limit = n
	}
	var before int64
	if v := c.Query("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			fields["before"] = "invalid"
		}
		before = n
	}
	if len(fields) > 0 {
		err := *errBadNotificationQuery
		err.Fields = fields
		httpx.WriteError(c, &err)
		return
	}
	items, unread, err := s.Store.ListNotifications(c.Request.Context(), httpx.ScopeOf(c).UserID, unreadOnly, before, limit)
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	out := make([]notificationOut, len(items))
	for i, n := range items {
		o := notificationOut{ID: n.ID, Kind: n.Kind, Body: n.Body, TicketID: n.TicketID,
			CreatedAt: n.CreatedAt.In(s.Cfg.Location), ReadAt: s.local(n.ReadAt)}
		if n.TicketID != nil {
			code, url := n.TrackingCode, s.Cfg.PublicURL+"/staff/tickets/"+strconv.FormatInt(*n.TicketID, 10)
			o.TrackingCode, o.URL = &code, &url
		}
		out[i] = o
	}
	var next *int64
	if len(items) == limit {
		next = &items[len(items)-1].ID
	}
	c.JSON(http.StatusOK, gin.H{"items": out, "unread": unread, "next_before": next})
}

// readNotification handles POST /api/v1/notifications/{id}/read: only the
// caller's own; another user's id is 404.
func (s *Server) readNotification(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		httpx.WriteError(c, domain.NotFound("thông báo", "notification"))
		return
	}
	at, err := s.Store.ReadNotification(c.Request.Context(), httpx.ScopeOf(c).UserID, id, s.Cfg.Now())
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"id": id, "read_at": at.In(s.Cfg.Location)})
}

// readAllNotifications handles POST /api/v1/notifications/read-all.
func (s *Server) readAllNotifications(c *gin.Context) {
	n, err := s.Store.ReadAllNotifications(c.Request.Context(), httpx.ScopeOf(c).UserID, s.Cfg.Now())
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"marked": n, "unread": 0})
}
