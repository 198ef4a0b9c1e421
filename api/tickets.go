package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/internal/httpx"
)

// ticketRoutes registers the staff ticket API on an authenticated group.
func (s *Server) ticketRoutes(g *gin.RouterGroup) {
	g.GET("/tickets", s.listTickets)
	g.POST("/tickets", s.staffIntake)
	g.GET("/tickets/:id", s.getTicket)
	g.PATCH("/tickets/:id", s.patchTicket)
	g.POST("/tickets/:id/status", s.postStatus)
	g.POST("/tickets/:id/replies", s.postReply)
	g.POST("/tickets/:id/notes", s.postNote)
	g.POST("/tickets/:id/extensions", s.postExtension)
	g.POST("/tickets/:id/merge", s.postMerge)
	g.GET("/tickets/:id/similar", s.getSimilar)
}

type ticketItem struct {
	ID           int64           `json:"id"`
	TrackingCode string          `json:"tracking_code"`
	Title        string          `json:"title"`
	Status       domain.Status   `json:"status"`
	Kind         domain.Kind     `json:"kind"`
	Category     *httpx.NamedRef `json:"category"`
	Department   *httpx.NamedRef `json:"department"`
	Channel      string          `json:"channel"`
	Unit         string          `json:"unit"`
	Assignee     *assigneeRef    `json:"assignee"`
	CreatedAt    time.Time       `json:"created_at"`
	DueAt        time.Time       `json:"due_at"`
	Overdue      bool            `json:"overdue"`
}

type assigneeRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

func (s *Server) item(t domain.TicketItem) ticketItem {
	it := ticketItem{ID: t.ID, TrackingCode: t.TrackingCode, Title: t.Title, Status: t.Status, Kind: t.Kind,
		Category: httpx.Ref(t.CategoryCode, t.CategoryName), Department: httpx.Ref(t.DepartmentCode, t.DepartmentName),
		Channel: string(t.Channel), Unit: t.UnitCode, CreatedAt: t.CreatedAt.In(s.Cfg.Location),
		DueAt: t.DueAt.In(s.Cfg.Location), Overdue: t.Overdue}
	if t.AssigneeID != nil {
		it.Assignee = &assigneeRef{ID: *t.AssigneeID, Name: t.AssigneeName}
	}
	return it
}

// listTickets handles GET /api/v1/tickets: the caller's queue in due order.
func (s *Server) listTickets(c *gin.Context) {
	sc := httpx.ScopeOf(c)
	f, err := httpx.TicketFilterOf(c, sc)
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	items, next, err := s.Store.ListTickets(c.Request.Context(), sc, f)
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	s.writeItems(c, items, true, next)
}

// ticketParam reads the path's ticket id, answering 404 for a malformed one
// (ok false: the answer is written).
func ticketParam(c *gin.Context) (int64, bool) { return rowParam(c, "phản ánh", "ticket") }

type eventOut struct {
	ID        int64          `json:"id"`
	Type      string         `json:"type"`
	Actor     *string        `json:"actor"`
	Body      string         `json:"body"`
	Public    bool           `json:"public"`
	Data      map[string]any `json:"data,omitempty"`
	CreatedAt time.Time      `json:"created_at"`
}

// getTicket handles GET /api/v1/tickets/{id}: out of scope is 404.
func (s *Server) getTicket(c *gin.Context) {
	id, ok := ticketParam(c)
	if !ok {
		return
	}
	d, err := s.Store.TicketDetail(c.Request.Context(), httpx.ScopeOf(c), id)
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	s.writeTicket(c, d)
}

// writeTicket answers with the staff view of a ticket and its timeline.
func (s *Server) writeTicket(c *gin.Context, d domain.TicketDetail) {
	events := make([]eventOut, len(d.Events))
	for i, e := range d.Events {
		events[i] = eventOut{ID: e.ID, Type: string(e.Type), Body: e.Body, Public: e.Public, Data: e.Data,
			CreatedAt: e.CreatedAt.In(s.Cfg.Location)}
		if e.Actor != "" {
			a := e.Actor
			events[i].Actor = &a
		}
	}
	var citizen any
	if !d.IdentityHidden {
		citizen = d.Citizen
	}
	next := d.NextStatuses
	if next == nil {
		next = []domain.Status{}
	}
	out := gin.H{
		"id": d.ID, "tracking_code": d.TrackingCode, "title": d.Title, "body": d.Body, "status": d.Status,
		"kind": d.Kind, "channel": d.Channel, "priority": d.Priority, "public": d.Public,
		"unit":     httpx.NamedRef{Code: d.UnitCode, Name: d.UnitName},
		"category": httpx.Ref(d.CategoryCode, d.CategoryName), "department": httpx.Ref(d.DepartmentCode, d.DepartmentName),
		"assignee": nil, "citizen": citizen, "identity_hidden": d.IdentityHidden,
		"location":   gin.H{"address": d.Location.Address, "village": d.Location.Village, "lat": d.Location.Lat, "lng": d.Location.Lng},
		"created_at": d.CreatedAt.In(s.Cfg.Location), "due_at": s.local(d.DueAt),
		"first_response_at": s.local(d.FirstResponseAt), "resolved_at": s.local(d.ResolvedAt),
		"closed_at": s.local(d.ClosedAt), "extensions": d.Extensions, "rating": d.Rating,
		"rating_comment": d.RatingComment, "merged_into": nilIfEmpty(d.MergedIntoCode),
		"overdue": d.Overdue(s.Cfg.Now()), "next_statuses": next, "events": events,
	}
	if d.AssigneeID != nil {
		out["assignee"] = assigneeRef{ID: *d.AssigneeID, Name: d.AssigneeName}
	}
	c.JSON(http.StatusOK, out)
}

func nilIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// patchTicket handles PATCH /api/v1/tickets/{id}.
func (s *Server) patchTicket(c *gin.Context) {
	id, ok := ticketParam(c)
	if !ok {
		return
	}
	var req struct {
		Category   *string      `json:"category"`
		Department *string      `json:"department"`
		Assignee   *int64       `json:"assignee"`
		Priority   *int         `json:"priority"`
		Kind       *domain.Kind `json:"kind"`
		Reason     string       `json:"reason"`
	}
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.WriteError(c, err)
		return
	}
	u := domain.TicketUpdate{Category: req.Category, Department: req.Department, AssigneeID: req.Assignee,
		Priority: req.Priority, Kind: req.Kind, Reason: domain.NormalizeText(req.Reason)}
	if err := s.Store.UpdateTicket(c.Request.Context(), httpx.ScopeOf(c), id, u); err != nil {
		httpx.WriteError(c, err)
		return
	}
	s.respondTicket(c, id)
}

// respondTicket answers a change with the ticket as it now is; after a
// transfer out of the caller's scope, only with where it went.
func (s *Server) respondTicket(c *gin.Context, id int64) {
	d, err := s.Store.TicketDetail(c.Request.Context(), httpx.ScopeOf(c), id)
	switch {
	case domain.IsNotFound(err):
		c.JSON(http.StatusOK, gin.H{"id": id, "out_of_scope": true})
	case err != nil:
		httpx.WriteError(c, err)
	default:
		s.writeTicket(c, d)
	}
}

// postStatus handles POST /api/v1/tickets/{id}/status.
func (s *Server) postStatus(c *gin.Context) {
	id, ok := ticketParam(c)
	if !ok {
		return
	}
	var req struct {
		Status domain.Status `json:"status"`
		Note   string        `json:"note"`
		Result *string       `json:"result"` // with resolved: the public answer, sent as a reply is
	}
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.WriteError(c, err)
		return
	}
	if !req.Status.Valid() {
		httpx.WriteError(c, domain.Invalid("Trạng thái không hợp lệ.", "Unknown status.", map[string]string{"status": "invalid"}))
		return
	}
	ctx, sc, note := c.Request.Context(), httpx.ScopeOf(c), domain.NormalizeText(req.Note)
	var err error
	switch {
	case req.Result != nil && req.Status != domain.StatusResolved:
		err = domain.Invalid("Chỉ ghi kết quả khi giải quyết phản ánh.", "A result goes only with resolved.",
			map[string]string{"result": domain.FieldInvalid})
	case req.Result != nil:
		var result string
		if result, err = domain.ValidateMessage(*req.Result); err == nil {
			_, err = s.Store.Resolve(ctx, sc, id, note, result)
		} else {
			err = resultError(err)
		}
	default:
		_, err = s.Store.ChangeStatus(ctx, sc, id, req.Status, note)
	}
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	s.respondTicket(c, id)
}

// readBodyText reads {"body": "..."} and validates it.
func readBodyText(c *gin.Context) (string, error) {
	var req struct {
		Body string `json:"body"`
	}
	if err := httpx.DecodeJSON(c, &req); err != nil {
		return "", err
	}
	return domain.ValidateMessage(req.Body)
}

// postReply handles POST /api/v1/tickets/{id}/replies: a public answer,
// also sent on the ticket's channel.
func (s *Server) postReply(c *gin.Context) {
	id, ok := ticketParam(c)
	if !ok {
		return
	}
	body, err := readBodyText(c)
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	res, err := s.Store.AddReply(c.Request.Context(), httpx.ScopeOf(c), id, body)
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"id": res.EventID, "delivery": res.Delivery, "reason": nilIfEmpty(res.Reason)})
}

// postNote handles POST /api/v1/tickets/{id}/notes: internal, never shown.
func (s *Server) postNote(c *gin.Context) {
	id, ok := ticketParam(c)
	if !ok {
		return
	}
	body, err := readBodyText(c)
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	if err := s.Store.AddNote(c.Request.Context(), httpx.ScopeOf(c), id, body); err != nil {
		httpx.WriteError(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"status": "added"})
}

// postExtension handles POST /api/v1/tickets/{id}/extensions.
func (s *Server) postExtension(c *gin.Context) {
	id, ok := ticketParam(c)
	if !ok {
		return
	}
	var req struct {
		Days   int    `json:"days"`
		Reason string `json:"reason"`
	}
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.WriteError(c, err)
		return
	}
	reason := domain.NormalizeText(req.Reason)
	if reason == "" {
		httpx.WriteError(c, domain.Invalid("Hãy ghi lý do gia hạn.", "Give a reason for the extension.", map[string]string{"reason": "required"}))
		return
	}
	due, err := s.Store.Extend(c.Request.Context(), httpx.ScopeOf(c), id, req.Days, reason)
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"due_at": due.In(s.Cfg.Location)})
}

// postMerge handles POST /api/v1/tickets/{id}/merge {"into": tracking code}.
func (s *Server) postMerge(c *gin.Context) {
	id, ok := ticketParam(c)
	if !ok {
		return
	}
	var req struct {
		Into string `json:"into"`
	}
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.WriteError(c, err)
		return
	}
	code, err := domain.ParseTrackingCode(req.Into)
	if err != nil {
		httpx.WriteError(c, domain.Invalid("Mã phản ánh để gộp không hợp lệ.", "Invalid tracking code to merge into.", map[string]string{"into": "invalid"}))
		return
	}
	into, err := s.Store.Merge(c.Request.Context(), httpx.ScopeOf(c), id, code)
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": domain.StatusDuplicate, "merged_into": into})
}

// getSimilar handles GET /api/v1/tickets/{id}/similar.
func (s *Server) getSimilar(c *gin.Context) {
	id, ok := ticketParam(c)
	if !ok {
		return
	}
	items, err := s.Store.SimilarTickets(c.Request.Context(), httpx.ScopeOf(c), id)
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	s.writeItems(c, items, false, nil)
}

// staffIntake handles POST /api/v1/tickets: feedback taken by staff on the
// hotline, at the reception desk or by e-mail, in the staff member's unit
// (or, for admins and leaders, a unit of their scope).
func (s *Server) staffIntake(c *gin.Context) {
	sc := httpx.ScopeOf(c)
	var req feedbackRequest
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.WriteError(c, err)
		return
	}
	in := req.input()
	switch in.Channel {
	case domain.ChannelHotline, domain.ChannelWalkIn, domain.ChannelEmail:
	case "":
		in.Channel = domain.ChannelHotline
	default:
		httpx.WriteError(c, domain.Invalid("Kênh tiếp nhận phải là đường dây nóng, trực tiếp hoặc e-mail.",
			"The channel must be hotline, walk_in or email.", map[string]string{"channel": "invalid"}))
		return
	}
	ctx := c.Request.Context()
	own, err := s.Store.Catalog(ctx, sc.UnitID)
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	if in.Unit == "" || in.Unit == own.Unit.Code {
		in.Unit = own.Unit.Code
	} else if !sc.Role.UnitWide() {
		httpx.WriteError(c, domain.Forbidden())
		return
	} else if ok, err := s.Store.InScopeUnit(ctx, sc, in.Unit); err != nil || !ok {
		if err == nil {
			err = domain.Forbidden()
		}
		httpx.WriteError(c, err)
		return
	}
	nt := domain.NewTicket{Channel: in.Channel, ActorID: &sc.UserID}
	if in.Channel == domain.ChannelWalkIn {
		day := s.Cfg.Now().In(s.Cfg.Location)
		day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
		nt.ReceptionDay = &day
	}
	created, err := s.Intake(c, in, nt)
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	httpx.CountCreated(c, in.Channel)
	out := s.createdBody(created)
	c.JSON(http.StatusCreated, gin.H{"id": created.ID, "tracking_code": out.TrackingCode, "status": out.Status,
		"kind": out.Kind, "category": out.Category, "department": out.Department, "due_at": out.DueAt, "url": out.URL})
}

// writeItems answers 200 with {"items":[…]} (an empty list, never null)
// and, when withCursor, the page's "next_cursor" (a string, or null on the
// last page).
func (s *Server) writeItems(c *gin.Context, items []domain.TicketItem, withCursor bool, next *domain.Cursor) {
	out := make([]ticketItem, len(items))
	for i, t := range items {
		out[i] = s.item(t)
	}
	body := gin.H{"items": out}
	if withCursor {
		body["next_cursor"] = httpx.EncodeCursor(next)
	}
	c.JSON(http.StatusOK, body)
}

// resultError names the field "result" in a message's validation error.
func resultError(err error) error {
	de := httpx.ToDomain(err)
	if de.Code != domain.EINVALID {
		return err
	}
	return domain.Invalid(de.Message, de.MessageEN, map[string]string{"result": de.Fields["body"]})
}
