package open311

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/internal/httpx"
)

var (
	errO311NoKey = domain.Errorf(domain.EFORBIDDEN, "Thiếu api_key: không thể tạo yêu cầu.",
		"api_key was not provided: cannot create the request.")
	errO311BadKey = domain.Errorf(domain.EFORBIDDEN, "api_key không hợp lệ hoặc đã bị thu hồi: không thể tạo yêu cầu.",
		"Invalid api_key received: cannot create the request.")
	errO311KeyScope = domain.Errorf(domain.EFORBIDDEN, "api_key này không được gửi yêu cầu cho jurisdiction_id này.",
		"This api_key may not create requests for this jurisdiction_id.")
	errO311NotForm = domain.Invalid("Yêu cầu phải gửi dạng application/x-www-form-urlencoded.",
		"Send the request as application/x-www-form-urlencoded.", nil)
	errO311NoServiceCode = domain.Invalid("Thiếu service_code.", "service_code was not provided.",
		map[string]string{"service_code": domain.FieldRequired})
	errO311BadServiceCode = domain.Invalid("service_code không có trong danh sách dịch vụ của đơn vị.",
		"service_code was not found among the jurisdiction's services.",
		map[string]string{"service_code": domain.FieldUnknown})
	errO311NoLocation = domain.Invalid("Cần vị trí: lat và long, hoặc address_string, hoặc address_id.",
		"A location is required: lat and long, or address_string, or address_id.",
		map[string]string{"lat": domain.FieldRequired})
)

// o311Created is the answer to POST requests.
type o311Created struct {
	XMLName          xml.Name `xml:"request" json:"-"`
	ServiceRequestID string   `xml:"service_request_id" json:"service_request_id"`
	ServiceNotice    nstr     `xml:"service_notice" json:"service_notice"`
	AccountID        nstr     `xml:"account_id" json:"account_id"`
}

// readForm parses a form-encoded (or multipart) body of at most
// MaxBodyBytes; the query string's values come after the body's.
func readForm(c *gin.Context) (url.Values, error) {
	if !httpx.IsForm(c.Request) {
		return nil, errO311NotForm
	}
	if c.Request.ContentLength > httpx.MaxBodyBytes {
		return nil, httpx.ErrTooLarge
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, httpx.MaxBodyBytes)
	if err := httpx.ParseForm(c.Request); err != nil {
		return nil, err
	}
	return c.Request.Form, nil
}

// apiKey returns the key the form's api_key names: 403 when it is missing,
// unknown or revoked.
func (h *handler) apiKey(c *gin.Context, f url.Values) (domain.APIKey, error) {
	secret := strings.TrimSpace(f.Get("api_key"))
	if secret == "" {
		return domain.APIKey{}, errO311NoKey
	}
	k, err := h.s.Store.APIKeyByHash(c.Request.Context(), domain.HashAPIKey(secret))
	if domain.IsNotFound(err) || (err == nil && k.RevokedAt != nil) {
		return domain.APIKey{}, errO311BadKey
	}
	return k, err
}

// attributeAnswers collects attribute[CODE]=v and attribute[CODE][]=v.
func attributeAnswers(f url.Values) map[string][]string {
	out := map[string][]string{}
	for k, vs := range f {
		rest, ok := strings.CutPrefix(k, "attribute[")
		if !ok {
			continue
		}
		rest = strings.TrimSuffix(rest, "[]")
		code, ok := strings.CutSuffix(rest, "]")
		if !ok || code == "" {
			continue
		}
		out[code] = append(out[code], vs...)
	}
	return out
}

// location reads lat and long, address_string and address_id: at least one
// full location is required.
func open311Location(f url.Values) (domain.Location, string, error) {
	var loc domain.Location
	bad := map[string]string{}
	for _, k := range []string{"lat", "long"} {
		v := strings.TrimSpace(f.Get(k))
		if v == "" {
			continue
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			bad[k] = domain.FieldInvalid
			continue
		}
		if k == "lat" {
			loc.Lat = &x
		} else {
			loc.Lng = &x
		}
	}
	if len(bad) > 0 {
		return loc, "", domain.Invalid("lat và long phải là số (WGS84).", "lat and long must be numbers (WGS84).", bad)
	}
	loc.Address = f.Get("address_string")
	addressID := f.Get("address_id")
	if !utf8.ValidString(addressID) || utf8.RuneCountInString(addressID) > domain.MaxAddressIDLen {
		return loc, "", domain.Invalid("address_id không hợp lệ.", "address_id is not valid.",
			map[string]string{"address_id": domain.FieldInvalid})
	}
	// a location must survive normalisation: control characters alone are none
	addressID = domain.NormalizeText(addressID)
	if (loc.Lat == nil || loc.Lng == nil) && domain.NormalizeText(loc.Address) == "" && addressID == "" {
		if loc.Lat != nil || loc.Lng != nil {
			return loc, "", domain.Invalid("Cần gửi cả lat và long.", "Both lat and long need to be sent.",
				map[string]string{"lat": domain.FieldRequired, "long": domain.FieldRequired})
		}
		return loc, "", errO311NoLocation
	}
	return loc, addressID, nil
}

// postRequest handles POST /open311/v2/requests.(json|xml): check the
// api_key (403), its rate (429), the jurisdiction (400/404), the service
// (400) and its attributes, the location and the citizen's data (400), then
// store the request as an ordinary ticket of the unit on the open311
// channel. A 200 means the ticket is committed; the answer carries its
// tracking code as service_request_id.
func (h *handler) postRequest(c *gin.Context, format string) {
	ctx := c.Request.Context()
	f, err := readForm(c)
	if err != nil {
		h.fail(c, format, err)
		return
	}
	key, err := h.apiKey(c, f)
	if err != nil {
		h.fail(c, format, err)
		return
	}
	if !h.allowKey(c, format, h.keyLimit, "key:"+strconv.FormatInt(key.ID, 10)) {
		return
	}
	cat, err := h.jurisdiction(c, f)
	if err != nil {
		h.fail(c, format, err)
		return
	}
	if !key.Allows(cat.Unit) {
		h.fail(c, format, errO311KeyScope)
		return
	}
	if strings.TrimSpace(f.Get("service_code")) == "" {
		h.fail(c, format, errO311NoServiceCode)
		return
	}
	svcs, err := h.s.Store.Open311Services(ctx, cat.Unit.ID)
	if err != nil {
		h.fail(c, format, err)
		return
	}
	svc, ok := findService(svcs, f.Get("service_code"))
	if !ok {
		h.fail(c, format, errO311BadServiceCode)
		return
	}
	nt, sub, err := h.newRequest(f, cat, svc)
	if err != nil {
		h.fail(c, format, err)
		return
	}
	sub.APIKeyID = key.ID
	created, err := h.s.Store.CreateOpen311Request(ctx, cat.Unit.ID, nt, sub)
	if err != nil {
		h.fail(c, format, err)
		return
	}
	if !created.Existing {
		httpx.CountCreated(c, domain.ChannelOpen311)
	}
	dept := ""
	if created.Department != nil {
		dept = created.Department.Name
	}
	due := created.DueAt
	h.write(c, format, http.StatusOK, "service_requests", []o311Created{{ServiceRequestID: created.TrackingCode,
		ServiceNotice: nstr(serviceNotice(httpx.English(c.Request), dept, &due, h.s.Cfg.Location)),
		AccountID:     nstr(nt.Input.Citizen.ExternalID)}})
}

// newRequest validates the form as a feedback of the unit in svc's category:
// the description (at most 4,000 characters; the service's name when empty),
// the location, the citizen's data, the attributes and media_url. The
// names, phone and e-mail become the ticket's personal data and account_id
// its sender id; device_id is not kept.
func (h *handler) newRequest(f url.Values, cat *domain.Catalog, svc domain.Open311Service) (domain.NewTicket, domain.Open311Submission, error) {
	var sub domain.Open311Submission
	loc, addressID, err := open311Location(f)
	if err != nil {
		return domain.NewTicket{}, sub, err
	}
	answers, err := domain.ValidateAttributeAnswers(svc.Attributes, attributeAnswers(f))
	if err != nil {
		return domain.NewTicket{}, sub, err
	}
	desc := f.Get("description")
	if utf8.ValidString(desc) && utf8.RuneCountInString(domain.NormalizeText(desc)) > domain.MaxOpen311Description {
		return domain.NewTicket{}, sub, domain.Invalid("description quá dài (tối đa 4.000 ký tự).",
			"description is too long (4,000 characters at most).", map[string]string{"description": domain.FieldTooLong})
	}
	if strings.TrimSpace(desc) == "" {
		desc = svc.Name
	}
	media, err := domain.ValidateMediaURL(f.Get("media_url"))
	if err != nil {
		return domain.NewTicket{}, sub, err
	}
	name := strings.TrimSpace(strings.TrimSpace(f.Get("first_name")) + " " + strings.TrimSpace(f.Get("last_name")))
	in := domain.FeedbackInput{Unit: cat.Unit.Code, Kind: string(domain.KindFeedback), Category: svc.Code, Body: desc,
		Citizen: domain.Citizen{Name: name, Phone: f.Get("phone"), Email: f.Get("email"),
			ExternalID: f.Get("account_id")},
		Location: loc, Public: true, Channel: domain.ChannelOpen311}
	valid, err := domain.ValidateFeedback(in, cat.ActiveCategories())
	if err != nil {
		return domain.NewTicket{}, sub, open311Fields(err)
	}
	nt := domain.NewTicket{Input: valid, Channel: domain.ChannelOpen311}
	if media != "" {
		nt.Attachments = []domain.Attachment{{Type: "link", URL: media}}
	}
	sub.AddressID, sub.Attributes = addressID, answers
	return nt, sub, nil
}

// open311Names are the form's names of the feedback's fields.
var open311Names = map[string]string{
	"body": "description", "citizen.name": "first_name", "citizen.phone": "phone", "citizen.email": "email",
	"citizen.external_id": "account_id", "location.address": "address_string", "location.lat": "lat",
	"location.lng": "long",
}

// open311Fields renames the fields of a validation error to the form's names
// and says which field is wrong in the messages.
func open311Fields(err error) error {
	de := httpx.ToDomain(err)
	if de.Code != domain.EINVALID || len(de.Fields) == 0 {
		return err
	}
	fields := map[string]string{}
	names := make([]string, 0, len(de.Fields))
	for k, v := range de.Fields {
		if n, ok := open311Names[k]; ok {
			k = n
		}
		fields[k] = v
		names = append(names, k)
	}
	slices.Sort(names)
	return &domain.Error{Code: de.Code, Message: de.Message + " (" + strings.Join(names, ", ") + ")",
		MessageEN: de.MessageEN + " (" + strings.Join(names, ", ") + ")", Fields: fields, Err: de.Err}
}
