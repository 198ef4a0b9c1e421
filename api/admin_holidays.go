package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/internal/httpx"
)

type adminHolidayOut struct {
	ID   int64   `json:"id"`
	Unit *string `json:"unit"` // null: the national calendar
	Date string  `json:"date"`
	Off  bool    `json:"off"` // false: a make-up working day
	Name string  `json:"name"`
}

func adminHoliday(h domain.HolidayRecord) adminHolidayOut {
	return adminHolidayOut{ID: h.ID, Unit: httpx.OptCode(h.Unit), Date: h.Date, Off: h.Off, Name: h.Name}
}

// adminListHolidays handles GET /api/v1/holidays?unit=U&year=Y: the
// national calendar and the unit's own days of the year (this year by
// default; year=all for every year).
func (s *Server) adminListHolidays(c *gin.Context) {
	year := s.Cfg.Now().In(s.Cfg.Location).Year()
	switch y := c.Query("year"); y {
	case "":
	case "all":
		year = 0
	default:
		n, err := strconv.Atoi(y)
		if err != nil || n < 1900 || n > 2200 {
			httpx.WriteError(c, domain.Invalid("Năm không hợp lệ.", "Invalid year.", map[string]string{"year": domain.FieldInvalid}))
			return
		}
		year = n
	}
	hs, err := s.Store.AdminListHolidays(c.Request.Context(), httpx.ScopeOf(c), unitQuery(c), year)
	respondItems(c, hs, err, adminHoliday)
}

// adminCreateHoliday handles POST /api/v1/holidays {"unit","date","off",
// "name"}: a day off (off true, the default) or a make-up working day, for
// a unit of the scope or, with no unit, for the whole nation (only an admin
// whose unit is a province).
func (s *Server) adminCreateHoliday(c *gin.Context) {
	var req struct {
		Unit *string `json:"unit"`
		Date string  `json:"date"`
		Off  *bool   `json:"off"`
		Name string  `json:"name"`
	}
	unit, ok := newRowBody(c, &req, &req.Unit)
	if !ok {
		return
	}
	h, err := s.Store.AdminCreateHoliday(c.Request.Context(), httpx.ScopeOf(c), domain.HolidaySpec{Unit: unit,
		CalendarDay: domain.CalendarDay{Date: req.Date, Off: boolOr(req.Off, true), Name: req.Name}})
	respond(c, http.StatusCreated, adminHoliday(h), err)
}

// adminUpdateHoliday handles PATCH /api/v1/holidays/{id}: date, off, name.
func (s *Server) adminUpdateHoliday(c *gin.Context) {
	var req struct {
		Date *string `json:"date"`
		Off  *bool   `json:"off"`
		Name *string `json:"name"`
	}
	id, ok := rowBody(c, "ngày nghỉ", "calendar day", &req)
	if !ok {
		return
	}
	h, err := s.Store.AdminUpdateHoliday(c.Request.Context(), httpx.ScopeOf(c), id,
		domain.HolidayPatch{Date: req.Date, Off: req.Off, Name: req.Name})
	respond(c, http.StatusOK, adminHoliday(h), err)
}

// adminDeleteHoliday handles DELETE /api/v1/holidays/{id}.
func (s *Server) adminDeleteHoliday(c *gin.Context) {
	id, ok := rowParam(c, "ngày nghỉ", "calendar day")
	if !ok {
		return
	}
	err := s.Store.AdminDeleteHoliday(c.Request.Context(), httpx.ScopeOf(c), id)
	respondRemoval(c, id, domain.Removal{Deleted: true}, err)
}
