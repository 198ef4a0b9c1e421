package ui

import (
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/internal/httpx"
	"caunoi/web"
)

// adminEdits are the sections whose rows the pages edit, with what the
// JSON API's PATCH of each allows. API keys are not here: the API changes
// a key only by revoking it, which the list's button does.
var adminEdits = map[string]adminEdit{
	"units":       {editUnitForm, saveUnit},
	"departments": {editDepartmentForm, saveDepartment},
	"categories":  {editCategoryForm, saveCategory},
	"rules":       {editRuleForm, saveRule},
	"users":       {editUserForm, saveUser},
	"holidays":    {editHolidayForm, saveHoliday},
	"channels":    {editChannelForm, saveChannel},
}

// findRow returns the row of rows whose id is id.
func findRow[T any](rows []T, id int64, idOf func(T) int64) (T, bool) {
	for _, r := range rows {
		if idOf(r) == id {
			return r, true
		}
	}
	var zero T
	return zero, false
}

func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func textField(name, label string, max int) web.FormField {
	return web.FormField{Name: name, Label: label, Type: "text", Max: max}
}

func checkField(name, label string) web.FormField {
	return web.FormField{Name: name, Label: label, Type: "checkbox"}
}

func selectField(name, label string, opts []web.Option) web.FormField {
	return web.FormField{Name: name, Label: label, Type: "select", Options: opts}
}

// deptOptions offers the active departments, and keep (the row's current
// one) even when inactive, so that saving a form leaves it unchanged;
// first is the label of the empty choice.
func deptOptions(ds []domain.DepartmentRecord, keep, first string) []web.Option {
	out := []web.Option{{Value: "", Label: first}}
	for _, d := range ds {
		if d.Active || d.Code == keep {
			out = append(out, web.Option{Value: d.Code, Label: d.Name})
		}
	}
	return out
}

// catOptions offers the active categories, and keep, as deptOptions does.
func catOptions(cs []domain.CategoryRecord, keep, first string) []web.Option {
	out := []web.Option{{Value: "", Label: first}}
	for _, x := range cs {
		if x.Active || x.Code == keep {
			out = append(out, web.Option{Value: x.Code, Label: x.Name})
		}
	}
	return out
}

// labelled offers values with their labels from the page's strings.
func labelled[T ~string](pg *web.Page, prefix string, values []T, first *string) []web.Option {
	var out []web.Option
	if first != nil {
		out = append(out, web.Option{Value: "", Label: *first})
	}
	for _, v := range values {
		out = append(out, web.Option{Value: string(v), Label: pg.T(prefix + string(v))})
	}
	return out
}

func editUnitForm(pg *web.Page, b web.AdminBody, id int64) (*web.AdminEdit, map[string]string, bool) {
	u, ok := findRow(b.Units, id, func(u domain.UnitRecord) int64 { return u.ID })
	if !ok {
		return nil, nil, false
	}
	levels := []domain.UnitLevel{domain.LevelCommune, domain.LevelWard, domain.LevelZone}
	if u.Level == domain.LevelProvince { // the store keeps a province a province
		levels = []domain.UnitLevel{domain.LevelProvince}
	}
	hours := textField("work_periods", pg.T("admin.hours"), 200)
	hours.Hint = pg.T("admin.hours.hint")
	e := &web.AdminEdit{ID: id, Title: u.Name,
		Facts: []web.Fact{{Label: pg.T("admin.code"), Value: u.Code}, {Label: pg.T("admin.parent"), Value: u.Parent}},
		Fields: []web.FormField{textField("name", pg.T("admin.name"), domain.MaxAdminNameLen),
			selectField("level", pg.T("admin.level"), labelled(pg, "level.", levels, nil)), hours,
			checkField("active", pg.T("admin.active.hint"))}}
	return e, map[string]string{"name": u.Name, "level": string(u.Level), "work_periods": formatPeriods(u.Periods),
		"active": flag(u.Active)}, true
}

func saveUnit(p *pages, c *gin.Context, id int64) error {
	periods, err := formPeriods(c)
	if err != nil {
		return err
	}
	_, err = p.Store.AdminUpdateUnit(c.Request.Context(), httpx.ScopeOf(c), id, domain.UnitPatch{Name: formStr(c, "name"),
		Level: (*domain.UnitLevel)(formStr(c, "level")), Active: formCheck(c, "active"), Periods: periods})
	return err
}

func editDepartmentForm(pg *web.Page, b web.AdminBody, id int64) (*web.AdminEdit, map[string]string, bool) {
	d, ok := findRow(b.Departments, id, func(d domain.DepartmentRecord) int64 { return d.ID })
	if !ok {
		return nil, nil, false
	}
	e := &web.AdminEdit{ID: id, Title: d.Name,
		Facts: []web.Fact{{Label: pg.T("admin.code"), Value: d.Code}, {Label: pg.T("admin.open"), Value: strconv.Itoa(d.OpenTickets)}},
		Fields: []web.FormField{textField("name", pg.T("admin.name"), domain.MaxAdminNameLen),
			checkField("triage", pg.T("admin.triage.hint")), checkField("active", pg.T("admin.active.hint"))}}
	return e, map[string]string{"name": d.Name, "triage": flag(d.Triage), "active": flag(d.Active)}, true
}

func saveDepartment(p *pages, c *gin.Context, id int64) error {
	_, err := p.Store.AdminUpdateDepartment(c.Request.Context(), httpx.ScopeOf(c), id, domain.DepartmentPatch{
		Name: formStr(c, "name"), Triage: formCheck(c, "triage"), Active: formCheck(c, "active")})
	return err
}

func editCategoryForm(pg *web.Page, b web.AdminBody, id int64) (*web.AdminEdit, map[string]string, bool) {
	x, ok := findRow(b.Categories, id, func(x domain.CategoryRecord) int64 { return x.ID })
	if !ok {
		return nil, nil, false
	}
	keywords := web.FormField{Name: "keywords", Label: pg.T("admin.keywords"), Type: "textarea", Hint: pg.T("admin.keywords.hint")}
	e := &web.AdminEdit{ID: id, Title: x.Name, Facts: []web.Fact{{Label: pg.T("admin.code"), Value: x.Code}},
		Fields: []web.FormField{textField("name", pg.T("admin.name"), domain.MaxAdminNameLen),
			{Name: "description", Label: pg.T("admin.description"), Type: "textarea", Max: domain.MaxDescriptionLen},
			selectField("default_department", pg.T("admin.defdept"), deptOptions(b.Departments, x.DefaultDepartment, "—")),
			{Name: "amount", Label: pg.T("admin.deadline"), Type: "number", Max: 999},
			selectField("deadline_unit", pg.T("admin.deadline.unit"), labelled(pg, "dl.", b.DeadlineUnits, nil)),
			keywords, checkField("active", pg.T("admin.active.hint"))}}
	return e, map[string]string{"name": x.Name, "description": x.Description, "default_department": x.DefaultDepartment,
		"amount": strconv.Itoa(x.Deadline.Amount), "deadline_unit": string(x.Deadline.Unit),
		"keywords": strings.Join(x.Keywords, ", "), "active": flag(x.Active)}, true
}

func saveCategory(p *pages, c *gin.Context, id int64) error {
	amount, unit, err := formDeadline(c)
	if err != nil {
		return err
	}
	_, err = p.Store.AdminUpdateCategory(c.Request.Context(), httpx.ScopeOf(c), id, domain.CategoryPatch{
		Name: formStr(c, "name"), Description: formStr(c, "description"), DefaultDepartment: formStr(c, "default_department"),
		DeadlineAmount: amount, DeadlineUnit: unit, Keywords: formListOf(c, "keywords"), Active: formCheck(c, "active")})
	return err
}

func editRuleForm(pg *web.Page, b web.AdminBody, id int64) (*web.AdminEdit, map[string]string, bool) {
	r, ok := findRow(b.Rules, id, func(r domain.RuleRecord) int64 { return r.ID })
	if !ok {
		return nil, nil, false
	}
	keywords := web.FormField{Name: "keywords", Label: pg.T("admin.keywords"), Type: "textarea", Hint: pg.T("admin.keywords.hint")}
	position := web.FormField{Name: "position", Label: pg.T("admin.position"), Type: "number", Hint: pg.T("admin.position.keep"),
		Max: domain.MaxPosition}
	anyOf := pg.T("queue.any")
	e := &web.AdminEdit{ID: id, Title: pg.T("admin.test.rule", id),
		Fields: []web.FormField{keywords,
			selectField("category", pg.T("queue.category"), catOptions(b.Categories, r.Category, anyOf)),
			selectField("kind", pg.T("queue.kind"), labelled(pg, "kind.", domain.Kinds, &anyOf)),
			selectField("channel", pg.T("queue.channel"), labelled(pg, "channel.", domain.Channels, &anyOf)),
			selectField("department", pg.T("admin.target"), deptOptions(b.Departments, r.Department, "—")),
			selectField("set_category", pg.T("admin.setcat"), catOptions(b.Categories, r.SetCategory, "—")),
			position, checkField("active", pg.T("admin.active.hint"))}}
	return e, map[string]string{"keywords": strings.Join(r.Keywords, ", "), "category": r.Category, "kind": string(r.Kind),
		"channel": string(r.Channel), "department": r.Department, "set_category": r.SetCategory,
		"position": strconv.Itoa(r.Position + 1), "active": flag(r.Active)}, true
}

// saveRule saves the rule's edit form, or only its position (the list's
// move buttons post nothing else).
func saveRule(p *pages, c *gin.Context, id int64) error {
	pos, err := formPosition(c)
	if err != nil {
		return err
	}
	_, err = p.Store.AdminUpdateRule(c.Request.Context(), httpx.ScopeOf(c), id, domain.RulePatch{Position: pos,
		Category: formStr(c, "category"), Kind: (*domain.Kind)(formStr(c, "kind")),
		Channel: (*domain.Channel)(formStr(c, "channel")), Keywords: formListOf(c, "keywords"),
		SetCategory: formStr(c, "set_category"), Department: formStr(c, "department"), Active: formCheck(c, "active")})
	return err
}

func editUserForm(pg *web.Page, b web.AdminBody, id int64) (*web.AdminEdit, map[string]string, bool) {
	u, ok := findRow(b.Users, id, func(u domain.UserRecord) int64 { return u.ID })
	if !ok {
		return nil, nil, false
	}
	password := web.FormField{Name: "password", Label: pg.T("admin.password.new"), Type: "password",
		Hint: pg.T("admin.password.hint"), Max: domain.MaxPasswordLen}
	e := &web.AdminEdit{ID: id, Title: u.Name,
		Facts: []web.Fact{{Label: pg.T("login.email"), Value: u.Email}, {Label: pg.T("track.unit"), Value: u.Unit},
			{Label: pg.T("admin.lastlogin"), Value: pg.Time(u.LastLoginAt)}},
		Fields: []web.FormField{textField("name", pg.T("admin.name"), domain.MaxAdminNameLen),
			selectField("role", pg.T("admin.role"), labelled(pg, "role.", b.Roles, nil)),
			selectField("department", pg.T("queue.department"), deptOptions(b.Departments, u.Department, "—")),
			password, textField("zalo_user_id", pg.T("admin.zalo"), domain.MaxZaloUserIDLen),
			checkField("digest", pg.T("admin.digest")), checkField("active", pg.T("admin.active.hint"))}}
	return e, map[string]string{"name": u.Name, "role": string(u.Role), "department": u.Department,
		"zalo_user_id": u.ZaloUserID, "digest": flag(u.Digest), "active": flag(u.Active)}, true
}

// saveUser saves an account's form; an empty password leaves it as it is,
// a new one (checked before anything is written) ends the account's
// sessions as the JSON API's does.
func saveUser(p *pages, c *gin.Context, id int64) error {
	var hash *string
	if pw := c.PostForm("password"); pw != "" {
		h, err := httpx.HashNewPassword(pw)
		if err != nil {
			return err
		}
		hash = &h
	}
	_, err := p.Store.AdminUpdateUser(c.Request.Context(), httpx.ScopeOf(c), id, domain.UserPatch{Name: formStr(c, "name"),
		Role: (*domain.Role)(formStr(c, "role")), Department: formStr(c, "department"), Active: formCheck(c, "active"),
		Digest: formCheck(c, "digest"), ZaloUserID: formStr(c, "zalo_user_id")}, hash)
	return err
}

func editHolidayForm(pg *web.Page, b web.AdminBody, id int64) (*web.AdminEdit, map[string]string, bool) {
	h, ok := findRow(b.Holidays, id, func(h domain.HolidayRecord) int64 { return h.ID })
	if !ok {
		return nil, nil, false
	}
	unit := h.Unit
	if unit == "" {
		unit = pg.T("admin.national")
	}
	e := &web.AdminEdit{ID: id, Title: pg.Day(h.Date) + " " + h.Name, Facts: []web.Fact{{Label: pg.T("track.unit"), Value: unit}},
		Fields: []web.FormField{{Name: "date", Label: pg.T("admin.date"), Type: "date"},
			textField("name", pg.T("admin.name"), domain.MaxHolidayNameLen), checkField("makeup", pg.T("admin.dayoff.makeup.hint"))}}
	return e, map[string]string{"date": h.Date, "name": h.Name, "makeup": flag(!h.Off)}, true
}

func saveHoliday(p *pages, c *gin.Context, id int64) error {
	patch := domain.HolidayPatch{Name: formStr(c, "name")}
	if d := formStr(c, "date"); d != nil {
		day := strings.TrimSpace(*d)
		patch.Date = &day
	}
	if makeup := formCheck(c, "makeup"); makeup != nil {
		off := !*makeup
		patch.Off = &off
	}
	_, err := p.Store.AdminUpdateHoliday(c.Request.Context(), httpx.ScopeOf(c), id, patch)
	return err
}

func editChannelForm(pg *web.Page, b web.AdminBody, id int64) (*web.AdminEdit, map[string]string, bool) {
	a, ok := findRow(b.Channels, id, func(a domain.ChannelAccount) int64 { return a.ID })
	if !ok {
		return nil, nil, false
	}
	stored := func(enc []byte) string {
		if len(enc) > 0 {
			return pg.T("admin.token.stored")
		}
		return pg.T("admin.token.none")
	}
	var units []web.Option
	for _, u := range b.Units4 {
		if u.Active || u.Code == a.UnitCode {
			units = append(units, web.Option{Value: u.Code, Label: u.Name})
		}
	}
	token := func(name, label string) web.FormField {
		return web.FormField{Name: name, Label: label, Type: "password", Hint: pg.T("admin.token.hint"), Max: domain.MaxTokenLen}
	}
	name := a.Name
	if name == "" {
		name = a.AccountID
	}
	e := &web.AdminEdit{ID: id, Title: name,
		Facts: []web.Fact{{Label: pg.T("admin.platform"), Value: pg.T("platform." + string(a.Platform))},
			{Label: pg.T("admin.account"), Value: a.AccountID}, {Label: pg.T("admin.tickets"), Value: strconv.Itoa(a.Tickets)},
			{Label: pg.T("admin.token"), Value: stored(a.AccessTokenEnc)}, {Label: pg.T("admin.secret"), Value: stored(a.SecretKeyEnc)}},
		Fields: []web.FormField{textField("name", pg.T("admin.name"), domain.MaxAccountNameLen),
			selectField("unit", pg.T("track.unit"), units), textField("app_id", pg.T("admin.appid"), domain.MaxAccountIDLen),
			token("access_token", pg.T("admin.token")), token("secret_key", pg.T("admin.secret")),
			checkField("active", pg.T("admin.active.hint"))}}
	return e, map[string]string{"name": a.Name, "unit": a.UnitCode, "app_id": a.AppID, "active": flag(a.Active)}, true
}

// saveChannel saves a channel account's form. A token typed in replaces
// the stored one, sealed for the account as the JSON API seals it; an
// empty one leaves it as it is (a stored token is never shown back).
func saveChannel(p *pages, c *gin.Context, id int64) error {
	ctx, sc := c.Request.Context(), httpx.ScopeOf(c)
	cur, err := p.Store.GetChannelAccount(ctx, &sc, id)
	if err != nil {
		return err
	}
	u := domain.ChannelAccountUpdate{Unit: formStr(c, "unit"), AppID: formStr(c, "app_id"), Name: formStr(c, "name"),
		Active: formCheck(c, "active")}
	if u.Unit != nil && *u.Unit == "" {
		u.Unit = nil
	}
	for _, t := range []struct {
		field string
		dst   **[]byte
	}{{"access_token", &u.AccessTokenEnc}, {"secret_key", &u.SecretKeyEnc}} {
		plain := strings.TrimSpace(c.PostForm(t.field))
		if plain == "" {
			continue
		}
		sealed, err := p.SealToken(cur.Platform, cur.AccountID, t.field, plain)
		if err != nil {
			return err
		}
		*t.dst = &sealed
	}
	_, err = p.Store.UpdateChannelAccount(ctx, &sc, id, u)
	return err
}
