package api_test

import (
	"encoding/base64"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"caunoi/auth"
	"caunoi/demo"
	"caunoi/internal/apitest"
)

func TestLoginAndMe(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	r := e.JSON("POST", "/api/v1/auth/login", map[string]string{"email": "Staff.KinhTe@demo.caunoi.vn", "password": demo.Password})
	if r.Status != 200 {
		t.Fatalf("login: %d %s", r.Status, r.Body)
	}
	var p struct {
		AccessToken  string `json:"access_token"`
		TokenType    string `json:"token_type"`
		ExpiresIn    int    `json:"expires_in"`
		RefreshToken string `json:"refresh_token"`
	}
	r.JSON(t, &p)
	if p.TokenType != "Bearer" || p.ExpiresIn <= 0 || p.AccessToken == "" || p.RefreshToken == "" {
		t.Fatalf("pair %+v", p)
	}
	me := e.JSON("GET", "/api/v1/me", nil, "Authorization: Bearer "+p.AccessToken).Map(t)
	dept, _ := me["department"].(map[string]any)
	if me["email"] != apitest.StaffKT || me["role"] != "staff" || dept["code"] != "kinh-te" {
		t.Fatalf("me %v", me)
	}
}

func TestWrongCredentialsLookTheSame(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	wrong := e.JSON("POST", "/api/v1/auth/login", map[string]string{"email": apitest.StaffKT, "password": "nope-nope-nope"})
	unknown := e.JSON("POST", "/api/v1/auth/login", map[string]string{"email": "nobody@demo.caunoi.vn", "password": "nope-nope-nope"})
	for _, r := range []*apitest.Response{wrong, unknown} {
		if r.Status != 401 || r.Err(t).Error.Code != "invalid_credentials" {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	}
	if string(wrong.Body) != string(unknown.Body) {
		t.Fatalf("answers differ: %s vs %s", wrong.Body, unknown.Body)
	}
}

func TestRepeatedFailedSignInsSlowDown(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	var last *apitest.Response
	for i := 0; i < 6; i++ {
		last = e.JSON("POST", "/api/v1/auth/login", map[string]string{"email": apitest.StaffKT, "password": "wrong-password"})
	}
	if last.Status != 429 || last.Header.Get("Retry-After") == "" || last.Err(t).Error.Code != "rate_limited" {
		t.Fatalf("6th failure: %d %s", last.Status, last.Body)
	}
	// Even the right password waits until the delay has passed.
	if r := e.JSON("POST", "/api/v1/auth/login", map[string]string{"email": apitest.StaffKT, "password": demo.Password}); r.Status != 429 {
		t.Fatalf("right password during the delay: %d", r.Status)
	}
	e.Clock.Advance(20 * time.Minute)
	if r := e.JSON("POST", "/api/v1/auth/login", map[string]string{"email": apitest.StaffKT, "password": demo.Password}); r.Status != 200 {
		t.Fatalf("after the delay: %d %s", r.Status, r.Body)
	}
}

func forge(t *testing.T, method jwt.SigningMethod, key any, claims jwt.MapClaims, kid string) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRefusedTokens(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	uid := e.UserID(apitest.Admin)
	now := e.Clock.Now()
	kid := auth.KeyID(apitest.Secret)
	sid := sessionOf(t, e, e.Login(apitest.Admin))
	ended := sessionOf(t, e, signOut(t, e, apitest.Admin))
	good := func() jwt.MapClaims {
		return jwt.MapClaims{"sub": itoa(uid), "role": "admin", "unit_id": 1, "iss": "caunoi", "aud": "caunoi-staff",
			"exp": now.Add(time.Hour).Unix(), "iat": now.Unix(), "nbf": now.Unix(), "sid": sid}
	}
	with := func(k string, v any) jwt.MapClaims {
		c := good()
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT","kid":"` + kid + `"}`))
	body := base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"` + itoa(uid) + `","role":"admin","iss":"caunoi","aud":"caunoi-staff","exp":` + itoa(now.Add(time.Hour).Unix()) + `}`))
	secret := []byte(apitest.Secret)
	cases := map[string]string{
		"alg none":        header + "." + body + ".",
		"another secret":  forge(t, jwt.SigningMethodHS256, []byte("another-secret-0123456789abcdef-0123456"), good(), kid),
		"expired":         forge(t, jwt.SigningMethodHS256, secret, with("exp", now.Add(-time.Minute).Unix()), kid),
		"no exp":          forge(t, jwt.SigningMethodHS256, secret, with("exp", nil), kid),
		"wrong audience":  forge(t, jwt.SigningMethodHS256, secret, with("aud", "someone-else"), kid),
		"wrong issuer":    forge(t, jwt.SigningMethodHS256, secret, with("iss", "evil"), kid),
		"unknown kid":     forge(t, jwt.SigningMethodHS256, secret, good(), "deadbeef"),
		"HS512":           forge(t, jwt.SigningMethodHS512, secret, good(), kid),
		"no session":      forge(t, jwt.SigningMethodHS256, secret, with("sid", nil), kid),
		"unknown session": forge(t, jwt.SigningMethodHS256, secret, with("sid", "0123456789abcdef01234567"), kid),
		"ended session":   forge(t, jwt.SigningMethodHS256, secret, with("sid", ended), kid),
		"garbage":         "not.a.token",
	}
	if ok := forge(t, jwt.SigningMethodHS256, secret, good(), kid); e.JSON("GET", "/api/v1/me", nil, "Authorization: Bearer "+ok).Status != 200 {
		t.Fatal("the well-formed token itself is refused: the cases below prove nothing")
	}
	for name, tok := range cases {
		r := e.JSON("GET", "/api/v1/me", nil, "Authorization: Bearer "+tok)
		if r.Status != 401 || r.Err(t).Error.Code != "unauthorized" {
			t.Errorf("%s: %d %s", name, r.Status, r.Body)
		}
	}
	if r := e.JSON("GET", "/api/v1/tickets", nil); r.Status != 401 {
		t.Errorf("no token: %d", r.Status)
	}
}

func TestRefreshRotatesAndAReuseRevokesTheFamily(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	var p1 struct {
		RefreshToken string `json:"refresh_token"`
	}
	e.JSON("POST", "/api/v1/auth/login", map[string]string{"email": apitest.Leader, "password": demo.Password}).JSON(t, &p1)
	refresh := func(tok string) *apitest.Response {
		return e.JSON("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": tok})
	}
	r2 := refresh(p1.RefreshToken)
	if r2.Status != 200 {
		t.Fatalf("first refresh: %d %s", r2.Status, r2.Body)
	}
	var p2 struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
	}
	r2.JSON(t, &p2)
	if p2.RefreshToken == p1.RefreshToken || e.JSON("GET", "/api/v1/me", nil, "Authorization: Bearer "+p2.AccessToken).Status != 200 {
		t.Fatal("the new pair does not work")
	}
	if r := refresh(p1.RefreshToken); r.Status != 401 {
		t.Fatalf("the old token used twice: %d %s", r.Status, r.Body)
	}
	if r := refresh(p2.RefreshToken); r.Status != 401 {
		t.Fatalf("the successor after a reuse: %d %s (the family must be revoked)", r.Status, r.Body)
	}
}

func TestLogoutEndsTheRefreshFamily(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	var p struct {
		RefreshToken string `json:"refresh_token"`
	}
	e.JSON("POST", "/api/v1/auth/login", map[string]string{"email": apitest.Leader, "password": demo.Password}).JSON(t, &p)
	if r := e.JSON("POST", "/api/v1/auth/logout", map[string]string{"refresh_token": p.RefreshToken}); r.Status != 200 {
		t.Fatalf("logout %d", r.Status)
	}
	if r := e.JSON("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": p.RefreshToken}); r.Status != 401 {
		t.Fatalf("refresh after logout: %d", r.Status)
	}
}

func itoa[T int64 | int](v T) string { return formatInt(int64(v)) }
