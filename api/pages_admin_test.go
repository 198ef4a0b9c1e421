package api_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"caunoi/internal/apitest"
)

// rawKeyRE finds a string key shown instead of its text.
var rawKeyRE = regexp.MustCompile(`>\s*(admin|leader|field|level|dl|platform|period|done|role|kind|channel)\.[a-z_.]+`)

var adminSections = []string{"units", "departments", "categories", "rules", "users", "holidays", "channels", "apikeys"}

func TestAdminPagesRenderInVietnameseAndEnglish(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	b := newBrowser(t, e)
	b.signIn(apitest.Admin)
	titles := map[string][2]string{
		"":            {"Quản trị hệ thống", "Settings"},
		"units":       {"Đơn vị", "Units"},
		"departments": {"Phòng ban", "Departments"},
		"categories":  {"Lĩnh vực và thời hạn", "Categories and deadlines"},
		"rules":       {"Quy tắc phân loại", "Routing rules"},
		"users":       {"Tài khoản cán bộ", "Users"},
		"holidays":    {"Ngày nghỉ, ngày làm bù", "Holidays"},
		"channels":    {"Kênh mạng xã hội", "Channel accounts"},
		"apikeys":     {"Khóa API (Open311)", "API keys (Open311)"},
	}
	for section, want := range titles {
		for i, l := range []string{"vi", "en"} {
			b.lang = l
			path := "/admin"
			if section != "" {
				path += "/" + section + "?unit=xuan-lung"
			}
			pg := b.get(path)
			checkPage(t, path+" "+l, pg)
			if pg.Status != 200 || !strings.Contains(pg.Body, "<h1>"+want[i]+"</h1>") {
				t.Errorf("%s %s: %d, no title %q", path, l, pg.Status, want[i])
			}
			if strings.Contains(pg.Body, "%!") {
				t.Errorf("a string formatted with the wrong arguments")
			}
			if m := rawKeyRE.FindString(pg.Body); m != "" {
				t.Errorf("%s %s: untranslated %q", path, l, m)
			}
			if section != "" && !strings.Contains(pg.Body, `action="/admin/`+section+`?unit=xuan-lung"`) {
				t.Errorf("%s %s: no create form", path, l)
			}
		}
	}
	b.lang = ""
	if pg := b.get("/admin/departments?unit=xuan-lung"); !strings.Contains(pg.Body, "Phòng Kinh tế") {
		t.Error("departments are not listed")
	}
}

func TestAdminPagesAreForAdminsOnly(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	if r := newBrowser(t, e).get("/admin/rules"); r.Status != http.StatusSeeOther {
		t.Fatalf("no session: %d", r.Status)
	}
	for _, who := range []string{apitest.Leader, apitest.HeadKinhTe, apitest.StaffKT} {
		b := newBrowser(t, e)
		b.signIn(who)
		for _, s := range append([]string{""}, adminSections...) {
			if r := b.get(strings.TrimSuffix("/admin/"+s, "/")); r.Status != http.StatusForbidden {
				t.Errorf("%s GET /admin/%s: %d", who, s, r.Status)
			}
		}
		before := e.Count("routing_rules")
		if r := b.post("/admin/rules?unit=xuan-lung", url.Values{"csrf_token": {b.csrf()}, "keywords": {"ngập"}, "department": {"kinh-te"}}); r.Status != http.StatusForbidden {
			t.Errorf("%s POST /admin/rules: %d", who, r.Status)
		}
		if e.Count("routing_rules") != before {
			t.Errorf("%s added a rule", who)
		}
	}
}

var deactivateRE = regexp.MustCompile(`action="(/admin/\w+/\d+/deactivate[^"]*)"`)

var ruleRowRE = regexp.MustCompile(`action="/admin/rules/(\d+)/deactivate`)

func TestAdminAddsARuleAndTestsAText(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	b := newBrowser(t, e)
	b.signIn(apitest.Admin)
	b.get("/admin/rules?unit=xuan-lung")
	post := func(path string, v url.Values) *page {
		t.Helper()
		v.Set("csrf_token", b.csrf())
		return b.post(path, v)
	}
	text := "Cống thoát nước ở xóm Bãi Sậy bị tắc, nước tràn <b>ra đường</b>"
	// A rule without a target: the messages next to the fields, nothing stored.
	before := e.Count("routing_rules")
	r := post("/admin/rules?unit=xuan-lung", url.Values{"keywords": {"cống thoát nước"}})
	if r.Status != 400 || !strings.Contains(r.Body, `<p class="ferr" id="e-department">`) || !strings.Contains(r.Body, `value="cống thoát nước"`) {
		t.Fatalf("rule without a target: %d %s", r.Status, r.Body)
	}
	if e.Count("routing_rules") != before {
		t.Fatal("an invalid rule was stored")
	}
	r = post("/admin/rules?unit=xuan-lung", url.Values{"keywords": {"cống thoát nước, <i>tắc cống</i>"}, "department": {"van-hoa-xa-hoi"}, "position": {"1"}})
	if r.Status != http.StatusSeeOther || r.Location != "/admin/rules?done=created&unit=xuan-lung" {
		t.Fatalf("add rule: %d %q %s", r.Status, r.Location, r.Body)
	}
	pg := b.get(r.Location)
	if !strings.Contains(pg.Body, `class="notice"`) || !strings.Contains(pg.Body, "“&lt;i&gt;tắc cống&lt;/i&gt;”") {
		t.Fatalf("the new rule is not listed as text: %s", pg.Body)
	}
	// The test box sends the text where the new rule says.
	for _, l := range []string{"vi", "en"} {
		path := "/admin/rules/test?unit=xuan-lung"
		if l == "en" {
			path += "&lang=en"
		}
		r = post(path, url.Values{"text": {text}, "kind": {"feedback"}, "channel": {"web"}})
		if r.Status != 200 || !strings.Contains(r.Body, `<dd id="test-department">Phòng Văn hóa - Xã hội</dd>`) {
			t.Fatalf("%s test: %d %s", l, r.Status, r.Body)
		}
		if strings.Contains(r.Body, "<b>ra đường</b>") || !strings.Contains(r.Body, "&lt;b&gt;ra đường&lt;/b&gt;</textarea>") {
			t.Errorf("%s: the test text is not escaped or not kept", l)
		}
	}
	// An empty text: the message next to the box.
	if r := post("/admin/rules/test?unit=xuan-lung", url.Values{"text": {"  "}}); r.Status != 400 || !strings.Contains(r.Body, `<p class="ferr" id="e-test-text">Không được để trống.</p>`) {
		t.Fatalf("empty test: %d %s", r.Status, r.Body)
	}
	// Deactivated, the rule no longer routes.
	m := ruleRowRE.FindStringSubmatch(pg.Body)
	if m == nil {
		t.Fatal("no deactivate button")
	}
	if r := post("/admin/rules/"+m[1]+"/deactivate?unit=xuan-lung", url.Values{}); r.Status != http.StatusSeeOther {
		t.Fatalf("deactivate: %d", r.Status)
	}
	if r := post("/admin/rules/test?unit=xuan-lung", url.Values{"text": {text}}); strings.Contains(r.Body, "Quy tắc #"+m[1]) {
		t.Error("a deactivated rule still matches")
	}
}

// adminForm is a create form of a section: valid values, invalid values and
// the field whose error shows, the table it adds to.
type adminForm struct {
	section, table string
	valid          url.Values
	invalid        url.Values
	badField       string
}

var adminForms = []adminForm{
	{"units", "units", url.Values{"code": {"xa-moi"}, "name": {"Xã <b>Mới</b>"}, "level": {"commune"}, "parent": {"phu-tho"}},
		url.Values{"code": {"Xã Mới!"}, "name": {""}, "level": {"commune"}, "parent": {"phu-tho"}}, "code"},
	{"departments", "departments", url.Values{"code": {"phong-moi"}, "name": {"Phòng <b>Mới</b>"}},
		url.Values{"code": {"phong-moi"}, "name": {" "}}, "name"},
	{"categories", "categories", url.Values{"code": {"cay-xanh"}, "name": {"Cây <b>xanh</b>"}, "amount": {"5"},
		"deadline_unit": {"working_days"}, "keywords": {"cây đổ, cành gãy"}, "default_department": {"kinh-te"}},
		url.Values{"code": {"cay-xanh"}, "name": {"Cây xanh"}, "amount": {"abc"}}, "deadline"},
	{"rules", "routing_rules", url.Values{"keywords": {"cây đổ, <b>cành gãy</b>"}, "department": {"kinh-te"}},
		url.Values{"keywords": {"cây đổ"}}, "department"},
	{"users", "users", url.Values{"name": {"Lê <b>Văn</b> Nam"}, "email": {"nam@demo.caunoi.vn"}, "password": {"mat-khau-rat-dai-2026"},
		"role": {"staff"}, "department": {"kinh-te"}},
		url.Values{"name": {"Lê Văn Nam"}, "email": {"not-an-email"}, "password": {"x"}, "role": {"staff"}, "department": {"kinh-te"}}, "email"},
	{"holidays", "holidays", url.Values{"date": {"2026-12-24"}, "name": {"Nghỉ <b>bù</b>"}},
		url.Values{"date": {"24/12/2026"}, "name": {"Nghỉ bù"}}, "date"},
	{"channels", "channel_accounts", url.Values{"platform": {"facebook"}, "account_id": {"1029384756"}, "name": {"Fanpage <b>xã</b>"}},
		url.Values{"platform": {"myspace"}, "account_id": {"1029384756"}, "name": {"Fanpage"}}, "platform"},
	{"apikeys", "api_keys", url.Values{"name": {"Ứng dụng <b>tỉnh</b>"}}, url.Values{"name": {""}}, "name"},
}

func TestAdminFormsCreateShowErrorsAndDeactivate(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	b := newBrowser(t, e)
	b.signIn(apitest.Admin)
	b.get("/admin")
	for _, f := range adminForms {
		t.Run(f.section, func(t *testing.T) {
			q := "?unit=xuan-lung"
			if f.section == "units" || f.section == "apikeys" {
				q = ""
			}
			path := "/admin/" + f.section + q
			before := e.Count(f.table)
			v := url.Values{"csrf_token": {b.csrf()}}
			for k, x := range f.invalid {
				v[k] = x
			}
			r := b.post(path, v)
			if r.Status != 400 || !strings.Contains(r.Body, `<p class="ferr" id="e-`+f.badField+`">`) || !strings.Contains(r.Body, `class="summary"`) {
				t.Fatalf("invalid: %d, no error next to %s: %s", r.Status, f.badField, r.Body)
			}
			if e.Count(f.table) != before {
				t.Fatal("an invalid form changed the table")
			}
			v = url.Values{"csrf_token": {b.csrf()}}
			for k, x := range f.valid {
				v[k] = x
			}
			r = b.post(path, v)
			if f.section == "apikeys" {
				if r.Status != 200 || !strings.Contains(r.Body, `id="new-key"`) {
					t.Fatalf("new key: %d %s", r.Status, r.Body)
				}
			} else if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/admin/"+f.section+"?done=created") {
				t.Fatalf("create: %d %q %s", r.Status, r.Location, r.Body)
			} else {
				r = b.get(r.Location)
			}
			if e.Count(f.table) != before+1 {
				t.Fatalf("rows %d → %d", before, e.Count(f.table))
			}
			// The name with HTML in it is shown as text.
			if strings.Contains(r.Body, "<b>") || !strings.Contains(r.Body, "&lt;b&gt;") {
				t.Errorf("HTML in a name not escaped: %s", r.Body)
			}
			// Deactivate (or delete, or revoke) the new row.
			var action string
			for _, row := range strings.Split(r.Body, "<tr") {
				if m := deactivateRE.FindStringSubmatch(row); m != nil && strings.Contains(row, "&lt;b&gt;") {
					action = strings.ReplaceAll(m[1], "&amp;", "&")
				}
			}
			if action == "" {
				t.Fatal("no deactivate button on the new row")
			}
			d := b.post(action, url.Values{"csrf_token": {b.csrf()}})
			if d.Status != http.StatusSeeOther || !strings.Contains(d.Location, "done=") {
				t.Fatalf("deactivate: %d %q %s", d.Status, d.Location, d.Body)
			}
			if pg := b.get(d.Location); !strings.Contains(pg.Body, `class="notice"`) {
				t.Error("no notice after deactivating")
			}
		})
	}
	// English messages next to the fields.
	b.lang = "en"
	r := b.post("/admin/holidays?unit=xuan-lung&lang=en", url.Values{"csrf_token": {b.csrf()}, "date": {"nope"}, "name": {"x"}})
	if r.Status != 400 || !strings.Contains(r.Body, `<p class="ferr" id="e-date">Not valid.</p>`) {
		t.Errorf("English error: %d %s", r.Status, r.Body)
	}
}

func TestEveryAdminAndLeaderFormRefusesAMissingOrWrongCSRFToken(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	b := newBrowser(t, e)
	b.signIn(apitest.Admin)
	b.get("/admin")
	var ruleID, userID string
	e.DB.Get(&ruleID, "SELECT id::text FROM routing_rules ORDER BY id LIMIT 1")
	e.DB.Get(&userID, "SELECT id::text FROM users WHERE email = $1", apitest.StaffKT)
	type form struct {
		path   string
		fields url.Values
	}
	var forms []form
	for _, f := range adminForms {
		forms = append(forms, form{"/admin/" + f.section + "?unit=xuan-lung", f.valid})
	}
	forms = append(forms,
		form{"/admin/rules/test?unit=xuan-lung", url.Values{"text": {"đèn đường hỏng"}}},
		form{"/admin/rules/" + ruleID + "/deactivate", url.Values{}},
		form{"/admin/users/" + userID + "/deactivate", url.Values{}},
		form{"/admin/departments/1/deactivate", url.Values{}},
		form{"/leader/report", url.Values{"from": {"2026-10-01"}, "to": {"2026-10-31"}}},
	)
	tables := []string{"units", "departments", "categories", "routing_rules", "users", "holidays", "channel_accounts", "api_keys"}
	snapshot := func() string {
		var out []string
		for _, tb := range tables {
			var s string
			e.DB.Get(&s, "SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM "+tb+" t")
			out = append(out, s)
		}
		return strings.Join(out, ",")
	}
	before := snapshot()
	for _, f := range forms {
		for _, tok := range []string{"", "wrong-token-0123456789abcdefghijklmnopqrstuvw"} {
			v := url.Values{}
			for k, x := range f.fields {
				v[k] = x
			}
			if tok != "" {
				v.Set("csrf_token", tok)
			}
			r := b.post(f.path, v)
			if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "Biểu mẫu đã hết hạn hoặc không hợp lệ") {
				t.Errorf("%s with token %q: %d %s", f.path, tok, r.Status, r.Location)
			}
		}
	}
	if after := snapshot(); after != before {
		t.Fatal("a form without its CSRF token changed the settings")
	}
}
