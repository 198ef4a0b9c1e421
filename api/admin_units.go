package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/internal/httpx"
)

type adminUnitOut struct {
	ID          int64               `json:"id"`
	Code        string              `json:"code"`
	Name        string              `json:"name"`
	Level       domain.UnitLevel    `json:"level"`
	Parent      *string             `json:"parent"`
	Active      bool                `json:"active"`
	WorkPeriods []domain.WorkPeriod `json:"work_periods"`
}

func adminUnit(u domain.UnitRecord) adminUnitOut {
	return adminUnitOut{ID: u.ID, Code: u.Code, Name: u.Name, Level: u.Level, Parent: httpx.OptCode(u.Parent),
		Active: u.Active, WorkPeriods: u.Periods}
}

// adminListUnits handles GET /api/v1/units/tree: the admin's unit and every
// unit below it, inactive ones included.
func (s *Server) adminListUnits(c *gin.Context) {
	units, err := s.Store.AdminListUnits(c.Request.Context(), httpx.ScopeOf(c))
	respondItems(c, units, err, adminUnit)
}

// adminCreateUnit handles POST /api/v1/units: a commune, ward or special
// zone under a province of the scope (the admin's own unit by default).
func (s *Server) adminCreateUnit(c *gin.Context) {
	var req struct {
		Code        string               `json:"code"`
		Name        string               `json:"name"`
		Level       domain.UnitLevel     `json:"level"`
		Parent      string               `json:"parent"`
		WorkPeriods *[]domain.WorkPeriod `json:"work_periods"`
		Active      *bool                `json:"active"`
	}
	if !readJSON(c, &req) {
		return
	}
	spec := domain.UnitSpec{Code: req.Code, Name: req.Name, Level: req.Level, Parent: req.Parent,
		Active: boolOr(req.Active, true)}
	if req.WorkPeriods != nil {
		spec.Periods = append([]domain.WorkPeriod{}, *req.WorkPeriods...)
	}
	u, err := s.Store.AdminCreateUnit(c.Request.Context(), httpx.ScopeOf(c), spec)
	respond(c, http.StatusCreated, adminUnit(u), err)
}

// adminUpdateUnit handles PATCH /api/v1/units/{id}: name, level, active,
// working periods.
func (s *Server) adminUpdateUnit(c *gin.Context) {
	var req struct {
		Name        *string              `json:"name"`
		Level       *domain.UnitLevel    `json:"level"`
		Active      *bool                `json:"active"`
		WorkPeriods *[]domain.WorkPeriod `json:"work_periods"`
	}
	id, ok := rowBody(c, "đơn vị", "unit", &req)
	if !ok {
		return
	}
	if req.WorkPeriods != nil && *req.WorkPeriods == nil {
		empty := []domain.WorkPeriod{}
		req.WorkPeriods = &empty // null is not "the default": ValidatePeriods refuses it
	}
	u, err := s.Store.AdminUpdateUnit(c.Request.Context(), httpx.ScopeOf(c), id,
		domain.UnitPatch{Name: req.Name, Level: req.Level, Active: req.Active, Periods: req.WorkPeriods})
	respond(c, http.StatusOK, adminUnit(u), err)
}

// adminDeleteUnit handles DELETE /api/v1/units/{id}: deleted, or
// deactivated when it has tickets, units below it or accounts.
func (s *Server) adminDeleteUnit(c *gin.Context) {
	id, ok := rowParam(c, "đơn vị", "unit")
	if !ok {
		return
	}
	r, err := s.Store.AdminDeleteUnit(c.Request.Context(), httpx.ScopeOf(c), id)
	respondRemoval(c, id, r, err)
}
