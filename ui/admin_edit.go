package ui

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/web"
)

// adminEdit is how the pages edit one section's rows, through the store
// method of the JSON API's PATCH and so with its validation. form describes
// the edit form and fills it from the row as the section lists it (false:
// the list has no such row); save turns the posted form into the store's
// patch, a field the form does not carry left as it is.
type adminEdit struct {
	form func(pg *web.Page, b web.AdminBody, id int64) (*web.AdminEdit, map[string]string, bool)
	save func(p *pages, c *gin.Context, id int64) error
}

// adminEditPage handles GET /admin/{section}/{id}: the row's edit form.
func (p *pages) adminEditPage(section string) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, ok := p.pathRowID(c)
		if !ok {
			return
		}
		if pg, ok := p.loadEdit(c, section, id); ok {
			p.render(c, http.StatusOK, "admin", pg)
		}
	}
}

// adminSave handles POST /admin/{section}/{id}: the edit form (or a part of
// it, as the rules' move buttons send) saved, then back to the list with a
// notice; a bad value shows the form again with the messages next to the
// fields, the values kept and nothing changed.
func (p *pages) adminSave(section string) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, ok := p.pathRowID(c)
		if !ok {
			return
		}
		p.adminDone(c, section, id, "saved", adminEdits[section].save(p, c, id), nil)
	}
}

// loadEdit builds the edit page of row id: the section's page (for its
// choices) with the form filled from the row. The list is the one of the
// unit shown (?unit=, which the edit links carry): a row it does not have
// gets the 404 page.
func (p *pages) loadEdit(c *gin.Context, section string, id int64) (*web.Page, bool) {
	pg, ok := p.loadAdmin(c, section)
	if !ok {
		return nil, false
	}
	b := pg.Body.(web.AdminBody)
	e, values, found := adminEdits[section].form(pg, b, id)
	if !found {
		p.errorPage(c, http.StatusNotFound, web.T(lang(c), "error.404"))
		return nil, false
	}
	b.Edit = e
	pg.Body = b
	pg.Values = values
	pg.Title = pg.T("admin.edit.title", e.Title)
	return pg, true
}

// pathRowID reads the row id of an admin page's path, answering the 404
// page for a malformed one.
func (p *pages) pathRowID(c *gin.Context) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		p.errorPage(c, http.StatusNotFound, web.T(lang(c), "error.404"))
		return 0, false
	}
	return id, true
}

// editOrder returns the names of an edit form's fields, in order.
func editOrder(pg *web.Page) []string {
	b, _ := pg.Body.(web.AdminBody)
	if b.Edit == nil {
		return nil
	}
	out := make([]string, len(b.Edit.Fields))
	for i, f := range b.Edit.Fields {
		out[i] = f.Name
	}
	return out
}

// secretField reports whether a form field is never shown back.
func secretField(f string) bool { return f == "password" || f == "access_token" || f == "secret_key" }

// formNames maps the store's field names to the forms' where they differ.
var formNames = map[string]string{"deadline.amount": "amount", "deadline.unit": "deadline_unit"}

// formError returns de with its fields named as the forms name them.
func formError(de *domain.Error) *domain.Error {
	out := *de
	out.Fields = make(map[string]string, len(de.Fields))
	for k, v := range de.Fields {
		if n, ok := formNames[k]; ok {
			k = n
		}
		out.Fields[k] = v
	}
	return &out
}

// formStr returns a posted field (its last value: an edit form's checkbox
// follows its hidden "0"), or nil when the form does not carry it.
func formStr(c *gin.Context, name string) *string {
	vs, ok := c.GetPostFormArray(name)
	if !ok || len(vs) == 0 {
		return nil
	}
	return &vs[len(vs)-1]
}

// formCheck reads an edit form's checkbox ("0" unticked, "1" ticked), nil
// when the form does not carry it.
func formCheck(c *gin.Context, name string) *bool {
	v := formStr(c, name)
	if v == nil {
		return nil
	}
	on := *v == "1"
	return &on
}

// formListOf reads a comma-separated field as formList does, nil when the
// form does not carry it.
func formListOf(c *gin.Context, name string) *[]string {
	if formStr(c, name) == nil {
		return nil
	}
	l := formList(c, name)
	if l == nil {
		l = []string{}
	}
	return &l
}

// formPosition reads a position counted from 1 as the store's index (from
// 0); nil when empty or absent.
func formPosition(c *gin.Context) (*int, error) {
	v := formStr(c, "position")
	if v == nil || strings.TrimSpace(*v) == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(*v))
	if err != nil || n < 1 || n > domain.MaxPosition {
		return nil, domain.Invalid("Thứ tự không hợp lệ.", "The position is not valid.",
			map[string]string{"position": domain.FieldInvalid})
	}
	n--
	return &n, nil
}

// formDeadline reads a category's deadline: amount and deadline_unit, each
// nil when absent; an amount that is not a whole number is invalid_input.
func formDeadline(c *gin.Context) (*int, *domain.DeadlineUnit, error) {
	unit := (*domain.DeadlineUnit)(formStr(c, "deadline_unit"))
	v := formStr(c, "amount")
	if v == nil {
		return nil, unit, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(*v))
	if err != nil {
		return nil, nil, domain.Invalid("Thời hạn không hợp lệ.", "The deadline is not valid.",
			map[string]string{"amount": domain.FieldInvalid})
	}
	return &n, unit, nil
}

// formPeriods reads working hours written "07:30-11:30, 13:30-17:00"; nil
// when absent. Text that does not read so is invalid_input; whether the
// periods make a day is the store's check (ValidatePeriods).
func formPeriods(c *gin.Context) (*[]domain.WorkPeriod, error) {
	v := formStr(c, "work_periods")
	if v == nil {
		return nil, nil
	}
	bad := domain.Invalid("Giờ làm việc không hợp lệ.", "Invalid working hours.",
		map[string]string{"work_periods": domain.FieldInvalid})
	out := []domain.WorkPeriod{}
	for _, part := range splitComma(*v) {
		from, to, ok := strings.Cut(strings.ReplaceAll(part, "–", "-"), "-")
		start, ok1 := clockMinutes(from)
		end, ok2 := clockMinutes(to)
		if !ok || !ok1 || !ok2 {
			return nil, bad
		}
		out = append(out, domain.WorkPeriod{StartMin: start, EndMin: end})
	}
	return &out, nil
}

// clockMinutes reads "7:30" or "07:30" (up to "24:00") as minutes of the day.
func clockMinutes(s string) (int, bool) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || len(m) != 2 || hh < 0 || mm < 0 || mm > 59 || hh*60+mm > 24*60 {
		return 0, false
	}
	return hh*60 + mm, true
}

// formatPeriods writes working hours as formPeriods reads them.
func formatPeriods(ps []domain.WorkPeriod) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = clock(p.StartMin) + "-" + clock(p.EndMin)
	}
	return strings.Join(parts, ", ")
}

func clock(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }
