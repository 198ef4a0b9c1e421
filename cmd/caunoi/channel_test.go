package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"caunoi/demo"
	"caunoi/internal/pgtest"
	"caunoi/secretbox"
)

const channelSecretKey = "cli-test-channel-secret-key-0123456789abcdef"

// writeTokenFile writes content to a new file in the test's directory.
func writeTokenFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func channelCmd(vars map[string]string, args ...string) (string, error) {
	var out bytes.Buffer
	err := run(context.Background(), append([]string{"channel"}, args...), env(vars), strings.NewReader(""), &out, io.Discard)
	return out.String(), err
}

func TestChannelAddNeedsTheSecretKey(t *testing.T) {
	u := pgtest.NewURLFrom(t, demo.TemplateKey("cli", demoRefNow), demoReference)
	token := writeTokenFile(t, "page-token", "EAAG-page-token\n")
	for _, c := range []struct {
		key, want string
	}{
		{"", "CAUNOI_SECRET_KEY is not set"},
		{"short", "CAUNOI_SECRET_KEY must be at least 32 characters"},
	} {
		_, err := channelCmd(map[string]string{"DATABASE_URL": u, "CAUNOI_SECRET_KEY": c.key},
			"add", "facebook", "--unit", "xuan-lung", "--page-id", "104857600123456", "--page-token-file", token)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("key %q: %v", c.key, err)
		}
	}
	// A page without a token needs no key.
	out, err := channelCmd(map[string]string{"DATABASE_URL": u}, "add", "facebook", "--unit", "xuan-lung", "--page-id", "1")
	if err != nil || !strings.Contains(out, "added facebook 1 for unit xuan-lung") {
		t.Fatalf("%q %v", out, err)
	}
	for _, bad := range [][]string{
		{"add", "zalo", "--unit", "au-co", "--oa-id", "2", "--app-id", "3"},                        // no secret key file
		{"add", "facebook", "--page-id", "4"},                                                      // no unit
		{"add", "facebook", "--unit", "atlantis", "--page-id", "5"},                                // unknown unit
		{"add", "facebook", "--unit", "xuan-lung", "--page-id", "6", "--page-token-file", "/nope"}, // unreadable file
		{"add", "twitter", "--unit", "xuan-lung"},
		{"remove"},
	} {
		if _, err := channelCmd(map[string]string{"DATABASE_URL": u, "CAUNOI_SECRET_KEY": channelSecretKey}, bad...); err == nil {
			t.Errorf("channel %v succeeded", bad)
		}
	}
}

// The command maps a page and an OA; the server then takes the OA's signed
// deliveries (checked with the stored secret key) and sends the staff's
// replies through the configured API URL with the stored access token.
func TestChannelAddThenServe(t *testing.T) {
	u := pgtest.NewURLFrom(t, demo.TemplateKey("cli", demoRefNow), demoReference)
	vars := map[string]string{"DATABASE_URL": u, "CAUNOI_SECRET_KEY": channelSecretKey}
	const oaToken = "zalo-oa-access-token-cli"
	oaSecret := "test_zalo_oa_secret_key_XyZ123" // channels/testdata/SIGNATURES.txt
	out, err := channelCmd(vars, "add", "zalo", "--unit", "xuan-lung", "--oa-id", "3886132808788086451",
		"--app-id", "3482178216594085616", "--secret-key-file", writeTokenFile(t, "secret", oaSecret+"\n"),
		"--access-token-file", writeTokenFile(t, "token", oaToken), "--name", "Zalo OA Xuân Lũng")
	if err != nil || !strings.Contains(out, "access token stored encrypted") {
		t.Fatalf("%q %v", out, err)
	}
	if _, err := channelCmd(vars, "add", "facebook", "--unit", "xuan-lung", "--page-id", "104857600123456"); err != nil {
		t.Fatal(err)
	}
	// adding again updates the mapping
	out, err = channelCmd(vars, "add", "facebook", "--unit", "au-co", "--page-id", "104857600123456",
		"--page-token-file", writeTokenFile(t, "page", "EAAG-page"))
	if err != nil || !strings.HasPrefix(out, "updated facebook 104857600123456 for unit au-co") {
		t.Fatalf("%q %v", out, err)
	}
	list, err := channelCmd(vars, "list")
	if err != nil || strings.Count(list, "\n") != 2 || !strings.Contains(list, "au-co") || strings.Contains(list, "EAAG") {
		t.Fatalf("list %q %v", list, err)
	}

	db, err := sqlx.Open("postgres", u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var enc []byte
	pgtest.MustGet(t, db, &enc, `SELECT secret_key_enc FROM channel_accounts WHERE platform = 'zalo'`)
	box, _ := secretbox.New(channelSecretKey)
	if got, err := box.Open(enc, secretbox.AAD("zalo", "3886132808788086451", "secret_key")); err != nil || got != oaSecret ||
		bytes.Contains(enc, []byte(oaSecret)) {
		t.Fatalf("stored secret key: %q %v", got, err)
	}

	sends := make(chan http.Header, 4)
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v3.0/oa/message/cs" {
			sends <- r.Header
		}
		io.WriteString(w, `{"error":0,"message":"Success","data":{"message_id":"z1"}}`)
	}))
	defer fake.Close()
	base := startServer(t, u, map[string]string{"CAUNOI_SECRET_KEY": channelSecretKey, "CAUNOI_ZALO_API_URL": fake.URL,
		"CAUNOI_FACEBOOK_GRAPH_URL": fake.URL})

	body, err := os.ReadFile(filepath.Join("..", "..", "channels", "testdata", "zalo_user_send_text.json"))
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", base+"/webhooks/zalo", bytes.NewReader(body))
	req.Header.Set("X-ZEvent-Signature", "mac=30d685e453dc03da903852ba223e4b88ed6a6eca2102eae482241b32c97750b3")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("zalo delivery: %d", resp.StatusCode)
	}
	var ticketID int64
	if err := db.Get(&ticketID, `SELECT id FROM tickets WHERE channel = 'zalo'`); err != nil {
		t.Fatal(err)
	}

	token := channelLogin(t, base, "admin@demo.caunoi.vn")
	b, _ := json.Marshal(map[string]string{"body": "Ông/bà nộp đơn tại bộ phận một cửa của xã."})
	req, _ = http.NewRequest("POST", fmt.Sprintf("%s/api/v1/tickets/%d/replies", base, ticketID), bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("reply: %d", resp.StatusCode)
	}
	select {
	case h := <-sends: // the outbox job runs every few seconds
		if h.Get("access_token") != oaToken {
			t.Errorf("sent with token %q", h.Get("access_token"))
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the reply was not sent within 30 s")
	}
}

// channelLogin signs in through the API and returns an access token.
func channelLogin(t *testing.T, base, email string) string {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"email": email, "password": "caunoi-demo"})
	resp, err := http.Post(base+"/api/v1/auth/login", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil || p.AccessToken == "" {
		t.Fatalf("login: %d %v", resp.StatusCode, err)
	}
	return p.AccessToken
}
