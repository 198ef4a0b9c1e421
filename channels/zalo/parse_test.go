package zalo

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"caunoi/channels"
	"caunoi/channels/internal/testfixtures"
	"caunoi/domain"
)

const userID = "2468458835296117922"

func TestParseFixtures(t *testing.T) {
	tests := []struct {
		file string
		want domain.Inbound
	}{
		{"zalo_user_send_text.json", domain.Inbound{
			Channel:    domain.ChannelZalo,
			AccountID:  oaID,
			ExternalID: "96d3cdf3af1504609a1c",
			ThreadID:   userID,
			SenderID:   userID,
			Text: "Cho tôi hỏi: nhà hàng xóm xây tường lấn sang đất nhà tôi khoảng 30cm, tôi muốn làm đơn " +
				"tranh chấp đất đai thì nộp ở đâu và cần những giấy tờ gì ạ?",
			SentAt: time.UnixMilli(1735708200123).UTC(),
		}},
		{"zalo_user_send_image.json", domain.Inbound{
			Channel:     domain.ChannelZalo,
			AccountID:   oaID,
			ExternalID:  "b71e2f0c9d4a3e581f07",
			ThreadID:    userID,
			SenderID:    userID,
			Attachments: []domain.Attachment{{Type: "image", URL: "https://photo-stal-1.zdn.vn/full/fake-0a1b2c3d4e5f.jpg"}},
			SentAt:      time.UnixMilli(1735708265432).UTC(),
		}},
	}
	for _, tt := range tests {
		ins, err := Parse(testfixtures.Read(t, tt.file))
		if err != nil {
			t.Errorf("%s: %v", tt.file, err)
			continue
		}
		if len(ins) != 1 || !reflect.DeepEqual(ins[0], tt.want) {
			t.Errorf("%s: Parse =\n%+v\nwant\n%+v", tt.file, ins, tt.want)
		}
	}
}

// userEvent returns a user event with the given name and message JSON.
func userEvent(name, message string) []byte {
	return []byte(`{"app_id":"` + appID + `","sender":{"id":"` + userID + `"},"user_id_by_app":"55",` +
		`"recipient":{"id":"` + oaID + `"},"event_name":"` + name + `","message":` + message + `,"timestamp":"1735708300000"}`)
}

func TestParseEventTypes(t *testing.T) {
	lat, lng := 10.7642473, 106.6564313
	tests := []struct {
		name, message string
		text          string
		attachments   []domain.Attachment
		location      *domain.Location
	}{
		{"user_send_link", `{"msg_id":"l1","text":"https://baomoi.example/bai","attachments":[{"type":"link","payload":{"thumbnail":"https://t.example/1.jpg","description":"Bài báo về ngập","url":"https://baomoi.example/bai"}}]}`,
			"https://baomoi.example/bai", []domain.Attachment{{Type: "link", URL: "https://baomoi.example/bai", Name: "Bài báo về ngập"}}, nil},
		{"user_send_location", `{"msg_id":"g1","attachments":[{"type":"location","payload":{"coordinates":{"latitude":"10.7642473","longitude":"106.6564313"}}}]}`,
			"", nil, &domain.Location{Lat: &lat, Lng: &lng}},
		{"user_send_location", `{"msg_id":"g2","location":{"latitude":10.7642473,"longitude":106.6564313}}`,
			"", nil, &domain.Location{Lat: &lat, Lng: &lng}},
		{"user_send_file", `{"msg_id":"f1","attachments":[{"type":"file","payload":{"url":"https://f.example/don.pdf","size":"102400","name":"don-khieu-nai.pdf","checksum":"abc","type":"pdf"}}]}`,
			"", []domain.Attachment{{Type: "file", URL: "https://f.example/don.pdf", Name: "don-khieu-nai.pdf"}}, nil},
		{"user_send_sticker", `{"msg_id":"s1","attachments":[{"type":"sticker","payload":{"id":"a1b2","url":"https://s.example/st.png"}}]}`,
			"", []domain.Attachment{{Type: "sticker", URL: "https://s.example/st.png"}}, nil},
		{"user_send_gif", `{"msg_id":"gif1","attachments":[{"type":"gif","payload":{"thumbnail":"https://g.example/t.gif","url":"https://g.example/f.gif"}}]}`,
			"", []domain.Attachment{{Type: "image", URL: "https://g.example/f.gif"}}, nil},
		{"user_send_audio", `{"msg_id":"a1","attachments":[{"type":"audio","payload":{"url":"https://a.example/v.aac"}}]}`,
			"", []domain.Attachment{{Type: "audio", URL: "https://a.example/v.aac"}}, nil},
		{"user_send_image", `{"msg_id":"i1","text":"Ổ gà ở đầu hẻm","attachments":[{"type":"image","payload":{"thumbnail":"https://p.example/t.jpg","url":"https://p.example/f.jpg"}},{"type":"image","payload":{"thumbnail":"https://p.example/t2.jpg"}}]}`,
			"Ổ gà ở đầu hẻm", []domain.Attachment{{Type: "image", URL: "https://p.example/f.jpg"}, {Type: "image", URL: "https://p.example/t2.jpg"}}, nil},
	}
	for _, tt := range tests {
		ins, err := Parse(userEvent(tt.name, tt.message))
		if err != nil || len(ins) != 1 {
			t.Errorf("%s: Parse = %d items, %v", tt.name, len(ins), err)
			continue
		}
		in := ins[0]
		if in.Channel != domain.ChannelZalo || in.SenderID != userID || in.ThreadID != userID || in.AccountID != oaID ||
			!in.SentAt.Equal(time.UnixMilli(1735708300000)) || in.Verb != "" {
			t.Errorf("%s: ids %+v", tt.name, in)
		}
		if in.Text != tt.text || !reflect.DeepEqual(in.Attachments, tt.attachments) || !reflect.DeepEqual(in.Location, tt.location) {
			t.Errorf("%s: Text %q Attachments %+v Location %+v", tt.name, in.Text, in.Attachments, in.Location)
		}
	}
}

func TestParseIgnores(t *testing.T) {
	bodies := map[string]string{
		"oa_send_text echo": `{"app_id":"` + appID + `","sender":{"id":"` + oaID + `"},"recipient":{"id":"` + userID + `"},` +
			`"event_name":"oa_send_text","message":{"msg_id":"o1","text":"Phường đã nhận"},"timestamp":"1735708300000"}`,
		"oa_send_image echo": `{"app_id":"` + appID + `","sender":{"id":"` + oaID + `"},"recipient":{"id":"` + userID + `"},` +
			`"event_name":"oa_send_image","message":{"msg_id":"o2","attachments":[{"type":"image","payload":{"url":"https://x"}}]},"timestamp":"1"}`,
		"follow": `{"app_id":"` + appID + `","oa_id":"` + oaID + `","follower":{"id":"` + userID + `"},"event_name":"follow","timestamp":"1"}`,
		"seen": `{"app_id":"` + appID + `","sender":{"id":"` + oaID + `"},"recipient":{"id":"` + userID + `"},` +
			`"event_name":"user_seen_message","message":{"msg_ids":["o1"]},"timestamp":"1"}`,
		"received (ZBS)":  `{"sender":"` + oaID + `","recipient":"84987654321","event_name":"user_received_message","msg_id":"z","app_id":"1","timestamp":"1"}`,
		"no event name":   `{"app_id":"1"}`,
		"empty user send": string(userEvent("user_send_text", `{"msg_id":"e1","text":""}`)),
	}
	for name, body := range bodies {
		ins, err := Parse([]byte(body))
		if err != nil || len(ins) != 0 {
			t.Errorf("%s: Parse = %d items, %v; want none, nil", name, len(ins), err)
		}
	}
}

func TestParseMalformed(t *testing.T) {
	bodies := map[string]string{
		"not JSON":             `{"event_name":`,
		"empty":                ``,
		"no msg_id":            string(userEvent("user_send_text", `{"text":"x"}`)),
		"no message":           `{"app_id":"1","event_name":"user_send_text","sender":{"id":"5"},"recipient":{"id":"9"},"timestamp":"1"}`,
		"no sender":            `{"app_id":"1","event_name":"user_send_text","recipient":{"id":"9"},"message":{"msg_id":"m","text":"x"},"timestamp":"1"}`,
		"text is a number":     string(userEvent("user_send_text", `{"msg_id":"m","text":5}`)),
		"attachments a string": string(userEvent("user_send_image", `{"msg_id":"m","attachments":"x"}`)),
	}
	for name, body := range bodies {
		ins, err := Parse([]byte(body))
		if !errors.Is(err, channels.ErrMalformed) || ins != nil {
			t.Errorf("%s: Parse = %v, %v; want nil, ErrMalformed", name, ins, err)
		}
	}
}

func FuzzZaloParse(f *testing.F) {
	for _, name := range fixtures {
		f.Add(testfixtures.Read(f, name))
	}
	f.Add(userEvent("user_send_location", `{"msg_id":"g1","attachments":[{"type":"location","payload":{"coordinates":{"latitude":"10.7","longitude":"106.6"}}}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		ins, err := Parse(body)
		if err != nil {
			if !errors.Is(err, channels.ErrMalformed) || ins != nil {
				t.Fatalf("error %v with %d items", err, len(ins))
			}
			return
		}
		if len(ins) > 1 {
			t.Fatalf("%d items from one event", len(ins))
		}
		for _, in := range ins {
			if in.Channel != domain.ChannelZalo || in.ExternalID == "" || in.SenderID == "" || in.ThreadID != in.SenderID || in.AccountID == "" {
				t.Fatalf("incomplete item %+v", in)
			}
			if in.Text == "" && len(in.Attachments) == 0 && in.Location == nil {
				t.Fatalf("empty item %+v", in)
			}
		}
	})
}
