package ui

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/internal/httpx"
	"caunoi/web"
)

// adminCreate handles POST /admin/{section}: the section's create form,
// through the same store methods and validation as the JSON API.
func (p *pages) adminCreate(section string) gin.HandlerFunc {
	return func(c *gin.Context) {
		switch section {
		case "units":
			p.adminCreateUnit(c)
		case "departments":
			p.adminCreateDepartment(c)
		case "categories":
			p.adminCreateCategory(c)
		case "rules":
			p.adminCreateRule(c)
		case "users":
			p.adminCreateUser(c)
		case "holidays":
			p.adminCreateHoliday(c)
		case "channels":
			p.adminCreateChannel(c)
		case "apikeys":
			p.adminCreateAPIKey(c)
		}
	}
}

func (p *pages) adminCreateUnit(c *gin.Context) {
	spec := domain.UnitSpec{Code: c.PostForm("code"), Name: c.PostForm("name"),
		Level: domain.UnitLevel(c.PostForm("level")), Parent: c.PostForm("parent"), Active: true}
	_, err := p.Store.AdminCreateUnit(c.Request.Context(), httpx.ScopeOf(c), spec)
	p.adminDone(c, "units", 0, "created", err, []string{"code", "name", "level", "parent"})
}

func (p *pages) adminCreateDepartment(c *gin.Context) {
	spec := domain.DepartmentSpec{Code: c.PostForm("code"), Name: c.PostForm("name"),
		Triage: formBool(c, "triage"), Active: true}
	_, err := p.Store.AdminCreateDepartment(c.Request.Context(), httpx.ScopeOf(c), c.Query("unit"), spec)
	p.adminDone(c, "departments", 0, "created", err, []string{"code", "name", "triage", "active"})
}

func (p *pages) adminCreateCategory(c *gin.Context) {
	spec := domain.CategorySpec{Code: c.PostForm("code"), Name: c.PostForm("name"),
		DefaultDepartment: c.PostForm("default_department"), Keywords: formList(c, "keywords"),
		Position: -1, Active: true}
	amount, unit, err := formDeadline(c)
	if err == nil {
		spec = domain.CategoryPatch{DeadlineAmount: amount, DeadlineUnit: unit}.Apply(spec)
		_, err = p.Store.AdminCreateCategory(c.Request.Context(), httpx.ScopeOf(c), c.Query("unit"), spec)
	}
	p.adminDone(c, "categories", 0, "created", err,
		[]string{"code", "name", "default_department", "amount", "deadline_unit", "keywords"})
}

func (p *pages) adminCreateRule(c *gin.Context) {
	spec := domain.RuleSpec{Position: -1, Category: c.PostForm("category"), Kind: domain.Kind(c.PostForm("kind")),
		Channel: domain.Channel(c.PostForm("channel")), Keywords: formList(c, "keywords"),
		SetCategory: c.PostForm("set_category"), Department: c.PostForm("department"), Active: true}
	pos, err := formPosition(c)
	if err == nil {
		if pos != nil {
			spec.Position = *pos
		}
		_, err = p.Store.AdminCreateRule(c.Request.Context(), httpx.ScopeOf(c), c.Query("unit"), spec)
	}
	p.adminDone(c, "rules", 0, "created", err,
		[]string{"keywords", "category", "kind", "channel", "department", "set_category", "position"})
}

func (p *pages) adminCreateUser(c *gin.Context) {
	spec := domain.UserSpec{Email: c.PostForm("email"), Name: c.PostForm("name"), Role: domain.Role(c.PostForm("role")),
		Unit: c.Query("unit"), Department: c.PostForm("department"), Active: true}
	order := []string{"name", "email", "password", "role", "department"}
	bad := map[string]string{}
	if _, err := domain.ValidateUserSpec(spec); err != nil {
		for k, v := range httpx.ToDomain(err).Fields {
			bad[k] = v
		}
	}
	pw := c.PostForm("password")
	if err := domain.ValidatePassword(pw); err != nil {
		bad["password"] = httpx.ToDomain(err).Fields["password"]
	}
	if len(bad) > 0 {
		p.adminDone(c, "users", 0, "", domain.Invalid("Thông tin tài khoản không hợp lệ.",
			"The account details are not valid.", bad), order)
		return
	}
	hash, err := httpx.HashNewPassword(pw)
	if err == nil {
		_, err = p.Store.AdminCreateUser(c.Request.Context(), httpx.ScopeOf(c), spec, hash)
	}
	p.adminDone(c, "users", 0, "created", err, order)
}

func (p *pages) adminCreateHoliday(c *gin.Context) {
	h := domain.HolidaySpec{Unit: c.Query("unit"), CalendarDay: domain.CalendarDay{Date: strings.TrimSpace(c.PostForm("date")),
		Off: !formBool(c, "makeup"), Name: c.PostForm("name")}}
	_, err := p.Store.AdminCreateHoliday(c.Request.Context(), httpx.ScopeOf(c), h)
	p.adminDone(c, "holidays", 0, "created", err, []string{"date", "name", "makeup", "unit"})
}

func (p *pages) adminCreateChannel(c *gin.Context) {
	in := domain.ChannelAccountInput{Unit: c.Query("unit"), Platform: p.ServedPlatform(c.PostForm("platform")),
		AccountID: strings.TrimSpace(c.PostForm("account_id")), AppID: c.PostForm("app_id"), Name: c.PostForm("name")}
	order := []string{"platform", "account_id", "name", "app_id", "access_token", "secret_key", "unit"}
	var err error
	if in.AccessTokenEnc, err = p.SealToken(in.Platform, in.AccountID, "access_token", c.PostForm("access_token")); err == nil {
		if in.SecretKeyEnc, err = p.SealToken(in.Platform, in.AccountID, "secret_key", c.PostForm("secret_key")); err == nil {
			sc := httpx.ScopeOf(c)
			_, err = p.Store.CreateChannelAccount(c.Request.Context(), &sc, in)
		}
	}
	p.adminDone(c, "channels", 0, "created", err, order)
}

// adminCreateAPIKey shows the new key once, on the page that answers the
// post (no redirect: the secret is never put in a URL).
func (p *pages) adminCreateAPIKey(c *gin.Context) {
	sc := httpx.ScopeOf(c)
	_, secret, err := p.Store.CreateAPIKey(c.Request.Context(), &sc, c.PostForm("name"), strings.TrimSpace(c.PostForm("unit")))
	if err != nil {
		p.adminDone(c, "apikeys", 0, "", err, []string{"name", "unit"})
		return
	}
	pg, ok := p.loadAdmin(c, "apikeys")
	if !ok {
		return
	}
	b := pg.Body.(web.AdminBody)
	b.NewKey = secret
	pg.Body = b
	pg.Notice = pg.T("done.created")
	p.render(c, http.StatusOK, "admin", pg)
}

// splitComma splits s on commas and new lines, trimming each part.
func splitComma(s string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == ';' })
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}
