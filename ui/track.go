package ui

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/internal/httpx"
	"caunoi/web"
)

// trackCode reads the path's tracking code; a code typed differently (lower
// case, without the hyphen) is redirected to its canonical form, a bad one
// is the 404 page.
func (p *pages) trackCode(c *gin.Context) (string, bool) {
	code, err := domain.ParseTrackingCode(c.Param("code"))
	if err != nil {
		p.errorPage(c, http.StatusNotFound, web.T(lang(c), "track.notfound"))
		return "", false
	}
	if code != c.Param("code") && c.Request.Method == http.MethodGet {
		target := "/track/" + code
		if c.Request.URL.RawQuery != "" {
			target += "?" + c.Request.URL.RawQuery
		}
		c.Redirect(http.StatusMovedPermanently, target)
		return "", false
	}
	return code, true
}

// trackPage loads the citizen's view of the ticket into a page.
func (p *pages) trackPage(c *gin.Context, code string) (*web.Page, bool) {
	t, err := p.Store.TicketForCitizen(c.Request.Context(), code)
	if err != nil {
		if domain.IsNotFound(err) {
			p.errorPage(c, http.StatusNotFound, web.T(lang(c), "track.notfound"))
		} else {
			p.pageError(c, err)
		}
		return nil, false
	}
	now := p.Cfg.Now()
	canFollow := t.Status.Open() ||
		(t.Status == domain.StatusResolved && t.CanReopenUntil != nil && now.Before(*t.CanReopenUntil))
	pg := p.page(c, "track.title", t.TrackingCode)
	pg.Body = web.TrackBody{Ticket: t, URL: p.Cfg.PublicURL + "/track/" + t.TrackingCode, CanFollowUp: canFollow}
	return pg, true
}

// track handles GET /track/{code}: status, department, due date, the public
// replies, the follow-up form and, once resolved, the rating form.
func (p *pages) track(c *gin.Context) {
	if !p.allowPage(c, p.LookupLimit) {
		return
	}
	code, ok := p.trackCode(c)
	if !ok {
		return
	}
	pg, ok := p.trackPage(c, code)
	if !ok {
		return
	}
	body := pg.Body.(web.TrackBody)
	body.New = c.Query("new") == "1"
	pg.Body = body
	switch c.Query("done") {
	case "sent":
		pg.Notice = pg.T("track.sent")
	case "rated":
		pg.Notice = pg.T("track.rated")
	}
	p.render(c, http.StatusOK, "track", pg)
}

// followUp handles POST /track/{code}/messages: the citizen's follow-up
// (reopening a recently resolved ticket), then back to the page.
func (p *pages) followUp(c *gin.Context) {
	if !p.allowPage(c, p.LookupLimit) {
		return
	}
	code, ok := p.trackCode(c)
	if !ok || !p.checkPageCSRF(c) {
		return
	}
	raw := c.PostForm("body")
	body, err := domain.ValidateMessage(raw)
	if err == nil {
		err = p.Store.AddCitizenMessage(c.Request.Context(), code, body)
	}
	if err != nil {
		p.trackError(c, code, err, "body", map[string]string{"body": raw})
		return
	}
	c.Redirect(http.StatusSeeOther, "/track/"+code+"?done=sent")
}

// rate handles POST /track/{code}/rating.
func (p *pages) rate(c *gin.Context) {
	if !p.allowPage(c, p.LookupLimit) {
		return
	}
	code, ok := p.trackCode(c)
	if !ok || !p.checkPageCSRF(c) {
		return
	}
	values := map[string]string{"score": c.PostForm("score"), "comment": c.PostForm("comment")}
	score, _ := strconv.Atoi(values["score"])
	comment, err := domain.ValidateRating(score, values["comment"])
	if err == nil {
		err = p.Store.RateTicket(c.Request.Context(), code, score, comment)
	}
	if err != nil {
		field := "comment"
		if de := httpx.ToDomain(err); de.Fields["score"] != "" {
			field = "score"
		}
		p.trackError(c, code, err, field, values)
		return
	}
	c.Redirect(http.StatusSeeOther, "/track/"+code+"?done=rated")
}

// trackError shows the tracking page again: an invalid input next to field
// with the values kept, another refusal (a closed ticket, a second rating)
// at the top.
func (p *pages) trackError(c *gin.Context, code string, err error, field string, values map[string]string) {
	de := httpx.ToDomain(err)
	if de.Code != domain.EINVALID && de.Code != domain.ECONFLICT {
		p.pageError(c, err)
		return
	}
	pg, ok := p.trackPage(c, code)
	if !ok {
		return
	}
	pg.Values = values
	msg := messageOf(c, de)
	if field == "score" && pg.Values["score"] == "" {
		msg = pg.T("track.score.required")
	}
	status := http.StatusBadRequest
	if de.Code == domain.EINVALID {
		pg.Errors[field] = msg
		id := map[string]string{"body": "f-message", "score": "e-score", "comment": "f-comment"}[field]
		pg.Fields = []web.FieldError{{ID: id, Message: msg}}
	} else {
		status = http.StatusConflict
		pg.Alert = msg
	}
	p.render(c, status, "track", pg)
}
