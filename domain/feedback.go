package domain

import (
	"fmt"
	"math"
	"net/mail"
	"strings"
	"unicode/utf8"
)

// Limits of the feedback form, in characters (runes) after normalisation.
const (
	MaxBodyLen       = 10000
	MaxTitleLen      = 200
	MaxNameLen       = 100
	MaxAddressLen    = 500
	MaxVillageLen    = 100
	MaxEmailLen      = 254
	MaxExternalIDLen = 255
	MaxCodeLen       = 64 // unit and category codes
)

// Field codes of an invalid_input *Error's Fields.
const (
	FieldRequired    = "required"
	FieldTooLong     = "too_long"
	FieldInvalid     = "invalid"
	FieldUnknown     = "unknown"
	FieldInvalidUTF8 = "invalid_utf8"
)

// FeedbackInput is a piece of feedback as submitted on the web form, the
// API, or by staff for a hotline call or a walk-in.
type FeedbackInput struct {
	Unit     string // unit code; may be empty where the server has one unit
	Kind     string // a Kind; empty means feedback
	Category string // category code; empty means "let routing decide"
	Title    string
	Body     string
	Citizen  Citizen
	Location Location
	Public   bool
	Channel  Channel // empty means web
}

// feedbackFields lists the field names of FeedbackInput in form order, which
// decides which problem an error's message describes.
var feedbackFields = []string{"unit", "kind", "channel", "category", "title", "body",
	"citizen.name", "citizen.phone", "citizen.email", "citizen.external_id",
	"location.address", "location.village", "location.lat", "location.lng"}

// ValidateFeedback checks in and returns it normalised: text fields in NFC
// with whitespace tidied (NormalizeText; title, name and village on one
// line), codes trimmed and lower-cased, kind defaulted to feedback and
// channel to web, the phone number in national form, the e-mail address
// bare. On failure it returns in unchanged and an invalid_input *Error
// whose Fields names every bad field ("body", "citizen.phone",
// "location.lat", ...) with a code (required, too_long, invalid, unknown,
// invalid_utf8) and whose messages describe the first bad field in form
// order. A category must be an active one of categories, by Code; a
// denunciation needs the denouncer's name (Law on Denunciations, Art. 25).
func ValidateFeedback(in FeedbackInput, categories []Category) (FeedbackInput, error) {
	bad := map[string]string{}
	out := in

	raw := map[string]*string{
		"unit": &out.Unit, "kind": &out.Kind, "category": &out.Category,
		"title": &out.Title, "body": &out.Body,
		"citizen.name": &out.Citizen.Name, "citizen.phone": &out.Citizen.Phone,
		"citizen.email": &out.Citizen.Email, "citizen.external_id": &out.Citizen.ExternalID,
		"location.address": &out.Location.Address, "location.village": &out.Location.Village,
	}
	for name, p := range raw {
		if !utf8.ValidString(*p) {
			bad[name] = FieldInvalidUTF8
		}
	}
	if !utf8.ValidString(string(out.Channel)) {
		bad["channel"] = FieldInvalidUTF8
	}
	ok := func(name string) bool { _, b := bad[name]; return !b }

	// codes
	out.Unit = strings.ToLower(strings.TrimSpace(out.Unit))
	if ok("unit") && out.Unit != "" && !isCode(out.Unit) {
		bad["unit"] = FieldInvalid
	}
	out.Kind = strings.ToLower(strings.TrimSpace(out.Kind))
	if out.Kind == "" {
		out.Kind = string(KindFeedback)
	}
	if ok("kind") && !Kind(out.Kind).Valid() {
		bad["kind"] = FieldInvalid
	}
	out.Channel = Channel(strings.ToLower(strings.TrimSpace(string(out.Channel))))
	if out.Channel == "" {
		out.Channel = ChannelWeb
	}
	if ok("channel") && !out.Channel.Valid() {
		bad["channel"] = FieldInvalid
	}
	out.Category = strings.ToLower(strings.TrimSpace(out.Category))
	if ok("category") && out.Category != "" && !knownCategory(out.Category, categories) {
		bad["category"] = FieldUnknown
	}

	// texts
	text := func(name string, p *string, oneLine bool, max int, required bool) {
		if !ok(name) {
			return
		}
		*p = NormalizeText(*p)
		if oneLine {
			*p = strings.Join(strings.Fields(*p), " ")
		}
		switch n := utf8.RuneCountInString(*p); {
		case n == 0 && required:
			bad[name] = FieldRequired
		case n > max:
			bad[name] = FieldTooLong
		}
	}
	text("title", &out.Title, true, MaxTitleLen, false)
	text("body", &out.Body, false, MaxBodyLen, true)
	text("citizen.name", &out.Citizen.Name, true, MaxNameLen, Kind(out.Kind) == KindDenunciation)
	text("location.address", &out.Location.Address, false, MaxAddressLen, false)
	text("location.village", &out.Location.Village, true, MaxVillageLen, false)
	text("citizen.external_id", &out.Citizen.ExternalID, true, MaxExternalIDLen, false)

	if ok("citizen.phone") {
		out.Citizen.Phone = strings.TrimSpace(out.Citizen.Phone)
		if out.Citizen.Phone != "" {
			if p, valid := NormalizePhone(out.Citizen.Phone); valid {
				out.Citizen.Phone = p
			} else {
				bad["citizen.phone"] = FieldInvalid
			}
		}
	}
	if ok("citizen.email") {
		e, code := normalizeEmail(out.Citizen.Email)
		out.Citizen.Email = e
		if code != "" {
			bad["citizen.email"] = code
		}
	}

	// coordinates: both or neither, finite, in range
	lat, lng := out.Location.Lat, out.Location.Lng
	switch {
	case lat != nil && lng == nil:
		bad["location.lng"] = FieldRequired
	case lat == nil && lng != nil:
		bad["location.lat"] = FieldRequired
	}
	if lat != nil && !inRange(*lat, 90) {
		bad["location.lat"] = FieldInvalid
	}
	if lng != nil && !inRange(*lng, 180) {
		bad["location.lng"] = FieldInvalid
	}
	if lat != nil {
		v := *lat
		out.Location.Lat = &v
	}
	if lng != nil {
		v := *lng
		out.Location.Lng = &v
	}

	if len(bad) > 0 {
		for _, f := range feedbackFields {
			if code, b := bad[f]; b {
				return in, Invalid(FieldMessage(f, code, false), FieldMessage(f, code, true), bad)
			}
		}
	}
	return out, nil
}

func inRange(v, limit float64) bool {
	return !math.IsNaN(v) && v >= -limit && v <= limit
}

// isCode reports whether s is a code: lower-case ASCII letters, digits and
// inner hyphens or underscores, at most MaxCodeLen long.
// IsCode reports whether s has the shape of a unit, department or category
// code: lower-case ASCII letters, digits, '-' and '_', not starting or ending
// with '-', at most MaxCodeLen bytes.
func IsCode(s string) bool { return isCode(s) }

func isCode(s string) bool {
	if s == "" || len(s) > MaxCodeLen || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func knownCategory(code string, categories []Category) bool {
	for _, c := range categories {
		if c.Active && strings.EqualFold(c.Code, code) {
			return true
		}
	}
	return false
}

// normalizeEmail returns the bare address of s (net/mail syntax, domain in
// lower case) and "" or the field code of the problem.
func normalizeEmail(s string) (string, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", ""
	}
	if utf8.RuneCountInString(s) > MaxEmailLen {
		return s, FieldTooLong
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" {
		return s, FieldInvalid
	}
	at := strings.LastIndexByte(a.Address, '@')
	if at <= 0 || !strings.Contains(a.Address[at+1:], ".") || strings.ContainsAny(a.Address, " \t\r\n\"") {
		return s, FieldInvalid
	}
	addr := a.Address[:at+1] + strings.ToLower(a.Address[at+1:])
	if utf8.RuneCountInString(addr) > MaxEmailLen {
		return s, FieldTooLong
	}
	return addr, ""
}

// fieldLabels are the Vietnamese and English names of the form's fields,
// the English one as the subject of a sentence.
var fieldLabels = map[string][2]string{
	"unit":                {"Đơn vị", "The commune or ward"},
	"kind":                {"Loại phản ánh", "The kind of feedback"},
	"channel":             {"Kênh tiếp nhận", "The channel"},
	"category":            {"Lĩnh vực", "The category"},
	"title":               {"Tiêu đề", "The title"},
	"body":                {"Nội dung phản ánh", "The feedback text"},
	"citizen.name":        {"Họ và tên", "The name"},
	"citizen.phone":       {"Số điện thoại", "The phone number"},
	"citizen.email":       {"Địa chỉ email", "The e-mail address"},
	"citizen.external_id": {"Mã người gửi", "The sender id"},
	"location.address":    {"Địa chỉ", "The address"},
	"location.village":    {"Thôn, tổ dân phố", "The village"},
	"location.lat":        {"Vĩ độ", "The latitude"},
	"location.lng":        {"Kinh độ", "The longitude"},
	"tracking_code":       {"Mã theo dõi", "The tracking code"},
}

var fieldLimits = map[string]int{
	"title": MaxTitleLen, "body": MaxBodyLen, "citizen.name": MaxNameLen,
	"citizen.email": MaxEmailLen, "citizen.external_id": MaxExternalIDLen,
	"location.address": MaxAddressLen, "location.village": MaxVillageLen,
}

// FieldMessage returns the sentence shown next to a form field (named as in
// an *Error's Fields) for a field code, in Vietnamese, or in English when en
// is true. Unknown fields and codes get a generic sentence; it never
// returns "".
func FieldMessage(field, code string, en bool) string {
	label, known := fieldLabels[field]
	if !known {
		label = [2]string{"Giá trị", "This value"}
	}
	switch {
	case field == "citizen.name" && code == FieldRequired:
		return pick(en, "Đơn tố cáo cần ghi rõ họ và tên người tố cáo.", "A denunciation must give the denouncer's name.")
	case field == "body" && code == FieldRequired:
		return pick(en, "Nội dung phản ánh không được để trống.", "The feedback text is required.")
	case (field == "location.lat" || field == "location.lng") && code == FieldRequired:
		return pick(en, "Cần có cả vĩ độ và kinh độ.", "Give both the latitude and the longitude.")
	case field == "location.lat" && code == FieldInvalid:
		return pick(en, "Vĩ độ phải nằm trong khoảng từ -90 đến 90.", "The latitude must be between -90 and 90.")
	case field == "location.lng" && code == FieldInvalid:
		return pick(en, "Kinh độ phải nằm trong khoảng từ -180 đến 180.", "The longitude must be between -180 and 180.")
	case field == "citizen.phone" && code == FieldInvalid:
		return pick(en, "Số điện thoại không hợp lệ (ví dụ: 0912345678).", "The phone number is not valid (for example 0912345678).")
	case field == "citizen.email" && code == FieldInvalid:
		return pick(en, "Địa chỉ email không hợp lệ (ví dụ: ten@example.vn).", "The e-mail address is not valid (for example name@example.vn).")
	case field == "category" && code == FieldUnknown:
		return pick(en, "Lĩnh vực đã chọn không có trong danh sách.", "The category chosen is not in the list.")
	}
	switch code {
	case FieldRequired:
		return pick(en, label[0]+" không được để trống.", label[1]+" is required.")
	case FieldTooLong:
		if max, ok := fieldLimits[field]; ok {
			return pick(en, fmt.Sprintf("%s quá dài (tối đa %d ký tự).", label[0], max),
				fmt.Sprintf("%s is too long (at most %d characters).", label[1], max))
		}
		return pick(en, label[0]+" quá dài.", label[1]+" is too long.")
	case FieldInvalidUTF8:
		return pick(en, label[0]+" chứa ký tự không hợp lệ.", label[1]+" contains invalid characters.")
	case FieldUnknown:
		return pick(en, label[0]+" không có trong danh sách.", label[1]+" is not in the list.")
	}
	return pick(en, label[0]+" không hợp lệ.", label[1]+" is not valid.")
}

func pick(en bool, vi, english string) string {
	if en {
		return english
	}
	return vi
}
