package webhook_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"caunoi/internal/apitest"
	"caunoi/secretbox"
)

func TestChannelAdminCreateListPatchDelete(t *testing.T) {
	t.Parallel()
	sigs := readSigs(t)
	e := apitest.New(t, apitest.WithSecretKey(apitest.SecretKey))
	r := e.As(apitest.Admin, "POST", "/api/v1/channels", map[string]any{"platform": "facebook", "unit": "xuan-lung",
		"account_id": fbPage, "name": "UBND xã Xuân Lũng", "access_token": pageToken})
	if r.Status != 201 || bytes.Contains(r.Body, []byte(pageToken)) {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	fb := r.Map(t)
	if fb["has_access_token"] != true || fb["unit"] != "xuan-lung" || fb["active"] != true || fb["platform"] != "facebook" {
		t.Errorf("created %v", fb)
	}
	fbID := int64(fb["id"].(float64))

	// stored encrypted, under CAUNOI_SECRET_KEY, bound to its place
	var enc []byte
	e.MustGet(&enc, `SELECT access_token_enc FROM channel_accounts WHERE id = $1`, fbID)
	box, _ := secretbox.New(apitest.SecretKey)
	if plain, err := box.Open(enc, secretbox.AAD("facebook", fbPage, "access_token")); bytes.Contains(enc, []byte(pageToken)) || err != nil || plain != pageToken {
		t.Errorf("stored token: %q, %v", plain, err)
	}

	// Zalo needs its app id and secret key (its webhooks are checked with it)
	r = e.As(apitest.Admin, "POST", "/api/v1/channels", map[string]any{"platform": "zalo", "unit": "au-co", "account_id": zaloOA})
	if r.Status != 400 || r.Err(t).Error.Fields["secret_key"] != "required" || r.Err(t).Error.Fields["app_id"] != "required" {
		t.Fatalf("zalo without secret: %d %s", r.Status, r.Body)
	}
	r = e.As(apitest.Admin, "POST", "/api/v1/channels", map[string]any{"platform": "zalo", "unit": "au-co", "account_id": zaloOA,
		"app_id": zaloApp, "secret_key": sigs.zaloSecret, "access_token": oaToken})
	if r.Status != 201 || bytes.Contains(r.Body, []byte(sigs.zaloSecret)) || bytes.Contains(r.Body, []byte(oaToken)) {
		t.Fatalf("zalo: %d %s", r.Status, r.Body)
	}
	// ... and that key verifies the OA's deliveries
	if r := postZalo(e, fixture(t, "zalo_user_send_text.json"), sigs.headers["zalo_user_send_text.json"]); r.Status != 200 || e.Count("tickets") != 1 {
		t.Fatalf("zalo delivery: %d %s", r.Status, r.Body)
	}

	bad := []struct {
		body   map[string]any
		status int
		field  string
	}{
		{map[string]any{"platform": "facebook", "unit": "xuan-lung", "account_id": fbPage}, 409, ""},
		{map[string]any{"platform": "facebook", "unit": "atlantis", "account_id": "1"}, 400, "unit"},
		{map[string]any{"platform": "twitter", "unit": "xuan-lung", "account_id": "1"}, 400, "platform"},
		{map[string]any{"platform": "facebook", "unit": "xuan-lung", "account_id": "abc"}, 400, "account_id"},
		{map[string]any{"platform": "facebook", "unit": "xuan-lung", "account_id": "2", "access_token": "two words"}, 400, "access_token"},
		{map[string]any{"platform": "facebook", "unit": "xuan-lung", "account_id": "2", "token": "x"}, 400, "token"},
	}
	for _, b := range bad {
		r := e.As(apitest.Admin, "POST", "/api/v1/channels", b.body)
		if r.Status != b.status || (b.field != "" && r.Err(t).Error.Fields[b.field] == "") {
			t.Errorf("%v: %d %s", b.body, r.Status, r.Body)
		}
	}
	if r := e.As(apitest.Leader, "GET", "/api/v1/channels", nil); r.Status != 403 {
		t.Errorf("leader: %d", r.Status)
	}

	// list: both, tokens write-only
	r = e.As(apitest.Admin, "GET", "/api/v1/channels", nil)
	if r.Status != 200 || bytes.Contains(r.Body, []byte(pageToken)) || bytes.Contains(r.Body, []byte(sigs.zaloSecret)) ||
		bytes.Contains(r.Body, []byte("_enc")) {
		t.Fatalf("list: %d %s", r.Status, r.Body)
	}
	var list struct {
		Items []struct {
			ID      int64  `json:"id"`
			Account string `json:"account_id"`
			Tickets int    `json:"tickets"`
		} `json:"items"`
	}
	r.JSON(t, &list)
	if len(list.Items) != 2 || list.Items[1].Account != zaloOA || list.Items[1].Tickets != 1 {
		t.Fatalf("list %+v", list)
	}
	zaloID := list.Items[1].ID

	// patch: rename, remove the token, move to another unit
	r = e.As(apitest.Admin, "PATCH", fmt.Sprintf("/api/v1/channels/%d", fbID), map[string]any{"name": "Trang xã",
		"access_token": "", "unit": "phong-chau"})
	if m := r.Map(t); r.Status != 200 || m["name"] != "Trang xã" || m["has_access_token"] != false || m["unit"] != "phong-chau" {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	r = e.As(apitest.Admin, "PATCH", fmt.Sprintf("/api/v1/channels/%d", fbID), map[string]any{"access_token": "EAAG-new-token"})
	if r.Status != 200 || r.Map(t)["has_access_token"] != true || bytes.Contains(r.Body, []byte("EAAG-new-token")) {
		t.Fatalf("new token: %d %s", r.Status, r.Body)
	}
	if r := e.As(apitest.Admin, "PATCH", fmt.Sprintf("/api/v1/channels/%d", fbID), map[string]any{"account_id": "9"}); r.Status != 400 {
		t.Errorf("account id is not patchable: %d", r.Status)
	}

	// delete: gone when no ticket came through it; deactivated otherwise
	if r := e.As(apitest.Admin, "DELETE", fmt.Sprintf("/api/v1/channels/%d", fbID), nil); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	r = e.As(apitest.Admin, "DELETE", fmt.Sprintf("/api/v1/channels/%d", zaloID), nil)
	if r.Status != 200 || r.Map(t)["active"] != false {
		t.Fatalf("delete with tickets: %d %s", r.Status, r.Body)
	}
	if e.Count("channel_accounts") != 1 {
		t.Errorf("%d accounts left", e.Count("channel_accounts"))
	}
	if r := e.As(apitest.Admin, "GET", fmt.Sprintf("/api/v1/channels/%d", fbID), nil); r.Status != 404 {
		t.Errorf("deleted: %d", r.Status)
	}
}

// Accounts of another province are not the admin's: not listed, 404.
func TestChannelAdminScope(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, apitest.WithSecretKey(apitest.SecretKey))
	var id int64
	err := e.DB.Get(&id, `WITH p AS (INSERT INTO units (code, name, level) VALUES ('tinh-khac', 'Tỉnh Khác', 'province') RETURNING id)
		INSERT INTO channel_accounts (unit_id, platform, account_id) SELECT id, 'facebook', '555' FROM p RETURNING id`)
	if err != nil {
		t.Fatal(err)
	}
	if r := e.As(apitest.Admin, "GET", "/api/v1/channels", nil); r.Status != 200 || strings.Contains(string(r.Body), `"555"`) {
		t.Errorf("list: %d %s", r.Status, r.Body)
	}
	path := fmt.Sprintf("/api/v1/channels/%d", id)
	for _, m := range []string{"GET", "PATCH", "DELETE"} {
		var body any
		if m == "PATCH" {
			body = map[string]any{"name": "x"}
		}
		if r := e.As(apitest.Admin, m, path, body); r.Status != 404 {
			t.Errorf("%s: %d", m, r.Status)
		}
	}
	if r := e.As(apitest.Admin, "POST", "/api/v1/channels", map[string]any{"platform": "facebook", "unit": "tinh-khac", "account_id": "556"}); r.Status != 403 {
		t.Errorf("create in another province: %d", r.Status)
	}
	if e.Count("channel_accounts") != 1 {
		t.Error("changed")
	}
}

// Without CAUNOI_SECRET_KEY a token cannot be stored; an account without one can.
func TestChannelAdminWithoutSecretKey(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	r := e.As(apitest.Admin, "POST", "/api/v1/channels", map[string]any{"platform": "facebook", "unit": "xuan-lung",
		"account_id": fbPage, "access_token": pageToken})
	if r.Status != 409 || !strings.Contains(r.Err(t).Error.Message, "CAUNOI_SECRET_KEY") || e.Count("channel_accounts") != 0 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	r = e.As(apitest.Admin, "POST", "/api/v1/channels", map[string]any{"platform": "facebook", "unit": "xuan-lung", "account_id": fbPage})
	if r.Status != 201 || r.Map(t)["has_access_token"] != false {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
}
