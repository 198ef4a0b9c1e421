package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/internal/httpx"
)

// feedbackRequest is the JSON body of POST /api/v1/feedback (API.md).
type feedbackRequest struct {
	Unit     string `json:"unit"`
	Kind     string `json:"kind"`
	Category string `json:"category"`
	Title    string `json:"title"`
	Body     string `json:"body"`
	Citizen  *struct {
		Name  string `json:"name"`
		Phone string `json:"phone"`
		Email string `json:"email"`
	} `json:"citizen"`
	Location *struct {
		Address string   `json:"address"`
		Village string   `json:"village"`
		Lat     *float64 `json:"lat"`
		Lng     *float64 `json:"lng"`
	} `json:"location"`
	Public  bool   `json:"public"`
	Channel string `json:"channel"` // staff intake only
}

func (r feedbackRequest) input() domain.FeedbackInput {
	in := domain.FeedbackInput{Unit: r.Unit, Kind: r.Kind, Category: r.Category, Title: r.Title, Body: r.Body,
		Public: r.Public, Channel: domain.Channel(r.Channel)}
	if r.Citizen != nil {
		in.Citizen = domain.Citizen{Name: r.Citizen.Name, Phone: r.Citizen.Phone, Email: r.Citizen.Email}
	}
	if r.Location != nil {
		in.Location = domain.Location{Address: r.Location.Address, Village: r.Location.Village,
			Lat: r.Location.Lat, Lng: r.Location.Lng}
	}
	return in
}

// decodeFeedback reads a feedback from a JSON body or a form post.
func decodeFeedback(c *gin.Context) (domain.FeedbackInput, error) {
	if httpx.IsForm(c.Request) {
		return httpx.FeedbackFromForm(c)
	}
	var req feedbackRequest
	if err := httpx.DecodeJSON(c, &req); err != nil {
		return domain.FeedbackInput{}, err
	}
	return req.input(), nil
}

// createdResponse is the 201 answer of intake.
type createdResponse struct {
	TrackingCode string        `json:"tracking_code"`
	Status       domain.Status `json:"status"`
	Kind         domain.Kind   `json:"kind"`
	Category     *string       `json:"category"`
	Department   *deptRef      `json:"department"`
	DueAt        time.Time     `json:"due_at"`
	URL          string        `json:"url"`
}

type deptRef struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

func deptRefOf(d *domain.Department) *deptRef {
	if d == nil {
		return nil
	}
	return &deptRef{Code: d.Code, Name: d.Name}
}

// submitFeedback handles POST /api/v1/feedback: decode, validate, route,
// store; a 201 means the ticket and its first events are committed.
func (s *Server) submitFeedback(c *gin.Context) {
	if !s.Allow(c, s.IntakeLimit) {
		return
	}
	in, err := decodeFeedback(c)
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	in.Channel = domain.ChannelWeb
	created, err := s.Intake(c, in, domain.NewTicket{Channel: domain.ChannelWeb})
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	httpx.CountCreated(c, domain.ChannelWeb)
	c.JSON(http.StatusCreated, s.createdBody(created))
}

func (s *Server) createdBody(cr domain.Created) createdResponse {
	r := createdResponse{TrackingCode: cr.TrackingCode, Status: cr.Status, Kind: cr.Kind,
		Department: deptRefOf(cr.Department), DueAt: cr.DueAt.In(s.Cfg.Location),
		URL: s.Cfg.PublicURL + "/track/" + cr.TrackingCode}
	if cr.Category != nil {
		r.Category = &cr.Category.Code
	}
	return r
}

// citizenTicket is the citizen's view (API.md): no personal data, no notes.
type citizenTicket struct {
	TrackingCode string         `json:"tracking_code"`
	Status       domain.Status  `json:"status"`
	Kind         domain.Kind    `json:"kind"`
	Category     *string        `json:"category"`
	Department   *deptRef       `json:"department"`
	CreatedAt    time.Time      `json:"created_at"`
	DueAt        *time.Time     `json:"due_at"`
	ResolvedAt   *time.Time     `json:"resolved_at"`
	Replies      []domain.Reply `json:"replies"`
	CanRate      bool           `json:"can_rate"`
	Rating       *int           `json:"rating"`
	// Restricted: a denouncer's ticket; kind, category, department and
	// dates other than created_at are withheld (empty or null).
	Restricted bool `json:"restricted"`
}

// trackingCode parses the path's code; a malformed one is simply not found.
func trackingCode(c *gin.Context) (string, error) {
	code, err := domain.ParseTrackingCode(c.Param("code"))
	if err != nil {
		return "", domain.NotFound("phản ánh với mã này", "ticket with this tracking code")
	}
	return code, nil
}

// getFeedback handles GET /api/v1/feedback/{tracking_code}.
func (s *Server) getFeedback(c *gin.Context) {
	if !s.Allow(c, s.LookupLimit) {
		return
	}
	code, err := trackingCode(c)
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	p, err := s.Store.TicketForCitizen(c.Request.Context(), code)
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	out := citizenTicket{TrackingCode: p.TrackingCode, Status: p.Status, Kind: p.Kind, Department: deptRefOf(p.Department),
		CreatedAt: p.CreatedAt.In(s.Cfg.Location), DueAt: s.local(p.DueAt), ResolvedAt: s.local(p.ResolvedAt),
		Replies: make([]domain.Reply, len(p.Replies)), CanRate: p.CanRate(), Rating: p.Rating,
		Restricted: p.Restricted}
	if p.CategoryCode != "" {
		out.Category = &p.CategoryCode
	}
	for i, r := range p.Replies {
		out.Replies[i] = domain.Reply{Body: r.Body, CreatedAt: r.CreatedAt.In(s.Cfg.Location)}
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) local(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	l := t.In(s.Cfg.Location)
	return &l
}

// postCitizenMessage handles POST /api/v1/feedback/{tracking_code}/messages.
func (s *Server) postCitizenMessage(c *gin.Context) {
	if !s.Allow(c, s.LookupLimit) {
		return
	}
	code, err := trackingCode(c)
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	var req struct {
		Body string `json:"body"`
	}
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.WriteError(c, err)
		return
	}
	body, err := domain.ValidateMessage(req.Body)
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	if err := s.Store.AddCitizenMessage(c.Request.Context(), code, body); err != nil {
		httpx.WriteError(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"tracking_code": code, "status": "received"})
}

// postRating handles POST /api/v1/feedback/{tracking_code}/rating.
func (s *Server) postRating(c *gin.Context) {
	if !s.Allow(c, s.LookupLimit) {
		return
	}
	code, err := trackingCode(c)
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	var req struct {
		Score   int    `json:"score"`
		Comment string `json:"comment"`
	}
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.WriteError(c, err)
		return
	}
	comment, err := domain.ValidateRating(req.Score, req.Comment)
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	if err := s.Store.RateTicket(c.Request.Context(), code, req.Score, comment); err != nil {
		httpx.WriteError(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"tracking_code": code, "score": req.Score})
}
