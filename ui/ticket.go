package ui

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/internal/httpx"
	"caunoi/web"
)

// pageTicketID reads the path's ticket id, answering 404 for a bad one.
func (p *pages) pageTicketID(c *gin.Context) (int64, bool) {
	id, ok := httpx.PathID(c)
	if !ok {
		p.errorPage(c, http.StatusNotFound, web.T(lang(c), "error.404"))
	}
	return id, ok
}

// ticketPage handles GET /staff/tickets/{id}: out of scope is 404. A
// tracking code in place of the id (any case, with or without its dash)
// goes to that ticket's page.
func (p *pages) ticketPage(c *gin.Context) {
	if _, isID := httpx.PathID(c); !isID {
		if code, err := domain.ParseTrackingCode(c.Param("id")); err == nil {
			id, err := p.Store.TicketIDByCode(c.Request.Context(), httpx.ScopeOf(c), code)
			if err == nil {
				c.Redirect(http.StatusSeeOther, "/staff/tickets/"+strconv.FormatInt(id, 10))
				return
			}
			if !domain.IsNotFound(err) {
				p.pageError(c, err)
				return
			}
		}
	}
	id, ok := p.pageTicketID(c)
	if !ok {
		return
	}
	pg, ok := p.loadTicket(c, id)
	if !ok {
		return
	}
	if done := c.Query("done"); done != "" && web.HasString("done."+done) {
		pg.Notice = pg.T("done." + done)
	}
	p.render(c, http.StatusOK, "ticket", pg)
}

// loadTicket builds the ticket page for the caller, or answers 404 / the
// error and returns false.
func (p *pages) loadTicket(c *gin.Context, id int64) (*web.Page, bool) {
	ctx, sc := c.Request.Context(), httpx.ScopeOf(c)
	d, err := p.Store.TicketDetail(ctx, sc, id)
	if err != nil {
		if domain.IsNotFound(err) {
			p.errorPage(c, http.StatusNotFound, web.T(lang(c), "error.404"))
		} else {
			p.pageError(c, err)
		}
		return nil, false
	}
	pg := p.page(c, "ticket.title", d.TrackingCode)
	now := p.Cfg.Now()
	ref := d.Ref()
	body := web.TicketBody{Ticket: d, Overdue: d.Overdue(now), SelfID: sc.UserID,
		CanWork: domain.Can(sc, domain.ActReply, ref),
		CanNote: domain.Can(sc, domain.ActNote, ref),
		// a guarded ticket's handler is the head's or the leader's choice
		CanAssign:   domain.Can(sc, domain.ActAssign, ref) && domain.MayAssign(sc, ref, 0),
		CanTransfer: domain.Can(sc, domain.ActTransfer, ref) && domain.MayTransfer(sc, ref)}
	body.CanAssignSelf = body.CanAssign && domain.MayAssign(sc, ref, sc.UserID)
	body.DueSoon = !body.Overdue && d.Status.Open() && d.Status != domain.StatusWaitingCitizen &&
		d.DueAt != nil && d.DueAt.Sub(now) < dueSoonWindow
	if similar, err := p.Store.SimilarTickets(ctx, sc, id); err == nil {
		body.Similar = similar
	} else {
		httpx.LogFrom(c).Warn("similar tickets", "error", err)
	}
	cat, err := p.Store.Catalog(ctx, d.UnitID)
	if err == nil {
		body.Departments = cat.Departments
		body.Categories = cat.Categories
	}
	if d.DepartmentID != nil && sc.Role != domain.RoleStaff {
		if users, err := p.Store.DepartmentStaff(ctx, sc, *d.DepartmentID); err == nil {
			body.Colleagues = users
		}
	}
	for _, e := range d.Events {
		body.Events = append(body.Events, web.EventView{Event: e, Summary: eventSummary(pg, e, cat)})
	}
	pg.Body = body
	return pg, true
}

// eventSummary describes an event's data in a line: "A → B", a new due
// time, a department, a merge, a score.
func eventSummary(pg *web.Page, e domain.Event, cat *domain.Catalog) string {
	str := func(k string) string { v, _ := e.Data[k].(string); return v }
	dept := func(code string) string {
		if cat != nil {
			if d, ok := cat.DepartmentByCode(code); ok {
				return d.Name
			}
		}
		return code
	}
	when := func(s string) string {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return s
		}
		return pg.Time(t)
	}
	switch e.Type {
	case domain.EventStatus, domain.EventReopened:
		if str("from") != "" && str("to") != "" {
			return pg.Status(domain.Status(str("from"))) + " → " + pg.Status(domain.Status(str("to")))
		}
	case domain.EventExtended:
		if str("to") != "" {
			return pg.T("ticket.due") + ": " + when(str("from")) + " → " + when(str("to"))
		}
	case domain.EventTransferred:
		if str("to") != "" {
			return "→ " + dept(str("to"))
		}
	case domain.EventRouted:
		if str("department") != "" {
			return "→ " + dept(str("department"))
		}
	case domain.EventMerged:
		if str("into") != "" {
			return pg.T("ticket.merged", str("into"))
		}
		if str("merged") != "" {
			return "← " + str("merged")
		}
	case domain.EventReply:
		if str("delivery") == "not_sent" {
			return pg.T("reply.not_sent")
		}
	case domain.EventRated:
		if v, ok := e.Data["score"].(float64); ok {
			n := int(v)
			return pg.Stars(&n)
		}
	}
	return ""
}

// afterAction ends a staff form post: on success back to the ticket page
// (PRG) with a notice; an invalid or refused input shows the page again
// with the message next to the form and the values kept.
func (p *pages) afterAction(c *gin.Context, id int64, form string, err error, errKey string, values map[string]string) {
	if err == nil {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/staff/tickets/%d?done=%s", id, form))
		return
	}
	de := httpx.ToDomain(err)
	status, known := httpx.StatusOf[de.Code]
	if !known || status >= 500 || de.Code == domain.ENOTFOUND && len(de.Fields) == 0 {
		if de.Code == domain.ENOTFOUND {
			p.errorPage(c, http.StatusNotFound, web.T(lang(c), "error.404"))
			return
		}
		p.pageError(c, err)
		return
	}
	pg, ok := p.loadTicket(c, id)
	if !ok {
		return
	}
	for k, v := range values {
		pg.Values[k] = v
	}
	msg := messageOf(c, de)
	pg.Errors[errKey] = msg
	pg.Fields = []web.FieldError{{ID: "e-" + formAnchor(errKey), Message: msg}}
	body := pg.Body.(web.TicketBody)
	body.Form = form
	pg.Body = body
	p.render(c, status, "ticket", pg)
}

// formAnchor is the id suffix of the error element of an error key.
func formAnchor(key string) string {
	switch key {
	case "reply.body":
		return "reply"
	case "note.body":
		return "note"
	}
	return key
}

// ticketReply handles POST /staff/tickets/{id}/reply: a public answer.
func (p *pages) ticketReply(c *gin.Context) {
	id, ok := p.pageTicketID(c)
	if !ok {
		return
	}
	raw := c.PostForm("body")
	body, err := domain.ValidateMessage(raw)
	if err == nil {
		_, err = p.Store.AddReply(c.Request.Context(), httpx.ScopeOf(c), id, body)
	}
	p.afterAction(c, id, "reply", err, "reply.body", map[string]string{"reply.body": raw})
}

// ticketNote handles POST /staff/tickets/{id}/note: an internal note.
func (p *pages) ticketNote(c *gin.Context) {
	id, ok := p.pageTicketID(c)
	if !ok {
		return
	}
	raw := c.PostForm("body")
	body, err := domain.ValidateMessage(raw)
	if err == nil {
		err = p.Store.AddNote(c.Request.Context(), httpx.ScopeOf(c), id, body)
	}
	p.afterAction(c, id, "note", err, "note.body", map[string]string{"note.body": raw})
}

// ticketStatus handles POST /staff/tickets/{id}/status: the button pressed
// names the status; the status machine decides (409 otherwise).
func (p *pages) ticketStatus(c *gin.Context) {
	id, ok := p.pageTicketID(c)
	if !ok {
		return
	}
	to := domain.Status(c.PostForm("status"))
	note, result := c.PostForm("note"), c.PostForm("result")
	values := map[string]string{"status.note": note, "status.result": result}
	ctx, sc := c.Request.Context(), httpx.ScopeOf(c)
	var err error
	switch {
	case !to.Valid():
		err = domain.Invalid("Trạng thái không hợp lệ.", "Unknown status.", map[string]string{"status": "invalid"})
	case to == domain.StatusResolved: // the citizen is told the result, never a bare "resolved"
		answer, verr := domain.ValidateMessage(result)
		if verr != nil {
			p.afterAction(c, id, "status", domain.Invalid(web.T(lang(c), "ticket.status.result.required"),
				web.T("en", "ticket.status.result.required"), map[string]string{"result": "required"}), "status.result", values)
			return
		}
		_, err = p.Store.Resolve(ctx, sc, id, domain.NormalizeText(note), answer)
	default:
		_, err = p.Store.ChangeStatus(ctx, sc, id, to, domain.NormalizeText(note))
	}
	p.afterAction(c, id, "status", err, "status", values)
}

// ticketAssign handles POST /staff/tickets/{id}/assign (0: nobody).
func (p *pages) ticketAssign(c *gin.Context) {
	id, ok := p.pageTicketID(c)
	if !ok {
		return
	}
	reason := c.PostForm("reason")
	who, perr := strconv.ParseInt(c.PostForm("assignee"), 10, 64)
	var err error
	if perr != nil || who < 0 {
		err = domain.Invalid("Cán bộ không hợp lệ.", "Invalid staff member.", map[string]string{"assignee": "invalid"})
	} else {
		err = p.Store.UpdateTicket(c.Request.Context(), httpx.ScopeOf(c), id,
			domain.TicketUpdate{AssigneeID: &who, Reason: domain.NormalizeText(reason)})
	}
	p.afterAction(c, id, "assign", err, "assign", map[string]string{"assign.reason": reason})
}

// ticketTransfer handles POST /staff/tickets/{id}/transfer; when the ticket
// leaves the caller's scope, back to the queue.
func (p *pages) ticketTransfer(c *gin.Context) {
	id, ok := p.pageTicketID(c)
	if !ok {
		return
	}
	dept, reason := c.PostForm("department"), c.PostForm("reason")
	err := p.Store.UpdateTicket(c.Request.Context(), httpx.ScopeOf(c), id,
		domain.TicketUpdate{Department: &dept, Reason: domain.NormalizeText(reason)})
	if err == nil {
		if _, derr := p.Store.TicketDetail(c.Request.Context(), httpx.ScopeOf(c), id); domain.IsNotFound(derr) {
			c.Redirect(http.StatusSeeOther, "/staff?done=transferred")
			return
		}
	}
	p.afterAction(c, id, "transfer", err, "transfer",
		map[string]string{"transfer.department": dept, "transfer.reason": reason})
}

// ticketExtend handles POST /staff/tickets/{id}/extend.
func (p *pages) ticketExtend(c *gin.Context) {
	id, ok := p.pageTicketID(c)
	if !ok {
		return
	}
	rawDays, reason := c.PostForm("days"), c.PostForm("reason")
	days, perr := strconv.Atoi(rawDays)
	var err error
	switch {
	case perr != nil || days <= 0:
		err = domain.Invalid("Số ngày gia hạn không hợp lệ.", "The number of days is not valid.", map[string]string{"days": "invalid"})
	case domain.NormalizeText(reason) == "":
		err = domain.Invalid("Hãy ghi lý do gia hạn.", "Give a reason for the extension.", map[string]string{"reason": "required"})
	default:
		_, err = p.Store.Extend(c.Request.Context(), httpx.ScopeOf(c), id, days, domain.NormalizeText(reason))
	}
	p.afterAction(c, id, "extend", err, "extend", map[string]string{"extend.days": rawDays, "extend.reason": reason})
}

// ticketMerge handles POST /staff/tickets/{id}/merge {into: tracking code}.
func (p *pages) ticketMerge(c *gin.Context) {
	id, ok := p.pageTicketID(c)
	if !ok {
		return
	}
	raw := c.PostForm("into")
	code, err := domain.ParseTrackingCode(raw)
	if err != nil {
		err = domain.Invalid("Mã phản ánh để gộp không hợp lệ.", "Invalid tracking code to merge into.", map[string]string{"into": "invalid"})
	} else {
		_, err = p.Store.Merge(c.Request.Context(), httpx.ScopeOf(c), id, code)
	}
	p.afterAction(c, id, "merge", err, "merge", map[string]string{"merge.into": raw})
}
