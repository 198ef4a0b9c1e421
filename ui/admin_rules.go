package api

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/web"
)

// routeTestIn is what "test this text" asks: the text and, optionally, its
// kind, channel and category; Unit "" is the admin's own unit.
type routeTestIn struct {
	Unit     string
	Text     string
	Kind     domain.Kind
	Channel  domain.Channel
	Category string
}

// routeTest returns where the unit's routing table (the one intake uses)
// would send the text, and why — the logic of POST /api/v1/rules/test. It
// returns an invalid_input error naming the bad fields, or the store's.
func (s *Server) routeTest(ctx context.Context, sc domain.Scope, req routeTestIn) (routeTestOut, error) {
	text := domain.NormalizeText(req.Text)
	bad := map[string]string{}
	switch n := len([]rune(text)); {
	case n == 0:
		bad["text"] = domain.FieldRequired
	case n > domain.MaxBodyLen:
		bad["text"] = domain.FieldTooLong
	}
	if req.Kind == "" {
		req.Kind = domain.KindFeedback
	} else if !req.Kind.Valid() {
		bad["kind"] = domain.FieldInvalid
	}
	if req.Channel == "" {
		req.Channel = domain.ChannelWeb
	} else if !req.Channel.Valid() {
		bad["channel"] = domain.FieldInvalid
	}
	if len(bad) > 0 {
		return routeTestOut{}, domain.Invalid("Nội dung thử không hợp lệ.", "The test input is not valid.", bad)
	}
	cat, err := s.store.AdminCatalog(ctx, sc, req.Unit)
	if err != nil {
		return routeTestOut{}, err
	}
	in := domain.RouteInput{Kind: req.Kind, Channel: req.Channel, Text: text}
	if req.Category != "" {
		x, ok := cat.CategoryByCode(req.Category)
		if !ok {
			return routeTestOut{}, domain.Invalid("Không có lĩnh vực "+req.Category+".", "No category "+req.Category+".",
				map[string]string{"category": domain.FieldUnknown})
		}
		in.CategoryID = &x.ID
	}
	res := cat.Routing.Route(in)
	out := routeTestOut{Unit: cat.Unit.Code, Rule: res.RuleID, Reason: res.Reason, Keyword: optCode(res.Keyword)}
	if res.CategoryID != nil {
		if x, ok := cat.Category(*res.CategoryID); ok {
			out.Category = &namedRef{Code: x.Code, Name: x.Name}
		}
	}
	if res.DepartmentID != nil {
		if d, ok := cat.Department(*res.DepartmentID); ok {
			out.Department = &namedRef{Code: d.Code, Name: d.Name}
		}
	}
	return out, nil
}

// adminRuleTest handles POST /admin/rules/test: the rules page again with
// where the text would go (or the messages next to the test box's fields).
func (p *pages) adminRuleTest(c *gin.Context) {
	in := routeTestIn{Unit: c.Query("unit"), Text: c.PostForm("text"), Kind: domain.Kind(c.PostForm("kind")),
		Channel: domain.Channel(c.PostForm("channel")), Category: c.PostForm("category")}
	out, err := p.routeTest(c.Request.Context(), scopeOf(c), in)
	status := http.StatusOK
	var de *domain.Error
	if err != nil {
		de = toDomain(err)
		if de.Code != domain.EINVALID {
			p.pageError(c, err)
			return
		}
		status = http.StatusBadRequest
	}
	pg, ok := p.loadAdmin(c, "rules")
	if !ok {
		return
	}
	for k, v := range map[string]string{"text": in.Text, "kind": string(in.Kind), "channel": string(in.Channel),
		"category": in.Category} {
		pg.Values["test."+k] = v
	}
	if de != nil {
		fieldErrors(pg, de, "test.", []string{"text", "kind", "channel", "category"})
		p.render(c, status, "admin", pg)
		return
	}
	rt := &web.RouteTest{} // the router's Reason is its log's English, for the API; the page says it in words
	if out.Department != nil {
		rt.Department, rt.DepartmentCode = out.Department.Name, out.Department.Code
	}
	if out.Category != nil {
		rt.Category = out.Category.Name
	}
	if out.Rule != nil {
		rt.Rule = *out.Rule
	}
	if out.Keyword != nil {
		rt.Keyword = *out.Keyword
	}
	b := pg.Body.(web.AdminBody)
	b.Test = rt
	pg.Body = b
	p.render(c, status, "admin", pg)
}
