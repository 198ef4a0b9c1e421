package ui

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/internal/httpx"
	"caunoi/web"
)

// adminRuleTest handles POST /admin/rules/test: the rules page again with
// where the text would go (or the messages next to the test box's fields).
func (p *pages) adminRuleTest(c *gin.Context) {
	in := httpx.RouteTestIn{Unit: c.Query("unit"), Text: c.PostForm("text"), Kind: domain.Kind(c.PostForm("kind")),
		Channel: domain.Channel(c.PostForm("channel")), Category: c.PostForm("category")}
	out, err := p.RouteTest(c.Request.Context(), httpx.ScopeOf(c), in)
	status := http.StatusOK
	var de *domain.Error
	if err != nil {
		de = httpx.ToDomain(err)
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
