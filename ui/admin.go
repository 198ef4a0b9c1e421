package ui

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/internal/httpx"
	"caunoi/web"
)

// adminPages registers the admin's settings pages (admins only; others get
// the 403 page): for each section a list, a create form (POST
// /admin/{section}), an edit form (GET and POST /admin/{section}/{id}) where
// the JSON API can change a row, and a deactivate button (POST
// /admin/{section}/{id}/deactivate), plus the rules' "test this text" box.
func (p *pages) adminPages(g *gin.RouterGroup) {
	a := g.Group("/admin", p.bodyLimit(httpx.MaxBodyBytes), p.staffSession, p.pageRole(domain.RoleAdmin))
	a.GET("", p.adminHome)
	for _, s := range web.AdminSections {
		a.GET("/"+s, p.adminSection(s))
		a.POST("/"+s, p.adminCreate(s))
		if _, ok := adminEdits[s]; ok {
			a.GET("/"+s+"/:id", p.adminEditPage(s))
			a.POST("/"+s+"/:id", p.adminSave(s))
		}
		a.POST("/"+s+"/:id/deactivate", p.adminDeactivate(s))
	}
	a.POST("/rules/test", p.adminRuleTest)
}

// adminHome handles GET /admin: the sections.
func (p *pages) adminHome(c *gin.Context) {
	pg := p.page(c, "admin.title")
	pg.Body = web.AdminBody{Sections: web.AdminSections}
	p.render(c, http.StatusOK, "admin", pg)
}

// adminSection handles GET /admin/{section}, with the notice of a done
// action (?done=).
func (p *pages) adminSection(section string) gin.HandlerFunc {
	return func(c *gin.Context) {
		pg, ok := p.loadAdmin(c, section)
		if !ok {
			return
		}
		if done := c.Query("done"); done != "" && web.HasString("done."+done) {
			pg.Notice = pg.T("done." + done)
		}
		p.render(c, http.StatusOK, "admin", pg)
	}
}

// loadAdmin builds a section's page: its list and the choices of its forms.
// It answers the error page and returns false on failure.
func (p *pages) loadAdmin(c *gin.Context, section string) (*web.Page, bool) {
	ctx, sc := c.Request.Context(), httpx.ScopeOf(c)
	pg := p.page(c, "admin."+section)
	b := web.AdminBody{Section: section, Sections: web.AdminSections, Kinds: domain.Kinds,
		ChannelKinds: domain.Channels, Roles: []domain.Role{domain.RoleStaff, domain.RoleHead, domain.RoleLeader, domain.RoleAdmin},
		Levels:        []domain.UnitLevel{domain.LevelCommune, domain.LevelWard, domain.LevelZone, domain.LevelProvince},
		DeadlineUnits: []domain.DeadlineUnit{domain.WorkingDays, domain.CalendarDays, domain.WorkingHours},
		Platforms:     p.Platforms()}
	unit, chosen := c.GetQuery("unit")
	if chosen {
		p.setCookie(c, adminUnitCookie, unit, "/admin", adminUnitDays*24*3600, true)
	} else if ck, err := c.Cookie(adminUnitCookie); err == nil {
		unit = ck // the commune last chosen, until another is
	}
	var err error
	if b.UnitScoped() || section == "units" || section == "apikeys" {
		b.Units4, err = p.Store.AdminListUnits(ctx, sc)
	}
	if err != nil {
		p.pageError(c, err)
		return nil, false
	}
	if !chosen && !hasUnit(b.Units4, unit) {
		unit = "" // no longer in the admin's scope, or gone
	}
	b.Unit = unit
	switch section {
	case "units":
		b.Units = b.Units4
	case "departments":
		b.Departments, err = p.Store.AdminListDepartments(ctx, sc, unit)
	case "categories":
		if b.Categories, err = p.Store.AdminListCategories(ctx, sc, unit); err == nil {
			b.Departments, err = p.Store.AdminListDepartments(ctx, sc, unit)
		}
	case "rules":
		if b.Rules, err = p.Store.AdminListRules(ctx, sc, unit); err == nil {
			if b.Categories, err = p.Store.AdminListCategories(ctx, sc, unit); err == nil {
				b.Departments, err = p.Store.AdminListDepartments(ctx, sc, unit)
			}
		}
	case "users":
		if b.Users, err = p.Store.AdminListUsers(ctx, sc, unit); err == nil {
			b.Departments, err = p.Store.AdminListDepartments(ctx, sc, unit)
		}
	case "holidays":
		b.Holidays, err = p.Store.AdminListHolidays(ctx, sc, unit, 0)
	case "channels":
		b.Channels, err = p.Store.ListChannelAccounts(ctx, &sc)
	case "apikeys":
		b.APIKeys, err = p.Store.ListAPIKeys(ctx, sc)
	}
	if err != nil {
		p.pageError(c, err)
		return nil, false
	}
	pg.Body = b
	return pg, true
}

// adminDone ends an admin form post, a create form's (id 0) or row id's
// edit form: on success back to the section (PRG) with a notice; an
// invalid input or a conflict shows the form again with the messages next
// to the fields (order: the create form's fields; an edit form's are its
// own) and the values kept; other errors get their page.
func (p *pages) adminDone(c *gin.Context, section string, id int64, done string, err error, order []string) {
	if err == nil {
		c.Redirect(http.StatusSeeOther, adminURL(c, section, done))
		return
	}
	de := formError(httpx.ToDomain(err))
	status, known := httpx.StatusOf[de.Code]
	if !known || status >= 500 || (de.Code != domain.EINVALID && de.Code != domain.ECONFLICT &&
		!(de.Code == domain.ENOTFOUND && len(de.Fields) > 0)) {
		p.pageError(c, err)
		return
	}
	var pg *web.Page
	var ok bool
	if id == 0 {
		pg, ok = p.loadAdmin(c, section)
	} else if pg, ok = p.loadEdit(c, section, id); ok {
		order = editOrder(pg)
	}
	if !ok {
		return
	}
	for _, f := range order {
		if v := formStr(c, f); v != nil && !secretField(f) {
			pg.Values[f] = *v
		}
	}
	fieldErrors(pg, de, "", order)
	p.render(c, status, "admin", pg)
}

// adminDeactivate handles POST /admin/{section}/{id}/deactivate: a unit,
// department, category, rule, user or channel account is deactivated, a
// calendar day deleted, an API key revoked, once the admin has confirmed
// (the first press shows the question; its button posts confirm=yes).
func (p *pages) adminDeactivate(section string) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, ok := p.pathRowID(c)
		if !ok {
			return
		}
		ctx, sc := c.Request.Context(), httpx.ScopeOf(c)
		off, done := false, "deactivated"
		switch section {
		case "holidays":
			done = "deleted"
		case "apikeys":
			done = "revoked"
		}
		if c.PostForm("confirm") != "yes" { // ask first: nothing changes on the first press
			pg := p.page(c, "confirm.title")
			pg.Body = web.ConfirmBody{Title: pg.T("confirm.title"), Question: pg.T("confirm." + done),
				Yes: pg.T("confirm.yes." + done), Action: c.Request.URL.RequestURI(), Back: adminURL(c, section, "")}
			p.render(c, http.StatusOK, "confirm", pg)
			return
		}
		var err error
		switch section {
		case "units":
			_, err = p.Store.AdminUpdateUnit(ctx, sc, id, domain.UnitPatch{Active: &off})
		case "departments":
			_, err = p.Store.AdminUpdateDepartment(ctx, sc, id, domain.DepartmentPatch{Active: &off})
		case "categories":
			_, err = p.Store.AdminUpdateCategory(ctx, sc, id, domain.CategoryPatch{Active: &off})
		case "rules":
			_, err = p.Store.AdminUpdateRule(ctx, sc, id, domain.RulePatch{Active: &off})
		case "users":
			_, err = p.Store.AdminDeactivateUser(ctx, sc, id)
		case "holidays":
			err = p.Store.AdminDeleteHoliday(ctx, sc, id)
		case "channels":
			_, err = p.Store.UpdateChannelAccount(ctx, &sc, id, domain.ChannelAccountUpdate{Active: &off})
		case "apikeys":
			err = p.Store.RevokeAPIKey(ctx, &sc, id)
		}
		if err != nil {
			de := httpx.ToDomain(err)
			if de.Code == domain.ENOTFOUND {
				p.errorPage(c, http.StatusNotFound, web.T(lang(c), "error.404"))
				return
			}
			if de.Code == domain.EINVALID || de.Code == domain.ECONFLICT {
				pg, ok := p.loadAdmin(c, section)
				if !ok {
					return
				}
				pg.Alert = messageOf(c, de)
				p.render(c, httpx.StatusOf[de.Code], "admin", pg)
				return
			}
			p.pageError(c, err)
			return
		}
		c.Redirect(http.StatusSeeOther, adminURL(c, section, done))
	}
}

// adminURL returns a section's address with the notice of done and the
// unit shown (?unit=) kept.
func adminURL(c *gin.Context, section, done string) string {
	q := url.Values{}
	if done != "" {
		q.Set("done", done)
	}
	if u := c.Query("unit"); u != "" {
		q.Set("unit", u)
	}
	if len(q) == 0 {
		return "/admin/" + section
	}
	return "/admin/" + section + "?" + q.Encode()
}

// formBool reads a checkbox.
func formBool(c *gin.Context, name string) bool { return c.PostForm(name) != "" }

// formList splits a comma-separated field into its trimmed, non-empty parts.
func formList(c *gin.Context, name string) []string {
	var out []string
	for _, s := range splitComma(c.PostForm(name)) {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// The administration remembers the commune an admin last chose (a
// province's admin works on one commune at a time) in a cookie of its own.
const (
	adminUnitCookie = "caunoi_admin_unit"
	adminUnitDays   = 90
)

// hasUnit reports whether code is one of units.
func hasUnit(units []domain.UnitRecord, code string) bool {
	for _, u := range units {
		if u.Code == code {
			return true
		}
	}
	return false
}
