package ui

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/internal/httpx"
	"caunoi/web"
)

// dueSoonWindow marks open tickets due within this time.
const dueSoonWindow = 24 * time.Hour

// queueParams are the queue's query parameters kept in the filter form.
var queueParams = []string{"q", "status", "department", "category", "kind", "channel", "assignee", "overdue"}

// queue handles GET /staff: the caller's tickets in due order, with the
// filters of the API (status, department, category, kind, channel, mine,
// overdue, search) and keyset paging.
func (p *pages) queue(c *gin.Context) {
	sc := httpx.ScopeOf(c)
	pg := p.page(c, "queue.title")
	q := c.Request.URL.Query()
	for _, k := range queueParams {
		pg.Values[k] = q.Get(k)
	}
	body := web.QueueBody{Statuses: domain.Statuses, Kinds: domain.Kinds, Channels: domain.Channels,
		UnitWide: sc.Role.UnitWide()}
	if cat, err := p.Store.Catalog(c.Request.Context(), sc.UnitID); err == nil {
		body.Categories = cat.Categories
		if sc.Role.UnitWide() {
			body.Departments = cat.Departments
		}
	}
	f, err := httpx.TicketFilterOf(c, sc)
	if err != nil {
		pg.Alert = messageOf(c, httpx.ToDomain(err))
		pg.Body = body
		p.render(c, http.StatusBadRequest, "queue", pg)
		return
	}
	if f.Limit == 0 {
		f.Limit = 50
	}
	items, next, err := p.Store.ListTickets(c.Request.Context(), sc, f)
	if err != nil {
		p.pageError(c, err)
		return
	}
	now := p.Cfg.Now()
	for _, t := range items {
		soon := !t.Overdue && t.Status.Open() && t.Status != domain.StatusWaitingCitizen &&
			t.DueAt.Sub(now) < dueSoonWindow
		body.Items = append(body.Items, web.QueueItem{TicketItem: t, DueSoon: soon})
	}
	if cur := httpx.EncodeCursor(next); cur != nil {
		nq := c.Request.URL.Query()
		nq.Set("cursor", *cur)
		body.NextURL = "/staff?" + nq.Encode()
	}
	if q.Get("cursor") != "" {
		fq := c.Request.URL.Query()
		fq.Del("cursor")
		body.FirstURL = "/staff"
		if len(fq) > 0 {
			body.FirstURL += "?" + fq.Encode()
		}
	}
	pg.Body = body
	p.render(c, http.StatusOK, "queue", pg)
}
