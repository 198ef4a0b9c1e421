package facebook

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"caunoi/channels"
	"caunoi/channels/internal/testfixtures"
)

var fixtures = []string{"fb_feed_comment.json", "fb_messenger_text.json"}

func TestVerifyFixtures(t *testing.T) {
	sigs := testfixtures.ReadSignatures(t)
	secret := sigs.Secrets["FB_APP_SECRET"]
	for _, name := range fixtures {
		body := testfixtures.Read(t, name)
		header := sigs.Headers[name]
		if err := Verify(body, header, secret); err != nil {
			t.Errorf("%s: Verify: %v", name, err)
		}
		if got := Sign(body, secret); got != header {
			t.Errorf("%s: Sign = %s, want %s", name, got, header)
		}
		// Facebook sends lower-case hex; accept either case and the prefix in any case.
		if err := Verify(body, "SHA256="+strings.ToUpper(strings.TrimPrefix(header, "sha256=")), secret); err != nil {
			t.Errorf("%s: upper-case signature refused: %v", name, err)
		}
	}
}

func TestVerifyRefuses(t *testing.T) {
	sigs := testfixtures.ReadSignatures(t)
	secret := sigs.Secrets["FB_APP_SECRET"]
	body := testfixtures.Read(t, "fb_feed_comment.json")
	header := sigs.Headers["fb_feed_comment.json"]
	hexSig := strings.TrimPrefix(header, "sha256=")

	tests := []struct {
		name           string
		body           []byte
		header, secret string
	}{
		{"wrong secret", body, header, secret + "x"},
		{"no secret configured", body, header, ""},
		{"missing header", body, "", secret},
		{"blank header", body, "   ", secret},
		{"no prefix", body, hexSig, secret},
		{"sha1 prefix", body, "sha1=" + hexSig, secret},
		{"prefix only", body, "sha256=", secret},
		{"not hex", body, "sha256=" + strings.Repeat("zz", 32), secret},
		{"truncated", body, header[:len(header)-2], secret},
		{"too long", body, header + "00", secret},
		{"other fixture's signature", body, sigs.Headers["fb_messenger_text.json"], secret},
		{"trailing byte added", append(append([]byte{}, body...), '\n'), header, secret},
		{"trailing newline removed", body[:len(body)-1], header, secret},
		{"empty body", nil, header, secret},
	}
	for _, tt := range tests {
		if err := Verify(tt.body, tt.header, tt.secret); !errors.Is(err, channels.ErrSignature) {
			t.Errorf("%s: Verify = %v, want ErrSignature", tt.name, err)
		}
	}
	// Any single changed byte is refused.
	for i := range body {
		changed := append([]byte{}, body...)
		changed[i] ^= 0x01
		if err := Verify(changed, header, secret); !errors.Is(err, channels.ErrSignature) {
			t.Fatalf("byte %d changed: Verify = %v, want ErrSignature", i, err)
		}
	}
}

func TestHandshake(t *testing.T) {
	fixture := strings.TrimSpace(string(testfixtures.Read(t, "fb_verify_query.txt")))
	q, err := url.ParseQuery(fixture)
	if err != nil {
		t.Fatal(err)
	}
	const token = "cskh-phuong-ben-thanh-2025"
	if got, ok := Handshake(q, token); !ok || got != "1158201444" {
		t.Errorf("Handshake(fixture) = %q, %v; want 1158201444, true", got, ok)
	}
	with := func(k, v string) url.Values {
		c := url.Values{}
		for key, vals := range q {
			c[key] = append([]string(nil), vals...)
		}
		if v == "" {
			c.Del(k)
		} else {
			c.Set(k, v)
		}
		return c
	}
	refused := []struct {
		name  string
		q     url.Values
		token string
	}{
		{"wrong token", q, token + "x"},
		{"no token configured", q, ""},
		{"token missing", with("hub.verify_token", ""), token},
		{"mode unsubscribe", with("hub.mode", "unsubscribe"), token},
		{"mode missing", with("hub.mode", ""), token},
		{"challenge missing", with("hub.challenge", ""), token},
		{"challenge with markup", with("hub.challenge", "<script>alert(1)</script>"), token},
		{"challenge too long", with("hub.challenge", strings.Repeat("9", 129)), token},
	}
	for _, tt := range refused {
		if got, ok := Handshake(tt.q, tt.token); ok || got != "" {
			t.Errorf("%s: Handshake = %q, %v; want refused", tt.name, got, ok)
		}
	}
}

func FuzzFacebookVerify(f *testing.F) {
	sigs := testfixtures.ReadSignatures(f)
	secret := sigs.Secrets["FB_APP_SECRET"]
	for _, name := range fixtures {
		f.Add(testfixtures.Read(f, name), sigs.Headers[name])
	}
	f.Add([]byte("{}"), "sha256=")
	f.Fuzz(func(t *testing.T, body []byte, header string) {
		err := Verify(body, header, secret)
		if err != nil && !errors.Is(err, channels.ErrSignature) {
			t.Fatalf("Verify error does not wrap ErrSignature: %v", err)
		}
		// Only the true signature (in any hex case, with optional spaces) passes.
		want := Sign(body, secret)
		if err == nil && !strings.EqualFold(strings.TrimSpace(header), want) {
			t.Fatalf("Verify accepted %q for a body whose signature is %q", header, want)
		}
		if Verify(body, want, secret) != nil {
			t.Fatalf("Verify refused Sign's own signature")
		}
	})
}
