package domain

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2): the model of the
// services a unit offers and the requests it serves, and the rules that are
// pure functions of them. The HTTP encoding lives in the api package.

// Datatypes of a service attribute (GeoReport v2, GET Service Definition).
const (
	DatatypeString          = "string"
	DatatypeNumber          = "number"
	DatatypeDatetime        = "datetime"
	DatatypeText            = "text"
	DatatypeSingleValueList = "singlevaluelist"
	DatatypeMultiValueList  = "multivaluelist"
)

// Limits of Open311 input, in characters after normalisation.
const (
	MaxOpen311Description = 4000 // the spec's limit on a request's description
	MaxAttributeString    = 500
	MaxAttributeText      = 4000
	MaxAddressIDLen       = 100
	MaxMediaURLLen        = 2000
	MaxAPIKeyNameLen      = 100
)

// ServiceAttribute is one extra field a category asks for: an attribute of
// its Open311 service definition. A category's attributes are stored as a
// JSON array of these, with the spec's field names, in categories.attributes.
type ServiceAttribute struct {
	Variable            bool             `json:"variable"`
	Code                string           `json:"code"`
	Datatype            string           `json:"datatype"`
	Required            bool             `json:"required"`
	DatatypeDescription string           `json:"datatype_description"`
	Order               int              `json:"order"`
	Description         string           `json:"description"`
	Values              []AttributeValue `json:"values,omitempty"`
}

// AttributeValue is one choice of a singlevaluelist or multivaluelist attribute.
type AttributeValue struct {
	Key  string `json:"key"`
	Name string `json:"name"`
}

// IsList reports whether the attribute's answer is chosen from Values.
func (a ServiceAttribute) IsList() bool {
	return a.Datatype == DatatypeSingleValueList || a.Datatype == DatatypeMultiValueList
}

func (a ServiceAttribute) hasKey(k string) bool {
	for _, v := range a.Values {
		if v.Key == k {
			return true
		}
	}
	return false
}

// ValidateServiceAttributes checks a category's attribute definitions (for
// the administration API): codes unique and made of letters, digits, '-',
// '_' or '.'; a known datatype; values, with unique keys, exactly for the
// list datatypes; orders positive and unique. It returns them sorted by
// order, or an invalid_input *Error naming the field "attributes".
func ValidateServiceAttributes(attrs []ServiceAttribute) ([]ServiceAttribute, error) {
	out := slices.Clone(attrs)
	codes, orders := map[string]bool{}, map[int]bool{}
	for i, a := range out {
		problem := ""
		switch {
		case !isAttributeCode(a.Code):
			problem = "code"
		case codes[a.Code]:
			problem = "code (duplicate)"
		case !slices.Contains([]string{DatatypeString, DatatypeNumber, DatatypeDatetime, DatatypeText,
			DatatypeSingleValueList, DatatypeMultiValueList}, a.Datatype):
			problem = "datatype"
		case a.Order < 1 || orders[a.Order]:
			problem = "order"
		case a.IsList() && len(a.Values) == 0, !a.IsList() && len(a.Values) > 0:
			problem = "values"
		}
		if problem == "" && a.IsList() {
			keys := map[string]bool{}
			for _, v := range a.Values {
				if v.Key == "" || keys[v.Key] || strings.TrimSpace(v.Name) == "" {
					problem = "values"
				}
				keys[v.Key] = true
			}
		}
		if problem != "" {
			return attrs, Invalid(fmt.Sprintf("Trường bổ sung thứ %d không hợp lệ (%s).", i+1, problem),
				fmt.Sprintf("Attribute %d is not valid (%s).", i+1, problem), map[string]string{"attributes": FieldInvalid})
		}
		codes[a.Code], orders[a.Order] = true, true
		out[i].Description = NormalizeText(a.Description)
		out[i].DatatypeDescription = NormalizeText(a.DatatypeDescription)
	}
	slices.SortStableFunc(out, func(a, b ServiceAttribute) int { return a.Order - b.Order })
	return out, nil
}

func isAttributeCode(s string) bool {
	if s == "" || len(s) > MaxCodeLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// ValidateAttributeAnswers checks the attribute[CODE] values of a POSTed
// request against the service's definition: every required variable
// attribute answered, no unknown code, one value unless the datatype is
// multivaluelist, list values among the defined keys, numbers finite,
// datetimes in W3C format, strings on one line. Answers to attributes that
// are not variable are ignored. It returns the normalised answers (a string,
// or a []string for multivaluelist) by code, or an invalid_input *Error
// whose Fields name each bad "attribute[CODE]".
func ValidateAttributeAnswers(defs []ServiceAttribute, given map[string][]string) (map[string]any, error) {
	bad := map[string]string{}
	out := map[string]any{}
	byCode := map[string]ServiceAttribute{}
	for _, d := range defs {
		byCode[d.Code] = d
	}
	for code := range given {
		if _, ok := byCode[code]; !ok {
			bad["attribute["+code+"]"] = FieldUnknown
		}
	}
	for _, d := range defs {
		if !d.Variable {
			continue
		}
		name := "attribute[" + d.Code + "]"
		var vals []string
		for _, v := range given[d.Code] {
			if !utf8.ValidString(v) {
				bad[name] = FieldInvalidUTF8
				break
			}
			if v = NormalizeText(v); v != "" {
				vals = append(vals, v)
			}
		}
		if _, b := bad[name]; b {
			continue
		}
		if len(vals) == 0 {
			if d.Required {
				bad[name] = FieldRequired
			}
			continue
		}
		if d.Datatype != DatatypeMultiValueList && len(vals) > 1 {
			bad[name] = FieldInvalid
			continue
		}
		v := vals[0]
		switch d.Datatype {
		case DatatypeString:
			v = strings.Join(strings.Fields(v), " ")
			if utf8.RuneCountInString(v) > MaxAttributeString {
				bad[name] = FieldTooLong
			}
		case DatatypeText:
			if utf8.RuneCountInString(v) > MaxAttributeText {
				bad[name] = FieldTooLong
			}
		case DatatypeNumber:
			if f, err := strconv.ParseFloat(v, 64); err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
				bad[name] = FieldInvalid
			}
		case DatatypeDatetime:
			if _, err := ParseW3CTime(v, time.UTC); err != nil {
				bad[name] = FieldInvalid
			}
		case DatatypeSingleValueList:
			if !d.hasKey(v) {
				bad[name] = FieldInvalid
			}
		case DatatypeMultiValueList:
			var keys []string
			for _, k := range vals {
				if !d.hasKey(k) {
					bad[name] = FieldInvalid
				}
				if !slices.Contains(keys, k) {
					keys = append(keys, k)
				}
			}
			out[d.Code] = keys
			continue
		}
		out[d.Code] = v
	}
	if len(bad) > 0 {
		names := make([]string, 0, len(bad))
		for k := range bad {
			names = append(names, k)
		}
		slices.Sort(names)
		first := names[0]
		label := first
		if d, ok := byCode[strings.TrimSuffix(strings.TrimPrefix(first, "attribute["), "]")]; ok && d.Description != "" {
			label += " (" + d.Description + ")"
		}
		vi, en := "Giá trị của "+label+" không hợp lệ.", "The value of "+label+" is not valid."
		switch bad[first] {
		case FieldRequired:
			vi, en = "Cần trả lời "+label+".", label+" is required."
		case FieldUnknown:
			vi, en = "Dịch vụ này không có trường "+first+".", "This service has no "+first+"."
		case FieldTooLong:
			vi, en = "Giá trị của "+label+" quá dài.", "The value of "+label+" is too long."
		}
		return nil, Invalid(vi, en, bad)
	}
	return out, nil
}

// w3cLayouts are the forms of the W3C note on datetimes
// (www.w3.org/TR/NOTE-datetime), longest first.
var w3cLayouts = []string{
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02T15:04Z07:00",
	"2006-01-02",
	"2006-01",
	"2006",
}

// ParseW3CTime parses a datetime in one of the W3C note's forms. The forms
// with a time must carry a zone (Z or ±hh:mm); the date-only forms (YYYY,
// YYYY-MM, YYYY-MM-DD) mean the start of that period in loc. A zone's '+'
// turned into a space by form decoding is read as '+'. Anything else returns
// an invalid_input *Error.
func ParseW3CTime(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, 'T'); i > 0 {
		if j := strings.LastIndexByte(s, ' '); j > i {
			s = s[:j] + "+" + s[j+1:]
		}
	}
	for _, layout := range w3cLayouts {
		var t time.Time
		var err error
		if strings.Contains(layout, "T") {
			t, err = time.Parse(layout, s)
		} else {
			t, err = time.ParseInLocation(layout, s, loc)
		}
		if err == nil {
			return t, nil
		}
	}
	return time.Time{}, Invalid("Thời gian không đúng định dạng W3C (ví dụ 2026-11-03T09:00:00+07:00).",
		"The datetime is not in W3C format (for example 2026-11-03T09:00:00+07:00).", nil)
}

// Open311Status returns the GeoReport status of a ticket status: "open"
// while it is being worked on, "closed" once resolved, closed, rejected or
// merged as a duplicate.
func Open311Status(s Status) string {
	if s.Open() {
		return "open"
	}
	return "closed"
}

// StatusesOf returns the ticket statuses a GeoReport status ("open" or
// "closed") stands for, and false for anything else.
func StatusesOf(open311 string) ([]Status, bool) {
	switch open311 {
	case "open":
		return slices.Clone(OpenStatuses), true
	case "closed":
		var out []Status
		for _, s := range Statuses {
			if !s.Open() {
				out = append(out, s)
			}
		}
		return out, true
	}
	return nil, false
}

// Open311Service is an active category of a unit as a GeoReport service.
type Open311Service struct {
	Code        string
	Name        string
	Description string
	Keywords    []string
	Group       string // the default department's name
	Attributes  []ServiceAttribute
}

// Open311Submission is what a POSTed request carries beyond the feedback
// itself; it is recorded in the ticket's "created" event, never shown.
type Open311Submission struct {
	APIKeyID   int64
	AddressID  string
	Attributes map[string]any
}

// Open311Request is a ticket as GeoReport shows it. It holds no personal data.
type Open311Request struct {
	TrackingCode   string
	Status         Status
	Kind           Kind
	Channel        Channel
	Public         bool
	CategoryCode   string
	CategoryName   string
	DepartmentName string
	Body           string
	Address        string
	AddressID      string
	Lat, Lng       *float64
	MediaURL       string
	StatusNotes    string // the latest public reply
	CreatedAt      time.Time
	UpdatedAt      time.Time
	ClosedAt       *time.Time
	DueAt          *time.Time
}

// Publishable reports whether the request's description, location and media
// may be shown to anyone: the citizen agreed to publish it (tickets made
// through Open311 are public, as GeoReport is a public API) and it is not a
// denunciation.
func (r Open311Request) Publishable() bool {
	return r.Public && r.Kind != KindDenunciation
}

// Open311Filter selects the requests of GET requests.
type Open311Filter struct {
	Codes        []string // service_request_id: when set, the other conditions are ignored
	ServiceCodes []string
	Statuses     []Status
	From, To     time.Time // requested_datetime, both included
	PublicOnly   bool      // only Publishable requests
	Limit        int
	Offset       int
}

// APIKey is an Open311 API key as stored: never the key itself.
type APIKey struct {
	ID         int64
	Name       string
	Prefix     string // the key's first characters, to recognise it
	UnitID     *int64 // nil: any unit
	UnitCode   string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// Allows reports whether the key may post to the unit: a key without a unit
// may post anywhere; a key for a unit may post to it and to the units
// directly below it (a province's key to its communes).
func (k APIKey) Allows(u Unit) bool {
	if k.UnitID == nil {
		return true
	}
	return *k.UnitID == u.ID || (u.ParentID != nil && *u.ParentID == *k.UnitID)
}

// APIKeyPrefix starts every Open311 API key.
const APIKeyPrefix = "cn_"

// NewAPIKeySecret returns a new API key: "cn_" and 32 random bytes in
// unpadded base64url (46 characters). It does not fail.
func NewAPIKeySecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return APIKeyPrefix + base64.RawURLEncoding.EncodeToString(b[:])
}

// HashAPIKey returns the SHA-256 of the key, as stored in api_keys.key_hash.
func HashAPIKey(key string) []byte {
	h := sha256.Sum256([]byte(key))
	return h[:]
}

// DisplayPrefix returns the part of a key shown in lists: "cn_" and its
// next 6 characters.
func DisplayPrefix(key string) string {
	if n := len(APIKeyPrefix) + 6; len(key) > n {
		return key[:n]
	}
	return key
}

// ValidateAPIKeyName checks a key's name (who it is for): 1 to 100
// characters on one line. It returns the normalised name or an
// invalid_input *Error naming the field "name".
func ValidateAPIKeyName(name string) (string, error) {
	name = strings.Join(strings.Fields(NormalizeText(name)), " ")
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		return "", Invalid("Cần đặt tên cho khóa API.", "The API key needs a name.", map[string]string{"name": FieldRequired})
	case n > MaxAPIKeyNameLen:
		return "", Invalid("Tên khóa API quá dài (tối đa 100 ký tự).", "The API key's name is too long (100 characters at most).",
			map[string]string{"name": FieldTooLong})
	}
	return name, nil
}

// ValidateMediaURL checks a request's media_url: empty, or an absolute http
// or https URL of at most 2,000 characters.
func ValidateMediaURL(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	if err != nil || len(s) > MaxMediaURLLen || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", Invalid("media_url phải là một địa chỉ http hoặc https.", "media_url must be an http or https URL.",
			map[string]string{"media_url": FieldInvalid})
	}
	return s, nil
}
