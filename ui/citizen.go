package ui

import (
	"bytes"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/internal/httpx"
	"caunoi/web"
)

// Photos on the feedback form: images only, maxPhotoBytes at most; the
// whole form may be a little larger.
const (
	maxPhotoMB    = 5
	maxPhotoBytes = maxPhotoMB << 20
	maxFormBytes  = maxPhotoBytes + 1<<20
)

var photoTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/webp": true, "image/gif": true}

// feedbackFieldIDs maps the fields of a feedback error (domain names) to the
// form's elements, in form order.
var feedbackFieldIDs = []struct{ field, id string }{
	{"kind", "f-kind"}, {"category", "f-category"}, {"title", "f-title"}, {"body", "f-body"},
	{"citizen.name", "f-name"}, {"citizen.phone", "f-phone"}, {"citizen.email", "f-email"},
	{"location.address", "f-address"}, {"location.village", "f-village"},
	{"location.lat", "f-lat"}, {"location.lng", "f-lng"}, {"photo", "f-photo"},
}

// feedbackFormFields are the form's inputs kept when it is shown again.
var feedbackFormFields = []string{"kind", "category", "title", "body", "name", "phone", "email",
	"address", "village", "lat", "lng", "public"}

// home handles GET /: the communes and wards, grouped by province, and the
// tracking-code lookup.
func (p *pages) home(c *gin.Context) {
	pg := p.page(c, "home.title")
	if !p.fillHome(c, pg, "") {
		return
	}
	p.render(c, http.StatusOK, "home", pg)
}

func (p *pages) fillHome(c *gin.Context, pg *web.Page, code string) bool {
	units, err := p.Store.ListUnits(c.Request.Context())
	if err != nil {
		p.pageError(c, err)
		return false
	}
	groups := map[string]*web.UnitGroup{}
	var order []string
	names := map[string]string{}
	for _, u := range units {
		if u.Level == domain.LevelProvince {
			names[u.Code] = u.Name
		}
	}
	for _, u := range units {
		if u.Level == domain.LevelProvince {
			continue
		}
		g, ok := groups[u.ParentCode]
		if !ok {
			g = &web.UnitGroup{Name: names[u.ParentCode]}
			groups[u.ParentCode] = g
			order = append(order, u.ParentCode)
		}
		g.Units = append(g.Units, u)
	}
	sort.Strings(order)
	body := web.HomeBody{Code: code}
	for _, k := range order {
		body.Groups = append(body.Groups, *groups[k])
	}
	pg.Body = body
	return true
}

// lookup handles GET /track?code=: to the ticket's page, or the start page
// again with the error next to the field.
func (p *pages) lookup(c *gin.Context) {
	raw := c.Query("code")
	code, err := domain.ParseTrackingCode(raw)
	if err != nil {
		pg := p.page(c, "home.title")
		if !p.fillHome(c, pg, raw) {
			return
		}
		pg.Errors["code"] = pg.T("track.bad")
		pg.Fields = []web.FieldError{{ID: "f-code", Message: pg.T("track.bad")}}
		p.render(c, http.StatusBadRequest, "home", pg)
		return
	}
	c.Redirect(http.StatusSeeOther, "/track/"+code)
}

// unitCatalog returns the catalog of the path's unit, or answers 404.
func (p *pages) unitCatalog(c *gin.Context) (*domain.Catalog, bool) {
	cat, err := p.Store.CatalogByCode(c.Request.Context(), strings.ToLower(c.Param("unit")))
	if err != nil {
		if domain.IsNotFound(err) {
			p.errorPage(c, http.StatusNotFound, web.T(lang(c), "error.404"))
		} else {
			p.pageError(c, err)
		}
		return nil, false
	}
	if !cat.Unit.Active || cat.Unit.Level == domain.LevelProvince {
		p.errorPage(c, http.StatusNotFound, web.T(lang(c), "error.404"))
		return nil, false
	}
	return cat, true
}

// feedbackForm handles GET /u/{unit}: the feedback form.
func (p *pages) feedbackForm(c *gin.Context) {
	cat, ok := p.unitCatalog(c)
	if !ok {
		return
	}
	pg := p.formPage(c, cat)
	p.render(c, http.StatusOK, "form", pg)
}

// formPage returns the form page of the unit with a fresh time stamp.
func (p *pages) formPage(c *gin.Context, cat *domain.Catalog) *web.Page {
	pg := p.page(c, "form.title", cat.Unit.Name)
	pg.Body = web.FormBody{Unit: cat.Unit, Categories: cat.ActiveCategories(), Kinds: domain.Kinds,
		Stamp: p.newStamp(p.Cfg.Now(), pg.CSRF), MaxPhotoMB: maxPhotoMB}
	return pg
}

// submitForm handles POST /u/{unit}: the form without JavaScript. Stored:
// 303 to the tracking page; invalid: the form again with the errors next to
// the fields and the values kept; a bot (honeypot filled, sent too fast):
// the form again with a gentle message and nothing stored.
func (p *pages) submitForm(c *gin.Context) {
	if !p.allowPage(c, p.IntakeLimit) {
		return
	}
	cat, ok := p.unitCatalog(c)
	if !ok {
		return
	}
	in, perr := httpx.FeedbackFromForm(c)
	if perr != nil && tooLarge(perr) {
		p.errorPage(c, http.StatusRequestEntityTooLarge, web.T(lang(c), "form.photo.big", maxPhotoMB))
		return
	}
	if !p.checkPageCSRF(c) {
		return
	}
	f := c.Request.PostForm
	pg := p.formPage(c, cat)
	for _, k := range feedbackFormFields {
		pg.Values[k] = f.Get(k)
	}
	if strings.TrimSpace(f.Get("website")) != "" {
		httpx.LogFrom(c).Info("feedback form: honeypot filled; nothing stored")
		pg.Alert = pg.T("form.too_fast")
		p.render(c, http.StatusBadRequest, "form", pg)
		return
	}
	in.Unit = cat.Unit.Code
	in.Channel = domain.ChannelWeb
	photo, photoType, photoName, photoErr := readPhoto(c)
	fields := map[string]string{}
	if perr != nil {
		de := httpx.ToDomain(perr)
		if de.Code != domain.EINVALID || len(de.Fields) == 0 {
			p.pageError(c, perr)
			return
		}
		for k, v := range de.Fields {
			fields[k] = v
		}
	}
	if _, verr := domain.ValidateFeedback(in, cat.ActiveCategories()); verr != nil {
		for k, v := range httpx.ToDomain(verr).Fields {
			if _, seen := fields[k]; !seen {
				fields[k] = v
			}
		}
	}
	if len(fields) > 0 || photoErr != "" { // what the citizen must mend comes first: the time stamp is for robots
		p.formErrors(c, pg, fields, photoErr)
		return
	}
	switch p.checkStamp(f.Get("stamp"), pg.CSRF, p.Cfg.Now()) {
	case stampTooFast:
		httpx.LogFrom(c).Info("feedback form: sent too fast; nothing stored")
		pg.Alert = pg.T("form.too_fast")
		p.render(c, http.StatusBadRequest, "form", pg)
		return
	case stampStale:
		pg.Alert = pg.T("form.expired")
		p.render(c, http.StatusBadRequest, "form", pg)
		return
	}
	created, err := p.Intake(c, in, domain.NewTicket{Channel: domain.ChannelWeb})
	if err != nil {
		if de := httpx.ToDomain(err); de.Code == domain.EINVALID && len(de.Fields) > 0 {
			p.formErrors(c, pg, de.Fields, "")
			return
		}
		p.pageError(c, err)
		return
	}
	if photo != nil {
		p.keepPhoto(c, created.ID, photoName, photoType, photo)
	}
	c.Redirect(http.StatusSeeOther, "/track/"+created.TrackingCode+"?new=1")
}

// formErrors shows the form again with each field's message next to it and
// in the summary, in form order, and the values kept.
func (p *pages) formErrors(c *gin.Context, pg *web.Page, fields map[string]string, photoErr string) {
	en := pg.En()
	for _, fid := range feedbackFieldIDs {
		msg := ""
		if fid.field == "photo" {
			msg = photoErr
		} else if code, bad := fields[fid.field]; bad {
			msg = domain.FieldMessage(fid.field, code, en)
		}
		if msg != "" {
			pg.Errors[fid.field] = msg
			pg.Fields = append(pg.Fields, web.FieldError{ID: fid.id, Message: msg})
		}
	}
	if len(pg.Fields) == 0 {
		pg.Alert = domain.FieldMessage("", "invalid", en)
	}
	p.render(c, http.StatusBadRequest, "form", pg)
}

// readPhoto returns the form's photo, if any, or the message that refuses
// it: too large, or not an image.
func readPhoto(c *gin.Context) (data []byte, contentType, name, problem string) {
	mf := c.Request.MultipartForm
	if mf == nil || len(mf.File["photo"]) == 0 {
		return nil, "", "", ""
	}
	fh := mf.File["photo"][0]
	if fh.Size == 0 && fh.Filename == "" {
		return nil, "", "", ""
	}
	l := lang(c)
	if fh.Size > maxPhotoBytes {
		return nil, "", "", web.T(l, "form.photo.big", maxPhotoMB)
	}
	b, err := readPart(fh)
	if err != nil || len(b) > maxPhotoBytes {
		return nil, "", "", web.T(l, "form.photo.big", maxPhotoMB)
	}
	ct := http.DetectContentType(b)
	if !photoTypes[ct] {
		return nil, "", "", web.T(l, "form.photo.type")
	}
	return b, ct, domain.NormalizeText(fh.Filename), ""
}

func readPart(fh *multipart.FileHeader) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var buf bytes.Buffer
	_, err = io.Copy(&buf, io.LimitReader(f, maxPhotoBytes+1))
	return buf.Bytes(), err
}

// keepPhoto stores the photo with the ticket when the Store can; the ticket
// itself is already committed, so a failure here is logged, not shown.
func (p *pages) keepPhoto(c *gin.Context, ticketID int64, name, contentType string, data []byte) {
	if err := p.Store.AddTicketPhoto(c.Request.Context(), ticketID, name, contentType, data); err != nil {
		httpx.LogFrom(c).Error("feedback photo not stored", slog.Int64("ticket_id", ticketID), slog.Any("error", err))
	}
}
