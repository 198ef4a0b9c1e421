package api_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"caunoi/internal/apitest"
)

func TestSubmitFeedbackStoresARoutedTicketWithItsDeadline(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	r := e.JSON("POST", "/api/v1/feedback", apitest.ValidFeedback())
	if r.Status != 201 {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	var got struct {
		TrackingCode string `json:"tracking_code"`
		Status       string
		Kind         string
		Category     string
		Department   struct{ Code, Name string }
		DueAt        time.Time `json:"due_at"`
		URL          string
	}
	r.JSON(t, &got)
	if got.Status != "new" || got.Kind != "feedback" || got.Category != "chieu-sang" ||
		got.Department.Code != "kinh-te" || got.Department.Name != "Phòng Kinh tế" {
		t.Fatalf("answer %+v", got)
	}
	// Tuesday 09:00 + 3 working days: close of business on Friday 6 November.
	want := time.Date(2026, 11, 6, 17, 0, 0, 0, e.Loc)
	if !got.DueAt.Equal(want) {
		t.Fatalf("due_at %v, want %v", got.DueAt, want)
	}
	if got.URL != "http://caunoi.test/track/"+got.TrackingCode {
		t.Fatalf("url %q", got.URL)
	}
	var row struct {
		Phone, Dept, Status string
		Events              int
	}
	e.MustGet(&row, `SELECT t.citizen_phone AS phone, d.code AS dept, t.status,
		(SELECT count(*) FROM ticket_events WHERE ticket_id = t.id) AS events
		FROM tickets t JOIN departments d ON d.id = t.department_id WHERE tracking_code = $1`, got.TrackingCode)
	if row.Phone != "0912345678" || row.Dept != "kinh-te" || row.Events != 2 {
		t.Fatalf("stored %+v", row)
	}

	view := e.JSON("GET", "/api/v1/feedback/"+strings.ToLower(got.TrackingCode), nil)
	if view.Status != 200 {
		t.Fatalf("lookup %d %s", view.Status, view.Body)
	}
	for _, secret := range []string{"0912", "Nguyễn Văn An", "an@example.vn", "Lê Lợi"} {
		if strings.Contains(string(view.Body), secret) {
			t.Errorf("the citizen's view shows personal data %q: %s", secret, view.Body)
		}
	}
	m := view.Map(t)
	if m["tracking_code"] != got.TrackingCode || m["status"] != "new" || m["category"] != "chieu-sang" {
		t.Fatalf("view %v", m)
	}
}

func TestFeedbackWithoutCategoryIsRoutedByItsWords(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	cases := []struct{ body, category, dept string }{
		{"Đường vào thôn 2 bị ngập sâu sau trận mưa lớn đêm qua", "thien-tai", "kinh-te"},
		{"nha toi bi trom mat xe may dem qua", "an-ninh", "cong-an"},
		{"den duong thon dong hong may hom nay", "chieu-sang", "kinh-te"},
		{"Cho tôi hỏi thủ tục làm giấy khai sinh cho con", "thu-tuc", "hanh-chinh-cong"},
		{"Xin cảm ơn các anh chị cán bộ xã", "", "van-phong"},
	}
	for _, c := range cases {
		r := e.JSON("POST", "/api/v1/feedback", map[string]any{"unit": "xuan-lung", "body": c.body})
		if r.Status != 201 {
			t.Fatalf("%q: %d %s", c.body, r.Status, r.Body)
		}
		m := r.Map(t)
		dept, _ := m["department"].(map[string]any)
		cat, _ := m["category"].(string)
		if cat != c.category || dept["code"] != c.dept {
			t.Errorf("%q → %v / %v, want %s / %s", c.body, cat, dept["code"], c.category, c.dept)
		}
	}
}

func TestFeedbackFromAFormPost(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	form := url.Values{"unit": {"au-co"}, "body": {"Rác thải để bừa bãi ở đầu ngõ 12, mùi hôi"},
		"name": {"Trần Thị Bình"}, "phone": {"+84 912 345 678"}, "public": {"on"}}
	r := e.Request("POST", "/api/v1/feedback", []byte(form.Encode()), "Content-Type: application/x-www-form-urlencoded")
	if r.Status != 201 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	var phone string
	var public bool
	if err := e.DB.QueryRow("SELECT citizen_phone, public FROM tickets").Scan(&phone, &public); err != nil {
		t.Fatal(err)
	}
	if phone != "0912345678" || !public {
		t.Fatalf("stored phone %q public %v", phone, public)
	}
}

func TestAnonymousFeedbackIsAccepted(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	r := e.JSON("POST", "/api/v1/feedback", map[string]any{"unit": "xuan-lung", "body": "Cống thoát nước bị tắc"})
	if r.Status != 201 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
}

func TestBadFeedbackIsRefusedAndStoresNothing(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	with := func(k string, v any) map[string]any {
		f := apitest.ValidFeedback()
		f[k] = v
		return f
	}
	citizen := func(k, v string) map[string]any {
		f := apitest.ValidFeedback()
		f["citizen"] = map[string]any{k: v}
		return f
	}
	big := strings.Repeat("a", 1<<20+10)
	cases := []struct {
		name   string
		body   []byte
		ctype  string
		status int
		code   string
		field  string
	}{
		{"no body", mustJSON(with("body", "   ")), "application/json", 400, "invalid_input", "body"},
		{"body too long", mustJSON(with("body", strings.Repeat("ạ", 10001))), "application/json", 400, "invalid_input", "body"},
		{"title too long", mustJSON(with("title", strings.Repeat("t", 201))), "application/json", 400, "invalid_input", "title"},
		{"bad phone", mustJSON(citizen("phone", "12345")), "application/json", 400, "invalid_input", "citizen.phone"},
		{"bad email", mustJSON(citizen("email", "an@")), "application/json", 400, "invalid_input", "citizen.email"},
		{"lat out of range", mustJSON(with("location", map[string]any{"lat": 91.0, "lng": 105.0})), "application/json", 400, "invalid_input", "location.lat"},
		{"lng without lat", mustJSON(with("location", map[string]any{"lng": 105.0})), "application/json", 400, "invalid_input", "location.lat"},
		{"unknown kind", mustJSON(with("kind", "praise")), "application/json", 400, "invalid_input", "kind"},
		{"unknown category", mustJSON(with("category", "space-travel")), "application/json", 400, "invalid_input", "category"},
		{"unknown unit", mustJSON(with("unit", "atlantis")), "application/json", 400, "invalid_input", "unit"},
		{"wrong type", []byte(`{"unit":"xuan-lung","body":42}`), "application/json", 400, "invalid_input", "body"},
		{"unknown field", []byte(`{"unit":"xuan-lung","body":"x","password":"1"}`), "application/json", 400, "invalid_input", "password"},
		{"broken JSON", []byte(`{"unit":"xuan-lung","body":"x"`), "application/json", 400, "invalid_input", ""},
		{"trailing data", []byte(`{"unit":"xuan-lung","body":"x"} {}`), "application/json", 400, "invalid_input", ""},
		{"invalid UTF-8", []byte("{\"unit\":\"xuan-lung\",\"body\":\"\xff\xfe\"}"), "application/json", 400, "invalid_input", "body"},
		{"text/plain", []byte(`{"unit":"xuan-lung","body":"x"}`), "text/plain", 415, "unsupported_media_type", ""},
		{"no content type", []byte(`{"unit":"xuan-lung","body":"x"}`), "", 415, "unsupported_media_type", ""},
		{"over 1 MiB", []byte(`{"unit":"xuan-lung","body":"` + big + `"}`), "application/json", 413, "payload_too_large", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tickets, events := e.Count("tickets"), e.Count("ticket_events")
			var headers []string
			if c.ctype != "" {
				headers = append(headers, "Content-Type: "+c.ctype)
			}
			r := e.Request("POST", "/api/v1/feedback", c.body, headers...)
			if r.Status != c.status {
				t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Body)
			}
			eb := r.Err(t)
			if eb.Error.Code != c.code || eb.Error.Message == "" {
				t.Fatalf("error %+v, want code %s", eb.Error, c.code)
			}
			if c.field != "" && eb.Error.Fields[c.field] == "" {
				t.Fatalf("fields %v do not name %q", eb.Error.Fields, c.field)
			}
			if e.Count("tickets") != tickets || e.Count("ticket_events") != events {
				t.Fatal("a refused feedback changed the database")
			}
		})
	}
}

func TestErrorsSpeakEnglishWhenAsked(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	vi := e.JSON("POST", "/api/v1/feedback", map[string]any{"unit": "xuan-lung", "body": ""}).Err(t)
	en := e.JSON("POST", "/api/v1/feedback", map[string]any{"unit": "xuan-lung", "body": ""},
		"Accept-Language: en-US,en;q=0.9,vi;q=0.5").Err(t)
	if vi.Error.Message == en.Error.Message || !strings.Contains(strings.ToLower(en.Error.Message), "required") {
		t.Fatalf("vi %q en %q", vi.Error.Message, en.Error.Message)
	}
	if !strings.Contains(vi.Error.Message, "không") {
		t.Fatalf("default message is not Vietnamese: %q", vi.Error.Message)
	}
}

func TestFollowUpReopensAResolvedTicketWithin30Days(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	code := e.Submit("Ổ gà lớn giữa đường liên thôn")
	r := e.JSON("POST", "/api/v1/feedback/"+code+"/messages", map[string]any{"body": "Ổ gà ngày càng to hơn"})
	if r.Status != 201 {
		t.Fatalf("follow-up: %d %s", r.Status, r.Body)
	}
	var n int
	e.MustGet(&n, `SELECT count(*) FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
		WHERE t.tracking_code = $1 AND e.type = 'citizen_message' AND e.body = 'Ổ gà ngày càng to hơn'`, code)
	if n != 1 {
		t.Fatalf("%d citizen messages on the timeline", n)
	}

	e.DB.MustExec(`UPDATE tickets SET status = 'resolved', resolved_at = $2 WHERE tracking_code = $1`, code, e.Clock.Now())
	e.Clock.Advance(29 * 24 * time.Hour)
	if r := e.JSON("POST", "/api/v1/feedback/"+code+"/messages", map[string]any{"body": "Vẫn chưa sửa"}); r.Status != 201 {
		t.Fatalf("follow-up on resolved: %d %s", r.Status, r.Body)
	}
	var status string
	e.MustGet(&status, "SELECT status FROM tickets WHERE tracking_code = $1", code)
	if status != "in_progress" {
		t.Fatalf("a follow-up within 30 days left the ticket %s", status)
	}

	e.DB.MustExec(`UPDATE tickets SET status = 'resolved', resolved_at = $2 WHERE tracking_code = $1`, code, e.Clock.Now())
	e.Clock.Advance(31 * 24 * time.Hour)
	events := e.Count("ticket_events")
	r = e.JSON("POST", "/api/v1/feedback/"+code+"/messages", map[string]any{"body": "Lại hỏng"})
	if r.Status != 409 || r.Err(t).Error.Code != "conflict" {
		t.Fatalf("follow-up after 31 days: %d %s", r.Status, r.Body)
	}
	if e.Count("ticket_events") != events {
		t.Fatal("a refused follow-up was stored")
	}
}

func TestRatingOnceAfterResolution(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	code := e.Submit("Rác tồn đọng ở chợ")
	rate := func(score int) *apitest.Response {
		return e.JSON("POST", "/api/v1/feedback/"+code+"/rating", map[string]any{"score": score, "comment": "Cảm ơn"})
	}
	if r := rate(5); r.Status != 409 {
		t.Fatalf("rating before resolution: %d %s", r.Status, r.Body)
	}
	e.DB.MustExec(`UPDATE tickets SET status = 'resolved', resolved_at = now() WHERE tracking_code = $1`, code)
	if r := rate(6); r.Status != 400 || r.Err(t).Error.Fields["score"] == "" {
		t.Fatalf("score 6: %d %s", r.Status, r.Body)
	}
	if r := rate(4); r.Status != 201 {
		t.Fatalf("rating: %d %s", r.Status, r.Body)
	}
	if r := rate(1); r.Status != 409 {
		t.Fatalf("second rating: %d %s", r.Status, r.Body)
	}
	var score int
	e.MustGet(&score, "SELECT rating FROM tickets WHERE tracking_code = $1", code)
	if score != 4 {
		t.Fatalf("stored rating %d", score)
	}
}

func TestUnknownOrMalformedCodesAreNotFound(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	for _, code := range []string{"K7QM-R4TX9", "not-a-code", "0000-00000"} {
		r := e.JSON("GET", "/api/v1/feedback/"+code, nil)
		if r.Status != 404 || r.Err(t).Error.Code != "not_found" {
			t.Errorf("%s: %d %s", code, r.Status, r.Body)
		}
	}
}

func TestTrackingLookupsAreRateLimitedPerAddress(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, apitest.RateLimited)
	code := e.Submit("Đèn đường hỏng")
	var last *apitest.Response
	for i := 0; i < 40; i++ {
		last = e.JSON("GET", "/api/v1/feedback/"+code, nil)
		if last.Status == 429 {
			break
		}
		if last.Status != 200 {
			t.Fatalf("lookup %d: %d %s", i, last.Status, last.Body)
		}
	}
	if last.Status != 429 || last.Header.Get("Retry-After") == "" || last.Err(t).Error.Code != "rate_limited" {
		t.Fatalf("40 lookups in a moment: last %d %s (Retry-After %q)", last.Status, last.Body, last.Header.Get("Retry-After"))
	}
	e.Clock.Advance(time.Minute)
	if r := e.JSON("GET", "/api/v1/feedback/"+code, nil); r.Status != 200 {
		t.Fatalf("a minute later: %d %s\n%s", r.Status, r.Body, e.Log)
	}
}

func TestUnitsAndCategories(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	var units struct {
		Items []struct {
			Code, Name string
			Parent     *string
		}
	}
	e.JSON("GET", "/api/v1/units", nil).JSON(t, &units)
	names := map[string]string{}
	for _, u := range units.Items {
		names[u.Code] = u.Name
		if u.Code == "xuan-lung" && (u.Parent == nil || *u.Parent != "phu-tho") {
			t.Errorf("xuan-lung's parent %v", u.Parent)
		}
	}
	if names["xuan-lung"] != "Xã Xuân Lũng" || names["au-co"] != "Phường Âu Cơ" || names["phu-tho"] != "Tỉnh Phú Thọ" {
		t.Fatalf("units %v", names)
	}
	var cats struct{ Items []struct{ Code, Name string } }
	e.JSON("GET", "/api/v1/units/xuan-lung/categories", nil).JSON(t, &cats)
	if len(cats.Items) != 9 || cats.Items[0].Code != "thien-tai" || cats.Items[8].Code != "khac" {
		t.Fatalf("categories %+v", cats.Items)
	}
	if r := e.JSON("GET", "/api/v1/units/atlantis/categories", nil); r.Status != 404 {
		t.Fatalf("unknown unit: %d", r.Status)
	}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprint(err))
	}
	return b
}
