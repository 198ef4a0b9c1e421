package open311

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/internal/httpx"
)

// The window and pages of GET requests.
const (
	open311Window          = 90 * 24 * time.Hour // the spec's default span and longest range
	open311DefaultPageSize = 50
	open311MaxPageSize     = 100
	open311MaxIDs          = 100 // service_request_id values in one query
)

// o311Request is a service request as GET requests shows it. It has no
// field for personal data.
type o311Request struct {
	XMLName           xml.Name `xml:"request" json:"-"`
	ServiceRequestID  string   `xml:"service_request_id" json:"service_request_id"`
	Status            string   `xml:"status" json:"status"`
	StatusNotes       nstr     `xml:"status_notes" json:"status_notes"`
	ServiceName       nstr     `xml:"service_name" json:"service_name"`
	ServiceCode       nstr     `xml:"service_code" json:"service_code"`
	Description       nstr     `xml:"description" json:"description"`
	AgencyResponsible nstr     `xml:"agency_responsible" json:"agency_responsible"`
	ServiceNotice     nstr     `xml:"service_notice" json:"service_notice"`
	RequestedDatetime string   `xml:"requested_datetime" json:"requested_datetime"`
	UpdatedDatetime   string   `xml:"updated_datetime" json:"updated_datetime"`
	ExpectedDatetime  nstr     `xml:"expected_datetime" json:"expected_datetime"`
	Address           nstr     `xml:"address" json:"address"`
	AddressID         nstr     `xml:"address_id" json:"address_id"`
	Zipcode           nstr     `xml:"zipcode" json:"zipcode"`
	Lat               nnum     `xml:"lat" json:"lat"`
	Long              nnum     `xml:"long" json:"long"`
	MediaURL          nstr     `xml:"media_url" json:"media_url"`
}

// w3c formats t as a W3C datetime with the zone of loc ("2026-11-03T09:00:00+07:00").
func w3c(t time.Time, loc *time.Location) string { return t.In(loc).Format(time.RFC3339) }

func coord(f *float64) nnum {
	if f == nil {
		return ""
	}
	return nnum(strconv.FormatFloat(*f, 'f', -1, 64))
}

// serviceNotice tells what happens next: the department that handles the
// request and the time it is due, for a request still open.
func serviceNotice(en bool, dept string, due *time.Time, loc *time.Location) string {
	if due == nil {
		return ""
	}
	when := due.In(loc).Format("15:04 02/01/2006")
	switch {
	case dept != "" && en:
		return fmt.Sprintf("Forwarded to %s, to be handled by %s.", dept, when)
	case dept != "":
		return fmt.Sprintf("Đã chuyển đến %s; thời hạn giải quyết: %s.", dept, when)
	case en:
		return fmt.Sprintf("To be handled by %s.", when)
	}
	return fmt.Sprintf("Thời hạn giải quyết: %s.", when)
}

// requestOut maps a ticket to the spec's request. The description, the
// location and the media are shown only for a publishable ticket; personal
// data is never read.
func (h *handler) requestOut(c *gin.Context, r domain.Open311Request) o311Request {
	loc := h.s.Cfg.Location
	status := domain.Open311Status(r.Status)
	out := o311Request{ServiceRequestID: r.TrackingCode, Status: status, StatusNotes: nstr(r.StatusNotes),
		ServiceName: nstr(r.CategoryName), ServiceCode: nstr(r.CategoryCode),
		AgencyResponsible: nstr(r.DepartmentName), RequestedDatetime: w3c(r.CreatedAt, loc),
		UpdatedDatetime: w3c(r.UpdatedAt, loc)}
	if r.ClosedAt != nil {
		out.UpdatedDatetime = w3c(*r.ClosedAt, loc)
	}
	if r.DueAt != nil {
		out.ExpectedDatetime = nstr(w3c(*r.DueAt, loc))
	}
	if status == "open" {
		out.ServiceNotice = nstr(serviceNotice(httpx.English(c.Request), r.DepartmentName, r.DueAt, loc))
	}
	if r.Publishable() {
		out.Description, out.Address, out.AddressID = nstr(r.Body), nstr(r.Address), nstr(r.AddressID)
		out.Lat, out.Long, out.MediaURL = coord(r.Lat), coord(r.Lng), nstr(r.MediaURL)
	}
	return out
}

// splitList returns the values of a parameter that may be given several
// times and comma-separated, trimmed, without empty ones.
func splitList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, x := range strings.Split(v, ",") {
			if x = strings.TrimSpace(x); x != "" {
				out = append(out, x)
			}
		}
	}
	return out
}

func badParam(name, vi, en string) error {
	return domain.Invalid(vi, en, map[string]string{name: domain.FieldInvalid})
}

// requestFilter reads GET requests' arguments: service_request_id (which
// overrides the others; Codes is then non-nil, empty when no id is
// well-formed), service_code, start_date, end_date, status, and
// page / page_size. The window is the spec's: the last 90 days when no date
// is given, 90 days from start_date or up to end_date when one is, and at
// most 90 days when both are.
func (h *handler) requestFilter(q url.Values) (domain.Open311Filter, error) {
	var f domain.Open311Filter
	if ids := splitList(q["service_request_id"]); len(ids) > 0 {
		if len(ids) > open311MaxIDs {
			return f, badParam("service_request_id", "Tối đa 100 service_request_id trong một truy vấn.",
				"At most 100 service_request_id values in one query.")
		}
		f.Codes = []string{}
		for _, id := range ids {
			if code, err := domain.ParseTrackingCode(id); err == nil {
				f.Codes = append(f.Codes, code)
			}
		}
		f.Limit = open311MaxIDs
		return f, nil
	}
	loc := h.s.Cfg.Location
	var start, end time.Time
	var err error
	if v := q.Get("start_date"); v != "" {
		if start, err = domain.ParseW3CTime(v, loc); err != nil {
			return f, badParam("start_date", "start_date không đúng định dạng W3C (ví dụ 2026-11-03T00:00:00+07:00).",
				"start_date is not a W3C datetime (for example 2026-11-03T00:00:00+07:00).")
		}
	}
	if v := q.Get("end_date"); v != "" {
		if end, err = domain.ParseW3CTime(v, loc); err != nil {
			return f, badParam("end_date", "end_date không đúng định dạng W3C (ví dụ 2026-11-03T23:59:59+07:00).",
				"end_date is not a W3C datetime (for example 2026-11-03T23:59:59+07:00).")
		}
	}
	switch {
	case start.IsZero() && end.IsZero():
		end = h.s.Cfg.Now()
		start = end.Add(-open311Window)
	case end.IsZero():
		end = start.Add(open311Window)
	case start.IsZero():
		start = end.Add(-open311Window)
	case end.Before(start):
		return f, badParam("end_date", "end_date phải sau start_date.", "end_date must not be before start_date.")
	case end.Sub(start) > open311Window:
		return f, badParam("end_date", "Khoảng từ start_date đến end_date không được quá 90 ngày.",
			"The range from start_date to end_date may not span more than 90 days.")
	}
	f.From, f.To = start, end
	for _, code := range splitList(q["service_code"]) {
		f.ServiceCodes = append(f.ServiceCodes, strings.ToLower(code))
	}
	for _, st := range splitList(q["status"]) {
		sts, ok := domain.StatusesOf(strings.ToLower(st))
		if !ok {
			return f, badParam("status", "status chỉ nhận open hoặc closed.", "status must be open or closed.")
		}
		f.Statuses = append(f.Statuses, sts...)
	}
	page, size := 1, open311DefaultPageSize
	if v := q.Get("page"); v != "" {
		if page, err = strconv.Atoi(v); err != nil || page < 1 || page > 1_000_000 {
			return f, badParam("page", "page phải là số nguyên dương.", "page must be a positive integer.")
		}
	}
	if v := q.Get("page_size"); v != "" {
		if size, err = strconv.Atoi(v); err != nil || size < 1 || size > open311MaxPageSize {
			return f, badParam("page_size", "page_size phải từ 1 đến 100.", "page_size must be from 1 to 100.")
		}
	}
	f.Limit, f.Offset = size, (page-1)*size
	f.PublicOnly = true
	return f, nil
}

// listRequests handles GET /open311/v2/requests.(json|xml): the unit's
// public requests in the window, newest first, one page; or the requests
// named by service_request_id (any of the unit's, as by their code).
func (h *handler) listRequests(c *gin.Context, format string) {
	q := c.Request.URL.Query()
	cat, err := h.jurisdiction(c, q)
	if err != nil {
		h.fail(c, format, err)
		return
	}
	f, err := h.requestFilter(q)
	if err != nil {
		h.fail(c, format, err)
		return
	}
	out := []o311Request{}
	if f.Codes != nil {
		if !h.allow(c, format) {
			return
		}
		if len(f.Codes) == 0 { // only malformed ids: none of them exists
			h.write(c, format, http.StatusOK, "service_requests", out)
			return
		}
	}
	rs, err := h.s.Store.Open311Requests(c.Request.Context(), cat.Unit.ID, f)
	if err != nil {
		h.fail(c, format, err)
		return
	}
	for _, r := range rs {
		out = append(out, h.requestOut(c, r))
	}
	h.write(c, format, http.StatusOK, "service_requests", out)
}

var errO311UnknownRequest = domain.NotFound("service_request_id này", "service_request_id")

// oneRequest returns the unit's ticket with the tracking code given as id,
// or not_found.
func (h *handler) oneRequest(c *gin.Context, cat *domain.Catalog, id string) (domain.Open311Request, error) {
	code, err := domain.ParseTrackingCode(id)
	if err != nil {
		return domain.Open311Request{}, errO311UnknownRequest
	}
	rs, err := h.s.Store.Open311Requests(c.Request.Context(), cat.Unit.ID, domain.Open311Filter{Codes: []string{code}, Limit: 1})
	if err != nil {
		return domain.Open311Request{}, err
	}
	if len(rs) == 0 {
		return domain.Open311Request{}, errO311UnknownRequest
	}
	return rs[0], nil
}

// getRequest handles GET /open311/v2/requests/{id}.(json|xml); id is the
// tracking code.
func (h *handler) getRequest(c *gin.Context) {
	id, format, ok := splitFile(c.Param("file"))
	if !ok {
		h.fail(c, format, errO311NoResource)
		return
	}
	cat, err := h.jurisdiction(c, c.Request.URL.Query())
	if err != nil {
		h.fail(c, format, err)
		return
	}
	if !h.allow(c, format) {
		return
	}
	r, err := h.oneRequest(c, cat, id)
	if err != nil {
		h.fail(c, format, err)
		return
	}
	h.write(c, format, http.StatusOK, "service_requests", []o311Request{h.requestOut(c, r)})
}

type o311Token struct {
	XMLName          xml.Name `xml:"request" json:"-"`
	ServiceRequestID string   `xml:"service_request_id" json:"service_request_id"`
	Token            string   `xml:"token" json:"token"`
}

// getToken handles GET /open311/v2/tokens/{token}.(json|xml). Requests are
// created at once here (every service is "realtime") and a POST answers with
// the service_request_id, never a token; for clients that ask anyway, a
// token is the request's tracking code and maps to itself.
func (h *handler) getToken(c *gin.Context) {
	token, format, ok := splitFile(c.Param("file"))
	if !ok {
		h.fail(c, format, errO311NoResource)
		return
	}
	cat, err := h.jurisdiction(c, c.Request.URL.Query())
	if err != nil {
		h.fail(c, format, err)
		return
	}
	if !h.allow(c, format) {
		return
	}
	r, err := h.oneRequest(c, cat, token)
	if domain.IsNotFound(err) {
		err = domain.NotFound("token này", "token")
	}
	if err != nil {
		h.fail(c, format, err)
		return
	}
	h.write(c, format, http.StatusOK, "service_requests", []o311Token{{ServiceRequestID: r.TrackingCode, Token: token}})
}
