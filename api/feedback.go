package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
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

// feedbackFromForm reads the web form's fields (names as in the JSON, with
// citizen.* and location.* flattened: name, phone, email, address, village, lat, lng).
func feedbackFromForm(c *gin.Context) (domain.FeedbackInput, error) {
	if err := parseForm(c.Request); err != nil {
		return domain.FeedbackInput{}, err
	}
	f := c.Request.PostForm
	in := domain.FeedbackInput{Unit: f.Get("unit"), Kind: f.Get("kind"), Category: f.Get("category"),
		Title: f.Get("title"), Body: f.Get("body"),
		Citizen:  domain.Citizen{Name: f.Get("name"), Phone: f.Get("phone"), Email: f.Get("email")},
		Location: domain.Location{Address: f.Get("address"), Village: f.Get("village")},
		Public:   f.Get("public") == "on" || f.Get("public") == "true" || f.Get("public") == "1",
	}
	bad := map[string]string{}
	for _, k := range []string{"lat", "lng"} {
		v := strings.TrimSpace(f.Get(k))
		if v == "" {
			continue
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			bad["location."+k] = "invalid"
			continue
		}
		if k == "lat" {
			in.Location.Lat = &x
		} else {
			in.Location.Lng = &x
		}
	}
	if len(bad) > 0 {
		return in, domain.Invalid("Tọa độ không hợp lệ.", "The coordinates are not valid.", bad)
	}
	return in, nil
}

// decodeFeedback reads a feedback from a JSON body or a form post.
func decodeFeedback(c *gin.Context) (domain.FeedbackInput, error) {
	if isForm(c.Request) {
		return feedbackFromForm(c)
	}
	var req feedbackRequest
	if err := decodeJSON(c, &req); err != nil {
		return domain.FeedbackInput{}, err
	}
	return req.input(), nil
}

// unitFor returns the catalog of the feedback's unit: the one named, or the
// server's only unit when none is named.
func (s *Server) unitFor(c *gin.Context, code string) (*domain.Catalog, error) {
	if code == "" {
		u, err := s.store.SingleUnit(c.Request.Context())
		if err != nil {
			return nil, err
		}
		code = u.Code
	}
	cat, err := s.store.CatalogByCode(c.Request.Context(), strings.ToLower(strings.TrimSpace(code)))
	if domain.IsNotFound(err) {
		return nil, domain.Invalid("Không có xã, phường này.", "No such commune or ward.", map[string]string{"unit": "unknown"})
	}
	return cat, err
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
	if !s.allow(c, s.intakeLimit) {
		return
	}
	in, err := decodeFeedback(c)
	if err != nil {
		writeError(c, err)
		return
	}
	in.Channel = domain.ChannelWeb
	created, err := s.intake(c, in, domain.NewTicket{Channel: domain.ChannelWeb})
	if err != nil {
		writeError(c, err)
		return
	}
	countCreated(c, domain.ChannelWeb)
	c.JSON(http.StatusCreated, s.createdBody(created))
}

// intake validates in against its unit's categories and stores the ticket.
func (s *Server) intake(c *gin.Context, in domain.FeedbackInput, nt domain.NewTicket) (domain.Created, error) {
	cat, err := s.unitFor(c, in.Unit)
	if err != nil {
		return domain.Created{}, err
	}
	valid, err := domain.ValidateFeedback(in, cat.ActiveCategories())
	if err != nil {
		return domain.Created{}, err
	}
	nt.Input = valid
	return s.store.CreateTicket(c.Request.Context(), cat.Unit.ID, nt)
}

func (s *Server) createdBody(cr domain.Created) createdResponse {
	r := createdResponse{TrackingCode: cr.TrackingCode, Status: cr.Status, Kind: cr.Kind,
		Department: deptRefOf(cr.Department), DueAt: cr.DueAt.In(s.cfg.Location),
		URL: s.cfg.PublicURL + "/track/" + cr.TrackingCode}
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
	if !s.allow(c, s.lookupLimit) {
		return
	}
	code, err := trackingCode(c)
	if err != nil {
		writeError(c, err)
		return
	}
	p, err := s.store.TicketForCitizen(c.Request.Context(), code)
	if err != nil {
		writeError(c, err)
		return
	}
	out := citizenTicket{TrackingCode: p.TrackingCode, Status: p.Status, Kind: p.Kind, Department: deptRefOf(p.Department),
		CreatedAt: p.CreatedAt.In(s.cfg.Location), DueAt: s.local(p.DueAt), ResolvedAt: s.local(p.ResolvedAt),
		Replies: make([]domain.Reply, len(p.Replies)), CanRate: p.CanRate(), Rating: p.Rating,
		Restricted: p.Restricted}
	if p.CategoryCode != "" {
		out.Category = &p.CategoryCode
	}
	for i, r := range p.Replies {
		out.Replies[i] = domain.Reply{Body: r.Body, CreatedAt: r.CreatedAt.In(s.cfg.Location)}
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) local(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	l := t.In(s.cfg.Location)
	return &l
}

// postCitizenMessage handles POST /api/v1/feedback/{tracking_code}/messages.
func (s *Server) postCitizenMessage(c *gin.Context) {
	if !s.allow(c, s.lookupLimit) {
		return
	}
	code, err := trackingCode(c)
	if err != nil {
		writeError(c, err)
		return
	}
	var req struct {
		Body string `json:"body"`
	}
	if err := decodeJSON(c, &req); err != nil {
		writeError(c, err)
		return
	}
	body, err := domain.ValidateMessage(req.Body)
	if err != nil {
		writeError(c, err)
		return
	}
	if err := s.store.AddCitizenMessage(c.Request.Context(), code, body); err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"tracking_code": code, "status": "received"})
}

// postRating handles POST /api/v1/feedback/{tracking_code}/rating.
func (s *Server) postRating(c *gin.Context) {
	if !s.allow(c, s.lookupLimit) {
		return
	}
	code, err := trackingCode(c)
	if err != nil {
		writeError(c, err)
		return
	}
	var req struct {
		Score   int    `json:"score"`
		Comment string `json:"comment"`
	}
	if err := decodeJSON(c, &req); err != nil {
		writeError(c, err)
		return
	}
	comment, err := domain.ValidateRating(req.Score, req.Comment)
	if err != nil {
		writeError(c, err)
		return
	}
	if err := s.store.RateTicket(c.Request.Context(), code, req.Score, comment); err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"tracking_code": code, "score": req.Score})
}

// parseForm parses a form-encoded or multipart body of at most MaxBodyBytes:
// 413 past the limit, 400 when it cannot be read. ParseMultipartForm alone
// would hide ParseForm's error behind http.ErrNotMultipart for a
// form-encoded body, and go on with an empty form.
func parseForm(r *http.Request) error {
	var err error
	if mediaType(r) == "multipart/form-data" {
		err = r.ParseMultipartForm(MaxBodyBytes)
	} else {
		err = r.ParseForm()
	}
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return errTooLarge
	case err != nil:
		return domain.Invalid("Không đọc được biểu mẫu.", "The form could not be read.", nil)
	}
	return nil
}
