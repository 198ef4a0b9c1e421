package facebook

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"caunoi/channels"
	"caunoi/channels/internal/testfixtures"
	"caunoi/domain"
)

const pageID = "104857600123456"

func TestParseFeedCommentFixture(t *testing.T) {
	items, err := ParseItems(testfixtures.Read(t, "fb_feed_comment.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Item{{
		Inbound: domain.Inbound{
			Channel:    domain.ChannelFacebookComment,
			AccountID:  pageID,
			ExternalID: "912345678901234_1122334455667788",
			ThreadID:   "912345678901234_1122334455667788",
			Verb:       "add",
			SenderID:   "6543210987654321",
			SenderName: "Nguyễn Văn An",
			Text: "Đèn đường trước nhà số 45 Lê Lợi, phường Bến Thành bị hỏng 3 ngày nay, buổi tối rất tối và " +
				"nguy hiểm cho người đi đường. Mong phường sớm cho người sửa giúp!",
			SentAt: time.Unix(1735706090, 0).UTC(),
		},
		PostID:   "104857600123456_912345678901234",
		ParentID: "104857600123456_912345678901234",
	}}
	if !reflect.DeepEqual(items, want) {
		t.Errorf("ParseItems =\n%+v\nwant\n%+v", items, want)
	}
	ins, err := Parse(testfixtures.Read(t, "fb_feed_comment.json"))
	if err != nil || len(ins) != 1 || !reflect.DeepEqual(ins[0], want[0].Inbound) {
		t.Errorf("Parse = %+v, %v; want the Inbound of ParseItems", ins, err)
	}
}

func TestParseMessengerFixture(t *testing.T) {
	ins, err := Parse(testfixtures.Read(t, "fb_messenger_text.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.Inbound{{
		Channel:    domain.ChannelFacebookMessage,
		AccountID:  pageID,
		ExternalID: "m_Qk9SZ1dKa2xQY3JtT0RiVlRzU3VYcEZfZ1pqTnZwYkh4",
		ThreadID:   "7012345678901234",
		SenderID:   "7012345678901234",
		Text: "Chào UBND phường, hẻm 12 Nguyễn Trãi bị ngập sâu gần nửa mét sau cơn mưa chiều nay, nước tràn " +
			"vào nhà dân và cống thoát nước bị nghẹt rác. Nhờ phường cử người kiểm tra giúp ạ.",
		SentAt: time.UnixMilli(1735706999876).UTC(),
	}}
	if !reflect.DeepEqual(ins, want) {
		t.Errorf("Parse =\n%+v\nwant\n%+v", ins, want)
	}
}

// feed returns a Page delivery with one feed change whose value is value.
func feed(value string) []byte {
	return []byte(`{"object":"page","entry":[{"id":"` + pageID + `","time":1735706095,"changes":[{"field":"feed","value":` + value + `}]}]}`)
}

func commentJSON(verb, from, created, message string) string {
	return `{"from":{"id":"` + from + `","name":"Trần Thị Bình"},"item":"comment","comment_id":"111_222",` +
		`"post_id":"` + pageID + `_111","parent_id":"` + pageID + `_111","verb":"` + verb + `",` +
		`"created_time":` + created + `,"message":"` + message + `"}`
}

func parseOne(t *testing.T, body []byte) (domain.Inbound, bool) {
	t.Helper()
	ins, err := Parse(body)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if len(ins) > 1 {
		t.Fatalf("Parse returned %d items, want at most 1", len(ins))
	}
	if len(ins) == 0 {
		return domain.Inbound{}, false
	}
	return ins[0], true
}

func TestParseCommentVerbs(t *testing.T) {
	add, _ := parseOne(t, feed(commentJSON("add", "999", "1735706090", "Đường hỏng")))
	edit1, _ := parseOne(t, feed(commentJSON("edited", "999", "1735706090", "Đường hỏng nặng")))
	edit1again, _ := parseOne(t, feed(commentJSON("edited", "999", "1735706090", "Đường hỏng nặng")))
	edit2, _ := parseOne(t, feed(commentJSON("edited", "999", "1735706090", "Đường hỏng rất nặng")))
	edit3, _ := parseOne(t, feed(commentJSON("edit", "999", "1735706300", "Đường hỏng nặng")))
	remove, _ := parseOne(t, feed(`{"from":{"id":"999"},"item":"comment","comment_id":"111_222","post_id":"`+pageID+`_111","verb":"remove","created_time":1735706400}`))

	if add.ExternalID != "111_222" || add.Verb != "add" || add.ThreadID != "111_222" {
		t.Errorf("add: ExternalID %q Verb %q ThreadID %q", add.ExternalID, add.Verb, add.ThreadID)
	}
	if !strings.HasPrefix(edit1.ExternalID, "111_222:edited:1735706090:") || edit1.Verb != "edited" || edit1.Text != "Đường hỏng nặng" {
		t.Errorf("edit: ExternalID %q Verb %q Text %q", edit1.ExternalID, edit1.Verb, edit1.Text)
	}
	if edit1.ExternalID != edit1again.ExternalID {
		t.Error("a redelivered edit has another ExternalID")
	}
	if edit1.ExternalID == edit2.ExternalID || edit1.ExternalID == edit3.ExternalID {
		t.Error("two different edits share an ExternalID")
	}
	if edit3.Verb != "edited" {
		t.Errorf("verb edit gave Verb %q, want edited", edit3.Verb)
	}
	if remove.ExternalID != "111_222:remove" || remove.Verb != "remove" || remove.ThreadID != "111_222" ||
		!remove.SentAt.Equal(time.Unix(1735706400, 0)) {
		t.Errorf("remove: %+v", remove)
	}
	for _, id := range []string{edit1.ExternalID, edit2.ExternalID, remove.ExternalID} {
		if id == add.ExternalID {
			t.Errorf("%q collides with the add", id)
		}
	}
}

func TestParseIgnores(t *testing.T) {
	bodies := map[string]string{
		"page's own comment": string(feed(commentJSON("add", pageID, "1735706090", "Phường đã tiếp nhận"))),
		"hidden comment":     string(feed(commentJSON("hide", "999", "1735706090", "x"))),
		"reaction":           string(feed(`{"item":"reaction","verb":"add","reaction_type":"like","from":{"id":"999"},"post_id":"1_2"}`)),
		"post":               string(feed(`{"item":"status","verb":"add","post_id":"1_2","message":"Thông báo","from":{"id":"999"}}`)),
		"other field":        `{"object":"page","entry":[{"id":"` + pageID + `","changes":[{"field":"ratings","value":{"review_text":"tốt"}}]}]}`,
		"other object":       `{"object":"instagram","entry":[{"id":"1","messaging":[{"sender":{"id":"2"},"recipient":{"id":"1"},"message":{"mid":"m1","text":"hi"}}]}]}`,
		"echo": `{"object":"page","entry":[{"id":"` + pageID + `","messaging":[{"sender":{"id":"` + pageID + `"},"recipient":{"id":"7012"},` +
			`"timestamp":1735706999876,"message":{"mid":"m_echo","text":"Phường đã nhận","is_echo":true,"app_id":1}}]}]}`,
		"echo flag only": `{"object":"page","entry":[{"id":"` + pageID + `","messaging":[{"sender":{"id":"7012"},"recipient":{"id":"` + pageID + `"},` +
			`"timestamp":1735706999876,"message":{"mid":"m_echo2","text":"x","is_echo":true}}]}]}`,
		"delivery and read": `{"object":"page","entry":[{"id":"` + pageID + `","messaging":[` +
			`{"sender":{"id":"7012"},"recipient":{"id":"` + pageID + `"},"delivery":{"mids":["m1"],"watermark":1}},` +
			`{"sender":{"id":"7012"},"recipient":{"id":"` + pageID + `"},"read":{"watermark":1}},` +
			`{"sender":{"id":"7012"},"recipient":{"id":"` + pageID + `"},"postback":{"title":"Bắt đầu","payload":"GET_STARTED"}}]}]}`,
		"no entries": `{"object":"page","entry":[]}`,
	}
	for name, body := range bodies {
		ins, err := Parse([]byte(body))
		if err != nil || len(ins) != 0 {
			t.Errorf("%s: Parse = %d items, %v; want none, nil", name, len(ins), err)
		}
	}
}

func TestParseBatch(t *testing.T) {
	body := `{"object":"page","entry":[
	  {"id":"` + pageID + `","time":1735707000412,"messaging":[
	    {"sender":{"id":"71"},"recipient":{"id":"` + pageID + `"},"timestamp":1735707000001,"message":{"mid":"m_1","text":"một"}},
	    {"sender":{"id":"72"},"recipient":{"id":"` + pageID + `"},"timestamp":1735707000002,"message":{"mid":"m_2","text":"hai"}},
	    {"sender":{"id":"` + pageID + `"},"recipient":{"id":"71"},"timestamp":1735707000003,"message":{"mid":"m_3","text":"echo","is_echo":true}}]},
	  {"id":"200000000000001","time":1735707000999,"messaging":[
	    {"sender":{"id":"73"},"recipient":{"id":"200000000000001"},"timestamp":1735707000004,"message":{"mid":"m_4","text":"ba"}}]},
	  {"id":"` + pageID + `","time":1735706095,"changes":[
	    {"field":"feed","value":` + commentJSON("add", "999", "1735706090", "bốn") + `},
	    {"field":"feed","value":` + commentJSON("add", pageID, "1735706091", "trang trả lời") + `}]}]}`
	ins, err := Parse([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	type key struct{ ext, account, thread, text string }
	var got []key
	for _, in := range ins {
		got = append(got, key{in.ExternalID, in.AccountID, in.ThreadID, in.Text})
	}
	want := []key{
		{"m_1", pageID, "71", "một"},
		{"m_2", pageID, "72", "hai"},
		{"m_4", "200000000000001", "73", "ba"},
		{"111_222", pageID, "111_222", "bốn"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("batch =\n%v\nwant\n%v", got, want)
	}
	if !ins[1].SentAt.Equal(time.UnixMilli(1735707000002)) {
		t.Errorf("SentAt = %v", ins[1].SentAt)
	}
}

func TestParseMessengerAttachments(t *testing.T) {
	body := `{"object":"page","entry":[{"id":"` + pageID + `","time":1735707000412,"messaging":[{"sender":{"id":"71"},"recipient":{"id":"` + pageID + `"},
	  "timestamp":1735707000001,"message":{"mid":"m_att","attachments":[
	    {"type":"image","payload":{"url":"https://cdn.example/anh.jpg"}},
	    {"type":"image","payload":{"url":"https://cdn.example/sticker.png","sticker_id":369239263222822}},
	    {"type":"file","payload":{"url":"https://cdn.example/don.pdf"}},
	    {"type":"fallback","title":"Bài báo","url":"https://baomoi.example/x","payload":null},
	    {"type":"location","title":"Vị trí","payload":{"coordinates":{"lat":10.77,"long":106.70}}}]}}]}]}`
	in, ok := parseOne(t, []byte(body))
	if !ok {
		t.Fatal("no item")
	}
	want := []domain.Attachment{
		{Type: "image", URL: "https://cdn.example/anh.jpg"},
		{Type: "sticker", URL: "https://cdn.example/sticker.png"},
		{Type: "file", URL: "https://cdn.example/don.pdf"},
		{Type: "link", URL: "https://baomoi.example/x", Name: "Bài báo"},
	}
	if !reflect.DeepEqual(in.Attachments, want) {
		t.Errorf("Attachments = %+v", in.Attachments)
	}
	if in.Location == nil || *in.Location.Lat != 10.77 || *in.Location.Lng != 106.70 {
		t.Errorf("Location = %+v", in.Location)
	}
	if in.Text != "" || in.ExternalID != "m_att" {
		t.Errorf("Text %q ExternalID %q", in.Text, in.ExternalID)
	}
}

func TestParseCommentPhoto(t *testing.T) {
	in, _ := parseOne(t, feed(`{"from":{"id":"999"},"item":"comment","comment_id":"1_2","post_id":"1_1","verb":"add","created_time":1735706090,"message":"Ảnh","photo":"https://cdn.example/p.jpg"}`))
	if len(in.Attachments) != 1 || in.Attachments[0] != (domain.Attachment{Type: "image", URL: "https://cdn.example/p.jpg"}) {
		t.Errorf("Attachments = %+v", in.Attachments)
	}
}

func TestParseMalformed(t *testing.T) {
	bodies := map[string]string{
		"not JSON":            `{"object":"page",`,
		"empty":               ``,
		"array":               `[]`,
		"entry not an array":  `{"object":"page","entry":{}}`,
		"comment without id":  string(feed(`{"from":{"id":"9"},"item":"comment","verb":"add","message":"x"}`)),
		"message as a number": string(feed(`{"from":{"id":"9"},"item":"comment","comment_id":"1_2","verb":"add","message":5}`)),
		"message no sender":   `{"object":"page","entry":[{"id":"1","messaging":[{"recipient":{"id":"1"},"message":{"mid":"m","text":"x"}}]}]}`,
		"timestamp an object": `{"object":"page","entry":[{"id":"1","messaging":[{"sender":{"id":"2"},"timestamp":{},"message":{"mid":"m"}}]}]}`,
	}
	for name, body := range bodies {
		ins, err := Parse([]byte(body))
		if !errors.Is(err, channels.ErrMalformed) || ins != nil {
			t.Errorf("%s: Parse = %v, %v; want nil, ErrMalformed", name, ins, err)
		}
	}
}

func FuzzFacebookParse(f *testing.F) {
	for _, name := range fixtures {
		f.Add(testfixtures.Read(f, name))
	}
	f.Add(feed(commentJSON("edited", "9", "1735706090", "x")))
	f.Add([]byte(`{"object":"page","entry":[{"id":"1","changes":[{"field":"feed","value":{"item":5,"message":{}}},` +
		`{"field":"feed","value":{"item":"comment","comment_id":"1_2","verb":"add","from":{"id":"9"},"message":"x"}}]}]}`))
	// Keys given twice (the review's cases): the last value, never a merge.
	f.Add([]byte(`{"object":"page","entry":[{"id":"1","changes":[{"field":"feed","value":{"item":5,"item":"comment","comment_id":"1_2","verb":"add","from":{"id":"9"},"message":"x"}}]}]}`))
	f.Add([]byte(`{"object":"page","entry":[{"id":"1","changes":[{"field":"feed","value":{"item":"comment","comment_id":"1_2","verb":"add"},"value":{"item":"comment","verb":"add","message":"y"}}]}]}`))
	f.Add([]byte(`{"object":"page","entry":[{"id":"1","changes":[{"field":"feed","value":{"item":"comment","comment_id":"1_2","verb":"add"}}],"changes":[{"value":{"item":"comment","verb":"add"}}]}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		items, err := ParseItems(body)
		if err != nil {
			if !errors.Is(err, channels.ErrMalformed) || items != nil {
				t.Fatalf("error %v with %d items", err, len(items))
			}
			return
		}
		for _, it := range items {
			in := it.Inbound
			if in.ExternalID == "" || in.ThreadID == "" || !in.Channel.Valid() {
				t.Fatalf("incomplete item %+v", in)
			}
			if in.Channel == domain.ChannelFacebookComment && in.SenderID != "" && in.SenderID == in.AccountID {
				t.Fatalf("page's own comment returned: %+v", in)
			}
		}
	})
}

// BenchmarkParseItems reads a delivery of one feed comment, as the
// webhook gets them.
//
//	go test ./channels/facebook/ -run '^$' -bench ParseItems -benchmem
func BenchmarkParseItems(b *testing.B) {
	body := feed(commentJSON("add", "6520627320000", "1735706090",
		"Đèn đường trước nhà số 45 Lê Lợi bị hỏng 3 ngày nay, buổi tối rất tối và nguy hiểm cho người đi đường."))
	b.ReportAllocs()
	for b.Loop() {
		if items, err := ParseItems(body); err != nil || len(items) != 1 {
			b.Fatal(items, err)
		}
	}
}
