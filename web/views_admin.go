package web

import (
	"net/url"
	"strings"

	"caunoi/domain"
)

// AdminSections are the admin's pages, in the order of its menu.
var AdminSections = []string{"units", "departments", "categories", "rules", "users", "holidays", "channels", "apikeys"}

// AdminBody is one admin settings page: Section names it and says which of
// the lists is filled.
type AdminBody struct {
	Section  string
	Sections []string
	Unit     string              // the unit shown (?unit=), "" the admin's own
	Units4   []domain.UnitRecord // the units to choose from

	Units       []domain.UnitRecord
	Departments []domain.DepartmentRecord
	Categories  []domain.CategoryRecord
	Rules       []domain.RuleRecord
	Users       []domain.UserRecord
	Holidays    []domain.HolidayRecord
	Channels    []domain.ChannelAccount
	APIKeys     []domain.APIKey

	// choices of the forms
	Kinds         []domain.Kind
	ChannelKinds  []domain.Channel
	Roles         []domain.Role
	Levels        []domain.UnitLevel
	DeadlineUnits []domain.DeadlineUnit
	Platforms     []domain.Platform

	Test   *RouteTest // the "test this text" answer
	NewKey string     // a new API key, shown once
	Edit   *AdminEdit // the edit form of one row, shown instead of the list
}

// AdminEdit is the edit form of one row: what cannot change, shown as
// text, then the fields, whose values and errors are the page's Values and
// Errors under each field's name. One template draws every section's form.
type AdminEdit struct {
	ID     int64
	Title  string // the row's name
	Facts  []Fact
	Fields []FormField
}

// Fact is a read-only line of an edit form: a label and a value, translated.
type Fact struct {
	Label string
	Value string
}

// FormField is one field of an edit form. Type is an <input> type, or
// "select", "textarea", "checkbox"; a password field is never filled
// back. A checkbox posts "0" unticked and "1" ticked, so that a form
// without it (the rules' move buttons) leaves the value as it is.
type FormField struct {
	Name    string
	Label   string
	Type    string
	Options []Option // of a select
	Hint    string
	Max     int // maxlength of a text, or max of a number; 0: none
}

// Option is a choice of a select: the posted value and its label.
type Option struct {
	Value string
	Label string
}

// Described returns the ids a field's aria-describedby names: its hint and
// its error message, when it has them.
func (f FormField) Described(err string) string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, "h-"+f.Name)
	}
	if err != "" {
		ids = append(ids, "e-"+f.Name)
	}
	return strings.Join(ids, " ")
}

// RouteTest is where a test text would go.
type RouteTest struct {
	Department     string // name, "" for none
	DepartmentCode string
	Category       string
	Keyword        string
	Rule           int64 // 0 for none
}

// UnitScoped reports whether the section lists the rows of one unit.
func (b AdminBody) UnitScoped() bool {
	switch b.Section {
	case "departments", "categories", "rules", "users", "holidays", "channels":
		return true
	}
	return false
}

// Q returns the query string that keeps the unit shown ("" or "?unit=X").
func (b AdminBody) Q() string {
	if b.Unit == "" {
		return ""
	}
	return "?unit=" + url.QueryEscape(b.Unit)
}

// DeptName returns the name of a department of the list by its code (the
// code itself when it is not listed).
func (b AdminBody) DeptName(code string) string {
	for _, d := range b.Departments {
		if d.Code == code {
			return d.Name
		}
	}
	return code
}

// UnitName returns the name of a unit of the list by its code (the code
// itself when it is not listed).
func (b AdminBody) UnitName(code string) string {
	for _, u := range b.Units4 {
		if u.Code == code {
			return u.Name
		}
	}
	return code
}

// CatName returns the name of a category of the list by its code (the code
// itself when it is not listed).
func (b AdminBody) CatName(code string) string {
	for _, c := range b.Categories {
		if c.Code == code {
			return c.Name
		}
	}
	return code
}

// Section returns the title of an admin section.
func (p *Page) Section(s string) string { return p.T("admin." + s) }

// FieldMsg returns the message of a field error code (required, invalid,
// too_long...) in the page's language.
func FieldMsg(lang, code string) string {
	if HasString("field." + code) {
		return T(lang, "field."+code)
	}
	return T(lang, "field.invalid")
}
