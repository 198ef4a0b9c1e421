package auth

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"caunoi/domain"
)

const (
	secretA = "first-secret-of-at-least-32-bytes!!"
	secretB = "second-secret-of-at-least-32-bytes!"
	secretX = "an-attackers-secret-of-32-bytes-or-more"
)

func clock(t time.Time) func() time.Time { return func() time.Time { return t } }

func newIssuer(t *testing.T, now time.Time, secret string, previous ...string) *Issuer {
	t.Helper()
	k, err := KeysFromSecret(secret, previous...)
	if err != nil {
		t.Fatal(err)
	}
	return &Issuer{Keys: *k, TTL: 15 * time.Minute, Now: clock(now)}
}

func issue(t *testing.T, is *Issuer, c Claims) string {
	t.Helper()
	tok, _, err := is.Issue(c)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// sign builds a token by hand: any alg, header, claims and key.
func sign(t *testing.T, method jwt.SigningMethod, kid string, claims jwt.MapClaims, key any) string {
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

// goodClaims are the claims Issue would put in a token issued at t0.
func goodClaims() jwt.MapClaims {
	return jwt.MapClaims{
		"sub": "42", "role": "staff", "unit_id": 7, "sid": "s1",
		"iss": TokenIssuer, "aud": []string{TokenAudience},
		"iat": t0.Unix(), "nbf": t0.Unix(), "exp": t0.Add(15 * time.Minute).Unix(), "jti": "x",
	}
}

func b64(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// flip changes the character at i.
func flip(s string, i int) string {
	c := byte('A')
	if s[i] == c {
		c = 'B'
	}
	return s[:i] + string(c) + s[i+1:]
}

func wantUnauthorized(t *testing.T, err error) {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.EUNAUTHORIZED {
		t.Fatalf("err = %v; want an unauthorized *domain.Error", err)
	}
	if de.Message != "Phiên đăng nhập không hợp lệ hoặc đã hết hạn." || de.MessageEN != "Your session is invalid or has expired." {
		t.Errorf("messages = %q / %q", de.Message, de.MessageEN)
	}
}

func TestIssueParseRoundTrip(t *testing.T) {
	is := newIssuer(t, t0, secretA)
	dept := int64(3)
	tok, exp, err := is.Issue(Claims{UserID: 42, Role: "head", SessionID: "s1", UnitID: 7, DepartmentID: &dept})
	if err != nil {
		t.Fatal(err)
	}
	if exp != 15*time.Minute {
		t.Errorf("expiresIn = %v", exp)
	}
	c, err := is.Parse(tok)
	if err != nil {
		t.Fatal(err)
	}
	if c.UserID != 42 || c.Role != "head" || c.SessionID != "s1" || c.UnitID != 7 || c.DepartmentID == nil || *c.DepartmentID != 3 {
		t.Errorf("claims = %+v", c)
	}
	if c.Subject != "42" || c.Issuer != TokenIssuer || len(c.Audience) != 1 || c.Audience[0] != TokenAudience {
		t.Errorf("registered claims = %+v", c.RegisteredClaims)
	}
	if !c.ExpiresAt.Equal(t0.Add(15*time.Minute)) || !c.IssuedAt.Equal(t0) || !c.NotBefore.Equal(t0) || c.ID == "" {
		t.Errorf("times/jti = %+v", c.RegisteredClaims)
	}
	hdr, _, _ := strings.Cut(tok, ".")
	raw, _ := base64.RawURLEncoding.DecodeString(hdr)
	var h map[string]any
	if err := json.Unmarshal(raw, &h); err != nil || h["alg"] != "HS256" || h["kid"] != KeyID(secretA) {
		t.Errorf("header = %s", raw)
	}

	// No department: omitted, and nil after parsing.
	c, err = is.Parse(issue(t, is, Claims{UserID: 1, Role: "leader", SessionID: "s1", UnitID: 7}))
	if err != nil || c.DepartmentID != nil {
		t.Errorf("leader: %+v, %v", c, err)
	}
	// Two tokens differ (jti).
	a, b := issue(t, is, Claims{UserID: 1, Role: "staff", SessionID: "s1"}), issue(t, is, Claims{UserID: 1, Role: "staff", SessionID: "s1"})
	if a == b {
		t.Error("two tokens are identical")
	}
	// Still valid one second before expiry.
	is.Now = clock(t0.Add(15*time.Minute - time.Second))
	if _, err := is.Parse(tok); err != nil {
		t.Errorf("just before expiry: %v", err)
	}
}

func TestIssueRefusesIncompleteClaims(t *testing.T) {
	is := newIssuer(t, t0, secretA)
	for _, c := range []Claims{{Role: "staff", SessionID: "s1"}, {UserID: 1, SessionID: "s1"}, {UserID: 1, Role: "staff"}} {
		if _, _, err := is.Issue(c); domain.ErrorCode(err) != domain.EINTERNAL {
			t.Errorf("Issue(%+v) err = %v", c, err)
		}
	}
	var zero Issuer
	if _, _, err := zero.Issue(Claims{UserID: 1, Role: "staff", SessionID: "s1"}); domain.ErrorCode(err) != domain.EINTERNAL {
		t.Errorf("zero Issuer: %v", err)
	}
}

func TestParseRefuses(t *testing.T) {
	is := newIssuer(t, t0, secretA)
	kid := KeyID(secretA)
	valid := issue(t, is, Claims{UserID: 42, Role: "staff", SessionID: "s1", UnitID: 7})
	with := func(k string, v any) jwt.MapClaims {
		c := goodClaims()
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	hs := jwt.SigningMethodHS256
	// The hand-made claims are right: signed properly, they pass.
	if _, err := is.Parse(sign(t, hs, kid, goodClaims(), []byte(secretA))); err != nil {
		t.Fatalf("control token refused: %v", err)
	}

	tamper := func(tok string) string {
		parts := strings.Split(tok, ".")
		raw, _ := base64.RawURLEncoding.DecodeString(parts[1])
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		m["role"] = "admin"
		parts[1] = b64(m)
		return strings.Join(parts, ".")
	}

	tests := []struct {
		name  string
		token string
		now   time.Time
	}{
		{"alg none", b64(map[string]any{"alg": "none", "typ": "JWT", "kid": kid}) + "." + b64(goodClaims()) + ".", t0},
		{"alg None, signature kept", b64(map[string]any{"alg": "None", "typ": "JWT", "kid": kid}) + "." + strings.Split(valid, ".")[1] + "." + strings.Split(valid, ".")[2], t0},
		{"HS512 with the right secret", sign(t, jwt.SigningMethodHS512, kid, goodClaims(), []byte(secretA)), t0},
		{"another secret, same kid", sign(t, hs, kid, goodClaims(), []byte(secretX)), t0},
		{"expired", valid, t0.Add(15 * time.Minute)},
		{"long expired", valid, t0.Add(48 * time.Hour)},
		{"not yet valid (nbf)", valid, t0.Add(-time.Minute)},
		{"iat in the future", sign(t, hs, kid, with("nbf", nil), []byte(secretA)), t0.Add(-time.Minute)},
		{"wrong audience", sign(t, hs, kid, with("aud", "caunoi-public"), []byte(secretA)), t0},
		{"no audience", sign(t, hs, kid, with("aud", nil), []byte(secretA)), t0},
		{"wrong issuer", sign(t, hs, kid, with("iss", "someone-else"), []byte(secretA)), t0},
		{"no issuer", sign(t, hs, kid, with("iss", nil), []byte(secretA)), t0},
		{"missing exp", sign(t, hs, kid, with("exp", nil), []byte(secretA)), t0},
		{"unknown kid", sign(t, hs, "deadbeef", goodClaims(), []byte(secretX)), t0},
		{"unknown kid, our secret", sign(t, hs, "deadbeef", goodClaims(), []byte(secretA)), t0},
		{"no kid", sign(t, hs, "", goodClaims(), []byte(secretA)), t0},
		{"tampered payload", tamper(valid), t0},
		{"tampered signature", flip(valid, len(valid)-5), t0},
		{"sub not a number", sign(t, hs, kid, with("sub", "admin"), []byte(secretA)), t0},
		{"no sub", sign(t, hs, kid, with("sub", nil), []byte(secretA)), t0},
		{"sub zero", sign(t, hs, kid, with("sub", "0"), []byte(secretA)), t0},
		{"no role", sign(t, hs, kid, with("role", nil), []byte(secretA)), t0},
		{"no session id", sign(t, hs, kid, with("sid", nil), []byte(secretA)), t0},
		{"empty session id", sign(t, hs, kid, with("sid", ""), []byte(secretA)), t0},
		{"empty", "", t0},
		{"garbage", "not.a.token", t0},
		{"too long", valid + strings.Repeat("A", maxTokenLen), t0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is.Now = clock(tt.now)
			c, err := is.Parse(tt.token)
			if c != nil {
				t.Errorf("claims returned: %+v", c)
			}
			t.Log(err)
			wantUnauthorized(t, err)
		})
	}
}

func TestRotation(t *testing.T) {
	old := newIssuer(t, t0, secretA)
	oldTok := issue(t, old, Claims{UserID: 42, Role: "staff", SessionID: "s1", UnitID: 7})

	// CAUNOI_JWT_SECRET rotated to B, A kept as the previous one.
	rotated := newIssuer(t, t0.Add(time.Minute), secretB, secretA)
	if rotated.CurrentKID() != KeyID(secretB) {
		t.Errorf("current kid = %q", rotated.CurrentKID())
	}
	c, err := rotated.Parse(oldTok)
	if err != nil {
		t.Fatalf("token signed with the previous secret refused: %v", err)
	}
	if c.UserID != 42 {
		t.Errorf("UserID = %d", c.UserID)
	}
	newTok := issue(t, rotated, Claims{UserID: 42, Role: "staff", SessionID: "s1", UnitID: 7})
	if _, err := rotated.Parse(newTok); err != nil {
		t.Errorf("new token refused: %v", err)
	}
	// The old server does not know the new key.
	_, err = old.Parse(newTok)
	wantUnauthorized(t, err)

	// Once A is dropped, its tokens are refused.
	dropped := newIssuer(t, t0.Add(time.Minute), secretB)
	_, err = dropped.Parse(oldTok)
	wantUnauthorized(t, err)
}

func TestKeys(t *testing.T) {
	if KeyID(secretA) == KeyID(secretB) || len(KeyID(secretA)) != 8 {
		t.Errorf("KeyID: %q %q", KeyID(secretA), KeyID(secretB))
	}
	if _, err := KeysFromSecret("too-short"); err == nil {
		t.Error("short secret accepted")
	}
	if _, err := KeysFromSecret(secretA, "too-short"); err == nil {
		t.Error("short previous secret accepted")
	}
	if err := func() error { _, err := KeysFromSecret(secretA, "", secretA); return err }(); err != nil {
		t.Errorf("empty / repeated previous: %v", err)
	}
	if _, err := NewKeys("b", map[string][]byte{"a": []byte(secretA)}); err == nil {
		t.Error("current kid missing from the set accepted")
	}
	if _, err := NewKeys("", map[string][]byte{"": []byte(secretA)}); err == nil {
		t.Error("empty kid accepted")
	}
	k, err := NewKeys("a", map[string][]byte{"a": []byte(secretA), "b": []byte(secretB)})
	if err != nil {
		t.Fatal(err)
	}
	if k.CurrentKID() != "a" {
		t.Errorf("CurrentKID = %q", k.CurrentKID())
	}
	// An error never shows the secret.
	_, err = NewKeys("a", map[string][]byte{"a": []byte("short-secret-value")})
	if err == nil || strings.Contains(err.Error(), "short-secret-value") {
		t.Errorf("err = %v", err)
	}
}
