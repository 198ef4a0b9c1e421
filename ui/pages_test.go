package ui_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"caunoi/internal/httpx"

	"caunoi/domain"
	"caunoi/internal/apitest"
	"caunoi/reports"
	"caunoi/web"
)

// apiTicket files a ticket through the JSON API and returns its code and id.
func apiTicket(t *testing.T, e *apitest.Env, fields map[string]any) (string, int64) {
	t.Helper()
	fb := apitest.ValidFeedback()
	for k, v := range fields {
		fb[k] = v
	}
	r := e.JSON("POST", "/api/v1/feedback", fb)
	if r.Status != 201 {
		t.Fatalf("intake %d %s", r.Status, r.Body)
	}
	code := r.Map(t)["tracking_code"].(string)
	var id int64
	if err := e.DB.Get(&id, "SELECT id FROM tickets WHERE tracking_code = $1", code); err != nil {
		t.Fatal(err)
	}
	return code, id
}

var (
	inlineScriptRE = regexp.MustCompile(`<script(?:\s[^>]*)?>`)
	inlineStyleRE  = regexp.MustCompile(`(?i)<style|\sstyle=|\son[a-z]+=`)
)

// checkPage asserts what every page holds: HTML, the CSP, a small size,
// no inline script or style.
func checkPage(t *testing.T, name string, pg *apitest.Page) {
	t.Helper()
	if ct := pg.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("%s: content type %q", name, ct)
	}
	csp := pg.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("%s: CSP %q lacks %q", name, csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("%s: CSP allows inline code: %q", name, csp)
	}
	if pg.Header.Get("X-Content-Type-Options") != "nosniff" || pg.Header.Get("Referrer-Policy") == "" {
		t.Errorf("%s: security headers %v", name, pg.Header)
	}
	if n := len(pg.Body); n > 100*1024 {
		t.Errorf("%s: %d bytes, over 100 KB", name, n)
	}
	for _, tag := range inlineScriptRE.FindAllString(pg.Body, -1) {
		if !strings.Contains(tag, ` src="`) {
			t.Errorf("%s: inline script %s", name, tag)
		}
	}
	if m := inlineStyleRE.FindString(pg.Body); m != "" {
		t.Errorf("%s: inline style or handler %q", name, m)
	}
}

func TestPagesRenderInVietnameseAndEnglish(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	code, id := apiTicket(t, e, nil)
	b := apitest.NewBrowser(t, e)
	b.SignIn(apitest.StaffKT)
	cases := []struct {
		path   string
		vi, en []string
	}{
		{"/", []string{"Gửi phản ánh, kiến nghị", "Xã Xuân Lũng", "Theo dõi phản ánh đã gửi"},
			[]string{"Send feedback", "Xã Xuân Lũng", "Follow a feedback you sent"}},
		{"/u/xuan-lung", []string{"Gửi phản ánh tới Xã Xuân Lũng", "Nội dung phản ánh", "Thông tin liên hệ chỉ dùng để cơ quan phản hồi", "Điện, chiếu sáng công cộng"},
			[]string{"Send feedback to Xã Xuân Lũng", "Your feedback", "used only by the office to answer you"}},
		{"/track/" + code, []string{"Phản ánh " + code, "Mới tiếp nhận", "Phòng Kinh tế", "Hạn giải quyết"},
			[]string{"Feedback " + code, "New", "Phòng Kinh tế", "Due"}},
		{"/track/" + code + "?new=1", []string{"Đã nhận phản ánh của bạn", `class="code"`},
			[]string{"Your feedback has been received"}},
		{"/staff", []string{"Phản ánh cần xử lý", code, "Đèn đường hỏng", "Tìm kiếm"},
			[]string{"Tickets", code, "Search", "Overdue only"}},
		{"/staff/tickets/" + strconv.FormatInt(id, 10), []string{code, "Trả lời người dân", "Diễn biến", "Nguồn tiếp nhận", "Cổng thông tin/biểu mẫu web", "Phản ánh tương tự"},
			[]string{"Reply to the citizen", "Timeline", "Came from", "Web form", "Similar tickets"}},
	}
	for _, tc := range cases {
		for _, l := range []string{"", "en"} {
			b.Lang = l
			pg := b.Get(tc.path)
			name := tc.path + " " + l
			if pg.Status != 200 {
				t.Errorf("%s: status %d %s", name, pg.Status, pg.Body)
				continue
			}
			checkPage(t, name, pg)
			want, htmlLang := tc.vi, `<html lang="vi">`
			if l == "en" {
				want, htmlLang = tc.en, `<html lang="en">`
			}
			if !strings.Contains(pg.Body, htmlLang) {
				t.Errorf("%s: not %s", name, htmlLang)
			}
			for _, w := range want {
				if !strings.Contains(pg.Body, w) {
					t.Errorf("%s: lacks %q", name, w)
				}
			}
		}
	}
	anon := apitest.NewBrowser(t, e)
	for _, l := range []string{"", "en"} {
		anon.Lang = l
		pg := anon.Get("/staff/login")
		checkPage(t, "/staff/login "+l, pg)
		if want := map[string]string{"": "Đăng nhập cán bộ", "en": "Staff sign-in"}[l]; pg.Status != 200 || !strings.Contains(pg.Body, want) {
			t.Errorf("/staff/login %s: %d, lacks %q", l, pg.Status, want)
		}
	}
	b.Lang = ""
	for _, asset := range []string{"/static/app.css", "/static/app.js", "/static/icon.svg"} {
		pg := b.Get(asset)
		if pg.Status != 200 || len(pg.Body) == 0 || len(pg.Body) > 30*1024 {
			t.Errorf("%s: %d, %d bytes", asset, pg.Status, len(pg.Body))
		}
	}
}

func TestLanguageSwitchSetsTheCookie(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	b := apitest.NewBrowser(t, e)
	r := b.Get("/lang/en?next=" + url.QueryEscape("/u/xuan-lung"))
	if r.Status != http.StatusSeeOther || r.Location != "/u/xuan-lung" {
		t.Fatalf("switch: %d %q", r.Status, r.Location)
	}
	if b.Cookie("lang", "/") != "en" {
		t.Fatalf("lang cookie %q", b.Cookie("lang", "/"))
	}
	if pg := b.Get("/u/xuan-lung"); !strings.Contains(pg.Body, "Send feedback to") {
		t.Fatalf("not English after the switch")
	}
	if r := b.Get("/lang/vi?next=//evil.example/"); r.Location != "/" {
		t.Fatalf("open redirect: %q", r.Location)
	}
	if pg := b.Get("/"); !strings.Contains(pg.Body, "Gửi phản ánh, kiến nghị") {
		t.Fatalf("not Vietnamese after switching back")
	}
}

func TestVietnameseLabelsMatchTheReports(t *testing.T) {
	t.Parallel()
	for _, s := range domain.Statuses {
		if got := web.T("vi", "status."+string(s)); got != reports.StatusLabel(s) {
			t.Errorf("status %s: %q, reports say %q", s, got, reports.StatusLabel(s))
		}
		if !web.HasString("status." + string(s)) {
			t.Errorf("no English label for %s", s)
		}
	}
	for _, k := range domain.Kinds {
		if got := web.T("vi", "kind."+string(k)); got != reports.KindLabel(k) {
			t.Errorf("kind %s: %q, reports say %q", k, got, reports.KindLabel(k))
		}
	}
	for _, c := range domain.Channels {
		if got := web.T("vi", "channel."+string(c)); got != reports.ChannelLabel(c) {
			t.Errorf("channel %s: %q, reports say %q", c, got, reports.ChannelLabel(c))
		}
	}
}

func TestFeedbackFormWithoutJavaScriptCreatesATicket(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	b := apitest.NewBrowser(t, e)
	form := b.CitizenForm("xuan-lung", map[string]string{"kind": "feedback", "category": "chieu-sang",
		"title": "Đèn đường hỏng", "body": "Đèn đường trước nhà văn hóa thôn 3 bị hỏng.", "name": "Trần Thị Bình",
		"phone": "0912 345 678", "village": "Thôn 3", "lat": "21.32", "lng": "105.4", "public": "on"})
	r := b.Post("/u/xuan-lung", form)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", r.Status, r.Body)
	}
	m := regexp.MustCompile(`^/track/([0-9A-Z]{4}-[0-9A-Z]{5})\?new=1$`).FindStringSubmatch(r.Location)
	if m == nil {
		t.Fatalf("redirect to %q", r.Location)
	}
	var row struct {
		Channel, Phone, Village, Dept string
		Public                        bool
	}
	if err := e.DB.Get(&row, `SELECT t.channel, t.citizen_phone AS phone, t.village, t.public, d.code AS dept
		FROM tickets t JOIN departments d ON d.id = t.department_id WHERE t.tracking_code = $1`, m[1]); err != nil {
		t.Fatal(err)
	}
	if row.Channel != "web" || row.Phone != "0912345678" || row.Village != "Thôn 3" || !row.Public || row.Dept != "kinh-te" {
		t.Fatalf("stored %+v", row)
	}
	pg := b.Get(r.Location)
	if pg.Status != 200 || !strings.Contains(pg.Body, `<p class="code" id="tracking-code">`+m[1]+`</p>`) ||
		!strings.Contains(pg.Body, "http://caunoi.test/track/"+m[1]) {
		t.Fatalf("answer page %d %s", pg.Status, pg.Body)
	}
	if strings.Contains(pg.Body, "0912") || strings.Contains(pg.Body, "Trần Thị Bình") {
		t.Fatal("the tracking page shows personal data")
	}

	// With a photo, as a multipart post: an image is taken, a non-image refused.
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	form = b.CitizenForm("xuan-lung", map[string]string{"body": "Ổ gà lớn giữa đường thôn 5."})
	if r := b.PostMultipart("/u/xuan-lung", form, "photo", "o-ga.png", png); r.Status != http.StatusSeeOther {
		t.Fatalf("with a photo: %d %s", r.Status, r.Body)
	}
	form = b.CitizenForm("xuan-lung", map[string]string{"body": "Ổ gà lớn giữa đường thôn 6."})
	r = b.PostMultipart("/u/xuan-lung", form, "photo", "virus.exe", []byte("MZ\x90\x00 not an image"))
	if r.Status != 400 || !strings.Contains(r.Body, "Chỉ nhận ảnh JPEG, PNG, GIF hoặc WebP.") ||
		!strings.Contains(r.Body, "Ổ gà lớn giữa đường thôn 6.") {
		t.Fatalf("a non-image: %d %s", r.Status, r.Body)
	}
	if n := e.Count("tickets"); n != 2 {
		t.Fatalf("%d tickets, want 2", n)
	}
	var photo struct {
		Type string `db:"content_type"`
		Data []byte `db:"data"`
	}
	if err := e.DB.Get(&photo, `SELECT a.content_type, a.data FROM attachments a JOIN tickets t ON t.id = a.ticket_id
		WHERE t.body = 'Ổ gà lớn giữa đường thôn 5.'`); err != nil || photo.Type != "image/png" || string(photo.Data) != string(png) {
		t.Fatalf("the photo was not kept with its ticket: %q, %d bytes, %v", photo.Type, len(photo.Data), err)
	}
}

func TestFeedbackFormShowsErrorsNextToTheFields(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	b := apitest.NewBrowser(t, e)
	form := b.CitizenForm("xuan-lung", map[string]string{"title": "Tiêu đề giữ lại", "body": "   ",
		"name": "Lê Văn Cường", "phone": "12345", "email": "not-an-email", "lat": "abc"})
	r := b.Post("/u/xuan-lung", form)
	if r.Status != 400 {
		t.Fatalf("status %d", r.Status)
	}
	checkPage(t, "form with errors", &apitest.Page{Status: r.Status, Header: r.Header, Body: r.Body})
	for _, want := range []string{
		`<p class="ferr" id="e-body">Nội dung phản ánh không được để trống.</p>`,
		`<p class="ferr" id="e-phone">Số điện thoại không hợp lệ (ví dụ: 0912345678).</p>`,
		`<p class="ferr" id="e-email">`, `<p class="ferr" id="e-lat">`,
		`id="f-phone" name="phone" type="tel" maxlength="20" autocomplete="tel" inputmode="tel" value="12345" aria-describedby="h-contact e-phone" aria-invalid="true"`,
		`value="Tiêu đề giữ lại"`, `value="Lê Văn Cường"`, `<a href="#f-body">`,
	} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("lacks %s", want)
		}
	}
	if n := e.Count("tickets"); n != 0 {
		t.Fatalf("%d tickets stored", n)
	}
	// In English too.
	b.Lang = "en"
	pg := b.Get("/u/xuan-lung")
	form = url.Values{"csrf_token": {pg.Hidden("csrf_token")}, "stamp": {pg.Hidden("stamp")}, "body": {""}}
	e.Clock.Advance(5 * 1e9)
	r = b.Post("/u/xuan-lung?lang=en", form)
	if r.Status != 400 || !strings.Contains(r.Body, "The feedback text is required.") {
		t.Fatalf("English errors: %d %s", r.Status, r.Body)
	}
}

func TestBotsAreStoppedByTheHoneypotAndTheFillTime(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	b := apitest.NewBrowser(t, e)
	fields := map[string]string{"body": "Rác thải đổ trộm ven sông."}

	form := b.CitizenForm("xuan-lung", fields)
	form.Set("website", "http://spam.example")
	if r := b.Post("/u/xuan-lung", form); r.Status != 400 || !strings.Contains(r.Body, "Biểu mẫu được gửi quá nhanh") {
		t.Fatalf("honeypot: %d %s", r.Status, r.Body)
	}

	pg := b.Get("/u/xuan-lung")
	form = url.Values{"csrf_token": {pg.Hidden("csrf_token")}, "stamp": {pg.Hidden("stamp")}, "body": {fields["body"]}}
	e.Clock.Advance(1e9) // one second: faster than a person
	r := b.Post("/u/xuan-lung", form)
	if r.Status != 400 || !strings.Contains(r.Body, "Biểu mẫu được gửi quá nhanh") || !strings.Contains(r.Body, fields["body"]) {
		t.Fatalf("too fast: %d %s", r.Status, r.Body)
	}

	// An empty body sent at once is told what to mend, not that it was fast.
	empty := url.Values{"csrf_token": {pg.Hidden("csrf_token")}, "stamp": {pg.Hidden("stamp")}, "body": {"  "}}
	if r := b.Post("/u/xuan-lung", empty); r.Status != 400 || strings.Contains(r.Body, "Biểu mẫu được gửi quá nhanh") ||
		!strings.Contains(r.Body, `aria-invalid="true"`) {
		t.Fatalf("an empty body: %d %s", r.Status, r.Body)
	}

	form.Set("stamp", "1700000000.00000000000000000000000000000000")
	if r := b.Post("/u/xuan-lung", form); r.Status != 400 || !strings.Contains(r.Body, "Biểu mẫu đã mở quá lâu") {
		t.Fatalf("forged stamp: %d %s", r.Status, r.Body)
	}
	if n := e.Count("tickets"); n != 0 {
		t.Fatalf("%d tickets stored by bots", n)
	}

	// The form shown again carries a fresh stamp: a person who waits and
	// sends it again gets through.
	again := (&apitest.Page{Body: r.Body}).Hidden("stamp")
	form.Set("stamp", again)
	e.Clock.Advance(5e9)
	if r := b.Post("/u/xuan-lung", form); r.Status != http.StatusSeeOther {
		t.Fatalf("second try: %d %s", r.Status, r.Body)
	}
}

func TestEveryFormRefusesAMissingOrWrongCSRFToken(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	code, id := apiTicket(t, e, nil)
	// Resolve it so that the rating form is live.
	e.As(apitest.StaffKT, "POST", "/api/v1/tickets/"+strconv.FormatInt(id, 10)+"/status", map[string]any{"status": "in_progress"})
	if r := e.As(apitest.StaffKT, "POST", "/api/v1/tickets/"+strconv.FormatInt(id, 10)+"/status", map[string]any{"status": "resolved"}); r.Status != 200 {
		t.Fatalf("resolve: %d %s", r.Status, r.Body)
	}
	b := apitest.NewBrowser(t, e)
	b.SignIn(apitest.StaffKT)
	b.Get("/u/xuan-lung")
	ticket := "/staff/tickets/" + strconv.FormatInt(id, 10)
	forms := []struct {
		path   string
		fields url.Values
	}{
		{"/u/xuan-lung", url.Values{"body": {"Đèn đường hỏng ở thôn 4."}}},
		{"/track/" + code + "/messages", url.Values{"body": {"Vẫn chưa sửa."}}},
		{"/track/" + code + "/rating", url.Values{"score": {"5"}}},
		{"/staff/login", url.Values{"email": {apitest.StaffKT}, "password": {"caunoi-demo"}}},
		{ticket + "/reply", url.Values{"body": {"Đã tiếp nhận."}}},
		{ticket + "/note", url.Values{"body": {"Ghi chú."}}},
		{ticket + "/status", url.Values{"status": {"closed"}}},
		{ticket + "/assign", url.Values{"assignee": {"0"}}},
		{ticket + "/transfer", url.Values{"department": {"van-phong"}, "reason": {"Sai lĩnh vực"}}},
		{ticket + "/extend", url.Values{"days": {"2"}, "reason": {"Cần kiểm tra"}}},
		{ticket + "/merge", url.Values{"into": {code}}},
		{"/staff/logout", url.Values{}},
	}
	countRows := func() (n int) {
		e.MustGet(&n, `SELECT (SELECT count(*) FROM tickets) + (SELECT count(*) FROM ticket_events)
			+ (SELECT count(*) FROM refresh_tokens WHERE revoked_at IS NOT NULL)`)
		return n
	}
	before := countRows()
	for _, f := range forms {
		for _, tok := range []string{"", "wrong-token-0123456789abcdefghijklmnopqrstuvw"} {
			v := url.Values{}
			for k, x := range f.fields {
				v[k] = x
			}
			if tok != "" {
				v.Set("csrf_token", tok)
			}
			r := b.Post(f.path, v)
			if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "Biểu mẫu đã hết hạn hoặc không hợp lệ") {
				t.Errorf("%s with token %q: %d %s", f.path, tok, r.Status, r.Location)
			}
		}
	}
	// A right token in the form but no cookie is refused too.
	anon := apitest.NewBrowser(t, e)
	if r := anon.Post("/track/"+code+"/rating", url.Values{"score": {"5"}, "csrf_token": {b.CSRF()}}); r.Status != http.StatusForbidden {
		t.Errorf("token without its cookie: %d", r.Status)
	}
	if after := countRows(); after != before {
		t.Fatalf("rows changed: %d → %d", before, after)
	}
	if r := b.Get("/staff"); r.Status != 200 {
		t.Fatalf("still signed in: %d", r.Status)
	}
}

func TestCitizenTextWithHTMLRendersAsText(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	b := apitest.NewBrowser(t, e)
	evil := `<script>alert("x")</script><img src=x onerror=alert(1)><b>đậm</b>`
	form := b.CitizenForm("xuan-lung", map[string]string{"title": "<i>Đèn</i> đường " + evil,
		"body": "Đèn đường hỏng " + evil, "name": evil, "address": evil, "village": "Thôn 1"})
	r := b.Post("/u/xuan-lung", form)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", r.Status, r.Body)
	}
	code := apitest.CodeRE.FindStringSubmatch(r.Location)[1]
	var id int64
	e.MustGet(&id, "SELECT id FROM tickets WHERE tracking_code = $1", code)

	staff := apitest.NewBrowser(t, e)
	staff.SignIn(apitest.StaffKT)
	reply := "Trả lời <script>alert(2)</script> & <a href=javascript:alert(3)>xem</a>"
	tp := staff.Get("/staff/tickets/" + strconv.FormatInt(id, 10))
	if r := staff.Post("/staff/tickets/"+strconv.FormatInt(id, 10)+"/reply", url.Values{"body": {reply}, "csrf_token": {tp.Hidden("csrf_token")}}); r.Status != http.StatusSeeOther {
		t.Fatalf("reply: %d %s", r.Status, r.Body)
	}
	pages := map[string]*apitest.Page{
		"ticket": staff.Get("/staff/tickets/" + strconv.FormatInt(id, 10)),
		"queue":  staff.Get("/staff"),
		"track":  b.Get("/track/" + code),
	}
	// The form shown again with an error keeps the text, escaped.
	form = b.CitizenForm("xuan-lung", map[string]string{"title": evil, "body": "", "phone": "x"})
	pages["form"] = b.Post("/u/xuan-lung", form)
	for name, pg := range pages {
		for _, bad := range []string{`<script>alert`, `<img src=x`, `<b>đậm`, `<i>Đèn`, `<a href=javascript`, `<a href="javascript`} {
			if strings.Contains(pg.Body, bad) {
				t.Errorf("%s page renders %q as HTML", name, bad)
			}
		}
		if !strings.Contains(pg.Body, "&lt;script&gt;alert(") {
			t.Errorf("%s page does not show the text escaped", name)
		}
	}
}

func TestStaffPagesNeedASessionAndRespectTheScope(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	_, id := apiTicket(t, e, nil) // kinh-te
	ticket := "/staff/tickets/" + strconv.FormatInt(id, 10)

	anon := apitest.NewBrowser(t, e)
	for _, path := range []string{"/staff", ticket} {
		r := anon.Get(path)
		if r.Status != http.StatusSeeOther || r.Location != "/staff/login?next="+url.QueryEscape(path) {
			t.Errorf("%s without a session: %d %q", path, r.Status, r.Location)
		}
	}
	login := anon.Get("/staff/login")
	r := anon.Post("/staff/login", url.Values{"email": {apitest.StaffKT}, "password": {"wrong"},
		"csrf_token": {login.Hidden("csrf_token")}, "next": {ticket}})
	if r.Status != http.StatusUnauthorized || !strings.Contains(r.Body, "E-mail hoặc mật khẩu không đúng.") ||
		!strings.Contains(r.Body, `value="`+apitest.StaffKT+`"`) {
		t.Fatalf("wrong password: %d %s", r.Status, r.Body)
	}
	r = anon.Post("/staff/login", url.Values{"email": {apitest.StaffKT}, "password": {"caunoi-demo"},
		"csrf_token": {login.Hidden("csrf_token")}, "next": {ticket}})
	if r.Status != http.StatusSeeOther || r.Location != ticket {
		t.Fatalf("sign in with next: %d %q", r.Status, r.Location)
	}
	for _, ck := range anon.Client.Jar.Cookies(mustURL(e.Server.URL + "/staff")) {
		if ck.Name == "caunoi_session" && ck.Value == "" {
			t.Fatal("no session cookie")
		}
	}

	other := apitest.NewBrowser(t, e)
	other.SignIn(apitest.StaffVHXH)
	if r := other.Get(ticket); r.Status != http.StatusNotFound {
		t.Fatalf("another department's ticket: %d", r.Status)
	}
	if r := other.Post(ticket+"/reply", url.Values{"body": {"x"}, "csrf_token": {other.CSRF()}}); r.Status != http.StatusNotFound {
		t.Fatalf("reply to another department's ticket: %d %s", r.Status, r.Body)
	}
	if q := other.Get("/staff"); strings.Contains(q.Body, ticket) {
		t.Fatal("another department's ticket in the queue")
	}

	// An expired access token is renewed with the refresh cookie.
	e.Clock.Advance(20 * 60 * 1e9)
	if r := anon.Get(ticket); r.Status != 200 {
		t.Fatalf("after the access token expired: %d %q", r.Status, r.Location)
	}
	// Sign-out ends the session.
	r = anon.Post("/staff/logout", url.Values{"csrf_token": {anon.CSRF()}})
	if r.Status != http.StatusSeeOther || r.Location != "/staff/login" {
		t.Fatalf("sign out: %d %q", r.Status, r.Location)
	}
	if r := anon.Get("/staff"); r.Status != http.StatusSeeOther {
		t.Fatalf("after sign-out: %d", r.Status)
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestPagesAreVietnameseWhateverTheBrowserLanguage(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	r := e.Request("GET", "/u/xuan-lung", nil, "Accept-Language: en-US,en;q=0.9")
	if r.Status != 200 || !strings.Contains(string(r.Body), `<html lang="vi">`) {
		t.Fatalf("%d, not Vietnamese", r.Status)
	}
	r = e.Request("GET", "/u/xuan-lung", nil, "Cookie: lang=en")
	if !strings.Contains(string(r.Body), `<html lang="en">`) {
		t.Fatal("the lang cookie does not choose English")
	}
}

func TestSessionCookiesAreHttpOnlySameSiteAndSecureOverHTTPS(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, func(c *httpx.Config) { c.PublicURL = "https://caunoi.example" })
	b := apitest.NewBrowser(t, e)
	pg := b.Get("/staff/login")
	form := url.Values{"email": {apitest.StaffKT}, "password": {"caunoi-demo"}, "csrf_token": {pg.Hidden("csrf_token")}}
	req, _ := http.NewRequest("POST", e.Server.URL+"/staff/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "caunoi_csrf", Value: pg.Hidden("csrf_token")})
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", resp.StatusCode)
	}
	got := map[string]*http.Cookie{}
	for _, c := range resp.Cookies() {
		got[c.Name] = c
	}
	for name, want := range map[string]struct {
		httpOnly bool
		path     string
	}{"caunoi_session": {true, "/"}, "caunoi_refresh": {true, "/"}, "caunoi_csrf": {false, "/"}} {
		c := got[name]
		if c == nil || c.Value == "" {
			t.Errorf("%s not set", name)
			continue
		}
		if c.HttpOnly != want.httpOnly || c.Path != want.path || !c.Secure || c.SameSite != http.SameSiteLaxMode {
			t.Errorf("%s: HttpOnly %v, Path %q, Secure %v, SameSite %v", name, c.HttpOnly, c.Path, c.Secure, c.SameSite)
		}
	}
}

// Tabs of one browser share the refresh cookie: when the access token has
// expired and two tabs ask at the same moment, the first renews the session
// and the second, presenting the token just spent, is sent to make its
// request again (307: method and form kept) instead of revoking the session
// and signing the clerk out everywhere. Presented later, the spent token
// still revokes the session.
func TestStaffPagesTabsRenewingAtOnceStaySignedIn(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	_, id := apiTicket(t, e, nil) // kinh-te
	ticket := "/staff/tickets/" + strconv.FormatInt(id, 10)
	tabA := apitest.NewBrowser(t, e)
	tabA.SignIn(apitest.StaffKT)
	e.Clock.Advance(20 * time.Minute) // the access token expires
	// tabB still has the cookies tabA had: its request left before tabA's answer came.
	tabB := apitest.NewBrowser(t, e)
	for _, path := range []string{"/", "/staff"} {
		u := mustURL(e.Server.URL + path)
		tabB.Client.Jar.SetCookies(u, tabA.Client.Jar.Cookies(u))
	}
	spent := tabA.Cookie("caunoi_refresh", "/staff")
	revoked := func() int {
		var n int
		if err := e.DB.Get(&n, `SELECT count(*) FROM refresh_tokens WHERE revoked_at IS NOT NULL`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	notes := func() int {
		var n int
		if err := e.DB.Get(&n, `SELECT count(*) FROM ticket_events WHERE ticket_id = $1 AND type = 'note'`, id); err != nil {
			t.Fatal(err)
		}
		return n
	}

	if r := tabA.Get("/staff"); r.Status != http.StatusOK {
		t.Fatalf("tab A renews: %d %q", r.Status, r.Location)
	}
	if tabA.Cookie("caunoi_refresh", "/staff") == spent {
		t.Fatal("tab A's refresh cookie did not rotate")
	}
	r := tabB.Get(ticket + "?tab=b")
	if r.Status != http.StatusTemporaryRedirect || r.Location != ticket+"?tab=b" {
		t.Fatalf("tab B with the token just spent: %d %q, want 307 to the same page", r.Status, r.Location)
	}
	before := notes()
	r = tabB.Post(ticket+"/note", url.Values{"body": {"Ghi chú nội bộ"}, "csrf_token": {tabB.CSRF()}})
	if r.Status != http.StatusTemporaryRedirect || r.Location != ticket+"/note" {
		t.Fatalf("tab B's form with the token just spent: %d %q, want 307 to the same form", r.Status, r.Location)
	}
	if n := notes(); n != before {
		t.Fatalf("the raced form stored %d notes", n-before)
	}
	if n := revoked(); n != 0 {
		t.Fatalf("%d refresh tokens revoked by the race", n)
	}
	if v := tabB.Cookie("caunoi_refresh", "/staff"); v != spent {
		t.Fatal("the raced answer changed tab B's cookies")
	}
	// Made again with the browser's cookies as they are now, it goes through.
	tabB.Client.Jar.SetCookies(mustURL(e.Server.URL+"/staff"), tabA.Client.Jar.Cookies(mustURL(e.Server.URL+"/staff")))
	if r := tabB.Post(ticket+"/note", url.Values{"body": {"Ghi chú nội bộ"}, "csrf_token": {tabB.CSRF()}}); r.Status != http.StatusSeeOther || notes() != before+1 {
		t.Fatalf("the form made again: %d %q, %d notes", r.Status, r.Location, notes()-before)
	}

	// Past the grace, the spent token is a stolen copy: the session ends.
	e.Clock.Advance(11 * time.Second)
	thief := apitest.NewBrowser(t, e)
	thief.Client.Jar.SetCookies(mustURL(e.Server.URL+"/staff"), []*http.Cookie{{Name: "caunoi_refresh", Value: spent, Path: "/staff"}})
	if r := thief.Get("/staff"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/staff/login") {
		t.Fatalf("the spent token later: %d %q", r.Status, r.Location)
	}
	if n := revoked(); n == 0 {
		t.Fatal("the spent token presented later revoked nothing")
	}
	e.Clock.Advance(20 * time.Minute)
	if r := tabA.Get("/staff"); r.Status != http.StatusSeeOther {
		t.Fatalf("tab A after the revocation, access token expired: %d", r.Status)
	}
}

// An admin's form posted after the access token expired is renewed and
// stored where it was posted (the refresh cookie reaches /admin and
// /leader, not only /staff), and a browser still holding a refresh cookie
// of the old /staff scope has it replaced at its next renewal.
func TestPagesRenewTheSessionOnAdminAndLeaderPages(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	b := apitest.NewBrowser(t, e)
	b.SignIn(apitest.Admin)
	b.Get("/admin/rules?unit=xuan-lung")
	e.Clock.Advance(20 * time.Minute) // the access token expires while the form is filled in
	before := e.Count("routing_rules")
	r := b.Post("/admin/rules?unit=xuan-lung", url.Values{"csrf_token": {b.CSRF()},
		"keywords": {"cống thoát nước"}, "department": {"van-hoa-xa-hoi"}, "position": {"1"}})
	if r.Status != http.StatusSeeOther || r.Location != "/admin/rules?done=created&unit=xuan-lung" {
		t.Fatalf("the form after the access token expired: %d %q", r.Status, r.Location)
	}
	if e.Count("routing_rules") != before+1 {
		t.Fatal("the rule was not stored")
	}
	e.Clock.Advance(20 * time.Minute)
	leader := apitest.NewBrowser(t, e)
	leader.SignIn(apitest.Leader)
	e.Clock.Advance(20 * time.Minute)
	if r := leader.Get("/leader"); r.Status != http.StatusOK {
		t.Fatalf("a leader's page after the access token expired: %d %q", r.Status, r.Location)
	}

	// The old scope: the browser's only refresh cookie is /staff's.
	old := apitest.NewBrowser(t, e)
	old.SignIn(apitest.StaffKT)
	tok := old.Cookie("caunoi_refresh", "/")
	old.Client.Jar.SetCookies(mustURL(e.Server.URL+"/"), []*http.Cookie{{Name: "caunoi_refresh", Value: "", Path: "/", MaxAge: -1}})
	old.Client.Jar.SetCookies(mustURL(e.Server.URL+"/staff"), []*http.Cookie{{Name: "caunoi_refresh", Value: tok, Path: "/staff"}})
	e.Clock.Advance(20 * time.Minute)
	if r := old.Get("/staff"); r.Status != http.StatusOK {
		t.Fatalf("renewal with the old cookie: %d %q", r.Status, r.Location)
	}
	var values []string
	for _, c := range old.Client.Jar.Cookies(mustURL(e.Server.URL + "/staff")) {
		if c.Name == "caunoi_refresh" {
			values = append(values, c.Value)
		}
	}
	if len(values) != 1 || values[0] == tok || old.Cookie("caunoi_refresh", "/") != values[0] {
		t.Fatalf("after the renewal the browser holds refresh cookies %q (the old one was %q); want the new one only, at /", values, tok)
	}
}
