package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/internal/httpx"
)

type adminDepartmentOut struct {
	ID          int64  `json:"id"`
	Unit        string `json:"unit"`
	Code        string `json:"code"`
	Name        string `json:"name"`
	Triage      bool   `json:"triage"`
	Active      bool   `json:"active"`
	OpenTickets int    `json:"open_tickets"`
}

func adminDepartment(d domain.DepartmentRecord) adminDepartmentOut {
	return adminDepartmentOut{ID: d.ID, Unit: d.Unit, Code: d.Code, Name: d.Name, Triage: d.Triage, Active: d.Active,
		OpenTickets: d.OpenTickets}
}

// adminListDepartments handles GET /api/v1/departments?unit=U.
func (s *Server) adminListDepartments(c *gin.Context) {
	ds, err := s.Store.AdminListDepartments(c.Request.Context(), httpx.ScopeOf(c), unitQuery(c))
	respondItems(c, ds, err, adminDepartment)
}

// adminGetDepartment handles GET /api/v1/departments/{id}.
func (s *Server) adminGetDepartment(c *gin.Context) {
	id, ok := rowParam(c, "phòng ban", "department")
	if !ok {
		return
	}
	d, err := s.Store.AdminDepartment(c.Request.Context(), httpx.ScopeOf(c), id)
	respond(c, http.StatusOK, adminDepartment(d), err)
}

// adminCreateDepartment handles POST /api/v1/departments?unit=U.
func (s *Server) adminCreateDepartment(c *gin.Context) {
	var req struct {
		Unit   *string `json:"unit"`
		Code   string  `json:"code"`
		Name   string  `json:"name"`
		Triage bool    `json:"triage"`
		Active *bool   `json:"active"`
	}
	unit, ok := newRowBody(c, &req, &req.Unit)
	if !ok {
		return
	}
	d, err := s.Store.AdminCreateDepartment(c.Request.Context(), httpx.ScopeOf(c), unit,
		domain.DepartmentSpec{Code: req.Code, Name: req.Name, Triage: req.Triage, Active: boolOr(req.Active, true)})
	respond(c, http.StatusCreated, adminDepartment(d), err)
}

// adminUpdateDepartment handles PATCH /api/v1/departments/{id}: name,
// triage, active. A department with open tickets may be deactivated.
func (s *Server) adminUpdateDepartment(c *gin.Context) {
	var req struct {
		Name   *string `json:"name"`
		Triage *bool   `json:"triage"`
		Active *bool   `json:"active"`
	}
	id, ok := rowBody(c, "phòng ban", "department", &req)
	if !ok {
		return
	}
	d, err := s.Store.AdminUpdateDepartment(c.Request.Context(), httpx.ScopeOf(c), id,
		domain.DepartmentPatch{Name: req.Name, Triage: req.Triage, Active: req.Active})
	respond(c, http.StatusOK, adminDepartment(d), err)
}

// adminDeleteDepartment handles DELETE /api/v1/departments/{id}: 409 when
// it has open tickets, is the triage department, a category's default or a
// rule's target (deactivate it instead); deactivated when only history
// refers to it; else deleted.
func (s *Server) adminDeleteDepartment(c *gin.Context) {
	id, ok := rowParam(c, "phòng ban", "department")
	if !ok {
		return
	}
	r, err := s.Store.AdminDeleteDepartment(c.Request.Context(), httpx.ScopeOf(c), id)
	respondRemoval(c, id, r, err)
}
