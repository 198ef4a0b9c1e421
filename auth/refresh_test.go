package auth

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"testing"
)

func TestRefreshToken(t *testing.T) {
	tok, hash := NewRefreshToken()
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(raw) != 32 {
		t.Fatalf("token %q: %d bytes, %v", tok, len(raw), err)
	}
	if len(hash) != sha256.Size {
		t.Fatalf("hash is %d bytes", len(hash))
	}
	if !bytes.Equal(HashRefreshToken(tok), hash) {
		t.Error("HashRefreshToken(token) != hash")
	}
	if bytes.Equal(HashRefreshToken(tok+"x"), hash) {
		t.Error("another token has the same hash")
	}
	tok2, hash2 := NewRefreshToken()
	if tok2 == tok || bytes.Equal(hash2, hash) {
		t.Error("two refresh tokens are equal")
	}
}

func TestCSRF(t *testing.T) {
	a := NewCSRFToken()
	if len(a) != 43 {
		t.Errorf("len = %d", len(a))
	}
	if a == NewCSRFToken() {
		t.Error("two CSRF tokens are equal")
	}
	tests := []struct {
		a, b string
		want bool
	}{
		{a, a, true},
		{a, a[:42], false},
		{a, a + "x", false},
		{a, "", false},
		{"", a, false},
		{"", "", false},
	}
	for _, tt := range tests {
		if got := CheckCSRF(tt.a, tt.b); got != tt.want {
			t.Errorf("CheckCSRF(%q, %q) = %v", tt.a, tt.b, got)
		}
	}
}
