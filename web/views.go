package web

import (
	"fmt"
	"net/url"
	"time"

	"caunoi/domain"
)

// Page is what every template receives: the language, the request's CSRF
// token, messages, the field errors and values of a form shown again, and
// the page's own Body (one of the *Body types below).
type Page struct {
	Lang   string // "vi" or "en"
	Title  string // already translated
	Path   string // the request's path and query, for the language switch
	CSRF   string // the token every form carries in csrf_token
	Loc    *time.Location
	Now    time.Time
	Staff  *StaffUser        // the signed-in staff member on staff pages, else nil
	Notice string            // a success message, translated
	Alert  string            // a message for the whole page, translated
	Errors map[string]string // field → message, shown next to the field
	Fields []FieldError      // the same in form order, for the summary
	Values map[string]string
	Body   any
}

// FieldError is one entry of a form's error summary; ID is the field's
// element id, so that the summary links to it.
type FieldError struct {
	ID      string
	Message string
}

// StaffUser is who is signed in, for the staff pages' header.
type StaffUser struct {
	Name string
	Role domain.Role
	Unit string
}

// En reports whether the page is in English.
func (p *Page) En() bool { return p.Lang == "en" }

// T returns the string key in the page's language, formatted with args
// (fmt verbs) when given; an unknown key is returned as it is.
func (p *Page) T(key string, args ...any) string { return T(p.Lang, key, args...) }

// Status returns the label of a ticket status.
func (p *Page) Status(s domain.Status) string { return p.T("status." + string(s)) }

// Kind returns the label of a ticket kind.
func (p *Page) Kind(k domain.Kind) string { return p.T("kind." + string(k)) }

// Channel returns the label of a channel.
func (p *Page) Channel(c domain.Channel) string { return p.T("channel." + string(c)) }

// Event returns the label of a timeline event type.
func (p *Page) Event(e domain.EventType) string { return p.T("event." + string(e)) }

// Role returns the label of a staff role.
func (p *Page) Role(r domain.Role) string { return p.T("role." + string(r)) }

// Time formats a time.Time or *time.Time in the page's time zone
// (dd/mm/yyyy hh:mm); nil or zero is "—".
func (p *Page) Time(v any) string { return p.format(v, "02/01/2006 15:04") }

// Date formats like Time without the hour.
func (p *Page) Date(v any) string { return p.format(v, "02/01/2006") }

// ISO formats a time for a <time datetime> attribute.
func (p *Page) ISO(v any) string { return p.format(v, time.RFC3339) }

func (p *Page) format(v any, layout string) string {
	var t time.Time
	switch x := v.(type) {
	case time.Time:
		t = x
	case *time.Time:
		if x != nil {
			t = *x
		}
	}
	if t.IsZero() {
		return "—"
	}
	if p.Loc != nil {
		t = t.In(p.Loc)
	}
	return t.Format(layout)
}

// Err returns the error message of a form field, or "".
func (p *Page) Err(field string) string { return p.Errors[field] }

// Val returns the value a form field had when the form is shown again.
func (p *Page) Val(field string) string { return p.Values[field] }

// LangURL returns the link that switches the page to lang.
func (p *Page) LangURL(lang string) string {
	return "/lang/" + lang + "?next=" + url.QueryEscape(p.Path)
}

// Stars returns "★★★☆☆" for a score out of 5.
func (p *Page) Stars(score *int) string {
	if score == nil {
		return ""
	}
	s := ""
	for i := 1; i <= 5; i++ {
		if i <= *score {
			s += "★"
		} else {
			s += "☆"
		}
	}
	return s
}

// Int returns *n as text, or "" for nil.
func (p *Page) Int(n *int) string {
	if n == nil {
		return ""
	}
	return fmt.Sprint(*n)
}

// HomeBody is the citizen's start page: the units to choose from.
type HomeBody struct {
	Groups []UnitGroup
	Code   string // a tracking code typed in the lookup form
}

// UnitGroup is a province and its communes and wards.
type UnitGroup struct {
	Name  string
	Units []domain.Unit
}

// FormBody is the feedback form of a unit.
type FormBody struct {
	Unit       domain.Unit
	Categories []domain.Category
	Kinds      []domain.Kind
	Stamp      string // the signed time the form was shown (fill-time check)
	MaxPhotoMB int
}

// TrackBody is the citizen's view of a ticket.
type TrackBody struct {
	Ticket      domain.PublicTicket
	New         bool   // just submitted: show the code large
	URL         string // the page's full address, to keep
	CanFollowUp bool
}

// LoginBody is the staff sign-in form.
type LoginBody struct {
	Next string
}

// QueueBody is the staff queue with its filters.
type QueueBody struct {
	Items       []QueueItem
	NextURL     string // the next page, "" on the last
	FirstURL    string // the first page, "" when on it
	Departments []domain.Department
	Categories  []domain.Category
	Statuses    []domain.Status
	Kinds       []domain.Kind
	Channels    []domain.Channel
	UnitWide    bool
}

// QueueItem is one row of the queue with its deadline marks.
type QueueItem struct {
	domain.TicketItem
	DueSoon bool
}

// TicketBody is the staff ticket page.
type TicketBody struct {
	Ticket      domain.TicketDetail
	Overdue     bool
	DueSoon     bool
	Similar     []domain.TicketItem
	Departments []domain.Department
	Categories  []domain.Category
	Colleagues  []domain.User // people the ticket may be assigned to
	Events      []EventView
	CanWork     bool // reply, status, extend, merge (domain.Can)
	CanNote     bool
	CanAssign   bool
	// CanAssignSelf: the caller may take the ticket (not a complaint's or
	// a denunciation's handler, who is chosen by the head or the leader)
	CanAssignSelf bool
	CanTransfer   bool
	SelfID        int64
	Form          string // the form whose errors are shown
}

// EventView is a timeline entry with a readable summary of its data.
type EventView struct {
	domain.Event
	Summary string
}

// ConfirmBody asks before an action that cannot be undone from the page
// (deactivating, deleting, revoking): the question, the button that posts
// Action again with confirm=yes, and the way Back.
type ConfirmBody struct {
	Title, Question, Yes string
	Action, Back         string
}

// ErrorBody is an error page.
type ErrorBody struct {
	Status  int
	Message string
	Back    string
}
