package httpx

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
)

// FeedbackFromForm reads the web form's fields (names as in the JSON, with
// citizen.* and location.* flattened: name, phone, email, address, village, lat, lng).
func FeedbackFromForm(c *gin.Context) (domain.FeedbackInput, error) {
	if err := ParseForm(c.Request); err != nil {
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

// UnitFor returns the catalog of the feedback's unit: the one named, or the
// server's only unit when none is named.
func (s *Core) UnitFor(c *gin.Context, code string) (*domain.Catalog, error) {
	if code == "" {
		u, err := s.Store.SingleUnit(c.Request.Context())
		if err != nil {
			return nil, err
		}
		code = u.Code
	}
	cat, err := s.Store.CatalogByCode(c.Request.Context(), strings.ToLower(strings.TrimSpace(code)))
	if domain.IsNotFound(err) {
		return nil, domain.Invalid("Không có xã, phường này.", "No such commune or ward.", map[string]string{"unit": "unknown"})
	}
	return cat, err
}

// Intake validates in against its unit's categories and stores the ticket.
func (s *Core) Intake(c *gin.Context, in domain.FeedbackInput, nt domain.NewTicket) (domain.Created, error) {
	cat, err := s.UnitFor(c, in.Unit)
	if err != nil {
		return domain.Created{}, err
	}
	valid, err := domain.ValidateFeedback(in, cat.ActiveCategories())
	if err != nil {
		return domain.Created{}, err
	}
	nt.Input = valid
	return s.Store.CreateTicket(c.Request.Context(), cat.Unit.ID, nt)
}

// ParseForm parses a form-encoded or multipart body of at most MaxBodyBytes:
// 413 past the limit, 400 when it cannot be read. ParseMultipartForm alone
// would hide ParseForm's error behind http.ErrNotMultipart for a
// form-encoded body, and go on with an empty form.
func ParseForm(r *http.Request) error {
	var err error
	if MediaType(r) == "multipart/form-data" {
		err = r.ParseMultipartForm(MaxBodyBytes)
	} else {
		err = r.ParseForm()
	}
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return ErrTooLarge
	case err != nil:
		return domain.Invalid("Không đọc được biểu mẫu.", "The form could not be read.", nil)
	}
	return nil
}
