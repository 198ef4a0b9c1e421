package api

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/internal/httpx"
)

// adminKindRuleOut is a kind's legal clock with where its figures come
// from; unconfirmed lists the figures no national rule confirms (the admin
// screen marks them as a local choice). Every figure is configurable.
type adminKindRuleOut struct {
	Kind          domain.Kind       `json:"kind"`
	Accept        domain.Deadline   `json:"accept"`
	Settle        *domain.Deadline  `json:"settle"` // null: the category's deadline
	Extension     domain.Deadline   `json:"extension"`
	MaxExtensions int               `json:"max_extensions"`
	Sources       map[string]string `json:"sources"`
	Unconfirmed   []string          `json:"unconfirmed"`
	Configurable  bool              `json:"configurable"`
}

func adminKindRule(k domain.Kind, r domain.KindRule) adminKindRuleOut {
	note := domain.KindRuleNotes()[k]
	out := adminKindRuleOut{Kind: k, Accept: r.Accept, Extension: r.Extension, MaxExtensions: r.MaxExtensions,
		Sources: note.Sources, Unconfirmed: note.Unconfirmed, Configurable: true}
	if r.Settle.Amount > 0 {
		settle := r.Settle
		out.Settle = &settle
	}
	if out.Unconfirmed == nil {
		out.Unconfirmed = []string{}
	}
	return out
}

// adminListKindRules handles GET /api/v1/kind-rules: the legal clock of
// every kind, in display order.
func (s *Server) adminListKindRules(c *gin.Context) {
	rules, err := s.Store.AdminKindRules(c.Request.Context(), httpx.ScopeOf(c))
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	out := make([]adminKindRuleOut, 0, len(domain.Kinds))
	for _, k := range domain.Kinds {
		out = append(out, adminKindRule(k, rules[k]))
	}
	c.JSON(http.StatusOK, gin.H{"items": out, "note": domain.AmendmentNote})
}

// adminUpdateKindRule handles PATCH /api/v1/kind-rules/{kind} {"accept",
// "settle","extension","max_extensions"}: only an admin whose unit is a
// province (the clocks are national). settle null or {"amount":0} means
// "the category's deadline" (not for complaints and denunciations).
func (s *Server) adminUpdateKindRule(c *gin.Context) {
	kind := domain.Kind(c.Param("kind"))
	if !kind.Valid() {
		httpx.WriteError(c, domain.NotFound("loại phản ánh", "kind"))
		return
	}
	var req struct {
		Accept        *domain.Deadline `json:"accept"`
		Settle        json.RawMessage  `json:"settle"`
		Extension     *domain.Deadline `json:"extension"`
		MaxExtensions *int             `json:"max_extensions"`
	}
	if !readJSON(c, &req) {
		return
	}
	p := domain.KindRulePatch{Accept: req.Accept, Extension: req.Extension, MaxExtensions: req.MaxExtensions}
	switch raw := strings.TrimSpace(string(req.Settle)); raw {
	case "":
	case "null":
		p.Settle = &domain.Deadline{} // the category's deadline
	default:
		var d domain.Deadline
		if err := httpx.UnmarshalStrict([]byte(raw), &d); err != nil {
			httpx.WriteError(c, domain.Invalid("Thời hạn giải quyết không hợp lệ.", "Invalid settle deadline.",
				map[string]string{"settle": domain.FieldInvalid}))
			return
		}
		p.Settle = &d
	}
	r, err := s.Store.AdminUpdateKindRule(c.Request.Context(), httpx.ScopeOf(c), kind, p)
	respond(c, http.StatusOK, adminKindRule(kind, r), err)
}
