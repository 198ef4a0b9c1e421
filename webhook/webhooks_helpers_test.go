package webhook_test

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"caunoi/channels/facebook"
	"caunoi/channels/zalo"
	"caunoi/domain"
	"caunoi/internal/apitest"
)

// The fixtures' accounts (channels/testdata) and the test's tokens.
const (
	fbPage      = "104857600123456"
	zaloOA      = "3886132808788086451"
	zaloApp     = "3482178216594085616"
	pageToken   = "EAAGtestPAGEtoken-0123456789"
	oaToken     = "zalo-oa-access-token-0123456789"
	verifyToken = "cskh-phuong-ben-thanh-2025"
)

// fixtureSigs are the secrets and signatures of channels/testdata/SIGNATURES.txt.
type fixtureSigs struct {
	fbSecret, zaloSecret string
	headers              map[string]string // fixture file → header value
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "channels", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readSigs(t testing.TB) fixtureSigs {
	t.Helper()
	s := fixtureSigs{headers: map[string]string{}}
	sc := bufio.NewScanner(bytes.NewReader(fixture(t, "SIGNATURES.txt")))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if v, ok := strings.CutPrefix(line, "# FB_APP_SECRET="); ok {
			s.fbSecret = v
		} else if v, ok := strings.CutPrefix(line, "# ZALO_OA_SECRET_KEY="); ok {
			s.zaloSecret = v
		} else if file, header, ok := strings.Cut(line, " "); ok && !strings.HasPrefix(line, "#") {
			_, v, _ := strings.Cut(header, ": ")
			s.headers[file] = v
		}
	}
	if s.fbSecret == "" || s.zaloSecret == "" || len(s.headers) != 4 {
		t.Fatalf("SIGNATURES.txt not understood: %+v", s)
	}
	return s
}

// channelEnv starts the server with the fixtures' Facebook app secret and
// CAUNOI_SECRET_KEY, and maps the fixtures' page to xuan-lung and OA to au-co.
func channelEnv(t testing.TB, opts ...apitest.Option) (*apitest.Env, fixtureSigs) {
	t.Helper()
	sigs := readSigs(t)
	opts = append([]apitest.Option{apitest.WithFacebook(sigs.fbSecret, verifyToken),
		apitest.WithSecretKey(apitest.SecretKey)}, opts...)
	e := apitest.New(t, opts...)
	e.AddChannel(apitest.Channel{Platform: domain.PlatformFacebook, Unit: "xuan-lung", AccountID: fbPage,
		AccessToken: pageToken})
	e.AddChannel(apitest.Channel{Platform: domain.PlatformZalo, Unit: "au-co", AccountID: zaloOA, AppID: zaloApp,
		AccessToken: oaToken, SecretKey: sigs.zaloSecret})
	return e, sigs
}

func postFacebook(e *apitest.Env, body []byte, sig string) *apitest.Response {
	e.T.Helper()
	return e.Request("POST", "/webhooks/facebook", body, "Content-Type: application/json",
		facebook.SignatureHeader+": "+sig)
}

func postZalo(e *apitest.Env, body []byte, sig string) *apitest.Response {
	e.T.Helper()
	return e.Request("POST", "/webhooks/zalo", body, "Content-Type: application/json", zalo.SignatureHeader+": "+sig)
}

// signedFacebook posts body signed with the fixtures' app secret and expects 200.
func signedFacebook(t testing.TB, e *apitest.Env, sigs fixtureSigs, body string) {
	t.Helper()
	if r := postFacebook(e, []byte(body), facebook.Sign([]byte(body), sigs.fbSecret)); r.Status != 200 {
		t.Fatalf("facebook delivery: %d %s", r.Status, r.Body)
	}
}

// signedZalo posts body signed with the fixtures' OA secret key and expects 200.
func signedZalo(t testing.TB, e *apitest.Env, sigs fixtureSigs, body string) {
	t.Helper()
	sig, err := zalo.Sign([]byte(body), sigs.zaloSecret)
	if err != nil {
		t.Fatal(err)
	}
	if r := postZalo(e, []byte(body), sig); r.Status != 200 {
		t.Fatalf("zalo delivery: %d %s", r.Status, r.Body)
	}
}

// channelTicket is a ticket as the webhooks store it.
type channelTicket struct {
	ID                int64     `db:"id"`
	Unit              string    `db:"unit"`
	Channel           string    `db:"channel"`
	Status            string    `db:"status"`
	Body              string    `db:"body"`
	ExternalID        string    `db:"external_id"`
	ThreadID          string    `db:"thread_id"`
	CitizenExternalID string    `db:"citizen_external_id"`
	CitizenName       string    `db:"citizen_name"`
	CitizenPhone      string    `db:"citizen_phone"`
	Account           string    `db:"account"`
	Category          *string   `db:"category"`
	LastCitizenAt     time.Time `db:"last_citizen_at"`
}

// channelTickets returns the tickets of the social channels, oldest first.
func channelTickets(t testing.TB, e *apitest.Env) []channelTicket {
	t.Helper()
	var out []channelTicket
	err := e.DB.Select(&out, `SELECT t.id, u.code AS unit, t.channel, t.status, t.body, coalesce(t.external_id, '') AS external_id,
			t.thread_id, t.citizen_external_id, t.citizen_name, t.citizen_phone, coalesce(a.account_id, '') AS account,
			c.code AS category, t.last_citizen_at
		FROM tickets t JOIN units u ON u.id = t.unit_id
		LEFT JOIN channel_accounts a ON a.id = t.channel_account_id
		LEFT JOIN categories c ON c.id = t.category_id
		WHERE t.channel IN ('facebook_comment', 'facebook_message', 'zalo') ORDER BY t.id`)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// eventTypes returns the types of a ticket's events in order.
func eventTypes(t testing.TB, e *apitest.Env, ticketID int64) []string {
	t.Helper()
	var types []string
	if err := e.DB.Select(&types, `SELECT type FROM ticket_events WHERE ticket_id = $1 ORDER BY id`, ticketID); err != nil {
		t.Fatal(err)
	}
	return types
}

// stored counts what a delivery may write.
func stored(t testing.TB, e *apitest.Env) [3]int {
	t.Helper()
	return [3]int{e.Count("tickets"), e.Count("ticket_events"), e.Count("attachments")}
}
