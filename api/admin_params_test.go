package api_test

import (
	"slices"
	"testing"

	"caunoi/internal/apitest"
)

// adminRowRoutes are the administration routes that name a row by its path
// id, with how the 404 names the row.
var adminRowRoutes = []struct {
	methods []string
	base    string
	vi, en  string
}{
	{[]string{"PATCH", "DELETE"}, "/api/v1/units/", "đơn vị", "unit"},
	{[]string{"GET", "PATCH", "DELETE"}, "/api/v1/departments/", "phòng ban", "department"},
	{[]string{"GET", "PATCH", "DELETE"}, "/api/v1/categories/", "lĩnh vực", "category"},
	{[]string{"GET", "PATCH", "DELETE"}, "/api/v1/rules/", "quy tắc", "rule"},
	{[]string{"GET", "PATCH", "DELETE"}, "/api/v1/users/", "tài khoản", "account"},
	{[]string{"PATCH", "DELETE"}, "/api/v1/holidays/", "ngày nghỉ", "calendar day"},
	{[]string{"GET", "PATCH", "DELETE"}, "/api/v1/channels/", "kênh", "channel account"},
	{[]string{"DELETE"}, "/api/v1/apikeys/", "khóa API", "API key"},
}

// A path id that is no row id is 404 naming the row, in either language,
// before the body is read: a PATCH with a broken body is still 404.
func TestAdminMalformedRowIDIsNotFound(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	auth := "Authorization: Bearer " + e.Login(apitest.Admin)
	for _, rt := range adminRowRoutes {
		for _, m := range rt.methods {
			for _, id := range []string{"abc", "0", "-3", "99999999999999999999"} {
				what := m + " " + rt.base + id
				r := e.Request(m, rt.base+id, []byte("{"), auth, "Content-Type: application/json")
				expectStatus(t, r, 404, what)
				if got, want := r.Err(t).Error.Message, "Không tìm thấy "+rt.vi+"."; got != want {
					t.Errorf("%s: message %q, want %q", what, got, want)
				}
				r = e.Request(m, rt.base+id+"?lang=en", nil, auth)
				expectStatus(t, r, 404, what+" (en)")
				if got, want := r.Err(t).Error.Message, "No such "+rt.en+"."; got != want {
					t.Errorf("%s: message %q, want %q", what, got, want)
				}
			}
		}
	}
}

// A PATCH's body is read before the store is asked: a body that is not
// JSON is 415 and an unknown field 400 naming it, even for a row that does
// not exist.
func TestAdminPatchBodyIsReadBeforeTheRow(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	auth := "Authorization: Bearer " + e.Login(apitest.Admin)
	for _, rt := range adminRowRoutes {
		if !slices.Contains(rt.methods, "PATCH") {
			continue
		}
		path := rt.base + "999999999"
		r := e.Request("PATCH", path, []byte(`{"name":"x"}`), auth, "Content-Type: text/plain")
		if r.Status != 415 || r.Err(t).Error.Code != "unsupported_media_type" {
			t.Errorf("PATCH %s as text: %d %s, want 415", path, r.Status, r.Body)
		}
		r = e.As(apitest.Admin, "PATCH", path, map[string]any{"bogus": 1})
		expectStatus(t, r, 400, "PATCH "+path+" with an unknown field")
		if f := r.Err(t).Error.Fields["bogus"]; f != "unknown" {
			t.Errorf("PATCH %s: fields %v, want bogus unknown", path, r.Err(t).Error.Fields)
		}
	}
}

// A POST of a unit-scoped row reads its body first, then the unit: a
// broken body is 400 whatever the query, and a body's unit that is not the
// query's is 400 on the unit field.
func TestAdminCreateReadsTheBodyThenTheUnit(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	auth := "Authorization: Bearer " + e.Login(apitest.Admin)
	for _, res := range []string{"departments", "categories", "rules", "users", "holidays"} {
		path := "/api/v1/" + res + "?unit=xuan-lung"
		r := e.Request("POST", path, []byte(`{"unit":`), auth, "Content-Type: application/json")
		expectStatus(t, r, 400, "POST "+path+" truncated")
		if fields := r.Err(t).Error.Fields; len(fields) != 0 {
			t.Errorf("POST %s truncated: fields %v, want none", path, fields)
		}
		r = e.As(apitest.Admin, "POST", path+"&lang=en", map[string]any{"unit": "phu-tho"})
		expectStatus(t, r, 400, "POST "+path+" with another unit")
		eb := r.Err(t).Error
		if eb.Message != "The unit in the body and in the query differ." || eb.Fields["unit"] != "invalid" {
			t.Errorf("POST %s with another unit: %+v", path, eb)
		}
	}
}

// Every administration list answers {"items": [...]}, an empty list as [].
func TestAdminListsAnswerItems(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	for _, path := range []string{"/api/v1/units/tree", "/api/v1/departments", "/api/v1/categories", "/api/v1/rules",
		"/api/v1/users", "/api/v1/holidays?year=all", "/api/v1/channels", "/api/v1/apikeys", "/api/v1/kind-rules"} {
		r := e.As(apitest.Admin, "GET", path, nil)
		expectStatus(t, r, 200, path)
		items, ok := r.Map(t)["items"].([]any)
		if !ok {
			t.Errorf("%s: items is not a list: %s", path, r.Body)
		}
		if path == "/api/v1/apikeys" && (len(items) != 0 || string(r.Body) != `{"items":[]}`) {
			t.Errorf("%s with no key: %s, want an empty list", path, r.Body)
		}
	}
}
