package zalo

import (
	"errors"
	"strings"
	"testing"

	"caunoi/channels"
	"caunoi/channels/internal/testfixtures"
)

var fixtures = []string{"zalo_user_send_text.json", "zalo_user_send_image.json"}

const (
	appID = "3482178216594085616"
	oaID  = "3886132808788086451"
)

func TestVerifyFixtures(t *testing.T) {
	sigs := testfixtures.ReadSignatures(t)
	secret := sigs.Secrets["ZALO_OA_SECRET_KEY"]
	for _, name := range fixtures {
		body := testfixtures.Read(t, name)
		header := sigs.Headers[name]
		gotApp, gotOA, err := PeekIDs(body)
		if err != nil || gotApp != appID || gotOA != oaID {
			t.Errorf("%s: PeekIDs = %q, %q, %v", name, gotApp, gotOA, err)
		}
		if err := Verify(body, header, secret); err != nil {
			t.Errorf("%s: Verify: %v", name, err)
		}
		lookup := func(a, o string) (string, bool) { return secret, a == appID && o == oaID }
		if err := VerifyWith(body, header, lookup); err != nil {
			t.Errorf("%s: VerifyWith: %v", name, err)
		}
		if got, err := Sign(body, secret); err != nil || got != header {
			t.Errorf("%s: Sign = %s, %v; want %s", name, got, err, header)
		}
	}
}

func TestVerifyRefuses(t *testing.T) {
	sigs := testfixtures.ReadSignatures(t)
	secret := sigs.Secrets["ZALO_OA_SECRET_KEY"]
	body := testfixtures.Read(t, "zalo_user_send_text.json")
	header := sigs.Headers["zalo_user_send_text.json"]
	hexSig := strings.TrimPrefix(header, "mac=")

	tests := []struct {
		name           string
		body           []byte
		header, secret string
	}{
		{"wrong secret", body, header, secret + "x"},
		{"no secret", body, header, ""},
		{"missing header", body, "", secret},
		{"no prefix", body, hexSig, secret},
		{"sha256 prefix", body, "sha256=" + hexSig, secret},
		{"prefix only", body, "mac=", secret},
		{"not hex", body, "mac=" + strings.Repeat("g", 64), secret},
		{"truncated", body, header[:len(header)-1], secret},
		{"other fixture's signature", body, sigs.Headers["zalo_user_send_image.json"], secret},
		{"trailing byte added", append(append([]byte{}, body...), ' '), header, secret},
		{"not JSON", []byte("mac"), header, secret},
		{"no timestamp", []byte(`{"app_id":"1"}`), header, secret},
		{"no app_id", []byte(`{"timestamp":"1"}`), header, secret},
		{"app_id an object", []byte(`{"app_id":{},"timestamp":"1"}`), header, secret},
	}
	for _, tt := range tests {
		if err := Verify(tt.body, tt.header, tt.secret); !errors.Is(err, channels.ErrSignature) {
			t.Errorf("%s: Verify = %v, want ErrSignature", tt.name, err)
		}
	}
	for i := range body {
		changed := append([]byte{}, body...)
		changed[i] ^= 0x01
		if err := Verify(changed, header, secret); !errors.Is(err, channels.ErrSignature) {
			t.Fatalf("byte %d changed: Verify = %v, want ErrSignature", i, err)
		}
	}
	unknown := func(string, string) (string, bool) { return "", false }
	if err := VerifyWith(body, header, unknown); !errors.Is(err, channels.ErrSignature) {
		t.Errorf("unknown OA: VerifyWith = %v", err)
	}
	other := func(string, string) (string, bool) { return "another OA's key", true }
	if err := VerifyWith(body, header, other); !errors.Is(err, channels.ErrSignature) {
		t.Errorf("another OA's key: VerifyWith = %v", err)
	}
}

func TestVerifyNumericTimestamp(t *testing.T) {
	// A timestamp sent as a JSON number enters the MAC as written.
	body := []byte(`{"app_id":"42","event_name":"user_send_text","sender":{"id":"1"},"recipient":{"id":"2"},` +
		`"message":{"msg_id":"x","text":"a"},"timestamp":1735708200123}`)
	header := "mac=" + hexSHA256("42"+string(body)+"1735708200123"+"k")
	if err := Verify(body, header, "k"); err != nil {
		t.Errorf("Verify: %v", err)
	}
}

func TestPeekIDs(t *testing.T) {
	tests := []struct{ body, app, oa string }{
		{`{"app_id":"1","event_name":"follow","oa_id":"9","follower":{"id":"5"},"timestamp":"1"}`, "1", "9"},
		{`{"app_id":"1","event_name":"oa_send_text","sender":{"id":"9"},"recipient":{"id":"5"},"timestamp":"1"}`, "1", "9"},
		{`{"app_id":"1","event_name":"user_received_message","sender":"9","recipient":"84987654321","timestamp":"1"}`, "1", "9"},
		{`{"app_id":"1","event_name":"user_seen_message","sender":{"id":"9"},"recipient":{"id":"5"},"timestamp":"1"}`, "1", "9"},
		{`{"app_id":"1","event_name":"user_reacted_message","sender":{"id":"5"},"recipient":{"id":"9"},"timestamp":"1"}`, "1", "9"},
		{`{"app_id":2,"event_name":"user_send_text","sender":{"id":"5"},"recipient":{"id":"9"},"timestamp":"1"}`, "2", "9"},
	}
	for _, tt := range tests {
		app, oa, err := PeekIDs([]byte(tt.body))
		if err != nil || app != tt.app || oa != tt.oa {
			t.Errorf("PeekIDs(%s) = %q, %q, %v; want %q, %q", tt.body, app, oa, err, tt.app, tt.oa)
		}
	}
	for _, body := range []string{``, `[]`, `{"timestamp":"1"}`, `{"app_id":true}`} {
		if _, _, err := PeekIDs([]byte(body)); !errors.Is(err, channels.ErrSignature) {
			t.Errorf("PeekIDs(%s) = %v, want ErrSignature", body, err)
		}
	}
}

func FuzzZaloVerify(f *testing.F) {
	sigs := testfixtures.ReadSignatures(f)
	secret := sigs.Secrets["ZALO_OA_SECRET_KEY"]
	for _, name := range fixtures {
		f.Add(testfixtures.Read(f, name), sigs.Headers[name])
	}
	f.Fuzz(func(t *testing.T, body []byte, header string) {
		err := Verify(body, header, secret)
		if err != nil && !errors.Is(err, channels.ErrSignature) {
			t.Fatalf("Verify error does not wrap ErrSignature: %v", err)
		}
		want, signErr := Sign(body, secret)
		if err == nil && (signErr != nil || !strings.EqualFold(strings.TrimSpace(header), want)) {
			t.Fatalf("Verify accepted %q; the signature is %q (%v)", header, want, signErr)
		}
		if signErr == nil && Verify(body, want, secret) != nil {
			t.Fatalf("Verify refused Sign's own signature")
		}
	})
}
