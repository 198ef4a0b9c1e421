package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"caunoi/demo"
	"caunoi/domain"
	"caunoi/internal/apitest"
	"caunoi/secretbox"
)

// rawKeyRE finds a string key shown instead of its text.
var rawKeyRE = regexp.MustCompile(`>\s*(admin|leader|field|level|dl|platform|period|done|role|kind|channel)\.[a-z_.]+`)

var adminSections = []string{"units", "departments", "categories", "rules", "users", "holidays", "channels", "apikeys"}

func TestAdminPagesRenderInVietnameseAndEnglish(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	b := apitest.NewBrowser(t, e)
	b.SignIn(apitest.Admin)
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
			b.Lang = l
			path := "/admin"
			if section != "" {
				path += "/" + section + "?unit=xuan-lung"
			}
			pg := b.Get(path)
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
	b.Lang = ""
	if pg := b.Get("/admin/departments?unit=xuan-lung"); !strings.Contains(pg.Body, "Phòng Kinh tế") {
		t.Error("departments are not listed")
	}
}

func TestAdminPagesAreForAdminsOnly(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	editFixture(t, e)
	if r := apitest.NewBrowser(t, e).Get("/admin/rules"); r.Status != http.StatusSeeOther {
		t.Fatalf("no session: %d", r.Status)
	}
	for _, who := range []string{apitest.Leader, apitest.HeadKinhTe, apitest.StaffKT} {
		b := apitest.NewBrowser(t, e)
		b.SignIn(who)
		for _, s := range append([]string{""}, adminSections...) {
			if r := b.Get(strings.TrimSuffix("/admin/"+s, "/")); r.Status != http.StatusForbidden {
				t.Errorf("%s GET /admin/%s: %d", who, s, r.Status)
			}
		}
		before := e.Count("routing_rules")
		if r := b.Post("/admin/rules?unit=xuan-lung", url.Values{"csrf_token": {b.CSRF()}, "keywords": {"ngập"}, "department": {"kinh-te"}}); r.Status != http.StatusForbidden {
			t.Errorf("%s POST /admin/rules: %d", who, r.Status)
		}
		if e.Count("routing_rules") != before {
			t.Errorf("%s added a rule", who)
		}
		// Nor may they open or save an edit form.
		for _, c := range adminEditCases {
			id := idOf(t, e, c)
			path := fmt.Sprintf("/admin/%s/%d%s", c.section, id, c.query)
			row := rowOf(t, e, c, id)
			if r := b.Get(path); r.Status != http.StatusForbidden || strings.Contains(r.Body, `id="edit"`) {
				t.Errorf("%s GET %s: %d", who, path, r.Status)
			}
			v := url.Values{"csrf_token": {b.CSRF()}}
			for k, x := range c.valid {
				v[k] = x
			}
			if r := b.Post(path, v); r.Status != http.StatusForbidden {
				t.Errorf("%s POST %s: %d", who, path, r.Status)
			}
			if rowOf(t, e, c, id) != row {
				t.Errorf("%s changed %s %d", who, c.section, id)
			}
		}
	}
}

var deactivateRE = regexp.MustCompile(`action="(/admin/\w+/\d+/deactivate[^"]*)"`)

var ruleRowRE = regexp.MustCompile(`action="/admin/rules/(\d+)/deactivate`)

func TestAdminAddsARuleAndTestsAText(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	b := apitest.NewBrowser(t, e)
	b.SignIn(apitest.Admin)
	b.Get("/admin/rules?unit=xuan-lung")
	post := func(path string, v url.Values) *apitest.Page {
		t.Helper()
		v.Set("csrf_token", b.CSRF())
		return b.Post(path, v)
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
	pg := b.Get(r.Location)
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
		why := r.Body[strings.Index(r.Body, `id="test-reason"`):]
		why = why[:strings.Index(why, "</dd>")]
		for _, debug := range []string{"by keyword", "default department", "triage", "rule "} { // the router's own log words
			if strings.Contains(why, debug) {
				t.Errorf("%s: the test box shows the router's debug text %q: %s", l, debug, why)
			}
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
	if r := post("/admin/rules/"+m[1]+"/deactivate?unit=xuan-lung", url.Values{"confirm": {"yes"}}); r.Status != http.StatusSeeOther {
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
		url.Values{"code": {"cay-xanh"}, "name": {"Cây xanh"}, "amount": {"abc"}}, "amount"},
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
	b := apitest.NewBrowser(t, e)
	b.SignIn(apitest.Admin)
	b.Get("/admin")
	for _, f := range adminForms {
		t.Run(f.section, func(t *testing.T) {
			q := "?unit=xuan-lung"
			if f.section == "units" || f.section == "apikeys" {
				q = ""
			}
			path := "/admin/" + f.section + q
			before := e.Count(f.table)
			v := url.Values{"csrf_token": {b.CSRF()}}
			for k, x := range f.invalid {
				v[k] = x
			}
			r := b.Post(path, v)
			if r.Status != 400 || !strings.Contains(r.Body, `<p class="ferr" id="e-`+f.badField+`">`) || !strings.Contains(r.Body, `class="summary"`) {
				t.Fatalf("invalid: %d, no error next to %s: %s", r.Status, f.badField, r.Body)
			}
			if e.Count(f.table) != before {
				t.Fatal("an invalid form changed the table")
			}
			v = url.Values{"csrf_token": {b.CSRF()}}
			for k, x := range f.valid {
				v[k] = x
			}
			r = b.Post(path, v)
			if f.section == "apikeys" {
				if r.Status != 200 || !strings.Contains(r.Body, `id="new-key"`) {
					t.Fatalf("new key: %d %s", r.Status, r.Body)
				}
			} else if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/admin/"+f.section+"?done=created") {
				t.Fatalf("create: %d %q %s", r.Status, r.Location, r.Body)
			} else {
				r = b.Get(r.Location)
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
			// The first press asks, and changes nothing; the question's button does it.
			rows := func() string {
				var sum string
				e.MustGet(&sum, "SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM "+f.table+" t")
				return sum
			}
			unasked := rows()
			asked := b.Post(action, url.Values{"csrf_token": {b.CSRF()}})
			if asked.Status != 200 || !strings.Contains(asked.Body, `id="confirm-question"`) ||
				!strings.Contains(asked.Body, `name="confirm" value="yes"`) {
				t.Fatalf("the first press: %d %s", asked.Status, asked.Body)
			}
			if rows() != unasked {
				t.Fatal("the first press already changed the row")
			}
			d := b.Post(action, url.Values{"csrf_token": {b.CSRF()}, "confirm": {"yes"}})
			if d.Status != http.StatusSeeOther || !strings.Contains(d.Location, "done=") {
				t.Fatalf("deactivate: %d %q %s", d.Status, d.Location, d.Body)
			}
			if pg := b.Get(d.Location); !strings.Contains(pg.Body, `class="notice"`) {
				t.Error("no notice after deactivating")
			}
		})
	}
	// English messages next to the fields.
	b.Lang = "en"
	r := b.Post("/admin/holidays?unit=xuan-lung&lang=en", url.Values{"csrf_token": {b.CSRF()}, "date": {"nope"}, "name": {"x"}})
	if r.Status != 400 || !strings.Contains(r.Body, `<p class="ferr" id="e-date">Not valid.</p>`) {
		t.Errorf("English error: %d %s", r.Status, r.Body)
	}
}

func TestEveryAdminAndLeaderFormRefusesAMissingOrWrongCSRFToken(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, apitest.WithSecretKey(apitest.SecretKey))
	editFixture(t, e)
	b := apitest.NewBrowser(t, e)
	b.SignIn(apitest.Admin)
	b.Get("/admin")
	var ruleID, userID string
	e.MustGet(&ruleID, "SELECT id::text FROM routing_rules ORDER BY id LIMIT 1")
	e.MustGet(&userID, "SELECT id::text FROM users WHERE email = $1", apitest.StaffKT)
	type form struct {
		path   string
		fields url.Values
	}
	var forms []form
	for _, f := range adminForms {
		forms = append(forms, form{"/admin/" + f.section + "?unit=xuan-lung", f.valid})
	}
	for _, c := range adminEditCases {
		forms = append(forms, form{fmt.Sprintf("/admin/%s/%d%s", c.section, idOf(t, e, c), c.query), c.valid})
	}
	forms = append(forms,
		form{"/admin/rules/" + ruleID + "?unit=xuan-lung", url.Values{"position": {"2"}}},
		form{"/admin/rules/test?unit=xuan-lung", url.Values{"text": {"đèn đường hỏng"}}},
		form{"/admin/rules/" + ruleID + "/deactivate", url.Values{"confirm": {"yes"}}},
		form{"/admin/users/" + userID + "/deactivate", url.Values{"confirm": {"yes"}}},
		form{"/admin/departments/1/deactivate", url.Values{"confirm": {"yes"}}},
		form{"/leader/report", url.Values{"from": {"2026-10-01"}, "to": {"2026-10-31"}}},
	)
	tables := []string{"units", "departments", "categories", "routing_rules", "users", "holidays", "channel_accounts", "api_keys"}
	snapshot := func() string {
		var out []string
		for _, tb := range tables {
			var s string
			e.MustGet(&s, "SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM "+tb+" t")
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
			r := b.Post(f.path, v)
			if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "Biểu mẫu đã hết hạn hoặc không hợp lệ") {
				t.Errorf("%s with token %q: %d %s", f.path, tok, r.Status, r.Location)
			}
		}
	}
	if after := snapshot(); after != before {
		t.Fatal("a form without its CSRF token changed the settings")
	}
}

// adminEditCase is the edit form of a section tried on one row (idSQL
// finds it): what the form shows of the row, a valid change and how the
// row reads after it (rowSQL, $1 the id), an invalid change (refused by
// the store's validation unless said otherwise) with the field whose
// message shows and a value shown again.
type adminEditCase struct {
	section, query string
	idSQL          string
	shows          []string
	valid          url.Values
	rowSQL, want   string
	invalid        url.Values
	badField, kept string
}

var ticked, unticked = []string{"0", "1"}, []string{"0"}

var adminEditCases = []adminEditCase{
	{section: "units", idSQL: "SELECT id FROM units WHERE code = 'xuan-lung'",
		shows: []string{`value="Xã Xuân Lũng"`, `value="07:30-11:30, 13:30-17:00"`, `<option value="commune" selected>`},
		valid: url.Values{"name": {"Xã Xuân Lũng <b>mới</b>"}, "level": {"ward"}, "work_periods": {"07:00-11:00, 13:00-16:30"}, "active": ticked},
		rowSQL: `SELECT name || '|' || level || '|' || (SELECT string_agg((p->>'start_min') || '-' || (p->>'end_min'), ',')
			FROM jsonb_array_elements(work_periods) p) || '|' || active FROM units WHERE id = $1`,
		want:    "Xã Xuân Lũng <b>mới</b>|ward|420-660,780-990|true",
		invalid: url.Values{"name": {"Xã Xuân Lũng"}, "level": {"commune"}, "work_periods": {"13:00-17:00, 08:00-12:00"}, "active": ticked},
		// the periods read, but they are out of order: the store's check
		badField: "work_periods", kept: `value="13:00-17:00, 08:00-12:00"`},
	{section: "departments", query: "?unit=xuan-lung",
		idSQL:   "SELECT d.id FROM departments d JOIN units u ON u.id = d.unit_id WHERE u.code = 'xuan-lung' AND d.code = 'kinh-te'",
		shows:   []string{`value="Phòng Kinh tế"`, `<dd>kinh-te</dd>`},
		valid:   url.Values{"name": {"Phòng Kinh tế và <b>Hạ tầng</b>"}, "triage": unticked, "active": ticked},
		rowSQL:  "SELECT name || '|' || triage || '|' || active FROM departments WHERE id = $1",
		want:    "Phòng Kinh tế và <b>Hạ tầng</b>|false|true",
		invalid: url.Values{"name": {"   "}, "triage": unticked, "active": ticked}, badField: "name",
		kept: `value="   "`},
	{section: "categories", query: "?unit=xuan-lung",
		idSQL: "SELECT c.id FROM categories c JOIN units u ON u.id = c.unit_id WHERE u.code = 'xuan-lung' AND c.code = 'chieu-sang'",
		shows: []string{`<option value="working_days" selected>`, `id="f-amount"`},
		valid: url.Values{"name": {"Chiếu sáng <b>công cộng</b>"}, "description": {"Đèn đường, đèn công viên"},
			"default_department": {"van-hoa-xa-hoi"}, "amount": {"3"}, "deadline_unit": {"calendar_days"},
			"keywords": {"đèn đường, bóng đèn"}, "active": ticked},
		rowSQL: `SELECT c.name || '|' || c.description || '|' || coalesce(d.code, '') || '|' || c.deadline_amount || '|' ||
			c.deadline_unit || '|' || array_to_string(c.keywords, ',') || '|' || c.active
			FROM categories c LEFT JOIN departments d ON d.id = c.default_department_id WHERE c.id = $1`,
		want:     "Chiếu sáng <b>công cộng</b>|Đèn đường, đèn công viên|van-hoa-xa-hoi|3|calendar_days|đèn đường,bóng đèn|true",
		invalid:  url.Values{"name": {"Chiếu sáng"}, "amount": {"0"}, "deadline_unit": {"calendar_days"}, "active": ticked},
		badField: "amount", kept: `value="0"`},
	{section: "rules", query: "?unit=xuan-lung",
		idSQL: "SELECT r.id FROM routing_rules r JOIN units u ON u.id = r.unit_id WHERE u.code = 'xuan-lung' ORDER BY r.position LIMIT 1",
		shows: []string{`>ngập úng</textarea>`, `name="position" type="number" value="1"`},
		valid: url.Values{"keywords": {"ngập úng, <b>cống</b>"}, "category": {""}, "kind": {""}, "channel": {""},
			"department": {"van-hoa-xa-hoi"}, "set_category": {""}, "position": {"2"}, "active": ticked},
		rowSQL: `SELECT array_to_string(r.keywords, ',') || '|' || coalesce(d.code, '') || '|' || r.position || '|' || r.active
			FROM routing_rules r LEFT JOIN departments d ON d.id = r.department_id WHERE r.id = $1`,
		want: "ngập úng,<b>cống</b>|van-hoa-xa-hoi|1|true",
		invalid: url.Values{"keywords": {"ngập lụt"}, "category": {""}, "kind": {""}, "channel": {""},
			"department": {""}, "set_category": {""}, "position": {"1"}, "active": ticked},
		badField: "department", kept: `>ngập lụt</textarea>`},
	{section: "users", query: "?unit=xuan-lung",
		idSQL: "SELECT id FROM users WHERE email = '" + apitest.StaffKT + "'",
		shows: []string{`<dd>` + apitest.StaffKT + `</dd>`, `<option value="staff" selected>`, `<option value="kinh-te" selected>`},
		valid: url.Values{"name": {"Phạm Văn <b>Kiên</b>"}, "role": {"head"}, "department": {"van-hoa-xa-hoi"},
			"password": {""}, "zalo_user_id": {"zl-4471"}, "digest": ticked, "active": ticked},
		rowSQL: `SELECT u.name || '|' || u.role || '|' || coalesce(d.code, '') || '|' || coalesce(u.zalo_user_id, '') || '|' ||
			u.digest || '|' || u.active FROM users u LEFT JOIN departments d ON d.id = u.department_id WHERE u.id = $1`,
		want: "Phạm Văn <b>Kiên</b>|head|van-hoa-xa-hoi|zl-4471|true|true",
		invalid: url.Values{"name": {"Phạm Văn Kiên"}, "role": {"staff"}, "department": {""}, "password": {""},
			"zalo_user_id": {""}, "digest": unticked, "active": ticked},
		badField: "department", kept: `value="Phạm Văn Kiên"`},
	{section: "holidays", query: "?unit=xuan-lung",
		idSQL:   "SELECT id FROM holidays WHERE unit_id IS NULL AND day = '2026-09-02'",
		shows:   []string{`value="2026-09-02"`, `<dd>Toàn quốc</dd>`},
		valid:   url.Values{"date": {"2026-12-31"}, "name": {"Nghỉ <b>bù</b> Quốc khánh"}, "makeup": ticked},
		rowSQL:  "SELECT day::text || '|' || name || '|' || off FROM holidays WHERE id = $1",
		want:    "2026-12-31|Nghỉ <b>bù</b> Quốc khánh|false",
		invalid: url.Values{"date": {"31/12/2026"}, "name": {"Nghỉ bù"}, "makeup": unticked}, badField: "date",
		kept: `value="31/12/2026"`},
	{section: "channels", query: "?unit=xuan-lung",
		idSQL: "SELECT id FROM channel_accounts WHERE account_id = '1029384756'",
		shows: []string{`<dd>1029384756</dd>`, `<dd>Đã lưu</dd>`, `<option value="xuan-lung" selected>`},
		valid: url.Values{"name": {"Fanpage <b>Xuân Lũng</b>"}, "unit": {"au-co"}, "app_id": {""},
			"access_token": {"EAAG-new-token-0042"}, "secret_key": {""}, "active": ticked},
		rowSQL: `SELECT a.name || '|' || u.code || '|' || a.app_id || '|' || a.active
			FROM channel_accounts a JOIN units u ON u.id = a.unit_id WHERE a.id = $1`,
		want: "Fanpage <b>Xuân Lũng</b>|au-co||true",
		invalid: url.Values{"name": {"Fanpage xã"}, "unit": {"xuan-lung"}, "app_id": {"12ab"},
			"access_token": {"EAAG-never-stored"}, "active": ticked},
		badField: "app_id", kept: `value="12ab"`},
}

// editFixture adds what the demo lacks for the edit cases: two routing
// rules in xuan-lung and a fanpage with a token.
func editFixture(t *testing.T, e *apitest.Env) {
	t.Helper()
	for _, r := range []map[string]any{{"keywords": []string{"ngập úng"}, "department": "kinh-te"},
		{"kind": "complaint", "department": "van-phong"}} {
		if res := e.As(apitest.Admin, "POST", "/api/v1/rules?unit=xuan-lung", r); res.Status != 201 {
			t.Fatalf("rule: %d %s", res.Status, res.Body)
		}
	}
	e.AddChannel(apitest.Channel{Platform: domain.PlatformFacebook, Unit: "xuan-lung", AccountID: "1029384756",
		AccessToken: "EAAG-old-token"})
}

// rowOf reads a case's row as its rowSQL writes it.
func rowOf(t *testing.T, e *apitest.Env, c adminEditCase, id int64) string {
	t.Helper()
	var s string
	if err := e.DB.Get(&s, c.rowSQL, id); err != nil {
		t.Fatalf("%s row %d: %v", c.section, id, err)
	}
	return s
}

func idOf(t *testing.T, e *apitest.Env, c adminEditCase) int64 {
	t.Helper()
	var id int64
	if err := e.DB.Get(&id, c.idSQL); err != nil {
		t.Fatalf("%s: %v", c.section, err)
	}
	return id
}

func TestAdminEditsRowsThroughThePages(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, apitest.WithSecretKey(apitest.SecretKey))
	editFixture(t, e)
	b := apitest.NewBrowser(t, e)
	b.SignIn(apitest.Admin)
	b.Get("/admin")
	for _, c := range adminEditCases {
		t.Run(c.section, func(t *testing.T) {
			id := idOf(t, e, c)
			path := fmt.Sprintf("/admin/%s/%d%s", c.section, id, c.query)
			// The list links to the row's edit form.
			if list := b.Get("/admin/" + c.section + c.query); !strings.Contains(list.Body, `href="`+strings.ReplaceAll(path, "&", "&amp;")+`"`) {
				t.Fatalf("no edit link to %s in the list", path)
			}
			// The form, filled from the row, in Vietnamese and English.
			for _, l := range []string{"vi", "en"} {
				b.Lang = l
				pg := b.Get(path)
				checkPage(t, path+" "+l, pg)
				if pg.Status != 200 || !strings.Contains(pg.Body, `action="`+strings.ReplaceAll(path, "&", "&amp;")+`"`) ||
					!strings.Contains(pg.Body, `name="csrf_token"`) {
					t.Fatalf("%s %s: %d %s", path, l, pg.Status, pg.Body)
				}
				if m := rawKeyRE.FindString(pg.Body); m != "" {
					t.Errorf("%s %s: untranslated %q", path, l, m)
				}
				if save := map[string]string{"vi": "Lưu thay đổi", "en": "Save changes"}[l]; !strings.Contains(pg.Body, save) {
					t.Errorf("%s %s: no %q button", path, l, save)
				}
				for _, want := range c.shows {
					if l == "vi" && !strings.Contains(pg.Body, want) {
						t.Errorf("the form does not show %s: %s", want, pg.Body)
					}
				}
				if strings.Contains(pg.Body, "EAAG-old-token") {
					t.Error("a stored token is shown back")
				}
			}
			b.Lang = ""
			before := rowOf(t, e, c, id)
			// A bad edit: the message next to the field, the values kept, nothing changed.
			v := url.Values{"csrf_token": {b.CSRF()}}
			for k, x := range c.invalid {
				v[k] = x
			}
			r := b.Post(path, v)
			if r.Status != 400 || !strings.Contains(r.Body, `<p class="ferr" id="e-`+c.badField+`">`) ||
				!strings.Contains(r.Body, `href="#e-`+c.badField+`"`) || !strings.Contains(r.Body, c.kept) {
				t.Fatalf("invalid: %d, no error next to %s or %s not kept: %s", r.Status, c.badField, c.kept, r.Body)
			}
			if strings.Contains(r.Body, "EAAG-never-stored") {
				t.Error("a typed token is shown back")
			}
			if after := rowOf(t, e, c, id); after != before {
				t.Fatalf("an invalid edit changed the row: %q → %q", before, after)
			}
			// A good one: saved, back to the list with a notice.
			v = url.Values{"csrf_token": {b.CSRF()}}
			for k, x := range c.valid {
				v[k] = x
			}
			r = b.Post(path, v)
			if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/admin/"+c.section+"?done=saved") {
				t.Fatalf("save: %d %q %s", r.Status, r.Location, r.Body)
			}
			if got := rowOf(t, e, c, id); got != c.want {
				t.Errorf("row after the edit %q, want %q", got, c.want)
			}
			pg := b.Get(r.Location)
			if !strings.Contains(pg.Body, `<p class="notice" role="status">Đã lưu thay đổi.</p>`) {
				t.Errorf("no notice after saving: %s", pg.Body)
			}
			if strings.Contains(pg.Body, "<b>") {
				t.Errorf("HTML in a saved name not escaped")
			}
		})
	}
}

var moveRE = regexp.MustCompile(`<form method="post" action="/admin/rules/(\d+)\?unit=xuan-lung" class="inline"><input type="hidden" name="csrf_token" value="[^"]*"><input type="hidden" name="position" value="(\d+)"><button class="link" type="submit" aria-label="([^"]*)">`)

func TestAdminMovesRulesAndReplacesSecrets(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, apitest.WithSecretKey(apitest.SecretKey))
	editFixture(t, e)
	b := apitest.NewBrowser(t, e)
	b.SignIn(apitest.Admin)
	order := func() string {
		var s string
		e.MustGet(&s, `SELECT string_agg(r.id::text, ',' ORDER BY r.position) FROM routing_rules r
			JOIN units u ON u.id = r.unit_id WHERE u.code = 'xuan-lung'`)
		return s
	}
	// The move buttons: the first rule has only "down", the last only "up";
	// each post moves the rule and leaves the rest of it as it is.
	before := order()
	first, second, _ := strings.Cut(before, ",")
	pg := b.Get("/admin/rules?unit=xuan-lung")
	moves := moveRE.FindAllStringSubmatch(pg.Body, -1)
	if len(moves) != 2 || moves[0][1] != first || moves[0][2] != "2" || moves[1][1] != second || moves[1][2] != "1" ||
		moves[0][3] != "Chuyển quy tắc 1 xuống dưới" {
		t.Fatalf("move buttons %v in %s", moves, pg.Body)
	}
	var kw string
	e.MustGet(&kw, "SELECT array_to_string(keywords, ',') || active FROM routing_rules WHERE id = $1", first)
	r := b.Post("/admin/rules/"+first+"?unit=xuan-lung", url.Values{"csrf_token": {b.CSRF()}, "position": {moves[0][2]}})
	if r.Status != http.StatusSeeOther || r.Location != "/admin/rules?done=saved&unit=xuan-lung" {
		t.Fatalf("move down: %d %q %s", r.Status, r.Location, r.Body)
	}
	if got := order(); got != second+","+first {
		t.Fatalf("order after moving down %q, was %q", got, before)
	}
	var kwAfter string
	e.MustGet(&kwAfter, "SELECT array_to_string(keywords, ',') || active FROM routing_rules WHERE id = $1", first)
	if kwAfter != kw {
		t.Errorf("moving changed the rule: %q → %q", kw, kwAfter)
	}
	if r := b.Post("/admin/rules/"+first+"?unit=xuan-lung", url.Values{"csrf_token": {b.CSRF()}, "position": {"0"}}); r.Status != 400 ||
		!strings.Contains(r.Body, `id="e-position"`) || order() != second+","+first {
		t.Errorf("position 0: %d, order %q", r.Status, order())
	}

	// A new password: too short is refused next to its field, a good one
	// works at the sign-in page and the old one no longer does.
	var staffID int64
	e.MustGet(&staffID, "SELECT id FROM users WHERE email = $1", apitest.StaffKT)
	path := fmt.Sprintf("/admin/users/%d?unit=xuan-lung", staffID)
	form := func(pw string) url.Values {
		return url.Values{"csrf_token": {b.CSRF()}, "name": {"Lê Thị Thu"}, "role": {"staff"}, "department": {"kinh-te"},
			"password": {pw}, "zalo_user_id": {""}, "digest": unticked, "active": ticked}
	}
	var hash string
	e.MustGet(&hash, "SELECT password_hash FROM users WHERE id = $1", staffID)
	r = b.Post(path, form("ngan"))
	if r.Status != 400 || !strings.Contains(r.Body, `<p class="ferr" id="e-password">`) || strings.Contains(r.Body, `value="ngan"`) {
		t.Fatalf("short password: %d %s", r.Status, r.Body)
	}
	var hashAfter, name string
	e.MustGet(&hashAfter, "SELECT password_hash FROM users WHERE id = $1", staffID)
	e.MustGet(&name, "SELECT name FROM users WHERE id = $1", staffID)
	if hashAfter != hash || name == "Lê Thị Thu" {
		t.Fatal("a refused password changed the account")
	}
	if r := b.Post(path, form("mat-khau-moi-rat-dai-2026")); r.Status != http.StatusSeeOther {
		t.Fatalf("new password: %d %s", r.Status, r.Body)
	}
	if res := e.JSON("POST", "/api/v1/auth/login", map[string]string{"email": apitest.StaffKT, "password": "mat-khau-moi-rat-dai-2026"}); res.Status != 200 {
		t.Errorf("sign in with the new password: %d", res.Status)
	}
	if res := e.JSON("POST", "/api/v1/auth/login", map[string]string{"email": apitest.StaffKT, "password": demo.Password}); res.Status == 200 {
		t.Error("the old password still works")
	}

	// A channel's token: a new one replaces the stored one, sealed for the
	// account; an empty field keeps it.
	var chID int64
	e.MustGet(&chID, "SELECT id FROM channel_accounts WHERE account_id = '1029384756'")
	token := func() string {
		var enc []byte
		e.MustGet(&enc, "SELECT access_token_enc FROM channel_accounts WHERE id = $1", chID)
		box, _ := secretbox.New(apitest.SecretKey)
		plain, err := box.Open(enc, secretbox.AAD("facebook", "1029384756", "access_token"))
		if err != nil {
			t.Fatalf("open the stored token: %v", err)
		}
		return plain
	}
	chPath := fmt.Sprintf("/admin/channels/%d?unit=xuan-lung", chID)
	chForm := func(tok string) url.Values {
		return url.Values{"csrf_token": {b.CSRF()}, "name": {"Fanpage xã"}, "unit": {"xuan-lung"}, "app_id": {""},
			"access_token": {tok}, "secret_key": {""}, "active": ticked}
	}
	if r := b.Post(chPath, chForm("")); r.Status != http.StatusSeeOther || token() != "EAAG-old-token" {
		t.Fatalf("an empty token field: %d, token %q", r.Status, token())
	}
	if r := b.Post(chPath, chForm("EAAG-new token")); r.Status != 400 || !strings.Contains(r.Body, `id="e-access_token"`) || token() != "EAAG-old-token" {
		t.Fatalf("a token with a space: %d", r.Status)
	}
	if r := b.Post(chPath, chForm("  EAAG-new-token-77 ")); r.Status != http.StatusSeeOther || token() != "EAAG-new-token-77" {
		t.Fatalf("a new token: %d, token %q", r.Status, token())
	}
	if pg := b.Get(chPath); strings.Contains(pg.Body, "EAAG-new-token-77") || !strings.Contains(pg.Body, "<dd>Đã lưu</dd>") {
		t.Error("the edit form shows the token, or not that one is stored")
	}

	// Rows that are not there, and API keys, which have no edit form.
	for _, path := range []string{"/admin/units/999999", "/admin/rules/abc?unit=xuan-lung", "/admin/apikeys/1",
		fmt.Sprintf("/admin/users/%d?unit=au-co", staffID)} {
		if r := b.Get(path); r.Status != http.StatusNotFound {
			t.Errorf("GET %s: %d", path, r.Status)
		}
	}
	if r := b.Post("/admin/departments/999999?unit=xuan-lung", url.Values{"csrf_token": {b.CSRF()}, "name": {"x"}}); r.Status != http.StatusNotFound {
		t.Errorf("POST to a missing department: %d", r.Status)
	}
}

// The administration remembers the commune last chosen: a province's admin
// comes back to Âu Cơ's departments, not to the province's empty table,
// until another commune (or the own unit) is chosen.
func TestAdminRemembersTheCommune(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	b := apitest.NewBrowser(t, e)
	b.SignIn(apitest.Admin)
	picked := func(pg *apitest.Page) bool { return strings.Contains(pg.Body, `<option value="au-co" selected>`) }
	if pg := b.Get("/admin/departments"); pg.Status != 200 || picked(pg) {
		t.Fatalf("before a choice: %d, Âu Cơ picked %v", pg.Status, picked(pg))
	}
	if pg := b.Get("/admin/departments?unit=au-co"); pg.Status != 200 || !picked(pg) {
		t.Fatalf("choosing Âu Cơ: %d", pg.Status)
	}
	for _, path := range []string{"/admin/departments", "/admin/categories", "/admin/users"} {
		if pg := b.Get(path); pg.Status != 200 || !picked(pg) {
			t.Errorf("%s after choosing Âu Cơ: %d, not remembered", path, pg.Status)
		}
	}
	if pg := b.Get("/admin/departments?unit="); picked(pg) {
		t.Error("choosing the own unit kept Âu Cơ")
	}
	if pg := b.Get("/admin/departments"); picked(pg) {
		t.Error("the own unit was not remembered")
	}
}

// Admin tables show names where people expect them: a unit's parent, a
// user's department; and an API key's unit is chosen from the units.
func TestAdminShowsNamesNotCodes(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	b := apitest.NewBrowser(t, e)
	b.SignIn(apitest.Admin)
	units := b.Get("/admin/units")
	if units.Status != 200 || !strings.Contains(units.Body, "<td>Phường Âu Cơ</td><td>Phường</td><td>Tỉnh Phú Thọ</td>") {
		t.Errorf("units: the parent is not named (%d)", units.Status)
	}
	users := b.Get("/admin/users?unit=xuan-lung")
	if users.Status != 200 || !strings.Contains(users.Body, "<td>Phòng Kinh tế</td>") || strings.Contains(users.Body, `<td class="mono">kinh-te</td>`) {
		t.Errorf("users: the department is not named (%d)", users.Status)
	}
	keys := b.Get("/admin/apikeys")
	if keys.Status != 200 || !strings.Contains(keys.Body, `<select id="f-unit" name="unit"`) ||
		!strings.Contains(keys.Body, `<option value="au-co">`) {
		t.Errorf("API keys: the unit is not a choice of the units (%d)", keys.Status)
	}
}
