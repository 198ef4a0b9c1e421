package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"caunoi/auth"
	"caunoi/demo"
	"caunoi/internal/apitest"
)

// pair is a sign-in's answer.
type pair struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
}

// signInFresh signs in anew: a session of its own, not the env's cached one.
func signInFresh(t *testing.T, e *apitest.Env, email string) pair {
	t.Helper()
	r := e.JSON("POST", "/api/v1/auth/login", map[string]string{"email": email, "password": demo.Password})
	if r.Status != 200 {
		t.Fatalf("sign in %s: %d %s", email, r.Status, r.Body)
	}
	var p pair
	r.JSON(t, &p)
	return p
}

// sessionOf returns the session id an access token carries.
func sessionOf(t *testing.T, e *apitest.Env, access string) string {
	t.Helper()
	cl, err := e.Issuer.Parse(access)
	if err != nil || cl.SessionID == "" {
		t.Fatalf("the access token carries no session: %+v %v", cl, err)
	}
	return cl.SessionID
}

// signOut signs email in anew, signs that session out and returns its
// access token, now of an ended session.
func signOut(t *testing.T, e *apitest.Env, email string) string {
	t.Helper()
	p := signInFresh(t, e, email)
	if r := e.JSON("POST", "/api/v1/auth/logout", map[string]string{"refresh_token": p.RefreshToken}); r.Status != 200 {
		t.Fatalf("sign out: %d %s", r.Status, r.Body)
	}
	return p.AccessToken
}

func me(e *apitest.Env, access string) *apitest.Response {
	return e.JSON("GET", "/api/v1/me", nil, "Authorization: Bearer "+access)
}

func wantEnded(t *testing.T, r *apitest.Response, what string) {
	t.Helper()
	if r.Status != 401 || r.Err(t).Error.Code != "unauthorized" {
		t.Fatalf("%s: %d %s, want 401 unauthorized", what, r.Status, r.Body)
	}
}

// Signing out with the refresh token ends the session's access token at
// once, not when it expires; another session of the same account goes on.
func TestSignOutEndsTheSessionsAccessTokens(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	other := signInFresh(t, e, apitest.StaffKT)
	p := signInFresh(t, e, apitest.StaffKT)
	if r := me(e, p.AccessToken); r.Status != 200 {
		t.Fatalf("before signing out: %d %s", r.Status, r.Body)
	}
	if r := e.JSON("POST", "/api/v1/auth/logout", map[string]string{"refresh_token": p.RefreshToken}); r.Status != 200 {
		t.Fatalf("sign out: %d %s", r.Status, r.Body)
	}
	wantEnded(t, me(e, p.AccessToken), "the access token right after signing out (this server forgets it at once)")
	if r := me(e, other.AccessToken); r.Status != 200 {
		t.Fatalf("the account's other session: %d %s", r.Status, r.Body)
	}
}

// Signing out with only the access token ends the session at once on this
// server, refresh token included.
func TestSignOutByAccessTokenEndsTheSession(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	p := signInFresh(t, e, apitest.Leader)
	if r := me(e, p.AccessToken); r.Status != 200 { // cached as open
		t.Fatalf("before: %d %s", r.Status, r.Body)
	}
	if r := e.JSON("POST", "/api/v1/auth/logout", nil, "Authorization: Bearer "+p.AccessToken); r.Status != 200 {
		t.Fatalf("sign out: %d %s", r.Status, r.Body)
	}
	wantEnded(t, me(e, p.AccessToken), "the access token right after signing out")
	wantEnded(t, e.JSON("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": p.RefreshToken}),
		"the session's refresh token")
	var revoked int
	if err := e.DB.Get(&revoked, `SELECT count(*) FROM refresh_tokens WHERE family = $1 AND revoked_at IS NOT NULL`,
		sessionOf(t, e, p.AccessToken)); err != nil || revoked != 1 {
		t.Fatalf("revoked refresh tokens of the session: %d %v", revoked, err)
	}
}

// A refresh token presented twice revokes its family, and that ends the
// access tokens the family issued, the thief's and the owner's, within
// the cache's few seconds (the revocation may happen on another server).
func TestARevokedFamilyEndsItsAccessTokens(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	p1 := signInFresh(t, e, apitest.HeadKinhTe)
	r := e.JSON("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": p1.RefreshToken})
	var p2 pair
	r.JSON(t, &p2)
	if r.Status != 200 || sessionOf(t, e, p2.AccessToken) != sessionOf(t, e, p1.AccessToken) {
		t.Fatalf("refresh: %d %s (a rotation keeps the session)", r.Status, r.Body)
	}
	for _, tok := range []string{p1.AccessToken, p2.AccessToken} {
		if r := me(e, tok); r.Status != 200 {
			t.Fatalf("before the reuse: %d %s", r.Status, r.Body)
		}
	}
	wantEnded(t, e.JSON("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": p1.RefreshToken}), "the reuse")
	e.Clock.Advance(6 * time.Second)
	wantEnded(t, me(e, p1.AccessToken), "the first access token after the reuse")
	wantEnded(t, me(e, p2.AccessToken), "the rotated access token after the reuse")
}

// The pages' cookie session ends on sign-out too: a copy of the access
// cookie taken before signing out opens nothing afterwards.
func TestPageSignOutEndsTheCopiedCookie(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	b := apitest.NewBrowser(t, e)
	b.SignIn(apitest.StaffKT)
	access := b.Cookie("caunoi_session", "/")
	if pg := b.Get("/staff"); pg.Status != 200 {
		t.Fatalf("queue: %d", pg.Status)
	}
	if pg := b.Post("/staff/logout", url.Values{"csrf_token": {b.CSRF()}}); pg.Status != http.StatusSeeOther {
		t.Fatalf("sign out: %d %s", pg.Status, pg.Body)
	}
	thief := apitest.NewBrowser(t, e)
	u, _ := url.Parse(e.Server.URL)
	thief.Client.Jar.SetCookies(u, []*http.Cookie{{Name: "caunoi_session", Value: access, Path: "/"}})
	if pg := thief.Get("/staff"); pg.Status != http.StatusSeeOther || pg.Location != "/staff/login?next=%2Fstaff" {
		t.Fatalf("the copied cookie after sign-out: %d %q", pg.Status, pg.Location)
	}
	wantEnded(t, me(e, access), "the copied cookie's token on the API")
}

// Failures from one address slow that address's attempts at the account
// and no one else's: the owner signs in from another address at once. The
// Retry-After is the real wait, second by second.
func TestSignInThrottleIsPerAccountAndAddress(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, apitest.TrustLoopbackProxy)
	login := func(ip, password string) *apitest.Response {
		return e.JSON("POST", "/api/v1/auth/login", map[string]string{"email": apitest.StaffKT, "password": password},
			"X-Forwarded-For: "+ip)
	}
	const attacker, owner = "203.0.113.7", "198.51.100.20"
	// Three failures are free, the 4th costs 1 s, the 5th 2 s, the 6th 4 s;
	// each attempt comes when the wait before it has passed.
	for i, after := range []time.Duration{0, 0, 0, time.Second, 2 * time.Second, 0} {
		if r := login(attacker, "wrong-password"); r.Status != 401 {
			t.Fatalf("failure %d: %d %s", i+1, r.Status, r.Body)
		}
		e.Clock.Advance(after)
	}
	r := login(attacker, demo.Password)
	if r.Status != 429 || r.Err(t).Error.Code != "rate_limited" || r.Header.Get("Retry-After") != "4" {
		t.Fatalf("the attacker's next attempt, right password: %d Retry-After %q %s", r.Status, r.Header.Get("Retry-After"), r.Body)
	}
	if r := login(owner, demo.Password); r.Status != 200 {
		t.Fatalf("the owner from another address while the attacker waits: %d %s", r.Status, r.Body)
	}
	e.Clock.Advance(1500 * time.Millisecond)
	if r := login(attacker, demo.Password); r.Status != 429 || r.Header.Get("Retry-After") != "3" {
		t.Fatalf("1.5 s later: %d Retry-After %q, want 3 (2.5 s rounded up)", r.Status, r.Header.Get("Retry-After"))
	}
	e.Clock.Advance(2500 * time.Millisecond)
	if r := login(attacker, demo.Password); r.Status != 200 {
		t.Fatalf("once the wait is over: %d %s", r.Status, r.Body)
	}
}

// One address guessing at many accounts waits too, after more failures
// than one account allows (an office signs in from one address), and a
// minute at most.
func TestSignInThrottlePerAddressAcrossAccounts(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, apitest.TrustLoopbackProxy)
	const ip = "203.0.113.9"
	try := func(email, password, from string) *apitest.Response {
		return e.JSON("POST", "/api/v1/auth/login", map[string]string{"email": email, "password": password},
			"X-Forwarded-For: "+from)
	}
	for i := 0; i < 21; i++ { // one failure per account: no account's own limit is reached
		if r := try(fmt.Sprintf("guess%d@demo.caunoi.vn", i), "wrong-password", ip); r.Status != 401 {
			t.Fatalf("failure %d: %d %s", i+1, r.Status, r.Body)
		}
	}
	r := try(apitest.Leader, demo.Password, ip)
	if r.Status != 429 || r.Header.Get("Retry-After") != "1" {
		t.Fatalf("the address after 21 failures: %d Retry-After %q %s", r.Status, r.Header.Get("Retry-After"), r.Body)
	}
	if r := try(apitest.Leader, demo.Password, "198.51.100.30"); r.Status != 200 {
		t.Fatalf("the leader from another address: %d %s", r.Status, r.Body)
	}
	for i := 0; i < 12; i++ { // keep failing, each time the wait is over
		e.Clock.Advance(2 * time.Minute)
		try(fmt.Sprintf("more%d@demo.caunoi.vn", i), "wrong-password", ip)
	}
	if r := try(apitest.Leader, demo.Password, ip); r.Status != 429 || r.Header.Get("Retry-After") != "60" {
		t.Fatalf("the address's wait is capped at a minute: %d Retry-After %q", r.Status, r.Header.Get("Retry-After"))
	}
}

// Wrong passwords sent all at once are not all checked: attempts in flight
// count, so parallel guessing gets no more tries than sequential guessing.
func TestParallelWrongPasswordsAreThrottledToo(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	const n = 20
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("POST", e.Server.URL+"/api/v1/auth/login",
				strings.NewReader(`{"email":"`+apitest.StaffKT+`","password":"wrong-password"}`))
			req.Header.Set("Content-Type", "application/json")
			resp, err := e.Server.Client().Do(req)
			if err != nil {
				statuses <- 0
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		}()
	}
	wg.Wait()
	close(statuses)
	checked := 0
	for st := range statuses {
		switch st {
		case 401:
			checked++
		case 429:
		default:
			t.Errorf("status %d", st)
		}
	}
	if checked < 1 || checked > 4 { // three free, and at most one more settles before the rest arrive
		t.Fatalf("%d of %d parallel wrong passwords were checked, want at most 4", checked, n)
	}
}

// A sign-in upgrades a password hash of an older bcrypt cost, and the
// password still works afterwards.
func TestSignInRehashesAnOldCostHash(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	old, err := bcrypt.GenerateFromPassword([]byte(demo.Password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.DB.Exec(`UPDATE users SET password_hash = $2 WHERE email = $1`, apitest.StaffVHXH, string(old)); err != nil {
		t.Fatal(err)
	}
	signInFresh(t, e, apitest.StaffVHXH)
	var hash string
	if err := e.DB.Get(&hash, `SELECT password_hash FROM users WHERE email = $1`, apitest.StaffVHXH); err != nil {
		t.Fatal(err)
	}
	if cost, err := bcrypt.Cost([]byte(hash)); err != nil || cost != auth.PasswordCost {
		t.Fatalf("after signing in, the hash's cost is %d (%v), want %d", cost, err, auth.PasswordCost)
	}
	signInFresh(t, e, apitest.StaffVHXH)
}

// A change of role or department ends the account's sessions: their
// tokens carry the old ones.
func TestARoleChangeEndsTheAccountsSessions(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	p := signInFresh(t, e, apitest.HeadKinhTe)
	if r := me(e, p.AccessToken); r.Status != 200 {
		t.Fatalf("before: %d", r.Status)
	}
	r := e.As(apitest.Admin, "PATCH", fmt.Sprintf("/api/v1/users/%d", e.UserID(apitest.HeadKinhTe)), map[string]any{"role": "staff"})
	if r.Status != 200 {
		t.Fatalf("demote: %d %s", r.Status, r.Body)
	}
	e.Clock.Advance(6 * time.Second) // ended in the store; this server asks again after 5 s
	wantEnded(t, me(e, p.AccessToken), "the demoted head's old token")
	wantEnded(t, e.JSON("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": p.RefreshToken}), "its refresh token")
}
