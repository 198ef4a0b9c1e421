package domain

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

var testCategories = []Category{
	{ID: 1, Code: "chieu-sang", Active: true},
	{ID: 2, Code: "ha-tang", Active: true},
	{ID: 3, Code: "cu", Active: false},
}

func f64(v float64) *float64 { return &v }

func TestValidateFeedbackOK(t *testing.T) {
	in := FeedbackInput{
		Unit: " Xuan-Lung ", Category: "Chieu-Sang",
		Title:    "  Đèn  đường\nhỏng ",
		Body:     norm.NFD.String("Đèn đường trước nhà số 45 ... bị hỏng 3 ngày nay.\r\n\r\n\r\nCảm ơn.  "),
		Citizen:  Citizen{Name: " Nguyễn  Văn An ", Phone: "+84 912 345 678", Email: " an@Example.VN "},
		Location: Location{Address: "45 Lê Lợi, thôn 3", Lat: f64(21.32), Lng: f64(105.40)},
	}
	got, err := ValidateFeedback(in, testCategories)
	if err != nil {
		t.Fatal(err)
	}
	want := FeedbackInput{
		Unit: "xuan-lung", Kind: "feedback", Category: "chieu-sang",
		Title:    "Đèn đường hỏng",
		Body:     "Đèn đường trước nhà số 45 ... bị hỏng 3 ngày nay.\n\nCảm ơn.",
		Citizen:  Citizen{Name: "Nguyễn Văn An", Phone: "0912345678", Email: "an@example.vn"},
		Location: Location{Address: "45 Lê Lợi, thôn 3", Lat: f64(21.32), Lng: f64(105.40)},
		Channel:  ChannelWeb,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if got.Location.Lat == in.Location.Lat {
		t.Error("output aliases the input's coordinates")
	}
	// anonymous, minimal
	got, err = ValidateFeedback(FeedbackInput{Body: "x", Kind: "Inquiry", Channel: "hotline"}, nil)
	if err != nil || got.Kind != "inquiry" || got.Channel != ChannelHotline || got.Body != "x" {
		t.Errorf("minimal: %+v, %v", got, err)
	}
	// limits are inclusive and count characters, not bytes
	long := FeedbackInput{Title: strings.Repeat("ữ", MaxTitleLen), Body: strings.Repeat("ữ", MaxBodyLen),
		Citizen: Citizen{Name: strings.Repeat("ữ", MaxNameLen)}, Location: Location{Address: strings.Repeat("ữ", MaxAddressLen)}}
	if _, err := ValidateFeedback(long, nil); err != nil {
		t.Errorf("at the limits: %v", err)
	}
	if _, err := ValidateFeedback(FeedbackInput{Body: "Tố cáo", Kind: "denunciation", Citizen: Citizen{Name: "Trần B"}}, nil); err != nil {
		t.Errorf("named denunciation: %v", err)
	}
}

func TestValidateFeedbackErrors(t *testing.T) {
	tests := []struct {
		name   string
		in     FeedbackInput
		fields map[string]string
		msg    string
		msgEN  string
	}{
		{"empty", FeedbackInput{}, map[string]string{"body": "required"},
			"Nội dung phản ánh không được để trống.", "The feedback text is required."},
		{"blank body", FeedbackInput{Body: " \r\n\t\u00a0\x00 "}, map[string]string{"body": "required"}, "", ""},
		{"every bad field", FeedbackInput{
			Unit: "Xã Xuân Lũng", Kind: "praise", Channel: "telegram", Category: "nope",
			Title: strings.Repeat("a", MaxTitleLen+1), Body: strings.Repeat("b", MaxBodyLen+1),
			Citizen:  Citizen{Name: strings.Repeat("c", MaxNameLen+1), Phone: "12345", Email: "an@", ExternalID: strings.Repeat("e", 300)},
			Location: Location{Address: strings.Repeat("d", MaxAddressLen+1), Village: strings.Repeat("v", 101), Lat: f64(91), Lng: f64(math.NaN())},
		}, map[string]string{
			"unit": "invalid", "kind": "invalid", "channel": "invalid", "category": "unknown",
			"title": "too_long", "body": "too_long", "citizen.name": "too_long", "citizen.phone": "invalid",
			"citizen.email": "invalid", "citizen.external_id": "too_long", "location.address": "too_long",
			"location.village": "too_long", "location.lat": "invalid", "location.lng": "invalid",
		}, "Đơn vị không hợp lệ.", "The commune or ward is not valid."},
		{"invalid utf-8 before normalising", FeedbackInput{Body: "ok\xff", Title: "\xc3", Citizen: Citizen{Name: "\xff", Phone: "\xff", Email: "\xff"},
			Location: Location{Address: "\xe1\xbb"}, Unit: "\xff", Kind: "\xff", Category: "\xff", Channel: "\xff"},
			map[string]string{"body": "invalid_utf8", "title": "invalid_utf8", "citizen.name": "invalid_utf8",
				"citizen.phone": "invalid_utf8", "citizen.email": "invalid_utf8", "location.address": "invalid_utf8",
				"unit": "invalid_utf8", "kind": "invalid_utf8", "category": "invalid_utf8", "channel": "invalid_utf8"},
			"Đơn vị chứa ký tự không hợp lệ.", "The commune or ward contains invalid characters."},
		{"inactive category", FeedbackInput{Body: "x", Category: "cu"}, map[string]string{"category": "unknown"},
			"Lĩnh vực đã chọn không có trong danh sách.", "The category chosen is not in the list."},
		{"lat without lng", FeedbackInput{Body: "x", Location: Location{Lat: f64(21)}}, map[string]string{"location.lng": "required"}, "", ""},
		{"lng without lat", FeedbackInput{Body: "x", Location: Location{Lng: f64(105)}}, map[string]string{"location.lat": "required"}, "", ""},
		{"lng out of range", FeedbackInput{Body: "x", Location: Location{Lat: f64(-90), Lng: f64(180.5)}}, map[string]string{"location.lng": "invalid"}, "", ""},
		{"infinite", FeedbackInput{Body: "x", Location: Location{Lat: f64(math.Inf(1)), Lng: f64(0)}}, map[string]string{"location.lat": "invalid"}, "", ""},
		{"email with a name", FeedbackInput{Body: "x", Citizen: Citizen{Email: "An <an@example.vn>"}}, map[string]string{"citizen.email": "invalid"}, "", ""},
		{"email without a dot", FeedbackInput{Body: "x", Citizen: Citizen{Email: "an@localhost"}}, map[string]string{"citizen.email": "invalid"}, "", ""},
		{"email too long", FeedbackInput{Body: "x", Citizen: Citizen{Email: strings.Repeat("a", 250) + "@x.vn"}}, map[string]string{"citizen.email": "too_long"}, "", ""},
		{"anonymous denunciation", FeedbackInput{Body: "x", Kind: "denunciation"}, map[string]string{"citizen.name": "required"},
			"Đơn tố cáo cần ghi rõ họ và tên người tố cáo.", "A denunciation must give the denouncer's name."},
		{"title too long in characters", FeedbackInput{Body: "x", Title: strings.Repeat("ữ", MaxTitleLen+1)}, map[string]string{"title": "too_long"},
			"Tiêu đề quá dài (tối đa 200 ký tự).", "The title is too long (at most 200 characters)."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ValidateFeedback(tt.in, testCategories)
			if err == nil {
				t.Fatalf("no error: %+v", got)
			}
			e, ok := err.(*Error)
			if !ok || e.Code != EINVALID {
				t.Fatalf("error %T %v", err, err)
			}
			if !reflect.DeepEqual(e.Fields, tt.fields) {
				t.Errorf("fields %v, want %v", e.Fields, tt.fields)
			}
			if tt.msg != "" && (e.Message != tt.msg || e.MessageEN != tt.msgEN) {
				t.Errorf("messages %q / %q", e.Message, e.MessageEN)
			}
			if e.Message == "" || e.MessageEN == "" {
				t.Error("empty message")
			}
			if !reflect.DeepEqual(got, tt.in) && !(tt.in.Location.Lng != nil && math.IsNaN(*tt.in.Location.Lng)) {
				t.Errorf("input changed on failure: %+v", got)
			}
		})
	}
}

func TestFieldMessage(t *testing.T) {
	fields := append([]string{"nope"}, feedbackFields...)
	for _, f := range fields {
		for _, c := range []string{FieldRequired, FieldTooLong, FieldInvalid, FieldUnknown, FieldInvalidUTF8, "weird"} {
			vi, en := FieldMessage(f, c, false), FieldMessage(f, c, true)
			if vi == "" || en == "" || vi == en || !strings.HasSuffix(vi, ".") || !strings.HasSuffix(en, ".") {
				t.Errorf("FieldMessage(%q, %q) = %q / %q", f, c, vi, en)
			}
		}
	}
	if got := FieldMessage("citizen.phone", "invalid", false); got != "Số điện thoại không hợp lệ (ví dụ: 0912345678)." {
		t.Errorf("phone: %q", got)
	}
}

func FuzzValidateFeedback(f *testing.F) {
	f.Add("xuan-lung", "feedback", "chieu-sang", "Đèn đường hỏng", "Đèn đường trước nhà số 45 bị hỏng.",
		"Nguyễn Văn An", "0912345678", "an@example.vn", "45 Lê Lợi", 21.32, 105.40, true, true)
	f.Add("", "", "", "", "", "", "", "", "", 0.0, 0.0, false, false)
	f.Add("\xff", "denunciation", "x", "\r\n", " \u0301a\u00a0\u00a0b ", "\x00", "+84 (0) 912", "a@b.c", "\t", math.NaN(), math.Inf(-1), true, false)
	f.Fuzz(func(t *testing.T, unit, kind, category, title, body, name, phone, email, address string,
		lat, lng float64, hasLat, hasLng bool) {
		in := FeedbackInput{Unit: unit, Kind: kind, Category: category, Title: title, Body: body,
			Citizen: Citizen{Name: name, Phone: phone, Email: email}, Location: Location{Address: address}}
		if hasLat {
			in.Location.Lat = &lat
		}
		if hasLng {
			in.Location.Lng = &lng
		}
		out, err := ValidateFeedback(in, testCategories)
		if err != nil {
			e, ok := err.(*Error)
			if !ok || e.Code != EINVALID || len(e.Fields) == 0 || e.Message == "" || e.MessageEN == "" {
				t.Fatalf("bad error %#v", err)
			}
			return
		}
		for name, s := range map[string]string{"title": out.Title, "body": out.Body, "name": out.Citizen.Name,
			"address": out.Location.Address, "email": out.Citizen.Email, "unit": out.Unit, "category": out.Category} {
			if !utf8.ValidString(s) || !norm.NFC.IsNormalString(s) {
				t.Fatalf("%s %q: not NFC UTF-8", name, s)
			}
			if s != strings.TrimSpace(s) {
				t.Fatalf("%s %q: not trimmed", name, s)
			}
		}
		n := utf8.RuneCountInString
		if n(out.Body) < 1 || n(out.Body) > MaxBodyLen || n(out.Title) > MaxTitleLen ||
			n(out.Citizen.Name) > MaxNameLen || n(out.Location.Address) > MaxAddressLen || n(out.Citizen.Email) > MaxEmailLen {
			t.Fatalf("out of limits: %+v", out)
		}
		if !Kind(out.Kind).Valid() || !out.Channel.Valid() {
			t.Fatalf("kind %q channel %q", out.Kind, out.Channel)
		}
		if out.Citizen.Phone != "" {
			if p, ok := NormalizePhone(out.Citizen.Phone); !ok || p != out.Citizen.Phone {
				t.Fatalf("phone %q", out.Citizen.Phone)
			}
		}
		if (out.Location.Lat == nil) != (out.Location.Lng == nil) ||
			out.Location.Lat != nil && (math.Abs(*out.Location.Lat) > 90 || math.Abs(*out.Location.Lng) > 180) {
			t.Fatalf("coordinates %v %v", out.Location.Lat, out.Location.Lng)
		}
		again, err := ValidateFeedback(out, testCategories)
		if err != nil || !reflect.DeepEqual(again, out) {
			t.Fatalf("not idempotent: %+v, %v", again, err)
		}
	})
}
