package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/internal/httpx"
)

type adminRuleOut struct {
	ID          int64    `json:"id"`
	Unit        string   `json:"unit"`
	Position    int      `json:"position"`
	Category    *string  `json:"category"`
	Kind        *string  `json:"kind"`
	Channel     *string  `json:"channel"`
	Keywords    []string `json:"keywords"`
	SetCategory *string  `json:"set_category"`
	Department  *string  `json:"department"`
	Active      bool     `json:"active"`
}

func adminRule(r domain.RuleRecord) adminRuleOut {
	return adminRuleOut{ID: r.ID, Unit: r.Unit, Position: r.Position, Category: httpx.OptCode(r.Category),
		Kind: httpx.OptCode(string(r.Kind)), Channel: httpx.OptCode(string(r.Channel)), Keywords: r.Keywords,
		SetCategory: httpx.OptCode(r.SetCategory), Department: httpx.OptCode(r.Department), Active: r.Active}
}

// ruleIn is the body of a rule's POST and PATCH; an empty string removes a
// condition or a target.
type ruleIn struct {
	Unit        *string         `json:"unit"`
	Position    *int            `json:"position"`
	Category    *string         `json:"category"`
	Kind        *domain.Kind    `json:"kind"`
	Channel     *domain.Channel `json:"channel"`
	Keywords    *[]string       `json:"keywords"`
	SetCategory *string         `json:"set_category"`
	Department  *string         `json:"department"`
	Active      *bool           `json:"active"`
}

func (in ruleIn) patch() domain.RulePatch {
	return domain.RulePatch{Position: in.Position, Category: in.Category, Kind: in.Kind, Channel: in.Channel,
		Keywords: in.Keywords, SetCategory: in.SetCategory, Department: in.Department, Active: in.Active}
}

// adminListRules handles GET /api/v1/rules?unit=U: the rules in the order
// they are tried.
func (s *Server) adminListRules(c *gin.Context) {
	rs, err := s.Store.AdminListRules(c.Request.Context(), httpx.ScopeOf(c), unitQuery(c))
	respondItems(c, rs, err, adminRule)
}

// adminGetRule handles GET /api/v1/rules/{id}.
func (s *Server) adminGetRule(c *gin.Context) {
	id, ok := rowParam(c, "quy tắc", "rule")
	if !ok {
		return
	}
	r, err := s.Store.AdminRule(c.Request.Context(), httpx.ScopeOf(c), id)
	respond(c, http.StatusOK, adminRule(r), err)
}

// adminCreateRule handles POST /api/v1/rules?unit=U. position is the index
// in the unit's order (0 first); without it the rule goes last.
func (s *Server) adminCreateRule(c *gin.Context) {
	var req ruleIn
	unit, ok := newRowBody(c, &req, &req.Unit)
	if !ok {
		return
	}
	spec := req.patch().Apply(domain.RuleSpec{Position: -1, Active: true})
	r, err := s.Store.AdminCreateRule(c.Request.Context(), httpx.ScopeOf(c), unit, spec)
	respond(c, http.StatusCreated, adminRule(r), err)
}

// adminUpdateRule handles PATCH /api/v1/rules/{id}; a position moves the
// rule to that index of the unit's order.
func (s *Server) adminUpdateRule(c *gin.Context) {
	var req ruleIn
	id, ok := rowBody(c, "quy tắc", "rule", &req)
	if !ok {
		return
	}
	if req.Unit != nil {
		httpx.WriteError(c, domain.Invalid("Không đổi được đơn vị của quy tắc.", "A rule's unit cannot change.",
			map[string]string{"unit": domain.FieldInvalid}))
		return
	}
	r, err := s.Store.AdminUpdateRule(c.Request.Context(), httpx.ScopeOf(c), id, req.patch())
	respond(c, http.StatusOK, adminRule(r), err)
}

// adminDeleteRule handles DELETE /api/v1/rules/{id}.
func (s *Server) adminDeleteRule(c *gin.Context) {
	id, ok := rowParam(c, "quy tắc", "rule")
	if !ok {
		return
	}
	err := s.Store.AdminDeleteRule(c.Request.Context(), httpx.ScopeOf(c), id)
	respondRemoval(c, id, domain.Removal{Deleted: true}, err)
}

// adminTestRules handles POST /api/v1/rules/test {"unit","text","kind",
// "channel","category"}: where the unit's routing table (the one intake
// uses) would send the text, and why.
func (s *Server) adminTestRules(c *gin.Context) {
	var req struct {
		Unit     string         `json:"unit"`
		Text     string         `json:"text"`
		Kind     domain.Kind    `json:"kind"`
		Channel  domain.Channel `json:"channel"`
		Category string         `json:"category"`
	}
	if !readJSON(c, &req) {
		return
	}
	out, err := s.RouteTest(c.Request.Context(), httpx.ScopeOf(c), httpx.RouteTestIn{Unit: req.Unit, Text: req.Text,
		Kind: req.Kind, Channel: req.Channel, Category: req.Category})
	respond(c, http.StatusOK, out, err)
}
