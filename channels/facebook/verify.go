// Package facebook reads Facebook Page webhooks (feed comments and Messenger
// messages) and answers through the Graph API.
//
// A webhook handler calls Verify on the raw body before anything else, then
// Parse; GET requests of the subscription handshake go to Handshake.
package facebook

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"

	"caunoi/channels"
)

// SignatureHeader is the header that carries a delivery's signature.
const SignatureHeader = "X-Hub-Signature-256"

const sigPrefix = "sha256="

// Verify checks header, the value of X-Hub-Signature-256, against the raw
// request body: it must be "sha256=" followed by the hex HMAC-SHA256 of body
// keyed with the app secret. The comparison is constant-time. It returns nil
// when the signature matches, and otherwise an error wrapping
// channels.ErrSignature (also when appSecret is empty: an unconfigured app
// refuses every delivery).
func Verify(body []byte, header, appSecret string) error {
	if appSecret == "" {
		return fmt.Errorf("facebook: no app secret configured: %w", channels.ErrSignature)
	}
	header = strings.TrimSpace(header)
	if header == "" {
		return fmt.Errorf("facebook: missing %s: %w", SignatureHeader, channels.ErrSignature)
	}
	hexSig, ok := cutPrefixFold(header, sigPrefix)
	if !ok {
		return fmt.Errorf("facebook: %s is not sha256=HEX: %w", SignatureHeader, channels.ErrSignature)
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil || len(got) != sha256.Size {
		return fmt.Errorf("facebook: %s is not sha256=HEX: %w", SignatureHeader, channels.ErrSignature)
	}
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write(body)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return fmt.Errorf("facebook: signature does not match: %w", channels.ErrSignature)
	}
	return nil
}

// Sign returns the X-Hub-Signature-256 value Facebook would send for body; for
// tests and for tools that replay deliveries.
func Sign(body []byte, appSecret string) string {
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write(body)
	return sigPrefix + hex.EncodeToString(mac.Sum(nil))
}

// Handshake answers the webhook subscription request (GET with hub.mode,
// hub.verify_token, hub.challenge). It returns the challenge to echo as a
// text/plain 200 and ok = true when hub.mode is "subscribe", verifyToken is
// configured and equals hub.verify_token (compared in constant time), and the
// challenge is 1 to 128 ASCII letters, digits, '-', '_' or '.' (Facebook sends
// digits; anything else is refused so that nothing odd is reflected). In every
// other case it returns "", false and the handler answers 403.
func Handshake(query url.Values, verifyToken string) (challenge string, ok bool) {
	if verifyToken == "" || query.Get("hub.mode") != "subscribe" {
		return "", false
	}
	if subtle.ConstantTimeCompare([]byte(query.Get("hub.verify_token")), []byte(verifyToken)) != 1 {
		return "", false
	}
	challenge = query.Get("hub.challenge")
	if !safeChallenge(challenge) {
		return "", false
	}
	return challenge, true
}

func safeChallenge(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return "", false
	}
	return s[len(prefix):], true
}
