package api_test

import (
	"fmt"
	"strings"
	"testing"

	"caunoi/demo"
	"caunoi/internal/apitest"
)

// adminForeign makes a province and a commune outside every demo scope,
// with a department, a category, a rule, an account and a holiday, and
// returns their ids by name.
func adminForeign(t *testing.T, e *apitest.Env) map[string]int64 {
	t.Helper()
	var ids struct {
		Unit       int64 `db:"unit"`
		Department int64 `db:"department"`
		Category   int64 `db:"category"`
		Rule       int64 `db:"rule"`
		User       int64 `db:"usr"`
		Holiday    int64 `db:"holiday"`
	}
	err := e.DB.Get(&ids, `WITH p AS (INSERT INTO units (code, name, level) VALUES ('tinh-ngoai', 'Tỉnh Ngoài', 'province') RETURNING id),
		u AS (INSERT INTO units (code, name, level, parent_id) SELECT 'xa-ngoai', 'Xã Ngoài', 'commune', id FROM p RETURNING id),
		d AS (INSERT INTO departments (unit_id, code, name, triage) SELECT id, 'van-phong', 'Văn phòng', true FROM u RETURNING id, unit_id),
		c AS (INSERT INTO categories (unit_id, code, name, default_department_id) SELECT unit_id, 'khac', 'Khác', id FROM d RETURNING id, unit_id),
		r AS (INSERT INTO routing_rules (unit_id, kind, department_id) SELECT d.unit_id, 'complaint', d.id FROM d RETURNING id),
		a AS (INSERT INTO users (email, name, password_hash, role, unit_id) SELECT 'ngoai@example.vn', 'Người ngoài', 'x', 'leader', id FROM u RETURNING id),
		h AS (INSERT INTO holidays (unit_id, day, name) SELECT id, '2026-11-05', 'Nghỉ riêng' FROM u RETURNING id)
		SELECT (SELECT id FROM u) AS unit, (SELECT id FROM d) AS department, (SELECT id FROM c) AS category,
			(SELECT id FROM r) AS rule, (SELECT id FROM a) AS usr, (SELECT id FROM h) AS holiday`)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]int64{"units": ids.Unit, "departments": ids.Department, "categories": ids.Category,
		"rules": ids.Rule, "users": ids.User, "holidays": ids.Holiday}
}

// adminRowID returns the id of a row found by a query with one argument.
func adminRowID(t *testing.T, e *apitest.Env, q string, arg any) int64 {
	t.Helper()
	var id int64
	if err := e.DB.Get(&id, q, arg); err != nil {
		t.Fatalf("%s (%v): %v", q, arg, err)
	}
	return id
}

// adminDeptID returns the id of a department of xuan-lung.
func adminDeptID(t *testing.T, e *apitest.Env, code string) int64 {
	t.Helper()
	return adminRowID(t, e, `SELECT d.id FROM departments d JOIN units u ON u.id = d.unit_id
		WHERE u.code = 'xuan-lung' AND d.code = $1`, code)
}

// expectStatus checks a response's status (and, for an error, its code), failing
// the test with the body otherwise.
func expectStatus(t *testing.T, r *apitest.Response, status int, what string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: %d, want %d: %s", what, r.Status, status, r.Body)
	}
	codes := map[int]string{400: "invalid_input", 403: "forbidden", 404: "not_found", 409: "conflict"}
	if c, ok := codes[status]; ok {
		if got := r.Err(t).Error.Code; got != c {
			t.Fatalf("%s: code %s, want %s", what, got, c)
		}
	}
}

// expectFields checks a 400's fields.
func expectFields(t *testing.T, r *apitest.Response, what string, fields map[string]string) {
	t.Helper()
	expectStatus(t, r, 400, what)
	got := r.Err(t).Error.Fields
	for k, v := range fields {
		if got[k] != v {
			t.Fatalf("%s: fields %v, want %s=%s", what, got, k, v)
		}
	}
}

// adminRoute is one route of the administration API with a harmless call.
type adminRoute struct {
	method, path string
	body         any
}

func adminRoutes() []adminRoute {
	return []adminRoute{
		{"GET", "/api/v1/units/tree", nil},
		{"POST", "/api/v1/units", map[string]any{"code": "xa-403", "name": "Xã", "level": "commune", "parent": "phu-tho"}},
		{"PATCH", "/api/v1/units/1", map[string]any{"name": "Tên mới"}},
		{"DELETE", "/api/v1/units/1", nil},
		{"GET", "/api/v1/departments?unit=xuan-lung", nil},
		{"GET", "/api/v1/departments/1", nil},
		{"POST", "/api/v1/departments?unit=xuan-lung", map[string]any{"code": "moi", "name": "Mới"}},
		{"PATCH", "/api/v1/departments/1", map[string]any{"name": "Tên mới"}},
		{"DELETE", "/api/v1/departments/1", nil},
		{"GET", "/api/v1/categories?unit=xuan-lung", nil},
		{"GET", "/api/v1/categories/1", nil},
		{"POST", "/api/v1/categories?unit=xuan-lung", map[string]any{"code": "moi", "name": "Mới"}},
		{"PATCH", "/api/v1/categories/1", map[string]any{"name": "Tên mới"}},
		{"DELETE", "/api/v1/categories/1", nil},
		{"GET", "/api/v1/rules?unit=xuan-lung", nil},
		{"GET", "/api/v1/rules/1", nil},
		{"POST", "/api/v1/rules?unit=xuan-lung", map[string]any{"kind": "complaint", "department": "van-phong"}},
		{"POST", "/api/v1/rules/test", map[string]any{"unit": "xuan-lung", "text": "Đèn đường hỏng"}},
		{"PATCH", "/api/v1/rules/1", map[string]any{"active": false}},
		{"DELETE", "/api/v1/rules/1", nil},
		{"GET", "/api/v1/users", nil},
		{"GET", "/api/v1/users/1", nil},
		{"POST", "/api/v1/users", map[string]any{"email": "x@example.vn", "name": "X", "role": "leader", "password": "0123456789"}},
		{"PATCH", "/api/v1/users/1", map[string]any{"name": "X"}},
		{"DELETE", "/api/v1/users/1", nil},
		{"GET", "/api/v1/holidays?unit=xuan-lung&year=2026", nil},
		{"POST", "/api/v1/holidays", map[string]any{"unit": "xuan-lung", "date": "2026-11-04", "name": "Nghỉ"}},
		{"PATCH", "/api/v1/holidays/1", map[string]any{"name": "Nghỉ"}},
		{"DELETE", "/api/v1/holidays/1", nil},
		{"GET", "/api/v1/kind-rules", nil},
		{"PATCH", "/api/v1/kind-rules/feedback", map[string]any{"max_extensions": 2}},
	}
}

func TestAdminRoutesAreForAdminsOnly(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	units, holidays := e.Count("units"), e.Count("holidays")
	for _, rt := range adminRoutes() {
		for _, who := range []string{apitest.Leader, apitest.HeadKinhTe, apitest.StaffKT, apitest.StaffVHXH} {
			r := e.As(who, rt.method, rt.path, rt.body)
			if r.Status != 403 || r.Err(t).Error.Code != "forbidden" {
				t.Errorf("%s %s as %s: %d %s, want 403", rt.method, rt.path, who, r.Status, r.Body)
			}
		}
		if r := e.JSON(rt.method, rt.path, rt.body); r.Status != 401 {
			t.Errorf("%s %s without a token: %d, want 401", rt.method, rt.path, r.Status)
		}
	}
	if e.Count("units") != units || e.Count("holidays") != holidays {
		t.Error("a refused call changed something")
	}
}

func TestAdminRowsOutsideTheScopeAreNotFound(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	ids := adminForeign(t, e)
	for _, res := range []string{"units", "departments", "categories", "rules", "users", "holidays"} {
		path := fmt.Sprintf("/api/v1/%s/%d", res, ids[res])
		calls := []adminRoute{{"PATCH", path, map[string]any{"name": "Đổi tên"}}, {"DELETE", path, nil}}
		if res != "units" && res != "holidays" {
			calls = append(calls, adminRoute{"GET", path, nil})
		}
		if res == "rules" {
			calls[0].body = map[string]any{"active": false}
		}
		for _, c := range calls {
			expectStatus(t, e.As(apitest.Admin, c.method, c.path, c.body), 404, c.method+" "+c.path)
		}
	}
	for _, path := range []string{"/api/v1/departments?unit=xa-ngoai", "/api/v1/categories?unit=xa-ngoai",
		"/api/v1/rules?unit=xa-ngoai", "/api/v1/users?unit=xa-ngoai", "/api/v1/holidays?unit=xa-ngoai",
		"/api/v1/departments?unit=no-such-unit"} {
		expectStatus(t, e.As(apitest.Admin, "GET", path, nil), 404, path)
	}
	for _, c := range []adminRoute{
		{"POST", "/api/v1/departments?unit=xa-ngoai", map[string]any{"code": "moi", "name": "Mới"}},
		{"POST", "/api/v1/categories?unit=xa-ngoai", map[string]any{"code": "moi", "name": "Mới"}},
		{"POST", "/api/v1/rules?unit=xa-ngoai", map[string]any{"kind": "complaint", "department": "van-phong"}},
		{"POST", "/api/v1/rules/test", map[string]any{"unit": "xa-ngoai", "text": "Đèn đường hỏng"}},
		{"POST", "/api/v1/users", map[string]any{"unit": "xa-ngoai", "email": "y@example.vn", "name": "Y", "role": "leader",
			"password": "0123456789"}},
		{"POST", "/api/v1/holidays", map[string]any{"unit": "xa-ngoai", "date": "2026-11-06", "name": "Nghỉ"}},
	} {
		expectStatus(t, e.As(apitest.Admin, c.method, c.path, c.body), 404, c.method+" "+c.path)
	}
	// the subtree's lists hold nothing of the other province
	for _, path := range []string{"/api/v1/units/tree", "/api/v1/users", "/api/v1/holidays?year=all"} {
		r := e.As(apitest.Admin, "GET", path, nil)
		expectStatus(t, r, 200, path)
		if strings.Contains(string(r.Body), "ngoai") {
			t.Errorf("%s shows another province: %s", path, r.Body)
		}
	}
}

func TestAdminUnits(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	adminForeign(t, e)
	var list struct {
		Items []struct {
			ID          int64
			Code        string
			Parent      *string
			Active      bool
			WorkPeriods []struct {
				StartMin int `json:"start_min"`
			} `json:"work_periods"`
		}
	}
	r := e.As(apitest.Admin, "GET", "/api/v1/units/tree", nil)
	expectStatus(t, r, 200, "list")
	r.JSON(t, &list)
	if len(list.Items) != 5 || list.Items[0].Code != "phu-tho" || len(list.Items[1].WorkPeriods) != 2 {
		t.Fatalf("list: %s", r.Body)
	}

	r = e.As(apitest.Admin, "POST", "/api/v1/units", map[string]any{"code": "dac-khu-moi", "name": "  Đặc khu  Mới ",
		"level": "special_zone"})
	expectStatus(t, r, 201, "create")
	unit := r.Map(t)
	if unit["name"] != "Đặc khu Mới" || unit["parent"] != "phu-tho" || unit["active"] != true {
		t.Errorf("created: %s", r.Body)
	}
	id := int64(unit["id"].(float64))
	expectStatus(t, e.As(apitest.Admin, "POST", "/api/v1/units", map[string]any{"code": "dac-khu-moi", "name": "Lại",
		"level": "commune"}), 409, "taken code")
	expectFields(t, e.As(apitest.Admin, "POST", "/api/v1/units", map[string]any{"code": "x", "name": "X",
		"level": "commune", "parent": "tinh-ngoai"}), "foreign parent", map[string]string{"parent": "unknown"})
	expectFields(t, e.As(apitest.Admin, "POST", "/api/v1/units", map[string]any{"code": "x", "name": "X",
		"level": "commune", "parent": "xuan-lung"}), "commune parent", map[string]string{"parent": "invalid"})
	expectFields(t, e.As(apitest.Admin, "POST", "/api/v1/units", map[string]any{"code": "Bad Code", "name": "",
		"level": "province"}), "bad fields", map[string]string{"code": "invalid", "name": "required", "level": "invalid"})

	path := fmt.Sprintf("/api/v1/units/%d", id)
	r = e.As(apitest.Admin, "PATCH", path, map[string]any{"name": "Đặc khu Cô Tô", "level": "ward",
		"work_periods": []map[string]int{{"start_min": 420, "end_min": 690}, {"start_min": 780, "end_min": 1020}}})
	expectStatus(t, r, 200, "patch")
	if m := r.Map(t); m["name"] != "Đặc khu Cô Tô" || m["level"] != "ward" || len(m["work_periods"].([]any)) != 2 {
		t.Errorf("patched: %s", r.Body)
	}
	expectFields(t, e.As(apitest.Admin, "PATCH", path, map[string]any{"work_periods": []map[string]int{{"start_min": 700, "end_min": 600}}}),
		"bad periods", map[string]string{"work_periods": "invalid"})
	expectFields(t, e.As(apitest.Admin, "PATCH", path, map[string]any{"level": "province"}), "to province",
		map[string]string{"level": "invalid"})
	expectFields(t, e.As(apitest.Admin, "PATCH", path, map[string]any{"colour": "red"}), "unknown field",
		map[string]string{"colour": "unknown"})

	// a unit nothing refers to is deleted; one with accounts is deactivated
	r = e.As(apitest.Admin, "DELETE", path, nil)
	expectStatus(t, r, 200, "delete")
	if m := r.Map(t); m["deleted"] != true {
		t.Errorf("delete: %s", r.Body)
	}
	expectStatus(t, e.As(apitest.Admin, "DELETE", path, nil), 404, "delete again")
	xl := adminRowID(t, e, "SELECT id FROM units WHERE code = $1", "xuan-lung")
	r = e.As(apitest.Admin, "DELETE", fmt.Sprintf("/api/v1/units/%d", xl), nil)
	expectStatus(t, r, 200, "delete xuan-lung")
	if m := r.Map(t); m["deleted"] != false || m["deactivated"] != true {
		t.Errorf("delete xuan-lung: %s", r.Body)
	}
	// a deactivated unit takes no feedback, at once
	expectFields(t, e.JSON("POST", "/api/v1/feedback", map[string]any{"unit": "xuan-lung", "body": lampText}), "feedback",
		map[string]string{"unit": "unknown"})
	expectStatus(t, e.As(apitest.Admin, "PATCH", fmt.Sprintf("/api/v1/units/%d", xl), map[string]any{"active": true}), 200, "reactivate")
	expectStatus(t, e.JSON("POST", "/api/v1/feedback", map[string]any{"unit": "xuan-lung", "body": lampText}), 201, "feedback again")

	root := adminRowID(t, e, "SELECT id FROM units WHERE code = $1", "phu-tho")
	expectStatus(t, e.As(apitest.Admin, "DELETE", fmt.Sprintf("/api/v1/units/%d", root), nil), 409, "delete own unit")
	expectStatus(t, e.As(apitest.Admin, "PATCH", fmt.Sprintf("/api/v1/units/%d", root), map[string]any{"active": false}), 409,
		"deactivate own unit")
}

func TestAdminDepartments(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	e.NewTicket("xuan-lung", lampText) // an open ticket of kinh-te

	var list struct {
		Items []struct {
			ID          int64
			Unit        string
			Code        string
			Triage      bool
			OpenTickets int `json:"open_tickets"`
		}
	}
	r := e.As(apitest.Admin, "GET", "/api/v1/departments?unit=xuan-lung", nil)
	expectStatus(t, r, 200, "list")
	r.JSON(t, &list)
	if len(list.Items) != 5 {
		t.Fatalf("list: %s", r.Body)
	}
	for _, d := range list.Items {
		if d.Unit != "xuan-lung" || d.Triage != (d.Code == "van-phong") || (d.Code == "kinh-te") != (d.OpenTickets == 1) {
			t.Errorf("department %+v", d)
		}
	}

	// a department with open tickets cannot be deleted, but can be deactivated
	kt := fmt.Sprintf("/api/v1/departments/%d", adminDeptID(t, e, "kinh-te"))
	expectStatus(t, e.As(apitest.Admin, "DELETE", kt, nil), 409, "delete with open tickets")
	r = e.As(apitest.Admin, "PATCH", kt, map[string]any{"active": false})
	expectStatus(t, r, 200, "deactivate with open tickets")
	if m := r.Map(t); m["active"] != false || m["open_tickets"] != 1.0 {
		t.Errorf("deactivated: %s", r.Body)
	}
	// the triage department, a category's default, a rule's target: 409
	vp := fmt.Sprintf("/api/v1/departments/%d", adminDeptID(t, e, "van-phong"))
	expectStatus(t, e.As(apitest.Admin, "DELETE", vp, nil), 409, "delete triage")
	expectStatus(t, e.As(apitest.Admin, "PATCH", vp, map[string]any{"active": false}), 409, "deactivate triage")
	expectStatus(t, e.As(apitest.Admin, "PATCH", vp, map[string]any{"triage": false}), 409, "untriage")
	r = e.As(apitest.Admin, "DELETE", fmt.Sprintf("/api/v1/departments/%d", adminDeptID(t, e, "cong-an")), nil)
	expectStatus(t, r, 409, "delete a default department")
	if !strings.Contains(r.Err(t).Error.Message, "an-ninh") {
		t.Errorf("the refusal does not name the category: %s", r.Body)
	}

	// create, rename, take the triage role, then delete
	r = e.As(apitest.Admin, "POST", "/api/v1/departments?unit=xuan-lung", map[string]any{"code": "tiep-dan",
		"name": "Ban Tiếp công dân", "triage": true})
	expectStatus(t, r, 201, "create")
	created := r.Map(t)
	if created["triage"] != true || created["unit"] != "xuan-lung" || created["active"] != true {
		t.Errorf("created: %s", r.Body)
	}
	td := fmt.Sprintf("/api/v1/departments/%d", int64(created["id"].(float64)))
	if m := e.As(apitest.Admin, "GET", vp, nil).Map(t); m["triage"] != false {
		t.Errorf("the former triage department kept the role: %v", m)
	}
	res := e.As(apitest.Admin, "POST", "/api/v1/feedback", map[string]any{"unit": "xuan-lung",
		"body": "Một việc không thuộc lĩnh vực nào cả"}).Map(t)
	if dep, _ := res["department"].(map[string]any); dep == nil || dep["code"] != "tiep-dan" {
		t.Errorf("unrouted feedback went to %v, want the new triage department", res["department"])
	}
	expectStatus(t, e.As(apitest.Admin, "PATCH", vp, map[string]any{"triage": true}), 200, "triage back")
	expectStatus(t, e.As(apitest.Admin, "POST", "/api/v1/departments?unit=xuan-lung", map[string]any{"code": "tiep-dan",
		"name": "Lại"}), 409, "taken code")
	expectFields(t, e.As(apitest.Admin, "POST", "/api/v1/departments", map[string]any{"code": "", "name": ""}),
		"bad fields", map[string]string{"code": "required", "name": "required"})
	r = e.As(apitest.Admin, "PATCH", td, map[string]any{"name": " Ban  Tiếp dân "})
	expectStatus(t, r, 200, "rename")
	if r.Map(t)["name"] != "Ban Tiếp dân" {
		t.Errorf("renamed: %s", r.Body)
	}
	// tiep-dan now has the open ticket routed to it: once it is closed, only
	// history refers to the department, which is then deactivated; an
	// unused department is deleted
	expectStatus(t, e.As(apitest.Admin, "DELETE", td, nil), 409, "delete with an open ticket")
	if _, err := e.DB.Exec("UPDATE tickets SET status = 'closed' WHERE department_id = $1", int64(created["id"].(float64))); err != nil {
		t.Fatal(err)
	}
	r = e.As(apitest.Admin, "DELETE", td, nil)
	expectStatus(t, r, 200, "delete with history")
	if m := r.Map(t); m["deactivated"] != true || m["deleted"] != false {
		t.Errorf("delete with history: %s", r.Body)
	}
	r = e.As(apitest.Admin, "POST", "/api/v1/departments", map[string]any{"unit": "xuan-lung", "code": "tam", "name": "Tạm"})
	expectStatus(t, r, 201, "create unused")
	tam := fmt.Sprintf("/api/v1/departments/%d", int64(r.Map(t)["id"].(float64)))
	r = e.As(apitest.Admin, "DELETE", tam, nil)
	expectStatus(t, r, 200, "delete unused")
	if m := r.Map(t); m["deleted"] != true {
		t.Errorf("delete: %s", r.Body)
	}
	expectStatus(t, e.As(apitest.Admin, "GET", tam, nil), 404, "deleted")
	// the admin's own province also has departments of its own
	expectStatus(t, e.As(apitest.Admin, "POST", "/api/v1/departments", map[string]any{"code": "so-noi-vu", "name": "Sở Nội vụ"}),
		201, "a department of the admin's own unit")
}

func TestAdminCategories(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	r := e.As(apitest.Admin, "POST", "/api/v1/categories?unit=xuan-lung", map[string]any{
		"code": "cay-xanh", "name": "Cây xanh", "description": "Cây đổ, cây gãy",
		"default_department": "kinh-te", "deadline": map[string]any{"amount": 2, "unit": "working_days"},
		"keywords": []string{" tỉa  cành ", "tỉa cành", "cây xanh"}, "position": 0,
		"attributes": []map[string]any{
			{"code": "loai-cay", "datatype": "singlevaluelist", "required": true, "description": "Loại cây",
				"values": []map[string]string{{"key": "to", "name": "Cây to"}, {"key": "nho", "name": "Cây nhỏ"}}},
			{"code": "so-cay", "datatype": "number", "description": "Số cây"},
		}})
	expectStatus(t, r, 201, "create")
	var cat struct {
		ID                int64
		DefaultDepartment string `json:"default_department"`
		Keywords          []string
		Deadline          struct{ Amount int }
		Attributes        []struct {
			Code     string
			Order    int
			Variable bool
		}
	}
	r.JSON(t, &cat)
	if cat.DefaultDepartment != "kinh-te" || len(cat.Keywords) != 2 || cat.Deadline.Amount != 2 ||
		len(cat.Attributes) != 2 || cat.Attributes[1].Order != 2 || !cat.Attributes[0].Variable {
		t.Fatalf("created: %s", r.Body)
	}
	// the new category is chosen by its keyword at once
	res := e.JSON("POST", "/api/v1/feedback", map[string]any{"unit": "xuan-lung", "body": "Đề nghị tỉa cành trước cổng nhà văn hóa"}).Map(t)
	if res["category"] != "cay-xanh" {
		t.Errorf("feedback category = %v, want cay-xanh", res["category"])
	}
	r = e.As(apitest.Admin, "GET", "/api/v1/units/xuan-lung/categories", nil)
	if !strings.Contains(string(r.Body), "cay-xanh") {
		t.Errorf("public list lacks the new category: %s", r.Body)
	}

	expectFields(t, e.As(apitest.Admin, "POST", "/api/v1/categories?unit=xuan-lung", map[string]any{"code": "x", "name": "X",
		"default_department": "no-such"}), "unknown department", map[string]string{"default_department": "unknown"})
	expectFields(t, e.As(apitest.Admin, "POST", "/api/v1/categories?unit=xuan-lung", map[string]any{"code": "x", "name": "X",
		"attributes": []map[string]any{{"code": "a", "datatype": "blob", "description": "?"}}}),
		"bad attribute", map[string]string{"attributes": "invalid"})
	expectFields(t, e.As(apitest.Admin, "POST", "/api/v1/categories?unit=xuan-lung", map[string]any{"code": "x", "name": "X",
		"deadline": map[string]any{"amount": 0, "unit": "weeks"}}),
		"bad deadline", map[string]string{"deadline.amount": "invalid", "deadline.unit": "invalid"})
	expectStatus(t, e.As(apitest.Admin, "POST", "/api/v1/categories?unit=xuan-lung", map[string]any{"code": "cay-xanh", "name": "X"}),
		409, "taken code")

	path := fmt.Sprintf("/api/v1/categories/%d", cat.ID)
	r = e.As(apitest.Admin, "PATCH", path, map[string]any{"name": "Cây xanh đô thị", "default_department": "",
		"deadline": map[string]any{"amount": 8, "unit": "working_hours"}, "attributes": []any{}})
	expectStatus(t, r, 200, "patch")
	if m := r.Map(t); m["default_department"] != nil || m["name"] != "Cây xanh đô thị" ||
		len(m["attributes"].([]any)) != 0 || m["deadline"].(map[string]any)["unit"] != "working_hours" {
		t.Errorf("patched: %s", r.Body)
	}
	expectFields(t, e.As(apitest.Admin, "PATCH", path, map[string]any{"code": "khac-nua"}), "code change",
		map[string]string{"code": "invalid"})

	// used by a ticket: deactivated; unused: deleted; used by a rule: 409
	r = e.As(apitest.Admin, "DELETE", path, nil)
	expectStatus(t, r, 200, "delete used")
	if m := r.Map(t); m["deactivated"] != true || m["deleted"] != false {
		t.Errorf("delete used: %s", r.Body)
	}
	res = e.JSON("POST", "/api/v1/feedback", map[string]any{"unit": "xuan-lung", "body": "Đề nghị tỉa cành trước cổng nhà văn hóa"}).Map(t)
	if res["category"] == "cay-xanh" {
		t.Error("an inactive category still routes")
	}
	r = e.As(apitest.Admin, "POST", "/api/v1/categories", map[string]any{"unit": "xuan-lung", "code": "tam", "name": "Tạm"})
	expectStatus(t, r, 201, "create unused")
	unused := fmt.Sprintf("/api/v1/categories/%d", int64(r.Map(t)["id"].(float64)))
	rule := e.As(apitest.Admin, "POST", "/api/v1/rules?unit=xuan-lung", map[string]any{"kind": "inquiry", "set_category": "tam"})
	expectStatus(t, rule, 201, "rule on it")
	expectStatus(t, e.As(apitest.Admin, "DELETE", unused, nil), 409, "delete used by a rule")
	expectStatus(t, e.As(apitest.Admin, "DELETE", fmt.Sprintf("/api/v1/rules/%d", int64(rule.Map(t)["id"].(float64))), nil), 200, "delete rule")
	r = e.As(apitest.Admin, "DELETE", unused, nil)
	expectStatus(t, r, 200, "delete unused")
	if r.Map(t)["deleted"] != true {
		t.Errorf("delete unused: %s", r.Body)
	}
}

func TestAdminRules(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	const text = "Cây đổ chắn ngang đường liên thôn sau cơn mưa"
	before := e.JSON("POST", "/api/v1/feedback", map[string]any{"unit": "xuan-lung", "body": text}).Map(t)
	if d := before["department"].(map[string]any); d["code"] != "kinh-te" {
		t.Fatalf("before the rule: %v", before)
	}

	expectFields(t, e.As(apitest.Admin, "POST", "/api/v1/rules?unit=xuan-lung", map[string]any{"keywords": []string{"cây đổ"}}),
		"no target", map[string]string{"department": "one_required", "set_category": "one_required"})
	expectFields(t, e.As(apitest.Admin, "POST", "/api/v1/rules?unit=xuan-lung", map[string]any{"department": "cong-an"}),
		"no condition", map[string]string{"keywords": "one_required"})
	expectFields(t, e.As(apitest.Admin, "POST", "/api/v1/rules?unit=xuan-lung", map[string]any{"keywords": []string{"cây đổ"},
		"department": "phong-ma"}), "unknown department", map[string]string{"department": "unknown"})
	expectFields(t, e.As(apitest.Admin, "POST", "/api/v1/rules?unit=xuan-lung", map[string]any{"category": "khong-co",
		"department": "cong-an"}), "unknown category", map[string]string{"category": "unknown"})

	r := e.As(apitest.Admin, "POST", "/api/v1/rules?unit=xuan-lung", map[string]any{
		"keywords": []string{" cây   đổ ", "cây đổ", "cay do"}, "department": "cong-an"})
	expectStatus(t, r, 201, "create")
	var rule struct {
		ID         int64
		Unit       string
		Position   int
		Keywords   []string
		Department string
		Category   *string
	}
	r.JSON(t, &rule)
	if rule.Unit != "xuan-lung" || rule.Department != "cong-an" || rule.Category != nil ||
		strings.Join(rule.Keywords, "|") != "cây đổ|cay do" {
		t.Fatalf("created: %s", r.Body)
	}

	// the test box and the next intake both see it at once
	r = e.As(apitest.Admin, "POST", "/api/v1/rules/test", map[string]any{"unit": "xuan-lung", "text": text})
	expectStatus(t, r, 200, "test")
	tb := r.Map(t)
	if d, _ := tb["department"].(map[string]any); d == nil || d["code"] != "cong-an" || tb["rule"] != float64(rule.ID) ||
		tb["keyword"] != "cây đổ" || tb["reason"] == "" {
		t.Errorf("test box: %s", r.Body)
	}
	after := e.JSON("POST", "/api/v1/feedback", map[string]any{"unit": "xuan-lung", "body": text}).Map(t)
	if d := after["department"].(map[string]any); d["code"] != "cong-an" {
		t.Errorf("after the rule the feedback went to %v", d)
	}
	// the other units are untouched
	other := e.JSON("POST", "/api/v1/feedback", map[string]any{"unit": "au-co", "body": text}).Map(t)
	if d := other["department"].(map[string]any); d["code"] == "cong-an" {
		t.Error("a rule of xuan-lung routed au-co's feedback")
	}
	expectFields(t, e.As(apitest.Admin, "POST", "/api/v1/rules/test", map[string]any{"unit": "xuan-lung", "text": " ",
		"kind": "gossip"}), "bad test", map[string]string{"text": "required", "kind": "invalid"})

	// order: a second rule put first, then moved last
	r = e.As(apitest.Admin, "POST", "/api/v1/rules?unit=xuan-lung", map[string]any{"keywords": []string{"cây đổ"},
		"department": "van-phong", "position": 0})
	expectStatus(t, r, 201, "second")
	second := int64(r.Map(t)["id"].(float64))
	order := func() []int64 {
		var out struct {
			Items []struct{ ID, Position int64 }
		}
		e.As(apitest.Admin, "GET", "/api/v1/rules?unit=xuan-lung", nil).JSON(t, &out)
		ids := make([]int64, len(out.Items))
		for i, x := range out.Items {
			ids[i] = x.ID
			if x.Position != int64(i) {
				t.Errorf("rule %d at position %d, index %d", x.ID, x.Position, i)
			}
		}
		return ids
	}
	if got := order(); fmt.Sprint(got) != fmt.Sprint([]int64{second, rule.ID}) {
		t.Errorf("order %v", got)
	}
	tb = e.As(apitest.Admin, "POST", "/api/v1/rules/test", map[string]any{"unit": "xuan-lung", "text": text}).Map(t)
	if tb["department"].(map[string]any)["code"] != "van-phong" {
		t.Errorf("first rule not tried first: %v", tb)
	}
	expectStatus(t, e.As(apitest.Admin, "PATCH", fmt.Sprintf("/api/v1/rules/%d", second), map[string]any{"position": 5}), 200, "move")
	if got := order(); fmt.Sprint(got) != fmt.Sprint([]int64{rule.ID, second}) {
		t.Errorf("order after move %v", got)
	}

	// patch: remove the target → 400; deactivate → routing falls back
	path := fmt.Sprintf("/api/v1/rules/%d", rule.ID)
	expectFields(t, e.As(apitest.Admin, "PATCH", path, map[string]any{"department": ""}), "remove target",
		map[string]string{"department": "one_required"})
	r = e.As(apitest.Admin, "PATCH", path, map[string]any{"kind": "feedback", "channel": "web", "active": false})
	expectStatus(t, r, 200, "patch")
	if m := r.Map(t); m["kind"] != "feedback" || m["channel"] != "web" || m["active"] != false {
		t.Errorf("patched: %s", r.Body)
	}
	expectStatus(t, e.As(apitest.Admin, "DELETE", fmt.Sprintf("/api/v1/rules/%d", second), nil), 200, "delete")
	after = e.JSON("POST", "/api/v1/feedback", map[string]any{"unit": "xuan-lung", "body": text}).Map(t)
	if d := after["department"].(map[string]any); d["code"] != "kinh-te" {
		t.Errorf("with the rules off the feedback went to %v", d)
	}
	if got := order(); len(got) != 1 {
		t.Errorf("rules left: %v", got)
	}
}

func TestAdminUsers(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	adminForeign(t, e)
	noSecrets := func(r *apitest.Response, what string) {
		t.Helper()
		body := string(r.Body)
		if strings.Contains(body, "password") || strings.Contains(body, "$2a$") || strings.Contains(body, demo.Password) {
			t.Errorf("%s shows a password: %s", what, body)
		}
	}
	r := e.As(apitest.Admin, "GET", "/api/v1/users", nil)
	expectStatus(t, r, 200, "list")
	noSecrets(r, "list")
	var list struct {
		Items []struct{ Email, Unit string }
	}
	r.JSON(t, &list)
	if len(list.Items) != 5 {
		t.Errorf("list: %s", r.Body)
	}
	r = e.As(apitest.Admin, "GET", "/api/v1/users?unit=xuan-lung", nil)
	r.JSON(t, &list)
	if len(list.Items) != 4 {
		t.Errorf("xuan-lung's users: %s", r.Body)
	}

	body := map[string]any{"email": "Nhan.Vien@Demo.Caunoi.vn", "name": "Nhân viên mới", "role": "staff",
		"unit": "xuan-lung", "department": "cong-an", "password": demo.Password, "zalo_user_id": "z123"}
	expectFields(t, e.As(apitest.Admin, "POST", "/api/v1/users", map[string]any{"email": "a@example.vn", "name": "A",
		"role": "staff", "unit": "xuan-lung", "password": "ngắn"}), "short password, no department",
		map[string]string{"password": "too_short", "department": "required"})
	expectFields(t, e.As(apitest.Admin, "POST", "/api/v1/users", map[string]any{"email": "a@example.vn", "name": "A",
		"role": "head", "unit": "xuan-lung", "department": "phong-ma", "password": demo.Password}), "unknown department",
		map[string]string{"department": "unknown"})
	expectFields(t, e.As(apitest.Admin, "POST", "/api/v1/users", map[string]any{"email": "a@example.vn", "name": "A",
		"role": "king", "password": demo.Password}), "bad role", map[string]string{"role": "invalid"})
	r = e.As(apitest.Admin, "POST", "/api/v1/users", body)
	expectStatus(t, r, 201, "create")
	noSecrets(r, "create")
	u := r.Map(t)
	if u["email"] != "nhan.vien@demo.caunoi.vn" || u["department"] != "cong-an" || u["unit"] != "xuan-lung" ||
		u["active"] != true || u["zalo_user_id"] != "z123" {
		t.Errorf("created: %s", r.Body)
	}
	expectStatus(t, e.As(apitest.Admin, "POST", "/api/v1/users", body), 409, "taken e-mail")
	// the new account signs in and sees its department's queue
	expectStatus(t, e.As("nhan.vien@demo.caunoi.vn", "GET", "/api/v1/tickets", nil), 200, "new account's queue")

	path := fmt.Sprintf("/api/v1/users/%d", int64(u["id"].(float64)))
	r = e.As(apitest.Admin, "PATCH", path, map[string]any{"role": "head", "department": "kinh-te", "digest": true,
		"password": "một mật khẩu mới dài"})
	expectStatus(t, r, 200, "patch")
	noSecrets(r, "patch")
	if m := r.Map(t); m["role"] != "head" || m["department"] != "kinh-te" || m["digest"] != true {
		t.Errorf("patched: %s", r.Body)
	}
	expectFields(t, e.As(apitest.Admin, "PATCH", path, map[string]any{"department": ""}), "head without department",
		map[string]string{"department": "required"})
	expectFields(t, e.As(apitest.Admin, "PATCH", path, map[string]any{"password": "123"}), "short password",
		map[string]string{"password": "too_short"})
	expectFields(t, e.As(apitest.Admin, "PATCH", path, map[string]any{"email": "x@y.vn"}), "e-mail change",
		map[string]string{"email": "unknown"})
	login := e.JSON("POST", "/api/v1/auth/login", map[string]any{"email": "nhan.vien@demo.caunoi.vn", "password": "một mật khẩu mới dài"})
	expectStatus(t, login, 200, "login with the new password")

	// an admin cannot deactivate or demote itself
	self := fmt.Sprintf("/api/v1/users/%d", e.UserID(apitest.Admin))
	expectStatus(t, e.As(apitest.Admin, "DELETE", self, nil), 409, "deactivate self")
	expectStatus(t, e.As(apitest.Admin, "PATCH", self, map[string]any{"active": false}), 409, "deactivate self by patch")
	expectStatus(t, e.As(apitest.Admin, "PATCH", self, map[string]any{"role": "leader"}), 409, "demote self")
	expectStatus(t, e.As(apitest.Admin, "PATCH", self, map[string]any{"name": "Quản trị"}), 200, "rename self")

	// delete deactivates: the account stays (tickets refer to it) and cannot sign in
	r = e.As(apitest.Admin, "DELETE", path, nil)
	expectStatus(t, r, 200, "delete")
	if m := r.Map(t); m["deactivated"] != true || m["deleted"] != false {
		t.Errorf("delete: %s", r.Body)
	}
	if m := e.As(apitest.Admin, "GET", path, nil).Map(t); m["active"] != false {
		t.Errorf("after delete: %v", m)
	}
	expectStatus(t, e.JSON("POST", "/api/v1/auth/login", map[string]any{"email": "nhan.vien@demo.caunoi.vn",
		"password": "một mật khẩu mới dài"}), 401, "login when deactivated")
	var refresh struct {
		RefreshToken string `json:"refresh_token"`
	}
	login.JSON(t, &refresh)
	expectStatus(t, e.JSON("POST", "/api/v1/auth/refresh", map[string]any{"refresh_token": refresh.RefreshToken}), 401,
		"refresh when deactivated")
}

func TestAdminHolidaysMoveTheNextDueTime(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	due := func() string {
		t.Helper()
		r := e.JSON("POST", "/api/v1/feedback", map[string]any{"unit": "xuan-lung", "body": lampText})
		expectStatus(t, r, 201, "feedback")
		return r.Map(t)["due_at"].(string)
	}
	before := due() // Tuesday 09:00 + 3 working days: Friday 17:00
	if !strings.HasPrefix(before, "2026-11-06T17:00") {
		t.Fatalf("due before = %s", before)
	}
	r := e.As(apitest.Admin, "POST", "/api/v1/holidays", map[string]any{"unit": "xuan-lung", "date": "2026-11-04",
		"name": "  Nghỉ  bù bầu cử "})
	expectStatus(t, r, 201, "create")
	h := r.Map(t)
	if h["unit"] != "xuan-lung" || h["off"] != true || h["name"] != "Nghỉ bù bầu cử" || h["date"] != "2026-11-04" {
		t.Errorf("created: %s", r.Body)
	}
	if after := due(); !strings.HasPrefix(after, "2026-11-09T17:00") {
		t.Errorf("due after the day off = %s, want Monday 9 November 17:00", after)
	}
	// a make-up working Saturday brings it back to Saturday
	expectStatus(t, e.As(apitest.Admin, "POST", "/api/v1/holidays?unit=xuan-lung", map[string]any{"date": "2026-11-07",
		"off": false, "name": "Làm bù"}), 201, "make-up day")
	if after := due(); !strings.HasPrefix(after, "2026-11-07T17:00") {
		t.Errorf("due with the make-up day = %s", after)
	}
	// other units keep the national calendar
	r = e.JSON("POST", "/api/v1/feedback", map[string]any{"unit": "au-co", "body": lampText})
	if d := r.Map(t)["due_at"].(string); !strings.HasPrefix(d, "2026-11-06T17:00") {
		t.Errorf("au-co due = %s", d)
	}

	var list struct {
		Items []struct {
			ID   int64
			Unit *string
			Date string
			Off  bool
		}
	}
	r = e.As(apitest.Admin, "GET", "/api/v1/holidays?unit=xuan-lung&year=2026", nil)
	expectStatus(t, r, 200, "list")
	r.JSON(t, &list)
	national, own := 0, 0
	for _, x := range list.Items {
		if x.Unit == nil {
			national++
		} else {
			own++
		}
		if !strings.HasPrefix(x.Date, "2026-") {
			t.Errorf("list holds %s", x.Date)
		}
	}
	if national < 9 || own != 2 {
		t.Errorf("national %d, own %d: %s", national, own, r.Body)
	}

	id := int64(h["id"].(float64))
	path := fmt.Sprintf("/api/v1/holidays/%d", id)
	expectStatus(t, e.As(apitest.Admin, "POST", "/api/v1/holidays", map[string]any{"unit": "xuan-lung", "date": "2026-11-04",
		"name": "Lại"}), 409, "same day twice")
	expectFields(t, e.As(apitest.Admin, "POST", "/api/v1/holidays", map[string]any{"unit": "xuan-lung", "date": "04/11/2026"}),
		"bad day", map[string]string{"date": "invalid", "name": "required"})
	expectFields(t, e.As(apitest.Admin, "GET", "/api/v1/holidays?year=abc", nil), "bad year", map[string]string{"year": "invalid"})
	r = e.As(apitest.Admin, "PATCH", path, map[string]any{"date": "2026-11-05"})
	expectStatus(t, r, 200, "patch")
	if r.Map(t)["date"] != "2026-11-05" {
		t.Errorf("patched: %s", r.Body)
	}
	expectStatus(t, e.As(apitest.Admin, "DELETE", path, nil), 200, "delete")
	expectStatus(t, e.As(apitest.Admin, "DELETE", path, nil), 404, "delete again")

	// the national calendar: a province's admin only
	r = e.As(apitest.Admin, "POST", "/api/v1/holidays", map[string]any{"date": "2026-12-31", "name": "Nghỉ cuối năm"})
	expectStatus(t, r, 201, "national day off")
	if r.Map(t)["unit"] != nil {
		t.Errorf("national: %s", r.Body)
	}
	national2 := fmt.Sprintf("/api/v1/holidays/%d", int64(r.Map(t)["id"].(float64)))
	const communeAdmin = "qt.xuanlung@demo.caunoi.vn"
	expectStatus(t, e.As(apitest.Admin, "POST", "/api/v1/users", map[string]any{"email": communeAdmin, "name": "Quản trị xã",
		"role": "admin", "unit": "xuan-lung", "password": demo.Password}), 201, "commune admin")
	expectStatus(t, e.As(communeAdmin, "POST", "/api/v1/holidays", map[string]any{"date": "2026-12-30", "name": "Nghỉ"}),
		403, "national day by a commune admin")
	expectStatus(t, e.As(communeAdmin, "PATCH", national2, map[string]any{"name": "Đổi"}), 403, "national patch by a commune admin")
	expectStatus(t, e.As(communeAdmin, "DELETE", national2, nil), 403, "national delete by a commune admin")
	expectStatus(t, e.As(communeAdmin, "POST", "/api/v1/holidays", map[string]any{"unit": "xuan-lung", "date": "2026-12-30",
		"name": "Nghỉ"}), 201, "own day by a commune admin")
	expectStatus(t, e.As(communeAdmin, "POST", "/api/v1/holidays", map[string]any{"unit": "au-co", "date": "2026-12-30",
		"name": "Nghỉ"}), 404, "a sibling's day by a commune admin")
	expectStatus(t, e.As(apitest.Admin, "DELETE", national2, nil), 200, "national delete")
}

func TestAdminKindRules(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	var list struct {
		Items []struct {
			Kind          string
			Settle        *struct{ Amount int }
			MaxExtensions int `json:"max_extensions"`
			Unconfirmed   []string
			Configurable  bool
			Sources       map[string]string
		}
		Note string
	}
	r := e.As(apitest.Admin, "GET", "/api/v1/kind-rules", nil)
	expectStatus(t, r, 200, "list")
	r.JSON(t, &list)
	if len(list.Items) != 5 || list.Note == "" {
		t.Fatalf("list: %s", r.Body)
	}
	for _, k := range list.Items {
		if !k.Configurable || len(k.Sources) == 0 {
			t.Errorf("%s: %+v", k.Kind, k)
		}
		switch k.Kind {
		case "feedback", "petition", "inquiry":
			if len(k.Unconfirmed) == 0 || k.Settle != nil {
				t.Errorf("%s should be unconfirmed, settled by the category: %+v", k.Kind, k)
			}
		case "denunciation":
			if len(k.Unconfirmed) != 0 || k.Settle == nil || k.Settle.Amount != 30 || k.MaxExtensions != 2 {
				t.Errorf("denunciation: %+v", k)
			}
		}
	}

	r = e.As(apitest.Admin, "PATCH", "/api/v1/kind-rules/feedback", map[string]any{
		"accept": map[string]any{"amount": 4, "unit": "working_hours"}, "settle": map[string]any{"amount": 15, "unit": "working_days"}})
	expectStatus(t, r, 200, "patch")
	if m := r.Map(t); m["accept"].(map[string]any)["amount"] != 4.0 || m["settle"].(map[string]any)["amount"] != 15.0 {
		t.Errorf("patched: %s", r.Body)
	}
	r = e.As(apitest.Admin, "PATCH", "/api/v1/kind-rules/feedback", map[string]any{"settle": nil})
	expectStatus(t, r, 200, "settle back to the category's")
	if r.Map(t)["settle"] != nil {
		t.Errorf("settle: %s", r.Body)
	}
	expectFields(t, e.As(apitest.Admin, "PATCH", "/api/v1/kind-rules/complaint", map[string]any{"settle": nil}),
		"complaint without settle", map[string]string{"settle.amount": "invalid"})
	expectFields(t, e.As(apitest.Admin, "PATCH", "/api/v1/kind-rules/denunciation", map[string]any{"max_extensions": -1,
		"extension": map[string]any{"amount": 30, "unit": "moons"}}), "bad figures",
		map[string]string{"max_extensions": "invalid", "extension.unit": "invalid"})
	expectStatus(t, e.As(apitest.Admin, "PATCH", "/api/v1/kind-rules/rumour", map[string]any{"max_extensions": 1}), 404, "unknown kind")

	// a complaint's new settle clock sets the next complaint's due time
	r = e.As(apitest.Admin, "PATCH", "/api/v1/kind-rules/complaint", map[string]any{"settle": map[string]any{"amount": 2,
		"unit": "working_days"}})
	expectStatus(t, r, 200, "complaint clock")
	r = e.JSON("POST", "/api/v1/feedback", map[string]any{"unit": "xuan-lung", "kind": "complaint", "body": lampText,
		"citizen": map[string]any{"name": "Lê Văn Bình", "phone": "0987654321"}})
	expectStatus(t, r, 201, "complaint")
	if d := r.Map(t)["due_at"].(string); !strings.HasPrefix(d, "2026-11-05T17:00") {
		t.Errorf("complaint due = %s, want Thursday 17:00", d)
	}

	const communeAdmin = "qt2.xuanlung@demo.caunoi.vn"
	expectStatus(t, e.As(apitest.Admin, "POST", "/api/v1/users", map[string]any{"email": communeAdmin, "name": "Quản trị xã",
		"role": "admin", "unit": "xuan-lung", "password": demo.Password}), 201, "commune admin")
	expectStatus(t, e.As(communeAdmin, "GET", "/api/v1/kind-rules", nil), 200, "commune admin reads")
	expectStatus(t, e.As(communeAdmin, "PATCH", "/api/v1/kind-rules/feedback", map[string]any{"max_extensions": 3}), 403,
		"commune admin changes")
}
