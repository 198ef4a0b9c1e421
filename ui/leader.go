package ui

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/internal/httpx"
	"caunoi/reports"
	"caunoi/web"
)

// leaderPages registers the leader's dashboard and report form: leaders and
// admins see their unit, heads their department; staff get the 403 page.
func (p *pages) leaderPages(g *gin.RouterGroup) {
	l := g.Group("/leader", p.bodyLimit(httpx.MaxBodyBytes), p.staffSession,
		p.pageRole(domain.RoleAdmin, domain.RoleLeader, domain.RoleHead))
	l.GET("", p.leaderDashboard)
	l.POST("/report", p.leaderReport)
}

// pageRole lets only the given roles through; others get the 403 page.
func (p *pages) pageRole(roles ...domain.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		r := httpx.ScopeOf(c).Role
		for _, x := range roles {
			if r == x {
				c.Next()
				return
			}
		}
		p.errorPage(c, http.StatusForbidden, web.T(lang(c), "admin.forbidden"))
	}
}

// leaderDashboard handles GET /leader.
func (p *pages) leaderDashboard(c *gin.Context) {
	pg, ok := p.loadDashboard(c)
	if !ok {
		return
	}
	p.render(c, http.StatusOK, "leader", pg)
}

// loadDashboard builds the dashboard for the caller: this month to today,
// the whole last month, the weekly chart over both, the overdue tickets and
// the archive. It answers the error page and returns false on failure.
func (p *pages) loadDashboard(c *gin.Context) (*web.Page, bool) {
	ctx, sc := c.Request.Context(), httpx.ScopeOf(c)
	loc := p.Cfg.Location
	n := p.Cfg.Now().In(loc)
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc)
	first := time.Date(n.Year(), n.Month(), 1, 0, 0, 0, 0, loc)
	lastFrom, lastTo := first.AddDate(0, -1, 0), first.AddDate(0, 0, -1)

	this, err := p.Store.ReportSummary(ctx, sc, domain.ReportRequest{From: first, To: today})
	if err != nil {
		p.pageError(c, err)
		return nil, false
	}
	last, err := p.Store.ReportSummary(ctx, sc, domain.ReportRequest{From: lastFrom, To: lastTo})
	if err != nil {
		p.pageError(c, err)
		return nil, false
	}
	both, err := p.Store.ReportSummary(ctx, sc, domain.ReportRequest{From: lastFrom, To: today})
	if err != nil {
		p.pageError(c, err)
		return nil, false
	}
	pg := p.page(c, "leader.title")
	body := web.LeaderBody{This: this, Last: last, Chart: web.WeeklyChart(pg.Lang, both.Weekly),
		Headers: []string{reports.HeaderUBND, reports.HeaderDangUy},
		DefFrom: lastFrom.Format("2006-01-02"), DefTo: lastTo.Format("2006-01-02")}
	if d := p.ScopeDepartment(c, sc); d != nil {
		body.Department = d.Name
	}
	overdue, _, err := p.Store.ListTickets(ctx, sc, domain.TicketFilter{Overdue: true, Limit: 50})
	if err != nil {
		p.pageError(c, err)
		return nil, false
	}
	body.Overdue = overdue
	body.ManyUnits = this.UnitLevel == domain.LevelProvince
	archive, _, err := p.Store.ListReports(ctx, sc, domain.ArchiveFilter{Limit: 24})
	if err != nil {
		p.pageError(c, err)
		return nil, false
	}
	body.Reports = archive
	pg.Body = body
	return pg, true
}

// leaderReport handles POST /leader/report: the summary PDF of any period
// with the leader's section IV, made as the API's summary.pdf makes it
// (ReportRequest, ReportSummary with the appendix, reports.WritePDF). An
// invalid field shows the dashboard again with the message next to it.
func (p *pages) leaderReport(c *gin.Context) {
	in := httpx.ReportParams{From: c.PostForm("from"), To: c.PostForm("to"), Header: c.PostForm("header"),
		SectionIV: c.PostForm("section4"), Number: strings.TrimSpace(c.PostForm("number")),
		SignerName: strings.TrimSpace(c.PostForm("signer_name")), Signer: c.PostForm("signer"),
		Recipients: httpx.Recipients(c.PostForm("recipients"))}
	pdf, name, err := p.SummaryPDF(c, in)
	if err != nil {
		p.leaderReportError(c, in, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Data(http.StatusOK, "application/pdf", pdf)
}

// leaderReportError shows the dashboard again with the report form's
// values and the messages next to its fields; other errors get their page.
func (p *pages) leaderReportError(c *gin.Context, in httpx.ReportParams, err error) {
	de := httpx.ToDomain(err)
	if de.Code != domain.EINVALID || len(de.Fields) == 0 {
		p.pageError(c, err)
		return
	}
	pg, ok := p.loadDashboard(c)
	if !ok {
		return
	}
	for k, v := range map[string]string{"from": in.From, "to": in.To, "header": in.Header, "section4": in.SectionIV,
		"number": in.Number, "signer_name": in.SignerName, "signer": in.Signer,
		"recipients": strings.Join(in.Recipients, "\n")} {
		pg.Values[k] = v
	}
	fieldErrors(pg, de, "", []string{"from", "to", "header", "number", "signer", "signer_name", "recipients", "section4"})
	p.render(c, http.StatusBadRequest, "leader", pg)
}

// fieldErrors puts a domain error's field messages on the page, next to
// the fields and in the summary in the order given (prefix is added to the
// error keys and element ids). The error's own message is the page's alert,
// so a field the form does not show is still explained.
func fieldErrors(pg *web.Page, de *domain.Error, prefix string, order []string) {
	if lang := pg.Lang; lang == "en" && de.MessageEN != "" {
		pg.Alert = de.MessageEN
	} else {
		pg.Alert = de.Message
	}
	for _, f := range order {
		code, ok := de.Fields[f]
		if !ok {
			continue
		}
		msg := web.FieldMsg(pg.Lang, code)
		pg.Errors[prefix+f] = msg
		pg.Fields = append(pg.Fields, web.FieldError{ID: "e-" + strings.ReplaceAll(prefix, ".", "-") + f, Message: msg})
	}
}
