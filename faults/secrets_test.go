package faults_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The demo accounts' password (API.md).
const demoPassword = "caunoi-demo"

// TestNoSecretIsLogged starts the server with known secrets, exercises
// sign-in, token refresh and reuse, webhooks (good and bad signatures, the
// subscription handshake), intake and its errors, and then searches
// everything the process wrote for the secrets, the demo password, a wrong
// password tried, and the access and refresh tokens it issued.
func TestNoSecretIsLogged(t *testing.T) {
	d := newDatabase(t)
	srv := startServer(t, d, freeAddr(t), nil)
	hooks := webhooksReady(t, d, srv.base)
	hc := newClient(10 * time.Second)
	ctx := context.Background()
	var tokens []string
	wrongPassword := "faults-WRONG-password-31415"

	login := func(email, password string) answer {
		b, _ := json.Marshal(map[string]string{"email": email, "password": password})
		return do(ctx, hc, "POST", srv.base+"/api/v1/auth/login", b, "Content-Type: application/json")
	}
	var pair struct {
		Access  string `json:"access_token"`
		Refresh string `json:"refresh_token"`
	}
	a := login("admin@demo.caunoi.vn", demoPassword)
	if a.status != http.StatusOK || json.Unmarshal(a.body, &pair) != nil || pair.Access == "" || pair.Refresh == "" {
		t.Fatalf("demo sign-in: %d %s", a.status, a.body)
	}
	tokens = append(tokens, pair.Access, pair.Refresh)
	if a := login("admin@demo.caunoi.vn", wrongPassword); a.status != http.StatusUnauthorized {
		t.Errorf("a wrong password: %d", a.status)
	}
	if a := login("nobody@example.vn", wrongPassword); a.status != http.StatusUnauthorized {
		t.Errorf("an unknown account: %d", a.status)
	}
	if a := do(ctx, hc, "GET", srv.base+"/api/v1/me", nil, "Authorization: Bearer "+pair.Access); a.status != http.StatusOK {
		t.Errorf("/me with the access token: %d %s", a.status, a.body)
	}
	if a := do(ctx, hc, "GET", srv.base+"/api/v1/me", nil, "Authorization: Bearer "+pair.Access+"x"); a.status != http.StatusUnauthorized {
		t.Errorf("/me with a broken token: %d", a.status)
	}
	if a := do(ctx, hc, "GET", srv.base+"/api/v1/tickets?access_token="+pair.Access, nil); a.status != http.StatusUnauthorized {
		t.Errorf("a token in the query string: %d", a.status)
	}
	rb, _ := json.Marshal(map[string]string{"refresh_token": pair.Refresh})
	a = do(ctx, hc, "POST", srv.base+"/api/v1/auth/refresh", rb, "Content-Type: application/json")
	var pair2 struct {
		Access  string `json:"access_token"`
		Refresh string `json:"refresh_token"`
	}
	if a.status != http.StatusOK || json.Unmarshal(a.body, &pair2) != nil || pair2.Refresh == "" {
		t.Errorf("refresh: %d %s", a.status, a.body)
	}
	tokens = append(tokens, pair2.Access, pair2.Refresh)
	// The old refresh token again: reuse, which revokes the family.
	if a := do(ctx, hc, "POST", srv.base+"/api/v1/auth/refresh", rb, "Content-Type: application/json"); a.status != http.StatusUnauthorized {
		t.Errorf("a reused refresh token: %d %s", a.status, a.body)
	}
	lb, _ := json.Marshal(map[string]string{"refresh_token": pair2.Refresh})
	do(ctx, hc, "POST", srv.base+"/api/v1/auth/logout", lb, "Content-Type: application/json", "Authorization: Bearer "+pair2.Access)

	// Intake and its errors.
	if _, code := postFeedback(ctx, hc, srv.base, "[secret-w0-0]"); code == "" {
		t.Error("intake did not answer 201")
	}
	for _, body := range []string{`{"body":`, `{"body":"x","password":"` + wrongPassword + `"}`, `{"body":""}`} {
		if a := do(ctx, hc, "POST", srv.base+"/api/v1/feedback", []byte(body), "Content-Type: application/json"); a.status != http.StatusBadRequest {
			t.Errorf("bad intake %s: %d", body, a.status)
		}
	}
	do(ctx, hc, "GET", srv.base+"/api/v1/feedback/NOT-A-CODE", nil)
	do(ctx, hc, "GET", srv.base+"/no/such/page?token="+pair.Access, nil)

	// Webhooks: the handshake, a wrong and a right signature.
	do(ctx, hc, "GET", srv.base+"/webhooks/facebook?hub.mode=subscribe&hub.verify_token="+fbVerify+"&hub.challenge=42", nil)
	do(ctx, hc, "GET", srv.base+"/webhooks/facebook?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=42", nil)
	body := fbComment("3141592653")
	if a := do(ctx, hc, "POST", srv.base+"/webhooks/facebook", body, "Content-Type: application/json",
		"X-Hub-Signature-256: sha256="+strings.Repeat("0", 64)); hooks && a.status != http.StatusUnauthorized {
		t.Errorf("a wrongly signed delivery: %d", a.status)
	}
	if a := deliverFB(ctx, hc, srv.base, body); hooks && a.status != http.StatusOK {
		t.Errorf("a signed delivery: %d %s", a.status, a.body)
	}

	// An internal error path: the database goes away for a moment.
	if err := cluster.stop("fast"); err != nil {
		t.Fatal(err)
	}
	postFeedback(ctx, hc, srv.base, "[secret-w0-1]")
	do(ctx, hc, "GET", srv.base+"/readyz", nil)
	login("admin@demo.caunoi.vn", demoPassword)
	if err := cluster.start(); err != nil {
		t.Fatal(err)
	}
	took, code := srv.terminate(40 * time.Second)
	if code != 0 {
		t.Errorf("SIGTERM: exit code %d after %s", code, took)
	}
	logs := srv.out.String()
	checkNoSecrets(t, "server output", logs, append([]string{demoPassword, wrongPassword}, tokens...)...)
	lines := strings.Count(logs, "\n")
	if lines < 15 {
		t.Errorf("only %d log lines: the requests were not logged, so the search proves little", lines)
	}
	summary(t, "secrets: %d log lines searched for %d configured secrets, the demo and a wrong password, %d tokens issued: %d found",
		lines, len(configuredSecrets), len(tokens), 0)
}
