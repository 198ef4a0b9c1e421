package api

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
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
	ID           int64         `json:"id"`
	TrackingCode string        `json:"tracking_code"`
	Title        string        `json:"title"`
	Status       domain.Status `json:"status"`
	Kind         domain.Kind   `json:"kind"`
	Category     *namedRef     `json:"category"`
	Department   *namedRef     `json:"department"`
	Channel      string        `json:"channel"`
	Unit         string        `json:"unit"`
	Assignee     *assigneeRef  `json:"assignee"`
	CreatedAt    time.Time     `json:"created_at"`
	DueAt        time.Time     `json:"due_at"`
	Overdue      bool          `json:"overdue"`
}

type namedRef struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

type assigneeRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

func ref(code, name string) *namedRef {
	if code == "" {
		return nil
	}
	return &namedRef{Code: code, Name: name}
}

func (s *Server) item(t domain.TicketItem) ticketItem {
	it := ticketItem{ID: t.ID, TrackingCode: t.TrackingCode, Title: t.Title, Status: t.Status, Kind: t.Kind,
		Category: ref(t.CategoryCode, t.CategoryName), Department: ref(t.DepartmentCode, t.DepartmentName),
		Channel: string(t.Channel), Unit: t.UnitCode, CreatedAt: t.CreatedAt.In(s.cfg.Location),
		DueAt: t.DueAt.In(s.cfg.Location), Overdue: t.Overdue}
	if t.AssigneeID != nil {
		it.Assignee = &assigneeRef{ID: *t.AssigneeID, Name: t.AssigneeName}
	}
	return it
}

// encodeCursor and decodeCursor keep the keyset position opaque to clients.
func encodeCursor(c *domain.Cursor) *string {
	if c == nil {
		return nil
	}
	s := base64.RawURLEncoding.EncodeToString([]byte(c.DueAt.UTC().Format(time.RFC3339Nano) + "|" + strconv.FormatInt(c.ID, 10)))
	return &s
}

func decodeCursor(s string) (*domain.Cursor, error) {
	bad := domain.Invalid("Con trỏ phân trang không hợp lệ.", "Invalid cursor.", map[string]string{"cursor": "invalid"})
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad
	}
	ts, idText, ok := strings.Cut(string(b), "|")
	t, err1 := time.Parse(time.RFC3339Nano, ts)
	id, err2 := strconv.ParseInt(idText, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return nil, bad
	}
	return &domain.Cursor{DueAt: t, ID: id}, nil
}

// ticketFilter reads the queue's filters from the query string (API.md).
func ticketFilter(c *gin.Context, sc domain.Scope) (domain.TicketFilter, error) {
	q := c.Request.URL.Query()
	f := domain.TicketFilter{Unit: q.Get("unit"), Department: q.Get("department"), Category: q.Get("category"),
		Kind: domain.Kind(q.Get("kind")), Channel: domain.Channel(q.Get("channel")), Query: q.Get("q")}
	bad := map[string]string{}
	for _, st := range strings.Split(q.Get("status"), ",") {
		st = strings.TrimSpace(st)
		switch {
		case st == "":
		case st == "all":
			f.Statuses = append([]domain.Status(nil), domain.Statuses...)
		case st == "open":
			f.Statuses = append(f.Statuses, domain.OpenStatuses...)
		case domain.Status(st).Valid():
			f.Statuses = append(f.Statuses, domain.Status(st))
		default:
			bad["status"] = "invalid"
		}
	}
	if f.Kind != "" && !f.Kind.Valid() {
		bad["kind"] = "invalid"
	}
	if f.Channel != "" && !f.Channel.Valid() {
		bad["channel"] = "invalid"
	}
	switch a := q.Get("assignee"); a {
	case "":
	case "me":
		f.AssigneeID = &sc.UserID
	default:
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			bad["assignee"] = "invalid"
		} else {
			f.AssigneeID = &id
		}
	}
	switch o := q.Get("overdue"); o {
	case "", "false", "0":
	case "true", "1":
		f.Overdue = true
	default:
		bad["overdue"] = "invalid"
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 100 {
			bad["limit"] = "invalid"
		}
		f.Limit = n
	}
	if len([]rune(f.Query)) > 200 {
		bad["q"] = "too_long"
	}
	if cur := q.Get("cursor"); cur != "" {
		c, err := decodeCursor(cur)
		if err != nil {
			bad["cursor"] = "invalid"
		}
		f.After = c
	}
	if len(bad) > 0 {
		return f, domain.Invalid("Bộ lọc không hợp lệ.", "Invalid filter.", bad)
	}
	return f, nil
}

// listTickets handles GET /api/v1/tickets: the caller's queue in due order.
func (s *Server) listTickets(c *gin.Context) {
	sc := scopeOf(c)
	f, err := ticketFilter(c, sc)
	if err != nil {
		writeError(c, err)
		return
	}
	items, next, err := s.store.ListTickets(c.Request.Context(), sc, f)
	if err != nil {
		writeError(c, err)
		return
	}
	s.writeItems(c, items, true, next)
}

// ticketParam reads the path's ticket id, answering 404 for a malformed one
// (ok false: the answer is written).
func ticketParam(c *gin.Context) (int64, bool) { return rowParam(c, "phản ánh", "ticket") }

// pathID reads the path's :id, a positive number; anything else is no row.
func pathID(c *gin.Context) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	return id, err == nil && id > 0
}

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
	d, err := s.store.TicketDetail(c.Request.Context(), scopeOf(c), id)
	if err != nil {
		writeError(c, err)
		return
	}
	s.writeTicket(c, d)
}

// writeTicket answers with the staff view of a ticket and its timeline.
func (s *Server) writeTicket(c *gin.Context, d domain.TicketDetail) {
	events := make([]eventOut, len(d.Events))
	for i, e := range d.Events {
		events[i] = eventOut{ID: e.ID, Type: string(e.Type), Body: e.Body, Public: e.Public, Data: e.Data,
			CreatedAt: e.CreatedAt.In(s.cfg.Location)}
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
		"unit":     namedRef{Code: d.UnitCode, Name: d.UnitName},
		"category": ref(d.CategoryCode, d.CategoryName), "department": ref(d.DepartmentCode, d.DepartmentName),
		"assignee": nil, "citizen": citizen, "identity_hidden": d.IdentityHidden,
		"location":   gin.H{"address": d.Location.Address, "village": d.Location.Village, "lat": d.Location.Lat, "lng": d.Location.Lng},
		"created_at": d.CreatedAt.In(s.cfg.Location), "due_at": s.local(d.DueAt),
		"first_response_at": s.local(d.FirstResponseAt), "resolved_at": s.local(d.ResolvedAt),
		"closed_at": s.local(d.ClosedAt), "extensions": d.Extensions, "rating": d.Rating,
		"rating_comment": d.RatingComment, "merged_into": nilIfEmpty(d.MergedIntoCode),
		"overdue": d.Overdue(s.cfg.Now()), "next_statuses": next, "events": events,
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
	if err := decodeJSON(c, &req); err != nil {
		writeError(c, err)
		return
	}
	u := domain.TicketUpdate{Category: req.Category, Department: req.Department, AssigneeID: req.Assignee,
		Priority: req.Priority, Kind: req.Kind, Reason: domain.NormalizeText(req.Reason)}
	if err := s.store.UpdateTicket(c.Request.Context(), scopeOf(c), id, u); err != nil {
		writeError(c, err)
		return
	}
	s.respondTicket(c, id)
}

// respondTicket answers a change with the ticket as it now is; after a
// transfer out of the caller's scope, only with where it went.
func (s *Server) respondTicket(c *gin.Context, id int64) {
	d, err := s.store.TicketDetail(c.Request.Context(), scopeOf(c), id)
	switch {
	case domain.IsNotFound(err):
		c.JSON(http.StatusOK, gin.H{"id": id, "out_of_scope": true})
	case err != nil:
		writeError(c, err)
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
	}
	if err := decodeJSON(c, &req); err != nil {
		writeError(c, err)
		return
	}
	if !req.Status.Valid() {
		writeError(c, domain.Invalid("Trạng thái không hợp lệ.", "Unknown status.", map[string]string{"status": "invalid"}))
		return
	}
	if _, err := s.store.ChangeStatus(c.Request.Context(), scopeOf(c), id, req.Status, domain.NormalizeText(req.Note)); err != nil {
		writeError(c, err)
		return
	}
	s.respondTicket(c, id)
}

// readBodyText reads {"body": "..."} and validates it.
func readBodyText(c *gin.Context) (string, error) {
	var req struct {
		Body string `json:"body"`
	}
	if err := decodeJSON(c, &req); err != nil {
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
		writeError(c, err)
		return
	}
	res, err := s.store.AddReply(c.Request.Context(), scopeOf(c), id, body)
	if err != nil {
		writeError(c, err)
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
		writeError(c, err)
		return
	}
	if err := s.store.AddNote(c.Request.Context(), scopeOf(c), id, body); err != nil {
		writeError(c, err)
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
	if err := decodeJSON(c, &req); err != nil {
		writeError(c, err)
		return
	}
	reason := domain.NormalizeText(req.Reason)
	if reason == "" {
		writeError(c, domain.Invalid("Hãy ghi lý do gia hạn.", "Give a reason for the extension.", map[string]string{"reason": "required"}))
		return
	}
	due, err := s.store.Extend(c.Request.Context(), scopeOf(c), id, req.Days, reason)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"due_at": due.In(s.cfg.Location)})
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
	if err := decodeJSON(c, &req); err != nil {
		writeError(c, err)
		return
	}
	code, err := domain.ParseTrackingCode(req.Into)
	if err != nil {
		writeError(c, domain.Invalid("Mã phản ánh để gộp không hợp lệ.", "Invalid tracking code to merge into.", map[string]string{"into": "invalid"}))
		return
	}
	into, err := s.store.Merge(c.Request.Context(), scopeOf(c), id, code)
	if err != nil {
		writeError(c, err)
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
	items, err := s.store.SimilarTickets(c.Request.Context(), scopeOf(c), id)
	if err != nil {
		writeError(c, err)
		return
	}
	s.writeItems(c, items, false, nil)
}

// staffIntake handles POST /api/v1/tickets: feedback taken by staff on the
// hotline, at the reception desk or by e-mail, in the staff member's unit
// (or, for admins and leaders, a unit of their scope).
func (s *Server) staffIntake(c *gin.Context) {
	sc := scopeOf(c)
	var req feedbackRequest
	if err := decodeJSON(c, &req); err != nil {
		writeError(c, err)
		return
	}
	in := req.input()
	switch in.Channel {
	case domain.ChannelHotline, domain.ChannelWalkIn, domain.ChannelEmail:
	case "":
		in.Channel = domain.ChannelHotline
	default:
		writeError(c, domain.Invalid("Kênh tiếp nhận phải là đường dây nóng, trực tiếp hoặc e-mail.",
			"The channel must be hotline, walk_in or email.", map[string]string{"channel": "invalid"}))
		return
	}
	ctx := c.Request.Context()
	own, err := s.store.Catalog(ctx, sc.UnitID)
	if err != nil {
		writeError(c, err)
		return
	}
	if in.Unit == "" || in.Unit == own.Unit.Code {
		in.Unit = own.Unit.Code
	} else if !sc.Role.UnitWide() {
		writeError(c, domain.Forbidden())
		return
	} else if ok, err := s.store.InScopeUnit(ctx, sc, in.Unit); err != nil || !ok {
		if err == nil {
			err = domain.Forbidden()
		}
		writeError(c, err)
		return
	}
	nt := domain.NewTicket{Channel: in.Channel, ActorID: &sc.UserID}
	if in.Channel == domain.ChannelWalkIn {
		day := s.cfg.Now().In(s.cfg.Location)
		day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
		nt.ReceptionDay = &day
	}
	created, err := s.intake(c, in, nt)
	if err != nil {
		writeError(c, err)
		return
	}
	countCreated(c, in.Channel)
	out := s.createdBody(created)
	c.JSON(http.StatusCreated, gin.H{"id": created.ID, "tracking_code": out.TrackingCode, "status": out.Status,
		"kind": out.Kind, "category": out.Category, "department": out.Department, "due_at": out.DueAt, "url": out.URL})
}
