package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/internal/httpx"
)

// adminRoutes registers the administration API (units, departments,
// categories, rules, users, holidays, kind rules) on an admin-only group.
// GET /api/v1/units is the public list, so the admin's list of its subtree
// is GET /api/v1/units/tree.
func (s *Server) adminRoutes(g *gin.RouterGroup) {
	g.GET("/units/tree", s.adminListUnits)
	g.POST("/units", s.adminCreateUnit)
	g.PATCH("/units/:id", s.adminUpdateUnit)
	g.DELETE("/units/:id", s.adminDeleteUnit)

	g.GET("/departments", s.adminListDepartments)
	g.GET("/departments/:id", s.adminGetDepartment)
	g.POST("/departments", s.adminCreateDepartment)
	g.PATCH("/departments/:id", s.adminUpdateDepartment)
	g.DELETE("/departments/:id", s.adminDeleteDepartment)

	g.GET("/categories", s.adminListCategories)
	g.GET("/categories/:id", s.adminGetCategory)
	g.POST("/categories", s.adminCreateCategory)
	g.PATCH("/categories/:id", s.adminUpdateCategory)
	g.DELETE("/categories/:id", s.adminDeleteCategory)

	g.GET("/rules", s.adminListRules)
	g.GET("/rules/:id", s.adminGetRule)
	g.POST("/rules", s.adminCreateRule)
	g.POST("/rules/test", s.adminTestRules)
	g.PATCH("/rules/:id", s.adminUpdateRule)
	g.DELETE("/rules/:id", s.adminDeleteRule)

	g.GET("/users", s.adminListUsers)
	g.GET("/users/:id", s.adminGetUser)
	g.POST("/users", s.adminCreateUser)
	g.PATCH("/users/:id", s.adminUpdateUser)
	g.DELETE("/users/:id", s.adminDeleteUser)

	g.GET("/holidays", s.adminListHolidays)
	g.POST("/holidays", s.adminCreateHoliday)
	g.PATCH("/holidays/:id", s.adminUpdateHoliday)
	g.DELETE("/holidays/:id", s.adminDeleteHoliday)

	g.GET("/kind-rules", s.adminListKindRules)
	g.PATCH("/kind-rules/:kind", s.adminUpdateKindRule)
}

// The helpers below answer the request themselves when they fail and return
// ok false, so the handler only returns: each handler keeps to what is its
// own (the body it reads, the store call, how a row is shown).

// rowParam reads the path's row id; a malformed one is simply not found, a
// 404 that names the row ("Không tìm thấy "+vi, "No such "+en).
func rowParam(c *gin.Context, vi, en string) (int64, bool) {
	id, ok := httpx.PathID(c)
	if !ok {
		httpx.WriteError(c, domain.NotFound(vi, en))
	}
	return id, ok
}

// readJSON decodes the JSON body into dst (see DecodeJSON), answering the
// error when it cannot.
func readJSON(c *gin.Context, dst any) bool {
	if err := httpx.DecodeJSON(c, dst); err != nil {
		httpx.WriteError(c, err)
		return false
	}
	return true
}

// rowBody reads a PATCH's path id, then its JSON body into dst: a bad id is
// 404 whatever the body.
func rowBody(c *gin.Context, vi, en string, dst any) (int64, bool) {
	id, ok := rowParam(c, vi, en)
	return id, ok && readJSON(c, dst)
}

// newRowBody reads a POST's JSON body into dst, then the unit the new row
// goes to (see unitOf). unit points at dst's "unit" field, read once the
// body is decoded.
func newRowBody(c *gin.Context, dst any, unit **string) (string, bool) {
	if !readJSON(c, dst) {
		return "", false
	}
	u, err := unitOf(c, *unit)
	if err != nil {
		httpx.WriteError(c, err)
		return "", false
	}
	return u, true
}

// unitQuery returns the ?unit= of a unit-scoped collection ("" the admin's
// own unit).
func unitQuery(c *gin.Context) string { return c.Query("unit") }

// unitOf returns the unit a new row goes to: the body's, else ?unit=; the
// two must agree.
func unitOf(c *gin.Context, body *string) (string, error) {
	q := unitQuery(c)
	if body == nil || *body == "" {
		return q, nil
	}
	if q != "" && q != *body {
		return "", domain.Invalid("Đơn vị trong nội dung và trên địa chỉ khác nhau.",
			"The unit in the body and in the query differ.", map[string]string{"unit": domain.FieldInvalid})
	}
	return *body, nil
}

type removalOut struct {
	ID          int64 `json:"id"`
	Deleted     bool  `json:"deleted"`
	Deactivated bool  `json:"deactivated"`
}

// respondRemoval answers a DELETE: what was done to the row.
func respondRemoval(c *gin.Context, id int64, r domain.Removal, err error) {
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	c.JSON(http.StatusOK, removalOut{ID: id, Deleted: r.Deleted, Deactivated: r.Deactivated})
}

// respond answers with v, or the error.
func respond(c *gin.Context, status int, v any, err error) {
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	c.JSON(status, v)
}

// respondItems answers a list, {"items": [...]} with each row as show
// makes it, or the error.
func respondItems[R, O any](c *gin.Context, rows []R, err error, show func(R) O) {
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	out := make([]O, len(rows))
	for i, r := range rows {
		out[i] = show(r)
	}
	c.JSON(http.StatusOK, gin.H{"items": out})
}

// boolOr returns *p, or def when p is nil.
func boolOr(p *bool, def bool) bool {
	if p == nil {
		return def
	}
	return *p
}

// strOr returns *p, or "" when p is nil.
func strOr(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
