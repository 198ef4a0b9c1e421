package open311_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"caunoi/internal/apitest"
)

// The spec's element and field names (wiki.open311.org/GeoReport_v2).
var (
	specRequestFields = []string{"service_request_id", "status", "status_notes", "service_name", "service_code",
		"description", "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
		"expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"}
	specServiceFields   = []string{"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
	specAttributeFields = []string{"variable", "code", "datatype", "required", "datatype_description", "order",
		"description", "values"}
)

// xmlRequest decodes a <request> with the spec's element names.
type xmlRequest struct {
	ServiceRequestID  string `xml:"service_request_id"`
	Token             string `xml:"token"`
	Status            string `xml:"status"`
	StatusNotes       string `xml:"status_notes"`
	ServiceName       string `xml:"service_name"`
	ServiceCode       string `xml:"service_code"`
	Description       string `xml:"description"`
	AgencyResponsible string `xml:"agency_responsible"`
	ServiceNotice     string `xml:"service_notice"`
	RequestedDatetime string `xml:"requested_datetime"`
	UpdatedDatetime   string `xml:"updated_datetime"`
	ExpectedDatetime  string `xml:"expected_datetime"`
	Address           string `xml:"address"`
	AddressID         string `xml:"address_id"`
	Zipcode           string `xml:"zipcode"`
	Lat               string `xml:"lat"`
	Long              string `xml:"long"`
	MediaURL          string `xml:"media_url"`
	AccountID         string `xml:"account_id"`
}

type xmlServiceRequests struct {
	XMLName  xml.Name     `xml:"service_requests"`
	Requests []xmlRequest `xml:"request"`
}

type xmlErrors struct {
	XMLName xml.Name `xml:"errors"`
	Errors  []struct {
		Code        int    `xml:"code"`
		Description string `xml:"description"`
	} `xml:"error"`
}

// jsonRequest decodes a request with the spec's JSON field names.
type jsonRequest struct {
	ServiceRequestID  string   `json:"service_request_id"`
	Token             string   `json:"token"`
	Status            string   `json:"status"`
	StatusNotes       *string  `json:"status_notes"`
	ServiceName       *string  `json:"service_name"`
	ServiceCode       *string  `json:"service_code"`
	Description       *string  `json:"description"`
	AgencyResponsible *string  `json:"agency_responsible"`
	ServiceNotice     *string  `json:"service_notice"`
	RequestedDatetime string   `json:"requested_datetime"`
	UpdatedDatetime   string   `json:"updated_datetime"`
	ExpectedDatetime  *string  `json:"expected_datetime"`
	Address           *string  `json:"address"`
	AddressID         *string  `json:"address_id"`
	Lat               *float64 `json:"lat"`
	Long              *float64 `json:"long"`
	MediaURL          *string  `json:"media_url"`
	AccountID         *string  `json:"account_id"`
}

// elements returns the names of the XML document's elements in order,
// failing unless it starts with the XML declaration with encoding utf-8.
func elements(t *testing.T, body []byte) []string {
	t.Helper()
	if !bytes.HasPrefix(body, []byte(`<?xml version="1.0" encoding="utf-8"?>`)) {
		t.Fatalf("no XML declaration with utf-8: %s", body)
	}
	var names []string
	d := xml.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return names
		}
		if err != nil {
			t.Fatalf("malformed XML %v: %s", err, body)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if se.Name.Space != "" || len(se.Attr) > 0 {
				t.Fatalf("element %v has a namespace or attributes", se.Name)
			}
			names = append(names, se.Name.Local)
		}
	}
}

// hasElements fails unless the document's root is root and every name appears.
func hasElements(t *testing.T, body []byte, root string, names ...string) {
	t.Helper()
	got := elements(t, body)
	if len(got) == 0 || got[0] != root {
		t.Fatalf("root %v, want <%s>: %s", got, root, body)
	}
	for _, n := range names {
		if !slices.Contains(got, n) {
			t.Errorf("no <%s> element in %s", n, body)
		}
	}
}

func decodeXML(t *testing.T, r *apitest.Response, v any) {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "text/xml; charset=utf-8" {
		t.Fatalf("Content-Type %q", ct)
	}
	if err := xml.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode XML %v: %s", err, r.Body)
	}
}

func DecodeJSON(t *testing.T, r *apitest.Response, v any) {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Fatalf("Content-Type %q", ct)
	}
	r.JSON(t, v)
}

// keysOf returns the sorted keys of each object of a JSON array.
func keysOf(t *testing.T, r *apitest.Response) [][]string {
	t.Helper()
	var items []map[string]json.RawMessage
	r.JSON(t, &items)
	out := make([][]string, len(items))
	for i, it := range items {
		for k := range it {
			out[i] = append(out[i], k)
		}
		sort.Strings(out[i])
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}

// wantError checks a GeoReport error in either format: the HTTP status and
// the same code in the spec's body, with a description.
func wantError(t *testing.T, r *apitest.Response, format string, status int) string {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	if format == "xml" {
		hasElements(t, r.Body, "errors", "error", "code", "description")
		var e xmlErrors
		decodeXML(t, r, &e)
		if len(e.Errors) == 0 || e.Errors[0].Code != status || e.Errors[0].Description == "" {
			t.Fatalf("errors %+v", e)
		}
		return e.Errors[0].Description
	}
	var e []struct {
		Code        int    `json:"code"`
		Description string `json:"description"`
	}
	DecodeJSON(t, r, &e)
	if len(e) == 0 || e[0].Code != status || e[0].Description == "" {
		t.Fatalf("errors %s", r.Body)
	}
	return e[0].Description
}

func newKey(t *testing.T, e *apitest.Env, unit string) string {
	t.Helper()
	_, secret, err := e.Store.CreateAPIKey(context.Background(), nil, "Ứng dụng 311 thử nghiệm", unit)
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

func post311(e *apitest.Env, format string, form url.Values, headers ...string) *apitest.Response {
	e.T.Helper()
	return e.Request("POST", "/open311/v2/requests."+format, []byte(form.Encode()),
		append([]string{"Content-Type: application/x-www-form-urlencoded; charset=utf-8"}, headers...)...)
}

func streetLightRequest(key string) url.Values {
	return url.Values{"api_key": {key}, "jurisdiction_id": {"xuan-lung"}, "service_code": {"chieu-sang"},
		"lat": {"21.32"}, "long": {"105.4"}, "address_string": {"Đầu ngõ 12, thôn Đông"},
		"description": {"Đèn đường đầu ngõ 12 không sáng đã ba đêm."},
		"first_name":  {"Nguyễn"}, "last_name": {"Văn An"}, "phone": {"0912 345 678"}, "email": {"an@example.vn"},
		"account_id": {"acct-777"}, "device_id": {"dev-1"}, "media_url": {"https://example.org/den-hong.jpg"}}
}

// streetLightAttributes gives xuan-lung's chieu-sang a service definition.
const streetLightAttributes = `[
 {"variable": true, "code": "POLE", "datatype": "string", "required": true,
  "datatype_description": "Số hiệu sơn trên cột", "order": 1, "description": "Số hiệu cột đèn"},
 {"variable": true, "code": "FAULT", "datatype": "singlevaluelist", "required": false, "datatype_description": "",
  "order": 2, "description": "Đèn hỏng thế nào?",
  "values": [{"key": "dark", "name": "Không sáng"}, {"key": "flicker", "name": "Chập chờn"}]},
 {"variable": false, "code": "NOTE", "datatype": "text", "required": false, "datatype_description": "",
  "order": 3, "description": "Đèn hỏng do sét đánh được sửa trong 24 giờ."}]`

func withAttributes(e *apitest.Env) {
	e.DB.MustExec(`UPDATE categories SET attributes = $1 WHERE code = 'chieu-sang'
		AND unit_id = (SELECT id FROM units WHERE code = 'xuan-lung')`, streetLightAttributes)
}

func TestOpen311Discovery(t *testing.T) {
	e := apitest.New(t)
	r := e.Get311("discovery.json", nil)
	var d struct {
		Changeset  string `json:"changeset"`
		Contact    string `json:"contact"`
		KeyService string `json:"key_service"`
		Endpoints  []struct {
			Specification, URL, Changeset, Type string
			Formats                             []string
		} `json:"endpoints"`
	}
	DecodeJSON(t, r, &d)
	if r.Status != 200 || d.Changeset == "" || d.Contact == "" || d.KeyService == "" || len(d.Endpoints) != 1 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	ep := d.Endpoints[0]
	if ep.Specification != "http://wiki.open311.org/GeoReport_v2" || ep.URL != "http://caunoi.test/open311/v2" ||
		ep.Type != "production" || !slices.Equal(ep.Formats, []string{"text/xml", "application/json"}) {
		t.Fatalf("endpoint %+v", ep)
	}

	x := e.Get311("discovery.xml", nil)
	hasElements(t, x.Body, "discovery", "changeset", "contact", "key_service", "endpoints", "endpoint",
		"specification", "url", "type", "formats", "format")
	var xd struct {
		XMLName   xml.Name `xml:"discovery"`
		Changeset string   `xml:"changeset"`
		Endpoints []struct {
			URL     string   `xml:"url"`
			Formats []string `xml:"formats>format"`
		} `xml:"endpoints>endpoint"`
	}
	decodeXML(t, x, &xd)
	if xd.Changeset != d.Changeset || len(xd.Endpoints) != 1 || xd.Endpoints[0].URL != ep.URL || len(xd.Endpoints[0].Formats) != 2 {
		t.Fatalf("xml discovery %+v", xd)
	}

	// The changeset moves when the service list changes.
	withAttributes(e)
	var d2 struct{ Changeset string }
	e.Get311("discovery.json", nil).JSON(t, &d2)
	if d2.Changeset <= d.Changeset {
		t.Fatalf("changeset %q then %q", d.Changeset, d2.Changeset)
	}
}

func TestOpen311ServicesInBothFormats(t *testing.T) {
	e := apitest.New(t)
	withAttributes(e)
	r := e.Get311("services.json", apitest.Jurisdiction("xuan-lung"))
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	for _, keys := range keysOf(t, r) {
		if !slices.Equal(keys, sorted(specServiceFields)) {
			t.Fatalf("service fields %v", keys)
		}
	}
	var svcs []struct {
		ServiceCode string  `json:"service_code"`
		ServiceName string  `json:"service_name"`
		Metadata    bool    `json:"metadata"`
		Type        string  `json:"type"`
		Keywords    *string `json:"keywords"`
		Group       *string `json:"group"`
	}
	r.JSON(t, &svcs)
	if len(svcs) != 9 || svcs[0].ServiceCode != "thien-tai" || svcs[8].ServiceCode != "khac" {
		t.Fatalf("services %+v", svcs)
	}
	for _, s := range svcs {
		if s.Type != "realtime" || s.ServiceName == "" || s.Metadata != (s.ServiceCode == "chieu-sang") {
			t.Errorf("service %+v", s)
		}
		if s.ServiceCode == "chieu-sang" && (s.Keywords == nil || !strings.Contains(*s.Keywords, "đèn đường, ") ||
			strings.Contains(*s.Keywords, "=") || s.Group == nil || *s.Group != "Phòng Kinh tế") {
			t.Errorf("chieu-sang keywords %v group %v", *s.Keywords, s.Group)
		}
	}

	x := e.Get311("services.xml", apitest.Jurisdiction("xuan-lung"))
	hasElements(t, x.Body, "services", "service", "service_code", "service_name", "description", "metadata",
		"type", "keywords", "group")
	var xs struct {
		XMLName  xml.Name `xml:"services"`
		Services []struct {
			ServiceCode string `xml:"service_code"`
			Metadata    bool   `xml:"metadata"`
			Type        string `xml:"type"`
			Group       string `xml:"group"`
		} `xml:"service"`
	}
	decodeXML(t, x, &xs)
	if len(xs.Services) != 9 || xs.Services[2].ServiceCode != "chieu-sang" || !xs.Services[2].Metadata ||
		xs.Services[2].Type != "realtime" || xs.Services[2].Group != "Phòng Kinh tế" {
		t.Fatalf("xml services %+v", xs.Services)
	}
}

func TestOpen311ServiceDefinitionInBothFormats(t *testing.T) {
	e := apitest.New(t)
	withAttributes(e)
	r := e.Get311("services/chieu-sang.json", apitest.Jurisdiction("xuan-lung"))
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	var def struct {
		ServiceCode string                       `json:"service_code"`
		Attributes  []map[string]json.RawMessage `json:"attributes"`
	}
	DecodeJSON(t, r, &def)
	if def.ServiceCode != "chieu-sang" || len(def.Attributes) != 3 {
		t.Fatalf("definition %s", r.Body)
	}
	for i, a := range def.Attributes {
		var keys []string
		for k := range a {
			keys = append(keys, k)
		}
		want := sorted(specAttributeFields)
		if !slices.Equal(sorted(keys), want) {
			t.Errorf("attribute %d fields %v, want %v", i, sorted(keys), want)
		}
	}
	if string(def.Attributes[0]["code"]) != `"POLE"` || string(def.Attributes[0]["required"]) != "true" ||
		string(def.Attributes[1]["datatype_description"]) != "null" || string(def.Attributes[2]["variable"]) != "false" ||
		string(def.Attributes[0]["values"]) != "[]" ||
		!strings.Contains(string(def.Attributes[1]["values"]), `{"key":"dark","name":"Không sáng"}`) {
		t.Fatalf("attributes %s", r.Body)
	}

	x := e.Get311("services/chieu-sang.xml", apitest.Jurisdiction("xuan-lung"))
	hasElements(t, x.Body, "service_definition", "service_code", "attributes", "attribute", "variable", "code",
		"datatype", "required", "datatype_description", "order", "description", "values", "value", "key", "name")
	var xd struct {
		XMLName     xml.Name `xml:"service_definition"`
		ServiceCode string   `xml:"service_code"`
		Attributes  []struct {
			Variable bool   `xml:"variable"`
			Code     string `xml:"code"`
			Datatype string `xml:"datatype"`
			Required bool   `xml:"required"`
			Order    int    `xml:"order"`
			Values   []struct {
				Key  string `xml:"key"`
				Name string `xml:"name"`
			} `xml:"values>value"`
		} `xml:"attributes>attribute"`
	}
	decodeXML(t, x, &xd)
	if xd.ServiceCode != "chieu-sang" || len(xd.Attributes) != 3 || xd.Attributes[1].Datatype != "singlevaluelist" ||
		len(xd.Attributes[1].Values) != 2 || xd.Attributes[1].Values[1].Key != "flicker" || xd.Attributes[2].Order != 3 {
		t.Fatalf("xml definition %+v", xd)
	}

	// A service without attributes has an empty definition; an unknown one is 404.
	var empty struct {
		Attributes []any `json:"attributes"`
	}
	e.Get311("services/khac.json", apitest.Jurisdiction("xuan-lung")).JSON(t, &empty)
	if empty.Attributes == nil || len(empty.Attributes) != 0 {
		t.Fatalf("khac's definition %+v", empty)
	}
	for _, f := range []string{"json", "xml"} {
		wantError(t, e.Get311("services/space-travel."+f, apitest.Jurisdiction("xuan-lung")), f, 404)
	}
}

func TestOpen311RequestIsAnOrdinaryTicketAndShowsTheStaffReply(t *testing.T) {
	e := apitest.New(t)
	withAttributes(e)
	key := newKey(t, e, "")
	form := streetLightRequest(key)
	form.Set("attribute[POLE]", "XL-0412")
	form.Set("attribute[FAULT]", "dark")
	form.Set("address_id", "XL-T3-12")
	r := post311(e, "json", form)
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	if ks := keysOf(t, r); len(ks) != 1 || !slices.Equal(ks[0], []string{"account_id", "service_notice", "service_request_id"}) {
		t.Fatalf("answer fields %v", ks)
	}
	var created []jsonRequest
	r.JSON(t, &created)
	code := created[0].ServiceRequestID
	if len(code) != 10 || created[0].ServiceNotice == nil || !strings.Contains(*created[0].ServiceNotice, "Phòng Kinh tế") ||
		created[0].AccountID == nil || *created[0].AccountID != "acct-777" {
		t.Fatalf("answer %s", r.Body)
	}

	// An ordinary ticket: routed, with a due time, on the open311 channel.
	var row struct {
		Channel, Status, Dept, Category, Name, Phone, Email, Body, Address string
		Public                                                             bool
		DueAt                                                              time.Time `db:"due_at"`
		Data                                                               []byte
	}
	err := e.DB.Get(&row, `SELECT t.channel, t.status, d.code AS dept, c.code AS category, t.citizen_name AS name,
			t.citizen_phone AS phone, t.citizen_email AS email, t.body, t.address, t.public, t.due_at,
			(SELECT data FROM ticket_events WHERE ticket_id = t.id AND type = 'created') AS data
		FROM tickets t JOIN departments d ON d.id = t.department_id JOIN categories c ON c.id = t.category_id
		WHERE t.tracking_code = $1`, code)
	if err != nil {
		t.Fatal(err)
	}
	if row.Channel != "open311" || row.Status != "new" || row.Dept != "kinh-te" || row.Category != "chieu-sang" ||
		row.Name != "Nguyễn Văn An" || row.Phone != "0912345678" || row.Email != "an@example.vn" ||
		row.Body != "Đèn đường đầu ngõ 12 không sáng đã ba đêm." || row.Address != "Đầu ngõ 12, thôn Đông" || !row.Public {
		t.Fatalf("ticket %+v", row)
	}
	if want := time.Date(2026, 11, 6, 17, 0, 0, 0, e.Loc); !row.DueAt.Equal(want) {
		t.Fatalf("due %v, want %v", row.DueAt, want)
	}
	var data struct {
		Channel string `json:"channel"`
		Open311 struct {
			APIKeyID   int64             `json:"api_key_id"`
			AddressID  string            `json:"address_id"`
			Attributes map[string]string `json:"attributes"`
		} `json:"open311"`
	}
	if err := json.Unmarshal(row.Data, &data); err != nil {
		t.Fatal(err)
	}
	if data.Channel != "open311" || data.Open311.APIKeyID == 0 || data.Open311.AddressID != "XL-T3-12" ||
		data.Open311.Attributes["POLE"] != "XL-0412" || data.Open311.Attributes["FAULT"] != "dark" {
		t.Fatalf("created event data %s", row.Data)
	}

	// Staff answer in public (and note something internal); the public reply is the status notes.
	e.Clock.Advance(2 * time.Hour)
	e.DB.MustExec(`INSERT INTO ticket_events (ticket_id, type, body, public, created_at)
		SELECT id, 'reply', 'Đã cử thợ điện kiểm tra cột XL-0412.', true, $2 FROM tickets WHERE tracking_code = $1`,
		code, e.Clock.Now())
	e.DB.MustExec(`INSERT INTO ticket_events (ticket_id, type, body, public, created_at)
		SELECT id, 'reply', 'Đã thay bóng đèn mới.', true, $2 FROM tickets WHERE tracking_code = $1`,
		code, e.Clock.Now().Add(time.Minute))
	e.DB.MustExec(`INSERT INTO ticket_events (ticket_id, type, body, public, created_at)
		SELECT id, 'note', 'Ghi chú nội bộ: nhắc đội điện.', false, $2 FROM tickets WHERE tracking_code = $1`,
		code, e.Clock.Now().Add(2*time.Minute))

	g := e.Get311("requests/"+code+".json", apitest.Jurisdiction("xuan-lung"))
	if g.Status != 200 {
		t.Fatalf("%d %s", g.Status, g.Body)
	}
	if ks := keysOf(t, g); len(ks) != 1 || !slices.Equal(ks[0], sorted(specRequestFields)) {
		t.Fatalf("request fields %v", ks)
	}
	var got []jsonRequest
	DecodeJSON(t, g, &got)
	q := got[0]
	if q.ServiceRequestID != code || q.Status != "open" || q.StatusNotes == nil || *q.StatusNotes != "Đã thay bóng đèn mới." ||
		*q.ServiceCode != "chieu-sang" || *q.ServiceName != "Điện, chiếu sáng công cộng" ||
		*q.AgencyResponsible != "Phòng Kinh tế" || *q.Description != row.Body ||
		q.RequestedDatetime != "2026-11-03T09:00:00+07:00" || q.UpdatedDatetime != "2026-11-03T09:00:00+07:00" ||
		*q.ExpectedDatetime != "2026-11-06T17:00:00+07:00" || *q.Address != "Đầu ngõ 12, thôn Đông" ||
		*q.AddressID != "XL-T3-12" || *q.Lat != 21.32 || *q.Long != 105.4 ||
		*q.MediaURL != "https://example.org/den-hong.jpg" {
		t.Fatalf("request %s", g.Body)
	}

	x := e.Get311("requests/"+strings.ToLower(code)+".xml", apitest.Jurisdiction("xuan-lung"))
	hasElements(t, x.Body, "service_requests", append([]string{"request"}, specRequestFields...)...)
	var xr xmlServiceRequests
	decodeXML(t, x, &xr)
	if len(xr.Requests) != 1 || xr.Requests[0].ServiceRequestID != code || xr.Requests[0].StatusNotes != "Đã thay bóng đèn mới." ||
		xr.Requests[0].Status != "open" || xr.Requests[0].Lat != "21.32" || xr.Requests[0].Long != "105.4" ||
		xr.Requests[0].ExpectedDatetime != "2026-11-06T17:00:00+07:00" {
		t.Fatalf("xml request %+v", xr.Requests)
	}

	// Resolved is closed; updated_datetime is when it was closed.
	resolved := e.Clock.Now().Add(time.Hour)
	e.DB.MustExec(`UPDATE tickets SET status = 'resolved', resolved_at = $2, updated_at = $2 WHERE tracking_code = $1`,
		code, resolved)
	e.Get311("requests/"+code+".json", apitest.Jurisdiction("xuan-lung")).JSON(t, &got)
	if got[0].Status != "closed" || got[0].UpdatedDatetime != "2026-11-03T12:00:00+07:00" || got[0].ServiceNotice != nil {
		t.Fatalf("resolved request %+v", got[0])
	}

	// The personal data given at POST appears in no GET, in either format.
	for _, path := range []string{"requests/" + code, "requests", "tokens/" + code} {
		for _, f := range []string{"json", "xml"} {
			q := apitest.Jurisdiction("xuan-lung")
			r := e.Get311(path+"."+f, q)
			if r.Status != 200 || !strings.Contains(string(r.Body), code) {
				t.Fatalf("%s.%s: %d %s", path, f, r.Status, r.Body)
			}
			for _, secret := range []string{"Văn An", "Nguyễn", "0912", "an@example.vn", "acct-777", "dev-1", "Ghi chú nội bộ"} {
				if strings.Contains(string(r.Body), secret) {
					t.Errorf("%s.%s shows %q: %s", path, f, secret, r.Body)
				}
			}
		}
	}
}

func TestOpen311PostAnswersInXML(t *testing.T) {
	e := apitest.New(t)
	form := streetLightRequest(newKey(t, e, "xuan-lung"))
	form.Del("lat")
	form.Del("long")
	form.Del("account_id")
	r := post311(e, "xml", form, "Accept-Language: en")
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	hasElements(t, r.Body, "service_requests", "request", "service_request_id", "service_notice", "account_id")
	var xr xmlServiceRequests
	decodeXML(t, r, &xr)
	if len(xr.Requests) != 1 || len(xr.Requests[0].ServiceRequestID) != 10 ||
		!strings.HasPrefix(xr.Requests[0].ServiceNotice, "Forwarded to Phòng Kinh tế") {
		t.Fatalf("answer %+v", xr)
	}
	var lat *float64
	e.MustGet(&lat, "SELECT lat FROM tickets WHERE tracking_code = $1", xr.Requests[0].ServiceRequestID)
	if lat != nil {
		t.Fatalf("lat %v for a request located by its address", *lat)
	}
}

func TestOpen311PostErrors(t *testing.T) {
	e := apitest.New(t)
	withAttributes(e)
	key := newKey(t, e, "")
	auCoKey := newKey(t, e, "au-co")
	revoked := newKey(t, e, "")
	var revokedID int64
	e.MustGet(&revokedID, "SELECT max(id) FROM api_keys")
	e.DB.MustExec("UPDATE api_keys SET revoked_at = now() WHERE id = $1", revokedID)

	good := func() url.Values {
		f := streetLightRequest(key)
		f.Set("attribute[POLE]", "XL-0412")
		return f
	}
	with := func(k, v string) url.Values {
		f := good()
		if v == "" {
			f.Del(k)
		} else {
			f.Set(k, v)
		}
		return f
	}
	noLocation := good()
	for _, k := range []string{"lat", "long", "address_string", "address_id"} {
		noLocation.Del(k)
	}
	onlyLat := with("long", "")
	onlyLat.Del("address_string")
	cases := []struct {
		name   string
		form   url.Values
		ctype  string
		status int
		says   string
	}{
		{"no api_key", with("api_key", ""), "", 403, "api_key"},
		{"unknown api_key", with("api_key", "cn_not-a-key"), "", 403, "api_key"},
		{"revoked api_key", with("api_key", revoked), "", 403, "api_key"},
		{"key for another unit", with("api_key", auCoKey), "", 403, "jurisdiction_id"},
		{"no location", noLocation, "", 400, "address_string"},
		{"lat without long", onlyLat, "", 400, "long"},
		{"bad lat", with("lat", "north"), "", 400, "lat"},
		{"unknown service_code", with("service_code", "space-travel"), "", 400, "service_code"},
		{"no service_code", with("service_code", ""), "", 400, "service_code"},
		{"no jurisdiction_id", with("jurisdiction_id", ""), "", 400, "jurisdiction_id"},
		{"unknown jurisdiction_id", with("jurisdiction_id", "atlantis"), "", 404, "jurisdiction_id"},
		{"required attribute missing", with("attribute[POLE]", ""), "", 400, "attribute[POLE]"},
		{"value not in the list", with("attribute[FAULT]", "exploded"), "", 400, "attribute[FAULT]"},
		{"unknown attribute", with("attribute[COLOUR]", "red"), "", 400, "attribute[COLOUR]"},
		{"bad phone", with("phone", "12345"), "", 400, "phone"},
		{"bad email", with("email", "an@"), "", 400, "email"},
		{"description too long", with("description", strings.Repeat("ạ", 4001)), "", 400, "description"},
		{"bad media_url", with("media_url", "javascript:alert(1)"), "", 400, "media_url"},
		{"JSON body", good(), "application/json", 400, "x-www-form-urlencoded"},
	}
	for _, c := range cases {
		for _, f := range []string{"json", "xml"} {
			t.Run(c.name+"."+f, func(t *testing.T) {
				tickets := e.Count("tickets")
				var r *apitest.Response
				if c.ctype != "" {
					r = e.Request("POST", "/open311/v2/requests."+f, []byte(c.form.Encode()), "Content-Type: "+c.ctype,
						"Accept-Language: en")
				} else {
					r = post311(e, f, c.form, "Accept-Language: en")
				}
				desc := wantError(t, r, f, c.status)
				if !strings.Contains(desc, c.says) {
					t.Errorf("description %q does not name %q", desc, c.says)
				}
				if e.Count("tickets") != tickets {
					t.Fatal("a refused request was stored")
				}
			})
		}
	}
	if r := post311(e, "json", good()); r.Status != 200 {
		t.Fatalf("the good request: %d %s", r.Status, r.Body)
	}
}

func TestOpen311GetErrors(t *testing.T) {
	e := apitest.New(t)
	cases := []struct {
		name, path string
		q          url.Values
		status     int
		says       string
	}{
		{"services without jurisdiction_id", "services", nil, 400, "jurisdiction_id"},
		{"requests without jurisdiction_id", "requests", nil, 400, "jurisdiction_id"},
		{"request without jurisdiction_id", "requests/K7QM-R4TX9", nil, 400, "jurisdiction_id"},
		{"definition without jurisdiction_id", "services/khac", nil, 400, "jurisdiction_id"},
		{"unknown jurisdiction_id", "services", apitest.Jurisdiction("atlantis"), 404, "jurisdiction_id"},
		{"unknown request", "requests/K7QM-R4TX9", apitest.Jurisdiction("xuan-lung"), 404, "service_request_id"},
		{"malformed request id", "requests/42", apitest.Jurisdiction("xuan-lung"), 404, "service_request_id"},
		{"unknown token", "tokens/K7QM-R4TX9", apitest.Jurisdiction("xuan-lung"), 404, "token"},
		{"unknown resource", "widgets", nil, 404, "Open311"},
		{"bad status", "requests", url.Values{"jurisdiction_id": {"xuan-lung"}, "status": {"pending"}}, 400, "status"},
		{"bad start_date", "requests", url.Values{"jurisdiction_id": {"xuan-lung"}, "start_date": {"03/11/2026"}}, 400, "start_date"},
		{"more than 90 days", "requests", url.Values{"jurisdiction_id": {"xuan-lung"},
			"start_date": {"2026-01-01T00:00:00Z"}, "end_date": {"2026-06-01T00:00:00Z"}}, 400, "90 days"},
		{"end before start", "requests", url.Values{"jurisdiction_id": {"xuan-lung"},
			"start_date": {"2026-06-01T00:00:00Z"}, "end_date": {"2026-05-01T00:00:00Z"}}, 400, "end_date"},
		{"page_size over 100", "requests", url.Values{"jurisdiction_id": {"xuan-lung"}, "page_size": {"101"}}, 400, "page_size"},
		{"page 0", "requests", url.Values{"jurisdiction_id": {"xuan-lung"}, "page": {"0"}}, 400, "page"},
	}
	for _, c := range cases {
		for _, f := range []string{"json", "xml"} {
			t.Run(c.name+"."+f, func(t *testing.T) {
				q := url.Values{}
				for k, v := range c.q {
					q[k] = v
				}
				r := e.Request("GET", "/open311/v2/"+c.path+"."+f+"?"+q.Encode(), nil, "Accept-Language: en")
				if desc := wantError(t, r, f, c.status); !strings.Contains(desc, c.says) {
					t.Errorf("description %q does not name %q", desc, c.says)
				}
			})
		}
	}
	// Without a known extension the answer is the spec's required format, XML.
	wantError(t, e.Request("GET", "/open311/v2/services.html?jurisdiction_id=xuan-lung", nil), "xml", 404)
}

func TestOpen311RequestsWindowFiltersAndPages(t *testing.T) {
	e := apitest.New(t)
	key := newKey(t, e, "")
	day := 24 * time.Hour
	postAt := func(at time.Time, service, text string) string {
		t.Helper()
		e.Clock.Set(at)
		f := streetLightRequest(key)
		f.Set("service_code", service)
		f.Set("description", text)
		r := post311(e, "json", f)
		if r.Status != 200 {
			t.Fatalf("post at %v: %d %s", at, r.Status, r.Body)
		}
		var c []jsonRequest
		r.JSON(t, &c)
		return c[0].ServiceRequestID
	}
	start := apitest.Start
	a := postAt(start.Add(-100*day), "ha-tang", "Ổ gà giữa đường liên thôn")
	b := postAt(start.Add(-60*day), "moi-truong", "Rác tồn đọng ở chợ")
	c := postAt(start.Add(-time.Hour), "ha-tang", "Vỉa hè bị vỡ")
	d := postAt(start, "ha-tang", "Cầu tràn xuống cấp")
	e.Clock.Set(start)
	// A web feedback its citizen did not make public is not listed.
	private := e.Submit("Nhà bên cạnh xây lấn sang đất của tôi")

	ids := func(path string, q url.Values) []string {
		t.Helper()
		q.Set("jurisdiction_id", "xuan-lung")
		r := e.Get311(path, q)
		if r.Status != 200 {
			t.Fatalf("%s?%s: %d %s", path, q.Encode(), r.Status, r.Body)
		}
		var out []string
		if strings.HasSuffix(path, ".xml") {
			var xr xmlServiceRequests
			decodeXML(t, r, &xr)
			for _, x := range xr.Requests {
				out = append(out, x.ServiceRequestID)
			}
			return out
		}
		var rs []jsonRequest
		DecodeJSON(t, r, &rs)
		for _, x := range rs {
			out = append(out, x.ServiceRequestID)
		}
		return out
	}
	same := func(what string, got []string, want ...string) {
		t.Helper()
		if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("%s: %v, want %v", what, got, want)
		}
	}
	w3 := func(t time.Time) string { return t.Format(time.RFC3339) }

	same("default window (last 90 days)", ids("requests.json", url.Values{}), d, c, b)
	same("default window, xml", ids("requests.xml", url.Values{}), d, c, b)
	same("both dates", ids("requests.json", url.Values{"start_date": {w3(start.Add(-120 * day))},
		"end_date": {w3(start.Add(-50 * day))}}), b, a)
	same("start_date only: 90 days from it", ids("requests.json", url.Values{"start_date": {w3(start.Add(-101 * day))}}), b, a)
	same("end_date only: 90 days up to it", ids("requests.json", url.Values{"end_date": {w3(start.Add(-2 * time.Hour))}}), b)
	same("date-only end_date", ids("requests.json", url.Values{"end_date": {"2026-11-03"}}), b)
	same("service_code", ids("requests.json", url.Values{"service_code": {"ha-tang"}}), d, c)
	same("two service codes", ids("requests.json", url.Values{"service_code": {"moi-truong,khac"}}), b)
	same("page 1", ids("requests.json", url.Values{"page_size": {"2"}}), d, c)
	same("page 2", ids("requests.xml", url.Values{"page_size": {"2"}, "page": {"2"}}), b)
	same("page 3", ids("requests.json", url.Values{"page_size": {"2"}, "page": {"3"}}))

	// A zone's '+' sent unencoded arrives as a space and is still understood.
	r := e.Request("GET", "/open311/v2/requests.json?jurisdiction_id=xuan-lung&start_date="+
		start.Add(-2*time.Hour).Format("2006-01-02T15:04:05")+"+07:00", nil)
	var rs []jsonRequest
	r.JSON(t, &rs)
	if r.Status != 200 || len(rs) != 2 {
		t.Fatalf("unencoded zone: %d %s", r.Status, r.Body)
	}

	e.DB.MustExec(`UPDATE tickets SET status = 'resolved', resolved_at = $2 WHERE tracking_code = $1`, c, start)
	same("status closed", ids("requests.json", url.Values{"status": {"closed"}}), c)
	same("status open", ids("requests.json", url.Values{"status": {"open"}}), d, b)
	same("both statuses", ids("requests.json", url.Values{"status": {"open,closed"}}), d, c, b)

	// service_request_id overrides the other arguments and finds any of the
	// unit's requests, showing nothing of a private one but its status.
	same("ids", ids("requests.json", url.Values{"service_request_id": {a + "," + strings.ToLower(private) + ",nonsense"},
		"status": {"closed"}}), private, a)
	var priv []jsonRequest
	e.Get311("requests/"+private+".json", apitest.Jurisdiction("xuan-lung")).JSON(t, &priv)
	if len(priv) != 1 || priv[0].Status != "open" || priv[0].Description != nil || priv[0].Address != nil ||
		priv[0].Lat != nil || priv[0].MediaURL != nil || priv[0].RequestedDatetime != "2026-11-03T09:00:00+07:00" {
		t.Fatalf("private request %+v", priv)
	}
	// Another unit's request is not found in this one.
	if r := e.Get311("requests/"+d+".json", apitest.Jurisdiction("au-co")); r.Status != 404 {
		t.Fatalf("xuan-lung's request under au-co: %d", r.Status)
	}
}

func TestOpen311Tokens(t *testing.T) {
	e := apitest.New(t)
	r := post311(e, "json", streetLightRequest(newKey(t, e, "")))
	var c []jsonRequest
	r.JSON(t, &c)
	code := c[0].ServiceRequestID

	j := e.Get311("tokens/"+code+".json", apitest.Jurisdiction("xuan-lung"))
	if ks := keysOf(t, j); len(ks) != 1 || !slices.Equal(ks[0], []string{"service_request_id", "token"}) {
		t.Fatalf("token fields %v", ks)
	}
	var tok []jsonRequest
	j.JSON(t, &tok)
	if tok[0].ServiceRequestID != code || tok[0].Token != code {
		t.Fatalf("token %s", j.Body)
	}
	x := e.Get311("tokens/"+code+".xml", apitest.Jurisdiction("xuan-lung"))
	hasElements(t, x.Body, "service_requests", "request", "service_request_id", "token")
	var xr xmlServiceRequests
	decodeXML(t, x, &xr)
	if len(xr.Requests) != 1 || xr.Requests[0].ServiceRequestID != code || xr.Requests[0].Token != code {
		t.Fatalf("xml token %+v", xr)
	}
}

func TestOpen311JurisdictionIsOptionalWithOneUnit(t *testing.T) {
	e := apitest.New(t)
	e.DB.MustExec(`UPDATE units SET active = false WHERE code IN ('au-co', 'phong-chau', 'thanh-mieu')`)
	r := e.Get311("services.json", nil)
	var svcs []struct {
		ServiceCode string `json:"service_code"`
	}
	r.JSON(t, &svcs)
	if r.Status != 200 || len(svcs) != 9 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	form := streetLightRequest(newKey(t, e, ""))
	form.Del("jurisdiction_id")
	if r := post311(e, "xml", form); r.Status != 200 {
		t.Fatalf("post without jurisdiction_id: %d %s", r.Status, r.Body)
	}
	if r := e.Get311("requests.json", nil); r.Status != 200 || !strings.Contains(string(r.Body), "service_request_id") {
		t.Fatalf("requests without jurisdiction_id: %d %s", r.Status, r.Body)
	}
}

func TestOpen311PostsAreRateLimitedPerKey(t *testing.T) {
	e := apitest.New(t, apitest.RateLimited)
	key, other := newKey(t, e, ""), newKey(t, e, "")
	var last *apitest.Response
	n := 0
	for ; n < 40; n++ {
		last = post311(e, "xml", streetLightRequest(key))
		if last.Status != 200 {
			break
		}
	}
	if n != 30 || last.Header.Get("Retry-After") == "" {
		t.Fatalf("after %d requests: %d (Retry-After %q) %s", n, last.Status, last.Header.Get("Retry-After"), last.Body)
	}
	wantError(t, last, "xml", 429)
	wantError(t, post311(e, "json", streetLightRequest(key)), "json", 429)
	if r := post311(e, "json", streetLightRequest(other)); r.Status != 200 {
		t.Fatalf("another key: %d %s", r.Status, r.Body)
	}
	e.Clock.Advance(time.Minute)
	if r := post311(e, "json", streetLightRequest(key)); r.Status != 200 {
		t.Fatalf("a minute later: %d %s", r.Status, r.Body)
	}
	if got := e.Count("tickets"); got != 32 {
		t.Fatalf("%d tickets stored", got)
	}
}

func TestOpen311KeyOfAProvinceMayPostToItsCommunes(t *testing.T) {
	e := apitest.New(t)
	form := streetLightRequest(newKey(t, e, "phu-tho"))
	if r := post311(e, "json", form); r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	var used *time.Time
	e.MustGet(&used, "SELECT last_used_at FROM api_keys")
	if used == nil || !used.Equal(apitest.Start) {
		t.Fatalf("last_used_at %v", used)
	}
}
