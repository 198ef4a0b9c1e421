package domain

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestInboundFeedback(t *testing.T) {
	lat, lng, bad := 21.3, 105.4, 200.0
	tests := []struct {
		name string
		in   Inbound
		body string
		cit  Citizen
		loc  bool
	}{
		{"text with a phone", Inbound{Channel: ChannelFacebookComment, SenderID: "65", SenderName: "  Nguyễn   Văn An ",
			Text: "Đèn hỏng, gọi tôi 0912.345.678"}, "Đèn hỏng, gọi tôi 0912.345.678",
			Citizen{Name: "Nguyễn Văn An", Phone: "0912345678", ExternalID: "65"}, false},
		{"image only", Inbound{Channel: ChannelZalo, SenderID: "24", Attachments: []Attachment{{Type: "image"}, {Type: "image"}, {Type: "gif"}}},
			"[Hình ảnh] [Tệp đính kèm]", Citizen{ExternalID: "24"}, false},
		{"location", Inbound{Channel: ChannelZalo, SenderID: "24", Location: &Location{Lat: &lat, Lng: &lng}},
			"[Vị trí]", Citizen{ExternalID: "24"}, true},
		{"bad location", Inbound{Channel: ChannelZalo, SenderID: "24", Text: "x", Location: &Location{Lat: &bad, Lng: &lng}},
			"x", Citizen{ExternalID: "24"}, false},
		{"nothing", Inbound{Channel: ChannelFacebookMessage, SenderID: "7"}, "[Tin nhắn không có nội dung]", Citizen{ExternalID: "7"}, false},
	}
	for _, tt := range tests {
		fi := InboundFeedback(tt.in)
		if fi.Body != tt.body || fi.Citizen != tt.cit || (fi.Location.Lat != nil) != tt.loc || fi.Kind != "feedback" {
			t.Errorf("%s: %+v", tt.name, fi)
		}
	}
	long := InboundFeedback(Inbound{Text: strings.Repeat("đường ", 3000)})
	if n := utf8.RuneCountInString(long.Body); n > MaxBodyLen {
		t.Errorf("body of %d runes", n)
	}
}

func TestValidateChannelAccount(t *testing.T) {
	ok := []ChannelAccountInput{
		{Unit: "xuan-lung", Platform: "facebook", AccountID: "104857600123456"},
		{Unit: " Au-Co ", Platform: "Zalo", AccountID: "388", AppID: "348", SecretKeyEnc: []byte{1}},
	}
	for _, in := range ok {
		if _, err := ValidateChannelAccount(in); err != nil {
			t.Errorf("%+v: %v", in, err)
		}
	}
	bad := map[string]ChannelAccountInput{
		"platform":   {Unit: "u", Platform: "tik tok!", AccountID: "1"}, // not a name; which names are served is the registry's
		"account_id": {Unit: "u", Platform: "facebook", AccountID: "page-1"},
		"unit":       {Platform: "facebook", AccountID: "1"},
		"secret_key": {Unit: "u", Platform: "zalo", AccountID: "1", AppID: "2"},
		"app_id":     {Unit: "u", Platform: "zalo", AccountID: "1", SecretKeyEnc: []byte{1}},
	}
	for field, in := range bad {
		_, err := ValidateChannelAccount(in)
		var de *Error
		if !asError(err, &de) || de.Fields[field] == "" {
			t.Errorf("%s: %v", field, err)
		}
	}
}

func asError(err error, de **Error) bool {
	e, ok := err.(*Error)
	*de = e
	return ok
}

// A platform is a name as adapters give them; which are served is the
// registry's, not domain's.
func TestPlatformValidIsAName(t *testing.T) {
	for p, want := range map[Platform]bool{"facebook": true, "zalo": true, "mailbox": true, "sms_gw2": true,
		"": false, "a": false, "Facebook": false, "2fa": false, "tik tok": false, "x-y": false,
		"abcdefghijklmnopqrstuvwxyz0123456": false} {
		if got := p.Valid(); got != want {
			t.Errorf("Platform(%q).Valid() = %v, want %v", p, got, want)
		}
	}
}
