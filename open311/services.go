package open311

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/internal/httpx"
)

// nstr is an optional text: JSON null when empty (as in the spec's
// examples), an empty element in XML.
type nstr string

func (s nstr) MarshalJSON() ([]byte, error) {
	if s == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(s))
}

// nnum is an optional number already formatted: a JSON number, or null
// when empty; the same digits in XML.
type nnum string

func (n nnum) MarshalJSON() ([]byte, error) {
	if n == "" {
		return []byte("null"), nil
	}
	return []byte(n), nil
}

// GeoReport v2 identifies itself in discovery with the URL of its specification.
const geoReportV2 = "http://wiki.open311.org/GeoReport_v2"

type o311Discovery struct {
	XMLName    xml.Name       `xml:"discovery" json:"-"`
	Changeset  string         `xml:"changeset" json:"changeset"`
	Contact    string         `xml:"contact" json:"contact"`
	KeyService string         `xml:"key_service" json:"key_service"`
	Endpoints  []o311Endpoint `xml:"endpoints>endpoint" json:"endpoints"`
}

type o311Endpoint struct {
	Specification string   `xml:"specification" json:"specification"`
	URL           string   `xml:"url" json:"url"`
	Changeset     string   `xml:"changeset" json:"changeset"`
	Type          string   `xml:"type" json:"type"`
	Formats       []string `xml:"formats>format" json:"formats"`
}

// discovery handles GET /open311/v2/discovery.(json|xml) (the Service
// Discovery spec). The changeset moves whenever units or categories change.
func (h *handler) discovery(c *gin.Context, format string) {
	cs, err := h.s.Store.Open311Changeset(c.Request.Context())
	if err != nil {
		h.fail(c, format, err)
		return
	}
	contact := "Liên hệ Văn phòng HĐND và UBND của xã, phường để được hỗ trợ."
	keys := "Khóa API do quản trị viên hệ thống Cầu Nối cấp (caunoi apikey add hoặc trang quản trị)."
	if httpx.English(c.Request) {
		contact = "Contact the office of the commune's or ward's People's Committee for help."
		keys = "API keys are issued by the Cầu Nối administrator (caunoi apikey add, or the admin pages)."
	}
	h.write(c, format, http.StatusOK, "", o311Discovery{Changeset: cs, Contact: contact, KeyService: keys,
		Endpoints: []o311Endpoint{{Specification: geoReportV2, URL: strings.TrimRight(h.s.Cfg.PublicURL, "/") + "/open311/v2",
			Changeset: cs, Type: "production", Formats: []string{"text/xml", "application/json"}}}})
}

type o311Service struct {
	XMLName     xml.Name `xml:"service" json:"-"`
	ServiceCode string   `xml:"service_code" json:"service_code"`
	ServiceName string   `xml:"service_name" json:"service_name"`
	Description nstr     `xml:"description" json:"description"`
	Metadata    bool     `xml:"metadata" json:"metadata"`
	Type        string   `xml:"type" json:"type"`
	Keywords    nstr     `xml:"keywords" json:"keywords"`
	Group       nstr     `xml:"group" json:"group"`
}

// services handles GET /open311/v2/services.(json|xml): the unit's active
// categories. Every request is created at once, so every type is realtime.
func (h *handler) services(c *gin.Context, format string) {
	cat, err := h.jurisdiction(c, c.Request.URL.Query())
	if err != nil {
		h.fail(c, format, err)
		return
	}
	svcs, err := h.s.Store.Open311Services(c.Request.Context(), cat.Unit.ID)
	if err != nil {
		h.fail(c, format, err)
		return
	}
	out := make([]o311Service, len(svcs))
	for i, x := range svcs {
		out[i] = o311Service{ServiceCode: x.Code, ServiceName: x.Name, Description: nstr(x.Description),
			Metadata: len(x.Attributes) > 0, Type: "realtime", Keywords: nstr(strings.Join(x.Keywords, ", ")),
			Group: nstr(x.Group)}
	}
	h.write(c, format, http.StatusOK, "services", out)
}

type o311Definition struct {
	XMLName     xml.Name        `xml:"service_definition" json:"-"`
	ServiceCode string          `xml:"service_code" json:"service_code"`
	Attributes  []o311Attribute `xml:"attributes>attribute" json:"attributes"`
}

type o311Attribute struct {
	Variable            bool        `xml:"variable" json:"variable"`
	Code                string      `xml:"code" json:"code"`
	Datatype            string      `xml:"datatype" json:"datatype"`
	Required            bool        `xml:"required" json:"required"`
	DatatypeDescription nstr        `xml:"datatype_description" json:"datatype_description"`
	Order               int         `xml:"order" json:"order"`
	Description         string      `xml:"description" json:"description"`
	Values              []o311Value `xml:"values>value" json:"values"`
}

type o311Value struct {
	Key  string `xml:"key" json:"key"`
	Name string `xml:"name" json:"name"`
}

var errO311UnknownService = domain.NotFound("service_code này", "service_code")

// findService returns the unit's service with that code.
func findService(svcs []domain.Open311Service, code string) (domain.Open311Service, bool) {
	code = strings.ToLower(strings.TrimSpace(code))
	for _, x := range svcs {
		if x.Code == code {
			return x, true
		}
	}
	return domain.Open311Service{}, false
}

// getServiceDefinition handles GET /open311/v2/services/{code}.(json|xml):
// the category's attributes (an empty list when it asks for none); 404 for
// a code the unit does not offer.
func (h *handler) getServiceDefinition(c *gin.Context) {
	code, format, ok := splitFile(c.Param("file"))
	if !ok {
		h.fail(c, format, errO311NoResource)
		return
	}
	cat, err := h.jurisdiction(c, c.Request.URL.Query())
	if err != nil {
		h.fail(c, format, err)
		return
	}
	svcs, err := h.s.Store.Open311Services(c.Request.Context(), cat.Unit.ID)
	if err != nil {
		h.fail(c, format, err)
		return
	}
	svc, found := findService(svcs, code)
	if !found {
		h.fail(c, format, errO311UnknownService)
		return
	}
	def := o311Definition{ServiceCode: svc.Code, Attributes: make([]o311Attribute, len(svc.Attributes))}
	for i, a := range svc.Attributes {
		oa := o311Attribute{Variable: a.Variable, Code: a.Code, Datatype: a.Datatype, Required: a.Required,
			DatatypeDescription: nstr(a.DatatypeDescription), Order: a.Order, Description: a.Description,
			Values: []o311Value{}}
		for _, v := range a.Values {
			oa.Values = append(oa.Values, o311Value(v))
		}
		def.Attributes[i] = oa
	}
	h.write(c, format, http.StatusOK, "", def)
}
