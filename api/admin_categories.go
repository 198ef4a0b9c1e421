package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/internal/httpx"
)

type adminCategoryOut struct {
	ID                int64                     `json:"id"`
	Unit              string                    `json:"unit"`
	Code              string                    `json:"code"`
	Name              string                    `json:"name"`
	Description       string                    `json:"description"`
	DefaultDepartment *string                   `json:"default_department"`
	Deadline          domain.Deadline           `json:"deadline"`
	Keywords          []string                  `json:"keywords"`
	Position          int                       `json:"position"`
	Active            bool                      `json:"active"`
	Attributes        []domain.ServiceAttribute `json:"attributes"`
}

func adminCategory(x domain.CategoryRecord) adminCategoryOut {
	return adminCategoryOut{ID: x.ID, Unit: x.Unit, Code: x.Code, Name: x.Name, Description: x.Description,
		DefaultDepartment: httpx.OptCode(x.DefaultDepartment), Deadline: x.Deadline, Keywords: x.Keywords,
		Position: x.Position, Active: x.Active, Attributes: x.Attributes}
}

// attributeIn is an extra field of a category as an admin writes it
// (Open311 service attribute); variable defaults to true, order to its
// place in the list.
type attributeIn struct {
	Code                string                  `json:"code"`
	Datatype            string                  `json:"datatype"`
	Required            bool                    `json:"required"`
	Description         string                  `json:"description"`
	DatatypeDescription string                  `json:"datatype_description"`
	Variable            *bool                   `json:"variable"`
	Order               int                     `json:"order"`
	Values              []domain.AttributeValue `json:"values"`
}

func attributes(in *[]attributeIn) *[]domain.ServiceAttribute {
	if in == nil {
		return nil
	}
	out := make([]domain.ServiceAttribute, len(*in))
	for i, a := range *in {
		out[i] = domain.ServiceAttribute{Variable: boolOr(a.Variable, true), Code: a.Code, Datatype: a.Datatype,
			Required: a.Required, DatatypeDescription: a.DatatypeDescription, Order: a.Order,
			Description: a.Description, Values: a.Values}
	}
	return &out
}

type deadlineIn struct {
	Amount *int                 `json:"amount"`
	Unit   *domain.DeadlineUnit `json:"unit"`
}

// categoryIn is the body of a category's POST and PATCH.
type categoryIn struct {
	Unit              *string        `json:"unit"`
	Code              *string        `json:"code"`
	Name              *string        `json:"name"`
	Description       *string        `json:"description"`
	DefaultDepartment *string        `json:"default_department"`
	Deadline          *deadlineIn    `json:"deadline"`
	Keywords          *[]string      `json:"keywords"`
	Position          *int           `json:"position"`
	Active            *bool          `json:"active"`
	Attributes        *[]attributeIn `json:"attributes"`
}

func (in categoryIn) patch() domain.CategoryPatch {
	p := domain.CategoryPatch{Name: in.Name, Description: in.Description, DefaultDepartment: in.DefaultDepartment,
		Keywords: in.Keywords, Position: in.Position, Active: in.Active, Attributes: attributes(in.Attributes)}
	if in.Deadline != nil {
		p.DeadlineAmount, p.DeadlineUnit = in.Deadline.Amount, in.Deadline.Unit
	}
	return p
}

// adminListCategories handles GET /api/v1/categories?unit=U.
func (s *Server) adminListCategories(c *gin.Context) {
	xs, err := s.Store.AdminListCategories(c.Request.Context(), httpx.ScopeOf(c), unitQuery(c))
	respondItems(c, xs, err, adminCategory)
}

// adminGetCategory handles GET /api/v1/categories/{id}.
func (s *Server) adminGetCategory(c *gin.Context) {
	id, ok := rowParam(c, "lĩnh vực", "category")
	if !ok {
		return
	}
	x, err := s.Store.AdminCategory(c.Request.Context(), httpx.ScopeOf(c), id)
	respond(c, http.StatusOK, adminCategory(x), err)
}

// adminCreateCategory handles POST /api/v1/categories?unit=U. Without a
// position the category goes last; without a deadline it gets the seed
// default (10 working days).
func (s *Server) adminCreateCategory(c *gin.Context) {
	var req categoryIn
	unit, ok := newRowBody(c, &req, &req.Unit)
	if !ok {
		return
	}
	spec := req.patch().Apply(domain.CategorySpec{Code: strOr(req.Code), Position: -1, Active: true})
	x, err := s.Store.AdminCreateCategory(c.Request.Context(), httpx.ScopeOf(c), unit, spec)
	respond(c, http.StatusCreated, adminCategory(x), err)
}

// adminUpdateCategory handles PATCH /api/v1/categories/{id}; an empty
// default_department removes it (the triage department then receives).
func (s *Server) adminUpdateCategory(c *gin.Context) {
	var req categoryIn
	id, ok := rowBody(c, "lĩnh vực", "category", &req)
	if !ok {
		return
	}
	if req.Unit != nil || req.Code != nil {
		field := "code"
		if req.Unit != nil {
			field = "unit"
		}
		httpx.WriteError(c, domain.Invalid("Không đổi được mã hay đơn vị của lĩnh vực.", "A category's code and unit cannot change.",
			map[string]string{field: domain.FieldInvalid}))
		return
	}
	x, err := s.Store.AdminUpdateCategory(c.Request.Context(), httpx.ScopeOf(c), id, req.patch())
	respond(c, http.StatusOK, adminCategory(x), err)
}

// adminDeleteCategory handles DELETE /api/v1/categories/{id}: deactivated
// when tickets use it, else deleted; 409 while a rule refers to it.
func (s *Server) adminDeleteCategory(c *gin.Context) {
	id, ok := rowParam(c, "lĩnh vực", "category")
	if !ok {
		return
	}
	r, err := s.Store.AdminDeleteCategory(c.Request.Context(), httpx.ScopeOf(c), id)
	respondRemoval(c, id, r, err)
}
